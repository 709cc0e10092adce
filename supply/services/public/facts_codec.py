"""Public facts to JSON and back: the page's dataclasses and the few public fields of its records, nothing else.

Only the classes in FACT_CLASSES and the fields in RECORD_FIELDS are written or read back, so a facts row can
never name a phone number or an address, and reading one builds nothing but these plain objects (no pickle).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal

from peewee import Model

from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.services.certification.claims import BatchCertification
from supply.services.certification.claims import Claim
from supply.services.certification.lot_tests import TestReport
from supply.services.certification.validity import CertificateState
from supply.services.public.origins import Origin
from supply.services.public.origins import UpstreamLot
from supply.services.tracing.history import Named

# The public fields of each record a page shows, and the records a batch brings along.
RECORD_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Batch: ("id", "lot_code", "public_token", "quantity", "unit", "produced_on", "ear_tag", "status", "chain_head"),
    Product: ("id", "code", "category", "name", "name_en", "name_zh_hant", "variety", "variety_en",
              "variety_zh_hant", "unit", "gtin"),
    Party: ("id", "code", "name", "name_en", "name_zh_hant", "kind", "county"),
    Site: ("id", "code", "name", "name_en", "name_zh_hant", "kind", "county", "latitude", "longitude"),
}
RELATED: dict[type[Model], tuple[str, ...]] = {Batch: ("product", "origin_party", "origin_site")}
RECORDS = {model.__name__: model for model in RECORD_FIELDS}
FACT_CLASSES: dict[str, type] = {}


def fact_class(cls):
    """Allow a dataclass in the facts (a decorator, for the page's own classes)."""
    FACT_CLASSES[cls.__name__] = cls
    return cls


for _cls in (Named, UpstreamLot, Origin, BatchCertification, Claim, CertificateState, TestReport):
    fact_class(_cls)


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {"$": "dec", "v": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$": "dt", "v": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$": "day", "v": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {"$": "map", "v": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, Model) and type(value) in RECORD_FIELDS:
        record = {"$": "rec", "m": type(value).__name__}
        record.update({name: _plain(value.__data__.get(name)) for name in RECORD_FIELDS[type(value)]})
        for name in RELATED.get(type(value), ()):
            record[name] = _plain(getattr(value, name))
        return record
    if dataclasses.is_dataclass(value) and FACT_CLASSES.get(type(value).__name__) is type(value):
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"$": "obj", "c": type(value).__name__, "f": fields}
    raise TypeError(f"{type(value).__name__} is not a public fact")


def _typed(value):
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value["$"]
    if kind == "dec":
        return Decimal(value["v"])
    if kind == "dt":
        return datetime.datetime.fromisoformat(value["v"])
    if kind == "day":
        return datetime.date.fromisoformat(value["v"])
    if kind == "map":
        return {_typed(k): _typed(v) for k, v in value["v"]}
    if kind == "rec":
        model = RECORDS[value["m"]]
        record = model(**{name: _typed(value.get(name)) for name in RECORD_FIELDS[model]})
        for name in RELATED.get(model, ()):
            setattr(record, name, _typed(value[name]))
        return record
    if kind == "obj":
        return FACT_CLASSES[value["c"]](**{name: _typed(item) for name, item in value["f"].items()})
    raise ValueError(f"unknown fact kind {kind!r}")


def dumps(value) -> str:
    """Write facts as JSON text."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str):
    """Read facts written by `dumps` back into their objects."""
    return _typed(json.loads(text))
