"""Checks shared by every way data comes in: the command line, imports and the demo."""

from __future__ import annotations

import re
from datetime import date

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import months_between
from ekbist.secrecy import check_text

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_year(value: object, low: int = 1900, high: int = 2200) -> int:
    """A year typed or read from a cell ("2026", 2026), refused outside ``low``–``high``."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise EkbistError(_("'{value}' is not a year ({low}–{high})").format(
            value=value, low=low, high=high))
    return number


def parse_date(text: str | date, what: str = "date") -> date:
    """An ISO date (YYYY-MM-DD); ``what`` names the field in the error (a key of
    :data:`ekbist.errors.SUBJECTS`, which the command line names by its flag)."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise EkbistError.about(_("{what}: '{value}' is not a date (YYYY-MM-DD)"), {"what": what},
                                value=text) from None


def parse_month(text: str, what: str = "month") -> str:
    """A month as 'YYYY-MM'; ``what`` names the field in the error, as for :func:`parse_date`."""
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise EkbistError.about(_("{what}: '{value}' is not a month (YYYY-MM)"), {"what": what},
                                value=text)
    return match.group(0)


def month_range(first: str | None, last: str | None) -> tuple[str, str] | None:
    """--from and --to months, given together: ('YYYY-MM', 'YYYY-MM'), or None when neither
    is. Refused when one comes alone, when --to is before --from and beyond 36 months: the
    one reading of a month period for every report and check that takes one."""
    if first is None and last is None:
        return None
    if first is None or last is None:
        raise EkbistError.about(_("{from} and {to} go together"), {"from": "from", "to": "to"})
    first, last = parse_month(first, "from"), parse_month(last, "to")
    if last < first:
        raise EkbistError.about(_("{to} is before {from}"), {"to": "to", "from": "from"})
    if len(months_between(first, last)) > 36:
        raise EkbistError(_("a period is at most 36 months"))
    return first, last


def not_after(day: date, today: date, what: str) -> None:
    if day > today:
        raise EkbistError(
            _("{what} {day} is after today ({today})").format(
                what=what, day=day.isoformat(), today=today.isoformat()
            )
        )


def month_not_after(month: str, today: date, what: str = "to") -> None:
    """A period of months ends this month at the latest: a month to come has nothing to
    measure yet, and its zeros would read as a clean result. ``what`` names the flag."""
    this_month = today.isoformat()[:7]
    if month > this_month:
        raise EkbistError.about(_("{to} {month} is after this month ({this})"), {"to": what},
                                month=month, this=this_month)


# Refuse anything that looks like a personnummer, naming the field and showing the value
# masked: the one refusal of the secrecy gate, under the name the domain modules call.
no_personnummer = check_text


def identifier(value: str, what: str) -> str:
    """A case number, handler id or application id: short, printable, no personnummer."""
    text = str(value).strip()
    if not text or len(text) > 40 or any(ch.isspace() for ch in text):
        raise EkbistError(
            _("{what} '{value}' must be 1–40 characters without spaces").format(
                what=what, value=value
            )
        )
    no_personnummer(text, what)
    return text
