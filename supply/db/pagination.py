"""Page through a query: one count and one page of rows."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Query


@dataclass
class Page:
    """One page of a list, with the total count of matching rows."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-self.total // self.per_page))


def paginate(query: Query, page: int, per_page: int) -> Page:
    """Return the requested page of a query and the total count."""
    total = query.order_by().count()
    items = list(query.paginate(page, per_page))
    return Page(items=items, page=page, per_page=per_page, total=total)
