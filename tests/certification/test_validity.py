"""Which certificates covered a subject on a date, in what state; claims carried through merges and splits."""

from __future__ import annotations

import datetime

import pytest
from playhouse.test_utils import count_queries

from supply.clock import local_today
from supply.models import Certificate
from supply.models import CertificateTransition
from supply.services.certification.claims import batch_certification
from supply.services.certification.claims import certifications
from supply.services.certification.validity import certificates_valid_at
from tests.builders.chains import run
from tests.builders.chains import ship_and_receive
from tests.builders.custody import PLANTED_AT
from tests.builders.custody import SEEDLINGS_ON
from tests.builders.custody import register
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.validity import certify

pytestmark = pytest.mark.usefixtures("database_url")
D = datetime.date
PACKED = datetime.datetime(2026, 7, 3, 9, 0, tzinfo=datetime.UTC)


def states(subject, day) -> dict[str, str]:
    """Return the state of each certificate covering a subject on a day, by number."""
    return {state.number: state.state for state in certificates_valid_at(subject, day)}


def test_valid_expired_not_yet_valid_and_permanent():
    party = make_party()
    certify(party=party, number="ORG-2026")
    certify("geo_indication", party=party, number="AGI00042", valid_from=D(2020, 5, 1), valid_to=None)
    assert states(party, D(2026, 7, 15)) == {"ORG-2026": "valid", "AGI00042": "valid"}
    assert states(party, D(2026, 12, 31)) == {"ORG-2026": "valid", "AGI00042": "valid"}
    assert states(party, D(2027, 1, 1)) == {"ORG-2026": "expired", "AGI00042": "valid"}
    assert states(party, D(2025, 12, 31)) == {"ORG-2026": "not_yet_valid", "AGI00042": "valid"}
    assert states(party, D(2019, 1, 1))["AGI00042"] == "not_yet_valid"
    permanent = {s.number: s.permanent for s in certificates_valid_at(party, D(2040, 1, 1))}
    assert permanent == {"ORG-2026": False, "AGI00042": True}


def test_suspended_then_reinstated():
    party = make_party()
    certify(party=party, number="ORG-S", changes=[("suspend", D(2026, 5, 1)), ("reinstate", D(2026, 6, 1))])
    assert states(party, D(2026, 4, 30)) == {"ORG-S": "valid"}
    assert states(party, D(2026, 5, 1)) == {"ORG-S": "suspended"}
    assert states(party, D(2026, 5, 31)) == {"ORG-S": "suspended"}
    assert states(party, D(2026, 6, 1)) == {"ORG-S": "valid"}
    [state] = certificates_valid_at(party, D(2026, 7, 1))
    assert state.suspended_from is None and state.revoked_from is None


def test_a_suspension_still_in_force_is_shown_from_its_date():
    party = make_party()
    certify(party=party, number="ORG-S2", status="suspended", changes=[("suspend", D(2026, 9, 1))])
    [before] = certificates_valid_at(party, D(2026, 7, 15))
    assert (before.state, before.suspended_from) == ("valid", D(2026, 9, 1))


def test_revoked_is_valid_before_its_date_revoked_after_and_shown_from_its_date():
    party = make_party()
    certify(party=party, number="ORG-R", status="revoked", status_from=D(2026, 9, 1),
            changes=[("revoke", D(2026, 9, 1))])
    [harvest] = certificates_valid_at(party, D(2026, 7, 15))
    assert (harvest.state, harvest.revoked_from) == ("valid", D(2026, 9, 1))
    assert states(party, D(2026, 8, 31)) == {"ORG-R": "valid"}
    assert states(party, D(2026, 9, 1)) == {"ORG-R": "revoked"}
    # Revoked takes precedence over expiry: the certificate reads revoked ever after.
    assert states(party, D(2027, 3, 1)) == {"ORG-R": "revoked"}


def test_a_revocation_stored_without_a_transition_counts_from_status_from():
    party = make_party()
    cert = certify(party=party, number="ORG-R2", status="revoked", status_from=D(2026, 3, 1))
    assert CertificateTransition.select().where(CertificateTransition.certificate == cert).count() == 1
    assert states(party, D(2026, 2, 28)) == {"ORG-R2": "valid"}
    assert states(party, D(2026, 3, 1)) == {"ORG-R2": "revoked"}


