"""Long-term assistance over the rolling twelve months, and the households behind it.

The seed's unit follows long-term assistance as "tio till tolv månader under den senaste
tolvmånadersperioden" every tertial, and puts its efforts on the households at 6–9 of 12
months; the calendar-year figure (Kolada N31816) is :mod:`ekbist.reports.indicators`'.
"""

from __future__ import annotations

import json
from typing import Any

from ekbist.day_conditions import last_handler_of_case
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_add, month_end, month_index, months_between
from ekbist.reports.household_months import (
    AT_RISK_MONTHS,
    LONG_TERM_MONTHS,
    LONG_TERM_WINDOW,
    YOUNG_ADULT_MIN_AGE,
    household_rows,
    share,
    sql_month_masks,
    tally,
    window_bits,
)
from ekbist.reports.population import latest_totals
from ekbist.store import Store
from ekbist.validate import parse_month


def rolling_long_term(store: Store, last: str) -> dict[str, Any]:
    """The rolling long-term figures for the twelve months ending ``last`` (YYYY-MM): the
    households with assistance in 10–12 of them, their adults, and those adults' share of
    the adult population on 31 December — of ``last``'s year when recorded, else of the
    latest year before it (a tertial comes before Statistics Sweden's figure for its year),
    named in ``population_year``. The same count as ``long_term_households_rolling``."""
    last = parse_month(last, "last")
    first = month_add(last, -(LONG_TERM_WINDOW - 1))
    with store.snapshot():
        rows = household_rows(store, first, last)
        population = latest_totals(store, int(last[:4]))
    window = window_bits(first, first, last)
    long_term, assisted = tally(rows, [(window, LONG_TERM_MONTHS), (window, 1)],
                                 int(last[:4]), YOUNG_ADULT_MIN_AGE)
    return {"from": first, "to": last, "households": long_term["households"],
            "adults": long_term["adults"], "assisted_households": assisted["households"],
            "share_of_households": share(long_term["households"], assisted["households"]),
            "population_year": population[0] if population else None,
            "adults_share_of_population": share(long_term["adults"],
                                                 population[1]["adults"] if population else None)}


def long_term_households(store: Store, as_of: str, *, at_risk: bool = False,
                         handler: str | None = None, team: str | None = None) -> list[dict[str, Any]]:
    """The households behind the rolling long-term figure for the twelve months ending ``as_of``.

    Each with its months with assistance in the window and its handler on the last day
    of ``as_of``. ``at_risk`` gives the households at 6–9 of 12 months instead: those
    the seed's unit puts its efforts on before they become long-term. Gender is never
    shown, as in every allocation view.
    """
    from ekbist import codes

    as_of = parse_month(as_of, "as_of")
    if handler is not None and not store.scalar("SELECT 1 FROM handler WHERE id = ?", (handler,)):
        raise EkbistError(_("unknown handler '{id}'").format(id=handler))
    if team is not None:
        team = codes.parse_code("team", team)
    low, high = AT_RISK_MONTHS if at_risk else (LONG_TERM_MONTHS, LONG_TERM_WINDOW)
    first = month_add(as_of, -(LONG_TERM_WINDOW - 1))
    window = months_between(first, as_of)
    day = month_end(as_of).isoformat()
    chosen = {}
    for case_id, mask in store.tuples(
            sql_month_masks(), {"span_first": first, "last": as_of,
                                "base": month_index(first)}):
        if low <= mask.bit_count() <= high:
            chosen[case_id] = mask
    # Each household's handler on the last day of the window: its assignment covering that day,
    # else its last one before (a case closed during the window keeps its last handler).
    where, params = [], {"day": day, "cases": json.dumps(sorted(chosen))}
    if handler is not None:
        where.append("h.id = :handler")
        params["handler"] = handler
    if team is not None:
        where.append("h.team = :team")
        params["team"] = team
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    rows = []
    for case_id, handler_id, team_code, adults, children in store.tuples(
            f"""WITH held AS MATERIALIZED (  -- each chosen case's handler, asked once
                    SELECT c.id, c.adults, c.children,
                           {last_handler_of_case('c.id', ':day')} AS handler
                    FROM json_each(:cases) k JOIN cases c ON c.id = k.value)
                SELECT held.id, h.id, h.team, held.adults, held.children
                FROM held JOIN handler h ON h.id = held.handler{clause}""",
            params):
        mask = chosen[case_id]
        rows.append({"case": case_id, "handler": handler_id, "team": team_code,
                     "months": mask.bit_count(), "adults": adults, "children": children,
                     "months_with_assistance": [m for i, m in enumerate(window) if mask >> i & 1]})
    rows.sort(key=lambda r: (-r["months"], r["handler"], r["case"]))
    return rows

def window_of(as_of: str) -> tuple[str, str]:
    as_of = parse_month(as_of, "as_of")
    return month_add(as_of, -(LONG_TERM_WINDOW - 1)), as_of
