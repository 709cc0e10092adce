"""The job queue: the rows of an upload waiting for a worker and, on PostgreSQL, procrastinate's own schema.

procrastinate's tables, types and functions (all named procrastinate_*) are created from the schema file of the
pinned version, frozen beside this migration (procrastinate_3.10.0_schema.sql) so that the migration builds the
same schema whatever version is installed later. Upgrading procrastinate means a new migration applying the SQL
files of its `sql/migrations` folder between the two versions. On SQLite there is no queue (the in-process runner
imports in a thread), so only the upload table is made.
"""

from pathlib import Path

from peewee import ForeignKeyField
from peewee import JSONField
from peewee import Model
from peewee import SqliteDatabase

SCHEMA_FILE = Path(__file__).with_name("procrastinate_3.10.0_schema.sql")
QUEUE_TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs", "procrastinate_workers")
QUEUE_TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status")


def up(migrator, db):
    class ImportJob(Model):
        class Meta:
            database = db
            table_name = "import_job"

    class ImportUpload(Model):
        job = ForeignKeyField(ImportJob, primary_key=True, on_delete="CASCADE")
        rows = JSONField()

        class Meta:
            database = db
            table_name = "import_upload"

    db.create_tables([ImportUpload])
    if not isinstance(db, SqliteDatabase):
        # Without parameters psycopg sends the file as one simple query, several statements and all.
        db.connection().execute(SCHEMA_FILE.read_text(encoding="utf-8"))


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):
        db.execute_sql(f"DROP TABLE {', '.join(QUEUE_TABLES)} CASCADE")
        functions = db.execute_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = current_schema() AND starts_with(p.proname, 'procrastinate_')").fetchall()
        for (signature,) in functions:
            db.execute_sql(f"DROP FUNCTION {signature}")
        db.execute_sql(f"DROP TYPE {', '.join(QUEUE_TYPES)}")
    migrator.migrate(migrator.drop_table("import_upload"))
