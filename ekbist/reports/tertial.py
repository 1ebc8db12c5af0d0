"""The tertial report: the prognosis as of April or August with the unit's key figures.

April and August prognoses are tertial reports with a deeper analysis of the
activity beside the money. The key figures are taken from the functions the other
commands use, so the report and the commands always agree:

* households per month — cases with a granted or partly granted application for the
  month (:func:`ekbist.prognosis_driver.household_history`, the prognosis driver's count);
* share decided within five working days — ``share_in_time`` of
  :func:`ekbist.handling_time.report` by month of clock start (``ekbist handling-time
  report``);
* share of cases with a current plan — :func:`ekbist.plan_coverage.coverage_monthly` at each
  month's end (``ekbist plans coverage --monthly``);
* long-term — households with assistance in 10–12 of the twelve months ending with the
  tertial's last month and their adults' share of the adult population, the rolling
  definition the seed's business plan follows every tertial ("tio till tolv månader under
  den senaste tolvmånadersperioden"; :func:`ekbist.reports.indicators.rolling_long_term`):
  the calendar-year definition cannot reach ten months by April;
* cases per FTE — all active cases at each month's end (an uncovered case too,
  :func:`ekbist.caseload.active_cases`) ÷ the FTE of the handlers at work then, from
  :func:`ekbist.caseload.history` (``ekbist caseload history``), summed over the teams;
* adults with assistance as a share of the adult population, month by month from the
  December before the year to the tertial's last month — the seed's monthly share
  ("sedan december 2014, från 0,85 % av den vuxna befolkningen till 0,78 %"), followed in
  December and at each tertial's end (:func:`ekbist.reports.population_figures.adult_shares`).

The prognosis is the one saved for the month, if there is one (what the controller
got), else one made now with the default methods.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ekbist import caseload, handling_time, plan_coverage
from ekbist import prognosis as prognosis_lib
from ekbist.cell_formats import COUNT, DECIMAL, FTE, PERCENT, POPULATION_PERCENT
from ekbist.codes import TOTAL_SV
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_end
from ekbist.number_text import round_half_away
from ekbist.prognosis_driver import household_history
from ekbist.reports import indicators, population_figures, report_year
from ekbist.store import Store

TERTIAL_MONTH = {1: 4, 2: 8}
# Why a monthly adult share is missing, in the Swedish workbook's words.
MISSING_SV = {
    population_figures.NO_POPULATION: "ingen folkmängd registrerad för året eller tidigare",
    population_figures.POPULATION_INCOMPLETE: "folkmängden per åldersgrupp täcker inte alla "
                                              "åldrar",
    population_figures.NO_ADULTS: "folkmängden har inga vuxna",
}


def report(store: Store, year: Any, tertial: Any, *, today: date) -> dict[str, Any]:
    """The tertial report's figures; money in whole kronor, shares as fractions."""
    year = report_year(year)
    try:
        month = TERTIAL_MONTH[int(tertial)]
    except (KeyError, ValueError):
        raise EkbistError(_("the tertial is 1 (January–April) or 2 (May–August), not '{value}'")
                          .format(value=tertial)) from None
    last_day = month_end(f"{year:04d}-{month:02d}")
    # A tertial is reported once it is over, its last day included
    # (ekbist.reports.completeness): it is never preliminary.
    if last_day > today:
        raise EkbistError(_("tertial {tertial} {year} ends {day}, which has not passed yet")
                          .format(tertial=tertial, year=year, day=last_day.isoformat()))
    result, saved_on = prognosis_lib.saved_or_made(store, year, month, today=today)
    first_month, last_month = f"{year:04d}-01", f"{year:04d}-{month:02d}"

    households = household_history(store, year, month, month)
    handling = handling_time.report(store, date(year, 1, 1), last_day, by="month")
    in_time = {g["key"]: g for g in handling["groups"]}
    coverage = plan_coverage.coverage_monthly(store, first=first_month, last=last_month, today=today)
    plan_share = {m["month"]: m for m in coverage["months"]}
    load = caseload.history(store, first_month, last_month)
    long_term = indicators.rolling_long_term(store, last_month)
    # From the December before: the seed follows the share "sedan december" and at the
    # tertials' ends (April, August).
    adult_share = population_figures.adult_shares(store, f"{year - 1:04d}-12", last_month)
    for entry in adult_share:
        entry["followed"] = int(entry["month"][5:]) in population_figures.TERTIAL_MONTHS

    active_cases = caseload.active_cases(store, [month_end(m) for m in load["months"]])

    months = []
    for i, period in enumerate(load["months"]):
        active = active_cases[i]
        fte = sum(t["fte"][i] for t in load["teams"])
        handled = in_time.get(period, {})
        plan = plan_share.get(period, {})
        months.append({
            "month": period,
            "households": households[i]["households"],
            "decided": handled.get("decided", 0),
            "in_time": handled.get("in_time", 0),
            "share_in_time": handled.get("share_in_time"),
            "plan_eligible": plan.get("eligible", 0),
            "plan_current": plan.get("current", 0),
            "plan_share": plan.get("share"),
            "active_cases": active,
            "fte": round_half_away(fte, 3),
            "cases_per_fte": round_half_away(active / fte, 2) if fte else None,
        })
    end = months[-1]
    total = handling["total"]
    from ekbist.prognosis_accuracy import tertial_scores

    return {
        "year": year,
        "tertial": int(tertial),
        "month": month,
        "complete": True,
        "prognosis_saved_on": saved_on,
        "prognosis": result,
        # How close last year's tertial prognoses came to last year's outcome.
        "last_year_accuracy": tertial_scores(store, year - 1),
        "key_figures": {
            "months": months,
            "households_average": round_half_away(sum(m["households"] for m in months) / len(months), 1),
            "decided": total["decided"],
            "in_time": total["in_time"],
            "share_in_time": total["share_in_time"],
            "plan_share": end["plan_share"],
            "cases_per_fte": end["cases_per_fte"],
            "long_term": long_term,
            "adults_with_assistance_share_of_population_monthly": adult_share,
            "teams": [
                {"team": t["team"], "active": t["active"][-1], "fte": t["fte"][-1],
                 "mean_per_fte": t["mean_per_fte"][-1]}
                for t in load["teams"]
            ],
        },
    }


