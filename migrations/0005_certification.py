"""Certificates, inspections, test results, holds, recalls and the append-only audit log (frozen copies).

The audit log refuses UPDATE and DELETE through triggers on both databases.
"""

from peewee import BigIntegerField
from peewee import BooleanField
from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import DecimalField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField
from peewee import Model
from peewee import SmallIntegerField
from peewee import SqliteDatabase
from peewee import TextField

TABLES = (
    "audit_entry", "recall_notice", "recall_lot", "recall", "certificate_document", "certificate_transition",
    "certificate", "hold_batch", "hold", "test_result", "inspection",
)


def up(migrator, db):
    def stub(table):
        class Meta:
            database = db
            table_name = table
        return type(table, (Model,), {"Meta": Meta})

    Party, Site, Product, User, Batch = (stub(t) for t in ("party", "site", "product", "app_user", "batch"))

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Inspection(Base):
        kind = CharField(max_length=16)
        party = ForeignKeyField(Party, on_delete="RESTRICT")
        site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
        batch = ForeignKeyField(Batch, null=True, on_delete="RESTRICT")
        inspector = ForeignKeyField(User, on_delete="RESTRICT")
        inspecting_party = ForeignKeyField(Party, null=True, on_delete="RESTRICT")
        inspected_at = DateTimeField(index=True)
        outcome = CharField(max_length=16, default="pending")
        notes = TextField(default="")
        created_at = DateTimeField()

    class TestResult(Base):
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")
        inspection = ForeignKeyField(Inspection, null=True, on_delete="RESTRICT")
        kind = CharField(max_length=16, index=True)
        method = CharField(max_length=60, default="")
        analyte = CharField(max_length=60, default="")
        value = DecimalField(max_digits=14, decimal_places=4, null=True)
        value_unit = CharField(max_length=16, default="")
        passed = BooleanField()
        kit_lot = CharField(max_length=40, default="")
        operator = CharField(max_length=60, default="")
        lab = ForeignKeyField(Party, null=True, on_delete="RESTRICT")
        tested_at = DateTimeField(index=True)
        notes = TextField(default="")
        recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()

    class Hold(Base):
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")
        test_result = ForeignKeyField(TestResult, null=True, on_delete="RESTRICT")
        reason = TextField(default="")
        opened_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        opened_at = DateTimeField(index=True)
        released_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        released_at = DateTimeField(null=True)
        release_reason = TextField(default="")

    class HoldBatch(Base):
        hold = ForeignKeyField(Hold, on_delete="RESTRICT")
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")

        class Meta:
            indexes = ((("hold", "batch"), True),)

    class Certificate(Base):
        kind = CharField(max_length=24, index=True)
        number = CharField(max_length=60)
        subject_kind = CharField(max_length=12)
        party = ForeignKeyField(Party, on_delete="RESTRICT")
        site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
        product = ForeignKeyField(Product, null=True, on_delete="RESTRICT")
        batch = ForeignKeyField(Batch, null=True, on_delete="RESTRICT")
        issuer = ForeignKeyField(Party, on_delete="RESTRICT")
        scope = TextField(default="")
        valid_from = DateField()
        valid_to = DateField(null=True)
        status = CharField(max_length=12, default="submitted", index=True)
        status_from = DateField(null=True)
        basis = CharField(max_length=20, null=True)
        test_result = ForeignKeyField(TestResult, null=True, on_delete="RESTRICT")
        quantity = BigIntegerField(null=True)
        unit = CharField(max_length=12, default="")
        sources = JSONField(default=list)
        submitted_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("issuer", "kind", "number"), True),)

    class CertificateTransition(Base):
        certificate = ForeignKeyField(Certificate, on_delete="RESTRICT")
        action = CharField(max_length=12)
        from_status = CharField(max_length=12, null=True)
        to_status = CharField(max_length=12)
        effective_on = DateField(null=True)
        reason = TextField(default="")
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        at = DateTimeField()

    class CertificateDocument(Base):
        certificate = ForeignKeyField(Certificate, on_delete="RESTRICT")
        file_name = CharField(max_length=200)
        content_type = CharField(max_length=40)
        size = IntegerField()
        sha256 = CharField(max_length=64, index=True)
        uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        uploaded_at = DateTimeField()

    class Recall(Base):
        code = CharField(max_length=20, unique=True)
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")
        level = SmallIntegerField()
        reason = TextField()
        area = TextField(default="")
        status = CharField(max_length=8, default="open", index=True)
        opened_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        opened_at = DateTimeField(index=True)
        start_by = DateTimeField()
        finish_by = DateTimeField()
        closed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        closed_at = DateTimeField(null=True)
        closing_note = TextField(default="")

    class RecallLot(Base):
        recall = ForeignKeyField(Recall, on_delete="RESTRICT")
        batch = ForeignKeyField(Batch, on_delete="RESTRICT")
        relation = CharField(max_length=10)
        depth = IntegerField(default=0)
        quantity = BigIntegerField()
        distributed = BigIntegerField(default=0)
        recovered = BigIntegerField(default=0)
        destroyed = BigIntegerField(default=0)
        unit = CharField(max_length=12)
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("recall", "batch"), True),)

    class RecallNotice(Base):
        recall = ForeignKeyField(Recall, on_delete="RESTRICT")
        party = ForeignKeyField(Party, on_delete="RESTRICT")
        channel = CharField(max_length=16)
        sent_at = DateTimeField()
        note = TextField(default="")
        sent_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()

    class AuditEntry(Base):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        action = CharField(max_length=60, index=True)
        table = CharField(max_length=40, column_name="table_name")
        record_key = CharField(max_length=80, default="")
        changes = JSONField(default=dict)

        class Meta:
            indexes = ((("table", "record_key"), False),)

    db.create_tables([
        Inspection, TestResult, Hold, HoldBatch, Certificate, CertificateTransition, CertificateDocument,
        Recall, RecallLot, RecallNotice, AuditEntry,
    ])
    if isinstance(db, SqliteDatabase):
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    else:
        db.execute_sql(
            "CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_update")
        db.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_delete")
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        db.execute_sql("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    migrator.migrate(*(migrator.drop_table(table) for table in TABLES))
