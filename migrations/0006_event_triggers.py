"""The event log refuses UPDATE and DELETE by triggers on both databases, and a received shipment is final.

`event` and `event_batch` never change (PostgreSQL also refuses TRUNCATE, which fires no row trigger). A received
shipment and its lines (what was received, what was lost and why) never change either, unless the receipt event
has been declared in error: that declaration, itself an event of the chained log, is what puts the shipment back
in transit and lets it be received again.
"""

from peewee import SqliteDatabase

LOG_TABLES = ("event", "event_batch")
LOG_MESSAGE = "the event log is append-only"
FINAL_MESSAGE = "a received shipment is final: declare its receipt in error first"
# Still received, and its receipt not declared in error (`receipt` names the receipt event's id).
UNDECLARED = "NOT EXISTS (SELECT 1 FROM event AS d WHERE d.declares_id = {receipt})"


def _sqlite_up(db):
    for table in LOG_TABLES:
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{LOG_MESSAGE}'); END")
    final = f"BEGIN SELECT RAISE(ABORT, '{FINAL_MESSAGE}'); END"
    received_line = ("EXISTS (SELECT 1 FROM shipment AS s WHERE s.id = OLD.shipment_id AND s.status = 'received'"
                     "{extra})")
    db.execute_sql("CREATE TRIGGER shipment_line_no_update BEFORE UPDATE ON shipment_line WHEN "
                   + received_line.format(extra=" AND " + UNDECLARED.format(receipt="s.close_event_id")) + " " + final)
    db.execute_sql("CREATE TRIGGER shipment_line_no_delete BEFORE DELETE ON shipment_line WHEN "
                   + received_line.format(extra="") + " " + final)
    db.execute_sql("CREATE TRIGGER shipment_no_update BEFORE UPDATE ON shipment WHEN OLD.status = 'received' AND "
                   + UNDECLARED.format(receipt="OLD.close_event_id") + " " + final)
    db.execute_sql("CREATE TRIGGER shipment_no_delete BEFORE DELETE ON shipment WHEN OLD.status = 'received' "
                   + final)


def _postgres_up(db):
    db.execute_sql("CREATE FUNCTION event_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{LOG_MESSAGE}'; END $$")
    for table in LOG_TABLES:
        db.execute_sql(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION event_log_append_only()")
        db.execute_sql(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION event_log_append_only()")
    # A line may be reset (never deleted) once the receipt is declared; the shipment row likewise.
    db.execute_sql(
        "CREATE FUNCTION shipment_line_final() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM shipment AS s WHERE s.id = OLD.shipment_id AND s.status = 'received' "
        f"AND (TG_OP = 'DELETE' OR {UNDECLARED.format(receipt='s.close_event_id')})) THEN "
        f"RAISE EXCEPTION '{FINAL_MESSAGE}'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    db.execute_sql("CREATE TRIGGER shipment_line_final BEFORE UPDATE OR DELETE ON shipment_line "
                   "FOR EACH ROW EXECUTE FUNCTION shipment_line_final()")
    db.execute_sql(
        "CREATE FUNCTION shipment_final() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF OLD.status = 'received' AND "
        f"(TG_OP = 'DELETE' OR {UNDECLARED.format(receipt='OLD.close_event_id')}) THEN "
        f"RAISE EXCEPTION '{FINAL_MESSAGE}'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    db.execute_sql("CREATE TRIGGER shipment_final BEFORE UPDATE OR DELETE ON shipment "
                   "FOR EACH ROW EXECUTE FUNCTION shipment_final()")


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        _sqlite_up(db)
    else:
        _postgres_up(db)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for table in (*LOG_TABLES, "shipment_line", "shipment"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        return
    for table in LOG_TABLES:
        db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    db.execute_sql("DROP TRIGGER IF EXISTS shipment_line_final ON shipment_line")
    db.execute_sql("DROP TRIGGER IF EXISTS shipment_final ON shipment")
    for function in ("event_log_append_only", "shipment_line_final", "shipment_final"):
        db.execute_sql(f"DROP FUNCTION IF EXISTS {function}()")
