"""The kept scan pages: served again while unchanged, never stale, scans live, 304 on a matching ETag."""

from __future__ import annotations

import datetime
import re

import pytest
from jinja2 import DictLoader
from jinja2 import Environment

from supply.models import Batch
from supply.models import Scan
from supply.services.audit.writes import announce_write
from supply.services.masterdata.products import update_product
from supply.services.public import cache as public_cache
from supply.services.public import scan_section
from supply.services.public.scans import ScanSummary
from supply.services.recalls.recalls import open_recall
from supply.views import public
from tests.builders.chains import register
from tests.builders.chains import ship_and_receive
from tests.builders.chains import vegetable_chain
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

EN = {"Accept-Language": "en"}


@pytest.fixture()
def renders(monkeypatch):
    """Count the pages drawn (each completes the lot's facts once, whether read back or gathered)."""
    calls = []
    real = public.complete

    def counting(view, **kwargs):
        calls.append(view.batch.lot_code)
        return real(view, **kwargs)

    monkeypatch.setattr(public, "complete", counting)
    return calls


def text_of(client, url: str, headers=EN) -> str:
    """Fetch a page and return its text, checking it answered 200."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def shown(record) -> str:
    """Return the name an English reader sees."""
    return record.name_en or record.name


def scanned(text: str) -> int:
    """Read the scan count the page shows."""
    return int(re.search(r"scanned (\d+) times?", text).group(1))


def test_the_scans_block_of_the_template_is_found(app):
    with app.app_context():
        section = public.page_cache().section
    assert section is not None, "pages are not kept: the scans <section> of public/batch.html was not found"


def test_a_kept_page_is_served_again_with_live_scan_counts(app, client, renders):
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    first = text_of(client, url)
    second = text_of(client, url)
    assert renders == [batch.lot_code]
    assert scanned(first) == 1 and scanned(second) == 2
    assert second.replace("scanned 2 times", "scanned 1 time") == first
    assert client.head(url, headers=EN).status_code == 200
    assert scanned(text_of(client, url)) == 3
    assert Scan.select().where(Scan.batch_id == batch.id).count() == 3
    assert renders == [batch.lot_code]
    shells = app.extensions["public_page_cache"].section._shells
    assert shells and None not in shells.values(), "the scans block is drawn in full on every request"


def test_kept_page_equals_a_fresh_render(app, client, renders):
    vegetable_chain()
    url = f"/t/{Batch.get(Batch.lot_code == 'VEG-M').public_token}"
    text_of(client, url)
    kept = text_of(client, url)
    app.extensions["public_page_cache"].clear()
    fresh = text_of(client, url)
    assert len(renders) == 2
    assert scanned(fresh) == scanned(kept) + 1
    assert re.sub(r"scanned \d+ times", "", fresh) == re.sub(r"scanned \d+ times", "", kept)


def test_each_language_and_path_is_kept_apart(client, renders):
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    english = text_of(client, url)
    chinese = text_of(client, url, headers={"Accept-Language": "zh-CN"})
    traditional = text_of(client, url, headers={"Accept-Language": "zh-TW"})
    assert "Lot code" in english and "批次号" in chinese and "批次號" in traditional
    assert "Lot code" in text_of(client, url) and "批次号" in text_of(client, url, headers={"Accept-Language": "zh"})
    assert len(renders) == 3


def test_recalls_show_at_once_on_a_kept_page(client, renders):
    chain = vegetable_chain()
    url = f"/t/{Batch.get(Batch.lot_code == 'VEG-S1').public_token}"
    assert "has been recalled" not in text_of(client, url)
    assert "has been recalled" not in text_of(client, url)
    assert len(renders) == 1
    # An upstream lot marked recalled behind the services' back (no event, no audit entry) moves no version:
    # the kept page is served until the version is bumped; the lot's facts were forgotten at the update.
    Batch.update(status="recalled").where(Batch.id == chain["a"].id).execute()
    assert "has been recalled" not in text_of(client, url)
    announce_write()
    assert "A lot this batch was made from has been recalled" in text_of(client, url)
    Batch.update(status="active").where(Batch.id == chain["a"].id).execute()
    announce_write()
    assert "has been recalled" not in text_of(client, url)
    # A recall opened through the service marks the lot itself.
    inspector = make_user(role="inspector", party=make_party(kind="inspector"))
    open_recall(inspector, {"lot": "VEG-B", "level": 1, "reason": "农药残留超标"})
    assert "This batch has been recalled" in text_of(client, url)
    assert len(renders) == 4


def test_an_own_status_change_shows_at_once(client):
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    assert "This batch has been recalled" not in text_of(client, url)
    Batch.update(status="recalled").where(Batch.id == batch.id).execute()
    announce_write()
    assert "This batch has been recalled" in text_of(client, url)


def test_a_new_shipment_shows_at_once(client, renders):
    farmer = make_user(role="producer", party=make_party(kind="cooperative"))
    field = make_site(party=farmer.party, kind="field")
    operator = make_user(role="operator", party=make_party(kind="operator"))
    cold = make_site(party=operator.party, kind="cold_store")
    batch = register(farmer, field, make_product(), "100", lot_code="CACHE-1")
    url = f"/t/{batch.public_token}"
    assert "Shipped from" not in text_of(client, url)
    assert "Shipped from" not in text_of(client, url)
    ship_and_receive(farmer, field, operator, cold, "CACHE-1", "100")
    text = text_of(client, url)
    assert f"Shipped from {shown(field)} to {shown(operator.party)}" in text
    assert f"Received at {shown(cold)}" in text
    assert len(renders) == 2


def test_an_audited_write_elsewhere_shows_at_once(client, renders):
    admin = make_user(role="admin")
    product = make_product(name_en="Broccoli")
    batch = make_batch(product=product)
    url = f"/t/{batch.public_token}"
    assert "Broccoli" in text_of(client, url)
    update_product(admin, product.code, {"name_en": "Purple broccoli"})
    assert "Purple broccoli" in text_of(client, url)
    assert len(renders) == 2


def test_copied_label_warning_follows_live_counts(client, renders):
    batch = make_batch(product=make_product(unit="punnet", category="strawberry"), quantity=2)
    url = f"/t/{batch.public_token}"
    assert "label may have been copied" not in text_of(client, url)
    Scan.insert_many([{"batch_id": batch.id}] * 30).execute()
    text = text_of(client, url)
    assert "label may have been copied" in text and scanned(text) == 32
    assert renders == [batch.lot_code]


def test_matching_etag_gets_304_and_still_counts_the_scan(client):
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    first = client.get(url, headers=EN)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={**EN, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert Scan.select().where(Scan.batch_id == batch.id).count() == 2
    other_language = client.get(url, headers={"Accept-Language": "zh-CN", "If-None-Match": etag})
    assert other_language.status_code == 200
    Batch.update(status="recalled").where(Batch.id == batch.id).execute()
    announce_write()
    changed = client.get(url, headers={**EN, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "This batch has been recalled" in changed.get_data(as_text=True)


def test_a_page_older_than_the_limit_is_rendered_again(client, renders, monkeypatch):
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    clock = [1000.0]
    monkeypatch.setattr(public_cache, "now", lambda: clock[0])
    text_of(client, url)
    clock[0] += public_cache.MAX_AGE - 1
    text_of(client, url)
    clock[0] += 2
    text_of(client, url)
    assert len(renders) == 2


def test_a_digital_link_uri_redirects_to_the_one_kept_page_of_its_token(client, renders):
    """A label printed with the Digital Link URI reaches the page at /t/<token>: one page kept, every scan counted."""
    product = make_product(gtin="06901234567892")
    batch = make_batch(product=product, lot_code="DL-CACHE")
    link = "/01/06901234567892/10/DL-CACHE"
    redirect = client.get(link, headers=EN)
    assert redirect.status_code == 307
    assert redirect.headers["Location"] == f"https://trace.example.cn/t/{batch.public_token}"
    by_token = text_of(client, f"/t/{batch.public_token}")
    assert "DL-CACHE" in by_token and f"next=/t/{batch.public_token}" in by_token
    again = client.get(link, headers=EN, base_url="https://trace.example.cn", follow_redirects=True)
    assert scanned(again.get_data(as_text=True)) == 2
    assert len(renders) == 1


def test_unknown_tokens_still_404(client):
    assert client.get("/t/unknown-token-xyz", headers=EN).status_code == 404
    assert client.get("/t/" + "x" * 40).status_code == 404


def test_without_keeping_pages_every_request_renders(app, client, renders):
    app.config["PUBLIC_PAGE_CACHE_SIZE"] = 0
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    assert scanned(text_of(client, url)) == 1 and scanned(text_of(client, url)) == 2
    assert "ETag" not in client.get(url).headers
    assert len(renders) == 3


def test_the_least_recently_used_page_goes_first(app):
    cache = public_cache.PageCache(app.jinja_env, size=2)
    page = public_cache.Page(1, 5, "<p>", "</p>", "tag", 0.0)
    for key in ("a", "b"):
        cache.put((key,), page)
    assert cache.get(("a",)) is page
    cache.put(("c",), page)
    assert len(cache) == 2 and cache.get(("b",)) is None and cache.get(("a",)) is page


@pytest.mark.parametrize("source", [
    "<main>{{ scans.count }}</main>",
    "<section>{{ scans.count }}</section><section>{{ scans.first }}</section>",
    "<section>{{ scans.count }} {{ batch.lot_code }}</section>",
    "<section>{{ scans.count }}</section><p>{{ scans.first }}</p>",
])
def test_pages_are_not_kept_when_the_scans_block_cannot_be_cut_out(source):
    env = Environment(loader=DictLoader({scan_section.PAGE_TEMPLATE: source}))
    assert public_cache.ScanSection(env).template is None


def test_the_scans_block_is_cut_out_of_a_template():
    source = "<h1>{{ title }}</h1><section><h2>{{ _('Scans') }}</h2>{{ scans.count }}</section><footer/>"
    env = Environment(loader=DictLoader({scan_section.PAGE_TEMPLATE: source}))
    env.globals["_"] = str
    section = public_cache.ScanSection(env)
    summary = ScanSummary(7, None, False)
    block = section.render(summary)
    assert block == "<section><h2>Scans</h2>7</section>"
    html = env.get_template(scan_section.PAGE_TEMPLATE).render(title="T", scans=summary)
    assert public_cache.split(html, block) == ("<h1>T</h1>", "<footer/>")
    assert public_cache.split(html + block, block) is None


def test_the_scans_block_is_filled_in_or_drawn_the_same_for_every_count():
    source = ("<section>{% if scans.suspicious %}!{% endif %}{{ ngettext('%(num)s scan since %(since)s', "
              "'%(num)s scans since %(since)s', scans.count, since=scans.first|local_time) }} "
              "[{{ '%05d' % scans.count }}]</section>")
    env = Environment(loader=DictLoader({scan_section.PAGE_TEMPLATE: source}), extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)
    env.filters["local_time"] = lambda value: value.strftime("%Y-%m-%d %H:%M") if value else ""
    section = public_cache.ScanSection(env)
    first = datetime.datetime(2026, 7, 1, 8, 30)
    for count in (1, 2, 7, 1, 12345, 2):
        for summary in (ScanSummary(count, first, False), ScanSummary(count, None, True)):
            assert section.render(summary, "en") == section.template.render(scans=summary), summary
    plain = public_cache.ScanSection(Environment(loader=DictLoader({
        scan_section.PAGE_TEMPLATE: "<section>{{ scans.count }} {{ scans.first }}</section>"})))
    for count in (3, 4):
        summary = ScanSummary(count, first, False)
        assert plain.render(summary) == f"<section>{count} 2026-07-01 08:30:00</section>"
