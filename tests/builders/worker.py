"""Start the job queue's worker (`flask --app wsgi worker`) as a process of its own, over a scratch database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from tests.builders import REPO

# A worker gone silent is found within seconds, not the production half-minute.
QUICK = {"SUPPLY_WORKER_HEARTBEAT_SECONDS": "0.5", "SUPPLY_WORKER_STALLED_SECONDS": "2"}


def start_worker(database_url: str, log_name: str = "worker") -> subprocess.Popen:
    """Start a worker process; its log goes to a file in a temporary folder (`process.log_path`)."""
    instance = tempfile.mkdtemp(prefix="supply-worker-")
    env = {**os.environ, **QUICK, "DATABASE_URL": database_url, "SUPPLY_INSTANCE_PATH": instance,
           "SECRET_KEY": "worker-test"}
    log_path = os.path.join(instance, f"{log_name}.log")
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=REPO, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log_path
    return process


def stop_worker(process: subprocess.Popen) -> str:
    """Stop a worker as a deployment would (SIGTERM; SIGKILL if it hangs) and return its log."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with open(process.log_path, encoding="utf-8", errors="replace") as log:
        return log.read()


@contextmanager
def running_worker(database_url: str) -> Iterator[subprocess.Popen]:
    """Run a worker for the block."""
    process = start_worker(database_url)
    try:
        yield process
    finally:
        stop_worker(process)
