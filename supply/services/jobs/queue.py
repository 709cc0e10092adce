"""The job queue: procrastinate's app, the tasks it knows, and jobs deferred in the caller's transaction.

A job is deferred on the models' own database connection (`ModelsConnector`), inside whatever transaction is
open: it exists exactly when the writes that asked for it commit, and a request that rolls back leaves no job
behind. The worker (`supply.services.jobs.worker`) runs the jobs over a connection pool of its own.

Adding a periodic task to the worker (a chain verifier re-checking a slice of lots, say) takes a few lines in the
domain's own module:

    from supply.services.jobs.queue import periodic

    @periodic("custody.verify_slice", cron="* * * * *")   # cron; an optional 6th column, last, counts seconds
    def verify_slice() -> None:
        '''Re-check the next slice of lots.'''

and that module's dotted path in TASK_MODULES below, so that the worker imports it and schedules the task.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import procrastinate
import psycopg.types.json
from procrastinate import connector
from procrastinate.sync_psycopg_connector import wrap_exceptions

from supply.db import db

# Modules whose tasks the worker runs: a task defined elsewhere is unknown to it.
TASK_MODULES = [
    "supply.services.interchange.imports.jobs",
    "supply.services.interchange.capture.jobs",
    "supply.services.jobs.stalled",
    "supply.services.custody.verifier_task",
    "supply.services.public.facts_task",
    "supply.services.notifications.tasks",
    "supply.services.dashboards.tasks",
    "supply.services.interchange.query.subscriptions_task",
]


def _jsonb(value: Any) -> Any:
    """Send dicts as jsonb, as procrastinate's own psycopg connector does."""
    if isinstance(value, dict):
        return psycopg.types.json.Jsonb(value)
    if isinstance(value, list):
        return [_jsonb(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_jsonb(item) for item in value)
    return value


class ModelsConnector(connector.BaseConnector):
    """Run procrastinate's queries on the models' connection (PostgreSQL), within its open transaction."""

    def get_sync_connector(self) -> connector.BaseConnector:
        return self

    def open(self, pool: Any = None) -> None:
        """Nothing to open: the models' connection is opened by the request or the command."""

    def close(self) -> None:
        """Nothing to close."""

    def _run(self, query: str, arguments: dict) -> list[dict]:
        with wrap_exceptions():
            cursor = db.connection().execute(query, {key: _jsonb(value) for key, value in arguments.items()})
            if cursor.description is None:
                return []
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def execute_query(self, query: str, **arguments: Any) -> None:
        self._run(query, arguments)

    def execute_query_one(self, query: str, **arguments: Any) -> dict[str, Any]:
        return self._run(query, arguments)[0]

    def execute_query_all(self, query: str, **arguments: Any) -> list[dict[str, Any]]:
        return self._run(query, arguments)


queue = procrastinate.App(connector=ModelsConnector(), import_paths=TASK_MODULES)


def task(name: str, **options: Any) -> Callable:
    """Register a function as a queued task, run in a worker thread on a database connection of its own."""

    def decorate(function: Callable) -> Any:
        @functools.wraps(function)
        def run(**kwargs: Any) -> Any:
            with db.connection_context():
                return function(**kwargs)

        return queue.task(name=name, **options)(run)

    return decorate


def periodic(name: str, cron: str) -> Callable:
    """Register a function without arguments as a task the worker defers on a cron schedule (one at a time)."""

    def decorate(function: Callable) -> Callable:
        def run(timestamp: int) -> None:
            with db.connection_context():
                function()

        run.__name__ = run.__qualname__ = function.__name__
        queue.periodic(cron=cron)(queue.task(name=name, queueing_lock=name)(run))
        return function

    return decorate
