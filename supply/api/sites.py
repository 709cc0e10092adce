"""Sites of parties: admins create and change them; every signed-in user reads them."""

from __future__ import annotations

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.common import page_schema
from supply.schemas.party import SiteCreateSchema
from supply.schemas.party import SiteFilterSchema
from supply.schemas.party import SitePatchSchema
from supply.schemas.party import SiteSchema
from supply.services.masterdata import parties
from supply.services.masterdata.lookup import site_by_code

SitePage = page_schema(SiteSchema, "SitePage")


@route("/sites", "POST", summary="Register a site of a party", tag="sites", body=SiteCreateSchema,
       response=SiteSchema, status=201, errors=(409,))
def create_site(actor, data: dict):
    """Create a site (admins)."""
    return SiteSchema().dump(parties.create_site(actor, data))


@route("/sites", "GET", summary="List sites", tag="sites", query=SiteFilterSchema, response=SitePage)
def list_sites(actor, args: dict):
    """List sites, filtered by party and kind."""
    return page_json(paginate(parties.list_sites(args), args["page"], args["per_page"]), SiteSchema().dump)


@route("/sites/<code>", "GET", summary="Read a site", tag="sites", response=SiteSchema, errors=(404,))
def get_site(actor, code: str):
    """Read one site."""
    return SiteSchema().dump(site_by_code(code))


@route("/sites/<code>", "PATCH", summary="Change a site", tag="sites", body=SitePatchSchema, response=SiteSchema,
       errors=(404,))
def update_site(actor, code: str, data: dict):
    """Change a site (admins)."""
    return SiteSchema().dump(parties.update_site(actor, code, data))
