"""Every name the pages show for a code (roles, kinds, units, statuses, steps), in the visitor's language."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from supply.models.batch import BatchStatus
from supply.models.certification import CertificateStatus
from supply.models.custody import ShipmentStatus
from supply.units import COUNTED_UNITS

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "producer": _l("Producer"),
    "operator": _l("Operator"),
    "inspector": _l("Inspector"),
    "observer": _l("Observer"),
}
PARTY_KIND_LABELS = {
    "farm": _l("Farm"),
    "cooperative": _l("Cooperative"),
    "operator": _l("Operating company"),
    "inspector": _l("Inspection body"),
    "certifier": _l("Certification body"),
    "retailer": _l("Retailer"),
}
SITE_KIND_LABELS = {
    "field": _l("Field"),
    "greenhouse": _l("Greenhouse"),
    "pasture": _l("Pasture"),
    "nursery": _l("Nursery"),
    "packhouse": _l("Packhouse"),
    "cold_store": _l("Cold store"),
    "abattoir": _l("Abattoir"),
    "processing_plant": _l("Processing plant"),
    "warehouse": _l("Warehouse"),
    "market": _l("Market"),
}
CATEGORY_LABELS = {
    "vegetable": _l("Vegetable"),
    "strawberry": _l("Strawberry"),
    "strawberry_seedling": _l("Strawberry seedling"),
    "mushroom": _l("Mushroom"),
    "live_yak": _l("Live yak"),
    "yak_meat": _l("Yak meat"),
}
UNIT_LABELS = {
    "kg": _l("kg"),
    "t": _l("t"),
    "carton": _l("carton"),
    "punnet": _l("punnet"),
    "pack": _l("pack"),
    "plant": _l("plant"),
    "head": _l("head"),
}
STATUS_LABELS = {
    BatchStatus.ACTIVE: _l("Active"),
    BatchStatus.IN_TRANSIT: _l("In transit"),
    BatchStatus.CONSUMED: _l("Consumed"),
    BatchStatus.ON_HOLD: _l("On hold"),
    BatchStatus.RECALLED: _l("Recalled"),
}

# The chain of custody: events on a lot's timeline, and the reasons an event is declared in error.
ERROR_REASON_OPTIONS = (("did_not_occur", _l("The event did not occur")),
                        ("incorrect_data", _l("Its data were wrong")))
EVENT_STEP_LABELS = {"commissioning": _l("Commissioned"), "shipping": _l("Shipped"), "receiving": _l("Received"),
                     "void_shipping": _l("Shipment cancelled"), "storing": _l("Stored"), "inspecting": _l("Inspected"),
                     "holding": _l("Put on hold"), "repackaging": _l("Repacked"), "planting": _l("Planted")}
TRANSFORMED_LABELS = {"merge": _l("Merged"), "split": _l("Split"), "grade_pack": _l("Graded and packed"),
                      "repack": _l("Repacked"), "slaughter": _l("Slaughtered"), "cut": _l("Cut"),
                      "planting": _l("Planted")}

# Inspections, tests and holds.
INSPECTION_KIND_LABELS = {"site_visit": _l("Site visit"), "sampling": _l("Sampling")}
OUTCOME_LABELS = {"satisfactory": _l("Satisfactory"), "unsatisfactory": _l("Unsatisfactory"),
                  "pending": _l("Pending")}
TEST_KIND_LABELS = {"pesticide_rapid": _l("Rapid pesticide residue test"), "seedling_virus": _l("Seedling virus test"),
                    "quarantine": _l("Quarantine")}
METHOD_LABELS = {"enzyme_inhibition": _l("Enzyme inhibition (GB/T 5009.199)"), "test_strip": _l("Test strip"),
                 "elisa": _l("ELISA"), "pcr": _l("PCR"), "visual": _l("Visual examination"), "other": _l("Other")}
BASIS_LABELS = {"quality_control": _l("Quality control"), "own_test": _l("Own test"),
                "commissioned_test": _l("Commissioned test")}
HOLD_STATUS_LABELS = {"open": _l("Not released"), "released": _l("Released"), "all": _l("All")}

# Transformations, as the form offers them.
TRANSFORMATION_LABELS = {
    "merge": _l("Merge"),
    "split": _l("Split"),
    "grade_pack": _l("Grade and pack"),
    "repack": _l("Repack"),
    "slaughter": _l("Slaughter"),
    "cut": _l("Cut"),
    "planting": _l("Planting"),
}

# Recalls.
RECALL_LEVEL_LABELS = {
    1: _l("Level 1: eating it has caused or may cause serious harm to health or death"),
    2: _l("Level 2: eating it has caused or may cause ordinary harm to health"),
    3: _l("Level 3: no harm to health expected, but it must be recalled (for example a wrong label)"),
}
RECALL_RELATION_LABELS = {
    "root": _l("Recalled lot"),
    "upstream": _l("Source lot (upstream)"),
    "downstream": _l("Made from it (downstream)"),
}
NOTICE_CHANNEL_LABELS = {
    "phone": _l("Phone"),
    "sms": _l("Text message"),
    "letter": _l("Letter"),
    "visit": _l("Visit"),
    "public_notice": _l("Public notice"),
}
RECALL_STATUS_LABELS = {"open": _l("Open"), "closed": _l("Closed")}

# Shipments.
SHIPMENT_STATUS_LABELS = {
    ShipmentStatus.IN_TRANSIT: _l("In transit"),
    ShipmentStatus.RECEIVED: _l("Received"),
    ShipmentStatus.CANCELLED: _l("Cancelled"),
}

# Certificates and the steps of their review.
CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.SUBMITTED: _l("Awaiting review"),
    CertificateStatus.APPROVED: _l("Approved"),
    CertificateStatus.REJECTED: _l("Rejected"),
    CertificateStatus.SUSPENDED: _l("Suspended"),
    CertificateStatus.REVOKED: _l("Revoked"),
    CertificateStatus.EXPIRED: _l("Expired"),
}
CERTIFICATE_ACTION_LABELS = {
    "submit": _l("Submitted"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "suspend": _l("Suspended"),
    "reinstate": _l("Reinstated"),
    "revoke": _l("Revoked"),
    "issue": _l("Issued"),
    "document": _l("Document added"),
}

LABELS = {
    "role_label": ROLE_LABELS,
    "party_kind_label": PARTY_KIND_LABELS,
    "site_kind_label": SITE_KIND_LABELS,
    "category_label": CATEGORY_LABELS,
    "unit_label": UNIT_LABELS,
    "status_label": STATUS_LABELS,
}


def options(labels: dict) -> list[tuple[str, str]]:
    """Turn a label table into (value, text) pairs for a select box."""
    return [(value, str(text)) for value, text in labels.items()]


def register_labels(app: Flask) -> None:
    """Expose `role_label(code)` and friends, the label tables and the status constants to templates."""
    for name, table in LABELS.items():
        app.jinja_env.globals[name] = lambda code, _table=table: str(_table.get(code, code))
    app.jinja_env.globals["label_options"] = {name: table for name, table in LABELS.items()}
    app.jinja_env.globals["options"] = options
    # Templates that branch on a status compare with the same constants as the code.
    app.jinja_env.globals["counted_units"] = COUNTED_UNITS
    # Temperatures go below zero: a text keypad has the minus key that many phones' decimal keypads lack.
    app.jinja_env.globals["temperature_attrs"] = 'inputmode="text" autocomplete="off" spellcheck="false"'
    app.jinja_env.globals.update(BatchStatus=BatchStatus, ShipmentStatus=ShipmentStatus,
                                 CertificateStatus=CertificateStatus)
