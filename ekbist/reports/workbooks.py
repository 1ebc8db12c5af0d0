"""Workbooks of the reports (key figures, year, month): one sheet per part, numbers as numbers.

Headers follow the chosen language. The target sheet colours each verdict (green met,
red not met) with conditional formatting on a 1/0 column, so a target edited in
Excel recolours itself; the households and closures sheets carry charts. Files are
written to a temporary name and renamed (mode 0600): whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekbist.codes import TOTAL
from ekbist.reports.indicators import item_label, share_decimals
from ekbist.reports.targets import OUTCOME_DECIMALS
from ekbist.number_text import round_half_away
from ekbist.codes import label as code_label
from ekbist.i18n import N_, _, ngettext

from ekbist.cell_formats import (
    COUNT,
    DECIMAL,
    FTE,
    PERCENT,
    POPULATION_PERCENT,
    TARGET_PERCENTS,
    TKR,
)
from ekbist.cell_formats import KR as THOUSANDS


def _sheet(wb, title: str, heading: str, headers: list[str], rows: list[list[Any]],
           formats: dict[int, str] | None = None, widths: list[int] | None = None):
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(title[:31])
    ws["A1"] = heading
    ws["A1"].font = Font(bold=True, size=13)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=3, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = fill
    for r, values in enumerate(rows, start=4):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if formats and col in formats:
                cell.number_format = formats[col]
            else:  # the house's count or decimal: grouped, never "General"
                cell.number_format = COUNT if isinstance(value, int) else DECIMAL
    for i, width in enumerate(widths or [14] * len(headers)):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    return ws


def _mark_running(ws, covers: dict[str, Any] | None) -> None:
    """A2 says which months a sheet of a period that is not over covers (preliminary)."""
    from ekbist.reports.completeness import running_note

    note = running_note(covers) if covers else None
    if note:
        from openpyxl.styles import Font

        ws["A2"] = note
        ws["A2"].font = Font(bold=True, color="C00000")


def _new_workbook():
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _save(wb, path: Path, overwrite: bool) -> Path:
    from ekbist import files

    files.check_new_workbook(path, force=overwrite)
    files.save_workbook(wb, path, force=overwrite)
    return path


# Below a sheet with a previous-year column: why a cell of it is empty. The cell is empty
# rather than "–": a number column holds numbers only, so the controller's sums and
# differences in Excel work (a text "–" makes =B4-C4 #VALUE!), and 0 would be a false count.
NOT_REACHED = N_("An empty cell has no figure: the store does not reach back that far, or "
                 "lacks what the figure is divided by (never 0).")


def _note_absent(ws, row: int, values: list[Any]) -> None:
    """Say at ``row`` why the previous-year cells are empty, when one of ``values`` is."""
    if any(v is None for v in values):
        ws.cell(row=row, column=1, value=_(NOT_REACHED))


def _readiness_sheet(wb, a: dict[str, Any]) -> None:
    """Households with assistance per month by activity: full time, part time, exempt, none."""
    _sheet(wb, _("Activity requirement"), _("Households with assistance by activity (full time: {hours} "
                                  "hours a week)").format(hours=f"{a['full_time_hours']:g}"),
           [_("Month"), _("Households"), _("Full time"), _("Part time"), _("Exempt"),
            _("None")],
           [[m["month"], m["households"], m["full_time"], m["part_time"], m["exempt"],
             m["none"]] for m in a["months"]], None, [12, 12, 10, 10, 10, 10])


def _barrier_sheet(wb, figures: dict[str, Any]) -> None:
    """Households and kronor by barrier to self-support, as the text report's table: a
    month's households, or a longer period's a month on average, and the kronor paid."""
    from ekbist.reports.barrier_figures import period_rows

    rows = period_rows(figures)
    one_month = len(figures["months"]) == 1
    ws = _sheet(wb, _("Barriers to self-support"), _("Households by barrier to self-support"),
                [_("Barrier"), _("Households"), _("Paid (kr)")],
                # The average as the text shows it (one decimal), not every digit.
                [[row["label"], row["household_months"] if one_month
                  else round_half_away(row["households_per_month"], 1), row["paid"]]
                 for row in rows],
                {2: COUNT if one_month else DECIMAL, 3: THOUSANDS}, [40, 12, 16])
    note = (_("No households with assistance.") if not rows
            else None if one_month else _("Households: a month on average."))
    if note:
        ws.cell(row=5 + len(rows), column=1, value=note)


def write_year(r: dict[str, Any], path: Path, *, overwrite: bool = False) -> Path:
    """The year report as a workbook: one sheet per part, charts, coloured verdicts."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    path = Path(path)
    from ekbist import files

    files.check_new_workbook(path, force=overwrite)
    y, last = r["year"], r["year"] - 1
    wb = _new_workbook()

    h = r["households"]
    ws = _sheet(wb, _("Households"), _("Households with assistance per month"),
                [_("Month"), str(y), str(last)],
                [[m["month"], m["households"], m["previous"]] for m in h["months"]]
                + [[_("Average"), h["average"], h["previous_average"]]],
                None, [12, 12, 12])
    _note_absent(ws, 6 + len(h["months"]), [m["previous"] for m in h["months"]])
    _mark_running(ws, r.get("covers"))
    n = len(h["months"])
    chart = LineChart()
    chart.title = _("Households with assistance per month")
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=3, max_row=3 + n),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=3 + n))
    ws.add_chart(chart, "E3")

    c = r["closures"]
    ws = _sheet(wb, _("Closures"), _("Cases closed by reason"),
                [_("Reason"), _("Closed"), _("Share"), str(last)],
                [[code_label("close_reason", row["reason"]), row["closed"], row["share"],
                  row["previous"]] for row in c["by_reason"]]
                + [[_(TOTAL), c["total"], None, c["previous_total"]]],
                {3: PERCENT}, [30, 10, 10, 10])
    _note_absent(ws, 6 + len(c["by_reason"]),
                 [row["previous"] for row in c["by_reason"]] + [c["previous_total"]])
    bars = BarChart()
    bars.title = _("Cases closed by reason")
    bars.add_data(Reference(ws, min_col=2, min_row=3, max_row=3 + len(c["by_reason"])),
                  titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=4, max_row=3 + len(c["by_reason"])))
    bars.legend = None
    ws.add_chart(bars, "F3")

    _sheet(wb, _("Long-term"), _("Long-term assistance and young adults"),
           [_("Figure"), str(y), str(last)],
           [[f["label"], f["value"], f["previous"]] for f in r["long_term"]],
           None, [50, 12, 12])
    ws = wb[_("Long-term")[:31]]
    _barrier_sheet(wb, r["barriers"])  # after the closures, as in the text
    _note_absent(ws, 5 + len(r["long_term"]), [f["previous"] for f in r["long_term"]])
    for row, f in enumerate(r["long_term"], start=4):
        if f["unit"] == "share":
            ws.cell(row=row, column=2).number_format = PERCENT
            ws.cell(row=row, column=3).number_format = PERCENT
        if f["unit"] == "share" and share_decimals(f["key"]) == 2:
            ws.cell(row=row, column=2).number_format = POPULATION_PERCENT
            ws.cell(row=row, column=3).number_format = POPULATION_PERCENT

    p = r["plan_coverage"]
    _sheet(wb, _("Plans"), _("Current change plan at the measurement date"),
           [_("Measured on"), _("Eligible cases"), _("With a current plan"), _("Share")],
           [[p["as_of"], p["eligible"], p["current"],
             p["current"] / p["eligible"] if p["eligible"] else None]], {4: PERCENT},
           [14, 14, 18, 10])

    t = r["handling_time"]
    _sheet(wb, _("Handling time"), _("Decided within five working days"),
           [_("Month"), _("Decided"), _("In time"), _("Share")],
           [[m["month"], m["decided"], m["in_time"], m["share_in_time"]] for m in t["months"]]
           + [[_(TOTAL), t["decided"], t["in_time"], t["share_in_time"]]],
           {4: PERCENT}, [12, 10, 10, 10])
    # Beside the five-day rule, as in the text report.
    _contact_sheets(wb, r["contacts"])

    cl = r["caseload"]
    ws = _sheet(wb, _("Caseload"), _("Cases per FTE"),
                [_("Month"), _("Active cases"), _("Full-time equivalents"), _("Cases per FTE")],
                [[m["month"], m["active_cases"], m["fte"], m["cases_per_fte"]]
                 for m in cl["months"]]
                + [[_("Average"), None, None, cl["average_cases_per_fte"]]],
                {3: FTE, 4: DECIMAL}, [12, 12, 10, 14])
    row = 6 + len(cl["months"])
    for key, text in (("lowest", _("Lowest handler")), ("highest", _("Highest handler"))):
        if cl[key]:
            ws.cell(row=row, column=1, value=text)
            ws.cell(row=row, column=2, value=cl[key]["name"])
            ws.cell(row=row, column=4, value=cl[key]["cases_per_fte"]).number_format = DECIMAL
            row += 1

    s = r["staff"]
    ws = _sheet(wb, _("Staff"), _("Staff"), [_("Team"), _("Scheduled working days"),
                                            _("Sick working days"), _("Sick leave")],
                [[code_label("team", tm["team"]), tm["scheduled_days"], tm["sick_days"],
                  tm["sick_leave_share"]] for tm in s["teams"]]
                + [[_(TOTAL), s["scheduled_days"], s["sick_days"], s["sick_leave_share"]]],
                {2: DECIMAL, 3: DECIMAL, 4: PERCENT}, [30, 16, 16, 12])
    row = 6 + len(s["teams"])
    for text, value, fmt in ((_("Sick leave days 1–14 of each spell"),
                              s["sick_leave_day_1_14_share"], PERCENT),
                             (_("Share of sick days in spells of 1–14 days"),
                              s["short_spell_share"], PERCENT),
                             (_("Handlers who left"), s["leavers"], COUNT),
                             (_("Employed on average"), s["average_employed"], FTE),
                             (_("Staff turnover"), s["turnover_share"], PERCENT)):
        ws.cell(row=row, column=1, value=text)
        ws.cell(row=row, column=4, value=value).number_format = fmt
        row += 1

    if "activity_readiness" in r:
        _readiness_sheet(wb, r["activity_readiness"])

    b = r["budget"]
    if b is not None:
        ws = _sheet(wb, _("Budget"), _("Budget result (tkr)"),
               [_("Activity"), _("Net budget"), _("Net outcome"), _("Result")],
               [[a["activity"], a["budget_net_tkr"], a["outcome_net_tkr"], a["result_tkr"]]
                for a in b["activities"]]
               + [[_(TOTAL), b["total"]["budget_net_tkr"], b["total"]["outcome_net_tkr"],
                   b["total"]["result_tkr"]]],
               {2: TKR, 3: TKR, 4: TKR}, [40, 14, 14, 12])
        scores = b.get("prognosis_accuracy")
        if scores and scores["months"]:
            from ekbist.money import to_tkr
            from ekbist.prognosis import month_label

            at = ws.max_row + 2
            ws.cell(row=at, column=1, value=_("Prognosis accuracy {year}: the net of each saved "
                                              "prognosis against the outcome (tkr)").format(
                year=scores["year"]))
            at += 1
            for col, text in enumerate((_("Month"), _("Prognosis"), _("Error"), _("Error %")), 1):
                ws.cell(row=at, column=col, value=text)
            for m in scores["months"]:
                at += 1
                ws.cell(row=at, column=1, value=month_label(scores["year"], m["month"]))
                ws.cell(row=at, column=2, value=to_tkr(m["prognosis_net"])).number_format = TKR
                ws.cell(row=at, column=3, value=to_tkr(m["error"])).number_format = TKR
                ws.cell(row=at, column=4, value=m["error_share"]).number_format = PERCENT

    tg = r["targets"]
    rows = []
    for tr in tg["targets"]:
        # A per-cent value as the fraction Excel shows as per cent, rounded again after the
        # division: 41.3462 / 100 is 0.4134620000000001 in binary, and the controller
        # sees every digit of a cell's value in the formula bar.
        shown = (lambda v: None if v is None else round(v / 100, OUTCOME_DECIMALS + 2)) \
            if tr["unit"] == "percent" else (lambda v: v)
        rows.append([tr["label"], _("at least") if tr["direction"] == "at_least" else
                     _("at most"), shown(tr["target"]), shown(tr["outcome"]),
                     None if tr["met"] is None else int(tr["met"]),
                     _("no outcome") if tr["met"] is None else
                     (_("met") if tr["met"] else _("not met"))])
        rows[-1] += [tr["goal"], shown(tr["men"]), shown(tr["women"]), shown(tr["previous"]),
                     shown(tr["city_target"]), tr["period"]]
    ws = _sheet(wb, _("Targets"), _("Targets {year}").format(year=y),
                [_("Target"), _("Direction"), _("Target value"), _("Outcome"), _("Met (1/0)"),
                 _("Verdict"), _("Goal id"), _("Men"), _("Women"), str(last), _("City's target"),
                 _("Period")], rows, None, [44, 10, 14, 14, 10, 14, 10, 10, 10, 10, 12, 10])
    for i, tr in enumerate(tg["targets"], start=4):
        if tr["unit"] == "percent":
            ws.cell(row=i, column=3).number_format = TARGET_PERCENTS[tr["target_decimals"]]
            # Men and women of a computed figure with the decimals of its outcome, last
            # year's outcome with its own.
            outcome_cols = (4,) if tr["manual"] else (4, 8, 9)
            for col in (4, 8, 9, 11):
                ws.cell(row=i, column=col).number_format = TARGET_PERCENTS[
                    tr["outcome_decimals"] if col in outcome_cols else tr["target_decimals"]]
            ws.cell(row=i, column=10).number_format = TARGET_PERCENTS[tr["previous_decimals"]]
    last_row = 3 + len(rows)
    ws.cell(row=last_row + 2, column=1,
            value=ngettext("{n} of {m} target met.", "{n} of {m} targets met.", tg["total"]).format(
                n=tg["met"], m=tg["total"]))
    if rows:
        span = f"A4:F{last_row}"
        ws.conditional_formatting.add(span, FormulaRule(
            formula=["$E4=1"], fill=PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")))
        ws.conditional_formatting.add(span, FormulaRule(
            formula=["$E4=0"], fill=PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")))
    wb.move_sheet(ws, offset=-(len(wb.sheetnames) - 1))
    _goal_sheets(wb, r)
    # The annual report's order: long-term assistance before the closures.
    wb.move_sheet(_("Long-term")[:31], offset=-1)
    return _save(wb, path, overwrite)


def _goal_sheets(wb, r: dict[str, Any]) -> None:
    """The goals (level, wording, verdict, proposal, expected result, analysis) and their
    activities as the workbook's first sheets, the conclusion under the goals."""
    from openpyxl.styles import Alignment

    from ekbist.reports.goals import conclusion_lines

    found = r.get("goals") or {"goals": []}
    if not found["goals"]:
        return
    rows = [[code_label("goal_level", g["level"]), "  " * g["depth"] + g["wording"],
             code_label("goal_verdict", g["verdict"]) or None,
             code_label("goal_verdict", g["proposal"]) or None, g["reason"], g["key"],
             g["parent"], g["expected"], g["analysis"]] for g in found["goals"]]
    goals_ws = _sheet(wb, _("Goals and their fulfilment"),
                      _("Goals and their fulfilment") + f" {r['year']}",
                      [_("Level"), _("Goal"), _("Verdict"), _("Proposed"),
                       _("Reason for the verdict"), _("Goal id"), _("Under goal"),
                       _("Expected result"), _("Analysis")],
                      rows, None, [10, 60, 16, 16, 40, 10, 10, 60, 80])
    for row in goals_ws.iter_rows(min_row=4, min_col=2, max_col=9):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, line in enumerate(conclusion_lines(found["conclusion"], found["goals"])):
        goals_ws.cell(row=5 + len(rows) + i, column=1, value=line)
    acts = [[g["key"], a["activity"], a["start"], a["end"],
             code_label("activity_status", a["status"])]
            for g in found["goals"] for a in g["activities"]]
    acts_ws = _sheet(wb, _("Activities"), _("Activities"),
                     [_("Goal id"), _("Activity of the goal"), _("Start"), _("End"), _("Status")],
                     acts, None, [10, 80, 12, 12, 12])
    wb.move_sheet(acts_ws, offset=-(len(wb.sheetnames) - 1))
    wb.move_sheet(goals_ws, offset=-(len(wb.sheetnames) - 1))


def _contact_sheets(wb, figures: dict[str, Any]) -> None:
    """The promises of access kept and the wait for a first visit (the figures of
    :mod:`ekbist.reports.contacts`), two sheets as the text report's two sections: the
    wait month by month and in total when ``figures`` has ``months`` (the year), else the
    period's one row (the month)."""
    from ekbist.reports.contacts import PROMISE_LABELS

    promises = figures["promises"]
    ws = _sheet(wb, _("Promises kept"), _("Promises of access kept"),
                [_("Promise"), _("Settled"), _("Kept"), _("Share")],
                [[_(label), promises[key]["settled"], promises[key]["kept"],
                  promises[key]["share_kept"]] for key, label in PROMISE_LABELS.items()],
                {4: PERCENT}, [40, 10, 10, 10])
    ws.cell(row=5 + len(PROMISE_LABELS), column=1,
            value=_("A contact counts once it is settled: answered, or its deadline passed "
                    "unanswered. The deadlines are in the settings (contacts.*)."))

    def row(name: str, fig: dict[str, Any]) -> list[Any]:
        every, children = fig["first_visit"]["all"], fig["first_visit"]["children"]
        return [name, every["visits"], every["mean_days"], every["median_days"],
                children["visits"], children["mean_days"], children["median_days"]]

    months = figures.get("months")
    rows = [row(m["month"], m) for m in months or []]
    rows.append(row(_(TOTAL) if months is not None else figures["from"][:7], figures))
    ws = _sheet(wb, _("First visit"), _("Days from request to first visit"),
                [_("Month"), _("Visits"), _("Mean"), _("Median"),
                 _("Visits, families with children"), _("Mean, families with children"),
                 _("Median, families with children")],
                rows, {3: DECIMAL, 4: DECIMAL, 6: DECIMAL, 7: DECIMAL},
                [12, 10, 10, 10, 16, 16, 16])
    ws.cell(row=5 + len(rows), column=1, value=_(
        "Calendar days from the request to the visit held, for the visits held in the period; "
        "{n} requests were still waiting on {date}.").format(
        n=figures["first_visit"]["waiting"], date=figures["to"]))


def write_month(r: dict[str, Any], path: Path, *, overwrite: bool = False) -> Path:
    """The monthly key-figure sheet, and the promises of access kept and the wait for a
    first visit on a sheet each (as the text report's sections)."""
    from ekbist import files

    path = Path(path)
    files.check_new_workbook(path, force=overwrite)
    wb = _new_workbook()
    h, p = r["households"], r["prognosis"]
    rows: list[list[Any]] = [
        [_("Households with assistance"), h["this_month"], COUNT],
        [_("Same month last year"), h["same_month_last_year"], COUNT],
        [_("Assistance paid for the month (kr)"), r["paid"]["month"], THOUSANDS],
        [_("Assistance paid, year to date (kr)"), r["paid"]["year_to_date"], THOUSANDS],
        [_("Cases per FTE at the month's end"), r["cases_per_fte"], DECIMAL],
        [_("Decided within five working days"), r["share_in_time"], PERCENT],
        [_("Current change plan at the month's end"), r["plan_share"], PERCENT],
    ]
    if p is not None:
        rows += [[_("Net budget (tkr)"), p["budget_net_tkr"], TKR],
                 [_("Net prognosis (tkr)"), p["prognosis_net_tkr"], TKR],
                 [_("Deviation (tkr)"), p["deviation_tkr"], TKR]]
    heading = _("Key figures {year}-{month:02d}").format(year=r["year"], month=r["month"])
    if not r.get("complete", True):
        heading += " " + _("(preliminary: {days} of {in_month} days)").format(
            days=r["days"], in_month=r["days_in_month"])
    ws = _sheet(wb, _("Key figures"), heading,
                [_("Figure"), _("Value")], [row[:2] for row in rows], None, [44, 16])
    for i, row in enumerate(rows, start=4):
        if row[2] and isinstance(row[1], int | float):
            ws.cell(row=i, column=2).number_format = row[2]
    _note_absent(ws, 5 + len(rows), [h["same_month_last_year"]])
    _contact_sheets(wb, r["contacts"])
    _barrier_sheet(wb, r["barriers"])
    return _save(wb, path, overwrite)


def write_indicators(data: dict[str, Any], path: Path | str, *, overwrite: bool = False) -> Path:
    """The figures as a table (label, value, previous, unit, definition) and a chart of
    households per month, this period against the same months a year earlier.

    Written to a temporary name beside ``path`` and renamed (mode 0600), never over a
    file unless ``overwrite``.
    """
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    from ekbist import files

    path = Path(path)
    files.check_new_workbook(path, force=overwrite)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Key figures")[:31]
    ws["A1"] = _("Key figures {first}–{last} (previous: {pfirst}–{plast})").format(
        first=data["from"], last=data["to"], pfirst=data["previous_from"],
        plast=data["previous_to"])
    ws["A1"].font = Font(bold=True, size=14)
    _mark_running(ws, data.get("covers"))
    heads = (_("Key"), _("Figure"), _("Item"), _("Value"), _("Previous"), _("Unit"),
             _("Definition"))
    for col, text in enumerate(heads, start=1):
        ws.cell(row=3, column=col, value=text).font = Font(bold=True)
    row, absent = 4, False
    formats = {"share": PERCENT, "kr": THOUSANDS}

    def put(key: str, label: str, item: str, value: Any, previous: Any, unit: str,
            definition: str) -> None:
        nonlocal row, absent
        absent = absent or previous is None
        shown = (key, label, item_label(key, item), value, previous,
                 code_label("figure_unit", unit), definition)
        for col, cell_value in enumerate(shown, start=1):
            cell = ws.cell(row=row, column=col, value=cell_value)
            if col in (4, 5) and isinstance(cell_value, int | float):
                # A count grouped ("1 000" in Swedish Excel), an average with one decimal.
                fmt = formats.get(unit)
                if unit == "share" and share_decimals(key) == 2:
                    fmt = POPULATION_PERCENT
                cell.number_format = fmt or (
                    COUNT if isinstance(cell_value, int) else DECIMAL)
        row += 1

    for f in data["figures"]:
        value, previous = f["value"], f["previous"]
        if isinstance(value, list):
            for now, before in zip(value, previous, strict=True):
                put(f["key"], f["label"], now["month"], now["households"], before["households"],
                    f["unit"], f["definition"])
        elif isinstance(value, dict):
            for item in value:
                put(f["key"], f["label"], item, value[item], previous.get(item), f["unit"],
                    f["definition"])
        else:
            put(f["key"], f["label"], "", value, previous, f["unit"], f["definition"])
    _note_absent(ws, row + 1, [None] if absent else [])
    for col, width in zip("ABCDEFG", (36, 44, 14, 14, 14, 11, 90), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"

    chart_ws = wb.create_sheet(_("Households per month")[:31])
    months = next(f for f in data["figures"] if f["key"] == "households_per_month")
    chart_ws.append([_("Month"), f"{data['from']}–{data['to']}",
                     f"{data['previous_from']}–{data['previous_to']}"])
    for now, before in zip(months["value"], months["previous"], strict=True):
        chart_ws.append([f"{now['month']} / {before['month']}", now["households"],
                         before["households"]])
        for cell in chart_ws[chart_ws.max_row][1:]:
            cell.number_format = COUNT
    last = 1 + len(months["value"])
    chart = LineChart()
    chart.title = _("Households with assistance, per month")
    chart.y_axis.title = _("Households")
    chart.add_data(Reference(chart_ws, min_col=2, max_col=3, min_row=1, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(chart_ws, min_col=1, min_row=2, max_row=last))
    chart.width, chart.height = 24, 12
    chart_ws.add_chart(chart, "E2")
    chart_ws.column_dimensions["A"].width = 20
    files.save_workbook(wb, path, force=overwrite)
    return path
