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

import json
import statistics
from dataclasses import dataclass
from datetime import date
from typing import Any

from ekbist import settings as unit_settings
from ekbist.codes import CLOSE_REASONS
from ekbist.day_conditions import last_handler_of_case
from ekbist.errors import EkbistError
from ekbist.i18n import N_, _
from ekbist.months import month_add, month_end, month_index, months_between, sql_month_index
from ekbist.number_text import round_half_away
from ekbist.store import Store
from ekbist.validate import parse_month
from ekbist.reports import barrier_figures

# -- the national constants ------------------------------------------------------------------
LONG_TERM_MONTHS = 10  # of 12: Socialstyrelsen and Kolada
LONG_TERM_WINDOW = 12
VERY_LONG_TERM_WINDOW = 36  # the unit's own measure; the months needed are a setting
AT_RISK_MONTHS = (6, 9)  # of 12: "klienter som haft kontakt med enheten under sex-tio månader"
YOUNG_ADULT_MIN_AGE = 18
GENDERS = ("f", "m", "x", "unknown")

# -- SQL building blocks ---------------------------------------------------------------------
# The condition for an application that gives its household assistance in its period.
# Written exactly as the partial indexes application_granted(_case) are, so SQLite uses them.
SQL_PAYING = "a.decision IN ('granted', 'partly') AND a.amount > 0"


def sql_household_months(first: str = ":first", last: str = ":last") -> str:
    """One row per household and month with assistance from ``first`` to ``last`` (YYYY-MM).

    Columns ``case_id``, ``period`` and ``paid`` (kronor granted for that month, all
    applications together). Socialstyrelsen counts the month of payment; this counts
    the month the assistance is for.
    """
    return (f"SELECT a.case_id, a.period, sum(a.amount) AS paid FROM application a "
            f"WHERE {SQL_PAYING} AND a.period BETWEEN {first} AND {last} "
            f"GROUP BY a.case_id, a.period")


def sql_months_per_household(first: str = ":first", last: str = ":last") -> str:
    """Households with assistance in the window and how many of its months: ``case_id, months``."""
    return (f"SELECT hm.case_id, count(*) AS months FROM ({sql_household_months(first, last)}) hm "
            f"GROUP BY hm.case_id")


def sql_long_term(first: str = ":first", last: str = ":last", low: str = ":low",
                  high: str = ":high") -> str:
    """Households with assistance in ``low``–``high`` months of the window: ``case_id, months``.

    Long-term (Socialstyrelsen, Kolada): 10–12 of the 12 months of a calendar year.
    The seed's unit uses the rolling last twelve months; the same block serves both,
    the at-risk households (6–9 of 12) and the unit's very long-term measure.
    """
    return (f"SELECT m.case_id, m.months FROM ({sql_months_per_household(first, last)}) m "
            f"WHERE m.months BETWEEN {low} AND {high}")


def sql_household_summary(households: str, year: str = ":year", young_max: str = ":young_max") -> str:
    """Counts over the cases whose id is in the subquery ``households`` (a ``case_id`` column).

    Persons are the case's recorded adults and children. Young adults (Kolada: 18–24)
    are applicants whose age in ``year`` (``year`` − birth year, the age reached during
    the year) is 18 to ``young_max``; unknown birth years are counted, never guessed.
    """
    return f"""
        SELECT count(*) AS households,
               coalesce(sum(c.adults), 0) AS adults,
               coalesce(sum(c.children), 0) AS children,
               coalesce(sum(c.gender = 'f'), 0) AS gender_f,
               coalesce(sum(c.gender = 'm'), 0) AS gender_m,
               coalesce(sum(c.gender = 'x'), 0) AS gender_x,
               coalesce(sum(c.gender IS NULL), 0) AS gender_unknown,
               coalesce(sum(c.adults * (c.gender = 'f')), 0) AS adults_f,
               coalesce(sum(c.adults * (c.gender = 'm')), 0) AS adults_m,
               coalesce(sum(c.children > 0), 0) AS with_children,
               coalesce(sum(c.children > 0 AND c.homeless = 1), 0) AS homeless_with_children,
               coalesce(sum(c.birth_year IS NOT NULL
                            AND {year} - c.birth_year BETWEEN {YOUNG_ADULT_MIN_AGE} AND {young_max}),
                        0) AS young_adults,
               coalesce(sum(c.birth_year IS NULL), 0) AS birth_year_unknown
        FROM cases c WHERE c.id IN ({households})"""


