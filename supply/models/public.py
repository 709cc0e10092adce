"""What a lot's public page shows, kept per lot in the database (supply.services.public.facts).

`PublicLot` holds a lot's page facts as JSON; `PublicLotSource` names every lot whose rows those facts were
read from (the lot itself, the lots upstream of it). Triggers (migrations/0011_public_facts.py) delete a lot's
facts in the transaction of any write to a source's row, a certificate or test of it, or a shown name.
Plain integer columns, not foreign keys: writes to `batch` must never wait on these tables.
"""

from __future__ import annotations

from peewee import BigIntegerField
from peewee import CompositeKey
from peewee import DateTimeField
from peewee import IntegerField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel


class PublicLot(BaseModel):
    """A lot's public facts, built at the data version `generation`."""

    batch_id = IntegerField(primary_key=True)
    generation = BigIntegerField()
    facts = TextField()
    built_at = DateTimeField(default=utcnow)


class PublicLotSource(BaseModel):
    """A lot (`source_id`) whose rows the facts of another lot (`lot_id`) were read from."""

    lot_id = IntegerField()
    source_id = IntegerField(index=True)

    class Meta:
        primary_key = CompositeKey("lot_id", "source_id")
