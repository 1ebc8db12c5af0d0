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
from typing import Any, TextIO

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
    """CSV as ekbist writes it (see :func:`write_csv_records`), every field through
    :func:`csv_field`, so no formula-like text is live."""
    buffer = io.StringIO()
    write_csv_records(buffer, ([csv_field(v) for v in record]
                               for record in itertools.chain([header], rows)))
    return buffer.getvalue()


def write_csv_records(out: TextIO, records: Iterable[Iterable[Any]], *,
                      batch: int = 4096) -> None:
    """``records`` written to ``out`` as ekbist writes CSV: RFC 4180 quoting, one LF after
    each record; a field holding the delimiter, a quote, a CR or a LF is quoted, so no
    spreadsheet or CSV reader splits a record. The fields are written as given (a caller
    neutralises formula-like text: :func:`csv_field`).

    The csv module quotes for the line terminator it writes; asked for "\n" it would leave a
    lone CR bare. A batch of records with no CR is written at the csv module's speed; one
    that has a CR is written record by record with "\r\n" (which makes the csv module quote
    both) and "\n" at each record's end instead: the line breaks inside quoted fields are the
    data's own.
    """
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    careful = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    records = iter(records)
    while chunk := list(itertools.islice(records, batch)):
        buffer.seek(0)
        buffer.truncate()
        plain.writerows(chunk)
        text = buffer.getvalue()
        if "\r" in text:
            lines = []
            for record in chunk:
                buffer.seek(0)
                buffer.truncate()
                careful.writerow(record)
                lines.append(buffer.getvalue()[:-2] + "\n")
            text = "".join(lines)
        out.write(text)