def sql_closed(first_day: str = ":first_day", last_day: str = ":last_day") -> str:
    """Cases closed from ``first_day`` to ``last_day`` by reason: ``close_reason, n``.

    The seed's annual report counts closed households and why ("84 gått till egen
    försörjning genom arbete, 20 till studier och 14 har beviljats sjukersättning").
    """
    return (f"SELECT c.close_reason, count(*) AS n FROM cases c "
            f"WHERE c.closed BETWEEN {first_day} AND {last_day} GROUP BY c.close_reason")


def sql_waiting_days(first_day: str = ":first_day", last_day: str = ":last_day") -> str:
    """Days from first contact to decision for new applicants whose first contact is in the window.

    U31402 (Kolada): mean days from the first contact about an application at a new
    visit to the decision; measured January–June. Only applications with a first
    contact (set for new applicants only) and a decision count; a withdrawn
    application has no decision on assistance and is left out.
    """
    return (f"SELECT CAST(julianday(a.decided) - julianday(a.first_contact) AS INTEGER) AS days "
            f"FROM application a WHERE a.first_contact BETWEEN {first_day} AND {last_day} "
            f"AND a.decided IS NOT NULL AND a.decision <> 'withdrawn'")


# -- months ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """The months reported: ``first`` to ``last`` ('YYYY-MM'), and whether it is a whole --year."""

    first: str
    last: str
    whole_year: bool = False

    @property
    def months(self) -> list[str]:
        return months_between(self.first, self.last)

    @property
    def year(self) -> int:
        """The calendar year the year figures (long-term, young adults, population) refer to."""
        return int(self.last[:4])

    def previous(self) -> Period:
        return Period(month_add(self.first, -12), month_add(self.last, -12), self.whole_year)

    def waiting_window(self) -> tuple[date, date]:
        """January–June of the year for a --year report (as U31402); else the period's days."""
        if self.whole_year:
            return date(self.year, 1, 1), date(self.year, 6, 30)
        return date(int(self.first[:4]), int(self.first[5:]), 1), month_end(self.last)


def period_of(*, year: int | str | None = None, first: str | None = None,
              last: str | None = None, today: date) -> Period:
    """The period asked for: a whole --year, --from/--to months, or this year up to today's month."""
    if year is not None and (first or last):
        raise EkbistError.about(_("give either {year} or {from}/{to}, not both"),
                                {"year": "year", "from": "from", "to": "to"})
    if year is not None:
        from ekbist.validate import parse_year

        y = parse_year(year)
        if y > today.year:
            raise EkbistError(_("{year} has not begun (today is {today})").format(
                year=y, today=today.isoformat()))
        # A year in progress ends with today's month: empty months to come would pull the
        # monthly average down.
        last = f"{y:04d}-12" if y < today.year else f"{y:04d}-{today.month:02d}"
        return Period(f"{y:04d}-01", last, whole_year=True)
    if first or last:
        if not (first and last):
            raise EkbistError.about(_("{from} and {to} go together"), {"from": "from", "to": "to"})
        first, last = parse_month(first, "from"), parse_month(last, "to")
        if last < first:
            raise EkbistError.about(_("{to} is before {from}"), {"to": "to", "from": "from"})
        if len(months_between(first, last)) > 36:
            raise EkbistError(_("a period is at most 36 months"))
        return Period(first, last)
    return Period(f"{today.year:04d}-01", f"{today.year:04d}-{today.month:02d}")


# -- definitions -----------------------------------------------------------------------------
PAYMENT_MONTH_NOTE = N_("National statistics count the month of payment; ekbist counts the "
                        "month the assistance is for.")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # English, translated when shown
    unit: str  # households, persons, kr, share, cases, days, months
    definition: str  # English, translated when shown; names the source


