"""``ekbist handler``: the unit's handlers (handläggare)."""

from __future__ import annotations

import click

from ekbist.codes import TEAMS
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE
from ekbist.commands.render import Column, emit, format_option
from ekbist.i18n import _

HANDLER_COLUMNS = [
    Column("id", "Id"), Column("name", "Name"), Column("team", "Team", "code:team"),
    Column("fte", "FTE", "float"), Column("start_date", "Started", "date"),
    Column("end_date", "Left", "date"), Column("open_cases", "Open cases", "int"),
]


@click.group(help=_("Add, list and change the unit's handlers."))
def handler() -> None:
    pass


@handler.command(help=_("Add a handler."))
@click.argument("handler_id", metavar="ID")
@click.option("--name", required=True, help=_("The handler's name."))
@click.option("--team", required=True, help=_("Team: {codes}.").format(codes=", ".join(TEAMS)))
@click.option("--fte", type=float, required=True, help=_("Employment rate, above 0 and at most 1."))
@click.option("--start", type=DATE, help=_("First day in the unit."))
@pass_env
def add(env: Env, handler_id: str, name: str, team: str, fte: float, start) -> None:
    from ekbist import handlers

    row = handlers.add(env.open(), handler_id, name=name, team=team, fte=fte, start=start)
    click.echo(_("Added handler {id}.").format(id=row["id"]))


@handler.command("list", help=_("List the handlers with their open cases."))
@click.option("--team", help=_("Only this team."))
@click.option("--all", "show_all", is_flag=True, help=_("Include handlers who have left."))
@format_option()
@pass_env
def list_(env: Env, team: str | None, show_all: bool, fmt: str) -> None:
    from ekbist import handlers

    rows = handlers.list_handlers(env.open(readonly=True), team=team,
                                  as_of=None if show_all else env.today)
    emit(rows, HANDLER_COLUMNS, fmt, empty=_("No handlers."))


@handler.command(help=_("Change a handler's name, team, FTE or start date."))
@click.argument("handler_id", metavar="ID")
@click.option("--name", help=_("The handler's name."))
@click.option("--team", help=_("Team: {codes}.").format(codes=", ".join(TEAMS)))
@click.option("--fte", type=float, help=_("Employment rate, above 0 and at most 1."))
@click.option("--start", type=DATE, help=_("First day in the unit."))
@pass_env
def edit(env: Env, handler_id: str, name, team, fte, start) -> None:
    from ekbist import handlers

    handlers.edit(env.open(), handler_id, name=name, team=team, fte=fte, start=start)
    click.echo(_("Changed handler {id}.").format(id=handler_id))


@handler.command(help=_("Record that a handler leaves the unit on DATE."))
@click.argument("handler_id", metavar="ID")
@click.option("--date", "on", type=DATE, required=True, help=_("The first day the handler is gone."))
@pass_env
def leave(env: Env, handler_id: str, on) -> None:
    from ekbist import handlers

    handlers.leave(env.open(), handler_id, on)
    click.echo(_("Handler {id} leaves on {date}.").format(id=handler_id, date=on.isoformat()))
