"""The worker: run the queue's jobs on PostgreSQL until stopped by a signal (`flask --app wsgi worker`)."""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from procrastinate import PsycopgConnector

from supply.services.jobs.queue import queue

# Settings of the app (SUPPLY_WORKER_* in the environment) and their defaults.
DEFAULTS = {"WORKER_CONCURRENCY": 2, "WORKER_HEARTBEAT_SECONDS": 10.0, "WORKER_STALLED_SECONDS": 30.0}


def conninfo(database_url: str) -> str:
    """Turn the app's DATABASE_URL (postgres+pool://... included) into a libpq URL for the worker's own pool."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def run_worker(database_url: str, settings: dict) -> None:
    """Run jobs, several at a time, until SIGINT or SIGTERM (a job already started is finished first)."""
    options = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    concurrency = int(options["WORKER_CONCURRENCY"])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Two connections beside the jobs': the heartbeat and fetches, and LISTEN for new jobs.
    connector = PsycopgConnector(conninfo=conninfo(database_url), min_size=1, max_size=concurrency + 2)
    with queue.replace_connector(connector) as app:
        app.run_worker(
            name=f"{socket.gethostname()}-worker",
            concurrency=concurrency,
            update_heartbeat_interval=float(options["WORKER_HEARTBEAT_SECONDS"]),
            stalled_worker_timeout=float(options["WORKER_STALLED_SECONDS"]),
            additional_context={"stalled_seconds": float(options["WORKER_STALLED_SECONDS"])},
            # Finished jobs leave the queue: what a user sees (an import's result) lives in our own tables.
            delete_jobs="successful",
        )
