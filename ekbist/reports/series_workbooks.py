"""Workbooks of the follow-up commands: the caseload history, the handling-time report
and plan coverage, each with its chart.

The rule modules (:mod:`ekbist.caseload`, :mod:`ekbist.handling_time`,
:mod:`ekbist.plan_coverage`) compute; these only lay their results out. Headers follow
the chosen language; the target is checked before anything is written and the file
appears whole or not at all (:mod:`ekbist.files`). openpyxl is imported inside each
writer, so that a command that writes no workbook never loads it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ekbist import cell_formats, files
from ekbist.codes import TOTAL
from ekbist.codes import label as code_label
from ekbist.i18n import N_, _


# -- caseload history -------------------------------------------------------------------
# More lines than this make a chart no one can read; the team means are charted regardless.
CHART_HANDLERS = 40


def write_caseload_history(
    report: dict[str, Any], path: Path | str, *, overwrite: bool = False
) -> Path:
    """The history as a workbook: the matrix, the team means and a line chart of each.

    ``report`` is :func:`ekbist.caseload.history`'s. The per-handler chart is left out
    above ``CHART_HANDLERS`` handlers (give
    ``--team`` for one team's chart); the team-mean chart is always there.

    Headers follow the active language. An existing file is left alone unless
    ``overwrite``: it may be a chief's own workbook.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import LineChart, Reference, Series
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from ekbist.textcells import write_only_row

    path = files.check_new_workbook(path, force=overwrite)
    months = report["months"]
    # Write-only: a city's 800 handlers × 60 months are written in a fraction of the time.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Caseload")[:31])
    first_col = 5  # months start in column E
    last_col = first_col + len(months) - 1
    ws.freeze_panes = f"{get_column_letter(first_col)}2"
    for letter, width in (("A", 16), ("B", 24), ("C", 30), ("D", 10)):
        ws.column_dimensions[letter].width = width
    for i in range(len(months)):
        ws.column_dimensions[get_column_letter(first_col + i)].width = 9
    bold = Font(bold=True)

    def cell(value: Any, *, font: Font | None = None, number_format: str | None = None):
        made = WriteOnlyCell(ws, value=value)
        if font:
            made.font = font
        if number_format:
            made.number_format = number_format
        return made

    row = 0

    def append(values: list[Any]) -> int:
        nonlocal row
        ws.append(write_only_row(ws, values))
        row += 1
        return row

    append([cell(v, font=bold) for v in (_("Handler"), _("Name"), _("Team"), _("FTE"), *months)])
    handler_rows = []
    for h in report["handlers"]:
        at = append([h["id"], h["name"], code_label("team", h["team"]),
                     cell(h["fte"], number_format=cell_formats.FTE),
                     *(cell(v, number_format=cell_formats.COUNT) for v in h["active"])])
        handler_rows.append((at, h["name"]))
    append([])
    append([cell(v, font=bold) for v in (_("Team"), "", "", "", *months)])
    mean_rows = []
    for t in report["teams"]:
        label = code_label("team", t["team"])
        at = append([_("Mean per FTE"), "", label, "",
                     *(cell(v, number_format=cell_formats.DECIMAL) for v in t["mean_per_fte"])])
        mean_rows.append((at, label))
    for t in report["teams"]:
        append([_("Needing cover"), "", code_label("team", t["team"]), "",
                *(cell(v, number_format=cell_formats.COUNT) for v in t["needing_cover"])])
    categories = Reference(ws, min_col=first_col, max_col=last_col, min_row=1, max_row=1)

    def chart(title: str, y_title: str, rows: list[tuple[int, str]]) -> LineChart:
        made = LineChart()
        made.title = title
        made.y_axis.title = y_title
        made.x_axis.title = _("Month")
        made.height, made.width = 10, 26
        for at, name in rows:
            values = Reference(ws, min_col=first_col, max_col=last_col, min_row=at, max_row=at)
            series = Series(values, title=name)
            series.smooth = False  # straight lines between month ends: no invented curves
            made.series.append(series)
        made.set_categories(categories)
        return made

    anchor = row + 3
    if handler_rows and len(handler_rows) <= CHART_HANDLERS:
        ws.add_chart(chart(_("Active cases per handler at month end"), _("Active cases"),
                           handler_rows), f"A{anchor}")
        anchor += 22
    if mean_rows:
        ws.add_chart(chart(_("Team mean per FTE at month end"), _("Cases per FTE"), mean_rows),
                     f"A{anchor}")
    files.save_workbook(wb, path, force=overwrite)
    return path


# -- handling time ------------------------------------------------------------------
_XLSX_COLUMNS = (
    ("decided", N_("Decided"), cell_formats.COUNT),
    ("in_time", N_("In time"), cell_formats.COUNT),
    ("late", N_("Late"), cell_formats.COUNT),
    ("no_clock", N_("No clock"), cell_formats.COUNT),
    ("withdrawn", N_("Withdrawn"), cell_formats.COUNT),
    ("share_in_time", N_("Share in time"), cell_formats.PERCENT),
    ("median_working_days", N_("Median working days"), cell_formats.DECIMAL),
    ("mean_working_days", N_("Mean working days"), cell_formats.DECIMAL),
    ("max_working_days", N_("Max working days"), cell_formats.COUNT),
    ("median_wait_days", N_("Median wait (days)"), cell_formats.DECIMAL),
    ("mean_wait_days", N_("Mean wait (days)"), cell_formats.DECIMAL),
    ("share_wait_over_14", N_("Share waiting over 14 days"), cell_formats.PERCENT),
)
_XLSX_GROUPS = {None: N_("Group"), "handler": N_("Handler"), "team": N_("Team"), "month": N_("Month")}


def write_handling_time(payload: dict[str, Any], months: list[dict[str, Any]],
                        names: dict[str, str], path: Path | str, *,
                        overwrite: bool = False) -> Path:
    """A handling-time report (:func:`ekbist.handling_time.report`) as a new workbook, with
    ``months`` (:func:`ekbist.handling_time.monthly`) on a sheet of its own and the monthly
    share in time as a chart; ``names`` puts each handler's name beside the id.

    The chart always shows months (clock-start month), whatever the grouping of the
    payload. An existing file is refused unless ``overwrite``: it may be the user's.
    """
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    path = files.check_new_workbook(path, force=overwrite)
    bold = Font(bold=True)

    def sheet_rows(ws, start_row: int, header: str, rows: list[dict[str, Any]], total=None) -> int:
        ws.cell(start_row, 1, header).font = bold
        for col, (_key, title, _fmt) in enumerate(_XLSX_COLUMNS, start=2):
            ws.cell(start_row, col, _(title)).font = bold
        row_no = start_row
        for row in [*rows, *([total] if total else [])]:
            row_no += 1
            ws.cell(row_no, 1, row["key"])
            for col, (key, _title, number_format) in enumerate(_XLSX_COLUMNS, start=2):
                cell = ws.cell(row_no, col, row[key])
                cell.number_format = number_format
            if row is total:
                for col in range(1, len(_XLSX_COLUMNS) + 2):
                    ws.cell(row_no, col).font = bold
        ws.column_dimensions["A"].width = 18
        for col in range(2, len(_XLSX_COLUMNS) + 2):
            ws.column_dimensions[ws.cell(start_row, col).column_letter].width = 14
        return row_no

    wb = Workbook()
    ws = wb.active
    ws.title = _("Handling time")[:31]
    ws["A1"] = _("Handling time {first} – {last}").format(first=payload["from"], last=payload["to"])
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _("Deadline: working day {days} from the day the application was complete.").format(
        days=payload["days"])
    groups = payload["groups"]
    if payload.get("by") == "team":
        groups = [{**g, "key": codes.label("team", g["key"])} for g in groups]
    if payload.get("by") == "handler":  # the name beside the id
        groups = [{**g, "key": f"{names[g['key']]} ({g['key']})" if g["key"] in names else g["key"]}
                  for g in groups]
    sheet_rows(ws, 4, _(_XLSX_GROUPS.get(payload.get("by"), N_("Group"))), groups,
               total={**payload["total"], "key": _(TOTAL)})

    ms = wb.create_sheet(_("Per month")[:31])
    last_row = sheet_rows(ms, 1, _("Month"), months)
    if months:
        chart = BarChart()
        chart.type = "col"
        chart.title = _("Share decided in time per month")
        chart.y_axis.title = _("Share in time")
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.number_format = "0 %"
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        share_col = 2 + [k for k, _t, _f in _XLSX_COLUMNS].index("share_in_time")
        chart.add_data(Reference(ms, min_col=share_col, min_row=1, max_row=last_row),
                       titles_from_data=True)
        chart.set_categories(Reference(ms, min_col=1, min_row=2, max_row=last_row))
        chart.legend = None
        chart.width, chart.height = 22, 10
        ms.add_chart(chart, f"A{last_row + 3}")
    files.save_workbook(wb, path, force=overwrite)
    return path


# -- plan coverage ------------------------------------------------------------------
def write_plan_coverage(path: Path | str, result: dict[str, Any], *,
                        by: str | None = None) -> Path:
    """A coverage result (:mod:`ekbist.plan_coverage`, single day or monthly) as a new .xlsx;
    the monthly series gets a line chart of the share. Never overwrites an existing file."""
    path = files.check_new_workbook(path)
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Plan coverage")[:31]
    bold = Font(bold=True)
    monthly = "months" in result
    entries = result["months"] if monthly else [dict(result, month=result["as_of"][:7])]
    header = [_("Month"), _("As of"), _("Eligible cases"), _("With a current change plan"),
              _("Share")]
    sheet.append(header)
    for entry in entries:
        sheet.append([entry["month"], date.fromisoformat(entry["as_of"]), entry["eligible"],
                      entry["current"], entry["share"]])
    for cell in sheet[1]:
        cell.font = bold
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        row[1].number_format = "yyyy-mm-dd"
        row[2].number_format = row[3].number_format = "#,##0"
        row[4].number_format = "0.0 %"
    for column, text in zip("ABCDE", header, strict=True):
        sheet.column_dimensions[column].width = max(11, len(text) + 3)
    sheet.freeze_panes = "A2"
    running = _running_note(result.get("covers"))
    if running:
        _mark_beside(sheet, running)
    if monthly and len(entries) > 1:
        chart = LineChart()
        chart.title = _("Share of cases with a current change plan")
        chart.y_axis.title = _("Share")
        chart.y_axis.number_format = "0 %"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.x_axis.title = _("Month")
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 9, 18
        chart.add_data(Reference(sheet, min_col=5, min_row=1, max_row=len(entries) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(entries) + 1))
        chart.series[0].smooth = False  # a measured figure per month, not a curve
        chart.legend = None
        sheet.add_chart(chart, "G2")
    if by:
        detail = book.create_sheet((_("Per handler") if by == "handler" else _("Per team"))[:31])
        if by == "handler":
            detail.append([_("Month"), _("As of"), _("Handler"), _("Name"), _("Team"),
                           _("Eligible cases"), _("With a current change plan"), _("Share")])
        else:
            detail.append([_("Month"), _("As of"), _("Team"), _("Eligible cases"),
                           _("With a current change plan"), _("Share")])
        for cell in detail[1]:
            cell.font = bold
        for entry in entries:
            for group in entry["by"]:
                team = code_label("team", group["team"])
                lead = [entry["month"], date.fromisoformat(entry["as_of"])]
                if by == "handler":
                    detail.append([*lead, group["handler"], group["name"], team,
                                   group["eligible"], group["current"], group["share"]])
                else:
                    detail.append([*lead, team, group["eligible"], group["current"],
                                   group["share"]])
        for row in detail.iter_rows(min_row=2, max_row=detail.max_row):
            row[1].number_format = "yyyy-mm-dd"
            row[-3].number_format = row[-2].number_format = "#,##0"
            row[-1].number_format = "0.0 %"
        for cell in detail[1]:
            detail.column_dimensions[cell.column_letter].width = max(11, len(cell.value) + 3)
        detail.freeze_panes = "A2"
        if running:
            _mark_beside(detail, running)
    files.save_workbook(book, path)
    return path


def _running_note(covers: dict[str, Any] | None) -> str | None:
    from ekbist.reports.completeness import measured_note

    return measured_note(covers) if covers else None


def _mark_beside(sheet: Any, note: str) -> None:
    """The preliminary note in row 1, one empty column right of the table (above the chart):
    the table keeps its rows, and the note is the first thing seen beside it."""
    from openpyxl.styles import Font

    cell = sheet.cell(row=1, column=sheet.max_column + 2, value=note)
    cell.font = Font(bold=True, color="C00000")