FIGURES: tuple[Figure, ...] = (
    Figure("households_per_month", N_("Households with assistance, per month"), "households",
           N_("Households (cases) with a granted or partly granted application above 0 kr for "
              "the month. Socialstyrelsen: households with assistance in the month.")),
    Figure("households_per_month_avg", N_("Households with assistance, monthly average"),
           "households",
           N_("The mean of the monthly counts over the period's months. Socialstyrelsen's "
              "monthly average.")),
    Figure("households_total", N_("Households with assistance during the period"), "households",
           N_("Households with assistance in at least one month of the period (Socialstyrelsen: "
              "biståndshushåll under året).")),
    Figure("adults_in_assisted_households", N_("Adults in assisted households"), "persons",
           N_("The adults recorded on the cases of the assisted households (their present "
              "composition, not month by month).")),
    Figure("children_in_assisted_households", N_("Children in assisted households"), "persons",
           N_("The children recorded on the cases of the assisted households.")),
    Figure("households_by_gender", N_("Assisted households by applicant gender"), "households",
           N_("The applicant's gender as recorded on the case; unknown when not recorded.")),
    Figure("households_with_children", N_("Assisted households with children"), "households",
           N_("Assisted households whose case records at least one child.")),
    Figure("homeless_households_with_children_per_month_avg",
           N_("Homeless with children, monthly average"), "households",
           N_("The mean over the period's months of the households with assistance in the month "
              "whose case records children and is marked homeless (the seed's 'i snitt … saknat "
              "stadigvarande bostad').")),
    Figure("homeless_households_with_children",
           N_("Homeless with children during the period"),
           "households", N_("Assisted households with children whose case is marked homeless, "
                            "with assistance in at least one month of the period.")),
    Figure("paid_total", N_("Assistance granted"), "kr",
           N_("The amounts of the paying applications for the period's months. Kolada and the "
              "accounts count payments made in the period.")),
    Figure("paid_per_household_month", N_("Assistance per household and month"), "kr",
           N_("Assistance granted divided by the household-months with assistance (the seed's "
              "'snittkostnad per hushåll och månad').")),
    Figure("paid_per_household", N_("Assistance per household in the period"), "kr",
           N_("Assistance granted divided by the households with assistance during the period.")),
    Figure("cases_opened", N_("Cases opened"), "cases",
           N_("Cases whose opening day lies in the period.")),
    Figure("closed_total", N_("Cases closed"), "cases",
           N_("Cases whose closing day lies in the period (the seed: 'bidragshushåll avslutats'). "
              "A household that returns under a new case number counts again.")),
    Figure("closed_by_reason", N_("Cases closed by reason"), "cases",
           N_("Closed cases per reason code; every code is listed.")),
    Figure("closed_share_by_reason", N_("Cases closed by reason, share"), "share",
           N_("Each reason's share of the cases closed in the period.")),
    Figure("long_term_households_calendar", N_("Long-term households, calendar year"),
           "households",
           N_("Households with assistance in 10–12 months of the calendar year, counted from "
              "January to the period's last month (Socialstyrelsen, Kolada). Only a whole year "
              "gives the national figure.")),
    Figure("long_term_adults_calendar", N_("Long-term adults, calendar year"),
           "persons", N_("The adults of the long-term households of the calendar year.")),
    Figure("long_term_households_by_gender", N_("Long-term households by applicant gender"),
           "households", N_("The calendar-year long-term households by the applicant's gender.")),
    Figure("long_term_households_rolling", N_("Long-term households, last 12 months"),
           "households",
           N_("Households with assistance in 10–12 of the twelve months ending with the period's "
              "last month: the seed's unit's rolling definition, not the national one.")),
    Figure("long_term_adults_rolling", N_("Long-term adults, last 12 months"),
           "persons", N_("The adults of the rolling long-term households.")),
    Figure("long_term_share_of_households", N_("Long-term share of assisted households"), "share",
           N_("Calendar-year long-term households divided by the households with assistance in "
              "the same months.")),
    Figure("long_term_adults_share_of_assisted_adults",
           N_("Long-term adults, share of assisted adults"), "share",
           N_("Adults in calendar-year long-term households divided by adults in assisted "
              "households in the same months (Kolada / Öppna jämförelser: share of adult "
              "recipients).")),
    Figure("long_term_share_of_households_rolling",
           N_("Long-term share, last 12 months"), "share",
           N_("Rolling long-term households divided by the households with assistance in the "
              "same twelve months (the seed's unit).")),
    Figure("long_term_adults_share_of_population", N_("Long-term adults, share of adult population"),
           "share",
           N_("Adults in calendar-year long-term households divided by the adult population on "
              "31 December (Kolada N31816). Needs the population of the year.")),
    Figure("long_term_adults_share_of_population_rolling",
           N_("Long-term adults, 12 months, share of adults"), "share",
           N_("Adults in households with assistance in 10–12 of the twelve months ending with the "
              "period's last month, divided by the adult population on 31 December: the seed's "
              "'tio till tolv månader under den senaste tolvmånadersperioden', which the tertial "
              "reports follow. Kolada N31816 counts the calendar year instead. Needs the "
              "population of the year.")),
    Figure("very_long_term_households", N_("Very long-term households"), "households",
           N_("Households with assistance in at least the set number of the 36 months ending with "
              "the period's last month (setting indicators.very_long_term_months): the unit's own "
              "measure.")),
    Figure("young_adult_households", N_("Young-adult households"), "households",
           N_("Assisted households whose applicant is 18 to the set age (setting "
              "indicators.young_adult_max_age; Kolada: 24) in the year: year minus birth year. "
              "Unknown birth years are not counted.")),
    Figure("young_adult_share", N_("Young-adult share of assisted households"), "share",
           N_("Young-adult households divided by the assisted households whose birth year is "
              "known.")),
    Figure("birth_year_unknown_households", N_("Assisted households without a birth year"),
           "households", N_("Assisted households whose applicant's birth year is not recorded.")),
    Figure("adults_with_assistance_share_of_population",
           N_("Share of adults with assistance"), "share",
           N_("Adults in households with assistance during the period divided by the adult "
              "population on 31 December. Needs the population of the year.")),
    Figure("children_in_assisted_households_share_of_population",
           N_("Share of children in assisted households"), "share",
           N_("Children in assisted households divided by the children (0–17) in the population "
              "on 31 December. Needs the population of the year.")),
    Figure("paid_per_inhabitant", N_("Assistance per inhabitant"), "kr",
           N_("Assistance granted divided by the population on 31 December (Kolada N31001 "
              "counts the cost paid). Needs the population of the year.")),
    Figure("waiting_time_first_contact_mean_days", N_("Waiting time from first contact, mean"),
           "days",
           N_("Mean calendar days from the first contact to the decision for new applicants "
              "whose first contact lies in the window: January–June for a whole year (Kolada U31402), "
              "else the period. ekbist's five-working-day figures are not U31402.")),
    Figure("waiting_time_first_contact_median_days",
           N_("Waiting time from first contact, median"), "days",
           N_("The median of the same waiting times.")),
    Figure("waiting_time_first_contact_count", N_("New applicants measured"), "cases",
           N_("Decided applications with a first contact in the window.")),
)


