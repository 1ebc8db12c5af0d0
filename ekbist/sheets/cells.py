"""Naming a spreadsheet's cells the way Excel and LibreOffice show them: 'C7', 'Blad 1'!C7.

The floor under every sheet module: the reader, the guard that scans a file before it is
read, and every problem message that points at a cell.
"""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(sheet: str, row: int, col: int) -> str:
    """'Sheet!C7' for 0-based ``row`` and ``col``; quoted like Excel when the name has spaces."""
    name = f"'{sheet}'" if any(not (ch.isalnum() or ch == "_") for ch in sheet) else sheet
    return f"{name}!{column_letter(col)}{row + 1}"