def test_the_register_and_the_scan_page_agree_on_expiry_and_on_a_dated_revocation():
    from supply.services.certification.certificates import evaluate

    party = make_party()
    ending = certify(party=party, number="ORG-END")
    revoked = certify(party=party, number="ORG-REV", status="revoked", status_from=D(2026, 9, 1),
                      changes=[("revoke", D(2026, 9, 1))])
    state_of_status = {"approved": "valid", "expired": "expired", "revoked": "revoked"}
    for day in (D(2026, 8, 31), D(2026, 9, 1), D(2026, 12, 31), D(2027, 1, 1)):
        shown = states(party, day)
        assert {cert.number: state_of_status[evaluate(cert, day)] for cert in (ending, revoked)} == shown, day
    assert states(party, D(2027, 1, 1)) == {"ORG-END": "expired", "ORG-REV": "revoked"}


def test_the_register_lists_each_certificate_under_the_status_it_has_on_the_day():
    from supply.services.certification.certificates import evaluate
    from supply.services.certification.reads import certificates_of_party

    party = make_party()
    admin = make_user(role="admin")
    certs = [
        certify(party=party, number="ORG-OK"),
        certify(party=party, number="ORG-SUS", status="suspended", status_from=D(2026, 9, 1)),
        certify(party=party, number="ORG-REV", status="revoked", status_from=D(2026, 9, 1)),
        certify(party=party, number="ORG-SUB", status="submitted"),
        certify("geographical_indication", party=party, number="AGI00001", valid_to=None),
    ]
    statuses = ("approved", "suspended", "revoked", "expired", "submitted")
    for day in (D(2026, 8, 31), D(2026, 9, 1), D(2026, 12, 31), D(2027, 1, 1)):
        for status in statuses:
            listed = {c.number for c in certificates_of_party(admin, party, {"status": status}, today=day)}
            assert listed == {c.number for c in certs if evaluate(c, day) == status}, (day, status)
    assert evaluate(certs[1], D(2027, 1, 1)) == "expired"  # a suspension does not outlive the certificate
    assert evaluate(certs[2], D(2027, 1, 1)) == "revoked"


def test_submitted_and_rejected_certificates_are_never_shown():
    party = make_party()
    certify(party=party, number="ORG-SUB", status="submitted")
    certify(party=party, number="ORG-REJ", status="rejected")
    certify(party=party, number="ORG-OK")
    assert states(party, D(2026, 7, 1)) == {"ORG-OK": "valid"}


def test_subjects_nest_party_site_product_at_site_batch():
    party = make_party()
    site, other_site = make_site(party=party), make_site(party=party)
    broccoli, potato = make_product(), make_product()
    batch = make_batch(site=site, product=broccoli)
    certify(party=party, number="P-1")
    certify(site=site, number="S-1")
    certify("green_food", site=site, product=broccoli, number="LB-15-19012700330A")
    certify("compliance", batch=batch, number="HG-1")
    certify(site=other_site, number="S-OTHER")
    certify("green_food", site=site, product=potato, number="LB-POTATO")
    certify(site=make_site(), product=broccoli, number="LB-ELSEWHERE")
    day = D(2026, 7, 15)
    assert set(states(party, day)) == {"P-1"}
    assert set(states(site, day)) == {"P-1", "S-1"}
    assert set(states((broccoli, site), day)) == {"P-1", "S-1", "LB-15-19012700330A"}
    assert set(states(batch, day)) == {"P-1", "S-1", "LB-15-19012700330A", "HG-1"}
    assert set(states(make_batch(site=site, product=broccoli), day)) == {"P-1", "S-1", "LB-15-19012700330A"}


def test_one_query_per_call():
    batch = make_batch()
    certify(party=batch.origin_party, changes=[("suspend", D(2026, 2, 1)), ("reinstate", D(2026, 3, 1))])
    certify("compliance", batch=batch)
    with count_queries() as counter:
        assert len(certificates_valid_at(batch, D(2026, 7, 15))) == 2
    assert counter.count == 1


