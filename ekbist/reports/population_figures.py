"""The key figures that divide by the population by age and sex, and N31001 from the ledger.

National definitions (docs/indicators.md cites them in full):

- Kolada N31807 (Kommunens kvalitet i korthet): inhabitants who received ekonomiskt
  bistånd at some time during the year, children included, divided by the inhabitants
  on 31 December.
- Young adults (Socialstyrelsen's register and the total population register, as Kolada
  and Ung idag publish it): persons 18–24 who received assistance at some time during the
  year ÷ all inhabitants aged 18–24.
- The seed's monthly share: "från 0,85 % av den vuxna befolkningen till 0,78 %", adults
  with assistance in a month ÷ the adult population, followed in December and at each
  tertial.
- Kolada N31001, the cost of ekonomiskt bistånd per inhabitant: the booked cost, the
  handling of the cases included.

What ekbist knows of the persons in a household: the number of adults and children on
the case, and the applicant's gender and birth year. So a figure by age or sex counts the
applicants (one adult per household) — a second adult's age and sex are not recorded —
and says so; a figure over all persons counts the case's adults and children.
"""

from __future__ import annotations

from typing import Any

from ekbist import settings as unit_settings
from ekbist.months import month_index, months_between
from ekbist.number_text import round_half_away
from ekbist.reports import population as population_lib
from ekbist.reports.household_months import LONG_TERM_MONTHS, share, window_bits
from ekbist.reports.periods import Period
from ekbist.store import Store

# Kolada's young adults: 18–24 in the year (the age reached on 31 December), whatever the
# unit's own setting indicators.young_adult_max_age says for its caseload figures.
KOLADA_YOUNG = (18, 24)
ADULT_AGE = population_lib.ADULT_AGE
SEXES = ("f", "m")
TERTIAL_MONTHS = (4, 8, 12)
# The lines of the ledger that N31001 counts besides the assistance line: the handling.
STAFF_LINES = ("Personalkostnader", "Övriga personalkostnader")


def measured_months(period: Period) -> list[str]:
    """The months whose adult share is shown: the tertial ends (April, August, December) of
    the period's last year that lie in the period, and the period's last month."""
    last_year = period.last[:4]
    chosen = [m for m in period.months
              if m[:4] == last_year and (int(m[5:]) in TERTIAL_MONTHS or m == period.last)]
    return chosen


def ledger_cost(store: Store, period: Period) -> int | None:
    """The assistance activity's actuals on the assistance line and the staff lines for the
    period's months (settings budget.assistance_activity and budget.assistance_line), or
    None when a month of the period has no actuals for the activity."""
    activity = unit_settings.get(store, "budget.assistance_activity")
    line = unit_settings.get(store, "budget.assistance_line")
    low, high = month_index(period.first), month_index(period.last)
    booked, total = store.one(
        "SELECT count(DISTINCT year * 12 + month - 1) AS booked, coalesce(sum(CASE WHEN line IN "
        f"(?, {', '.join('?' * len(STAFF_LINES))}) THEN amount END), 0) AS total "
        "FROM actual WHERE activity = ? AND year * 12 + month - 1 BETWEEN ? AND ?",
        (line, *STAFF_LINES, activity, low, high)).values()
    return total if booked == high - low + 1 else None


