"""The public pages' data version in the database (one row), so every host learns of a write at once."""

from peewee import BigIntegerField
from peewee import IntegerField
from peewee import Model


def up(migrator, db):
    class PublicVersion(Model):
        id = IntegerField(primary_key=True)
        version = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "public_version"

    db.create_tables([PublicVersion])
    PublicVersion.insert(id=1, version=0).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table("public_version"))
