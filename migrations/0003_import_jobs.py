"""CSV import jobs: progress, bad rows and results of bulk uploads (a frozen copy of the model)."""

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField
from peewee import Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "app_user"

    class ImportJob(Model):
        public_id = CharField(unique=True, max_length=32)
        user = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=16)
        filename = CharField(max_length=200, default="")
        status = CharField(index=True, max_length=12, default="queued")
        total_rows = IntegerField(default=0)
        rows_done = IntegerField(default=0)
        errors = JSONField(default=list)
        message = CharField(max_length=300, default="")
        result = JSONField(default=dict)
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        finished_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "import_job"

    db.create_tables([ImportJob])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("import_job"))
