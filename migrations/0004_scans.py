"""Scans of the public QR codes: an insert-only log without a foreign key (a frozen copy of the model)."""

from peewee import DateTimeField
from peewee import IntegerField
from peewee import Model


def up(migrator, db):
    class Scan(Model):
        batch_id = IntegerField()
        scanned_at = DateTimeField()

        class Meta:
            database = db
            table_name = "scan"
            indexes = ((("batch_id", "scanned_at"), False),)

    db.create_tables([Scan])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("scan"))
