"""Recalls: open one on a lot, list and read them, track recovered and destroyed quantities and notices, close,
download the report, and rehearse a recall (mock recall) without writing anything. Inspectors and admins only.
"""

from __future__ import annotations

from flask import Response

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.common import page_schema
from supply.schemas.recalls import CloseSchema
from supply.schemas.recalls import HolderSchema
from supply.schemas.recalls import MockRecallReportSchema
from supply.schemas.recalls import MockRecallSchema
from supply.schemas.recalls import NoticeOutSchema
from supply.schemas.recalls import NoticeSchema
from supply.schemas.recalls import RecallFilterSchema
from supply.schemas.recalls import RecallLotSchema
from supply.schemas.recalls import RecallLotUpdateSchema
from supply.schemas.recalls import RecallOpenSchema
from supply.schemas.recalls import RecallSchema
from supply.schemas.recalls import RecallSummarySchema
from supply.services.recalls import recalls
from supply.services.recalls import report as recall_report

RecallPage = page_schema(RecallSummarySchema, "RecallPage")
RECALL_SHEET = {
    "type": "string",
    "description": "UTF-8 CSV with a byte order mark: one header row, one row per lot and holder of the recall.",
}


def recall_json(actor, recall) -> dict:
    """Serialise a recall with its lots, holders and notices."""
    body = RecallSummarySchema().dump(recall)
    body.update(closing_note=recall.closing_note,
                lots=RecallLotSchema(many=True).dump(recalls.recall_lots(recall)),
                holders=HolderSchema(many=True).dump(recalls.recall_holders(actor, recall)),
                notices=NoticeOutSchema(many=True).dump(recalls.recall_notices(recall)))
    return body


def mock_json(result: recalls.MockRecall) -> dict:
    """Serialise a mock recall's report."""
    balance = [{"relation": relation, **vars(row), "difference": row.difference, "balanced": row.balanced}
               for relation, row in result.balances]
    return MockRecallReportSchema().dump({
        "lot": result.scope.root.lot, "level": result.level, "milliseconds": result.milliseconds,
        "start_by": result.start_by, "finish_by": result.finish_by, "area": "、".join(result.scope.counties),
        "lots": result.scope.lots, "holders": result.holders, "balance": balance,
    })


@route("/recalls", "POST", summary="Open a recall on a lot: every lot up- and downstream is marked recalled",
       tag="recalls", body=RecallOpenSchema, response=RecallSchema, status=201, errors=(403, 409))
def open_recall(actor, data: dict):
    """Open a recall (inspectors and admins)."""
    return recall_json(actor, recalls.open_recall(actor, data))


@route("/recalls", "GET", summary="List recalls, newest first", tag="recalls", query=RecallFilterSchema,
       response=RecallPage, errors=(403,))
def list_recalls(actor, args: dict):
    """List recalls."""
    page = paginate(recalls.list_recalls(actor, args), args["page"], args["per_page"])
    return page_json(page, RecallSummarySchema().dump)


@route("/recalls/mock", "POST", summary="Rehearse a recall (mock recall): the same computation, nothing written",
       tag="recalls", body=MockRecallSchema, response=MockRecallReportSchema, errors=(403,))
def mock_recall(actor, data: dict):
    """Run a mock recall and answer with its report and the time it took."""
    return mock_json(recalls.mock_recall(actor, data["lot"], data.get("level")))


@route("/recalls/<code>", "GET", summary="Read a recall with its lots, holders and notices", tag="recalls",
       response=RecallSchema, errors=(403, 404))
def get_recall(actor, code: str):
    """Read one recall."""
    return recall_json(actor, recalls.get_recall(actor, code))


@route("/recalls/<code>/lots/<lot>", "POST", summary="Record what was recovered and destroyed of a recalled lot",
       tag="recalls", body=RecallLotUpdateSchema, response=RecallLotSchema, errors=(403, 404, 409))
def update_recall_lot(actor, code: str, lot: str, data: dict):
    """Update one lot of a recall."""
    return RecallLotSchema().dump(recalls.update_recall_lot(actor, code, lot, data))


@route("/recalls/<code>/notices", "POST", summary="Record a notice of the recall sent to a party", tag="recalls",
       body=NoticeSchema, response=NoticeOutSchema, status=201, errors=(403, 404, 409))
def record_notice(actor, code: str, data: dict):
    """Record a notice."""
    return NoticeOutSchema().dump(recalls.record_notice(actor, code, data))


@route("/recalls/<code>/close", "POST", summary="Close a recall with a note", tag="recalls", body=CloseSchema,
       response=RecallSummarySchema, errors=(403, 404, 409))
def close_recall(actor, code: str, data: dict):
    """Close a recall."""
    return RecallSummarySchema().dump(recalls.close_recall(actor, code, data["note"]))


@route("/recalls/<code>/report.csv", "GET", summary="Download the recall report as CSV", tag="recalls",
       response=RECALL_SHEET, produces="text/csv", errors=(403, 404))
def recall_csv(actor, code: str):
    """Answer with the recall report sheet."""
    content, filename = recall_report.report_csv(actor, code)
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
