"""The prognosis workbook read back: which prognosis it is, its line rows, what the export wrote.

``ekbist prognosis export`` writes the month's prognosis as the controller reads it
(:mod:`ekbist.sheets.prognosis_workbook`): a sheet 'Prognos' titled "Prognos YYYY –
utfall till och med MONTH", one block per activity under "Verksamhet: NAME", a header
row (Rad, Budget, Utfall ackumulerat, Prognos helår, Avvikelse, Kommentar, Metod),
figures in tkr, and a hidden sheet with the prognosis as written. This module reads such
a workbook as it comes back: the title (:func:`recognise`), every line row with its cells
by role (:func:`read_rows`), every other cell that holds something (:class:`Unread`) and
the hidden sheet (:func:`read_exported`). What the controller changed, and whether it may,
is :mod:`ekbist.sheets.prognosis_sheet`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ekbist import prognosis_options
from ekbist.budget import fold
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.money import MAX_BUDGET_AMOUNT, MONEY_COLUMNS, parse_amount
from ekbist.sheets import convert, sum_rows
from ekbist.sheets.cells import cell_name
from ekbist.sheets.prognosis_workbook import (
    BACKTEST_HEADER,
    EXPORTED_HEADERS_READ,
    EXPORTED_SHEET,
    SV_MONTHS,
    figure_role,
)
from ekbist.sheets.reader import Sheet

TITLE = re.compile(r"^prognos\s+(?P<year>\d{4})\s*[–—-]\s*utfall till och med\s+(?P<month>[a-zåäö]+)$")
HEADING = re.compile(r"^(?:verksamhet|aktivitet)\s*:\s*(?P<name>.+)$")
TOTAL_HEADINGS = ("totalt, alla verksamheter", "totalt, alla aktiviteter")
SKIPPED_LABELS = {"intäkter", "kostnader", "budgetföljsamhet", "summa intäkter",
                  "summa kostnader", "summa netto"}
METHOD_HEADERS = {"metod", "method", "prognosmetod"}
ALL_METHODS = (*prognosis_options.METHODS, prognosis_options.MANUAL)
# The figures of a line row, each an amount in tkr bounded as the store bounds its column
# (the deviation is the prognosis less the budget, so it may reach both bounds together).
FIGURE_BOUNDS: dict[str, int] = {
    "budget": MONEY_COLUMNS[("prognosis", "budget")],
    "actual_ytd": MONEY_COLUMNS[("prognosis", "actual_ytd")],
    "prognosis": MONEY_COLUMNS[("prognosis", "prognosis")],
    "deviation": MONEY_COLUMNS[("prognosis", "prognosis")] + MAX_BUDGET_AMOUNT,
}


def method_code(value: Any) -> str:
    """A method typed as its code or as the word the workbook shows ("linjär framskrivning")."""
    from ekbist.codes import parse_code

    try:
        return parse_code("prognosis_method", convert.display(value).strip())
    except EkbistError:
        return fold(value)


def comment_of(value: Any) -> str | None:
    """A comment cell's text with its white space folded; None when it is empty."""
    if convert.is_empty(value):
        return None
    return " ".join(str(value).split())


ROLES = ("budget", "actual_ytd", "prognosis", "deviation", "comment", "method")


@dataclass
class Row:
    """One line row of the workbook: where it is and its cells by role."""

    activity: str
    line: str
    row: int
    label_col: int
    cells: dict[str, tuple[int, Any]] = field(default_factory=dict)  # role -> (column, value)


@dataclass
class Workbook:
    """A prognosis workbook as read: its period, its line rows and what the export wrote."""

    sheet: Sheet
    year: int
    month: int
    rows: list[Row]
    other_sheets: list[str]
    exported: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


_EXPORTED_HEADERS_FOLDED = {tuple(fold(h) for h in known) for known in EXPORTED_HEADERS_READ}


def is_exported(sheet: Sheet) -> bool:
    """Whether ``sheet`` is the hidden sheet the export wrote, its header as written."""
    return (sheet.name == EXPORTED_SHEET and bool(sheet.rows)
            and tuple(fold(v) for v in sheet.rows[0][:5]) in _EXPORTED_HEADERS_FOLDED)


def read_exported(sheets: list[Sheet]) -> dict[tuple[str, str], dict[str, Any]]:
    """What the export wrote in its hidden sheet (:data:`EXPORTED_SHEET`), by (activity,
    line) folded; empty when the sheet is gone."""
    for sheet in sheets:
        if sheet.name != EXPORTED_SHEET or not sheet.rows:
            continue
        if not is_exported(sheet):
            return {}
        found = {}
        for raw in sheet.rows[1:]:
            raw = list(raw) + [None] * (5 - len(raw))
            activity, line, amount, method, comment = raw[:5]
            if convert.is_empty(activity) or convert.is_empty(line):
                continue
            try:
                kronor = parse_amount(amount, EXPORTED_SHEET,
                                      maximum=FIGURE_BOUNDS["prognosis"])
            except EkbistError:
                return {}
            found[(fold(activity), fold(line))] = {
                "prognosis": kronor, "comment": comment_of(comment),
                "method": "" if convert.is_empty(method) else method_code(method)}
        return found
    return {}


