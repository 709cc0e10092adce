"""When each lot's hash chain was last checked (`lot_verification`, frozen copy), a row for every batch.

A trigger gives every batch inserted from now on its row (verified_at NULL: not yet checked), whichever way it is
inserted (the services, the bulk import's COPY, a generated season), so the verifier's round is two indexed reads
and never looks for batches without a row; the batches already there get theirs here. It comes after 0008 (the
public data version, which the verifier moves when it finds a lot broken) and needs no table but `batch`.
"""

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import Model
from peewee import SqliteDatabase

TRIGGER = "batch_lot_verification"


def up(migrator, db):
    class Batch(Model):
        class Meta:
            database = db
            table_name = "batch"

    class LotVerification(Model):
        batch = ForeignKeyField(Batch, primary_key=True, on_delete="CASCADE")
        verified_at = DateTimeField(null=True)
        intact = BooleanField(null=True)
        problem = CharField(max_length=8, null=True)
        broken_at = CharField(max_length=45, null=True)

        class Meta:
            database = db
            table_name = "lot_verification"
            indexes = ((("verified_at", "batch"), False),)

    db.create_tables([LotVerification])
    db.execute_sql("INSERT INTO lot_verification (batch_id) SELECT id FROM batch")
    if isinstance(db, SqliteDatabase):
        db.execute_sql(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON batch "
                       "BEGIN INSERT INTO lot_verification (batch_id) VALUES (NEW.id); END")
        return
    # One statement-level trigger: a COPY of a million batches inserts their rows in one INSERT ... SELECT.
    db.execute_sql(f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "INSERT INTO lot_verification (batch_id) SELECT id FROM added; RETURN NULL; END $$")
    db.execute_sql(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON batch REFERENCING NEW TABLE AS added "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    else:
        db.execute_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON batch")
        db.execute_sql(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    migrator.migrate(migrator.drop_table("lot_verification"))
