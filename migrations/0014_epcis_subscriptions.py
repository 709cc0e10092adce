"""EPCIS 2.0 named queries and subscriptions, the webhook endpoints and deliveries that push their events, and an
index of each party's events in recorded order."""

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField
from peewee import Model
from peewee import TextField


def _tables(db):
    class Party(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "party"

    class AppUser(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "app_user"

    class WebhookEndpoint(Model):
        party = ForeignKeyField(Party, null=True, on_delete="CASCADE")
        url = CharField(max_length=2000)
        secret = CharField(max_length=64)
        active = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "webhook_endpoint"

    class WebhookDelivery(Model):
        public_id = CharField(max_length=32, unique=True)
        endpoint = ForeignKeyField(WebhookEndpoint, on_delete="CASCADE")
        topic = CharField(max_length=100, default="")
        body = TextField()
        status = CharField(max_length=10, default="pending")
        attempts = IntegerField(default=0)
        attempts_log = JSONField(default=list)
        next_attempt_at = DateTimeField()
        created_at = DateTimeField()
        finished_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "webhook_delivery"
            indexes = ((("status", "next_attempt_at"), False),)

    class EpcisQuery(Model):
        party = ForeignKeyField(Party, null=True, on_delete="CASCADE")
        owner = ForeignKeyField(AppUser, on_delete="CASCADE")
        name = CharField(max_length=60)
        params = JSONField(default=dict)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "epcis_query"
            indexes = ((("party", "name"), True),)

    class EpcisSubscription(Model):
        public_id = CharField(max_length=32, unique=True)
        query = ForeignKeyField(EpcisQuery, on_delete="CASCADE")
        owner = ForeignKeyField(AppUser, on_delete="CASCADE")
        endpoint = ForeignKeyField(WebhookEndpoint, on_delete="CASCADE")
        last_event_id = IntegerField(default=0)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "epcis_subscription"

    return [WebhookEndpoint, WebhookDelivery, EpcisQuery, EpcisSubscription]


def up(migrator, db):
    db.create_tables(_tables(db))
    # A party's events in the order they were recorded: the EPCIS query interface's pages and subscriptions.
    migrator.migrate(migrator.add_index("event", ("party_id", "id"), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("event", "event_party_id_id"))
    db.drop_tables(list(reversed(_tables(db))))
