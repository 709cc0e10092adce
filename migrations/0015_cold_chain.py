"""A cold chain that is watched: temperature limits per category, readings of a shipment or a storing interval,
excursions and the holds they propose; triggers that forget a lot's public facts when its cold chain changes.

The facts triggers follow migrations/0011_public_facts.py: a series (one shipment's or one storing's readings)
written or changed forgets the facts read from the lots it carried; an excursion recorded or changed likewise.
Readings themselves fire nothing: each ingest updates its series once, so thousands of rows cost one trigger run.
"""

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model
from peewee import SqliteDatabase
from peewee import TextField

FORGET_LOTS_OF = ("DELETE FROM public_lot WHERE batch_id IN "
                  "(SELECT lot_id FROM public_lot_source WHERE source_id IN ({}))")
LOTS_OF_SERIES = ("SELECT batch_id FROM shipment_line WHERE shipment_id = {shipment} "
                  "UNION ALL SELECT {batch}")
# The columns of a series and of an excursion the public page shows.
SERIES_SHOWN = ("count", "first_at", "last_at", "lowest", "highest")
EXCURSION_SHOWN = ("started_at", "ended_at", "lowest", "highest")
# Temperatures in hundredths of a degree (supply.models.cold_chain.CelsiusField); None: no bound on that side.
DEFAULT_LIMITS = (
    ("vegetable", 0, 400), ("strawberry", 0, 400), ("mushroom", 0, 500), ("yak_meat", -100, 400),
    ("frozen", None, -1800),
)


def _tables(db):
    def stub(name):
        class Stub(Model):
            id = IntegerField(primary_key=True)

            class Meta:
                database = db
                table_name = name
        return Stub

    user_t, batch_t, shipment_t, event_t, hold_t = (stub(n) for n in ("app_user", "batch", "shipment", "event", "hold"))

    class TemperatureLimit(Model):
        category = CharField(max_length=24, unique=True)
        low = IntegerField(null=True)
        high = IntegerField(null=True)
        updated_by = ForeignKeyField(user_t, null=True, on_delete="SET NULL")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "temperature_limit"

    class ReadingSeries(Model):
        shipment = ForeignKeyField(shipment_t, null=True, unique=True, on_delete="RESTRICT")
        storing = ForeignKeyField(event_t, null=True, unique=True, on_delete="RESTRICT")
        batch = ForeignKeyField(batch_t, null=True, on_delete="RESTRICT")
        count = IntegerField(default=0)
        first_at = DateTimeField(null=True)
        last_at = DateTimeField(null=True)
        lowest = IntegerField(null=True)
        highest = IntegerField(null=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "reading_series"

    class TemperatureReading(Model):
        series = ForeignKeyField(ReadingSeries, index=False, on_delete="RESTRICT")
        taken_at = DateTimeField()
        celsius = IntegerField()
        humidity = IntegerField(null=True)
        logger = CharField(max_length=40, default="")

        class Meta:
            database = db
            table_name = "temperature_reading"
            indexes = ((("series", "taken_at", "logger"), True),)

    class Excursion(Model):
        series = ForeignKeyField(ReadingSeries, on_delete="RESTRICT")
        started_at = DateTimeField()
        ended_at = DateTimeField()
        lowest = IntegerField()
        highest = IntegerField()
        low = IntegerField(null=True)
        high = IntegerField(null=True)
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "excursion"
            indexes = ((("series", "started_at"), True),)

    class HoldProposal(Model):
        excursion = ForeignKeyField(Excursion, on_delete="RESTRICT")
        batch = ForeignKeyField(batch_t, on_delete="RESTRICT")
        status = CharField(max_length=10, default="proposed", index=True)
        hold = ForeignKeyField(hold_t, null=True, on_delete="RESTRICT")
        decided_by = ForeignKeyField(user_t, null=True, on_delete="SET NULL")
        decided_at = DateTimeField(null=True)
        reason = TextField(default="")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "hold_proposal"
            indexes = ((("excursion", "batch"), True),)

    return [TemperatureLimit, ReadingSeries, TemperatureReading, Excursion, HoldProposal]


def _statements() -> dict[str, str]:
    series = LOTS_OF_SERIES.format(shipment="NEW.shipment_id", batch="NEW.batch_id")
    of_excursion = LOTS_OF_SERIES.format(
        shipment="(SELECT shipment_id FROM reading_series WHERE id = NEW.series_id)",
        batch="(SELECT batch_id FROM reading_series WHERE id = NEW.series_id)")
    return {"public_lot_series": FORGET_LOTS_OF.format(series),
            "public_lot_excursion": FORGET_LOTS_OF.format(of_excursion)}


TRIGGERS = (("public_lot_series", "reading_series", SERIES_SHOWN),
            ("public_lot_excursion", "excursion", EXCURSION_SHOWN))


def _changed(columns, differ: str) -> str:
    return " OR ".join(f"OLD.{column} {differ} NEW.{column}" for column in columns)


def _sqlite_up(db):
    statements = _statements()
    for name, table, shown in TRIGGERS:
        db.execute_sql(f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {statements[name]}; END")
        db.execute_sql(f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {_changed(shown, 'IS NOT')} "
                       f"BEGIN {statements[name]}; END")


def _postgres_up(db):
    statements = _statements()
    for name, table, shown in TRIGGERS:
        db.execute_sql(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                       f"$$ BEGIN {statements[name]}; RETURN NULL; END $$")
        db.execute_sql(f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} FOR EACH ROW "
                       f"EXECUTE FUNCTION {name}()")
        db.execute_sql(f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW "
                       f"WHEN ({_changed(shown, 'IS DISTINCT FROM')}) EXECUTE FUNCTION {name}()")


def up(migrator, db):
    tables = _tables(db)
    db.create_tables(tables)
    for category, low, high in DEFAULT_LIMITS:
        db.execute_sql(f"INSERT INTO temperature_limit (category, low, high, updated_at) "
                       f"VALUES ({db.param}, {db.param}, {db.param}, CURRENT_TIMESTAMP)", (category, low, high))
    if isinstance(db, SqliteDatabase):
        _sqlite_up(db)
    else:
        _postgres_up(db)


def down(migrator, db):
    for name, table, _shown in TRIGGERS:
        if isinstance(db, SqliteDatabase):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}_insert")
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}_update")
        else:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}_insert ON {table}")
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}_update ON {table}")
            db.execute_sql(f"DROP FUNCTION IF EXISTS {name}()")
    db.drop_tables(list(reversed(_tables(db))))
