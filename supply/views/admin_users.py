"""Admin pages of users: list, new, edit (by id; the email is fixed once given)."""

from __future__ import annotations

from flask import g
from flask import render_template
from flask import url_for
from flask_babel import gettext

from supply.auth import roles_required
from supply.schemas.user import UserCreateSchema
from supply.schemas.user import UserFilterSchema
from supply.schemas.user import UserSchema
from supply.schemas.user import UserUpdateSchema
from supply.services.accounts import users as user_service
from supply.services.masterdata import parties as party_service
from supply.views.admin_blueprint import bp
from supply.views.pages import code_options
from supply.views.pages import form_page
from supply.views.pages import list_filters
from supply.views.pages import saved


def _user_saved(user):
    return saved(gettext("User %(email)s saved.", email=user.email), url_for("admin.users"))


@bp.route("/users")
@roles_required("admin")
def users():
    """List users, filtered by role and party."""
    listing = list_filters(UserFilterSchema())
    page = listing.page_of(user_service.list_users(g.user, listing.filters))
    party_options = code_options(party_service.list_parties({}))
    return render_template("admin/users.html", page=page, listing=listing, party_options=party_options)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """Create a user."""
    return form_page("admin/user_form.html", UserCreateSchema(),
                     lambda data: user_service.create_user(g.user, data), _user_saved,
                     values={"active": True}, user=None, party_options=code_options(party_service.list_parties({})))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    """Change a user's name, role, party, password or access."""
    user = user_service.get_user(g.user, user_id)
    return form_page("admin/user_form.html", UserUpdateSchema(),
                     lambda data: user_service.update_user(g.user, user_id, data), _user_saved,
                     values=UserSchema().dump(user), user=user,
                     party_options=code_options(party_service.list_parties({})))