def definitions() -> list[dict[str, str]]:
    """Every figure's key, label, unit and definition, translated (for docs and the xlsx)."""
    return [{"key": f.key, "label": _(f.label), "unit": f.unit,
             "definition": _(f.definition) + (" " + _(PAYMENT_MONTH_NOTE)
                                              if f.unit in ("households", "kr") else "")}
            for f in FIGURES]


# -- computing -------------------------------------------------------------------------------
def _share(part: int | float | None, whole: int | float | None) -> float | None:
    if part is None or not whole:
        return None
    return round_half_away(part / whole, 4)


def sql_month_masks(span_first: str = ":span_first", last: str = ":last",
                    base: str = ":base") -> str:
    """One row per household with assistance from ``span_first`` to ``last``: ``case_id, mask``.

    Bit *i* of ``mask`` is set when the household has assistance in the *i*-th month
    after ``span_first`` (``base`` is that month's index, year × 12 + month − 1). It is
    :func:`sql_household_months` folded into one integer per household, so that every
    window (the period, the calendar year, the rolling 12 and the 36 months, this year
    and last) is counted from one pass over the applications: the count of months in a
    window is the number of bits set in ``mask`` within it.
    """
    index = sql_month_index("a.period")
    return (f"SELECT a.case_id, sum(DISTINCT 1 << ({index} - {base})) AS mask "
            f"FROM application a INDEXED BY application_granted_case "
            f"WHERE {SQL_PAYING} AND a.period BETWEEN {span_first} AND {last} "
            f"GROUP BY a.case_id")


def _window(span_first: str, first: str, last: str) -> int:
    """The bits of the months ``first`` to ``last`` in a mask starting at ``span_first``."""
    low = max(0, month_index(first) - month_index(span_first))
    high = month_index(last) - month_index(span_first)
    return ((1 << (high - low + 1)) - 1) << low if high >= low else 0


