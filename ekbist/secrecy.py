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

# After normalisation the text holds three kinds of separator between digit groups:
# '-' and '+' and '.' join groups into one word; ' ' ends a word.
_CHAIN = re.compile(r"\d+(?:(?=[-+. ])(?:[ ]*[-+.]){0,3}[ ]*\d+)*")
_GROUP = re.compile(r"\d+")
# Ten digits with only separators between them: what any candidate needs, read in the
# normalised text (a cheap refusal for most text; _candidates decides).
_CANDIDATE = re.compile(r"(?:\d[-+. ]*+){10}")
# The same question asked before the characters are read one by one (after NFKC and the
# mis-encodings): the reading turns only characters that are neither letters nor digits
# into separators or nothing, keeps letters and turns digits of any script into ASCII
# digits, so text without ten digits that only such characters keep apart holds no
# candidate in any reading. Both searches are written as ten times (a digit and the gap
# after it), the gap possessive: a gap never holds a digit, so nothing is given back and a
# failed search costs one pass per digit instead of backtracking through every gap.
_LOOSE_CANDIDATE = re.compile(r"(?:\d[\W_]*+){10}")

# ASCII: every control character (tab, LF, CR, VT, FF, NUL, …) and ',' ';' '|' end a word
# as a space does; '?' (a dash lost to an encoding), '/', '\\', ':', '_', '#', '~' join
# groups as a dash does.
_WORD_BREAKS = ",;|"
_JOINERS = "?/\\:_#~"
_ASCII = {
    **{code: " " for code in range(0x20)},
    0x7F: " ",
    **{ord(ch): " " for ch in _WORD_BREAKS},
    **{ord(ch): "-" for ch in _JOINERS},
}
# Characters outside ASCII, read once each (see _char): the table grows as text is seen.
_TABLE: dict[int, str | None] = dict(_ASCII)
_DASHES = frozenset({"\u2212", "\u2052", "\u2796", "\ufe63", "\uff0d", "\u02d7", "\u2043",
                     "\ufffd"})
_DOTS = frozenset("\u2024\u2027\u00b7\u2219\u22c5\uff0e\u3002")
# A dash or space written as UTF-8 and read as Windows-1252 or Latin-1 ("â€“" for an en
# dash, "âˆ’" for a minus sign, "Â\xa0" for a no-break space): General Punctuation
# (U+2000–U+206F) comes back as 'â' + '€' or '\x80'/'\x81' + one character.
_MOJIBAKE = re.compile("\u00e2(?:[\u20ac\x80\x81].|\u02c6\u2019|\x88\x92)|\u00c2[\xa0\xad]",
                       re.DOTALL)


def _char(ch: str) -> str | None:
    """How the gate reads one character outside ASCII: a digit, a separator, nothing
    (invisible: zero-width space, joiners, soft hyphen, BOM, combining marks) or itself."""
    category = unicodedata.category(ch)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category == "Pd" or ch in _DASHES:
        return "-"
    if category in ("Zs", "Zl", "Zp", "Cc") or ch.isspace():
        return " "
    if category in ("Cf", "Mn", "Me"):
        return None
    if ch in _DOTS:
        return "."
    return ch


def _compatible(text: str) -> str:
    """``text`` with mis-encoded dashes and spaces read as such, in NFKC form (full-width
    and circled digits as digits, no-break spaces as spaces). Plain ASCII is its own form."""
    if text.isascii():
        return text
    if "\u00e2" in text or "\u00c2" in text:
        text = _MOJIBAKE.sub(lambda m: " " if m.group().startswith("\u00c2") else "-", text)
    return unicodedata.normalize("NFKC", text)


def _read(text: str) -> str:
    """``text`` (already :func:`_compatible`) as the gate reads it, one character at a time."""
    if not text.isascii():
        table = _TABLE
        for ch in set(text):
            code = ord(ch)
            if code not in table:
                table[code] = _char(ch)
    return text.translate(_TABLE)


def _normalise(text: str) -> str:
    """Digits as ASCII, every dash as '-', every space and control character as ' ', the
    separators of :data:`_JOINERS` as '-' and of :data:`_WORD_BREAKS` as ' ', mis-encoded
    dashes as '-', invisible characters gone.

    The same reading for every text: plain ASCII goes through the same table, only without
    the steps that cannot change it (NFKC and the mis-encodings leave ASCII as it is).
    Length changes only where text outside ASCII was read.
    """
    return _read(_compatible(text))


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
    must end in a word of four digits alone ("1943 06 12 3623", "811218 - 9876",
    "kopia_3_811218 9876.xlsx"), so two dates side by side ("2026-01-04 2026-01-11")
    are not read as one number.
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
                    (j == last or groups[j + 1][3]) and groups[j][3] and len(groups[j][2]) == 4
                ):
                    continue
                if _is_number(digits):
                    yield groups[i][0], groups[j][1]


def _number_text(number: int) -> str:
    text = str(abs(number))
    # A number cell loses the leading zero of someone born 2000–2009 (0512121234).
    return "0" + text if len(text) == 9 else text


_NO_TEXT = (bool, date)
_INFINITIES = (float("inf"), float("-inf"))


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, _NO_TEXT):
        return None
    if isinstance(value, int):
        return _number_text(value)
    if isinstance(value, float):
        if value != value or value in _INFINITIES:
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
        text = value
    elif cls is int:
        if -100_000_000 < value < 100_000_000:
            return False
        text = _number_text(value)
    elif cls is float and -100_000_000 < value < 100_000_000 and value.is_integer():
        return False  # a whole number of fewer than nine digits (a cell's count or amount)
    else:
        text = _as_text(value)
        if text is None:
            return False
    # Ten digits take ten characters, or ten bytes of UTF-8 once compatibility forms
    # ("⑳" is "20") are spelled out: nothing shorter can hold a number.
    if len(text) < 10 and (text.isascii() or len(text.encode("utf-8", "replace")) < 10):
        return False
    text = _compatible(text)
    if not _LOOSE_CANDIDATE.search(text):
        return False
    text = _read(text)
    if not _CANDIDATE.search(text):
        return False
    return next(_candidates(text), None) is not None


def mask(value: Any) -> str:
    """``value`` as text with the last four digits of every personnummer hidden (811218-****).

    A number (a cell) is masked as the gate reads it: 104296793 is 010429-6793 and shows as
    10429****. Text without one comes back unchanged, so the audit and problem lines stay readable.
    Where the gate's reading of the text is longer or shorter than the text (invisible
    characters, mis-encoded dashes, compatibility forms), that reading is what is shown.
    """
    if value.__class__ is float and value.is_integer():
        value = int(value)  # a whole number cell, shown as its digits
    text = "" if value is None else str(value)
    if not looks_like_personnummer(text):
        if value.__class__ is int and looks_like_personnummer(value):
            # A number cell that lost its leading zero (104296793 for 010429-6793): its
            # digits are not a number as text, the cell is.
            return text[:-4] + "****"
        return text
    normal = _normalise(text)
    spans = list(_candidates(normal))
    if len(normal) != len(text):  # normalisation changed lengths: mask the normalised text
        text = normal
    chars = list(text)
    for _start, end in spans:
        hidden, i = 0, end - 1
        while hidden < 4 and i >= 0:
            if normal[i].isdigit():
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
