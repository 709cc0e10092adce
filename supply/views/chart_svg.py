"""Draw a dashboard chart as SVG on the server: no script, no external file, scaled to the width of the phone.

`bars` draws one horizontal bar per row (categories: a product at a site, a county), `columns` a group of columns
per row (periods: weeks, months, days), one colour per drawn series with a legend. Every bar carries its value in
`data-value` and a <title> (shown on a long press), so what is drawn can be checked against the table beside it.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup
from markupsafe import escape

WIDTH = 320
COLOURS = ("#2f7d4a", "#d98e04", "#3a6fb0", "#b8453a")
BAR_ROW = 30
COLUMN_HEIGHT = 120


def _number(value) -> Decimal:
    return Decimal(str(value or 0))


def _text(value) -> str:
    return format(_number(value).normalize(), "f")


def bars(labels: list[str], values: list, unit: str = "", units: list[str] | None = None) -> Markup:
    """One bar per label, longest scaled to the width; the label above its bar, the value (and its unit: `unit` for
    all, or `units` row by row) at its end."""
    top = max((_number(v) for v in values), default=Decimal(0)) or Decimal(1)
    height = BAR_ROW * max(len(labels), 1)
    parts = [f'<svg class="chart bars" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = i * BAR_ROW
        width = int(_number(value) / top * (WIDTH - 70))
        row_unit = units[i] if units else unit
        shown = f"{_text(value)}{(' ' + row_unit) if row_unit else ''}"
        parts.append(f'<text x="0" y="{y + 10}" font-size="10">{escape(label)}</text>'
                     f'<rect x="0" y="{y + 13}" width="{max(width, 1)}" height="12" fill="{COLOURS[0]}" '
                     f'data-value="{_text(value)}"><title>{escape(label)}: {escape(shown)}</title></rect>'
                     f'<text x="{max(width, 1) + 4}" y="{y + 23}" font-size="10">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(labels: list[str], series: list[str], rows: list[list], unit: str = "") -> Markup:
    """A group of columns per label (a period), one colour per series, a legend below, every few labels named."""
    top = max((_number(v) for row in rows for v in row), default=Decimal(0)) or Decimal(1)
    count = max(len(labels), 1)
    group = (WIDTH - 30) / count
    column = max(group * 0.8 / max(len(series), 1), 1)
    legend_top = COLUMN_HEIGHT + 24
    height = legend_top + 14 * len(series)
    parts = [f'<svg class="chart columns" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="10" font-size="9">{escape(_text(top))}{(" " + escape(unit)) if unit else ""}</text>',
             f'<line x1="28" y1="{COLUMN_HEIGHT}" x2="{WIDTH}" y2="{COLUMN_HEIGHT}" stroke="#999"/>']
    step = max(1, count // 6)
    for i, (label, row) in enumerate(zip(labels, rows, strict=True)):
        x0 = 30 + i * group
        for j, value in enumerate(row):
            h = float(_number(value) / top) * (COLUMN_HEIGHT - 14)
            parts.append(f'<rect x="{x0 + j * column:.1f}" y="{COLUMN_HEIGHT - h:.1f}" width="{column:.1f}" '
                         f'height="{h:.1f}" fill="{COLOURS[j % len(COLOURS)]}" data-value="{_text(value)}" '
                         f'data-series="{j}"><title>{escape(label)} · {escape(series[j])}: '
                         f'{escape(_text(value))}</title></rect>')
        if i % step == 0:
            parts.append(f'<text x="{x0:.1f}" y="{COLUMN_HEIGHT + 12}" font-size="9">{escape(label)}</text>')
    for j, name in enumerate(series):
        y = legend_top + 14 * j
        parts.append(f'<rect x="0" y="{y - 8}" width="10" height="10" fill="{COLOURS[j % len(COLOURS)]}"/>'
                     f'<text x="14" y="{y}" font-size="10">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
