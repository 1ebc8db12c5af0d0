"""Empty workbooks to fill in: one sheet per kind, ready for Excel and LibreOffice.

A template is what a chief hands the controller, so it explains itself: headers
in the chosen language, the header row frozen, columns wide enough, each column
formatted for its type (dates as dates, months as text so the program does not
turn "2026-03" into a day, kronor without decimals), a drop-down list on every
coded column, and a second sheet describing every column. The lists live on a
hidden sheet so long lists (budget lines) are not limited by Excel's 255
characters for an inline list. The importer passes over both helper sheets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _, language
from ekbist.sheets.cells import column_letter
from ekbist.sheets.declarations import TYPE_LABELS, Column, allowed_values, selected
from ekbist.sheets.exporter import HEADER_FILL, check_target, save_new

TYPE_FORMATS = {"date": "yyyy-mm-dd", "month": "@", "money": "#,##0", "integer": "0", "text": "@"}
LAST_ROW = 1_048_576


def _choices(column: Column, lookups: dict[str, list[str]]) -> list[str]:
    if column.lookup:
        return lookups.get(column.lookup, [])
    return allowed_values(column)


def template(name: str, path: Path | str, *, lookups: dict[str, list[str]] | None = None) -> list[str]:
    """Write an empty workbook for kind ``name`` (or ``all``) to the new file ``path``.

    ``lookups`` gives the values of lookup columns (e.g. the store's budget lines,
    ``{"budget_line.name": [...]}``); without it those columns have no drop-down.
    Returns the sheet names written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    path = check_target(Path(path))
    lookups = lookups or {}
    chosen = [k for k in selected(name) if k.importable]
    if not chosen:
        raise EkbistError(_("{kind} is a report: there is no template to fill in").format(kind=name))
    sv = language() == "sv"
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    lists_sheet = workbook.create_sheet("Listor" if sv else "Lists")
    lists_sheet.sheet_state = "hidden"
    list_columns: dict[tuple, str] = {}
    written = []

    for kind in chosen:
        sheet = workbook.create_sheet(kind.sheet())
        written.append(sheet.title)
        columns = kind.import_columns
        for index, column in enumerate(columns):
            letter = column_letter(index)
            cell = sheet.cell(row=1, column=index + 1, value=column.header())
            cell.font, cell.fill = bold, fill
            dimension = sheet.column_dimensions[letter]
            dimension.width = column.width or max(10, len(column.header()) + 2)
            number_format = column.number_format or TYPE_FORMATS.get(column.type)
            if number_format:
                dimension.number_format = number_format
            choices = _choices(column, lookups)
            if choices:
                ref = _list_range(lists_sheet, list_columns, column, choices)
                validation = DataValidation(type="list", formula1=ref, allow_blank=not column.required)
                validation.errorTitle = column.header()
                _validate(sheet, validation, column, letter, _("Choose a value from the list."))
            elif column.type == "date":
                validation = DataValidation(type="date", operator="between",
                                            formula1="DATE(1990,1,1)", formula2="DATE(2100,12,31)")
                _validate(sheet, validation, column, letter, _("Write a date as YYYY-MM-DD."))
        sheet.freeze_panes = "A2"

    explain = workbook.create_sheet("Kolumner" if sv else "Columns")
    headers = [_("Sheet"), _("Column"), _("Type"), _("Required"), _("Values"), _("Meaning")]
    explain.append(headers)
    for cell in explain[1]:
        cell.font, cell.fill = bold, fill
    for kind in chosen:
        explain.append([kind.sheet(), None, None, None, None, kind.help()])
        explain.cell(row=explain.max_row, column=1).font = bold
        for column in kind.import_columns:
            values = ", ".join(_choices(column, lookups))
            if column.ref:
                values = _("an id on the {sheet} sheet or already in ekbist").format(
                    sheet=_sheet_of(column.ref))
            if column.default is not None and not column.required:
                shown = column.default
                if column.type == "code":
                    shown = dict(zip(
                        [c for c in _codes(column)], allowed_values(column), strict=True)).get(shown, shown)
                if column.type == "boolean":
                    shown = allowed_values(column)[0 if column.default else 1]
                values = (values + "; " if values else "") + _("empty = {value}").format(value=shown)
            explain.append([None, column.header(), _(TYPE_LABELS[column.type]),
                            _("yes") if column.required else "", values, column.help()])
    for letter, width in zip("ABCDEF", (18, 22, 20, 10, 44, 90), strict=True):
        explain.column_dimensions[letter].width = width
    for row in explain.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    explain.freeze_panes = "A2"
    # The lists sheet last, hidden; the first kind's sheet opens first.
    workbook.move_sheet(lists_sheet, offset=len(workbook.sheetnames) - 1)
    workbook.active = 0
    save_new(workbook, path)
    return written



def _validate(sheet, validation, column: Column, letter: str, error: str) -> None:
    """Check a column's cells from row 2 down, with the column's help as the input prompt."""
    validation.error = error
    validation.prompt = column.help()
    validation.promptTitle = column.header()
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.add_data_validation(validation)

def _codes(column: Column) -> list[str]:
    from ekbist import codes

    return list(codes.KINDS[column.codes])


def _sheet_of(kind_name: str) -> str:
    from ekbist.sheets.declarations import kinds

    return kinds()[kind_name].sheet()


def _list_range(sheet: Any, known: dict[tuple, str], column: Column, choices: list[str]) -> str:
    """The absolute range on the hidden lists sheet holding ``choices`` (written once)."""
    key = (column.type, column.codes, column.lookup, tuple(choices))
    if key in known:
        return known[key]
    index = len(known) + 1
    letter = column_letter(index - 1)
    sheet.cell(row=1, column=index, value=column.header())
    for row, value in enumerate(choices, start=2):
        sheet.cell(row=row, column=index, value=value)
    ref = f"'{sheet.title}'!${letter}$2:${letter}${len(choices) + 1}"
    known[key] = ref
    return ref
