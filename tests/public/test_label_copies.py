"""Label copies: one per piece on hand for counted lots, a typed number of each, at most 2,000 labels in a run."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in


def _lots(user, unit: str, *quantities: str):
    site = make_site(party=user.party)
    product = make_product(category="yak_meat", unit=unit)
    return [make_batch(site=site, product=product, quantity=Decimal(q)) for q in quantities]


def test_a_counted_lot_gets_one_label_per_pack_on_hand_over_as_many_sheets_as_needed(client):
    user = make_user()
    [packs] = _lots(user, "pack", "250")
    log_in(client, user)
    text = client.get(f"/labels?lots={packs.lot_code}").get_data(as_text=True)
    assert text.count(f'class="label" data-lot="{packs.lot_code}"') == 250
    assert text.count('class="sheet"') == 11  # 10 full sheets of 24 and one of 10
    assert "250 labels on 11 pages." in text


def test_a_lot_in_kilograms_gets_one_label_and_typed_copies_repeat_every_lot(client):
    user = make_user()
    loose, packs = _lots(user, "kg", "1250") + _lots(user, "carton", "40")
    log_in(client, user)
    text = client.get(f"/labels?lots={loose.lot_code}").get_data(as_text=True)
    assert text.count('class="label"') == 1
    text = client.get(f"/labels?lots={loose.lot_code},{packs.lot_code}&copies=30&format=thermal").get_data(True)
    assert text.count(f'data-lot="{loose.lot_code}"') == 30 and text.count(f'data-lot="{packs.lot_code}"') == 30
    assert text.count("<symbol ") == 2  # each lot's QR code is drawn once, whatever the copies


def test_the_default_run_is_cut_at_2000_with_a_message_naming_the_lot(client):
    user = make_user()
    small, big = _lots(user, "pack", "300", "2500")
    log_in(client, user)
    response = client.get(f"/labels?lots={small.lot_code},{big.lot_code}")
    assert response.status_code == 200
    text = unescape(response.get_data(as_text=True))
    assert text.count('class="label"') == 2000
    assert (f"Lot {big.lot_code} has 2,500 pieces on hand: 1,700 labels printed, as a run holds at most 2,000; "
            "print the rest in another run.") in text


def test_typed_copies_past_2000_are_refused_with_the_numbers(client):
    user = make_user()
    lots = _lots(user, "pack", "10", "10", "10")
    log_in(client, user, lang="zh_Hans")
    codes = ",".join(b.lot_code for b in lots)
    response = client.get(f"/labels?lots={codes}&copies=700")
    assert response.status_code == 422
    assert "一次最多打印 2,000 张标签：3 个批次 × 700 份，共 2,100 张。" in unescape(response.get_data(as_text=True))
    for copies in ("0", "2001", "-3", "1.5", "many"):
        response = client.get(f"/labels?lots={codes}&copies={copies}")
        assert response.status_code == 422, copies
        assert "份数须为 1 至 2,000 的整数。" in unescape(response.get_data(as_text=True))
    assert client.get(f"/labels?lots={codes}&copies=666").status_code == 200


def test_ticked_lots_of_a_list_print_together(client):
    user = make_user()
    first, second = _lots(user, "kg", "5", "6")
    log_in(client, user)
    text = client.get(f"/labels?lot={first.lot_code}&lot={second.lot_code}&format=thermal").get_data(True)
    assert text.count('class="thermal"') == 2
