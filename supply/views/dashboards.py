"""Each role's dashboard: figures, charts drawn as SVG with their tables, and each table as a CSV download."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from flask import Blueprint
from flask import Response
from flask import abort
from flask import g
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from supply import certificate_kinds
from supply.auth import login_required
from supply.clock import local_today
from supply.names import record_name
from supply.places import county_name
from supply.services.dashboards import Chart
from supply.services.dashboards import dashboard_for
from supply.services.dashboards.charts import Named
from supply.views.chart_svg import bars
from supply.views.chart_svg import columns
from supply.views.filters import local_analyte
from supply.views.filters import local_time
from supply.views.filters import quantity
from supply.views.labels import CATEGORY_LABELS
from supply.views.labels import UNIT_LABELS

bp = Blueprint("dashboards", __name__)
WORDS = {
    "zh_Hans": _l("Simplified Chinese"), "zh_Hant": _l("Traditional Chinese"), "en": _l("English"),
    "all": _l("All shipped"), "out_of_qinghai": _l("Out of Qinghai"), "bay_area": _l("Greater Bay Area"),
    "hong_kong": _l("Hong Kong"), "hold": _l("Hold"), "recall": _l("Recall"),
}


def shown(value, label: str = "text") -> str:
    """Show a cell of a chart's table in the reader's language."""
    language = str(get_locale())
    if isinstance(value, Named):
        return record_name(value, language)
    if isinstance(value, tuple):
        return " · ".join(shown(part, label) for part in value)
    if isinstance(value, datetime.datetime):
        return local_time(value)
    if isinstance(value, datetime.date):
        return {"month": f"{value:%Y-%m}", "week": f"{value:%m-%d}", "day": f"{value:%m-%d}"}.get(label, f"{value}")
    if isinstance(value, Decimal):
        return quantity(value)
    if value is None:
        return ""
    if hasattr(value, "name_en"):  # a party, site or product record
        return record_name(value, language)
    if label == "county":
        return county_name(value, language)
    if label == "analyte":
        return local_analyte(value)
    if label in ("category", "product_category"):
        return str(CATEGORY_LABELS.get(value, value))
    if label == "certificate_kind":
        return gettext(certificate_kinds.kind_name(value))
    return str(WORDS.get(value, value)) if isinstance(value, str) else str(value)


def head(text: str) -> str:
    """Show a column heading: a message, or a product category."""
    if text.startswith("category:"):
        return str(CATEGORY_LABELS.get(text.split(":", 1)[1], text))
    return gettext(text)


def cells(chart: Chart) -> list[list[str]]:
    """The table of a chart as text, row by row (the label as the chart's label kind, then each value)."""
    table = []
    for row in chart.rows:
        first = shown(row[0], chart.label)
        rest = [str(UNIT_LABELS.get(cell, cell)) if chart.key == "stock" and i == len(row) - 2 else shown(cell)
                for i, cell in enumerate(row[1:])]
        if chart.label in ("certificate",) and chart.key in ("expiring", "queue"):
            rest[0] = gettext(certificate_kinds.kind_name(row[1]))
        table.append([first, *rest])
    return table


def drawing(chart: Chart):
    """The SVG of a chart (None for a list, or when there is nothing to draw)."""
    if not chart.rows:
        return None
    labels = [shown(row[0], chart.label) for row in chart.rows]
    if chart.kind == "bars":
        units = [str(UNIT_LABELS.get(row[2], row[2])) for row in chart.rows] if chart.key == "stock" else None
        return bars(labels, [row[1] for row in chart.rows], chart.unit, units)
    if chart.kind == "columns":
        series = [head(text) for text in chart.head[1:1 + chart.drawn]]
        return columns(labels, series, chart.drawn_values(), chart.unit)
    return None


@bp.route("/dashboard")
@login_required
def index():
    """Show the dashboard of the user's role."""
    dashboard = dashboard_for(g.user, local_today())
    figures = [(gettext(label), value) for label, value in dashboard.figures]
    drawn = [(chart, gettext(chart.title), gettext(chart.note) if chart.note else "", drawing(chart),
              [head(text) for text in chart.head], cells(chart)) for chart in dashboard.charts]
    return render_template("dashboards/index.html", figures=figures, drawn=drawn, counted_at=dashboard.counted_at)


@bp.route("/dashboard/<key>.csv")
@login_required
def chart_csv(key: str):
    """Download one chart's table as CSV (UTF-8 with a byte-order mark, so that spreadsheets read the Chinese)."""
    chart = dashboard_for(g.user, local_today()).chart(key)
    if chart is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([head(text) for text in chart.head])
    writer.writerows(cells(chart))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="dashboard-{key}.csv"'})
