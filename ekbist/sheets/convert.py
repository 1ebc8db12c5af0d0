"""Cell values to typed values, a whole column at a time.

A column of 100 000 cells is converted by one list comprehension whose fast path
handles the type calamine already delivers (a date cell is a ``date``, an Excel
number a ``float``); only cells that need thought — text to parse, an empty cell,
a wrong value — go through the slow path, which also records the problem. That
keeps validation at a few tens of milliseconds per column.

Values produced are what the store holds: ISO text for dates, 'YYYY-MM' for
months, int kronor, stable codes, 0/1 for booleans.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _, language
from ekbist.number_text import format_number, parse_number, whole
from ekbist.secrecy import looks_like_personnummer
from ekbist.sheets.declarations import Column, allowed_values

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_EXCEL_EPOCH = date(1899, 12, 30)
# Excel serial numbers taken as dates in a date column: 1954-10-03 .. 2119-01-08.
_SERIAL_RANGE = (20_000, 80_000)

_INF = float("inf")
_YES = {"ja", "j", "yes", "y", "true", "sant", "1", "x", "sann"}
_NO = {"nej", "n", "no", "false", "falskt", "0", "falsk"}

SQLITE_MAX = 2**63 - 1

# Text cells remembered per column with their value (dates, amounts): enough for every day
# of forty years, never a copy of a column of a million different amounts.
REMEMBERED_TEXTS = 1 << 16

# (index in the column, the raw cell value, the reason)
Problem = tuple[int, Any, str]


def is_empty(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def display(value: Any) -> str:
    """A cell value as quoted in a problem line."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def mask_personnummer(value: Any) -> str:
    """The value with the last four digits of any personnummer-like run hidden; a number
    cell as the gate reads it (a 9-digit number is a 10-digit one without its 0)."""
    from ekbist.secrecy import mask

    return mask(value if value.__class__ is int or value.__class__ is float else display(value))


# -- single values (the slow path) ----------------------------------------------------
def to_date(value: Any) -> str | None:
    """ISO date text, or None when the value is not a date."""
    cls = value.__class__
    if cls is date:
        return value.isoformat()
    if cls is datetime:
        return value.date().isoformat()
    if cls is str:
        match = _ISO_DATE.match(value.strip())
        if not match:
            number = parse_number(value)
            return _serial(number) if number is not None and "-" not in value else None
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return None
    if cls is int or cls is float:
        return _serial(value)
    return None


def _serial(number: float | int) -> str | None:
    if _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1] and whole(number) is not None:
        return (_EXCEL_EPOCH + timedelta(days=int(round(number)))).isoformat()
    return None


def to_month(value: Any) -> str | None:
    cls = value.__class__
    if cls is str:
        text = value.strip()
        match = _MONTH.match(text)
        if match:
            return text if 1 <= int(match[2]) <= 12 else None
    iso = to_date(value)
    return iso[:7] if iso else None


def to_number(value: Any) -> int | float | None:
    cls = value.__class__
    if cls is int or cls is float:
        return value
    if cls is str:
        return parse_number(value)
    return None


def to_text(value: Any) -> str:
    cls = value.__class__
    if cls is str:
        return value.strip()
    if cls is float and value.is_integer():
        return str(int(value))
    if cls is bool:
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_boolean(value: Any) -> int | None:
    cls = value.__class__
    if cls is bool:
        return int(value)
    if cls is int or cls is float:
        return int(value) if value in (0, 1) else None
    if cls is str:
        text = value.strip().casefold()
        if text in _YES:
            return 1
        if text in _NO:
            return 0
    return None


