# The two commands of the README: `make run` serves the demo, `make test` runs the whole suite.
# Both build .venv on first use and reinstall only when a requirements file changes.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
FLASK := $(BIN)/flask --app wsgi
CHROMIUM := /usr/bin/chromium
NO_CHROMIUM := Browser tests skipped: no Chromium found at $(CHROMIUM) (apt-get install -y chromium)

.PHONY: run test bench translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled catalogues (*.mo) are build output; compile whatever .po files exist.
translations: $(STAMP)
	@if find supply/translations -name '*.po' 2>/dev/null | grep -q .; then \
		$(BIN)/pybabel compile -d supply/translations; \
	fi

run: translations
	$(FLASK) migrate
	$(FLASK) seed-demo --if-empty
	@echo "Serving http://127.0.0.1:$${PORT:-8000}/ with gunicorn (Ctrl-C stops it)."
	exec $(BIN)/gunicorn -w 2 -b 127.0.0.1:$${PORT:-8000} wsgi:app

test: translations
	@[ -x $(CHROMIUM) ] || echo "$(NO_CHROMIUM)"
	$(BIN)/ruff check supply tests
	@status=0; $(BIN)/pytest -q || status=$$?; \
	[ -x $(CHROMIUM) ] || echo "$(NO_CHROMIUM)"; \
	exit $$status

# The benchmark (bench/run.py): generates a season into PostgreSQL on first use (minutes), then measures it.
# Options go in BENCH_ARGS, e.g. make bench BENCH_ARGS="--database-url sqlite:////tmp/bench.sqlite --batches 5000".
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Removes the environment and caches, never instance/ (the demo database and the secret key live there).
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find supply/translations -name '*.mo' -delete 2>/dev/null || true
