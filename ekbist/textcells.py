"""No live formula leaves ekbist: text that a spreadsheet would run is written as text.

A handler's name, a budget activity or a closed day's reason is whatever someone
typed. If it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
Excel and LibreOffice may take it for a formula (``=HYPERLINK(…)``,
``=cmd|'/C calc'!A0``) when the controller opens the file. Every workbook writer
passes its cells through here, and CSV output is neutralised the way OWASP
recommends for CSV injection: such a field gets a leading single quote.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    """True for text a spreadsheet could run as a formula or a DDE call."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(cell: Any) -> Any:
    """Make an openpyxl cell holding formula-like text a plain text cell; returns the cell."""
    if formula_like(cell.value):
        cell.data_type = "s"
    return cell


def write_only_value(sheet: Any, value: Any) -> Any:
    """A value for a write-only sheet's ``append``: formula-like text as a text cell."""
    if not formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def write_only_row(sheet: Any, row: Iterable[Any]) -> list[Any]:
    """A row for a write-only sheet with every formula-like text made a text cell."""
    return [write_only_value(sheet, v) if v.__class__ is str and v[:1] in FORMULA_STARTS else v
            for v in row]


def workbook_as_text(workbook: Any) -> None:
    """Every formula-like text cell of a workbook ekbist built itself becomes a text cell.

    Call just before saving a workbook whose every cell ekbist wrote; a user's workbook
    written into (``--into``) keeps its own formulas and marks its new cells with
    :func:`as_text` instead.
    """
    for sheet in workbook.worksheets:
        # The stored cells only (iter_rows would create every empty cell of the range).
        for cell in getattr(sheet, "_cells", {}).values():
            if cell.data_type == "f" or formula_like(cell.value):
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def csv_field(value: Any) -> Any:
    """A CSV field that no spreadsheet will run: formula-like text gets a leading quote."""
    if formula_like(value):
        return "'" + value
    return value


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """CSV as ekbist writes it (RFC 4180 quoting, one LF after each record): a field holding
    the delimiter, a quote, a CR or a LF is quoted, so no spreadsheet splits a record; every
    field goes through :func:`csv_field`, so no formula-like text is live.

    The csv module quotes for the line terminator it writes; asked for "\n" it would leave a
    lone CR bare. So each record is written with "\r\n" (which makes it quote both) and ends
    with "\n" instead: the line breaks inside quoted fields are the data's own.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out = []
    for record in itertools.chain([header], rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_field(v) for v in record])
        out.append(buffer.getvalue()[:-2] + "\n")
    return "".join(out)
