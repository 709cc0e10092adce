"""A local HTTP receiver for webhook tests: records every POST and answers the statuses it is given, in turn."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from email.message import Message
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from tests.builders import REPO
from tests.builders.worker import start_worker


@dataclass
class Received:
    """One POST as received: its path, headers and raw body, and the status it was answered."""

    path: str
    headers: Message  # read case-insensitively, as HTTP headers are
    body: bytes
    status: int


@dataclass
class Receiver:
    """What the receiver got; `statuses` are answered in turn (then 200), `redirect_to` answers 302 instead."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    redirect_to: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else 200


@contextmanager
def receiving(statuses: list[int] | None = None) -> Iterator[Receiver]:
    """Serve a receiver on 127.0.0.1 for the block (a thread per request)."""
    receiver = Receiver(statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = 302 if receiver.redirect_to else receiver.next_status()
            with receiver.lock:
                receiver.received.append(Received(self.path, self.headers, body, status))
            self.send_response(status)
            if receiver.redirect_to:
                self.send_header("Location", receiver.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/inbox"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def start_delivery_process(database_url: str) -> subprocess.Popen:
    """Start what sends webhooks in the background: the queue's worker on PostgreSQL, else (the embedded SQLite
    default, which has no queue) `flask --app wsgi deliver-webhooks --watch`."""
    if not database_url.startswith("sqlite"):
        return start_worker(database_url, "webhooks")
    instance = tempfile.mkdtemp(prefix="supply-webhooks-")
    log_path = os.path.join(instance, "webhooks.log")
    env = {**os.environ, "DATABASE_URL": database_url, "SUPPLY_INSTANCE_PATH": instance, "SECRET_KEY": "webhooks"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "deliver-webhooks", "--watch",
                                    "--pause", "0.5"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log_path
    return process
