"""``ekbist application``: register, complete and decide applications (ansökningar)."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import AMOUNT, DATE
from ekbist.commands.render import Column, emit, format_option

from ekbist.codes import typable
from ekbist.i18n import N_, _

APPLICATION_COLUMNS = [
    Column("id", N_("Id")), Column("case", N_("Case")), Column("period", N_("Period"), drop=3),
    Column("received", N_("Received"), "date"),
    Column("completed", N_("Complete"), "date", drop=2),
    Column("deadline", N_("Deadline"), "date"), Column("decided", N_("Decided on"), "date"),
    Column("decision", N_("Decision"), "code:decision", drop=4),
    Column("amount", N_("Amount"), "kr"), Column("handler", N_("Handler"), drop=1),
]


@click.group(help=_("Register applications and record when they are complete and decided."))
def application() -> None:
    pass


@application.command(help=_(
    "Register an application in CASE; prints its id. A decision of the case system's report "
    "that waits for an application with this id (see 'Waiting:' in docs/rules.md) is joined "
    "into it, checked whole."))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--period", required=True, metavar=_("YYYY-MM"), help=_("The month applied for."))
@click.option("--received", type=DATE, required=True, help=_("The day the application arrived."))
@click.option("--completed", type=DATE,
              help=_("The day it was complete (the arrival day if it came in complete)."))
@click.option("--id", "app_id", help=_("The application's id (default: the next free A-number)."))
@click.option("--first-contact", type=DATE,
              help=_("A new applicant's first contact about the application (for U31402)."))
@pass_env
def add(env: Env, case_id, period, received, completed, app_id, first_contact) -> None:
    from ekbist import applications

    row = applications.add(env.open(), case_id, period=period, received=received,
                           completed=completed, app_id=app_id, first_contact=first_contact,
                           today=env.today)
    click.echo(row["id"])
    from ekbist.commands.sheets import say_joined

    say_joined({source: 1 for source in row["joined"]}, err=True)


@application.command(help=_("Record the day application ID became complete; the clock starts."))
@click.argument("app_id", metavar="ID")
@click.option("--date", "on", type=DATE, required=True, help=_("The day it became complete."))
@pass_env
def complete(env: Env, app_id, on) -> None:
    from ekbist import applications, handling_time

    store = env.open()
    row = applications.complete(store, app_id, on, today=env.today)
    click.echo(_("Application {id} is complete from {date}; decision due by {deadline} "
                 "(handler {handler}).").format(
        id=row["id"], date=row["completed"],
        deadline=handling_time.deadline(store, on).isoformat(), handler=row["handler"] or "-"))


@application.command(help=_("Record the decision on application ID."))
@click.argument("app_id", metavar="ID")
@click.option("--date", "on", type=DATE, required=True, help=_("The day of the decision."))
@click.option("--decision", required=True,
              help=_("Decision: {codes}.").format(codes=", ".join(typable("decision"))))
@click.option("--amount", type=AMOUNT, metavar=_("AMOUNT"),
              help=_("Kronor granted (for granted and partly granted only)."))
@click.option("--amend", is_flag=True, help=_("Change an earlier decision (kept in the audit)."))
@pass_env
def decide(env: Env, app_id, on, decision, amount, amend) -> None:
    from ekbist import applications, handling_time

    store = env.open()
    row = applications.decide(store, app_id, on, decision, amount=amount, amend=amend,
                              today=env.today)
    if row["completed"]:
        due = handling_time.deadline(store, _iso(row["completed"]))
        timing = (_("in time (deadline {deadline})") if on <= due
                  else _("late (deadline {deadline})")).format(deadline=due.isoformat())
    else:
        timing = _("never complete: no handling-time clock")
    click.echo(_("Application {id}: {decision} on {date}, {timing}.").format(
        id=row["id"], decision=_label(row["decision"]), date=row["decided"], timing=timing))


@application.command("list", help=_("List applications with their deadline."))
@click.option("--open", "open_only", is_flag=True, help=_("Only undecided applications."))
@click.option("--case", "case_id", metavar=_("CASE"), help=_("Only this case."))
@click.option("--handler", metavar="ID", help=_("Only this handler's applications."))
@click.option("--from", "first", type=DATE, help=_("Received on or after this day."))
@click.option("--to", "last", type=DATE, help=_("Received on or before this day."))
@format_option()
@pass_env
def list_(env: Env, open_only, case_id, handler, first, last, fmt) -> None:
    from ekbist import applications

    rows = applications.list_applications(
        env.open(readonly=True), today=env.today, open_only=open_only, case=case_id,
        handler=handler, first=first, last=last)
    emit(rows, APPLICATION_COLUMNS, fmt, empty=_("No applications."))


def _iso(text: str):
    from datetime import date

    return date.fromisoformat(text)


def _label(code: str) -> str:
    from ekbist.codes import label

    return label("decision", code)
