"""What the dashboards count: where each party is (province and city, for the share shipped out of Qinghai and to
the Greater Bay Area) and the language each scan page was shown in."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("party", "province", CharField(max_length=20, default="")),
        migrator.add_column("party", "city", CharField(max_length=40, default="")),
        migrator.add_column("scan", "language", CharField(max_length=8, default="")),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("scan", "language"), migrator.drop_column("party", "city"),
                     migrator.drop_column("party", "province"))
