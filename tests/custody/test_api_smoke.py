"""A batch registered through the API can be read back."""

from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user


def test_register_and_read_batch(client):
    user = make_user()
    site = make_site(party=user.party)
    product = make_product()
    headers = auth_header(user)
    response = client.post("/api/v1/batches", json={"product": product.code, "site": site.code,
                                                    "quantity": "500.5", "produced_on": "2026-07-01"},
                           headers=headers)
    assert response.status_code == 201, response.json
    lot = response.json["lot_code"]
    assert lot.startswith("VG260701-")
    got = client.get(f"/api/v1/batches/{lot}", headers=headers)
    assert got.status_code == 200
    assert got.json["quantity"] == "500.5"
    assert got.json["on_hand"] == "500.5"
    assert got.json["holder"] == user.party.code