def three_farms_merged(organic_farms: int = 2):
    """Three farms each register a broccoli lot and ship it to a cooperative, which merges them at its packhouse.

    The first `organic_farms` farms are organic: the first by a party certificate, the second by a
    certificate on its field (the third never, unless told), each valid on 2026-07-01, their harvest date.
    """
    coop = make_user(role="operator", party=make_party(kind="cooperative", name="河湟合作社"))
    packhouse = make_site(party=coop.party, kind="packhouse")
    broccoli = make_product(category="vegetable", unit="kg")
    lots = []
    for i in range(3):
        farmer = make_user(role="producer", party=make_party(kind="farm"))
        field = make_site(party=farmer.party, kind="field")
        lot = register(farmer, field, broccoli, "100", lot_code=f"FARM-{'ABC'[i]}")
        ship_and_receive(farmer, field, coop, packhouse, lot.lot_code, "100")
        if i < organic_farms:
            certify(party=farmer.party, number=f"ORG-FARM-{i}") if i % 2 == 0 else certify(
                site=field, number=f"ORG-FARM-{i}")
        lots.append(lot)
    run(coop, packhouse, "merge", [(lot.lot_code, "100") for lot in lots],
        [{"lot_code": "MERGED", "quantity": "300"}], time=PACKED)
    merged = lots[0].__class__.get(lots[0].__class__.lot_code == "MERGED")
    return {"coop": coop, "packhouse": packhouse, "product": broccoli, "lots": lots, "merged": merged}


def test_a_mixed_merge_carries_no_organic_claim_and_names_the_inputs_that_did():
    chain = three_farms_merged(organic_farms=2)
    found = batch_certification(chain["merged"])
    [organic] = found.claims
    assert organic.kind == "organic" and not organic.carried and organic.mixed
    assert organic.with_claim == ["FARM-A", "FARM-B"] and organic.without_claim == ["FARM-C"]
    assert found.carried == [] and (found.event, found.date_vouched) == ("packing", D(2026, 7, 3))
    # The farms' certificates still show, each for the lot it covered, on that lot's harvest date.
    assert {(s.number, tuple(s.lots), s.date_vouched, s.event) for s in found.upstream} == {
        ("ORG-FARM-0", ("FARM-A",), D(2026, 7, 1), "harvest"),
        ("ORG-FARM-1", ("FARM-B",), D(2026, 7, 1), "harvest"),
    }


def test_an_all_organic_merge_carries_the_claim_and_a_split_of_it_too():
    chain = three_farms_merged(organic_farms=3)
    found = batch_certification(chain["merged"])
    [organic] = found.claims
    assert organic.carried and not organic.own and organic.with_claim == ["FARM-A", "FARM-B", "FARM-C"]
    run(chain["coop"], chain["packhouse"], "split", [("MERGED", "300")],
        [{"lot_code": "HALF-1", "quantity": "150"}, {"lot_code": "HALF-2", "quantity": "150"}], time=PACKED)
    run(chain["coop"], chain["packhouse"], "grade_pack", [("HALF-1", None)],
        [{"lot_code": "PACK-1", "quantity": "30", "unit": "carton"}], time=PACKED)
    pack = chain["merged"].__class__.get(chain["merged"].__class__.lot_code == "PACK-1")
    with count_queries() as counter:
        found = batch_certification(pack)
    assert counter.count == 2
    assert [claim.kind for claim in found.carried] == ["organic"]
    assert sorted(lot for s in found.upstream for lot in s.lots) == ["FARM-A", "FARM-B", "FARM-C"]


def test_an_input_organic_only_before_its_certificate_expired_breaks_the_claim():
    chain = three_farms_merged(organic_farms=2)
    farm_c = chain["lots"][2]
    certify(party=farm_c.origin_party, number="ORG-OLD", valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 31))
    certify(party=farm_c.origin_party, number="ORG-NEXT", valid_from=D(2026, 7, 2), valid_to=D(2027, 7, 1))
    [organic] = batch_certification(chain["merged"]).claims
    assert not organic.carried and organic.without_claim == ["FARM-C"]


def test_a_later_revocation_keeps_the_claim_and_shows_from_its_date():
    chain = three_farms_merged(organic_farms=3)
    cert = Certificate.get(Certificate.number == "ORG-FARM-0")
    Certificate.update(status="revoked", status_from=D(2026, 9, 1)).where(Certificate.id == cert.id).execute()
    found = batch_certification(chain["merged"])
    assert [claim.kind for claim in found.carried] == ["organic"]
    [revoked] = [s for s in found.upstream if s.number == "ORG-FARM-0"]
    assert (revoked.state, revoked.revoked_from) == ("valid", D(2026, 9, 1))


