"""What each prognosis method would have said in past years, and which has been closest.

For a year whose twelve months are booked, each method is replayed at every month M
from what was known then — the actuals up to M, the year's budget, last year's actuals,
the granted applications up to M — and its full-year forecast is held against the
year's outcome. The error of a forecast is ``|forecast − outcome| ÷ |outcome|`` (the
absolute percentage error; a row whose outcome is 0 has none). A method's backtest error
for month M of the year is the mean of that error over the years tested.

:func:`best_methods` picks, per line and month of the year, the method with the lowest
backtest error; on a tie the simpler method (the order of :data:`SIMPLICITY`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ekbist import settings
from ekbist.budget import check_year
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_add, month_of
from ekbist.prognosis import budget_rest, run_rate, seasonal, seasonal_base
from ekbist.prognosis_driver import (
    AVERAGE_MONTHS,
    TREND_MONTHS,
    driver_from_history,
    history_window,
    household_counts,
)
from ekbist.prognosis_ledger import Key, Ledger
from ekbist.prognosis_options import SIMPLICITY
from ekbist.store import Store

# How many finished years before this one the best method is chosen from.
BEST_YEARS = 3
# Months of the year a prognosis is made in and scored at (December's is the outcome).
MONTHS = range(1, 12)


def parse_years(text: str) -> list[int]:
    """'2023-2025', '2023–2025' or '2024' → the years, oldest first."""
    raw = str(text).strip().replace("\u2013", "-").replace("\u2014", "-")
    first, sep, last = (part.strip() for part in raw.partition("-"))
    if not first.isdigit() or (sep and not last.isdigit()):
        raise EkbistError.about(_("{years} wants YYYY or YYYY-YYYY, not '{value}'"),
                                {"years": "years"}, value=text)
    low = check_year(first)
    high = check_year(last) if sep else low
    if high < low:
        raise EkbistError.about(_("{years} {value}: the first year is after the last"),
                                {"years": "years"}, value=raw)
    if high - low > 20:
        raise EkbistError.about(_("{years} {value}: at most 21 years at a time"),
                                {"years": "years"}, value=raw)
    return list(range(low, high + 1))


def finished_years(store: Store, year: int, ledger: Ledger | None = None) -> list[int]:
    """The years :func:`best_methods` chooses from for a prognosis of ``year``: up to
    :data:`BEST_YEARS` years just before it whose twelve months are all booked (oldest
    first) — the backtest's years when none are named. ``ledger``: one already read that
    covers those years."""
    candidates = list(range(year - BEST_YEARS, year))
    ledger = Ledger.read(store, candidates) if ledger is None else ledger
    return [y for y in candidates if ledger.complete(y)]


def counts_from(year: int, month: int) -> str:
    """The first month of granted households the households × average method reads at
    ``month`` of ``year``: the first of the twelve its trend goes through."""
    return month_add(month_of(year, month), -(TREND_MONTHS - 1))


class Replay:
    """Each method's forecast at month M of a year, from what was booked by then."""

    def __init__(self, store: Store, years: Sequence[int], months: Sequence[int] = MONTHS,
                 ledger: Ledger | None = None,
                 counts: dict[str, dict[str, Any]] | None = None):
        self.ledger = Ledger.read(store, years) if ledger is None else ledger
        self.assistance: Key = (str(settings.get(store, "budget.assistance_activity")),
                                str(settings.get(store, "budget.assistance_line")))
        # The granted households of the twelve months up to each month replayed, read once:
        # the one read at city scale that costs (a month replayed alone reads 36 months).
        # ``counts``: one already read that covers them.
        if counts is None:
            counts = household_counts(store, counts_from(min(years), min(months)),
                                      month_of(max(years), max(months)))
        self.counts = counts
        self._driver: dict[tuple[int, int], dict[str, Any] | None] = {}
        # Per year, the activities without all twelve months booked.
        self.incomplete = {year: {m["activity"] for m in missing}
                           for year, missing in self.ledger.missing.items()}

    def seasonal_base(self, key: Key, year: int, month: int) -> tuple[int, int] | None:
        """:func:`ekbist.prognosis.seasonal_base` from the ledger: last year's full year
        and ytd at M, when the seasonal method can run."""
        last = year - 1
        return seasonal_base(key[0] not in self.incomplete.get(last, ()),
                             self.ledger.outcome(key, last), self.ledger.ytd(key, last, month))

    def driver(self, year: int, month: int) -> dict[str, Any] | None:
        if (year, month) not in self._driver:
            window = history_window(self.counts, year, month, TREND_MONTHS)
            self._driver[(year, month)] = driver_from_history(window, month)
        return self._driver[(year, month)]

    def forecast(self, key: Key, year: int, month: int, method: str) -> int | None:
        """The full-year forecast ``method`` gives at ``month``, or None where it cannot run."""
        ytd = self.ledger.ytd(key, year, month)
        if method == "run-rate":
            return run_rate(ytd, month)
        if method == "budget":
            return budget_rest(ytd, self.ledger.budget(key, year), month)
        if method == "seasonal":
            base = self.seasonal_base(key, year, month)
            return None if base is None else seasonal(ytd, *base)
        if method == "driver":
            if key != self.assistance:
                return None
            driver = self.driver(year, month)
            return None if driver is None else ytd + driver["total"]
        raise ValueError(method)


