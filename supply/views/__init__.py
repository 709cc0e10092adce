"""Server-rendered pages; each module is one blueprint."""

from __future__ import annotations

from flask import Flask

from supply.views import account
from supply.views import admin
from supply.views import api_tokens
from supply.views import audit
from supply.views import batches
from supply.views import certificates
from supply.views import cold_chain
from supply.views import credentials
from supply.views import dashboards
from supply.views import digital_link
from supply.views import exports
from supply.views import imports
from supply.views import inspections
from supply.views import label_sheets
from supply.views import notifications
from supply.views import offline
from supply.views import public
from supply.views import recalls
from supply.views import records
from supply.views import shipments
from supply.views import transformations
from supply.views import two_factor
from supply.views.filters import register_filters
from supply.views.labels import register_labels
from supply.views.odd_input import refuse_odd_urls
from supply.views.once import install as guard_forms


def register_views(app: Flask) -> None:
    """Mount the page blueprints and the template filters."""
    app.register_blueprint(account.bp)
    app.register_blueprint(credentials.bp)
    app.register_blueprint(api_tokens.bp)
    app.register_blueprint(two_factor.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(batches.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(digital_link.bp)
    app.register_blueprint(label_sheets.bp)
    app.register_blueprint(shipments.bp)
    app.register_blueprint(transformations.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(inspections.bp)
    app.register_blueprint(cold_chain.bp)
    app.register_blueprint(recalls.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(offline.bp)
    app.register_blueprint(dashboards.bp)
    app.register_blueprint(notifications.bp)
    refuse_odd_urls(app)
    register_filters(app)
    register_labels(app)
    guard_forms(app)
