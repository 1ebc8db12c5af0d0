"""Keeping personal identity numbers out of the store.

ekbist stores no personnummer (or samordningsnummer). Any value on its way in —
a case number, a name, a spreadsheet cell — that looks like one is refused.
"""

from __future__ import annotations

import re
from datetime import date

_PATTERN = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{4})(?!\d)")


def _luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _valid_birth_date(century: str | None, yy: str, mm: str, dd: str) -> bool:
    day = int(dd)
    if day > 60:  # samordningsnummer: day + 60
        day -= 60
    # Without the century both are possible: 29 February of '00' is a real birthday (2000).
    for prefix in (century,) if century else ("19", "20"):
        try:
            date(int(prefix + yy), int(mm), day)
        except ValueError:
            continue
        return True
    return False


def looks_like_personnummer(value: object) -> bool:
    """True when ``value`` holds 10 or 12 digits that form a valid personnummer.

    Accepts the usual spellings (YYMMDD-NNNN, YYYYMMDDNNNN, with '-', '+' or a
    space) anywhere in the text, and plain integers from a spreadsheet cell.
    """
    if value is None or isinstance(value, float | date):
        return False
    text = str(value)
    if len(text) < 10:
        return False
    for m in _PATTERN.finditer(text):
        century, yy, mm, dd, tail = m.groups()
        if _valid_birth_date(century, yy, mm, dd) and _luhn_ok(yy + mm + dd + tail):
            return True
    return False