def error_share(forecast: int, outcome: int) -> float | None:
    """|forecast − outcome| ÷ |outcome|; None when the outcome is 0."""
    return None if outcome == 0 else abs(forecast - outcome) / abs(outcome)


def _mean(values: Sequence[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return sum(found) / len(found) if found else None


def backtest(store: Store, years: Sequence[int], months: Sequence[int] = MONTHS, *,
             ledger: Ledger | None = None,
             counts: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every method replayed at every month of ``years`` (or at ``months`` of them) and
    scored against each outcome; a month not replayed has no error (None).

    Every year must have its twelve months of actuals booked; otherwise the missing
    months are named. ``ledger``: one already read that covers ``years`` and the year
    before them; ``counts``: the granted households already read
    (:func:`ekbist.prognosis_driver.household_counts`) from :func:`counts_from` the first
    year's first month to the last year's last month, or later.
    """
    years = sorted({check_year(y) for y in years})
    replay = Replay(store, years, months, ledger, counts)
    ledger = replay.ledger
    gaps = [y for y in years if not ledger.complete(y)]
    if gaps:
        raise EkbistError(
            _("a backtest needs the twelve months of actuals of each year: {missing}").format(
                missing="; ".join(
                    ledger.describe_missing(y) or _("{year}: no actuals").format(year=y)
                    for y in gaps)))
    forecasts: list[dict[str, Any]] = []
    # Each forecast's error share by (row, month, method), over the years: read per row below.
    shares: dict[tuple[Key, int, str], list[float | None]] = {}
    keys: dict[Key, None] = {}  # the rows in order of first appearance
    for year in years:
        for key in ledger.keys(year):
            keys.setdefault(key)
            outcome = ledger.outcome(key, year)
            for month in months:
                for method in SIMPLICITY:
                    value = replay.forecast(key, year, month, method)
                    if value is None:
                        continue
                    share = error_share(value, outcome)
                    forecasts.append({
                        "year": year, "month": month, "activity": key[0], "line": key[1],
                        "method": method, "forecast": value, "outcome": outcome,
                        "error": value - outcome, "error_share": share,
                    })
                    shares.setdefault((key, month, method), []).append(share)
    lines = []
    for key in keys:
        methods: dict[str, Any] = {}
        for method in SIMPLICITY:
            by_month = [_mean(shares.get((key, m, method), [])) for m in MONTHS]
            if any(v is not None for v in by_month):
                methods[method] = {"by_month": by_month, "mean": _mean(by_month)}
        lines.append({
            "activity": key[0], "line": key[1], "kind": ledger.kinds.get(key[1], "cost"),
            "methods": methods,
            "best": [_best({m: v["by_month"][i] for m, v in methods.items()}) for i in range(11)],
        })
    return {"years": years, "lines": lines, "forecasts": forecasts}


def _best(errors: dict[str, float | None]) -> str | None:
    """The method with the lowest error; on a tie (to 1e-9) the simpler one."""
    scored = [(round(e, 9), SIMPLICITY.index(m), m) for m, e in errors.items() if e is not None]
    return min(scored)[2] if scored else None


def best_methods(store: Store, year: int, month: int) -> dict[str, Any]:
    """Per (activity, line): the method with the lowest backtest error at ``month`` over
    the finished years it is chosen from — up to :data:`BEST_YEARS` years just before
    ``year`` whose twelve months are all booked — with each method's error (rows without
    history are absent). The years' ledger is read once, for the choice and the replay;
    so are the granted households, for the replay and for this year's households ×
    average forecast at ``month`` (``driver``: :func:`ekbist.prognosis_driver.driver_forecast`,
    given when the backtest ran), the two reads at city scale that cost."""
    ledger = Ledger.read(store, range(year - BEST_YEARS, year))
    years = finished_years(store, year, ledger)
    if not years or month > 11:
        return {"years": years, "rows": {}}
    # Amounts only where a forecast averages them (the last months up to ``month`` of each
    # replayed year and of this one); households for all 48 months.
    amounts = [(month_add(month_of(y, month), -(AVERAGE_MONTHS - 1)), month_of(y, month))
               for y in [*years, year]]
    counts = household_counts(store, counts_from(years[0], month), month_of(year, month),
                              amounts=amounts)
    result = backtest(store, years, months=[month], ledger=ledger, counts=counts)
    rows = {}
    for line in result["lines"]:
        errors = {m: v["by_month"][month - 1] for m, v in line["methods"].items()}
        best = _best(errors)
        if best is not None:
            rows[(line["activity"], line["line"])] = {"method": best, "errors": errors}
    driver = driver_from_history(history_window(counts, year, month, TREND_MONTHS), month)
    return {"years": years, "rows": rows, "driver": driver}
