"""Bulk entry by CSV: check every row of a file first, then write all of its rows in one transaction or none.

A file is read by `import_files` (encoding, header, limits), checked by the importer of its kind with the API's
schemas and the services' rules (`import_registrations`, `import_shipments`), and written by the bulk path
(`bulk_batches`) or by `create_shipment`. `import_jobs` runs this as a job whose progress pages can follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from supply import permissions
from supply.db import db
from supply.i18n import N_
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.audit.writes import describe_import
from supply.services.errors import Forbidden
from supply.services.interchange.imports.files import CsvRow
from supply.services.interchange.imports.files import read_rows
from supply.services.interchange.imports.registrations import check_registrations
from supply.services.interchange.imports.registrations import write_registrations
from supply.services.interchange.imports.rows import Progress
from supply.services.interchange.imports.rows import RowErrors
from supply.services.interchange.imports.rows import RowsRejected
from supply.services.interchange.imports.rows import no_progress
from supply.services.interchange.imports.shipments import check_shipments
from supply.services.interchange.imports.shipments import write_shipments


@dataclass(frozen=True)
class Importer:
    """How one kind of file is checked and written."""

    check: Callable
    write: Callable


IMPORTERS = {
    "registrations": Importer(check_registrations, write_registrations),
    "shipments": Importer(check_shipments, write_shipments),
}


def require_may_import(actor: User) -> None:
    """Refuse a role that neither registers batches nor ships them."""
    if actor.role not in permissions.REGISTERING_ROLES:
        raise Forbidden(N_("Your role may not import batches or shipments."))


def check_rows(actor: User, kind: str, rows: list[CsvRow], progress: Progress = no_progress):
    """Check every row; raise RowsRejected listing each problem, else return what to write."""
    require_may_import(actor)
    errors = RowErrors()
    plan = IMPORTERS[kind].check(actor, rows, errors, progress)
    if errors:
        raise RowsRejected(errors.sorted())
    return plan


@audited("imports.write", describe=describe_import)
def write_rows(actor: User, kind: str, plan, progress: Progress = no_progress) -> dict:
    """Write a checked file in one transaction: every row or, when anything is refused, none."""
    with db.atomic():
        return IMPORTERS[kind].write(actor, plan, progress)


def import_file(actor: User, kind: str, raw: bytes) -> dict:
    """Read, check and write a whole file without a job (the CLI, the benchmark); return what was written."""
    rows = read_rows(raw, kind)
    return write_rows(actor, kind, check_rows(actor, kind, rows))
