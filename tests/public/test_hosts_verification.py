"""Done when (issue 11): an event altered behind the service's back loses the lot its verified mark on every app
host within 60 seconds, once the verifier runs: two gunicorn hosts over one committed database, each with its own
instance folder and its pages kept, and `flask --app wsgi verify-chain --watch` as a process beside them."""

from __future__ import annotations

import time

from supply.db import db
from supply.models import Event
from supply.models import EventBatch
from tests.builders.custody import register
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.hosts import get
from tests.builders.hosts import start_command
from tests.builders.hosts import start_host
from tests.builders.hosts import stop
from tests.builders.live import bound_to
from tests.builders.live import scratch_database_url
from tests.builders.tampering import tampering

MARK = "✔ Verified · "
WARNING = "✖ The record of this batch could not be verified."
WITHIN = 60.0


def _alter_registration(lot_id: int) -> None:
    """Alter the lot's registration event in the database, its triggers switched off for the moment."""
    with db.connection_context(), db.atomic():
        event = Event.select().join(EventBatch).where(EventBatch.batch == lot_id).get()
        with tampering("event"):
            Event.update(doc_number="forged").where(Event.id == event.id).execute()


def _shown_by(url: str, deadline: float) -> str | None:
    """Return the page's text once it shows the warning (asked every 100 ms), or None past the deadline."""
    while time.monotonic() < deadline:
        text = get(url)
        if WARNING in text:
            return text
        time.sleep(0.1)
    return None


def test_an_altered_event_takes_the_mark_off_both_hosts_kept_pages_within_60_seconds(tmp_path):
    with scratch_database_url("verify") as url, bound_to(url):
        with db.connection_context():
            producer = make_user(role="producer")
            site, product = make_site(party=producer.party), make_product()
            lot = register(producer, site, product, "500", lot_code="TAMPER-LOT")
            register(producer, site, product, "80", lot_code="OTHER-LOT")
        hosts = [start_host(url, str(tmp_path / f"host-{name}")) for name in "ab"]
        verifier = None
        try:
            pages = [f"{base}/t/{lot.public_token}" for _process, base in hosts]
            for page in pages:
                for _ in range(4):  # rendered once, then kept by both of the host's workers
                    text = get(page)
                assert MARK in text and WARNING not in text

            _alter_registration(lot.id)
            altered = time.monotonic()
            assert all(MARK in get(page) for page in pages)  # no page checks the chain itself

            verifier = start_command(url, str(tmp_path / "verifier"), "verify-chain", "--watch", "--pause", "1")
            shown = [_shown_by(page, altered + WITHIN) for page in pages]
            assert all(text is not None for text in shown), "a host still shows the verified mark after 60 s"
            assert all(MARK not in text for text in shown)
            assert all("这批产品的记录无法核验。" in get(page, "zh-CN") for page in pages)
        finally:
            if verifier is not None:
                stop(verifier)
            for process, _base in hosts:
                stop(process)
        with verifier.stdout:
            output = verifier.stdout.read()
        assert "BROKEN now: TAMPER-LOT" in output and "checked 2 lot(s)" in output, output
