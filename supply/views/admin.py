"""Admin pages: parties, sites, products and users, one module each on the one `admin` blueprint."""

from __future__ import annotations

from supply.views import admin_parties
from supply.views import admin_products
from supply.views import admin_users
from supply.views.admin_blueprint import bp

# Importing the modules registers their views on `bp`.
PAGE_MODULES = (admin_parties, admin_products, admin_users)

__all__ = ["PAGE_MODULES", "bp"]
