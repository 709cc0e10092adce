"""Clients that post wrong sign-ins until told to stop, in a process of their own: the flood of bench/signin_flood.py.

Each client alternates between the login page (a form post with the CSRF token and cookie it fetched first) and the
token endpoint (`POST /api/v1/auth/tokens`), each time with the next email of a list and a wrong password, and counts
the answers by status. The clients run in a separate process so that their threads do not share an interpreter lock
with the load tool measuring the scan page.
"""

from __future__ import annotations

import collections
import http.client
import json
import multiprocessing
import re
import statistics
import threading
import time
from urllib.parse import urlencode
from urllib.parse import urlsplit

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login_form(connection: http.client.HTTPConnection) -> tuple[str, str]:
    """Fetch the login page; return its CSRF token and the session cookie that goes with it."""
    connection.request("GET", "/login")
    response = connection.getresponse()
    body = response.read().decode()
    match = CSRF.search(body)
    if response.status != 200 or match is None:
        raise RuntimeError(f"/login answered {response.status} without a CSRF token")
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    return match.group(1), cookie


def post_wrong(connection: http.client.HTTPConnection, form: tuple[str, str] | None, email: str) -> int:
    """Post a wrong password for the email, to the login page when given its form, else to the token endpoint."""
    password = "wrong-password-" + email
    if form is None:
        body = json.dumps({"email": email, "password": password})
        connection.request("POST", "/api/v1/auth/tokens", body, {"Content-Type": "application/json"})
    else:
        token, cookie = form
        body = urlencode({"csrf_token": token, "email": email, "password": password})
        connection.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                    "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return response.status


def client(base_url: str, emails: list[str], start: int, stop, out: dict) -> None:
    """Post wrong sign-ins, page and API in turn, until `stop` is set; count the answers and their latencies."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    form = login_form(connection)
    index = start
    while not stop.is_set():
        email = emails[index % len(emails)]
        on_page = index % 2 == 0
        index += 1
        began = time.perf_counter()
        try:
            status = post_wrong(connection, form if on_page else None, email)
        except (OSError, http.client.HTTPException):
            out["statuses"]["error"] += 1
            connection.close()
            continue
        out["latencies"].append(time.perf_counter() - began)
        out["statuses"][f"{'page' if on_page else 'api'} {status}"] += 1
        if on_page and status == 400:  # the CSRF token no longer holds: fetch the form again
            form = login_form(connection)


def run_clients(base_url: str, emails: list[str], clients: int, stop, results) -> None:
    """Run the clients until `stop` is set, then put their summed counts on the `results` queue."""
    outs = [{"statuses": collections.Counter(), "latencies": []} for _ in range(clients)]
    threads = [threading.Thread(target=client, args=(base_url, emails, n * 7, stop, out))
               for n, out in enumerate(outs)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    statuses = sum((out["statuses"] for out in outs), collections.Counter())
    latencies = sorted(value for out in outs for value in out["latencies"])
    results.put({"clients": clients, "seconds": round(seconds, 2), "statuses": dict(sorted(statuses.items())),
                 "requests": len(latencies), "requests_per_s": round(len(latencies) / seconds, 1),
                 "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None})


class Flood:
    """Wrong sign-ins from `clients` clients for the length of a `with` block; `.figures` holds the counts after."""

    def __init__(self, base_url: str, emails: list[str], clients: int):
        context = multiprocessing.get_context("spawn")
        self.stop, self.results = context.Event(), context.Queue()
        self.process = context.Process(target=run_clients, args=(base_url, emails, clients, self.stop, self.results))
        self.figures: dict = {}

    def __enter__(self) -> Flood:
        self.process.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        try:
            self.figures = self.results.get(timeout=120)
        finally:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
