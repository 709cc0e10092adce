"""Users: admins manage them; others read their own party's users."""

from __future__ import annotations

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.common import page_schema
from supply.schemas.user import UserCreateSchema
from supply.schemas.user import UserFilterSchema
from supply.schemas.user import UserPatchSchema
from supply.schemas.user import UserSchema
from supply.services.accounts import users

UserPage = page_schema(UserSchema, "UserPage")


@route("/users", "POST", summary="Create a user", tag="users", body=UserCreateSchema, response=UserSchema,
       status=201, errors=(409,))
def create_user(actor, data: dict):
    """Create a user (admins)."""
    return UserSchema().dump(users.create_user(actor, data))


@route("/users", "GET", summary="List users", tag="users", query=UserFilterSchema, response=UserPage)
def list_users(actor, args: dict):
    """List users: all for admins, the caller's party's for others."""
    return page_json(paginate(users.list_users(actor, args), args["page"], args["per_page"]), UserSchema().dump)


@route("/users/me", "GET", summary="Read the calling user", tag="users", response=UserSchema)
def get_me(actor):
    """Read the caller."""
    return UserSchema().dump(users.get_user(actor, actor.id))


@route("/users/<int:user_id>", "GET", summary="Read a user", tag="users", response=UserSchema, errors=(404,))
def get_user(actor, user_id: int):
    """Read one user."""
    return UserSchema().dump(users.get_user(actor, user_id))


@route("/users/<int:user_id>", "PATCH", summary="Change a user", tag="users", body=UserPatchSchema,
       response=UserSchema, errors=(404, 409))
def update_user(actor, user_id: int, data: dict):
    """Change a user (admins)."""
    return UserSchema().dump(users.update_user(actor, user_id, data))
