"""The year report: the figure section of the annual report and its goal fulfilment.

The parts come in the annual report's order — households, closures, long-term and
young adults, plan coverage at the measurement date, handling time, caseload per
FTE, staff, the budget result, and the target table with the verdict "N of M
targets met". Every figure is taken from the function the matching command uses
(``ekbist indicators``, ``plans coverage``, ``handling-time report``, ``caseload
history``, ``prognosis``), so the report and the commands agree.

A year still in progress is reported up to today (the figures are year to date) and says
so: ``complete`` is false and ``covers`` names the months the figures and averages cover
and the running month's days (:mod:`ekbist.reports.completeness`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist.reports.readiness import readiness
from ekbist import caseload, handling_time, plan_coverage
from ekbist import prognosis as prognosis_lib
from ekbist import settings as unit_settings
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.money import to_tkr
from ekbist.months import month_end, months_between
from ekbist.number_text import round_half_away
from ekbist.reports import contacts as contact_figures
from ekbist.reports import indicators as ind
from ekbist.reports import report_year
from ekbist.reports import goals as goals_lib
from ekbist.reports import targets as targets_lib
from ekbist.reports.completeness import span_state
from ekbist.reports.staff import staff_figures
from ekbist.store import Store

LONG_TERM_KEYS = ("long_term_households_calendar", "long_term_share_of_households",
                  "long_term_households_rolling", "young_adult_households", "young_adult_share")


def _pct(share: float | None) -> float | None:
    # Rounded only to wash out float noise (so "exactly at the target" is met), not to two
    # decimals: a display rounds once more, and 41.346 must show as 41.3, not 41.4.
    return None if share is None else round(share * 100, 9)


def budget_result(store: Store, year: int, today: date) -> dict[str, Any] | None:
    """December's actuals if they are in, else the latest prognosis of the year, saying which."""
    december = store.scalar("SELECT count(*) FROM actual WHERE year = ? AND month = 12", (year,))
    if december and date(year, 12, 31) < today:
        result, basis, saved_on = prognosis_lib.make(store, year, 12, today=today), "actuals", None
    else:
        months = prognosis_lib.saved_months(store, year)
        if months:
            result = prognosis_lib.saved(store, year, months[-1])
            basis, saved_on = "saved_prognosis", result.pop("saved_on")
        else:
            last = store.scalar("SELECT max(month) FROM actual WHERE year = ?", (year,))
            if not last or (year, last) > (today.year, today.month):
                return None
            result, basis, saved_on = (prognosis_lib.make(store, year, last, today=today),
                                       "prognosis", None)

    def block(b: dict[str, Any], name: str | None) -> dict[str, Any]:
        return {"activity": name, "budget_net_tkr": to_tkr(b["budget_net"]),
                "outcome_net_tkr": to_tkr(b["prognosis_net"]),
                "result_tkr": to_tkr(b["deviation"]),
                "budget_net": b["budget_net"], "outcome_net": b["prognosis_net"],
                "result": b["deviation"], "adherence": round_half_away(b["adherence"], 4)
                if b["adherence"] is not None else None}

    from ekbist.prognosis_accuracy import tertial_scores

    return {"basis": basis, "month": result["month"], "saved_on": saved_on,
            "activities": [block(a, a["activity"]) for a in result["activities"]],
            "total": block(result["total"], None),
            # How far April's and August's prognoses were from the outcome.
            "prognosis_accuracy": tertial_scores(store, year)}


def _caseload(store: Store, year: int, last_month: str) -> dict[str, Any]:
    return _caseloads(store, {year: last_month})[year]


