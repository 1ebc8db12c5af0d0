"""``ekbist workdays``: the Swedish working-day calendar and the unit's closed days."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE
from ekbist.commands.render import Column, emit, format_option

from ekbist.i18n import N_, _

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


@click.group(help=_("Working days: holidays, deadlines and the unit's closed days."))
def workdays() -> None:
    pass


def _calendar(env: Env):
    from ekbist.working_days import WorkCalendar

    return WorkCalendar.from_store(env.open(readonly=True))


@workdays.command(help=_("List the weekdays of YEAR that are not working days."))
@click.argument("year", type=click.IntRange(1990, 2060), metavar=_("YEAR"))
@format_option()
@pass_env
def holidays(env: Env, year: int, fmt: str) -> None:
    rows = [
        {"date": day.isoformat(), "weekday": _(WEEKDAYS[day.weekday()]), "name": name}
        for day, name in _calendar(env).non_working_weekdays(year)
    ]
    emit(
        rows,
        [
            Column("date", N_("Date"), "date"),
            Column("weekday", N_("Weekday")),
            Column("name", N_("Name")),
        ],
        fmt,
    )


@workdays.command(
    help=_(
        "Print the date of working day N counted from START (START is day 1 "
        "when it is a working day)."
    )
)
@click.argument("start", type=DATE, metavar=_("START"))
@click.option(
    "--days",
    type=click.IntRange(1, 250),
    default=None,
    help=_("Working days; default the setting handling.days (5)."),
)
@pass_env
def deadline(env: Env, start, days: int | None) -> None:
    from ekbist import settings
    from ekbist.working_days import WorkCalendar

    store = env.open(readonly=True)
    n = days if days is not None else settings.get(store, "handling.days")
    click.echo(WorkCalendar.from_store(store).deadline(start, n).isoformat())


@workdays.command(help=_("Count the working days from A to B, both counted."))
@click.argument("first", metavar="A", type=DATE)
@click.argument("last", metavar="B", type=DATE)
@pass_env
def between(env: Env, first, last) -> None:
    click.echo(_calendar(env).between(first, last))


@workdays.command("close", help=_("Register DATE as a day the unit is closed."))
@click.argument("day", metavar=_("DATE"), type=DATE)
@click.option("--reason", required=True, help=_("Why the unit is closed (e.g. staff day)."))
@pass_env
def close_(env: Env, day, reason: str) -> None:
    from ekbist.working_days import close_day

    close_day(env.open(), day, reason)
    click.echo(_("{day} is now a closed day.").format(day=day.isoformat()))


@workdays.command("open", help=_("Take back a closed day."))
@click.argument("day", metavar=_("DATE"), type=DATE)
@pass_env
def open_(env: Env, day) -> None:
    from ekbist.working_days import open_day

    open_day(env.open(), day)
    click.echo(_("{day} is a working day again.").format(day=day.isoformat()))


@workdays.command("closed", help=_("List the unit's closed days."))
@format_option()
@pass_env
def closed(env: Env, fmt: str) -> None:
    from ekbist.working_days import closed_days

    rows = closed_days(env.open(readonly=True))
    emit(
        rows,
        [Column("date", N_("Date"), "date"), Column("reason", N_("Reason"))],
        fmt,
        empty=_("No closed days registered."),
    )
