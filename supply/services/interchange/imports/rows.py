"""What the importers share: the list of bad rows, the cached code look-ups, the error that rejects a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from supply.i18n import N_
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.services.errors import Invalid
from supply.services.errors import ServiceError
from supply.services.interchange.imports.files import CsvRow
from supply.services.masterdata.lookup import party_by_code
from supply.services.masterdata.lookup import product_by_code
from supply.services.masterdata.lookup import site_by_code

EXTRA_CELLS = N_("This row has cells under no column of the header.")
ROWS_WITH_ERRORS = N_("Rows with errors: {n}. Nothing was written.")

Progress = Callable[[int], None]


def numbered(message: str, number: int) -> str:
    """Fill the number into a message written with {n} (translate_message finds the template again)."""
    return message.replace("{n}", str(number))


def no_progress(count: int) -> None:
    """Ignore progress (imports run without a job)."""


def flatten(messages, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten marshmallow's nested messages into (field path, message) pairs."""
    if isinstance(messages, list | tuple):
        return [(prefix or "_schema", str(message)) for message in messages]
    pairs: list[tuple[str, str]] = []
    for key, value in messages.items():
        pairs.extend(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return pairs


@dataclass
class RowErrors:
    """Every problem found in a file, as {line, field, message}, in the order found."""

    items: list[dict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, line: int, name: str, message: str) -> None:
        """Record one problem of a row (a field of "" means the row as a whole)."""
        self.items.append({"line": line, "field": name, "message": message})

    def add_service(self, line: int, exc: ServiceError) -> None:
        """Record what a service rule refused, field by field."""
        if not exc.errors:
            self.add(line, "", exc.message)
        for name, messages in exc.errors.items():
            # A message naming the lot or quantity left (stock.take) follows the reason; keep only the reason.
            self.add(line, name, messages[0])

    def add_extra(self, row: CsvRow) -> None:
        """Refuse a row with values outside the header's columns."""
        if row.extra:
            self.add(row.line, "", EXTRA_CELLS)

    def sorted(self) -> list[dict]:
        """Return the problems ordered by line."""
        return sorted(self.items, key=lambda item: item["line"])


class RowsRejected(Invalid):
    """Rows of the file break rules: nothing was written; `rows` lists each problem with its line."""

    def __init__(self, rows: list[dict]) -> None:
        super().__init__(numbered(ROWS_WITH_ERRORS, len({row["line"] for row in rows})))
        self.rows = rows


def payload(row: CsvRow, columns) -> dict:
    """Return the filled-in cells of a row for the given columns (an empty cell means 'not given')."""
    return {name: row.values[name] for name in columns if row.values.get(name)}


class Lookups:
    """Sites, parties and products by code, each looked up once per file through the lookup service."""

    def __init__(self) -> None:
        self._cache: dict[tuple, object] = {}

    def _get(self, key: tuple, find: Callable[[], object]):
        if key not in self._cache:
            try:
                self._cache[key] = find()
            except ServiceError as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, ServiceError):
            raise found
        return found

    def site(self, code: str, name: str) -> Site:
        """Return the site with this code, or raise the lookup service's field error under `name`."""
        return self._get(("site", code, name), lambda: site_by_code(code, field=name))

    def party(self, code: str, name: str) -> Party:
        """Return the party with this code, or raise the field error."""
        return self._get(("party", code, name), lambda: party_by_code(code, field=name))

    def product(self, code: str) -> Product:
        """Return the product with this code, or raise the field error."""
        return self._get(("product", code), lambda: product_by_code(code, field="product"))

    def check(self, key: tuple, rule: Callable[[], None]) -> None:
        """Apply a rule once per key (a permission per site), raising its error for every row that needs it."""
        self._get(("rule", *key), rule)
