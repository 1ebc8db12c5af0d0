"""Click parameter types shared by the commands: ISO dates and months."""

from __future__ import annotations

from datetime import date

import click

from ekbist.i18n import _


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(_("'{value}' is not a date (YYYY-MM-DD)").format(value=value), param, ctx)


class MonthType(click.ParamType):
    name = "YYYY-MM"

    def convert(self, value, param, ctx) -> str:
        from ekbist.errors import EkbistError
        from ekbist.validate import parse_month

        try:
            return parse_month(value)
        except EkbistError:
            self.fail(_("'{value}' is not a month (YYYY-MM)").format(value=value), param, ctx)


DATE = DateType()
MONTH = MonthType()
