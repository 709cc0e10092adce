"""Products: admins create and change them; every signed-in user reads them."""

from __future__ import annotations

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.common import page_schema
from supply.schemas.product import ProductCreateSchema
from supply.schemas.product import ProductFilterSchema
from supply.schemas.product import ProductPatchSchema
from supply.schemas.product import ProductSchema
from supply.services.masterdata import products
from supply.services.masterdata.lookup import product_by_code

ProductPage = page_schema(ProductSchema, "ProductPage")


@route("/products", "POST", summary="Register a product", tag="products", body=ProductCreateSchema,
       response=ProductSchema, status=201, errors=(409,))
def create_product(actor, data: dict):
    """Create a product (admins)."""
    return ProductSchema().dump(products.create_product(actor, data))


@route("/products", "GET", summary="List products", tag="products", query=ProductFilterSchema,
       response=ProductPage)
def list_products(actor, args: dict):
    """List products, filtered by category."""
    return page_json(paginate(products.list_products(args), args["page"], args["per_page"]), ProductSchema().dump)


@route("/products/<code>", "GET", summary="Read a product", tag="products", response=ProductSchema, errors=(404,))
def get_product(actor, code: str):
    """Read one product."""
    return ProductSchema().dump(product_by_code(code))


@route("/products/<code>", "PATCH", summary="Change a product", tag="products", body=ProductPatchSchema,
       response=ProductSchema, errors=(404, 409))
def update_product(actor, code: str, data: dict):
    """Change a product (admins)."""
    return ProductSchema().dump(products.update_product(actor, code, data))
