"""The JSON API under /api/v1; importing the resource modules registers their routes."""

from supply.api import auth
from supply.api import batches
from supply.api import events
from supply.api import exports
from supply.api import imports
from supply.api import openapi
from supply.api import parties
from supply.api import products
from supply.api import qr
from supply.api import shipments
from supply.api import sites
from supply.api import trace
from supply.api import transformations
from supply.api import users
from supply.api.routing import bp

__all__ = ["auth", "batches", "bp", "events", "exports", "imports", "openapi", "parties", "products", "qr",
           "shipments", "sites", "trace", "transformations", "users"]
