"""Workbooks for tests, written with openpyxl as a user's spreadsheet program would save them."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def workbook(path: Path, sheets: dict[str, list[list[object]]],
             extra: dict[str, object] | None = None) -> Path:
    """Write ``sheets`` (title → rows, in that order) to ``path``.

    ``extra`` puts single cells (reference → value) on the first sheet, such as a stray
    cell far from the data.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for ref, value in (extra or {}).items():
        book.worksheets[0][ref] = value
    book.save(path)
    return path
