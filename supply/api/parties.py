"""Parties: admins create and change them; every signed-in user reads them."""

from __future__ import annotations

from supply import permissions
from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.common import page_schema
from supply.schemas.party import PartyCreateSchema
from supply.schemas.party import PartyFilterSchema
from supply.schemas.party import PartyPatchSchema
from supply.schemas.party import PartyPrivateSchema
from supply.schemas.party import PartySchema
from supply.services.masterdata import parties
from supply.services.masterdata.lookup import party_by_code

PartyPage = page_schema(PartyPrivateSchema, "PartyPage")


def dump_party(actor, party) -> dict:
    """Serialise a party, with its contact phone only for those allowed to see it."""
    schema = PartyPrivateSchema() if permissions.sees_private(actor, party) else PartySchema()
    return schema.dump(party)


@route("/parties", "POST", summary="Register a party", tag="parties", body=PartyCreateSchema,
       response=PartyPrivateSchema, status=201, errors=(409,))
def create_party(actor, data: dict):
    """Create a party (admins)."""
    return dump_party(actor, parties.create_party(actor, data))


@route("/parties", "GET", summary="List parties", tag="parties", query=PartyFilterSchema, response=PartyPage)
def list_parties(actor, args: dict):
    """List parties; the phone is shown only for the caller's own party (all for inspectors and admins)."""
    page = paginate(parties.list_parties(args), args["page"], args["per_page"])
    return page_json(page, lambda party: dump_party(actor, party))


@route("/parties/<code>", "GET", summary="Read a party", tag="parties", response=PartyPrivateSchema, errors=(404,))
def get_party(actor, code: str):
    """Read one party."""
    return dump_party(actor, party_by_code(code))


@route("/parties/<code>", "PATCH", summary="Change a party", tag="parties", body=PartyPatchSchema,
       response=PartyPrivateSchema, errors=(404, 409))
def update_party(actor, code: str, data: dict):
    """Change a party (admins)."""
    return dump_party(actor, parties.update_party(actor, code, data))

