"""The months a key-figure report covers: a whole --year, --from/--to, or this year so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_add, month_end, months_between
from ekbist.validate import month_range


@dataclass(frozen=True)
class Period:
    """The months reported: ``first`` to ``last`` ('YYYY-MM'), and whether it is a whole --year."""

    first: str
    last: str
    whole_year: bool = False

    @property
    def months(self) -> list[str]:
        return months_between(self.first, self.last)

    @property
    def year(self) -> int:
        """The calendar year the year figures (long-term, young adults, population) refer to."""
        return int(self.last[:4])

    def previous(self) -> Period:
        return Period(month_add(self.first, -12), month_add(self.last, -12), self.whole_year)

    def waiting_window(self) -> tuple[date, date]:
        """January–June of the year for a --year report (as U31402); else the period's days."""
        if self.whole_year:
            return date(self.year, 1, 1), date(self.year, 6, 30)
        return date(int(self.first[:4]), int(self.first[5:]), 1), month_end(self.last)


def period_of(*, year: int | str | None = None, first: str | None = None,
              last: str | None = None, today: date) -> Period:
    """The period asked for: a whole --year, --from/--to months, or this year up to today's month."""
    if year is not None and (first or last):
        raise EkbistError.about(_("give either {year} or {from}/{to}, not both"),
                                {"year": "year", "from": "from", "to": "to"})
    if year is not None:
        from ekbist.validate import parse_year

        y = parse_year(year)
        if y > today.year:
            raise EkbistError(_("{year} has not begun (today is {today})").format(
                year=y, today=today.isoformat()))
        # A year in progress ends with today's month: empty months to come would pull the
        # monthly average down.
        last = f"{y:04d}-12" if y < today.year else f"{y:04d}-{today.month:02d}"
        return Period(f"{y:04d}-01", last, whole_year=True)
    given = month_range(first or None, last or None)
    if given is not None:
        return Period(*given)
    return Period(f"{today.year:04d}-01", f"{today.year:04d}-{today.month:02d}")
