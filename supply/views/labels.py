"""Names shown for the codes of roles, kinds, categories, units and statuses, in the visitor's language."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from supply.models.batch import BatchStatus
from supply.models.certification import CertificateStatus
from supply.models.custody import ShipmentStatus

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "producer": _l("Producer"),
    "operator": _l("Operator"),
    "inspector": _l("Inspector"),
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
    app.jinja_env.globals.update(BatchStatus=BatchStatus, ShipmentStatus=ShipmentStatus,
                                 CertificateStatus=CertificateStatus)
