"""The producer's pages: register a batch, list and filter batches, open one."""

from __future__ import annotations

from flask import Blueprint
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from supply import permissions
from supply.auth import login_required
from supply.auth import roles_required
from supply.clock import local_today
from supply.schemas.batch import BatchCreateSchema
from supply.schemas.batch import BatchFilterSchema
from supply.schemas.batch import BatchUpdateSchema
from supply.services.certification.claims import batch_certification
from supply.services.certification.lot_tests import test_reports
from supply.services.certification.standing import lot_standings
from supply.services.custody import batches as batch_service
from supply.services.masterdata import parties as party_service
from supply.services.masterdata import products as product_service
from supply.services.masterdata.party_categories import categories_of_party
from supply.views.chain import chain_context
from supply.views.filters import local_name
from supply.views.forms import FormResult
from supply.views.forms import submit
from supply.views.labels import UNIT_LABELS
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import code_options
from supply.views.pages import form_page
from supply.views.pages import list_filters
from supply.views.pages import saved
from supply.views.public import encoded_url

bp = Blueprint("batches", __name__, url_prefix="/batches")


def _site_options(all_sites: bool) -> list[tuple[str, str]]:
    """List every site, or only those of the user's own party."""
    if all_sites:
        return code_options(party_service.list_sites({}))
    if g.user.party_id is None:
        return []
    return code_options(party_service.list_sites({"party": g.user.party.code}))


def _products(every: bool) -> list:
    """List the products of the categories the user's party works with (or every product: admins, `?all=1`)."""
    products = product_service.list_products({})
    if every or permissions.is_admin(g.user):
        return products
    categories = categories_of_party(g.user.party_id)
    return [product for product in products if product.category in categories]


def _product_options(products: list) -> list[tuple[str, str]]:
    """List products with their default unit, which an empty unit field stands for."""
    return [(product.code, f"{local_name(product)} ({product.code}) · {UNIT_LABELS.get(product.unit, product.unit)}")
            for product in products]


def _registered(batch):
    message = gettext("Batch %(lot)s registered.", lot=batch.lot_code)
    return saved(message, url_for("batches.detail", lot_code=batch.lot_code))


@bp.route("/")
@login_required
def index():
    """List the batches the user may see, with filters."""
    listing = list_filters(BatchFilterSchema())
    page = listing.page_of(batch_service.list_batches(g.user, listing.filters))
    return render_template(
        "batches/index.html",
        page=page,
        listing=listing,
        product_options=code_options(product_service.list_products({})),
        party_options=code_options(party_service.list_parties({})),
        site_options=_site_options(permissions.reads_everything(g.user)),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*permissions.REGISTERING_ROLES)
def register():
    """Register a batch at one of the user's sites."""
    every = request.args.get("all") == "1"
    products = _products(every)
    return form_page(
        "batches/register.html",
        BatchCreateSchema(),
        lambda data: batch_service.register_batch(g.user, data),
        _registered,
        values={"produced_on": local_today().isoformat()},
        product_options=_product_options(products),
        site_options=_site_options(permissions.is_admin(g.user)),
        every_product=every,
        # The ear tag is asked only for live yak: the field shows for those products alone.
        live_yak=[product.code for product in products if product.category == "live_yak"],
    )


def certification_context(batch) -> dict:
    """Return the certificates behind a batch, its tests, and how to link a certificate's page (three queries)."""
    certification = batch_certification(batch)
    return {"certification": certification, "tests": test_reports(list(certification.lots)),
            "standings": lot_standings(certification, batch.status, False, local_today()),
            "cert_link": lambda certificate_id: url_for("certificates.detail", cert_id=certificate_id)}


@bp.route("/<path:lot_code>", methods=["GET", "POST"])
@login_required
def detail(lot_code: str):
    """Show a batch with its timeline, genealogy and mass balance; its holder may change the field name and notes."""
    batch = batch_service.get_batch(g.user, lot_code)
    form = FormResult()
    values = {"field_name": batch.field_name, "notes": batch.notes}
    if request.method == "POST":
        permissions.require_edits_batch(g.user, batch.holder_id)
        # Both fields are always sent: an emptied field clears the stored text.
        values = {name: request.form.get(name, "") for name in BatchUpdateSchema().load_fields}
        form = submit(BatchUpdateSchema(), values, lambda data: batch_service.update_batch(g.user, lot_code, data))
        if form.ok:
            return saved(gettext("Batch %(lot)s saved.", lot=lot_code), url_for("batches.detail", lot_code=lot_code))
    body = render_template(
        "batches/detail.html",
        batch=batch,
        can_edit=permissions.may_edit_batch(g.user, batch.holder_id),
        values=values,
        errors=form.errors,
        message=form.message,
        **chain_context(batch),
        **certification_context(batch),
        encoded_url=encoded_url(batch),
    )
    return body, 200 if form.ok else FORM_ERROR_STATUS
