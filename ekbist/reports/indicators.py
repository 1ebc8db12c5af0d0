"""Key figures (nyckeltal) by the national definitions, and the unit's own beside them.

Every figure is defined once here, with its source, as a SQL building block the
year report and the morning check can reuse. The national sources:

- Kolada (RKA, the Council for the Promotion of Municipal Analysis), kolada.se:
  N31816 "Vuxna med långvarigt ekonomiskt bistånd, andel (%) av befolkningen";
  "Vuxna biståndsmottagare (18+ år) med långvarigt ekonomiskt bistånd, andel (%)
  av biståndsmottagare 18+ år"; N31001 "Kostnad för ekonomiskt bistånd, kr/inv";
  U31402 "Väntetid i antal dagar från första kontakttillfället för ansökan vid
  nybesök till beslut inom försörjningsstöd, medelvärde" ("Mätperiod är första
  halvåret. Källa: Egen undersökning i kommunen").
- Socialstyrelsen, Statistik om ekonomiskt bistånd and Öppna jämförelser
  ekonomiskt bistånd: long-term assistance is assistance in 10–12 months of the
  calendar year; young adults are 18–24 years old.

Where ekbist's data differ from the national statistic the definition says so.
The one difference that touches every figure: the national statistics count the
month the assistance is *paid*; ekbist counts the month the assistance is *for*
(``application.period``), since it records decisions, not payments.

What is counted (the atom of every figure): a household (a case) has assistance
in month M when a granted or partly granted application with an amount above 0
has period M. Persons are the case's adults and children as recorded on the case
(its present composition, not month by month). The applicant's gender and birth
year are the case's.
"""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

from ekbist import settings as unit_settings
from ekbist.codes import CLOSE_REASONS
from ekbist.months import month_add, month_end
from ekbist.number_text import round_half_away
from ekbist.reports import barrier_figures
from ekbist.reports import population as population_lib
from ekbist.reports import population_figures
from ekbist.reports.figures import (  # noqa: F401 - the figures' list, read through this module
    FIGURES,
    PAYMENT_MONTH_NOTE,
    SPLIT_FIGURES,
    Figure,
    definitions,
    item_label,
    share_decimals,
)
from ekbist.reports.household_months import (  # noqa: F401 - the building blocks, reused
    AT_RISK_MONTHS,
    GENDERS,
    LONG_TERM_MONTHS,
    LONG_TERM_WINDOW,
    SQL_PAYING,
    VERY_LONG_TERM_WINDOW,
    YOUNG_ADULT_MIN_AGE,
    household_rows,
    per_month,
    share,
    sql_closed,
    sql_household_months,
    sql_household_summary,
    sql_long_term,
    sql_month_masks,
    sql_months_per_household,
    sql_paid,
    sql_waiting_days,
    tally,
    window_bits,
)
from ekbist.reports.long_term import (  # noqa: F401 - the rolling figure and its households
    long_term_households,
    rolling_long_term,
    window_of,
)
from ekbist.reports.periods import Period, period_of  # noqa: F401
from ekbist.store import Store


def _values(store: Store, rows: list[tuple], span_first: str, period: Period,
            young_max: int, very_long: int) -> dict[str, Any]:
    first, last, year = period.first, period.last, period.year
    months = period.months
    period_bits = window_bits(span_first, first, last)
    monthly = per_month(rows, span_first, months)
    household_months = sum(m["households"] for m in monthly)
    paid_total = store.scalar(sql_paid(), {"first": first, "last": last})

    first_day = f"{first}-01"
    last_day = month_end(last).isoformat()
    opened = store.scalar("SELECT count(*) FROM cases WHERE opened BETWEEN ? AND ?",
                          (first_day, last_day))
    closed = {code: 0 for code in CLOSE_REASONS}
    for code, n in store.tuples(sql_closed(), {"first_day": first_day, "last_day": last_day}):
        closed[code] = n
    closed_total = sum(closed.values())

    calendar_bits = window_bits(span_first, f"{year:04d}-01", last)
    rolling_bits = window_bits(span_first, month_add(last, -(LONG_TERM_WINDOW - 1)), last)
    very_bits = window_bits(span_first, month_add(last, -(VERY_LONG_TERM_WINDOW - 1)), last)
    assisted, calendar, calendar_base, rolling, rolling_base, very = tally(
        rows, [(period_bits, 1), (calendar_bits, LONG_TERM_MONTHS), (calendar_bits, 1),
               (rolling_bits, LONG_TERM_MONTHS), (rolling_bits, 1), (very_bits, very_long)],
        year, young_max)

    population = population_lib.totals(store, year)
    wait_first, wait_last = period.waiting_window()
    waits = [r[0] for r in store.tuples(
        sql_waiting_days(), {"first_day": wait_first.isoformat(),
                             "last_day": wait_last.isoformat()})]
    known_birth = assisted["households"] - assisted["birth_year_unknown"]
    homeless_months = sum((r[0] & period_bits).bit_count() for r in rows if r[2] and r[4])
    return {
        "households_per_month": monthly,
        "households_per_month_avg": round_half_away(household_months / len(months), 1),
        "households_total": assisted["households"],
        "adults_in_assisted_households": assisted["adults"],
        "children_in_assisted_households": assisted["children"],
        "households_by_gender": {g: assisted[f"gender_{g}"] for g in GENDERS},
        "households_with_children": assisted["with_children"],
        "homeless_households_with_children_per_month_avg": round_half_away(
            homeless_months / len(months), 1),
        "homeless_households_with_children": assisted["homeless_with_children"],
        "paid_total": paid_total,
        "paid_per_household_month": round_half_away(paid_total / household_months) if household_months
        else None,
        "paid_per_household": round_half_away(paid_total / assisted["households"]) if assisted["households"]
        else None,
        "cases_opened": opened,
        "closed_total": closed_total,
        "closed_by_reason": closed,
        "closed_share_by_reason": {code: share(n, closed_total) for code, n in closed.items()},
        "long_term_households_calendar": calendar["households"],
        "long_term_adults_calendar": calendar["adults"],
        "long_term_households_by_gender": {g: calendar[f"gender_{g}"] for g in GENDERS},
        "long_term_households_rolling": rolling["households"],
        "long_term_adults_rolling": rolling["adults"],
        "long_term_share_of_households": share(calendar["households"],
                                                calendar_base["households"]),
        "long_term_adults_share_of_assisted_adults": share(calendar["adults"],
                                                            calendar_base["adults"]),
        "long_term_share_of_households_rolling": share(rolling["households"],
                                                        rolling_base["households"]),
        "long_term_adults_share_of_population": share(
            calendar["adults"], population["adults"] if population else None),
        "long_term_adults_share_of_population_rolling": share(
            rolling["adults"], population["adults"] if population else None),
        "very_long_term_households": very["households"],
        "young_adult_households": assisted["young_adults"],
        "young_adult_share": share(assisted["young_adults"], known_birth),
        "birth_year_unknown_households": assisted["birth_year_unknown"],
        "adults_with_assistance_share_of_population": share(
            assisted["adults"], population["adults"] if population else None),
        "children_in_assisted_households_share_of_population": share(
            assisted["children"], population["children"] if population else None),
        "paid_per_inhabitant": round_half_away(paid_total / population["total"]) if population
        and population["total"] else None,
        "waiting_time_first_contact_mean_days": round_half_away(statistics.fmean(waits), 1) if waits
        else None,
        "waiting_time_first_contact_median_days": float(statistics.median(waits)) if waits
        else None,
        "waiting_time_first_contact_count": len(waits),
        **population_figures.values(store, rows, span_first, period, population),
    }

