"""The dashboard of the caller's role as JSON: the same figures and chart tables the page draws."""

from __future__ import annotations

import datetime
from decimal import Decimal

from supply.api.routing import route
from supply.clock import local_today
from supply.clock import to_local
from supply.services.dashboards import dashboard_for
from supply.services.dashboards.charts import Named

DASHBOARD = {
    "type": "object",
    "description": "The caller's dashboard: producers and operators see their party's, inspectors theirs, admins "
                   "and observers the city's. Each chart is a table: `head` names the columns, the first cell of "
                   "each row is its label, the next `drawn` cells are the values the page draws.",
    "properties": {
        "role": {"type": "string", "example": "producer"},
        "figures": {"type": "array", "items": {"type": "object"},
                    "example": [{"label": "Shipments awaiting receipt", "value": 2}]},
        "charts": {"type": "array", "items": {"type": "object"}, "example": [{
            "key": "stock", "title": "Stock on hand by product and site", "kind": "bars", "drawn": 1, "unit": "",
            "head": ["Product and site", "On hand", "Unit"],
            "rows": [[[{"name": "西兰花", "name_en": "Broccoli", "name_zh_hant": ""},
                       {"name": "一号地", "name_en": "Plot 1", "name_zh_hant": ""}], "8210.000", "kg"]]}]},
    },
}


def cell(value):
    """A table cell as JSON: names with every language, Decimals as strings, times in Asia/Shanghai."""
    if isinstance(value, Named):
        return value._asdict()
    if isinstance(value, tuple | list):
        return [cell(part) for part in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return to_local(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    return value


@route("/dashboard", "GET", summary="The dashboard of the caller's role: figures and chart tables", tag="dashboards",
       response=DASHBOARD, errors=(403,))
def dashboard(actor):
    """Answer with the caller's dashboard, the data behind each chart of the page."""
    board = dashboard_for(actor, local_today())
    return {
        "role": board.role,
        "counted_at": cell(board.counted_at),
        "figures": [{"label": label, "value": cell(value)} for label, value in board.figures],
        "charts": [{"key": c.key, "title": c.title, "kind": c.kind, "drawn": c.drawn, "unit": c.unit,
                    "label": c.label, "head": list(c.head), "rows": [cell(list(row)) for row in c.rows]}
                   for c in board.charts],
    }
