"""The prognosis driver: the households of the coming months, and what they will be paid.

The line that carries the assistance payments is forecast from the people behind it
(:mod:`ekbist.prognosis`, method ``driver``): for each month left of the year, forecast
households × the forecast average payment. The households follow a damped trend through
the last twelve months; the average payment is the last three months'. The tertial
report shows the same count of households (:func:`household_history`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from ekbist.money import round_div
from ekbist.months import month_add, month_of
from ekbist.store import Store

# Damped trend for households: the monthly slope of a least-squares line through the last
# twelve months, added k months ahead as slope × (φ + φ² + … + φᵏ). φ = 0.9 lets a trend run
# on but fade: eleven months ahead it has added 6.2 months' worth of slope, never more than 9.
DAMPING = Fraction(9, 10)
TREND_MONTHS = 12
AVERAGE_MONTHS = 3


def household_counts(store: Store, first: str, last: str, *,
                     amounts: Sequence[tuple[str, str]] | None = None) -> dict[str, dict[str, Any]]:
    """Per month 'YYYY-MM' from ``first`` to ``last``: the households with a granted or
    partly granted application and the amounts granted (months without any are absent).

    ``amounts``: the (first, last) ranges of months whose amounts are wanted, when not all
    are — a month outside them has the amount None. At city scale summing the amounts is a
    third of the read; a forecast needs only its last :data:`AVERAGE_MONTHS` months'.
    """
    if amounts is None:
        return {
            r["period"]: r
            for r in store.query(
                "SELECT period, count(DISTINCT case_id) AS households, "
                "coalesce(sum(amount), 0) AS amount FROM application WHERE period BETWEEN ? "
                "AND ? AND decision IN ('granted', 'partly') GROUP BY period",
                (first, last),
            )
        }
    counts = {
        r["period"]: {**r, "amount": None}
        for r in store.query(
            "SELECT period, count(DISTINCT case_id) AS households FROM application "
            "WHERE period BETWEEN ? AND ? AND decision IN ('granted', 'partly') GROUP BY period",
            (first, last),
        )
    }
    for low, high in amounts:
        for r in store.query(
            "SELECT period, coalesce(sum(amount), 0) AS amount FROM application "
            "WHERE period BETWEEN ? AND ? AND decision IN ('granted', 'partly') GROUP BY period",
            (max(low, first), min(high, last)),
        ):
            counts[r["period"]]["amount"] = r["amount"]
    return counts


def history_window(counts: dict[str, dict[str, Any]], year: int, month: int,
                   months: int) -> list[dict[str, Any]]:
    """The ``months`` months up to and including ``year``-``month`` (oldest first), from
    :func:`household_counts` — a month without households counts 0."""
    result = []
    for k in range(months - 1, -1, -1):
        p = month_add(month_of(year, month), -k)
        row = counts.get(p)
        result.append({"period": p, "households": row["households"] if row else 0,
                       "amount": row["amount"] if row else 0})
    return result


def household_history(store: Store, year: int, month: int, months: int) -> list[dict[str, Any]]:
    """Households with a granted or partly granted application, and the amounts granted,
    for the ``months`` months up to and including ``year``-``month`` (oldest first)."""
    first = month_add(month_of(year, month), -(months - 1))
    counts = household_counts(store, first, month_of(year, month))
    return history_window(counts, year, month, months)


def trend(values: Sequence[int]) -> tuple[Fraction, Fraction]:
    """(level, slope) of the least-squares line through ``values`` at t = 1…n.

    The level is the fitted value at the last month, so one odd month moves it less
    than it would move the last observation itself.
    """
    n = len(values)
    if n == 0:
        return Fraction(0), Fraction(0)
    mean_y = Fraction(sum(values), n)
    if n == 1:
        return mean_y, Fraction(0)
    mean_t = Fraction(n + 1, 2)
    sxx = sum((t - mean_t) ** 2 for t in range(1, n + 1))
    sxy = sum((t - mean_t) * (y - mean_y) for t, y in zip(range(1, n + 1), values, strict=True))
    slope = sxy / sxx
    return mean_y + slope * (n - mean_t), slope


def driver_forecast(store: Store, year: int, month: int) -> dict[str, Any] | None:
    """Forecast assistance payments for the months after ``month`` of ``year``.

    households(M + k) = max(0, L + b × (φ + φ² + … + φᵏ)), where b is the slope and L the
    fitted level at month M of a least-squares line through the households of the last
    twelve months (counted from the first month with any household, if the store is
    younger), and φ = :data:`DAMPING`. The average payment is the amount granted over the
    last three months ÷ the households of those months. None when there is no household
    in the last three months to take an average from. Only those three months' amounts
    are summed (the history's other months have the amount None): at city scale the sum
    is a third of the read.
    """
    last = month_of(year, month)
    counts = household_counts(store, month_add(last, -(TREND_MONTHS - 1)), last,
                              amounts=[(month_add(last, -(AVERAGE_MONTHS - 1)), last)])
    return driver_from_history(history_window(counts, year, month, TREND_MONTHS), month)


def driver_from_history(history: list[dict[str, Any]], month: int) -> dict[str, Any] | None:
    """:func:`driver_forecast` from the twelve months of households up to ``month``
    (:func:`history_window`): the backtest replays it month by month from one read."""
    recent = history[-AVERAGE_MONTHS:]
    recent_households = sum(h["households"] for h in recent)
    if recent_households == 0:
        return None
    average = Fraction(sum(h["amount"] for h in recent), recent_households)
    start = next(i for i, h in enumerate(history) if h["households"])
    level, slope = trend([h["households"] for h in history[start:]])
    forecast = []
    damped = Fraction(0)
    factor = Fraction(1)
    exact_total = Fraction(0)
    for k in range(1, 12 - month + 1):
        factor *= DAMPING
        damped += factor
        households = max(Fraction(0), level + slope * damped)
        amount = households * average
        exact_total += amount
        forecast.append({"month": month + k, "households": float(households),
                         "amount": round_div(amount.numerator, amount.denominator)})
    return {
        "history": history,
        "level": float(level),
        "slope": float(slope),
        "damping": float(DAMPING),
        "average": round_div(average.numerator, average.denominator),
        "average_exact": average,
        "forecast": forecast,
        "total": round_div(exact_total.numerator, exact_total.denominator),
    }
