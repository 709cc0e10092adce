"""Admin pages of products: list, new, edit (codes are fixed once given)."""

from __future__ import annotations

from flask import g
from flask import render_template
from flask import url_for
from flask_babel import gettext

from supply.auth import roles_required
from supply.schemas.product import ProductCreateSchema
from supply.schemas.product import ProductFilterSchema
from supply.schemas.product import ProductSchema
from supply.schemas.product import ProductUpdateSchema
from supply.services.masterdata import products as product_service
from supply.services.masterdata.lookup import product_by_code
from supply.views.admin_blueprint import bp
from supply.views.pages import form_page
from supply.views.pages import list_filters
from supply.views.pages import saved


def _product_saved(product):
    return saved(gettext("Product %(code)s saved.", code=product.code), url_for("admin.products"))


@bp.route("/products")
@roles_required("admin")
def products():
    """List products, filtered by category."""
    listing = list_filters(ProductFilterSchema())
    page = listing.page_of(product_service.list_products(listing.filters))
    return render_template("admin/products.html", page=page, listing=listing)


@bp.route("/products/new", methods=["GET", "POST"])
@roles_required("admin")
def new_product():
    """Register a product."""
    return form_page("admin/product_form.html", ProductCreateSchema(),
                     lambda data: product_service.create_product(g.user, data), _product_saved, product=None)


@bp.route("/products/<code>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_product(code: str):
    """Change a product."""
    product = product_by_code(code)
    return form_page("admin/product_form.html", ProductUpdateSchema(),
                     lambda data: product_service.update_product(g.user, code, data), _product_saved,
                     values=ProductSchema().dump(product), product=product)
