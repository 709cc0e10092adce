"""Parties, sites, products, users, API tokens, batches and the event log (frozen copies of the models)."""

from peewee import BigIntegerField
from peewee import BooleanField
from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import DecimalField
from peewee import ForeignKeyField
from peewee import JSONField
from peewee import Model
from peewee import TextField


def up(migrator, db):
    class Party(Model):
        code = CharField(unique=True, max_length=32)
        name = CharField(max_length=100)
        name_en = CharField(max_length=100, default="")
        kind = CharField(index=True, max_length=20)
        credit_code = CharField(unique=True, null=True, max_length=18)
        county = CharField(max_length=40, default="")
        address = CharField(max_length=200, default="")
        phone = CharField(max_length=30, default="")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "party"

    class User(Model):
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=100)
        password_hash = CharField()
        role = CharField(max_length=12)
        party = ForeignKeyField(Party, null=True, on_delete="RESTRICT")
        active = BooleanField(default=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "app_user"

    class ApiToken(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        name = CharField(max_length=100, default="")
        token_hash = CharField(unique=True, max_length=64)
        prefix = CharField(max_length=8)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "api_token"

    class Product(Model):
        code = CharField(unique=True, max_length=32)
        category = CharField(index=True, max_length=24)
        name = CharField(max_length=100)
        name_en = CharField(max_length=100, default="")
        variety = CharField(max_length=100, default="")
        unit = CharField(max_length=12)
        gtin = CharField(unique=True, null=True, max_length=14)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "product"

    class Site(Model):
        party = ForeignKeyField(Party, on_delete="RESTRICT")
        code = CharField(unique=True, max_length=32)
        name = CharField(max_length=100)
        name_en = CharField(max_length=100, default="")
        kind = CharField(max_length=20)
        county = CharField(max_length=40, default="")
        address = CharField(max_length=200, default="")
        latitude = DecimalField(null=True, max_digits=9, decimal_places=6)
        longitude = DecimalField(null=True, max_digits=10, decimal_places=6)
        area_mu = DecimalField(null=True, max_digits=12, decimal_places=2)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "site"

    class Batch(Model):
        lot_code = CharField(unique=True, max_length=20)
        public_token = CharField(unique=True, max_length=32)
        product = ForeignKeyField(Product, on_delete="RESTRICT")
        origin_party = ForeignKeyField(Party, on_delete="RESTRICT")
        origin_site = ForeignKeyField(Site, on_delete="RESTRICT")
        quantity = BigIntegerField()
        unit = CharField(max_length=12)
        produced_on = DateField(index=True)
        field_name = CharField(max_length=100, default="")
        ear_tag = CharField(index=True, null=True, max_length=15)
        notes = TextField(default="")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField(index=True)
        holder = ForeignKeyField(Party, on_delete="RESTRICT")
        site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
        on_hand = BigIntegerField()
        in_transit = BigIntegerField(default=0)
        status = CharField(index=True, max_length=12, default="active")
        chain_head = CharField(max_length=64, default="")

        class Meta:
            database = db
            table_name = "batch"

    class Event(Model):
        event_id = CharField(unique=True, max_length=45)
        event_type = CharField(max_length=20)
        action = CharField(null=True, max_length=8)
        biz_step = CharField(index=True, max_length=24)
        disposition = CharField(null=True, max_length=24)
        event_time = DateTimeField(index=True)
        event_tz = CharField(max_length=6, default="+08:00")
        record_time = DateTimeField()
        recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        party = ForeignKeyField(Party, on_delete="RESTRICT")
        site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
        doc_type = CharField(max_length=20, default="")
        doc_number = CharField(max_length=60, default="")
        data = JSONField(default=dict)
        declares = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        declaration_reason = CharField(null=True, max_length=16)
        content_hash = CharField(max_length=64)
        chain_hash = CharField(unique=True, max_length=64)

        class Meta:
            database = db
            table_name = "event"

    class EventBatch(Model):
        event = ForeignKeyField(Event, on_delete="RESTRICT")
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")
        role = CharField(max_length=8)
        quantity = BigIntegerField(null=True)
        unit = CharField(max_length=12, default="")
        prev_hash = CharField(max_length=64, default="")

        class Meta:
            database = db
            table_name = "event_batch"
            indexes = ((("batch", "event"), False), (("event", "batch", "role"), True))

    db.create_tables([Party, User, ApiToken, Product, Site, Batch, Event, EventBatch])


def down(migrator, db):
    for table in ("event_batch", "event", "batch", "site", "product", "api_token", "app_user", "party"):
        migrator.migrate(migrator.drop_table(table))
