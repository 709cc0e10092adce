"""Notifications kept for the inbox and sent by mail and webhook in the background (webhooks through the endpoints and
deliveries of 0014), and each user's choices."""

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField
from peewee import Model
from peewee import TextField


def _tables(db):
    class AppUser(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "app_user"

    class WebhookEndpoint(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "webhook_endpoint"

    class WebhookDelivery(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "webhook_delivery"

    class Notification(Model):
        user = ForeignKeyField(AppUser, on_delete="CASCADE")
        kind = CharField(max_length=32)
        params = JSONField(default=dict)
        link = CharField(max_length=300, default="")
        key = CharField(max_length=100)
        created_at = DateTimeField(index=True)
        read_at = DateTimeField(null=True)
        mail_state = CharField(max_length=8, default="pending", index=True)
        webhook = ForeignKeyField(WebhookDelivery, null=True, on_delete="SET NULL")
        tries = IntegerField(default=0)
        next_try_at = DateTimeField(index=True)
        last_error = TextField(default="")

        class Meta:
            database = db
            table_name = "notification"
            indexes = ((("user", "key"), True), (("user", "read_at"), False))

    class NotificationSetting(Model):
        user = ForeignKeyField(AppUser, on_delete="CASCADE")
        kind = CharField(max_length=32)
        by_mail = BooleanField(default=True)
        by_webhook = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "notification_setting"
            indexes = ((("user", "kind"), True),)

    class NotificationHook(Model):
        user = ForeignKeyField(AppUser, on_delete="CASCADE", unique=True)
        endpoint = ForeignKeyField(WebhookEndpoint, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "notification_hook"

    return [Notification, NotificationSetting, NotificationHook]


def up(migrator, db):
    db.create_tables(_tables(db))


def down(migrator, db):
    db.drop_tables(list(reversed(_tables(db))))
