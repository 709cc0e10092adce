"""Time helpers: times are stored as naive UTC and shown in Asia/Shanghai."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime.datetime:
    """Return the current UTC time as a naive datetime (how times are stored)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def local_today() -> datetime.date:
    """Return today's date in Asia/Shanghai."""
    return datetime.datetime.now(LOCAL_TZ).date()


def to_local(value: datetime.datetime | None) -> datetime.datetime | None:
    """Turn a stored naive UTC time into an aware Asia/Shanghai time."""
    if value is None:
        return None
    return value.replace(tzinfo=datetime.UTC).astimezone(LOCAL_TZ)


def to_utc_naive(value: datetime.datetime) -> datetime.datetime:
    """Turn an aware time (or a naive local one) into naive UTC for storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(datetime.UTC).replace(tzinfo=None)


def local_day_bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the stored (naive UTC) times from the start of `date_from` to the end of `date_to` in Asia/Shanghai."""
    start = datetime.datetime.combine(date_from, datetime.time.min, LOCAL_TZ)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, LOCAL_TZ)
    return to_utc_naive(start), to_utc_naive(end)
