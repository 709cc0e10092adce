"""What the dashboards count: where each party is (province and city, for the share shipped out of Qinghai and to
the Greater Bay Area), the language each scan page was shown in, and the city's weighed totals per day."""

from peewee import BigIntegerField
from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import IntegerField
from peewee import Model


def _tables(db):
    class CityDay(Model):
        day = DateField()
        category = CharField(max_length=24)
        province = CharField(max_length=20, default="")
        city = CharField(max_length=40, default="")
        registered_grams = BigIntegerField(default=0)
        shipped_grams = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "city_day"
            indexes = ((("day", "category", "province", "city"), True),)

    class CityTotalsState(Model):
        id = IntegerField(primary_key=True)
        counted_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "city_totals_state"

    return [CityDay, CityTotalsState]


def up(migrator, db):
    db.create_tables(_tables(db))
    migrator.migrate(
        migrator.add_column("party", "province", CharField(max_length=20, default="")),
        migrator.add_column("party", "city", CharField(max_length=40, default="")),
        migrator.add_column("scan", "language", CharField(max_length=8, default="")),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("scan", "language"), migrator.drop_column("party", "city"),
                     migrator.drop_column("party", "province"))
    db.drop_tables(list(reversed(_tables(db))))
