"""The compiled read queries: rows read by column name, converters by name, unusable names refused loudly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supply.db.sqlcache import fetch
from supply.db.sqlcache import slot
from supply.models import Batch
from supply.models import Party
from supply.models import Site
from tests.builders.factories import make_batch


def _batch_with_holder():
    return (Batch.select(Batch.lot_code, Batch.on_hand, Party.code.alias("holder_code"), Site.code.alias("site_code"))
            .join(Party, on=(Batch.holder == Party.id))
            .switch(Batch)
            .join(Site, on=(Batch.site == Site.id))
            .where(Batch.lot_code == slot("lot")))


def test_rows_are_read_by_column_name_and_converted_by_name(database_url):
    batch = make_batch(quantity=Decimal("12.5"))
    [row] = fetch("test.batch_with_holder", _batch_with_holder, {"on_hand": Batch.on_hand}, lot=batch.lot_code)
    assert (row.lot_code, row.holder_code, row.site_code) == (batch.lot_code, batch.holder.code, batch.site.code)
    assert row.on_hand == Decimal("12.500")


def test_two_columns_of_one_name_are_refused(database_url):
    batch = make_batch()

    def clashing():
        return (Batch.select(Batch.lot_code, Party.code, Site.code)
                .join(Party, on=(Batch.holder == Party.id))
                .switch(Batch)
                .join(Site, on=(Batch.site == Site.id))
                .where(Batch.lot_code == slot("lot")))

    with pytest.raises(ValueError, match="two columns are named 'code'"):
        fetch("test.clashing", clashing, lot=batch.lot_code)


def test_a_converter_for_a_column_the_query_lacks_is_refused(database_url):
    batch = make_batch()
    with pytest.raises(ValueError, match="has no column 'quantity'"):
        fetch("test.batch_with_holder", _batch_with_holder, {"quantity": Batch.quantity}, lot=batch.lot_code)
