"""Money: whole kronor in, whole kronor stored, tkr only when shown.

Every amount ekbist stores is an ``int`` of kronor. Text and cells on their way
in are read here — Swedish or English number text, a unit suffix (kr, tkr, mnkr),
the binary noise of an Excel-computed cell — and anything that is not whole
kronor is refused rather than rounded. Rounding happens only for display or for
a forecast, with :func:`round_div` (halves away from zero, integer arithmetic).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.number_text import grouped

__all__ = ["MAX_APPLICATION_AMOUNT", "MAX_BUDGET_AMOUNT", "MAX_YEAR_AMOUNT", "MONEY_COLUMNS",
           "parse_amount", "round_div", "to_tkr"]

# The bounds of money, either side of zero. An amount inside them is money and nothing
# else: the secrecy gate reads text, never an amount (a budget line of 412 010 001 kr is
# a budget line). A value outside them is refused as out of bounds.
MAX_APPLICATION_AMOUNT = 10_000_000          # one application's payment
MAX_BUDGET_AMOUNT = 10_000_000_000           # one budget, actuals or prognosis figure
MAX_YEAR_AMOUNT = 12 * MAX_BUDGET_AMOUNT     # a year's actuals so far: twelve months of them

# Every money column of the store and its bound: the store checks these (and no identity
# number in them) in its triggers, see ekbist.store.Store._install_secrecy.
MONEY_COLUMNS: dict[tuple[str, str], int] = {
    ("application", "amount"): MAX_APPLICATION_AMOUNT,
    ("budget", "amount"): MAX_BUDGET_AMOUNT,
    ("actual", "amount"): MAX_BUDGET_AMOUNT,
    ("prognosis", "budget"): MAX_BUDGET_AMOUNT,
    ("prognosis", "actual_ytd"): MAX_YEAR_AMOUNT,
    ("prognosis", "prognosis"): MAX_YEAR_AMOUNT,
}


def round_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to an integer, halves away from zero.

    Integer arithmetic only, so 2 500 kr is 3 tkr and -2 500 kr is -3 tkr on every
    platform (Python's ``round`` would give 2 and -2).
    """
    if denominator == 0:
        raise ZeroDivisionError("round_div by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def to_tkr(kronor: int) -> int:
    return round_div(kronor, 1000)


_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']+")
_SPACE_GROUPS = re.compile(r"\d{1,3}(?:[\s\u00a0\u2009\u202f']\d{3})+(?:[,.]\d+)?")
_UNIT = re.compile(r"(?i)\s*(tkr|ksek|tsek|mnkr|mkr|msek|kr|sek|:-)\s*$")
_UNIT_FACTOR = {"tkr": 1000, "ksek": 1000, "tsek": 1000, "mnkr": 1_000_000, "mkr": 1_000_000,
                "msek": 1_000_000, "kr": 1, "sek": 1, ":-": 1}


def parse_amount(value: Any, what: str, *, factor: int = 1, maximum: int | None = None) -> int:
    """An amount in whole kronor from a number or Swedish/English number text.

    Accepts "5 111 000", "7 643,00", "-44", "−44", "12 500 tkr" (the unit suffix
    multiplies), and ``factor`` for amounts given in tkr. A result that is not whole
    kronor is refused rather than rounded: money is never silently changed.
    Amounts are bounded (``maximum``, by default ``MAX_BUDGET_AMOUNT`` either side
    of zero) so that a personnummer can never be stored as an amount.
    """
    from fractions import Fraction

    if isinstance(value, bool):
        raise EkbistError(_not_amount(what, value))
    if isinstance(value, int):
        exact = Fraction(value) * factor
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise EkbistError(_not_amount(what, value))
        exact = Fraction(repr(value)) * factor
        # A cell computed in Excel may carry binary noise (1234.0000000001 kr): within a
        # millionth of a krona it is that krona, anything further off is a real fraction.
        nearest = round(exact)
        if exact.denominator != 1 and abs(exact - nearest) < Fraction(1, 1_000_000):
            exact = Fraction(nearest)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = text.replace("\u2212", "-").replace("\u2013", "-")
        match = _UNIT.search(text)
        unit = 1
        if match:
            unit = _UNIT_FACTOR[match.group(1).lower()]
            text = text[: match.start()]
        # Spaces group the thousands in threes ("5 111 000"), as in number_text: "811218 9876"
        # is not an amount (and reads as a personnummer to the secrecy gate).
        body = text.strip().lstrip("+-").strip()
        if _SPACES.search(body) and not _SPACE_GROUPS.fullmatch(body):
            raise EkbistError(_not_amount(what, value))
        text = _SPACES.sub("", text)
        if re.fullmatch(r"-?\d+[,.]\d+", text) and text.count(",") + text.count(".") == 1:
            text = text.replace(",", ".")
        elif re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise EkbistError(_not_amount(what, value))
        try:
            exact = Fraction(text) * unit * factor
        except ValueError:  # more digits than Python converts
            raise EkbistError(_not_amount(what, value)) from None
    if exact.denominator != 1:
        raise EkbistError(
            _("{what}: '{value}' — not whole kronor").format(what=what, value=_quoted(value))
        )
    limit = MAX_BUDGET_AMOUNT if maximum is None else maximum
    if abs(exact) > limit:
        # Out of bounds, said as such: never "looks like a personnummer" for an amount.
        raise EkbistError(
            _("{what}: '{value}' — more than {limit} kr").format(
                what=what, value=_quoted(value), limit=grouped(limit))
        )
    return int(exact)


def _not_amount(what: str, value: Any) -> str:
    return _("{what}: '{value}' — not an amount").format(what=what, value=_quoted(value))


def _quoted(value: Any) -> str:
    """A value as a message quotes it: through the secrecy gate's mask, like every value
    a message repeats (what was typed as an amount may be an identity number)."""
    from ekbist.secrecy import mask

    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return mask(str(value))


def is_amount_text(text: str) -> bool:
    """True when ``text`` is written as an amount (any size): how the command line's
    secrecy gate knows a token it may leave to a money parameter (see
    ekbist.commands.main)."""
    try:
        parse_amount(text, "", maximum=10 ** 30)
    except EkbistError:
        return False
    return True
