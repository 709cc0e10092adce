"""Admin pages of parties and their sites: list, new, edit (codes are fixed once given)."""

from __future__ import annotations

from flask import g
from flask import render_template
from flask import url_for
from flask_babel import gettext

from supply.auth import roles_required
from supply.schemas.party import PartyCreateSchema
from supply.schemas.party import PartyFilterSchema
from supply.schemas.party import PartyPrivateSchema
from supply.schemas.party import PartyUpdateSchema
from supply.schemas.party import SiteCreateSchema
from supply.schemas.party import SiteFilterSchema
from supply.schemas.party import SiteSchema
from supply.schemas.party import SiteUpdateSchema
from supply.services.masterdata import parties as party_service
from supply.services.masterdata.lookup import party_by_code
from supply.services.masterdata.lookup import site_by_code
from supply.views.admin_blueprint import bp
from supply.views.pages import code_options
from supply.views.pages import form_page
from supply.views.pages import list_filters
from supply.views.pages import saved


def _party_saved(party):
    return saved(gettext("Party %(code)s saved.", code=party.code), url_for("admin.parties"))


def _site_saved(site):
    return saved(gettext("Site %(code)s saved.", code=site.code), url_for("admin.sites"))


@bp.route("/parties")
@roles_required("admin")
def parties():
    """List parties, filtered by kind."""
    listing = list_filters(PartyFilterSchema())
    page = listing.page_of(party_service.list_parties(listing.filters))
    return render_template("admin/parties.html", page=page, listing=listing)


@bp.route("/parties/new", methods=["GET", "POST"])
@roles_required("admin")
def new_party():
    """Register a party."""
    return form_page("admin/party_form.html", PartyCreateSchema(),
                     lambda data: party_service.create_party(g.user, data), _party_saved, party=None)


@bp.route("/parties/<code>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_party(code: str):
    """Change a party."""
    party = party_by_code(code)
    return form_page("admin/party_form.html", PartyUpdateSchema(),
                     lambda data: party_service.update_party(g.user, code, data), _party_saved,
                     values=PartyPrivateSchema().dump(party), party=party)


@bp.route("/sites")
@roles_required("admin")
def sites():
    """List sites, filtered by party and kind."""
    listing = list_filters(SiteFilterSchema())
    page = listing.page_of(party_service.list_sites(listing.filters))
    party_options = code_options(party_service.list_parties({}))
    return render_template("admin/sites.html", page=page, listing=listing, party_options=party_options)


@bp.route("/sites/new", methods=["GET", "POST"])
@roles_required("admin")
def new_site():
    """Register a site of a party."""
    return form_page("admin/site_form.html", SiteCreateSchema(),
                     lambda data: party_service.create_site(g.user, data), _site_saved,
                     site=None, party_options=code_options(party_service.list_parties({})))


@bp.route("/sites/<code>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_site(code: str):
    """Change a site (its party stays)."""
    site = site_by_code(code)
    return form_page("admin/site_form.html", SiteUpdateSchema(),
                     lambda data: party_service.update_site(g.user, code, data), _site_saved,
                     values=SiteSchema().dump(site), site=site)
