"""Which cells of a sheet hold formulas, where the reader shows only their values.

python-calamine gives a formula cell's last computed value only; an import that must
refuse a formula (the prognosis workbook's line cells: a formula's result can change
without anyone typing it) looks at the file once more: .xlsx through openpyxl, .ods
through its content.xml.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ekbist.errors import EkbistError
from ekbist.i18n import _


def formula_cells(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row, column), 0-based, of every cell of ``sheet`` that holds a formula.

    python-calamine gives a formula cell's last computed value only, so the file is
    looked at once more: .xlsx through openpyxl, .ods through its content.xml.
    """
    suffix = path.suffix.lower()
    found: set[tuple[int, int]] = set()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=False)
        try:
            if sheet in workbook.sheetnames:
                for r, cells in enumerate(workbook[sheet].iter_rows()):
                    for cell in cells:
                        if getattr(cell, "data_type", None) == "f":
                            found.add((r, cell.column - 1))
        finally:
            workbook.close()
        return found
    if suffix == ".ods":
        return _ods_formulas(path, sheet)
    raise EkbistError(_("{path}: a prognosis workbook comes back as .xlsx or .ods — an .xls file "
                        "cannot show which cells hold formulas").format(path=path.name))


def _ods_formulas(path: Path, sheet: str) -> set[tuple[int, int]]:
    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}
    t = "{" + ns["table"] + "}"
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    found: set[tuple[int, int]] = set()
    for table in root.iter(t + "table"):
        if table.get(t + "name") != sheet:
            continue
        r = 0
        for row in table.iter(t + "table-row"):
            repeat_rows = int(row.get(t + "number-rows-repeated", "1"))
            c = 0
            for cell in row:
                if cell.tag not in (t + "table-cell", t + "covered-table-cell"):
                    continue
                repeat = int(cell.get(t + "number-columns-repeated", "1"))
                if cell.get(t + "formula") is not None:
                    for k in range(min(repeat, 1024)):
                        for j in range(min(repeat_rows, 1024)):
                            found.add((r + j, c + k))
                c += repeat
            r += repeat_rows
    return found
