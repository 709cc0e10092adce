"""Parties and their sites: created and changed by admins, read by every signed-in user."""

from __future__ import annotations

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Party
from supply.models import Site
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.errors import Conflict
from supply.services.masterdata.lookup import create_coded
from supply.services.masterdata.lookup import party_by_code
from supply.services.masterdata.lookup import site_by_code


def _normalise_party(data: dict) -> dict:
    if data.get("credit_code"):
        data["credit_code"] = data["credit_code"].upper()
    elif "credit_code" in data:
        data["credit_code"] = None
    return data


@audited("parties.create")
def create_party(actor: User, data: dict) -> Party:
    """Register a new party."""
    permissions.require_admin(actor)
    data = _normalise_party(dict(data))
    with db.atomic():
        _require_free_credit_code(data.get("credit_code"))
        return create_coded(Party, data)


@audited("parties.update")
def update_party(actor: User, code: str, data: dict) -> Party:
    """Change a party's name, kind, credit code or contact."""
    permissions.require_admin(actor)
    data = _normalise_party(dict(data))
    with db.atomic():
        party = party_by_code(code)
        _require_free_credit_code(data.get("credit_code"), party.id)
        for key, value in data.items():
            setattr(party, key, value)
        party.updated_at = utcnow()
        party.save()
        return party


def _require_free_credit_code(credit_code: str | None, own_id: int | None = None) -> None:
    """Refuse a credit code another party has (own_id: the party being changed)."""
    if credit_code:
        clash = Party.select().where(Party.credit_code == credit_code)
        if own_id is not None:
            clash = clash.where(Party.id != own_id)
        if clash.exists():
            raise Conflict.field("credit_code", N_("Another party has this credit code."))


def list_parties(filters: dict):
    """Return the query of parties matching the filters, by code."""
    query = Party.select().order_by(Party.code)
    if filters.get("kind"):
        query = query.where(Party.kind == filters["kind"])
    if filters.get("county"):
        query = query.where(Party.county == filters["county"])
    return query


@audited("sites.create")
def create_site(actor: User, data: dict) -> Site:
    """Register a new site of a party."""
    permissions.require_admin(actor)
    data = dict(data)
    with db.atomic():
        data["party"] = party_by_code(data["party"], field="party")
        return create_coded(Site, data)


@audited("sites.update")
def update_site(actor: User, code: str, data: dict) -> Site:
    """Change a site's name, kind, place or area."""
    permissions.require_admin(actor)
    with db.atomic():
        site = site_by_code(code)
        for key, value in data.items():
            setattr(site, key, value)
        site.updated_at = utcnow()
        site.save()
        return site


def list_sites(filters: dict):
    """Return the query of sites (with their party) matching the filters, by code."""
    query = Site.select(Site, Party).join(Party).order_by(Site.code)
    if filters.get("party"):
        query = query.where(Party.code == filters["party"])
    if filters.get("kind"):
        query = query.where(Site.kind == filters["kind"])
    return query