def _caseloads(store: Store, spans: dict[int, str]) -> dict[int, dict[str, Any]]:
    """The caseload part of each year in ``spans`` (year → the last month it counts), every
    year sliced out of one history (:func:`ekbist.caseload.history`) and one count of the
    active cases over the months from the first year's January to the last year's last
    month: the history reads every assignment and cover once however many months it spans,
    and a month's cells and FTE are the same whatever the span around it."""
    first_year, last_year = min(spans), max(spans)
    load = caseload.history(store, f"{first_year:04d}-01", spans[last_year])
    index = {m: i for i, m in enumerate(load["months"])}
    active = caseload.active_cases(store, [month_end(m) for m in load["months"]])
    return {year: _caseload_of(load, active, [index[m] for m in
                                              months_between(f"{year:04d}-01", last)])
            for year, last in spans.items()}


def _caseload_of(load: dict[str, Any], active_cases: list[int],
                 columns: list[int]) -> dict[str, Any]:
    """The caseload part over the history's months at ``columns``."""
    months = []
    for i in columns:
        active = active_cases[i]
        fte = sum(t["fte"][i] for t in load["teams"])
        months.append({"month": load["months"][i], "active_cases": active,
                       "fte": round_half_away(fte, 3),
                       "cases_per_fte": round_half_away(active / fte, 2) if fte else None})
    per_fte = [m["cases_per_fte"] for m in months if m["cases_per_fte"] is not None]
    handlers = []
    for h in load["handlers"]:
        values = [h["active"][i] / h["fte"] for i in columns
                  if h["active"][i] is not None and not h["away"][i]]
        if values:
            handlers.append({"id": h["id"], "name": h["name"],
                             "cases_per_fte": round_half_away(sum(values) / len(values), 1)})
    handlers.sort(key=lambda h: (h["cases_per_fte"], h["id"]))
    return {
        "months": months,
        "average_cases_per_fte": round_half_away(sum(per_fte) / len(per_fte), 1) if per_fte else None,
        "lowest": handlers[0] if handlers else None,
        "highest": handlers[-1] if handlers else None,
    }


def _handling(store: Store, first: date, last: date) -> dict[str, Any]:
    result = handling_time.report(store, first, last, by="month")
    by_month = {g["key"]: g for g in result["groups"]}
    months = [{"month": m, "decided": by_month.get(m, {}).get("decided", 0),
               "in_time": by_month.get(m, {}).get("in_time", 0),
               "share_in_time": by_month.get(m, {}).get("share_in_time")}
              for m in months_between(first.isoformat()[:7], last.isoformat()[:7])]
    total = result["total"]
    return {"months": months, "decided": total["decided"], "in_time": total["in_time"],
            "share_in_time": total["share_in_time"]}


def _plan_coverage(store: Store, year: int, today: date) -> dict[str, Any]:
    month = int(unit_settings.get(store, "plans.measure_month"))
    as_of = month_end(f"{year:04d}-{month:02d}")
    if as_of > today:
        return {"as_of": as_of.isoformat(), "measured": False, "eligible": None,
                "current": None, "share": None}
    found = plan_coverage.coverage(store, as_of=as_of, today=today)
    # Like every share in the report: a fraction with four decimals (plan_coverage's rule).
    # The text and the target table round from the counts, once (172 of 416 is 41,3 %).
    return {"as_of": found["as_of"], "measured": True, "eligible": found["eligible"],
            "current": found["current"], "share": found["share"]}


def exact_share(part: int | None, whole: int | None) -> float | None:
    """``part`` ÷ ``whole`` unrounded, for a figure shown or judged from its counts."""
    return part / whole if part is not None and whole else None


# The part of the year report each computed figure outside the key figures is counted from
# (the key figures come from ``indicators``): last year's outcome is counted only from the
# parts the year's targets need.
PART_OF = {
    "share_decided_in_time": "handling_time",
    "plan_coverage": "plan_coverage",
    "cases_per_fte": "caseload",
    "sick_leave": "staff",
    "sick_leave_days_1_14": "staff",
    "short_sick_spells": "staff",
    "staff_turnover": "staff",
    "budget_result": "budget",
    "budget_adherence": "budget",
}


