"""EPCIS capture jobs: a captured document's status, its bad events and what was written, and the document while it
waits for the queue's worker (a frozen copy of the models)."""

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField
from peewee import Model


def up(migrator, db):
    class AppUser(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "app_user"

    class CaptureJob(Model):
        public_id = CharField(unique=True, max_length=32)
        user = ForeignKeyField(AppUser, on_delete="CASCADE")
        status = CharField(index=True, max_length=12, default="queued")
        total_events = IntegerField(default=0)
        errors = JSONField(default=list)
        message = CharField(max_length=300, default="")
        result = JSONField(default=dict)
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        finished_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "capture_job"

    class CaptureDocument(Model):
        job = ForeignKeyField(CaptureJob, primary_key=True, on_delete="CASCADE")
        document = JSONField()

        class Meta:
            database = db
            table_name = "capture_document"

    db.create_tables([CaptureJob, CaptureDocument])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("capture_document"), migrator.drop_table("capture_job"))