def _household_rows(store: Store, span_first: str, last: str) -> list[tuple]:
    """Every household with assistance in the span: its month mask and case fields."""
    return store.tuples(
        f"""SELECT m.mask, c.adults, c.children, c.gender, c.homeless, c.birth_year
            FROM ({sql_month_masks()}) m JOIN cases c ON c.id = m.case_id""",
        {"span_first": span_first, "last": last, "base": month_index(span_first)}).fetchall()


def sql_paid(first: str = ":first", last: str = ":last") -> str:
    """Kronor granted for the months ``first`` to ``last`` (the month the assistance is for)."""
    return (f"SELECT coalesce(sum(a.amount), 0) FROM application a "
            f"WHERE {SQL_PAYING} AND a.period BETWEEN {first} AND {last}")


def _tally(rows: list[tuple], windows: list[tuple[int, int]], year: int,
           young_max: int) -> list[dict[str, int]]:
    """For each window (bits, least months): the households with at least that many months
    within the bits, and their people."""
    from collections import Counter

    oldest, youngest = year - young_max, year - YOUNG_ADULT_MIN_AGE
    out = []
    for bits, least in windows:
        if least > 1:
            chosen = [r for r in rows if (r[0] & bits).bit_count() >= least]
        else:
            chosen = [r for r in rows if r[0] & bits]
        genders = Counter(r[3] for r in chosen)
        with_children = [r for r in chosen if r[2]]
        births = [r[5] for r in chosen]
        out.append({
            "households": len(chosen),
            "adults": sum(r[1] for r in chosen),
            "children": sum(r[2] for r in chosen),
            "gender_f": genders["f"],
            "gender_m": genders["m"],
            "gender_x": genders["x"],
            "gender_unknown": genders[None],
            "with_children": len(with_children),
            "homeless_with_children": sum(1 for r in with_children if r[4]),
            "young_adults": sum(1 for b in births if b is not None and oldest <= b <= youngest),
            "birth_year_unknown": births.count(None),
        })
    return out


def _per_month(rows: list[tuple], span_first: str, months: list[str]) -> list[dict[str, Any]]:
    from collections import Counter

    low = month_index(months[0]) - month_index(span_first)
    width = len(months)
    patterns = Counter((row[0] >> low) & ((1 << width) - 1) for row in rows)
    counts = [0] * width
    for pattern, n in patterns.items():
        bit = 0
        while pattern:
            if pattern & 1:
                counts[bit] += n
            pattern >>= 1
            bit += 1
    return [{"month": m, "households": counts[i]} for i, m in enumerate(months)]


def _values(store: Store, rows: list[tuple], span_first: str, period: Period,
            young_max: int, very_long: int) -> dict[str, Any]:
    first, last, year = period.first, period.last, period.year
    months = period.months
    period_bits = _window(span_first, first, last)
    per_month = _per_month(rows, span_first, months)
    household_months = sum(m["households"] for m in per_month)
    paid_total = store.scalar(sql_paid(), {"first": first, "last": last})

    first_day = f"{first}-01"
    last_day = month_end(last).isoformat()
    opened = store.scalar("SELECT count(*) FROM cases WHERE opened BETWEEN ? AND ?",
                          (first_day, last_day))
    closed = {code: 0 for code in CLOSE_REASONS}
    for code, n in store.tuples(sql_closed(), {"first_day": first_day, "last_day": last_day}):
        closed[code] = n
    closed_total = sum(closed.values())

    calendar_bits = _window(span_first, f"{year:04d}-01", last)
    rolling_bits = _window(span_first, month_add(last, -(LONG_TERM_WINDOW - 1)), last)
    very_bits = _window(span_first, month_add(last, -(VERY_LONG_TERM_WINDOW - 1)), last)
    assisted, calendar, calendar_base, rolling, rolling_base, very = _tally(
        rows, [(period_bits, 1), (calendar_bits, LONG_TERM_MONTHS), (calendar_bits, 1),
               (rolling_bits, LONG_TERM_MONTHS), (rolling_bits, 1), (very_bits, very_long)],
        year, young_max)

    population = store.one("SELECT adults, children, total FROM population WHERE year = ?",
                           (year,))
    wait_first, wait_last = period.waiting_window()
    waits = [r[0] for r in store.tuples(
        sql_waiting_days(), {"first_day": wait_first.isoformat(),
                             "last_day": wait_last.isoformat()})]
    known_birth = assisted["households"] - assisted["birth_year_unknown"]
    homeless_months = sum((r[0] & period_bits).bit_count() for r in rows if r[2] and r[4])
    return {
        "households_per_month": per_month,
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
        "closed_share_by_reason": {code: _share(n, closed_total) for code, n in closed.items()},
        "long_term_households_calendar": calendar["households"],
        "long_term_adults_calendar": calendar["adults"],
        "long_term_households_by_gender": {g: calendar[f"gender_{g}"] for g in GENDERS},
        "long_term_households_rolling": rolling["households"],
        "long_term_adults_rolling": rolling["adults"],
        "long_term_share_of_households": _share(calendar["households"],
                                                calendar_base["households"]),
        "long_term_adults_share_of_assisted_adults": _share(calendar["adults"],
                                                            calendar_base["adults"]),
        "long_term_share_of_households_rolling": _share(rolling["households"],
                                                        rolling_base["households"]),
        "long_term_adults_share_of_population": _share(
            calendar["adults"], population["adults"] if population else None),
        "long_term_adults_share_of_population_rolling": _share(
            rolling["adults"], population["adults"] if population else None),
        "very_long_term_households": very["households"],
        "young_adult_households": assisted["young_adults"],
        "young_adult_share": _share(assisted["young_adults"], known_birth),
        "birth_year_unknown_households": assisted["birth_year_unknown"],
        "adults_with_assistance_share_of_population": _share(
            assisted["adults"], population["adults"] if population else None),
        "children_in_assisted_households_share_of_population": _share(
            assisted["children"], population["children"] if population else None),
        "paid_per_inhabitant": round_half_away(paid_total / population["total"]) if population
        and population["total"] else None,
        "waiting_time_first_contact_mean_days": round_half_away(statistics.fmean(waits), 1) if waits
        else None,
        "waiting_time_first_contact_median_days": float(statistics.median(waits)) if waits
        else None,
        "waiting_time_first_contact_count": len(waits),
    }


