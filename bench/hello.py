"""A Flask hello-world, the baseline of bench/scan_speed.py, served like the scan page: `gunicorn bench.hello:app`."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """Answer with a fixed greeting: the least a Flask request can cost."""
    return "Hello, World!"
