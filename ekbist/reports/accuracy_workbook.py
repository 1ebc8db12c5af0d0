"""The prognosis accuracy workbook: month by month, the net prognosis against the outcome.

:func:`ekbist.prognosis_accuracy.accuracy` computes; this lays it out for the controller:
a sheet with the unit's net per saved month (prognosis, outcome, error in tkr and per
cent) and a line chart of prognosis against outcome, and a sheet with every line's
prognosis and error per saved month. Headers follow the active language; the file
appears whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekbist import cell_formats, files
from ekbist.i18n import _
from ekbist.money import to_tkr
from ekbist.months import MONTH_NAMES as MONTHS
from ekbist.prognosis_accuracy import preliminary_note


def write_accuracy(report: dict[str, Any], path: Path | str, *, overwrite: bool = False) -> Path:
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    path = files.check_new_workbook(path, force=overwrite)
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Accuracy")[:31]
    year = report["year"]
    ws["A1"] = _("Prognosis accuracy {year}: the net of each saved prognosis against the "
                 "outcome (tkr)").format(year=year)
    ws["A1"].font = bold
    ws["A2"] = (_("Outcome complete: all twelve months booked.") if report["complete"] else
                preliminary_note(year, report["outcome_through"]))
    headers = [_("Month"), _("Prognosis"), _("Outcome"), _("Error"), _("Error %"), _("Budget")]
    ws.append([])
    ws.append(headers)
    for cell in ws[4]:
        cell.font = bold
    total = report["total"]
    for m in total["by_month"]:
        ws.append([_(MONTHS[m["month"] - 1]), to_tkr(m["prognosis"]), to_tkr(total["outcome_net"]),
                   to_tkr(m["error"]), m["error_share"], to_tkr(m["budget_net"])])
        ws.cell(ws.max_row, 5).number_format = cell_formats.PERCENT
    last = ws.max_row
    ws.append([])
    ws.append([_("Mean absolute percentage error"), total["mape"]])
    ws.cell(ws.max_row, 2).number_format = cell_formats.PERCENT
    ws.append([_("Bias"), total["bias"]])
    ws.cell(ws.max_row, 2).number_format = cell_formats.PERCENT
    for letter, width in (("A", 34), ("B", 12), ("C", 12), ("D", 12), ("E", 10), ("F", 12)):
        ws.column_dimensions[letter].width = width
    if last >= 5:
        chart = LineChart()
        chart.title = _("Net prognosis against the outcome (tkr)")
        chart.x_axis.title = _("Month")
        chart.height, chart.width = 9, 20
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=4, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=last))
        for series in chart.series:
            series.smooth = False
        ws.add_chart(chart, "H4")

    lines = wb.create_sheet(_("Per line")[:31])
    months = report["months"]
    lines.append([_("Activity"), _("Line"), _("Outcome"), _("Mean absolute percentage error"),
                  _("Bias"), *(_(MONTHS[m - 1]) for m in months)])
    for cell in lines[1]:
        cell.font = bold
    for line in report["lines"]:
        by_month = {m["month"]: m for m in line["by_month"]}
        lines.append([line["activity"], line["line"], to_tkr(line["outcome"]), line["mape"],
                      line["bias"], *(to_tkr(by_month[m]["prognosis"]) if m in by_month else None
                                      for m in months)])
        for col in (4, 5):
            lines.cell(lines.max_row, col).number_format = cell_formats.PERCENT
    lines.column_dimensions["A"].width = 30
    lines.column_dimensions["B"].width = 34
    files.save_workbook(wb, path, force=overwrite)
    return path
