"""Label sheets, thermal labels and compliance certificates for the lots a signed-in user may see."""

from __future__ import annotations

from playhouse.test_utils import count_queries

from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in


def own_batches(user, count: int, **overrides):
    """Create batches at a site of the user's party."""
    site = make_site(party=user.party, county="湟源县")
    product = overrides.pop("product", None) or make_product(name="青薯9号马铃薯", name_en="Qingshu No. 9 potato")
    return [make_batch(site=site, product=product, **overrides) for _ in range(count)]


def test_a4_sheet_has_24_labels_a_page_with_both_names(client):
    user = make_user()
    batches = own_batches(user, 30)
    log_in(client, user)
    with count_queries() as counter:
        response = client.get("/labels?lots=" + ",".join(b.lot_code for b in batches))
    assert response.status_code == 200
    assert counter.count <= 10
    text = response.get_data(as_text=True)
    assert text.count('class="sheet"') == 2 and text.count('class="label"') == 30
    assert "size:A4" in text and "70mm" in text and "37mm" in text
    assert text.count("<symbol ") == 30 and text.count("<use ") == 30  # each QR code drawn once, used by its label
    for batch in batches:
        assert f'data-lot="{batch.lot_code}"' in text
    assert "青薯9号马铃薯" in text and "Qingshu No. 9 potato" in text and "湟源县" in text


def test_thermal_labels_are_60_by_40_mm(client):
    user = make_user()
    batches = own_batches(user, 2)
    log_in(client, user)
    text = client.get(f"/labels?format=thermal&lots={batches[0].lot_code},{batches[1].lot_code}").get_data(True)
    assert "size:60mm 40mm" in text and text.count('class="thermal"') == 2


def test_compliance_certificate_per_batch_with_its_qr_code(client):
    user = make_user()
    [batch] = own_batches(user, 1)
    log_in(client, user)
    text = client.get(f"/labels?format=certificate&lots={batch.lot_code}").get_data(as_text=True)
    assert text.count("承诺达标合格证") >= 2 and batch.lot_code in text
    assert "不使用禁用农药兽药" in text and "委托检测" in text and "<svg" in text
    assert batch.origin_party.name in text


def test_only_visible_lots_are_printed(client):
    user = make_user()
    [mine] = own_batches(user, 1)
    theirs = make_batch()
    log_in(client, user)
    text = client.get(f"/labels?lots={mine.lot_code},{theirs.lot_code},NOPE").get_data(as_text=True)
    assert f'data-lot="{mine.lot_code}"' in text and f'data-lot="{theirs.lot_code}"' not in text
    assert "NOPE" in text and theirs.lot_code in text.split("Left out")[1]
    assert client.get(f"/labels?lots={theirs.lot_code}").status_code == 404


def test_bad_lot_lists_are_refused(client):
    user = make_user()
    log_in(client, user)
    assert client.get("/labels?lots=" + ",".join(f"L{i}" for i in range(501))).status_code == 422
    assert client.get("/labels?lots=" + "A" * 20000).status_code == 422
    assert client.get("/labels?lots=中文").status_code == 422
    assert client.get("/labels?lots=,,,").status_code == 422
    assert client.get("/labels").status_code == 200


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/labels?lots=X")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
