"""A signed-in user's own API tokens: create one (named, with a life and optionally read-only), see them, revoke."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from supply.auth import login_required
from supply.schemas.user import TokenCreateSchema
from supply.services.accounts import tokens
from supply.services.accounts.tokens import DAYS
from supply.views.forms import form_payload
from supply.views.forms import submit

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """List one's tokens; make a new one (its secret shown once, on this answer only)."""
    result, secret = None, None
    if request.method == "POST":
        payload = form_payload(request.form, ("name", "expires_in_days", "read_only"))
        payload["read_only"] = "read_only" in payload
        result = submit(TokenCreateSchema(), payload, lambda data: tokens.create_token(
            g.user, data.get("name", ""), data["expires_in_days"], data["read_only"]))
        if result.ok:
            secret = result.result[0]
    listed = list(tokens.list_tokens(g.user).limit(200))
    status = 422 if result is not None and not result.ok else 201 if secret else 200
    response = render_template("auth/tokens.html", tokens=listed, result=result, secret=secret, days=DAYS,
                               values=request.form if result is not None and not result.ok else {})
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of one's tokens."""
    tokens.revoke_token(g.user, token_id)
    flash(gettext("The token is revoked."))
    return redirect(url_for("api_tokens.index"))