def indicators(store: Store, period: Period, *, today: date | None = None,
               last_year: bool = False) -> dict[str, Any]:
    """Every figure for ``period`` and the same months a year earlier.

    Given ``last_year``, each figure also carries ``last_year``: its value over the whole
    calendar year before ``period.year`` (the year report's target table sets this year's
    outcome beside last year's outcome), counted from the same household rows; for a
    whole finished year that is ``previous``.

    Given ``today``, a period that is not over says so: ``complete`` and ``covers`` (the
    months begun and the running month's days, :func:`ekbist.reports.completeness.span_state`).

    The JSON contract: ``{"from", "to", "figures": [{"key", "label", "value",
    "previous", "unit", "definition"}]}`` with stable keys (see FIGURES). One pass over
    the paying applications of the 48 months that both periods' windows need gives
    every household's months (:func:`sql_month_masks`); the figures are counted from it.
    """
    young_max = int(unit_settings.get(store, "indicators.young_adult_max_age"))
    very_long = int(unit_settings.get(store, "indicators.very_long_term_months"))
    previous = period.previous()
    span_first = min(previous.first, month_add(previous.last, -(VERY_LONG_TERM_WINDOW - 1)))
    with store.snapshot():
        rows = household_rows(store, span_first, period.last)
        now = _values(store, rows, span_first, period, young_max, very_long)
        before = _values(store, rows, span_first, previous, young_max, very_long)
        whole = Period(f"{period.year - 1:04d}-01", f"{period.year - 1:04d}-12", True)
        # The whole year before lies inside the rows' span: it ends before ``period`` does
        # and its windows start after ``previous``'s.
        whole_before = (None if not last_year else before if whole == previous
                        else _values(store, rows, span_first, whole, young_max, very_long))
        first = first_month_with_data(store)
        barriers = barrier_figures.by_barrier(store, period.first, period.last)
    if first is None or previous.first < first:
        before = _absent_before(before, first)
    if whole_before is not None and (first is None or whole.first < first):
        whole_before = _absent_before(whole_before, first)
    texts = {d["key"]: d for d in definitions()}
    result: dict[str, Any] = {
        "from": period.first,
        "to": period.last,
        "previous_from": previous.first,
        "previous_to": previous.last,
    }
    if today is not None:
        from ekbist.reports.completeness import span_state

        covers = span_state(period.first, period.last, today)
        result["complete"] = covers["complete"]
        result["covers"] = covers
    result["figures"] = [{"key": f.key, "label": texts[f.key]["label"], "value": now[f.key],
                          "previous": before[f.key], "unit": f.unit,
                          "definition": texts[f.key]["definition"]} for f in FIGURES]
    if whole_before is not None:
        for figure in result["figures"]:
            figure["last_year"] = whole_before[figure["key"]]
    result["barriers"] = barriers
    return result

def first_month_with_data(store: Store) -> str | None:
    """The first month the store holds an application for (YYYY-MM), or None.

    Households and amounts are counted from applications: before the first one the store
    knows nothing of the unit's assistance (a store started mid-year, the demo's history),
    so a figure there is absent, not 0."""
    return store.scalar("SELECT min(period) FROM application") or None

def _absent_before(values: dict[str, Any], first: str | None) -> dict[str, Any]:
    """The previous period's figures where the store does not reach back to it: months
    before its first data are absent (None, shown "–"), not 0; so is every figure over the
    whole period, which would count the absent months as months without assistance."""
    absent: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, list):
            absent[key] = [{**m, "households": m["households"]
                            if first is not None and m["month"] >= first else None}
                           for m in value]
        elif isinstance(value, dict):
            absent[key] = dict.fromkeys(value)
        else:
            absent[key] = None
    return absent
