"""The booked actuals and budgets of several years, read once, for scoring prognoses.

Scoring a prognosis (:mod:`ekbist.prognosis_accuracy`) and recomputing what each method
would have said (:mod:`ekbist.prognosis_backtest`) both need, per activity and line, the
actuals month by month and the budget of several years. This reads them in two queries
and answers "the year to date at month M" and "the year's outcome" without going back
to the store, so a backtest over three years is a few hundred additions, not hundreds of
queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ekbist import budget as budget_store
from ekbist.prognosis import describe_missing, missing_actuals
from ekbist.store import Store

Key = tuple[str, str]  # (activity, line)


@dataclass
class Ledger:
    """Actuals and budgets of ``years`` (and the year before the first, for seasonality)."""

    kinds: dict[str, str]
    positions: dict[str, int]
    actuals: dict[Key, dict[int, list[int | None]]] = field(default_factory=dict)
    budgets: dict[Key, dict[int, int]] = field(default_factory=dict)
    missing: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Store, years: Iterable[int]) -> Ledger:
        wanted = sorted(set(years))
        first, last = wanted[0] - 1, wanted[-1]
        known = budget_store.lines(store)
        ledger = cls(kinds={r["name"]: r["kind"] for r in known},
                     positions={r["name"]: r["position"] for r in known})
        for r in store.tuples(
            "SELECT year, month, activity, line, amount FROM actual WHERE year BETWEEN ? AND ?",
            (first, last),
        ):
            year, month, activity, line, amount = r
            months = ledger.actuals.setdefault((activity, line), {}).setdefault(year, [None] * 12)
            months[month - 1] = amount
        for year, activity, line, amount in store.tuples(
            "SELECT year, activity, line, amount FROM budget WHERE year BETWEEN ? AND ?",
            (first, last),
        ):
            ledger.budgets.setdefault((activity, line), {})[year] = amount
        for year in range(first, last + 1):
            ledger.missing[year] = missing_actuals(store, year, 12)
        return ledger

    # -- what is booked ------------------------------------------------------------------
    def complete(self, year: int) -> bool:
        """Every activity with a budget has actuals for all twelve months of ``year``."""
        return not self.missing.get(year) and any(year in by_year for by_year in self.actuals.values())

    def describe_missing(self, year: int) -> str:
        return describe_missing(year, self.missing.get(year, []))

    def keys(self, year: int) -> list[Key]:
        """The (activity, line) rows of ``year``: with a budget or an actual in it."""
        found = {k for k, by_year in self.actuals.items() if year in by_year}
        found |= {k for k, by_year in self.budgets.items() if year in by_year}
        return sorted(found, key=lambda k: (k[0], self.positions.get(k[1], 0), k[1]))

    def ytd(self, key: Key, year: int, month: int) -> int:
        months = self.actuals.get(key, {}).get(year)
        return 0 if months is None else sum(a or 0 for a in months[:month])

    def outcome(self, key: Key, year: int) -> int:
        return self.ytd(key, year, 12)

    def budget(self, key: Key, year: int) -> int:
        return self.budgets.get(key, {}).get(year, 0)

    def booked_through(self, key: Key, year: int) -> int:
        """The last month of ``year`` with an actual on this row (0 for none)."""
        months = self.actuals.get(key, {}).get(year) or []
        return max((i + 1 for i, a in enumerate(months) if a is not None), default=0)