# -- whole columns -----------------------------------------------------------------------
class ColumnConverter:
    """Converts one declared column's cells; problems are (index, raw value, reason)."""

    def __init__(self, column: Column):
        self.column = column
        self.problems: list[Problem] = []
        self._codes: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        self._not_codes: dict[str, str] = {}     # text -> why it is no code (a bad file repeats it)
        self._isos: dict[date, str] = {}
        self._texts: dict[str, str] = {}
        # Text cells (CSV) already converted without a problem, at most REMEMBERED_TEXTS:
        # a few thousand days, months and amounts repeat over a million rows. Only the
        # conversion is remembered; every cell is still scanned for a personnummer
        # (ekbist.sheets.importer).
        self._converted: dict[str, Any] = {}
        self._bounds = (column.minimum, column.maximum)
        if column.type == "integer":
            # Whatever the declaration says, nothing outside SQLite's INTEGER range.
            low, high = self._bounds
            self._bounds = (-SQLITE_MAX if low is None else low, SQLITE_MAX if high is None else high)
        if column.type == "money":
            # No amount beyond ten billion kronor (ekbist.money): a 12-digit personnummer never
            # passes as money; a 10-digit number inside the bound is an amount.
            from ekbist.money import MAX_BUDGET_AMOUNT

            low, high = self._bounds
            self._bounds = (-MAX_BUDGET_AMOUNT if low is None else low,
                            MAX_BUDGET_AMOUNT if high is None else high)

    def problem(self, index: int, raw: Any, reason: str) -> None:
        self.problems.append((index, raw, reason))

    # The slow path for one cell: returns the converted value or None (after a problem).
    def slow(self, index: int, raw: Any) -> Any:
        column = self.column
        if is_empty(raw):
            if column.default is not None:
                return int(column.default) if column.type == "boolean" else column.default
            if column.required:
                self.problem(index, raw, _("a value is required"))
            return None
        kind = column.type
        if kind == "text":
            return to_text(raw)
        if kind == "date":
            value = to_date(raw)
            if value is None:
                self.problem(index, raw, _("not a date (YYYY-MM-DD)"))
            return value
        if kind == "month":
            value = to_month(raw)
            if value is None:
                self.problem(index, raw, _("not a month (YYYY-MM)"))
            return value
        if kind == "code":
            return self.code(index, raw)
        if kind == "boolean":
            value = to_boolean(raw)
            if value is None:
                self.problem(index, raw, _("not yes or no"))
            return value
        return self.number(index, raw)

    def number(self, index: int, raw: Any) -> int | float | None:
        column = self.column
        if raw.__class__ is bool:
            self.problem(index, raw, _("not a number"))
            return None
        number = to_number(raw)
        if number is None:
            self.problem(index, raw, _("not a number"))
            return None
        if column.in_per_cent and raw.__class__ is str and raw.rstrip().endswith("%"):
            number = round(number * 100, 9)  # "4,4 %" in a column given in per cent is 4.4
        if number.__class__ is float and (number != number or number in (_INF, -_INF)):
            self.problem(index, raw, _("not a finite number"))
            return None
        if column.type in ("integer", "money"):
            value = whole(number)
            if value is None:
                self.problem(index, raw, _("not whole kronor") if column.type == "money"
                             else _("not a whole number"))
                return None
            number = value
        else:
            try:
                number = float(number)
            except OverflowError:
                self.problem(index, raw, _("not a finite number"))
                return None
        low, high = self._bounds
        if low is not None and number < low:
            self.problem(index, raw, self._beyond("low", low))
            return None
        if high is not None and number > high:
            self.problem(index, raw, self._beyond("high", high))
            return None
        return number

    def _beyond(self, side: str, bound: int | float) -> str:
        """Why a number beyond the column's bound is refused (worded once per column)."""
        reason = self._reasons.get(side)
        if reason is None:
            shown = format_number(bound, swedish=language() == "sv")
            reason = self._reasons[side] = (
                _("must be at least {low}").format(low=shown) if side == "low"
                else _("must be at most {high}").format(high=shown))
        return reason

    def code(self, index: int, raw: Any) -> str | None:
        from ekbist.codes import parse_code

        text = to_text(raw)
        cached = self._codes.get(text)
        if cached is not None:
            return cached
        reason = self._not_codes.get(text)
        if reason is None:
            try:
                code = parse_code(self.column.codes, text)
            except EkbistError:
                reason = _("unknown value (expected one of: {values})").format(
                    values=", ".join(allowed_values(self.column)))
                if len(self._not_codes) < REMEMBERED_TEXTS:
                    self._not_codes[text] = reason
            else:
                self._codes[text] = code
                return code
        self.problem(index, raw, reason)
        return None

    def _remembered(self, index: int, raw: Any) -> Any:
        """The slow path, remembering a text cell's value when it was read without a problem."""
        seen = len(self.problems)
        value = self.slow(index, raw)
        if raw.__class__ is str and len(self.problems) == seen \
                and len(self._converted) < REMEMBERED_TEXTS:
            self._converted[raw] = value
        return value

    def convert(self, values: list[Any]) -> list[Any]:
        """The converted column; fast paths for what calamine already typed right, and for
        text cells (CSV) of dates and whole numbers seen before in the column."""
        slow = self.slow
        converted = self._converted
        column = self.column
        kind = column.type
        # An empty cell of an optional column without a default is simply None.
        plain_empty = not column.required and column.default is None
        if kind == "text":
            if column.ref:
                # A reference repeats (a case has many applications): one string per value
                # instead of one per cell keeps a city-size import small.
                same = self._texts
                return [same.setdefault(t, t) if v.__class__ is str and (t := v.strip())
                        else slow(i, v) for i, v in enumerate(values)]
            return [v.strip() or slow(i, v) if v.__class__ is str else slow(i, v)
                    for i, v in enumerate(values)]
        if kind == "date":
            # A few thousand days repeat over a million rows: one ISO string per day.
            isos = self._isos

            def iso(v: date) -> str:
                text = isos[v] = v.isoformat()
                return text

            remembered = self._remembered
            if plain_empty:
                return [isos.get(v) or iso(v) if v.__class__ is date else None if v == "" or v is None
                        else converted[v] if v.__class__ is str and v in converted
                        else remembered(i, v) for i, v in enumerate(values)]
            return [isos.get(v) or iso(v) if v.__class__ is date
                    else converted[v] if v.__class__ is str and v in converted
                    else remembered(i, v) for i, v in enumerate(values)]
        if kind == "month":
            remembered = self._remembered
            return [converted[v] if v.__class__ is str and v in converted else remembered(i, v)
                    for i, v in enumerate(values)]
        if kind in ("integer", "money"):
            low, high = self._bounds
            low = float("-inf") if low is None else low
            high = float("inf") if high is None else high
            remembered = self._remembered
            if plain_empty:
                return [int(v) if (v.__class__ is float or v.__class__ is int) and low <= v <= high
                        and v == int(v) else None if v == "" or v is None
                        else converted[v] if v.__class__ is str and v in converted
                        else remembered(i, v) for i, v in enumerate(values)]
            return [int(v) if (v.__class__ is float or v.__class__ is int) and low <= v <= high
                    and v == int(v) else converted[v] if v.__class__ is str and v in converted
                    else remembered(i, v) for i, v in enumerate(values)]
        if kind == "code":
            codes = self._codes
            if plain_empty:
                return [codes[v] if v.__class__ is str and v in codes else None if v == "" or v is None
                        else slow(i, v) for i, v in enumerate(values)]
            return [codes[v] if v.__class__ is str and v in codes else slow(i, v)
                    for i, v in enumerate(values)]
        return [slow(i, v) for i, v in enumerate(values)]


# -- personnummer anywhere ------------------------------------------------------------------


def personnummer_cells(column: tuple | list) -> list[int]:
    """Indexes of cells in ``column`` that look like a personnummer.

    Each distinct value is looked at once (a CSV's dates repeat a few thousand days over a
    million rows), and one regular-expression pass over the column's distinct text decides
    whether any text needs a closer look, so a clean column costs a set, a join and a search.
    """
    distinct = set(column)
    suspects: set[Any] = set()
    texts = [v for v in distinct if v.__class__ is str and len(v) >= 10]
    if texts and looks_like_personnummer("\n".join(texts)):
        suspects.update(v for v in texts if looks_like_personnummer(v))
    # Numbers of either sign; a 9-digit number may be a 10-digit one without its 0.
    suspects.update(v for v in distinct if (v.__class__ is int or v.__class__ is float)
                    and (v >= 1e8 or v <= -1e8) and looks_like_personnummer(v))
    if not suspects:
        return []
    return [i for i, v in enumerate(column) if v in suspects and v.__class__ is not bool]