def indicators(store: Store, period: Period, *, today: date | None = None) -> dict[str, Any]:
    """Every figure for ``period`` and the same months a year earlier.

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
        rows = _household_rows(store, span_first, period.last)
        now = _values(store, rows, span_first, period, young_max, very_long)
        before = _values(store, rows, span_first, previous, young_max, very_long)
        first = first_month_with_data(store)
        barriers = barrier_figures.by_barrier(store, period.first, period.last)
    if first is None or previous.first < first:
        before = _absent_before(before, first)
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


def share_decimals(key: str) -> int:
    """Decimals of a share: two for a share of the population (0,57 %, as the seed and Kolada
    write them), one for every other share (13,7 %). The one precision rule for screens,
    reports and workbooks."""
    return 2 if "_share_of_population" in key else 1


def rolling_long_term(store: Store, last: str) -> dict[str, Any]:
    """The rolling long-term figures for the twelve months ending ``last`` (YYYY-MM): the
    households with assistance in 10–12 of them, their adults, and those adults' share of
    the adult population on 31 December — of ``last``'s year when recorded, else of the
    latest year before it (a tertial comes before Statistics Sweden's figure for its year),
    named in ``population_year``. The same count as ``long_term_households_rolling``."""
    last = parse_month(last, "last")
    first = month_add(last, -(LONG_TERM_WINDOW - 1))
    with store.snapshot():
        rows = _household_rows(store, first, last)
        population = store.one("SELECT year, adults FROM population WHERE year <= ? "
                               "ORDER BY year DESC LIMIT 1", (int(last[:4]),))
    window = _window(first, first, last)
    long_term, assisted = _tally(rows, [(window, LONG_TERM_MONTHS), (window, 1)],
                                 int(last[:4]), YOUNG_ADULT_MIN_AGE)
    return {"from": first, "to": last, "households": long_term["households"],
            "adults": long_term["adults"], "assisted_households": assisted["households"],
            "share_of_households": _share(long_term["households"], assisted["households"]),
            "population_year": population["year"] if population else None,
            "adults_share_of_population": _share(long_term["adults"],
                                                 population["adults"] if population else None)}


def item_label(key: str, item: str) -> str:
    """The part of a figure split by code (gender, close reason) in the reader's words."""
    from ekbist.codes import label

    if key.endswith("by_gender"):
        return _("not recorded") if item == "unknown" else label("gender", item)
    if "by_reason" in key:
        return label("close_reason", item)
    return item


# -- the households behind the long-term figure --------------------------------------------
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
