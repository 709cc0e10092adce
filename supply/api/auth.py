"""API tokens: issue for a password, list and revoke."""

from __future__ import annotations

from flask import current_app
from flask import request

from supply.api.routing import page_json
from supply.api.routing import route
from supply.auth import send_reset_link
from supply.auth import signin_throttle
from supply.db.pagination import paginate
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import page_schema
from supply.schemas.user import DoneSchema
from supply.schemas.user import NewTokenSchema
from supply.schemas.user import PasswordChangeSchema
from supply.schemas.user import PasswordForgotSchema
from supply.schemas.user import PasswordResetSchema
from supply.schemas.user import TokenRequestSchema
from supply.schemas.user import TokenSchema
from supply.services.accounts import credentials
from supply.services.accounts import tokens

TokenPage = page_schema(TokenSchema, "TokenPage")


@route("/auth/tokens", "POST", summary="Exchange email and password for an API token", tag="auth",
       body=TokenRequestSchema, response=NewTokenSchema, status=201, errors=(401, 403, 429), auth=False)
def create_token(data: dict):
    """Issue a token for valid credentials."""
    raw, token = tokens.issue_token(signin_throttle(), data["email"], data["password"], data.get("name", ""),
                                    request.remote_addr, data["expires_in_days"], data["read_only"],
                                    data.get("one_time_password"), current_app.config["REQUIRE_TWO_FACTOR"])
    token.token = raw
    return NewTokenSchema().dump(token)


@route("/auth/tokens", "GET", summary="List your API tokens", tag="auth", query=PageQuerySchema,
       response=TokenPage)
def list_tokens(actor, args: dict):
    """List the caller's tokens."""
    return page_json(paginate(tokens.list_tokens(actor), args["page"], args["per_page"]), TokenSchema().dump)


@route("/auth/tokens/<int:token_id>", "DELETE", summary="Revoke an API token", tag="auth",
       response=TokenSchema, errors=(404,))
def revoke_token(actor, token_id: int):
    """Revoke a token."""
    return TokenSchema().dump(tokens.revoke_token(actor, token_id))


@route("/account/password", "POST", summary="Change your password (the current one given)", tag="auth",
       body=PasswordChangeSchema, response=DoneSchema, errors=(422,))
def change_password(actor, data: dict):
    """Change the caller's own password; the caller's page sessions end (tokens stay)."""
    credentials.change_password(actor, data["current_password"], data["new_password"])
    return {"done": True}


@route("/auth/password-reset", "POST", summary="Mail a one-time link to set a new password", tag="auth",
       body=PasswordForgotSchema, response=DoneSchema, status=202, auth=False)
def forgot_password(data: dict):
    """Send the link if the e-mail has an account; the answer is the same either way."""
    send_reset_link(data["email"])
    return {"done": True}


@route("/auth/password-reset/<token>", "POST", summary="Set a new password through a one-time link", tag="auth",
       body=PasswordResetSchema, response=DoneSchema, errors=(422,), auth=False)
def reset_password(token: str, data: dict):
    """Set the new password; every session and API token of the account ends."""
    credentials.reset_password(None, token, data["new_password"])
    return {"done": True}