def test_a_revocation_before_the_harvest_breaks_the_claim():
    chain = three_farms_merged(organic_farms=3)
    Certificate.update(status="revoked", status_from=D(2026, 6, 1)).where(
        Certificate.number == "ORG-FARM-1").execute()
    [organic] = batch_certification(chain["merged"]).claims
    assert not organic.carried and organic.without_claim == ["FARM-B"]


def test_a_certificate_on_the_merged_lot_itself_makes_the_claim():
    chain = three_farms_merged(organic_farms=1)
    certify(batch=chain["merged"], number="ORG-LOT", valid_from=D(2026, 1, 1))
    [organic] = batch_certification(chain["merged"]).claims
    assert organic.carried and organic.own


def test_the_packhouse_party_certificate_alone_does_not_make_a_mixed_merge_organic():
    chain = three_farms_merged(organic_farms=2)
    certify(party=chain["coop"].party, number="ORG-COOP")
    found = batch_certification(chain["merged"])
    assert [s.number for s in found.certificates] == ["ORG-COOP"]
    assert found.carried == [] and found.mixed[0].without_claim == ["FARM-C"]


def test_claims_do_not_pass_from_seedlings_to_berries():
    farm = make_user(role="producer", party=make_party(kind="farm"))
    field = make_site(party=farm.party, kind="field")
    seedling = make_product(category="strawberry_seedling", unit="plant")
    berry = make_product(category="strawberry", unit="kg")
    seedlings = register(farm, field, seedling, "5000", produced_on=SEEDLINGS_ON)
    certify(batch=seedlings, number="ORG-SEED")
    certify("seedling_virus", batch=seedlings, number="VT-2026-01")
    planting = run(farm, field, "planting", [(seedlings.lot_code, None)], time=PLANTED_AT)["planting"]
    berries = register(farm, field, berry, "800", planting=planting.code)
    found = certifications([berries.id, seedlings.id])
    assert found[berries.id].claims == [] and found[berries.id].event == "harvest"
    assert {s.number for s in found[berries.id].upstream} == {"ORG-SEED", "VT-2026-01"}
    assert [c.kind for c in found[seedlings.id].carried] == ["organic"]


def test_states_follow_the_review_workflow():
    from supply.services.certification import certificates as workflow

    holder = make_user(role="producer")
    inspector = make_user(role="inspector")
    issuer = make_party(kind="certifier")
    data = {"kind": "organic", "number": "COFCC-R-2026-0042", "issuer": issuer.code,
            "valid_from": D(2026, 1, 1), "valid_to": D(2026, 12, 31)}
    cert = workflow.submit_certificate(holder, data)
    assert states(holder.party, D(2026, 7, 1)) == {}
    workflow.approve_certificate(inspector, cert.id)
    workflow.suspend_certificate(inspector, cert.id, "residue found", D(2026, 3, 1))
    workflow.reinstate_certificate(inspector, cert.id)  # from today
    workflow.revoke_certificate(inspector, cert.id, "fraud", D(2026, 12, 1))
    assert states(holder.party, D(2026, 2, 28)) == {"COFCC-R-2026-0042": "valid"}
    reinstated_later = local_today() > D(2026, 7, 1)
    assert states(holder.party, D(2026, 7, 1)) == {"COFCC-R-2026-0042": "suspended" if reinstated_later else "valid"}
    assert states(holder.party, D(2026, 3, 1)) == {"COFCC-R-2026-0042": "suspended"}
    assert states(holder.party, D(2026, 12, 1)) == {"COFCC-R-2026-0042": "revoked"}
    [state] = certificates_valid_at(holder.party, D(2026, 2, 1))
    assert state.revoked_from == D(2026, 12, 1) and state.suspended_from is None
    rejected = workflow.submit_certificate(holder, {**data, "number": "COFCC-R-2026-0043"})
    workflow.reject_certificate(inspector, rejected.id, "unreadable scan")
    assert set(states(holder.party, D(2026, 2, 1))) == {"COFCC-R-2026-0042"}
