"""Names in every language: a stored Traditional Chinese name for parties, sites and products (else the page
converts the Simplified one), and a product's variety in English and Traditional Chinese."""

from peewee import CharField

COLUMNS = (
    ("party", "name_zh_hant"),
    ("site", "name_zh_hant"),
    ("product", "name_zh_hant"),
    ("product", "variety_en"),
    ("product", "variety_zh_hant"),
)


def up(migrator, db):
    migrator.migrate(*(migrator.add_column(table, column, CharField(max_length=100, default=""))
                       for table, column in COLUMNS))


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column(table, column) for table, column in reversed(COLUMNS)))
