"""The municipality's population per year (folkmängd den 31 december).

The key figures' population shares (Kolada's share of the adult population with
long-term assistance, N31001 cost per inhabitant) divide by the population on
31 December of the year, as Statistics Sweden publishes it. ekbist cannot know it,
so the chief records it once a year.
"""

from __future__ import annotations

from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store

YEAR_MIN, YEAR_MAX = 1900, 2200


def check(year: int, adults: int, children: int, total: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise EkbistError(_("year {year} is outside {low}–{high}").format(
            year=year, low=YEAR_MIN, high=YEAR_MAX))
    if adults < 0 or children < 0 or total < 0:
        raise EkbistError(_("population figures cannot be negative"))
    if total < adults + children:
        raise EkbistError(
            _("the total {total} is less than adults and children together ({sum})").format(
                total=total, sum=adults + children))
    if total == 0:
        raise EkbistError(_("a population of 0 gives no shares"))


def set_population(store: Store, year: int, *, adults: int, children: int,
                   total: int) -> dict[str, Any]:
    """Record (or replace) the population of ``year``; the audit keeps the earlier figure."""
    check(year, adults, children, total)
    with store.transaction():
        store.execute(
            "INSERT INTO population (year, adults, children, total) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (year) DO UPDATE SET adults = excluded.adults, "
            "children = excluded.children, total = excluded.total",
            (year, adults, children, total))
    return get(store, year)


def get(store: Store, year: int) -> dict[str, Any] | None:
    return store.one("SELECT year, adults, children, total FROM population WHERE year = ?",
                     (year,))


def list_population(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT year, adults, children, total FROM population ORDER BY year")
