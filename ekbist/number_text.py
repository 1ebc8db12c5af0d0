"""Numbers as people type them into Swedish spreadsheets and CSV files.

Excel and LibreOffice in a Swedish locale write "5 111" (a space or a no-break
space between thousands), "7 643,50" (decimal comma), "−44" (U+2212 MINUS SIGN
from typography-aware programs) and "1,5 %". CSV files keep that text as it is,
so the importer must read it exactly — and refuse anything it cannot read
unambiguously rather than guess.

Rules, in order:
- spaces of any kind (space, no-break, narrow no-break, thin) may group the
  thousands, in groups of three ("5 111"; "51 11" is not a number);
- a leading '+', '-', U+2212 or U+2013 gives the sign, and so do accounting
  parentheses "(44)";
- a trailing "kr" is dropped; a trailing "%" divides by 100, like a per cent cell
  in Excel ("1,5 %" is 0.015, "100 %" is 1.0);
- with both '.' and ',' present the last one is the decimal mark and the other
  groups thousands ("1.234,50", "1,234.50"); with only one of them it is the
  decimal mark (Swedish: "1,234" is 1.234, never one thousand two hundred and
  thirty-four — money columns then refuse it as not whole kronor instead of
  silently multiplying by a thousand);
- the result is an ``int`` when there are no decimals, else a ``float``.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

_SPACES = str.maketrans("\u00a0\u202f\u2009\u2007", "    ")
_NUMBER = re.compile(r"^(\d+)(?:[.,](\d+))?$")
_SPACE_GROUPS = re.compile(r"^\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
_GROUPED_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$")
MINUS_SIGNS = ("-", "\u2212", "\u2013")


def parse_number(text: str) -> int | float | None:
    """The number written in ``text``, or None when it is not a number."""
    s = text.translate(_SPACES).strip()
    if not s:
        return None
    negative = False
    if s[0] == "(" and s[-1] == ")":
        negative, s = True, s[1:-1]
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    s = s.rstrip()
    if s[-2:].lower() == "kr":
        s = s[:-2].rstrip()
    if s and (s[0] in MINUS_SIGNS or s[0] == "+"):
        if s[0] != "+":
            negative = not negative
        s = s[1:].lstrip()
    if " " in s:
        if not _SPACE_GROUPS.match(s):
            return None
        s = s.replace(" ", "")
    if "." in s and "," in s:
        if _GROUPED_DOT.match(s):
            s = s.replace(".", "")
        elif _GROUPED_COMMA.match(s):
            s = s.replace(",", "")
        else:
            return None
    match = _NUMBER.match(s)
    if not match:
        return None
    whole, fraction = match.groups()
    value: int | float
    try:
        if fraction is None:
            value = int(whole)
        else:
            value = float(f"{whole}.{fraction}")
    except ValueError:  # more digits than Python converts (4 300)
        return None
    if percent:
        value = value / 100
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    return -value if negative else value


def whole(value: int | float, tolerance: float = 1e-6) -> int | None:
    """``value`` as an int when it is whole (allowing float noise from formulas), else None."""
    if isinstance(value, int):
        return value
    nearest = round(value)
    return int(nearest) if abs(value - nearest) <= tolerance else None


def round_half_away(value: float, decimals: int = 0) -> float:
    """``value`` rounded to ``decimals`` decimals, halves away from zero: the one rounding
    rule of every figure ekbist shows or writes (3,25 is 3,3 and -2,5 is -3).

    Python's ``round`` and ``format`` round halves to even and read the binary value, so
    39 households over 12 months (3,25) would show as 3,2, and 0,285 (stored as
    0,28499…) as 0,28. Here the value is read as its shortest decimal text, the digits a
    person counting by hand writes, and a half goes away from zero. ``decimals`` 0 gives
    an ``int``.
    """
    if value.__class__ is int and decimals == 0:
        return value  # a whole number is its own rounding (the check formats 14 000 of them)
    if isinstance(value, float) and not math.isfinite(value):
        return value
    exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(rounded) if decimals <= 0 else float(rounded) + 0.0  # never "-0,0"


def format_number(value: int | float | None, *, swedish: bool) -> str:
    """A number as a person writes it: "5 111" and "7 643,5" in Swedish, "5,111" in English."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    if swedish:
        # The ASCII hyphen-minus stays: a value pasted into Excel must stay a number. The
        # thousands are grouped with a no-break space, so "1 619 dagar" never breaks a line.
        text = text.replace(",", GROUPING_SV).replace(".", ",")
    return text


GROUPING_SV = "\u00a0"
"""The Swedish thousands separator on screens and in messages: U+00A0 NO-BREAK SPACE
(CSV and JSON keep the machine form, without grouping)."""


def grouped(value: int | float | None) -> str:
    """``value`` as the active language writes it in a message ("1 048 576", "1,048,576")."""
    from ekbist.i18n import language

    return format_number(value, swedish=language() == "sv")


def format_fixed(value: float, decimals: int = 0, *, swedish: bool) -> str:
    """``value`` with ``decimals`` decimals and thousands grouped: "5,111" and "2.4" in
    English, "5 111" and "2,4" in Swedish (what tables and messages show), halves away
    from zero (:func:`round_half_away`)."""
    text = f"{round_half_away(value, decimals):,.{decimals}f}"
    return text.replace(",", GROUPING_SV).replace(".", ",") if swedish else text


def format_percent(value: float, decimals: int = 1, *, swedish: bool) -> str:
    """A value already in per cent: "2.4%" in English, "2,4 %" in Swedish."""
    return format_fixed(value, decimals, swedish=swedish) + (" %" if swedish else "%")