def write_xlsx(data: dict[str, Any], path: Path, *, overwrite: bool = False) -> Path:
    """The controller's prognosis workbook with a key-figures sheet and its charts."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Font, PatternFill

    from ekbist import files
    from ekbist.sheets.prognosis_workbook import SV_MONTHS, prognosis_workbook

    path = Path(path)
    files.check_new_workbook(path, force=overwrite)
    wb = prognosis_workbook(data["prognosis"])
    ws = wb.create_sheet("Nyckeltal", 1)
    figures = data["key_figures"]
    ws["A1"] = (f"Tertialrapport {data['tertial']} {data['year']}: nyckeltal januari–"
                f"{SV_MONTHS[data['month'] - 1]}")
    ws["A1"].font = Font(bold=True, size=14)
    heads = ("Månad", "Bidragshushåll", "Beslut", "Inom fem arbetsdagar", "Andel inom fem arbetsdagar",
             "Ärenden med aktuell plan", "Andel med aktuell plan", "Aktiva ärenden", "Årsarbetare",
             "Ärenden per årsarbetare")
    fill = PatternFill("solid", fgColor="DDE4EE")
    for col, text in enumerate(heads, start=1):
        cell = ws.cell(row=3, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = fill
    row = 4
    for m in figures["months"]:
        values = (m["month"], m["households"], m["decided"], m["in_time"], m["share_in_time"],
                  m["plan_current"], m["plan_share"], m["active_cases"], m["fte"],
                  m["cases_per_fte"])
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            if col in (5, 7):
                cell.number_format = PERCENT
            elif col == 9:
                cell.number_format = FTE
            elif col == 10:
                cell.number_format = DECIMAL
            elif isinstance(value, int):
                cell.number_format = COUNT
        row += 1
    ws.cell(row=row, column=1, value=TOTAL_SV).font = Font(bold=True)
    ws.cell(row=row, column=2, value=figures["households_average"]).number_format = DECIMAL
    ws.cell(row=row, column=3, value=figures["decided"]).number_format = COUNT
    ws.cell(row=row, column=4, value=figures["in_time"]).number_format = COUNT
    ws.cell(row=row, column=5, value=figures["share_in_time"]).number_format = PERCENT
    ws.cell(row=row, column=7, value=figures["plan_share"]).number_format = PERCENT
    ws.cell(row=row, column=10, value=figures["cases_per_fte"]).number_format = DECIMAL
    ws.cell(row=row + 1, column=1,
            value="Bidragshushåll: snitt per månad; plan och ärenden per årsarbetare: vid "
                  "periodens slut.")
    lt = figures["long_term"]
    ws.cell(row=row + 2, column=1,
            value=f"Långvarigt bistånd (10–12 av de tolv månaderna {lt['from']}–{lt['to']}): "
                  f"{lt['households']} hushåll, {lt['adults']} vuxna; andel av den vuxna "
                  "befolkningen:")
    share = ws.cell(row=row + 2, column=10, value=lt["adults_share_of_population"])
    share.number_format = POPULATION_PERCENT
    # The monthly adult share from the December before (the seed's "sedan december").
    row += 4
    ws.cell(row=row, column=1, value="Vuxna med bistånd, andel av den vuxna befolkningen "
                                     "(följs i december och vid varje tertials slut)"
            ).font = Font(bold=True)
    for col, text in enumerate(("Månad", "Vuxna", "Andel", "Folkmängd år", "Varför andel saknas"),
                               start=1):
        cell = ws.cell(row=row + 1, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = fill
    row += 2
    for entry in figures["adults_with_assistance_share_of_population_monthly"]:
        ws.cell(row=row, column=1, value=entry["month"])
        ws.cell(row=row, column=2, value=entry["adults"]).number_format = COUNT
        # No share is an empty cell (column E says why), never text in a number column.
        ws.cell(row=row, column=3, value=entry["share"]).number_format = POPULATION_PERCENT
        # The year as a label beside the month (text, as the month is), not a number.
        ws.cell(row=row, column=4, value=str(entry["population_year"] or "–"))
        ws.cell(row=row, column=5, value=MISSING_SV.get(entry["missing"]))
        row += 1
    row -= 2
    for col, width in zip("ABCDEFGHIJ", (10, 10, 10, 12, 14, 14, 14, 12, 12, 14), strict=True):
        ws.column_dimensions[col].width = width
    last = 3 + len(figures["months"])
    chart = BarChart()
    chart.title = "Bidragshushåll per månad"
    chart.add_data(Reference(ws, min_col=2, min_row=3, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=last))
    chart.legend = None
    ws.add_chart(chart, f"A{row + 3}")
    shares = LineChart()
    shares.title = "Andel inom fem arbetsdagar och med aktuell plan"
    for col in (5, 7):
        shares.add_data(Reference(ws, min_col=col, min_row=3, max_row=last), titles_from_data=True)
    shares.set_categories(Reference(ws, min_col=1, min_row=4, max_row=last))
    shares.y_axis.number_format = "0 %"
    ws.add_chart(shares, f"F{row + 3}")
    files.save_workbook(wb, path, force=overwrite)
    return path