def recognise(sheets: list[Sheet]) -> tuple[Sheet, int, int] | None:
    """(sheet, year, month) when the workbook is a prognosis export, else None.

    The title in A1 says which prognosis it is; it is the one cell the export always
    writes and the controller has no reason to change.
    """
    for sheet in sheets:
        if not sheet.rows or not sheet.rows[0]:
            continue
        match = TITLE.match(fold(sheet.rows[0][0]))
        if match and match.group("month") in SV_MONTHS:
            return sheet, int(match.group("year")), SV_MONTHS.index(match.group("month")) + 1
    return None


def _columns(row: list[Any]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    label = None
    for c, value in enumerate(row):
        if not isinstance(value, str) or not value.strip():
            continue
        if fold(value) in ("rad", "line", "budgetrad"):
            label = c
            continue
        role = ("method" if fold(value) in METHOD_HEADERS
                else "backtest" if fold(value) == fold(BACKTEST_HEADER) else figure_role(value))
        if role and role not in found:
            found[role] = c
    if label is None or "prognosis" not in found:
        return None
    found["label"] = label
    return found


@dataclass
class Unread:
    """A cell of the workbook that holds something the import does not read: a comment or a
    figure on a heading, sum or adherence row, in a column without a role, or outside the
    blocks. ``sum`` is set for a figure on a sum row: (activity or None for the total, the
    row's label, the figure's role) — named only when it is neither what the export wrote
    nor what the import makes of the lines."""

    row: int
    col: int
    value: Any
    sum: tuple[str | None, str, str] | None = None


ADHERENCE = "budgetföljsamhet"
TITLE_ROWS = 4   # A1–A4: the title, the unit, the day saved, the months without actuals


def read_rows(sheet: Sheet, problems: list[str], unread: list[Unread] | None = None) -> list[Row]:
    """The line rows under each activity's header row, with their cells by role; every other
    cell that holds something goes to ``unread`` (see :class:`Unread`)."""
    rows: list[Row] = []
    activity: str | None = None
    columns: dict[str, int] | None = None
    in_total = False
    seen_block = False
    skipped = [] if unread is None else unread
    for r, raw in enumerate(sheet.rows):
        texts = [(c, v) for c, v in enumerate(raw) if not convert.is_empty(v)]
        if not texts:
            continue
        first = fold(texts[0][1]) if isinstance(texts[0][1], str) else ""
        heading = HEADING.match(first)
        if heading and len(texts) == 1:
            activity = " ".join(str(texts[0][1]).split(":", 1)[1].split())
            columns, in_total, seen_block = None, False, True
            continue
        if first in TOTAL_HEADINGS:
            activity, columns, in_total, seen_block = None, None, True, True
            skipped += [Unread(r, c, v) for c, v in texts[1:]]
            continue
        found = _columns(raw)
        if found is not None:
            columns = found
            continue
        if not seen_block:
            skipped += [Unread(r, c, v) for c, v in texts if r >= TITLE_ROWS or c > 0]
            continue
        if columns is None or (activity is None and not in_total):
            skipped += [Unread(r, c, v) for c, v in texts]
            continue
        label_col = columns["label"]
        label = raw[label_col] if label_col < len(raw) else None
        if convert.is_empty(label):
            used = [c for c, _v in texts if c in columns.values()]
            if used:
                problems.append(_("{cell}: figures without a budget line").format(
                    cell=cell_name(sheet.name, r, used[0])))
            else:
                skipped += [Unread(r, c, v) for c, v in texts]
            continue
        folded = fold(label)
        if folded in SKIPPED_LABELS or sum_rows.is_sum_label(label) or in_total:
            figures = {columns[role]: role for role in ("budget", "actual_ytd", "prognosis",
                                                        "deviation") if role in columns}
            for c, v in texts:
                if c == label_col:
                    continue
                if folded == ADHERENCE and c == columns.get("prognosis"):
                    continue   # the budget adherence, ekbist's own
                if c in figures and (sum_rows.is_sum_label(label) or folded.startswith("summa")):
                    skipped.append(Unread(r, c, v, (activity, folded, figures[c])))
                else:
                    skipped.append(Unread(r, c, v))
            continue
        row = Row(activity, " ".join(str(label).split()), r, label_col)
        for role in ROLES:
            if role in columns:
                c = columns[role]
                row.cells[role] = (c, raw[c] if c < len(raw) else None)
        read = set(columns.values())
        skipped += [Unread(r, c, v) for c, v in texts if c not in read]
        rows.append(row)
    return rows
