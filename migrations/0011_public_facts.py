"""Per-lot public facts (supply.models.public) and the triggers that forget them when what they show changes.

Every trigger runs in the transaction of the write that fires it, so a lot's kept facts are gone the moment a
write that changes them commits, whichever host or program wrote it:

- a shown column of a lot's row changed (every event of a lot moves its chain head; holds and recalls change its
  status): the facts of every lot read from it (itself, the lots made from it);
- a test result of a lot recorded or corrected: likewise;
- a certificate written or decided (inserted, changed, a transition recorded): the facts of every lot read from a
  lot of the certificate's party or site (a certificate only ever covers lots of its own party) or from its lot;
- a shown field of a product, party or site changed (a name, a county, a site's position): every lot's facts
  (a rare edit; the facts are rebuilt as the pages are next opened).
"""

from peewee import BigIntegerField
from peewee import CompositeKey
from peewee import DateTimeField
from peewee import IntegerField
from peewee import Model
from peewee import SqliteDatabase
from peewee import TextField

FORGET_LOTS_OF = ("DELETE FROM public_lot WHERE batch_id IN "
                  "(SELECT lot_id FROM public_lot_source WHERE source_id IN ({}))")
OF_BATCH = "{new}.batch_id"
OF_CERTIFICATE = ("SELECT id FROM batch WHERE origin_party_id = {party} UNION ALL "
                  "SELECT id FROM batch WHERE origin_site_id = {site} UNION ALL SELECT {batch}")
# The columns of a lot the public page shows (its stock, holder and notes are not): only a change of one of them
# forgets facts, so a write that moves stock alone costs no trigger work.
BATCH_SHOWN = ("lot_code", "public_token", "product_id", "origin_party_id", "origin_site_id", "quantity", "unit",
               "produced_on", "ear_tag", "status", "chain_head")
SHOWN = {
    "product": ("name", "name_en", "name_zh_hant", "variety", "variety_en", "variety_zh_hant", "category", "unit",
                "gtin"),
    "party": ("name", "name_en", "name_zh_hant", "county"),
    "site": ("name", "name_en", "name_zh_hant", "county", "latitude", "longitude"),
}


def _tables(db):
    class PublicLot(Model):
        batch_id = IntegerField(primary_key=True)
        generation = BigIntegerField()
        facts = TextField()
        built_at = DateTimeField()

        class Meta:
            database = db
            table_name = "public_lot"

    class PublicLotSource(Model):
        lot_id = IntegerField()
        source_id = IntegerField(index=True)

        class Meta:
            database = db
            table_name = "public_lot_source"
            primary_key = CompositeKey("lot_id", "source_id")

    return [PublicLot, PublicLotSource]


def _statements(new: str) -> dict[str, str]:
    """The DELETE each trigger runs, by trigger name (`new` names the new row: NEW)."""
    certificate = OF_CERTIFICATE.format(party=f"{new}.party_id", site=f"{new}.site_id", batch=f"{new}.batch_id")
    of_transition = OF_CERTIFICATE.format(
        party=f"(SELECT party_id FROM certificate WHERE id = {new}.certificate_id)",
        site=f"(SELECT site_id FROM certificate WHERE id = {new}.certificate_id)",
        batch=f"(SELECT batch_id FROM certificate WHERE id = {new}.certificate_id)")
    return {
        "public_lot_batch": FORGET_LOTS_OF.format(f"{new}.id"),
        "public_lot_test": FORGET_LOTS_OF.format(OF_BATCH.format(new=new)),
        "public_lot_certificate": FORGET_LOTS_OF.format(certificate),
        "public_lot_transition": FORGET_LOTS_OF.format(of_transition),
        "public_lot_names": "DELETE FROM public_lot",
    }


# (trigger, table, events) for the row triggers; the names triggers are made per table of SHOWN.
ROW_TRIGGERS = (
    ("public_lot_batch", "batch", ("UPDATE",)),
    ("public_lot_test", "test_result", ("INSERT", "UPDATE")),
    ("public_lot_certificate", "certificate", ("INSERT", "UPDATE")),
    ("public_lot_transition", "certificate_transition", ("INSERT",)),
)


def _changed(columns, differ: str) -> str:
    """The condition that one of the columns changed (`differ`: SQLite's IS NOT, PostgreSQL's IS DISTINCT FROM)."""
    return " OR ".join(f"OLD.{column} {differ} NEW.{column}" for column in columns)


def _sqlite_up(db):
    statements = _statements("NEW")
    for name, table, events in ROW_TRIGGERS:
        for event in events:
            when = f"WHEN {_changed(BATCH_SHOWN, 'IS NOT')} " if table == "batch" else ""
            db.execute_sql(f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} {when}"
                           f"BEGIN {statements[name]}; END")
    for table, columns in SHOWN.items():
        db.execute_sql(f"CREATE TRIGGER public_lot_{table}_names AFTER UPDATE ON {table} "
                       f"WHEN {_changed(columns, 'IS NOT')} BEGIN {statements['public_lot_names']}; END")


def _postgres_up(db):
    statements = _statements("NEW")
    for name, table, events in ROW_TRIGGERS:
        db.execute_sql(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                       f"$$ BEGIN {statements[name]}; RETURN NULL; END $$")
        when = f"WHEN ({_changed(BATCH_SHOWN, 'IS DISTINCT FROM')}) " if table == "batch" else ""
        db.execute_sql(f"CREATE TRIGGER {name} AFTER {' OR '.join(events)} ON {table} "
                       f"FOR EACH ROW {when}EXECUTE FUNCTION {name}()")
    db.execute_sql("CREATE FUNCTION public_lot_names() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN {statements['public_lot_names']}; RETURN NULL; END $$")
    for table, columns in SHOWN.items():
        db.execute_sql(f"CREATE TRIGGER public_lot_{table}_names AFTER UPDATE ON {table} FOR EACH ROW "
                       f"WHEN ({_changed(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION public_lot_names()")


def up(migrator, db):
    db.create_tables(_tables(db))
    if isinstance(db, SqliteDatabase):
        _sqlite_up(db)
    else:
        _postgres_up(db)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for name, _table, events in ROW_TRIGGERS:
            for event in events:
                db.execute_sql(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
        for table in SHOWN:
            db.execute_sql(f"DROP TRIGGER IF EXISTS public_lot_{table}_names")
    else:
        for name, table, _events in ROW_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            db.execute_sql(f"DROP FUNCTION IF EXISTS {name}()")
        for table in SHOWN:
            db.execute_sql(f"DROP TRIGGER IF EXISTS public_lot_{table}_names ON {table}")
        db.execute_sql("DROP FUNCTION IF EXISTS public_lot_names()")
    migrator.migrate(migrator.drop_table("public_lot_source"), migrator.drop_table("public_lot"))
