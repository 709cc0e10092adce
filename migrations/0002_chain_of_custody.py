"""Chain of custody: holdings per holder and site, genealogy links, plantings, shipments, idempotency keys."""

from peewee import BigIntegerField
from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import DecimalField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model
from peewee import TextField


def up(migrator, db):
    class Batch(Model):
        class Meta:
            database = db
            table_name = "batch"

    class Event(Model):
        class Meta:
            database = db
            table_name = "event"

    class Party(Model):
        class Meta:
            database = db
            table_name = "party"

    class Site(Model):
        class Meta:
            database = db
            table_name = "site"

    class User(Model):
        class Meta:
            database = db
            table_name = "app_user"

    class BatchLink(Model):
        parent = ForeignKeyField(Batch, on_delete="RESTRICT")
        child = ForeignKeyField(Batch, on_delete="RESTRICT")
        event = ForeignKeyField(Event, on_delete="RESTRICT")
        kind = CharField(max_length=12)
        quantity = BigIntegerField(null=True)
        unit = CharField(max_length=12, default="")
        retracted = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "batch_link"
            indexes = ((("parent", "child"), False), (("child", "parent"), False))

    db.create_tables([BatchLink])

    class Holding(Model):
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")
        party = ForeignKeyField(Party, on_delete="RESTRICT")
        site = ForeignKeyField(Site, on_delete="RESTRICT")
        on_hand = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "holding"
            indexes = ((("batch", "party", "site"), True), (("party", "site"), False))

    db.create_tables([Holding])

    class IdempotencyKey(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        key = CharField(max_length=100)
        method = CharField(max_length=8)
        path = CharField(max_length=300)
        request_hash = CharField(max_length=64)
        status = IntegerField()
        body = TextField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "idempotency_key"
            indexes = ((("user", "key"), True),)

    db.create_tables([IdempotencyKey])

    class Planting(Model):
        code = CharField(unique=True, max_length=20)
        event = ForeignKeyField(Event, on_delete="RESTRICT")
        party = ForeignKeyField(Party, on_delete="RESTRICT")
        site = ForeignKeyField(Site, on_delete="RESTRICT")
        planted_on = DateTimeField()
        retracted = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "planting"

    db.create_tables([Planting])

    class Shipment(Model):
        code = CharField(unique=True, max_length=20)
        sender = ForeignKeyField(Party, on_delete="RESTRICT")
        from_site = ForeignKeyField(Site, on_delete="RESTRICT")
        receiver = ForeignKeyField(Party, on_delete="RESTRICT")
        to_site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
        carrier = CharField(max_length=100, default="")
        vehicle_plate = CharField(max_length=20, default="")
        departed_at = DateTimeField(index=True)
        doc_number = CharField(max_length=60, default="")
        set_point = DecimalField(null=True, max_digits=5, decimal_places=1)
        status = CharField(index=True, max_length=12, default="in_transit")
        dispatch_event = ForeignKeyField(Event, on_delete="RESTRICT")
        close_event = ForeignKeyField(Event, null=True, on_delete="RESTRICT")
        received_at = DateTimeField(null=True)
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "shipment"

    db.create_tables([Shipment])

    class ShipmentLine(Model):
        shipment = ForeignKeyField(Shipment, on_delete="RESTRICT")
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")
        quantity = BigIntegerField()
        unit = CharField(max_length=12)
        received = BigIntegerField(null=True)
        loss = BigIntegerField(null=True)
        loss_reason = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "shipment_line"

    db.create_tables([ShipmentLine])

    # Batches registered before this migration: what they have on hand is held by their holder at their site.
    db.execute_sql(
        "INSERT INTO holding (batch_id, party_id, site_id, on_hand) "
        "SELECT id, holder_id, site_id, on_hand FROM batch WHERE on_hand > 0 AND site_id IS NOT NULL"
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_table("shipment_line"))
    migrator.migrate(migrator.drop_table("shipment"))
    migrator.migrate(migrator.drop_table("planting"))
    migrator.migrate(migrator.drop_table("idempotency_key"))
    migrator.migrate(migrator.drop_table("holding"))
    migrator.migrate(migrator.drop_table("batch_link"))