def _parts(store: Store, year: int, today: date, wanted: set[str], *,
           caseload_part: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``wanted`` parts of the year report (of :data:`PART_OF`) for ``year`` up to today:
    one function for this year's figures and last year's. ``caseload_part``, when given, is
    the year's caseload part already counted (:func:`_caseloads`, both years at once)."""
    last_day = min(date(year, 12, 31), today)
    makers = {
        "plan_coverage": lambda: _plan_coverage(store, year, today),
        "handling_time": lambda: _handling(store, date(year, 1, 1), last_day),
        "caseload": lambda: (caseload_part if caseload_part is not None
                             else _caseload(store, year, last_day.isoformat()[:7])),
        "staff": lambda: staff_figures(store, date(year, 1, 1), last_day),
        "budget": lambda: budget_result(store, year, today),
    }
    return {name: make() for name, make in makers.items() if name in wanted}


def computed_outcomes(report: dict[str, Any], *, value: str = "value") -> dict[str, float | None]:
    """The year's computed figures by target key, in target units (per cent, tkr), from the
    parts ``report`` holds (a part it lacks leaves its figures out); ``value`` names the
    key figures' value to take ("last_year" for last year's whole-year outcome)."""
    figures = targets_lib.computed_figures()
    values: dict[str, float | None] = {}
    for f in report.get("indicators", {}).get("figures", []):
        if f["key"] in figures:
            values[f["key"]] = _pct(f[value]) if f["unit"] == "share" else f[value]
    if "handling_time" in report:
        # From the counts, so that a share is rounded once (in the target table).
        values["share_decided_in_time"] = _pct(exact_share(report["handling_time"]["in_time"],
                                                           report["handling_time"]["decided"]))
    if "plan_coverage" in report:
        values["plan_coverage"] = _pct(exact_share(report["plan_coverage"]["current"],
                                                   report["plan_coverage"]["eligible"]))
    if "caseload" in report:
        values["cases_per_fte"] = report["caseload"]["average_cases_per_fte"]
    if "staff" in report:
        staff = report["staff"]
        values.update({
            "sick_leave": _pct(staff["sick_leave_share"]),
            "sick_leave_days_1_14": _pct(staff["sick_leave_day_1_14_share"]),
            "short_sick_spells": _pct(staff["short_spell_share"]),
            "staff_turnover": _pct(staff["turnover_share"]),
        })
    if "budget" in report:
        budget = report["budget"]
        values["budget_result"] = budget["total"]["result_tkr"] if budget else None
        values["budget_adherence"] = _pct(budget["total"]["adherence"]) if budget else None
    return values


def _last_year_wanted(store: Store, year: int) -> tuple[set[str], set[str] | None]:
    """The computed figures the year's targets name, and the parts of last year
    (:data:`PART_OF`) their last year's outcome is counted from: None when the store's first
    application is after last January."""
    keys = {t["key"] for t in targets_lib.list_targets(store, year) if not t["manual"]}
    first = ind.first_month_with_data(store)
    if first is None or first > f"{year - 1:04d}-01":
        return keys, None
    return keys, {PART_OF[k] for k in keys if k in PART_OF}


def last_year_outcomes(store: Store, year: int, today: date,
                       figures: dict[str, Any], *,
                       caseload_part: dict[str, Any] | None = None) -> dict[str, float | None]:
    """Last year's whole-year outcome of each computed figure the year's targets name, in
    target units, counted as this year's is (:func:`computed_outcomes`): the key figures
    from ``figures`` (:func:`ekbist.reports.indicators.indicators` with ``last_year``), the
    other figures from the parts of last year the targets need. Absent (None) when the
    store's first application is after last January. ``caseload_part``: last year's
    caseload part when already counted."""
    keys, wanted = _last_year_wanted(store, year)
    if wanted is None:
        # A store that does not reach back to last January knows only part of last year:
        # a whole-year outcome counted from it (a budget result of one month's actuals)
        # would be wrong, so it is absent, as the key figures' are.
        return dict.fromkeys(keys)
    before = {"indicators": figures, **_parts(store, year - 1, today, wanted,
                                              caseload_part=caseload_part)}
    return {k: v for k, v in computed_outcomes(before, value="last_year").items() if k in keys}


# The computed figures ekbist can count for men and women: beside each total, the key of the
# figure by sex ({"f": …, "m": …}) that gives its men and women in the target table. Each
# counts the applicant (one adult per household, by the sex the case records;
# docs/indicators.md), so men and women need not add up to a total that counts every adult
# or an applicant of another or no recorded sex. Every other computed figure (money, cases,
# handling time, staff, the shares of households) has no definition by sex: blank.
BY_SEX = {
    "households_total": "households_by_gender",
    "long_term_households_calendar": "long_term_households_by_gender",
    "young_adults_share_of_population": "young_adults_share_of_population_by_gender",
    "adults_with_assistance_share_of_population":
        "adults_with_assistance_share_of_population_by_gender",
    "long_term_adults_share_of_population": "long_term_adults_share_of_population_by_gender",
}


def computed_by_sex(report: dict[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    """(men, women) of each computed figure with a figure by sex (:data:`BY_SEX`), in target
    units (per cent for shares), taken from the year's key figures."""
    by_key = {f["key"]: f for f in report["indicators"]["figures"]}
    values: dict[str, tuple[float | None, float | None]] = {}
    for total, split in BY_SEX.items():
        figure = by_key.get(split)
        if figure is None:
            continue
        men, women = figure["value"].get("m"), figure["value"].get("f")
        if figure["unit"] == "share":
            men, women = _pct(men), _pct(women)
        values[total] = (men, women)
    return values


def year_report(store: Store, year: Any, *, today: date,
                last_year: bool = True) -> dict[str, Any]:
    """Every part of the year report; shares as fractions, money in kronor and tkr.

    The JSON contract: ``{"year", "to", "complete", "covers", "households", "closures",
    "long_term", "plan_coverage", "handling_time", "caseload", "staff", "budget",
    "targets", "manual_outcomes", "goals", "activity_readiness"}``
    (:func:`ekbist.reports.readiness.readiness`); ``goals`` is the goal hierarchy with its
    verdicts and conclusion (:func:`ekbist.reports.goals.hierarchy`). Each target's
    ``previous`` is last year's whole-year outcome (:func:`last_year_outcomes`); without
    ``last_year`` it is left blank for the computed figures (the morning check needs no
    last year).
    """
    y = report_year(year)
    if date(y, 1, 1) > today:
        raise EkbistError(_("{year} has not begun (today is {today})").format(
            year=y, today=today.isoformat()))
    last_day = min(date(y, 12, 31), today)
    last_month = last_day.isoformat()[:7]
    with store.snapshot():
        figures = ind.indicators(store, ind.Period(f"{y:04d}-01", last_month, whole_year=True),
                                 last_year=last_year)
        by_key = {f["key"]: f for f in figures["figures"]}
        per_month = by_key["households_per_month"]
        # This year's caseload and, when a target needs it, last year's: one history.
        spans = {y: last_month}
        if last_year and "caseload" in (_last_year_wanted(store, y)[1] or ()):
            spans[y - 1] = f"{y - 1:04d}-12"
        loads = _caseloads(store, spans)
        parts = _parts(store, y, today, set(PART_OF.values()), caseload_part=loads[y])
        report: dict[str, Any] = {
            "year": y,
            "to": last_day.isoformat(),
            "complete": today >= date(y, 12, 31),
            # The months the figures and the averages cover, and the one not over yet.
            "covers": span_state(f"{y:04d}-01", f"{y:04d}-12", today),
            "households": {
                "months": [{"month": now["month"], "households": now["households"],
                            "previous": before["households"]}
                           for now, before in zip(per_month["value"], per_month["previous"],
                                                  strict=True)],
                "average": by_key["households_per_month_avg"]["value"],
                "previous_average": by_key["households_per_month_avg"]["previous"],
                "total": by_key["households_total"]["value"],
                "previous_total": by_key["households_total"]["previous"],
            },
            "closures": {
                "total": by_key["closed_total"]["value"],
                "previous_total": by_key["closed_total"]["previous"],
                "by_reason": [{"reason": code, "closed": n,
                               "share": by_key["closed_share_by_reason"]["value"][code],
                               "previous": by_key["closed_by_reason"]["previous"][code]}
                              for code, n in by_key["closed_by_reason"]["value"].items()],
            },
            "long_term": [{"key": k, "label": by_key[k]["label"], "unit": by_key[k]["unit"],
                           "value": by_key[k]["value"], "previous": by_key[k]["previous"]}
                          for k in LONG_TERM_KEYS],
            "plan_coverage": parts["plan_coverage"],
            "handling_time": parts["handling_time"],
            "contacts": contact_figures.yearly(store, y, today=today),
            "caseload": parts["caseload"],
            "staff": parts["staff"],
            "budget": parts["budget"],
            "indicators": figures,
            "barriers": figures["barriers"],
            "activity_readiness": readiness(store, f"{y:04d}-01", last_month, today=today),
        }
        previous = (last_year_outcomes(store, y, today, figures, caseload_part=loads.get(y - 1))
                    if last_year else {})
        report["targets"] = targets_lib.judge(store, y, computed_outcomes(report), previous,
                                              by_sex=computed_by_sex(report))
        report["goals"] = goals_lib.hierarchy(store, y, report["targets"]["targets"])
        targeted = {t["key"] for t in report["targets"]["targets"]}
        report["manual_outcomes"] = [
            {"key": k, "label": o["label"], "value": o["value"]}
            for k, o in targets_lib.outcomes(store, y).items() if k not in targeted]
    del report["indicators"]
    return report


def goal_report(store: Store, year: Any, *, today: date) -> dict[str, Any]:
    """The year's goals with their proposals and verdicts (``ekbist goal list``): the
    proposals need the year's outcomes, so they come from the year report. The goals of a
    year not begun (set in the autumn before it) are listed with their targets, which have
    no computed outcome yet."""
    y = report_year(year)
    if date(y, 1, 1) > today:
        return {"year": y, **goals_lib.hierarchy(
            store, y, targets_lib.judge(store, y, {})["targets"])}
    report = year_report(store, year, today=today)
    return {"year": report["year"], **report["goals"]}


# Figures that add up over the year: a year-to-date value is projected to the year's end the
# way the prognosis projects actuals (run rate: value × 12 / months passed). Every other
# figure (shares, averages, per-FTE, long-term) is judged on its current value.
CUMULATIVE = frozenset({"paid_total", "cases_opened", "closed_total",
                        "waiting_time_first_contact_count"})


def months_passed(today: date) -> float:
    """Months of today's year gone by, the running month counted by its days."""
    import calendar as _calendar

    return today.month - 1 + today.day / _calendar.monthrange(today.year, today.month)[1]


def at_risk(store: Store, today: date) -> list[dict[str, Any]]:
    """This year's targets whose year-to-date outcome points to a miss (for ``ekbist check``).

    Manual outcomes count as cumulative (a chief records jobs offered so far). The budget
    result already comes from the prognosis. Targets without an outcome yet are left alone.
    """
    year = today.year
    if not store.scalar("SELECT count(*) FROM target WHERE year = ?", (year,)):
        return []
    report = year_report(store, year, today=today, last_year=False)
    factor = 12 / months_passed(today)
    found = []
    for t in report["targets"]["targets"]:
        outcome = t["outcome"]
        if outcome is None:
            continue
        projected = outcome * factor if (t["manual"] or t["key"] in CUMULATIVE) else outcome
        if not targets_lib.is_met(t["direction"], t["target"], projected):
            found.append({**t, "projected": round_half_away(projected, 2)})
    return found
