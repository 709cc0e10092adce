"""Working days in Asia/Shanghai: Monday to Friday, with the State Council's 2026 holidays and make-up days.

Source of the table: 国务院办公厅关于2026年部分节假日安排的通知 (State Council General Office, 2025-11-04,
published by Xinhua, e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm). Only 2026 is modelled:
for other years every Monday to Friday counts as a working day and weekends never do, so a deadline that
runs past 2026 may fall on a public holiday (add the next year's notice here when it is published).
"""

from __future__ import annotations

import datetime

from supply.clock import LOCAL_TZ


def _days(year: int, month: int, first: int, last: int) -> set[datetime.date]:
    return {datetime.date(year, month, day) for day in range(first, last + 1)}


# Days off on a weekday (放假) and weekend days worked instead (调休上班), 2026.
HOLIDAYS: frozenset[datetime.date] = frozenset(
    _days(2026, 1, 1, 3) | _days(2026, 2, 15, 23) | _days(2026, 4, 4, 6) | _days(2026, 5, 1, 5)
    | _days(2026, 6, 19, 21) | _days(2026, 9, 25, 27) | _days(2026, 10, 1, 7)
)
MAKE_UP_DAYS: frozenset[datetime.date] = frozenset({
    datetime.date(2026, 1, 4), datetime.date(2026, 2, 14), datetime.date(2026, 2, 28), datetime.date(2026, 5, 9),
    datetime.date(2026, 9, 20), datetime.date(2026, 10, 10),
})
MODELLED_YEARS = frozenset({2026})


def is_working_day(day: datetime.date) -> bool:
    """Tell whether a date is a working day in mainland China (2026 holidays modelled, else Monday to Friday)."""
    if day in MAKE_UP_DAYS:
        return True
    if day in HOLIDAYS:
        return False
    return day.weekday() < 5


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """Return the same Beijing time of day on the `days`-th working day after a stored UTC time (naive UTC out).

    The day of `start` itself never counts, so a recall opened on Friday afternoon with 10 working days
    finishes on the Friday two weeks later at the same time (in a week without holidays).
    """
    local = start.replace(tzinfo=datetime.UTC).astimezone(LOCAL_TZ)
    day = local.date()
    left = days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    finish = datetime.datetime.combine(day, local.timetz())
    return finish.astimezone(datetime.UTC).replace(tzinfo=None)
