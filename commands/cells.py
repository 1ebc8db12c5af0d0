"""How one value shows in a table cell or a message: numbers as the reader's language writes
them, kronor and tkr, shares, targets in their unit, and the column that picks the formatter.

Values stay typed until here (see :mod:`ekbist.commands.render`, which draws the tables).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ekbist.i18n import _, language
from ekbist.money import to_tkr
from ekbist.number_text import format_fixed, format_percent, round_half_away


def fmt_int(value: int | float | None) -> str:
    if value is None:
        return ""
    return fmt_number(round_half_away(value), 0)


def fmt_number(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else format_fixed(value, decimals, swedish=language() == "sv")


def fmt_fte(value: float | None) -> str:
    """An employment rate, always with two decimals ('1.00', '0.75'; in Swedish '0,75'), as
    the workbooks write it (ekbist.cell_formats.FTE): one form on every screen."""
    if value is None:
        return ""
    return fmt_number(value, 2)


def fmt_percent(share: float | None, decimals: int = 1) -> str:
    """A share (0.78) as '78.0%' or, in Swedish, '78,0 %'."""
    if share is None:
        return ""
    return format_percent(share * 100, decimals, swedish=language() == "sv")


def fmt_kr(value: int | None) -> str:
    return "" if value is None else f"{fmt_int(value)} kr"


def fmt_tkr(value_kr: int | None) -> str:
    return "" if value_kr is None else f"{fmt_int(to_tkr(value_kr))} tkr"


def fmt_value(value: Any) -> str:
    """A value of unknown type (a setting): numbers as the reader writes them, text as is."""
    from ekbist.number_text import format_number

    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        return fmt_number(value, 1)  # 1.0 stays visibly a decimal setting: "1,0"
    return format_number(value, swedish=language() == "sv")


UNIT_SUFFIX = {"percent": " %", "tkr": " tkr", "kr": " kr"}


def fmt_in_unit(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A target or outcome in its unit (per cent for shares, tkr for money): '4.4 %',
    '5 111 tkr', '22'; with ``decimals`` when given, else as many as the value is written
    with (at least one on a share: '0.54 %', '4.4 %')."""
    from ekbist.reports.targets import target_decimals

    if value is None:
        return ""
    if decimals is None:
        decimals = target_decimals(value, unit)
    if unit == "percent":
        return fmt_percent(value / 100, decimals)
    text = fmt_int(value) if decimals == 0 else fmt_number(value, decimals)
    return text + UNIT_SUFFIX.get(unit, "")


def fmt_target(direction: str, value: float, unit: str) -> str:
    """A target as the report reads it: '≤ 4.4 %', '≤ 0.54 %', '≥ 22'."""
    return f"{'≥' if direction == 'at_least' else '≤'} {fmt_in_unit(value, unit)}"


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "value": fmt_value,
    "text": lambda v: "" if v is None else str(v),
    "int": fmt_int,
    "float": fmt_number,
    "fte": fmt_fte,
    "percent": fmt_percent,
    "kr": fmt_kr,
    "tkr": fmt_tkr,
    "date": lambda v: "" if v is None else str(v),
    "bool": lambda v: _("yes") if v else "",
    "ident": lambda v: "" if v is None else str(v),
}


@dataclass(frozen=True)
class Column:
    """One column: ``key`` in JSON/CSV, ``header`` an English message translated when shown.

    ``kind`` picks the formatter: text, int, float, percent, kr, tkr, date, bool, or
    ``code:<kind>`` for a stable code shown by its translated label.

    ``role`` says what the column is to a reader: ``"key"`` names the row (a line, a
    handler, a case, an application, a date due); ``"group"`` is a label repeated over a run
    of rows (the activity of a budget line), shown as a heading row when the table is
    narrow; anything else is a value. A table that declares no key has its first column as
    key. Value columns are in order of importance as declared, left to right, except that
    ``drop`` ranks name the ones to leave out first (1 before 2 …); the most important value
    column is the one left out last. Keys and the most important value are never left out.
    """

    key: str
    header: str
    kind: str = "text"
    drop: int = 0
    role: str = ""

    def display(self, value: Any) -> str:
        if self.kind.startswith("code:"):
            from ekbist.codes import label

            return label(self.kind.split(":", 1)[1], value)
        return FORMATTERS[self.kind](value)

    @property
    def right(self) -> bool:
        return self.kind in ("int", "float", "fte", "percent", "kr", "tkr")

    @property
    def protected(self) -> bool:
        """Ids, case numbers, dates and amounts: never cut or wrapped inside their cell."""
        return self.kind in PROTECTED_KINDS or self.key in ID_KEYS

    @property
    def wraps(self) -> bool:
        """Text (a name, a label, a note) may wrap inside its cell at its spaces, and an
        identifier (kind ``ident``, e.g. a figure's key) after its underscores."""
        if self.kind == "ident":
            return True
        return not self.protected and not self.right and self.kind not in ("int", "bool")


PROTECTED_KINDS = ("kr", "tkr", "date")
ID_KEYS = {"id", "case", "handler", "application", "subject", "month", "period", "from", "to",
           "plan_id", "for_handler", "key", "day", "year"}
