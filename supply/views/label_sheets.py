"""Printable labels: A4 sheets of 3 x 8 stickers, 60 x 40 mm thermal labels and compliance certificates."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import g
from flask import render_template
from flask import request
from markupsafe import Markup

from supply.auth import login_required
from supply.clock import local_today
from supply.services.public import labels as label_sheets
from supply.services.public import qr

bp = Blueprint("label_sheets", __name__)
TEMPLATES = {"sheet": "labels/sheet.html", "thermal": "labels/thermal.html", "certificate": "labels/certificate.html"}


def qr_markup(url: str) -> Markup:
    """Return the QR code of a URL as inline SVG markup (without the XML declaration)."""
    svg = current_app.extensions["qr_codes"].svg(url).decode()
    return Markup(svg[svg.index("<svg"):])


def qr_symbol(url: str, symbol_id: str) -> Markup:
    """Return the QR code of a URL as an SVG <symbol>, drawn once and used by every copy of its label."""
    svg = current_app.extensions["qr_codes"].svg(url).decode()
    start = svg.index("<svg")
    end = svg.index(">", start) + 1
    view_box = svg[start:end].split('viewBox="', 1)[1].split('"', 1)[0]
    inner = svg[end:svg.rindex("</svg>")]
    return Markup(f'<symbol id="{symbol_id}" viewBox="{view_box}">{inner}</symbol>')


@bp.route("/labels")
@login_required
def print_labels():
    """Show the chosen lots as printable labels or certificates, or the form to choose them."""
    chosen = request.args.get("format", "sheet")
    if chosen not in label_sheets.FORMATS:
        chosen = "sheet"
    # A list page sends the lots ticked as repeated `lot`; a link names them in one `lots`.
    text = request.args.get("lots") or ",".join(request.args.getlist("lot"))
    if not text.strip():
        return render_template("labels/choose.html", formats=label_sheets.FORMATS, chosen=chosen)
    lots = label_sheets.parse_lots(text)
    batches, missing = label_sheets.visible_batches(g.user, lots)
    config = current_app.config
    stored = label_sheets.stored_certificates(batches) if chosen == "certificate" else {}
    labels = [label_sheets.Label(batch, qr.configured_url(batch, config),
                                 stored.get(batch.id, []))
              for batch in batches]
    # A compliance certificate is issued once per lot; stickers come in copies.
    asked = None if chosen == "certificate" else label_sheets.parse_copies(request.args.get("copies"))
    run = label_sheets.Run(labels) if chosen == "certificate" else label_sheets.plan_run(labels, asked)
    return render_template(
        TEMPLATES[chosen], labels=run.labels, lots_shown=labels, sheets=label_sheets.pages(run.labels),
        missing=missing, chosen=chosen, capped=run.capped, copies=asked, max_copies=label_sheets.MAX_COPIES,
        formats=label_sheets.FORMATS, lots=",".join(b.lot_code for b in batches), qr_markup=qr_markup,
        qr_symbol=qr_symbol, symbol_ids={label.batch.lot_code: f"qr-{i}" for i, label in enumerate(labels)},
        today=local_today(),
    )