def values(store: Store, rows: list[tuple], span_first: str, period: Period,
           totals: dict[str, int] | None) -> dict[str, Any]:
    """The figures of this module for ``period``, from the household rows of
    :func:`ekbist.reports.household_months.household_rows` (mask, adults, children, gender,
    homeless, birth year) and the year's population ``totals``."""
    year = period.year
    bands = population_lib.year_bands(store, year)
    period_bits = window_bits(span_first, period.first, period.last)
    calendar_bits = window_bits(span_first, f"{year:04d}-01", period.last)
    assisted = [r for r in rows if r[0] & period_bits]
    long_term = [r for r in rows if (r[0] & calendar_bits).bit_count() >= LONG_TERM_MONTHS]
    young_low, young_high = KOLADA_YOUNG
    young = [r for r in assisted if r[5] is not None and young_low <= year - r[5] <= young_high]

    def by_sex(chosen: list[tuple], low: int, high: int | None) -> dict[str, float | None]:
        return {sex: share(sum(1 for r in chosen if r[3] == sex),
                           population_lib.persons_aged(bands, low, high, sex)) for sex in SEXES}

    adults_total = totals["adults"] if totals else None
    monthly = {}
    for month in measured_months(period):
        bit = window_bits(span_first, month, month)
        monthly[month[5:]] = share(sum(r[1] for r in rows if r[0] & bit), adults_total)
    cost = ledger_cost(store, period)
    return {
        "inhabitants_with_assistance_share_of_population": share(
            sum(r[1] + r[2] for r in assisted), totals["total"] if totals else None),
        "young_adults_with_assistance": len(young),
        "young_adults_share_of_population": share(
            len(young), population_lib.persons_aged(bands, young_low, young_high)),
        "young_adults_share_of_population_by_gender": by_sex(young, young_low, young_high),
        "adults_with_assistance_share_of_population_by_gender": by_sex(assisted, ADULT_AGE, None),
        "long_term_adults_share_of_population_by_gender": by_sex(long_term, ADULT_AGE, None),
        "adults_with_assistance_share_of_population_monthly": monthly,
        "assistance_cost": cost,
        "assistance_cost_per_inhabitant": round_half_away(cost / totals["total"])
        if cost is not None and totals and totals["total"] else None,
    }


# Why a monthly adult share is missing (``missing`` in :func:`adult_shares`; None when it is
# there): no population recorded for the year or any year before it; a population recorded
# only by age bands that leave an age out (so the adults cannot be summed); or no adults.
NO_POPULATION, POPULATION_INCOMPLETE, NO_ADULTS = ("no_population", "population_incomplete",
                                                   "no_adults")


def _why_missing(store: Store, year: int, found: tuple[int, dict[str, int]] | None) -> str | None:
    if found is None:
        recorded = store.scalar("SELECT count(*) FROM (SELECT year FROM population WHERE year <= ?"
                                " UNION SELECT year FROM population_band WHERE year <= ?)",
                                (year, year))
        return POPULATION_INCOMPLETE if recorded else NO_POPULATION
    return None if found[1]["adults"] else NO_ADULTS


def adult_shares(store: Store, first: str, last: str) -> list[dict[str, Any]]:
    """Month by month from ``first`` to ``last`` (YYYY-MM): adults in households with
    assistance in the month ÷ the adult population of its year, or of the latest year
    recorded before it (a tertial comes before Statistics Sweden's figure for its year),
    named in ``population_year``; ``missing`` says why a share is None (never 0)."""
    from ekbist.reports.household_months import household_rows

    with store.snapshot():
        rows = household_rows(store, first, last)
        populations: dict[int, tuple[tuple[int, dict[str, int]] | None, str | None]] = {}
        result = []
        for month in months_between(first, last):
            year = int(month[:4])
            if year not in populations:
                found = population_lib.latest_totals(store, year)
                populations[year] = (found, _why_missing(store, year, found))
            found, missing = populations[year]
            bit = window_bits(first, month, month)
            adults = sum(r[1] for r in rows if r[0] & bit)
            result.append({"month": month, "adults": adults,
                           "population_year": found[0] if found else None,
                           "share": share(adults, found[1]["adults"] if found else None),
                           "missing": missing})
    return result


def adult_share_in(store: Store, month: str) -> dict[str, Any]:
    """Adults in households with assistance in ``month`` (YYYY-MM) ÷ the adult population
    of its year, or of the latest year recorded before it (:func:`adult_shares`)."""
    return adult_shares(store, month, month)[0]
