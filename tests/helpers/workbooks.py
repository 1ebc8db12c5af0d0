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


def refused_import(db: Path, path: Path, today) -> list[str]:
    """The problems of importing ``path`` into the store at ``db``, which must write nothing:
    its applications and its audit are as they were, row for row."""
    import pytest

    from ekbist.errors import ValidationErrors
    from ekbist.sheet_import import import_file
    from ekbist.store import Store

    def state() -> tuple:
        with Store.open(db, readonly=True) as store:
            return (store.tuples("SELECT * FROM application ORDER BY id").fetchall(),
                    store.scalar("SELECT count(*) FROM audit"))

    before = state()
    with Store.open(db) as store, pytest.raises(ValidationErrors) as refused:
        import_file(store, path, today=today)
    assert state() == before
    return refused.value.problems
