"""The prognosis workbook: the month's prognosis in the controller's layout, in tkr.

``ekbist prognosis export`` writes it (:func:`write_prognosis`), the tertial report
builds on it (:func:`prognosis_workbook`), and it comes back through ``ekbist import``
with the controller's edits (:mod:`ekbist.sheets.prognosis_sheet`, which reads it by the
names defined here). One sheet 'Prognos' with a block per activity (Rad, Budget, Utfall
ackumulerat, Prognos helår, Avvikelse, Kommentar, Metod), a summary sheet, and a hidden
sheet keeping the prognosis as written, so that an import can tell the controller's edits
from what the store has moved on to. :func:`figure_role` reads such headers, in the words
a controller may use for them, here and in the controller's own workbook
(:mod:`ekbist.sheets.prognosis_into`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekbist import files
from ekbist.budget import net
from ekbist.cell_formats import PERCENT, TKR
from ekbist.codes import FORECAST_METHODS, PROGNOSIS_METHODS, TOTAL_SV
from ekbist.money import to_tkr
from ekbist.prognosis import deviation
from ekbist.sheets.wide_sheet import header_key

SV_HEADERS = ("Rad", "Budget", "Utfall ackumulerat", "Prognos helår", "Avvikelse", "Kommentar")
# The prognosis workbook also says how each line was forecast, so that the controller can
# change it and the workbook can come back (ekbist.sheets.prognosis_sheet).
METHOD_HEADER = "Metod"
METHOD_CODES = (*FORECAST_METHODS, "manual")
# With ``prognosis make --method best`` each line's backtest error stands beside its method
# (a share, shown in per cent): how far that method has been from the outcome at this month
# of the year. The import reads past it.
BACKTEST_HEADER = "Efterhandsfel"
SV_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december")

# The export keeps what it wrote in a hidden sheet, so that an import can tell the cells the
# controller changed from those the store has moved on from (a second import of the same file
# changes nothing more). Without it the workbook is compared with the store alone.
EXPORTED_SHEET = "ekbist"
EXPORTED_HEADER = ("Verksamhet", "Rad", "Prognos (kr)", "Metod", "Kommentar")
# Exports made before the glossary said "verksamhet" head the sheet "Aktivitet"; still read.
EXPORTED_HEADERS_READ = (EXPORTED_HEADER, ("Aktivitet", *EXPORTED_HEADER[1:]))

# The figures of the prognosis by the words a controller may head their columns with.
FIGURE_HEADERS: dict[str, set[str]] = {
    "budget": {"budget", "budget helår", "årsbudget", "budget år", "helårsbudget", "budget ytd"},
    "actual_ytd": {"utfall ackumulerat", "utfall ack", "ackumulerat utfall", "utfall hittills",
                   "utfall", "utfall hittills i år", "utfall perioden", "utfall ackumulerad",
                   "actual ytd", "actual year to date", "actuals ytd", "actual to date",
                   "actuals year to date", "ack utfall"},
    "prognosis": {"prognos helår", "prognos", "helårsprognos", "prognos år", "prognos hela året",
                  "årsprognos", "full-year prognosis", "full year prognosis", "prognosis",
                  "forecast", "full-year forecast", "full year forecast", "prognosis full year"},
    "deviation": {"avvikelse", "avvikelse mot budget", "prognostiserad avvikelse",
                  "avvikelse helår", "budgetavvikelse", "deviation", "variance",
                  "deviation from budget"},
    "comment": {"kommentar", "kommentarer", "kommentar till avvikelse", "analys", "comment",
                "comments", "note", "notes"},
}
FIGURE_NAMES = {
    "budget": "Budget",
    "actual_ytd": "Utfall ackumulerat",
    "prognosis": "Prognos helår",
    "deviation": "Avvikelse",
    "comment": "Kommentar",
}


def figure_role(value: Any) -> str | None:
    """The figure a column header names (budget, actual, prognosis…), or None: the controller's
    template and the prognosis workbook read their headers by the same words."""
    if not isinstance(value, str):
        return None
    key = header_key(value)
    for role, words in FIGURE_HEADERS.items():
        if key in words:
            return role
    return None


def write_prognosis(result: dict[str, Any], path: Path, *, overwrite: bool = False) -> Path:
    """The prognosis as the controller's workbook: one block per activity, in tkr, with a chart.

    A hidden sheet keeps the prognosis as written, so that the workbook can come back
    through ``ekbist import`` with exactly the controller's edits.

    Each line's figures are its kronor rounded to tkr; each sum row is the sum of the
    kronor rounded once, so a sum may differ by 1 from the sum of the rounded lines.
    """
    path = Path(path)
    files.check_new_workbook(path, force=overwrite)
    workbook = prognosis_workbook(result)
    add_exported_sheet(workbook, result)
    files.save_workbook(workbook, path, force=overwrite)
    return path


def prognosis_workbook(result: dict[str, Any]):
    """The workbook of :func:`write_prognosis`, for a caller that adds sheets before saving."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    year, month = result["year"], result["month"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Prognos"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    thin = Side(style="thin", color="7F7F7F")
    number = TKR
    ws["A1"] = f"Prognos {year} – utfall till och med {SV_MONTHS[month - 1]}"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    ws["A2"] = "Beloppen anges i tkr"
    ws["A2"].font = Font(italic=True)
    if result.get("saved_on"):
        ws["A3"] = f"Sparad {result['saved_on']}"
    if result.get("missing_actuals"):
        months: dict[int, list[str]] = {}
        for m in result["missing_actuals"]:
            months.setdefault(m["month"], []).append(m["activity"])
        ws["A4"] = "Gjord utan utfall för " + "; ".join(
            f"{SV_MONTHS[m - 1]} {year} ({', '.join(names)})" for m, names in sorted(months.items())
        )
        ws["A4"].font = Font(bold=True, color="C00000")
    for col, width in zip("ABCDEFGH", (40, 14, 20, 16, 14, 60, 16, 14), strict=True):
        ws.column_dimensions[col].width = width
    backtest = any(x.get("backtest_error") is not None for x in result["lines"])
    headers = (*SV_HEADERS, METHOD_HEADER, *((BACKTEST_HEADER,) if backtest else ()))
    from openpyxl.worksheet.datavalidation import DataValidation

    # The workbook is in Swedish: the methods by their Swedish words (the import takes
    # the codes too).
    words = [PROGNOSIS_METHODS[code][1] for code in METHOD_CODES]
    methods = DataValidation(type="list", formula1='"' + ",".join(words) + '"',
                             allow_blank=False)
    methods.error = ", ".join(words)
    ws.add_data_validation(methods)

    def figures(row: int, values: tuple[int, int, int, int], *, strong: bool = False) -> None:
        for col, value in zip((2, 3, 4, 5), values, strict=True):
            cell = ws.cell(row=row, column=col, value=value)
            cell.number_format = number
            if strong:
                cell.font = bold

    r = 5
    for block in result["activities"]:
        name = block["activity"]
        mine = [x for x in result["lines"] if x["activity"] == name]
        ws.cell(row=r, column=1, value=f"Verksamhet: {name}").font = Font(bold=True, size=12)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        r += 1
        for col, text in enumerate(headers, start=1):
            cell = ws.cell(row=r, column=col, value=text)
            cell.font = bold
            cell.fill = header_fill
            cell.border = Border(bottom=thin)
            if col > 1 and col < 6:
                cell.alignment = Alignment(horizontal="right")
        chart_top = r
        r += 1
        first_line_row = r
        for kind, group, sum_label in (("revenue", "Intäkter", "Summa intäkter"),
                                       ("cost", "Kostnader", "Summa kostnader")):
            ws.cell(row=r, column=1, value=group).font = Font(italic=True)
            r += 1
            of_kind = [x for x in mine if x["kind"] == kind]
            for line in of_kind:
                ws.cell(row=r, column=1, value=line["line"])
                figures(r, (to_tkr(line["budget"]), to_tkr(line["actual_ytd"]), to_tkr(line["prognosis"]),
                            to_tkr(line["deviation"])))
                comment = ws.cell(row=r, column=6, value=line["comment"])
                comment.alignment = Alignment(wrap_text=True, vertical="top")
                ws.cell(row=r, column=7, value=PROGNOSIS_METHODS[line["method"]][1])
                methods.add(f"G{r}")
                if line.get("backtest_error") is not None:
                    ws.cell(row=r, column=8, value=line["backtest_error"]).number_format = PERCENT
                r += 1
            budget_sum = sum(x["budget"] for x in of_kind)
            prognosis_sum = sum(x["prognosis"] for x in of_kind)
            better = deviation(kind, budget_sum, prognosis_sum)
            ws.cell(row=r, column=1, value=sum_label).font = bold
            figures(r, (to_tkr(budget_sum), to_tkr(sum(x["actual_ytd"] for x in of_kind)),
                        to_tkr(prognosis_sum), to_tkr(better)), strong=True)
            r += 1
        last_line_row = r - 1
        net_row = r
        ws.cell(row=r, column=1, value="Summa netto").font = bold
        figures(r, (to_tkr(block["budget_net"]), to_tkr(net(mine, "actual_ytd")[2]),
                    to_tkr(block["prognosis_net"]), to_tkr(block["deviation"])), strong=True)
        for col in range(1, 7):
            ws.cell(row=r, column=col).border = Border(top=thin)
        r += 1
        ws.cell(row=r, column=1, value="Budgetföljsamhet")
        if block["adherence"] is not None:
            cell = ws.cell(row=r, column=4, value=block["adherence"])
            cell.number_format = PERCENT
        r += 2
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.title = f"{name}: budget och prognos (tkr)"
        chart.y_axis.title = "tkr"
        data_rows = [row for row in range(first_line_row, last_line_row + 1)
                     if isinstance(ws.cell(row=row, column=2).value, int)]
        if data_rows:
            low, high = first_line_row, net_row
            categories = Reference(ws, min_col=1, min_row=low, max_row=high)
            for col in (2, 4):
                series_ref = Reference(ws, min_col=col, min_row=chart_top, max_row=high)
                chart.add_data(series_ref, titles_from_data=True)
            chart.set_categories(categories)
            chart.height = max(7.5, 0.5 * (high - low + 1))
            chart.width = 18
            ws.add_chart(chart, f"{'I' if backtest else 'H'}{chart_top}")
            r = max(r, chart_top + int(chart.height / 0.5) + 1)

    total = result["total"]
    ws.cell(row=r, column=1, value="Totalt, alla verksamheter").font = Font(bold=True, size=12)
    r += 1
    for col, text in enumerate(SV_HEADERS[:5], start=1):
        cell = ws.cell(row=r, column=col, value=text)
        cell.font = bold
        cell.fill = header_fill
    r += 1
    all_lines = result["lines"]
    rev = [x for x in all_lines if x["kind"] == "revenue"]
    cost = [x for x in all_lines if x["kind"] == "cost"]
    for label, rows_, kind in (("Summa intäkter", rev, "revenue"), ("Summa kostnader", cost, "cost")):
        b, p = sum(x["budget"] for x in rows_), sum(x["prognosis"] for x in rows_)
        ws.cell(row=r, column=1, value=label).font = bold
        figures(r, (to_tkr(b), to_tkr(sum(x["actual_ytd"] for x in rows_)), to_tkr(p),
                    to_tkr(deviation(kind, b, p))), strong=True)
        r += 1
    ws.cell(row=r, column=1, value="Summa netto").font = bold
    figures(r, (to_tkr(total["budget_net"]), to_tkr(net(all_lines, "actual_ytd")[2]),
                to_tkr(total["prognosis_net"]), to_tkr(total["deviation"])), strong=True)
    r += 1
    ws.cell(row=r, column=1, value="Budgetföljsamhet")
    if total["adherence"] is not None:
        ws.cell(row=r, column=4, value=total["adherence"]).number_format = PERCENT
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    summary = wb.create_sheet("Sammanställning")
    summary["A1"] = f"Prognos {year} per verksamhet – utfall till och med {SV_MONTHS[month - 1]} (tkr)"
    summary["A1"].font = Font(bold=True, size=12)
    heads = ("Verksamhet", "Budget netto", "Prognos netto", "Avvikelse", "Budgetföljsamhet")
    for col, text in enumerate(heads, start=1):
        cell = summary.cell(row=3, column=col, value=text)
        cell.font = bold
        cell.fill = header_fill
    row = 4
    for block in result["activities"]:
        summary.cell(row=row, column=1, value=block["activity"])
        for col, value in ((2, to_tkr(block["budget_net"])), (3, to_tkr(block["prognosis_net"])),
                           (4, to_tkr(block["deviation"]))):
            summary.cell(row=row, column=col, value=value).number_format = number
        if block["adherence"] is not None:
            summary.cell(row=row, column=5, value=block["adherence"]).number_format = PERCENT
        row += 1
    summary.cell(row=row, column=1, value=TOTAL_SV).font = bold
    for col, value in ((2, to_tkr(total["budget_net"])), (3, to_tkr(total["prognosis_net"])),
                       (4, to_tkr(total["deviation"]))):
        cell = summary.cell(row=row, column=col, value=value)
        cell.number_format = number
        cell.font = bold
    if total["adherence"] is not None:
        summary.cell(row=row, column=5, value=total["adherence"]).number_format = PERCENT
    for col, width in zip("ABCDE", (40, 16, 16, 14, 18), strict=True):
        summary.column_dimensions[col].width = width
    if result["activities"]:
        chart = BarChart()
        chart.grouping = "clustered"
        chart.title = "Netto per verksamhet: budget och prognos (tkr)"
        chart.add_data(Reference(summary, min_col=2, max_col=3, min_row=3, max_row=row - 1),
                       titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=1, min_row=4, max_row=row - 1))
        chart.width = 20
        chart.height = 9
        summary.add_chart(chart, f"A{row + 2}")
    return wb


def add_exported_sheet(workbook, result: dict[str, Any]) -> None:
    """Keep the prognosis as exported in a hidden sheet of the openpyxl ``workbook``."""
    ws = workbook.create_sheet(EXPORTED_SHEET)
    ws.sheet_state = "hidden"
    ws.append(list(EXPORTED_HEADER))
    for r in result["lines"]:
        # The method as the Prognos sheet shows it (a Swedish word); read back by its word or code.
        method = PROGNOSIS_METHODS.get(r["method"], (None, r["method"]))[1]
        ws.append([r["activity"], r["line"], r["prognosis"], method, r["comment"]])
