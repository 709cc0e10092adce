"""Recall pages (inspectors and admins): the list, open a recall, a recall's page with tracking, the printable
report and its CSV, and the mock recall.
"""

from __future__ import annotations

import datetime

from flask import Blueprint
from flask import Response
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from supply.auth import roles_required
from supply.clock import utcnow
from supply.models.recall import NOTICE_CHANNELS
from supply.schemas.recalls import CloseSchema
from supply.schemas.recalls import MockRecallSchema
from supply.schemas.recalls import NoticeSchema
from supply.schemas.recalls import RecallFilterSchema
from supply.schemas.recalls import RecallLotUpdateSchema
from supply.schemas.recalls import RecallOpenSchema
from supply.services.recalls import recalls as recall_service
from supply.services.recalls import report as recall_report
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.forms import submit
from supply.views.labels import NOTICE_CHANNEL_LABELS
from supply.views.labels import RECALL_LEVEL_LABELS
from supply.views.labels import RECALL_RELATION_LABELS
from supply.views.labels import RECALL_STATUS_LABELS
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import list_filters
from supply.views.pages import saved

bp = Blueprint("recalls", __name__, url_prefix="/recalls")
INSPECTING = ("admin", "inspector")



@bp.context_processor
def _labels() -> dict:
    return {
        "level_label": lambda level: str(RECALL_LEVEL_LABELS.get(level, level)),
        "relation_label": lambda code: str(RECALL_RELATION_LABELS.get(code, code)),
        "channel_label": lambda code: str(NOTICE_CHANNEL_LABELS.get(code, code)),
        "recall_status_label": lambda code: str(RECALL_STATUS_LABELS.get(code, code)),
        "recall_status_options": [(code, str(text)) for code, text in RECALL_STATUS_LABELS.items()],
        "level_options": [(level, str(text)) for level, text in RECALL_LEVEL_LABELS.items()],
        "time_left": time_left,
        "holder_options": lambda holders: [(h.code, f"{h.name} ({h.code})") for h in holders],
    }


def time_left(deadline: datetime.datetime) -> str:
    """Say how long is left until a deadline (stored UTC), or how long ago it passed, in days and hours."""
    seconds = int((deadline - utcnow()).total_seconds())
    days, hours = divmod(abs(seconds) // 3600, 24)
    if seconds < 0:
        return gettext("overdue by %(days)s d %(hours)s h", days=days, hours=hours)
    return gettext("%(days)s d %(hours)s h left", days=days, hours=hours)


def level_deadlines() -> list[tuple[int, str, int, int, datetime.datetime, datetime.datetime]]:
    """Return, per level, its label, hours to start, working days to finish, and both deadlines if opened now."""
    now = utcnow()
    return [(level, str(RECALL_LEVEL_LABELS[level]), recall_service.START_HOURS[level],
             recall_service.FINISH_WORKING_DAYS[level], *recall_service.deadlines(level, now))
            for level in sorted(RECALL_LEVEL_LABELS)]


@bp.route("/")
@roles_required(*INSPECTING)
def index():
    """List recalls, newest first, open or closed."""
    listing = list_filters(RecallFilterSchema())
    page = listing.page_of(recall_service.list_recalls(g.user, listing.filters))
    return render_template("recalls/index.html", page=page, listing=listing)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*INSPECTING)
def new():
    """Open a recall on a lot with a level and a reason (`?lot=` fills in the lot)."""
    form = FormResult()
    values = {"lot": request.args.get("lot", "").strip()}
    if request.method == "POST":
        values = form_payload(request.form, tuple(RecallOpenSchema().load_fields))
        form = submit(RecallOpenSchema(), values, lambda data: recall_service.open_recall(g.user, data))
        if form.ok:
            code = form.result.code
            return saved(gettext("Recall %(code)s opened.", code=code), url_for(".detail", code=code))
    body = render_template("recalls/new.html", values=values, errors=form.errors, message=form.message,
                           levels=level_deadlines())
    return body, 200 if form.ok else FORM_ERROR_STATUS


