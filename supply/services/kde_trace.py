"""The key-data-element sheet of a lot together with its genealogy (up, down or both), for the export pages."""

from __future__ import annotations

from supply.models import Batch
from supply.models import User
from supply.services import exports
from supply.services import kde
from supply.services import trace as tracing


def export_kde_of_trace(actor: User, lot_code: str, direction: str) -> tuple[bytes, str]:
    """Return the sheet of every lot the actor's trace of a lot reaches (as the EPCIS export's trace), and a name.

    `direction` is up, down or both; an unknown lot is 404 and a lot the actor may not see 403, as in the trace.
    """
    graph = tracing.trace(actor, lot_code, exports.TRACE_DIRECTIONS[direction], depth=tracing.MAX_DEPTH,
                          max_nodes=tracing.MAX_NODES, with_events=False)
    batch_ids = [row.id for row in Batch.select(Batch.id).where(Batch.lot_code.in_([n.lot for n in graph.nodes]))]
    selection = exports.load_events(exports.events_of_batches(batch_ids))
    return kde.write_csv(kde.kde_rows(selection, set(batch_ids))), kde.file_name(f"kde-{lot_code}-trace-{direction}")
