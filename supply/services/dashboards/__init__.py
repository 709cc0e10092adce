"""Dashboards per role: what a producer or operator, an inspector, and the city (admins, observers) see first."""

from __future__ import annotations

import datetime

from supply.i18n import N_
from supply.models import User
from supply.services.dashboards.charts import Chart
from supply.services.dashboards.charts import Dashboard
from supply.services.dashboards.city import city_dashboard
from supply.services.dashboards.inspector import inspector_dashboard
from supply.services.dashboards.producer import producer_dashboard
from supply.services.errors import Forbidden

__all__ = ["Chart", "Dashboard", "dashboard_for"]


def dashboard_for(actor: User, today: datetime.date) -> Dashboard:
    """Return the dashboard of the actor's role."""
    if actor.role in ("admin", "observer"):
        return city_dashboard(actor, today)
    if actor.role == "inspector":
        return inspector_dashboard(actor, today)
    if actor.role in ("producer", "operator") and actor.party_id is not None:
        return producer_dashboard(actor, today)
    raise Forbidden(N_("Your role has no dashboard."))
