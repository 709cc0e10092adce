"""Users: admins manage them; everyone else sees the users of their own party."""

from __future__ import annotations

from peewee import JOIN
from peewee import IntegrityError
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Party
from supply.models import User
from supply.services.accounts.passwords import require_strong
from supply.services.audit.writes import audited
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.masterdata.lookup import party_by_code

# A hash to compare against when the email is unknown, so both paths take as long.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return generate_password_hash(password)


def check_credentials(email: str, password: str) -> User | None:
    """Return the active user with this email and password, else None."""
    user = User.get_or_none(User.email == email.strip().lower())
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def _resolve_party(role: str, party_code: str | None) -> Party | None:
    party = party_by_code(party_code, field="party") if party_code else None
    kinds = permissions.ROLE_PARTY_KINDS[role]
    if kinds is None:
        return party
    if party is None:
        raise Invalid.field("party", N_("A user of this role must belong to a party."))
    if party.kind not in kinds:
        raise Invalid.field("party", N_("This role does not fit the kind of this party."))
    return party


@audited("users.create")
def create_user(actor: User | None, data: dict) -> User:
    """Create a user; `actor` None means the command line, which may create the first admin."""
    if actor is not None:
        permissions.require_admin(actor)
    data = dict(data)
    email = data["email"].strip().lower()
    require_strong(data["password"], email, data["name"])
    with db.atomic():
        party = _resolve_party(data["role"], data.get("party"))
        if User.select().where(User.email == email).exists():
            raise Conflict.field("email", N_("This email is taken."))
        try:
            return User.create(
                email=email,
                name=data["name"],
                role=data["role"],
                party=party,
                password_hash=hash_password(data["password"]),
                active=data.get("active", True),
            )
        except IntegrityError as exc:
            raise Conflict.field("email", N_("This email is taken.")) from exc


@audited("users.update")
def update_user(actor: User, user_id: int, data: dict) -> User:
    """Change a user's name, role, party, password or whether they may log in."""
    permissions.require_admin(actor)
    with db.atomic():
        user = get_user(actor, user_id)
        role = data.get("role", user.role)
        party_code = data["party"] if "party" in data else (user.party.code if user.party_id else None)
        user.party = _resolve_party(role, party_code)
        user.role = role
        if data.get("password"):
            require_strong(data["password"], user.email, data.get("name", user.name))
            user.password_hash = hash_password(data["password"])
        for key in ("name", "active"):
            if key in data:
                setattr(user, key, data[key])
        if user.id == actor.id and (not user.active or user.role != "admin"):
            raise Conflict(N_("You may not demote or deactivate yourself."))
        user.updated_at = utcnow()
        user.save()
        return user


def get_user(actor: User, user_id: int) -> User:
    """Return a user the actor may see: admins see all, others their own party's users."""
    user = (
        User.select(User, Party)
        .join(Party, JOIN.LEFT_OUTER, on=(User.party == Party.id))
        .where(User.id == user_id)
        .get_or_none()
    )
    if user is None:
        raise NotFound(N_("No user with this id."))
    if not (permissions.is_admin(actor) or user.id == actor.id or permissions.acts_for(actor, user.party_id)):
        raise NotFound(N_("No user with this id."))  # as for one that does not exist
    return user


def list_users(actor: User, filters: dict):
    """Return the query of users the actor may see, matching the filters."""
    query = (
        User.select(User, Party)
        .join(Party, JOIN.LEFT_OUTER, on=(User.party == Party.id))
        .order_by(User.email)
    )
    if not permissions.is_admin(actor):
        query = query.where(User.party == actor.party_id)
    if filters.get("role"):
        query = query.where(User.role == filters["role"])
    if filters.get("party"):
        query = query.where(Party.code == filters["party"])
    return query