def _detail_page(code: str, forms: dict | None = None, status: int = 200):
    """Render a recall's page; `forms` holds the values and messages of a form sent back with errors."""
    recall = recall_service.get_recall(g.user, code)
    body = render_template(
        "recalls/detail.html", recall=recall, lots=recall_service.recall_lots(recall),
        holders=recall_service.recall_holders(g.user, recall), notices=recall_service.recall_notices(recall),
        channel_options=[(code, str(NOTICE_CHANNEL_LABELS[code])) for code in NOTICE_CHANNELS],
        forms=forms or {}, now=utcnow(),
    )
    return body, status


@bp.route("/<code>")
@roles_required(*INSPECTING)
def detail(code: str):
    """Show a recall: deadlines and time left, the lots with what was recovered and destroyed, holders, notices."""
    return _detail_page(code)


def _post(code: str, name: str, schema, fields: tuple[str, ...], action, done: str, extra: dict | None = None):
    """Run one of the recall page's forms; on errors show the page again with the form's messages."""
    values = form_payload(request.form, fields)
    form = submit(schema, values, action)
    if form.ok:
        return saved(done, url_for(".detail", code=code) + (f"#{name}" if name else ""))
    forms = {name: {"values": values, "errors": form.errors, "message": form.message, **(extra or {})}}
    return _detail_page(code, forms, FORM_ERROR_STATUS)


@bp.route("/<code>/lots/<lot>", methods=["POST"])
@roles_required(*INSPECTING)
def update_lot(code: str, lot: str):
    """Record what was recovered and destroyed of one lot of the recall."""
    return _post(code, "lots", RecallLotUpdateSchema(), ("recovered", "destroyed"),
                 lambda data: recall_service.update_recall_lot(g.user, code, lot, data),
                 gettext("Lot %(lot)s updated.", lot=lot), {"lot": lot})


@bp.route("/<code>/notices", methods=["POST"])
@roles_required(*INSPECTING)
def notice(code: str):
    """Record a notice of the recall sent to a party."""
    return _post(code, "notices", NoticeSchema(), ("party", "channel", "sent_at", "note"),
                 lambda data: recall_service.record_notice(g.user, code, data), gettext("Notice recorded."))


@bp.route("/<code>/close", methods=["POST"])
@roles_required(*INSPECTING)
def close(code: str):
    """Close the recall with a note."""
    return _post(code, "close", CloseSchema(), ("note",),
                 lambda data: recall_service.close_recall(g.user, code, data["note"]),
                 gettext("Recall %(code)s closed.", code=code))


@bp.route("/<code>/report")
@roles_required(*INSPECTING)
def report(code: str):
    """Show the recall report, laid out after the Chinese recall plan, ready to print."""
    return render_template("recalls/report.html", report=recall_report.recall_report(g.user, code), now=utcnow())


@bp.route("/<code>/report.csv")
@roles_required(*INSPECTING)
def report_csv(code: str):
    """Download the recall report as a CSV sheet."""
    content, filename = recall_report.report_csv(g.user, code)
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/mock", methods=["GET", "POST"])
@roles_required(*INSPECTING)
def mock():
    """Rehearse a recall on a lot: what it would reach, who holds it, the mass balance, and the time it took."""
    form = FormResult()
    values = {"lot": request.args.get("lot", "").strip()}
    if request.method == "POST":
        values = form_payload(request.form, ("lot", "level"))
        form = submit(MockRecallSchema(), values,
                      lambda data: recall_service.mock_recall(g.user, data["lot"], data.get("level")))
    body = render_template("recalls/mock.html", values=values, errors=form.errors, message=form.message,
                           result=form.result, levels=level_deadlines())
    return body, 200 if form.ok else FORM_ERROR_STATUS
