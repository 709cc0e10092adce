"""Observations that move nothing: storing with temperatures over an interval (cold rooms, cold chain)."""

from __future__ import annotations

from supply import permissions
from supply.clock import to_utc_naive
from supply.db import db
from supply.i18n import N_
from supply.models import Event
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.custody import stock
from supply.services.custody import timeline
from supply.services.custody.batches import get_batch
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.masterdata.lookup import site_by_code
from supply.units import quantity_text


@audited("observations.storing")
def record_storing(actor: User, data: dict) -> Event:
    """Record that a lot was stored at a site of the actor's party, with the temperatures logged meanwhile."""
    with db.atomic():
        site = site_by_code(data["site"], field="site")
        permissions.require_acts_at(actor, site)
        batch = get_batch(actor, data["lot"])
        stock.lock_batches([batch.id])
        if stock.available(batch, site.party, site) <= 0:
            raise Conflict.field("lot", N_("Your party holds none of this lot at this site."))
        low, high = data.get("temperature_min"), data.get("temperature_max")
        if low is not None and high is not None and low > high:
            raise Invalid.field("temperature_max", N_("The highest temperature is below the lowest."))
        start, end = data.get("interval_start"), data.get("interval_end")
        if start and end and start > end:
            raise Invalid.field("interval_end", N_("The interval ends before it starts."))
        if start:
            timeline.require_not_before([batch.id], start, "interval_start")
        when = end or data.get("time")
        timeline.require_not_before([batch.id], when, "interval_end" if end else "time")
        return record_event(
            event_type="ObjectEvent", action="OBSERVE", biz_step="storing", disposition="in_progress",
            party=site.party, site=site, recorded_by=actor, event_time=when,
            lines=[Line(batch, "object", None, batch.unit)],
            # Written with the event's own offset (+08:00), whatever offset the client used.
            data={"temperature_min": quantity_text(low), "temperature_max": quantity_text(high),
                  "interval_start": timeline.stamp(to_utc_naive(start)) if start else None,
                  "interval_end": timeline.stamp(to_utc_naive(end)) if end else None, "notes": data.get("notes", "")},
        )
