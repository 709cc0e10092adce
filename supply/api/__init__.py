"""The JSON API under /api/v1; importing the resource modules registers their routes."""

from supply.api import audit
from supply.api import auth
from supply.api import batches
from supply.api import certificates
from supply.api import cold_chain
from supply.api import dashboards
from supply.api import epcis_capture
from supply.api import epcis_query
from supply.api import epcis_subscriptions
from supply.api import events
from supply.api import exports
from supply.api import imports
from supply.api import inspections
from supply.api import notifications
from supply.api import openapi
from supply.api import parties
from supply.api import products
from supply.api import qr
from supply.api import recalls
from supply.api import shipments
from supply.api import sites
from supply.api import trace
from supply.api import transformations
from supply.api import users
from supply.api.routing import bp

__all__ = ["audit", "auth", "batches", "bp", "certificates", "cold_chain", "dashboards", "epcis_capture",
           "epcis_query", "epcis_subscriptions", "events", "exports", "imports", "inspections", "notifications",
           "openapi", "parties", "products", "qr", "recalls", "shipments", "sites", "trace", "transformations",
           "users"]
