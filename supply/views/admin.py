"""Admin pages: parties, sites, products and users."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/parties")
def parties():
    """List parties."""
    return "parties"


@bp.route("/sites")
def sites():
    """List sites."""
    return "sites"


@bp.route("/products")
def products():
    """List products."""
    return "products"


@bp.route("/users")
def users():
    """List users."""
    return "users"
