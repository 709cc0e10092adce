"""What capturing one document remembers between its events: the actor, our extension prefix, the lots it names,
and the shipments and plantings it made (their codes here differ from the codes in the sending instance)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from marshmallow import Schema
from marshmallow import ValidationError

from supply import permissions
from supply.i18n import N_
from supply.models import Batch
from supply.models import Product
from supply.models import User
from supply.services.custody.batches import handled_by
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.interchange.capture.names import LotName
from supply.services.interchange.capture.names import lot_name
from supply.services.interchange.epcis_extensions import NS
from supply.services.interchange.epcis_extensions import NS_PREFIX

UNKNOWN_EPC = N_("Unknown EPC: we hold no lot with this code that you may use.")
OTHER_PRODUCT = N_("This lot is of another product than the GTIN says.")
NO_PRODUCT = N_("Name the lot's product: a GTIN in its identifier, or its product code in xn:lots.")
UNKNOWN_GTIN = N_("No product with this GTIN.")
INPUT_INVALID = N_("The input is not valid.")


def prefix_of(document: dict) -> str:
    """Return the prefix the document binds to our extension namespace (`xn` when it binds none)."""
    contexts = document.get("@context")
    for item in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(item, dict):
            for name, value in item.items():
                if value == NS:
                    return name
    return NS_PREFIX


def load(schema: type[Schema], data: dict, fields: dict[str, str]) -> dict:
    """Check what an event asks for with the JSON API's own schema; errors named by the event's fields."""
    try:
        return schema().load(data)
    except ValidationError as exc:
        errors = {}
        for name, messages in _flatten(exc.messages).items():
            errors[rename(name, fields)] = messages
        raise Invalid(INPUT_INVALID, errors) from exc


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(messages, list):
        return {prefix: [str(m) for m in messages]}
    found: dict[str, list[str]] = {}
    for key, value in messages.items():
        found.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return found


def rename(name: str, fields: dict[str, str]) -> str:
    """Name a field of the JSON API by the event's field it came from (`lines.0.quantity` -> `quantityList.0...`)."""
    for known in sorted(fields, key=len, reverse=True):
        if name == known or name.startswith(known + "."):
            return fields[known] + name[len(known):]
    return name


@dataclass
class Capture:
    """The state of one capture: who captures, the namespace prefix, and what earlier events made."""

    actor: User
    prefix: str = NS_PREFIX
    shipments: dict[str, str] = field(default_factory=dict)
    plantings: dict[str, str] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    lots: dict[str, Batch] = field(default_factory=dict)

    def ext(self, entry: dict, name: str, default=None):
        """Read one of our extension properties of an entry, by our prefix or by its full IRI."""
        if not isinstance(entry, dict):
            return default
        for key in (f"{self.prefix}:{name}", f"{NS}{name}"):
            if key in entry:
                return entry[key]
        return default

    def count(self, what: str, n: int = 1) -> None:
        """Count what was written, for the job's result."""
        self.written[what] = self.written.get(what, 0) + n

    def product_by_gtin(self, gtin: str, field_name: str) -> Product:
        """Return the product with a GTIN (stored with or without its leading zeros)."""
        if gtin not in self.products:
            found = Product.get_or_none(Product.gtin.in_({gtin, gtin.lstrip("0"), gtin[1:]}))
            if found is None or found.gtin.zfill(14) != gtin:
                raise Invalid.field(field_name, UNKNOWN_GTIN)
            self.products[gtin] = found
        return self.products[gtin]

    def product_of(self, event: dict, name: LotName, field_name: str) -> str:
        """Return the product code of a lot an event makes: from its GTIN, else from our xn:lots entry."""
        if name.gtin:
            return self.product_by_gtin(name.gtin, field_name).code
        for entry in self.ext(event, "lots") or []:
            if self.ext(entry, "lotCode") == name.lot_code and self.ext(entry, "productCode"):
                return str(self.ext(entry, "productCode"))
        raise Invalid.field(field_name, NO_PRODUCT)

    def known_lot(self, uri, field_name: str) -> Batch:
        """Return a lot an event names that exists and that the actor may use; anything else is refused.

        A lot the actor may see stays visible for the rest of the document (a party that held a lot keeps seeing
        it), so each lot is looked up once; the services read and lock it again before they write.
        """
        name = lot_name(uri, field_name)
        batch = self.lots.get(name.lot_code)
        if batch is None:
            batch = Batch.select(Batch, Product).join(Product).where(Batch.lot_code == name.lot_code).get_or_none()
            try:
                if batch is None:
                    raise NotFound(UNKNOWN_EPC)
                permissions.require_sees_batch(self.actor, batch.origin_party_id, batch.holder_id, handled=lambda: (
                    Batch.select().where(Batch.id == batch.id, Batch.id.in_(handled_by(self.actor.party_id)))
                    .exists()))
            except NotFound as exc:
                raise Invalid.field(field_name, UNKNOWN_EPC) from exc
            self.lots[name.lot_code] = batch
        if name.gtin and (batch.product.gtin or "").zfill(14) != name.gtin:
            raise Invalid.field(field_name, OTHER_PRODUCT)
        return batch
