"""Round trip: a lot's events exported by one instance and captured by a second (same master data) give the
second instance the same trace and mass balance, on the yak and the berry chains."""

from __future__ import annotations

import json

import pytest

from tests.builders.capture import captured
from tests.builders.capture import master_data
from tests.builders.capture import second_instance
from tests.builders.chains import strawberry_chain
from tests.builders.chains import yak_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_user


def exported(client, headers: dict, lot: str) -> dict:
    """Export a lot's events with its whole genealogy, as a partner would fetch them."""
    response = client.get(f"/api/v1/exports/epcis?lot={lot}&trace=both", headers=headers)
    assert response.status_code == 200
    return json.loads(response.data)


def seen(client, headers: dict, lot: str) -> dict:
    """What a user sees of a lot: its trace (lots and links, without event ids), its mass balance, its chain."""
    trace = client.get(f"/api/v1/batches/{lot}/trace", headers=headers).json
    balance = client.get(f"/api/v1/batches/{lot}/balance", headers=headers).json
    verified = client.get(f"/api/v1/batches/{lot}/verify", headers=headers).json
    edges = sorted((e["parent"], e["child"], e["quantity"], e["unit"], e["kind"]) for e in trace["edges"])
    return {"nodes": sorted(trace["nodes"], key=lambda n: n["lot"]), "edges": edges, "balance": balance,
            "intact": verified["intact"]}


@pytest.mark.parametrize(("build", "start", "lots"), [
    (yak_chain, "YAK-CUT1", ("YAK-1", "YAK-C", "YAK-CUT1", "YAK-CUT2")),
    (strawberry_chain, "BERRY-1", ("SEED-1", "BERRY-1")),
])
def test_a_chain_exported_by_one_instance_and_captured_by_another_traces_and_balances_the_same(
        app, client, build, start, lots):
    build()
    headers = auth_header(make_user(role="admin"))
    document = exported(client, headers, start)
    before = {lot: seen(client, headers, lot) for lot in lots}
    assert all(view["intact"] for view in before.values())
    with second_instance(master_data()) as (second, second_headers):
        other = second.test_client()
        assert other.get(f"/api/v1/batches/{start}", headers=second_headers).status_code == 404
        job = captured(other, second_headers, document)
        assert job["status"] == "done", job
        assert job["result"]["events"] == len(document["epcisBody"]["eventList"])
        after = {lot: seen(other, second_headers, lot) for lot in lots}
    assert after == before
