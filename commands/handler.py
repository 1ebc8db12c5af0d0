"""``ekbist handler``: the unit's handlers (handläggare)."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE, yes_option
from ekbist.commands.render import Column, emit, format_option

from ekbist.codes import ABSENCE_KINDS, typable
from ekbist.i18n import N_, _, ngettext

HANDLER_COLUMNS = [
    Column("id", N_("Id"), role="key"), Column("name", N_("Name"), role="key"),
    Column("team", N_("Team"), "code:team"),
    Column("fte", N_("FTE"), "fte"), Column("start_date", N_("Started"), "date"),
    Column("end_date", N_("Left"), "date"), Column("open_cases", N_("Open cases"), "int"),
]


@click.group(help=_("Add, list and change the unit's handlers."))
def handler() -> None:
    pass


@handler.command(help=_("Add a handler."))
@click.argument("handler_id", metavar="ID")
@click.option("--name", required=True, help=_("The handler's name."))
@click.option("--team", required=True, help=_("Team: {codes}.").format(codes=", ".join(typable("team"))))
@click.option("--fte", required=True,
              help=_("Employment rate: 0.75, 0,75 or 75 % (above 0, at most full time)."))
@click.option("--start", type=DATE, help=_("First day in the unit (default: today)."))
@pass_env
def add(env: Env, handler_id: str, name: str, team: str, fte: str, start) -> None:
    from ekbist import handlers

    # Without --start the handler starts today: never counted in months before they came.
    row = handlers.add(env.open(), handler_id, name=name, team=team, fte=fte,
                       start=start or env.today)
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
@click.option("--team", help=_("Team: {codes}.").format(codes=", ".join(typable("team"))))
@click.option("--fte", help=_("Employment rate: 0.75, 0,75 or 75 % (above 0, at most full time)."))
@click.option("--start", type=DATE, help=_("First day in the unit."))
@pass_env
def edit(env: Env, handler_id: str, name, team, fte, start) -> None:
    from ekbist import handlers

    handlers.edit(env.open(), handler_id, name=name, team=team, fte=fte, start=start)
    click.echo(_("Changed handler {id}.").format(id=handler_id))


@handler.command(help=_("Record that a handler leaves the unit on DATE; --redistribute spreads "
                        "their cases over the rest of the team."))
@click.argument("handler_id", metavar="ID")
@click.option("--date", "on", type=DATE, required=True,
              help=_("The first day the handler is gone."))
@click.option("--redistribute", is_flag=True,
              help=_("Propose who takes each of the handler's active cases (nothing is written "
                     "without --apply)."))
@click.option("--apply", is_flag=True,
              help=_("With --redistribute: record the leave and make the moves, dated today."))
@yes_option(_("With --apply: do not ask for confirmation (for scripts; without a terminal "
              "nothing is asked anyway)."))
@format_option()
@pass_env
def leave(env: Env, handler_id: str, on, redistribute: bool, apply: bool, yes: bool,
          fmt: str) -> None:
    from ekbist import handlers

    if apply and not redistribute:
        raise click.UsageError(_("--apply goes with --redistribute"))
    if not redistribute:
        store = env.open()
        handlers.leave(store, handler_id, on)
        click.echo(_("Handler {id} leaves on {date}.").format(id=handler_id, date=on.isoformat()))
        left_behind = handlers.open_case_count(store, handler_id)
        if left_behind:
            click.echo(ngettext(
                "{n} open case is still with {id}; to give it to the team: "
                "ekbist handler leave {id} --date {date} --redistribute --apply",
                "{n} open cases are still with {id}; to spread them over the team: "
                "ekbist handler leave {id} --date {date} --redistribute --apply",
                left_behind).format(n=left_behind, id=handler_id, date=on.isoformat()))
        return
    from ekbist.commands.caseload import apply_confirmed, show_moves

    from ekbist import balance

    store = env.open() if apply else env.open(readonly=True)

    def run(write: bool) -> dict:
        return balance.redistribute_leaver(store, handler_id, leave_on=on, today=env.today,
                                           apply=write)

    if not apply:
        show_moves(run(False), fmt)
        if fmt == "table":
            click.echo(_("The leave is not recorded yet either."))
        return
    if apply_confirmed(run, fmt, yes) is not None and fmt == "table":
        click.echo(_("Handler {id} leaves on {date}.").format(id=handler_id, date=on.isoformat()))


@handler.command(help=_("Record that a handler is away (sick leave, parental leave, …)."))
@click.argument("handler_id", metavar="ID")
@click.option("--from", "first", type=DATE, required=True, help=_("The first day away."))
@click.option("--to", "last", type=DATE, help=_("The last day away (leave out while not known)."))
@click.option("--kind", help=_("Kind: {codes} (default: {default}).").format(
    codes=", ".join(typable("absence_kind")),
    default=dict(zip(ABSENCE_KINDS, typable("absence_kind"), strict=True))["other"]))
@click.option("--reason", "--note", "reason",
              help=_("A note, in a few words (no health details)."))
@click.option("--extent", metavar=_("PERCENT"),
              help=_("Per cent of the handler's time (part-time sick leave: 25, 50, 75; "
                     "default 100). Below 100 the handler stays at work with their cases."))
@click.option("--cover-by", metavar=_("HANDLER"),
              help=_("Let this handler cover all of the absent handler's cases while the "
                     "absence lasts; they come back by themselves (or with 'handler back')."))
@pass_env
def away(env: Env, handler_id: str, first, last, kind: str | None, reason: str | None,
         extent: str | None, cover_by: str | None) -> None:
    from ekbist import absence

    if cover_by:
        from ekbist import cover

        row, covered = cover.away_covered(env.open(), handler_id, cover_by, first=first,
                                          last=last, reason=reason, kind=kind, extent=extent)
    else:
        row = absence.away(env.open(), handler_id, first=first, last=last, reason=reason,
                           kind=kind, extent=extent)
    if row["extent"] < 100:
        if last:
            click.echo(_("Handler {id} is away {extent}% of the time from {first} to {last}.")
                       .format(id=handler_id, extent=row["extent"], first=first.isoformat(),
                               last=last.isoformat()))
        else:
            click.echo(_("Handler {id} is away {extent}% of the time from {first} until "
                         "further notice.").format(id=handler_id, extent=row["extent"],
                                                   first=first.isoformat()))
    elif last:
        click.echo(_("Handler {id} is away from {first} to {last}.").format(
            id=handler_id, first=first.isoformat(), last=last.isoformat()))
    else:
        click.echo(_("Handler {id} is away from {first} until further notice.").format(
            id=handler_id, first=first.isoformat()))
    if cover_by:
        click.echo(ngettext("{n} case is covered by {handler} meanwhile.",
                            "{n} cases are covered by {handler} meanwhile.",
                            len(covered)).format(n=len(covered), handler=cover_by))


@handler.command(help=_("Record that an absent handler is back at work from DATE."))
@click.argument("handler_id", metavar="ID")
@click.option("--date", "on", type=DATE, required=True, help=_("The first day back at work."))
@pass_env
def back(env: Env, handler_id: str, on) -> None:
    from ekbist import absence

    ended = absence.back(env.open(), handler_id, on)
    if ended["cancelled"]:
        click.echo(_("The absence of {id} from {first} is cancelled.").format(
            id=handler_id, first=ended["from_date"]))
    else:
        click.echo(_("Handler {id} is back on {date} (away {first} to {last}).").format(
            id=handler_id, date=on.isoformat(), first=ended["from_date"], last=ended["to_date"]))


@handler.command(help=_("List absences, for one handler or all."))
@click.argument("handler_id", metavar="[ID]", required=False)
@format_option()
@pass_env
def absences(env: Env, handler_id: str | None, fmt: str) -> None:
    from ekbist import absence

    rows = absence.list_absences(env.open(readonly=True), handler_id)
    columns = [Column("handler", N_("Handler"), role="key"), Column("name", N_("Name"), role="key"),
               Column("from_date", N_("From"), "date"), Column("to_date", N_("To"), "date"),
               Column("kind", N_("Absence kind"), "code:absence_kind"),
               Column("extent", N_("Extent (%)"), "int"), Column("reason", N_("Note"))]
    emit(rows, columns, fmt, empty=_("No absences."))
