"""The secrecy gate: no personnummer or samordningsnummer is ever stored or logged.

Every text on its way into the store or the audit passes :func:`check_text` (the
store's own triggers call :func:`looks_like_personnummer` on every value written,
the command line is checked before it is parsed, an import checks every cell,
sheet name and file name). The gate recognises an identity number however it is
spelled:

- 10 digits (YYMMDD NNNN) or 12 digits (YYYYMMDD NNNN) with a valid check digit
  (Luhn over the last ten) and a real birth date — day + 60 for a
  samordningsnummer; a 10-digit number is tried in both the 1900s and the 2000s
  (and the 1800s), so 000229-… (born 2000-02-29) is caught;
- any separator between the digit groups, at any place: every Unicode dash
  (hyphen, en and em dash, U+2212 MINUS SIGN, …), '+', dots, spaces of every kind
  (no-break, narrow, thin, ideographic …) and invisible characters (zero-width
  space and joiner, soft hyphen, BOM) that are simply dropped; full-width and
  other Unicode digits count as digits;
- numbers of either sign, integers or whole floats (a spreadsheet cell);
- a '?' or U+FFFD where a dash was: what a file saved in an encoding that lacks
  the dash (Windows-1252 has no U+2212) leaves behind.

Digits are read in groups (a run of digits between separators); a candidate is
a whole number of consecutive groups, never part of a longer digit run, so
"1194306123623" (13 digits) is not one, but "1943.06.12-3623" and
"1943 06 12 3623" are (see :func:`_candidates` for how spaces split words).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _

# Characters that separate digit groups once the text is normalised.
_SEPARATORS = "-+. ?"
# Up to three separators between two groups ("811218 - 9876").
_CHAIN = re.compile(r"\d+(?:[-+. ?]{1,3}\d+)*")
_GROUP = re.compile(r"\d+")
# Quick refusal for ASCII text: fewer than ten digits close together means no candidate.
_ASCII_CANDIDATE = re.compile(r"\d(?:[-+. ?]{0,3}\d){9}")
# Quick refusal for any text: ten digits with at most six non-word characters between each.
_LOOSE_CANDIDATE = re.compile(r"\d(?:[^\w\n]{0,6}\d){9}")
_DASHES = frozenset({"\u2212", "\u2052", "\u2796", "\ufe63", "\uff0d", "\u02d7", "\u2043"})


def _normalise(text: str) -> str:
    """Digits as ASCII, every dash as '-', every space as ' ', invisible characters gone."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif category == "Pd" or ch in _DASHES or ch == "\ufffd":
            out.append("-")
        elif category in ("Zs", "Zl", "Zp") or ch.isspace():
            out.append(" ")
        elif category == "Cf":
            continue  # zero-width space, joiners, soft hyphen, BOM, direction marks
        elif ch in "\u2024\u2027\u00b7\u2219\u22c5\uff0e\u3002":
            out.append(".")
        else:
            out.append(ch)
    text = "".join(out)
    # ASCII whitespace other than a space (tab, newline) separates groups too.
    return re.sub(r"[\t\n\r\v\f]", " ", text)


def _luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _real_day(year: int, month: int, day: int) -> bool:
    if day > 60:  # samordningsnummer: day of birth + 60
        day -= 60
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_number(digits: str) -> bool:
    """``digits`` (10 or 12 of them) form a personnummer or samordningsnummer."""
    if len(digits) == 12:
        century, rest = digits[:2], digits[2:]
        if century not in ("18", "19", "20"):
            return False
        centuries = (int(century),)
    else:
        rest = digits
        centuries = (19, 20, 18)
    if not _luhn_ok(rest):
        return False
    yy, month, day = int(rest[:2]), int(rest[2:4]), int(rest[4:6])
    return any(_real_day(c * 100 + yy, month, day) for c in centuries)


def _candidates(text: str):
    """(start, end) spans in ``text`` (normalised) of every personnummer-like run of groups.

    Digit groups joined by '-', '+' or '.' form a word; a space starts a new word. A
    candidate inside one word may start and end at any group; one that spans words
    must be whole words ending in a 4-digit word ("1943 06 12 3623", "811218 - 9876"),
    so two dates side by side ("2026-01-04 2026-01-11") are not read as one number.
    """
    for chain in _CHAIN.finditer(text):
        base = chain.start()
        groups = []  # (start, end, digits, a space before it)
        previous_end = None
        for m in _GROUP.finditer(chain.group()):
            spaced = previous_end is not None and " " in chain.group()[previous_end:m.start()]
            groups.append((base + m.start(), base + m.end(), m.group(), spaced))
            previous_end = m.end()
        last = len(groups) - 1
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if len(digits) > 12:
                    break
                if len(digits) not in (10, 12):
                    continue
                if any(groups[k][3] for k in range(i + 1, j + 1)) and not (
                    (i == 0 or groups[i][3]) and (j == last or groups[j + 1][3])
                    and groups[j][3] and len(groups[j][2]) == 4
                ):
                    continue
                if _is_number(digits):
                    yield groups[i][0], groups[j][1]


def _number_text(number: int) -> str:
    text = str(abs(number))
    # A number cell loses the leading zero of someone born 2000–2009 (0512121234).
    return "0" + text if len(text) == 9 else text


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, bool | date):
        return None
    if isinstance(value, int):
        return _number_text(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if value.is_integer():
            return _number_text(int(value))
        return repr(abs(value))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value)


def looks_like_personnummer(value: Any) -> bool:
    """True when ``value`` holds a personnummer or samordningsnummer in any spelling."""
    cls = value.__class__
    if cls is str:  # the common case first: it runs for every value the store writes
        if len(value) < 10:
            return False
        text = value
    elif cls is int:
        if -100_000_000 < value < 100_000_000:
            return False
        text = _number_text(value)
    else:
        text = _as_text(value)
        if text is None or len(text) < 10:
            return False
    if text.isascii():
        if not _ASCII_CANDIDATE.search(text):
            return False
    else:
        if not _LOOSE_CANDIDATE.search(text):
            return False
        text = _normalise(text)
    return next(_candidates(text), None) is not None


def mask(value: Any) -> str:
    """``value`` as text with the last four digits of every personnummer hidden (811218-****).

    Text without one comes back unchanged, so the audit and problem lines stay readable.
    """
    text = "" if value is None else str(value)
    if not looks_like_personnummer(text):
        return text
    normal = text if text.isascii() else _normalise(text)
    spans = list(_candidates(normal))
    if len(normal) != len(text):  # normalisation changed lengths: mask the normalised text
        text = normal
    chars = list(text)
    for _start, end in spans:
        hidden, i = 0, end - 1
        while hidden < 4 and i >= 0:
            if chars[i].isdigit():
                chars[i] = "*"
                hidden += 1
            i -= 1
    return "".join(chars)


def check_text(value: Any, what: str) -> None:
    """Refuse ``value`` when it holds a personnummer; ``what`` names where it was found."""
    if looks_like_personnummer(value):
        raise EkbistError(
            _("{what} looks like a personnummer ('{masked}') — ekbist stores no personal "
              "identity numbers").format(what=what, masked=mask(value))
        )


# -- money: an identity number must never pass as an amount -------------------------------
MAX_APPLICATION_AMOUNT = 10_000_000
MAX_BUDGET_AMOUNT = 10_000_000_000
