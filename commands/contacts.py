"""``ekbist contacts``: call-backs, first visits, violence and debt advice, and their promises."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE
from ekbist.commands.render import Column, emit, emit_machine, fmt_int, format_option, say

from ekbist.codes import typable
from ekbist.i18n import N_, _, ngettext

STATUS_LABELS = {
    "overdue": N_("not answered in time"),
    "due_today": N_("to answer today"),
    "waiting": N_("waiting"),
    "open": N_("open"),
    "late": N_("answered late"),
    "kept": N_("in time"),
    "answered": N_("answered"),
}

LIST_COLUMNS = [
    Column("id", N_("Contact"), role="key"),
    Column("received", N_("Received"), "date", role="key"),
    Column("kind", N_("Contact kind"), "code:contact_kind"),
    Column("status_label", N_("Status")),
    Column("deadline", N_("Answer by"), "date", drop=5),
    Column("answered", N_("Answered"), "date", drop=4),
    Column("who", N_("Handler or team"), drop=3),
    Column("children", N_("Children"), "bool", drop=2),
    Column("received_time", N_("Time"), drop=1),
    Column("case", N_("Case"), drop=6),
]
CSV_COLUMNS = [
    Column("id", N_("Contact")), Column("received", N_("Received"), "date"),
    Column("received_time", N_("Time")), Column("kind", N_("Contact kind")),
    Column("children", N_("Children")), Column("handler", N_("Handler")),
    Column("team", N_("Team")), Column("case", N_("Case")),
    Column("deadline", N_("Answer by"), "date"), Column("answered", N_("Answered"), "date"),
    Column("status", N_("Status")), Column("days_late", N_("Days late"), "int"),
]
CHECK_COLUMNS = [
    Column("id", N_("Contact"), role="key"),
    Column("status_label", N_("Status")),
    Column("kind", N_("Contact kind"), "code:contact_kind"),
    Column("deadline", N_("Answer by"), "date"),
    Column("days_late", N_("Days late"), "int", drop=4),
    Column("who", N_("Handler or team"), drop=3),
    Column("received", N_("Received"), "date", drop=2),
    Column("answered", N_("Answered"), "date", drop=1),
    Column("children", N_("Children"), "bool", drop=5),
]


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status])


def _shown(rows: list[dict]) -> list[dict]:
    """Rows for a table: the status in words, whose the contact is by name."""
    from ekbist.codes import label

    return [{**r, "status_label": status_label(r["status"]),
             "who": r["handler_name"] or label("team", r["team"])} for r in rows]


def _machine(rows: list[dict]) -> list[dict]:
    """The JSON contract of one contact: codes and ISO dates, no display words."""
    keys = ("id", "received", "received_time", "kind", "children", "handler", "team", "case",
            "deadline", "answered", "status", "days_late", "note")
    return [{k: r[k] for k in keys} for r in rows]


def _say_added(row: dict) -> None:
    from ekbist.codes import label

    kind = label("contact_kind", row["kind"])
    if row["deadline"] is None:
        say(_("Added contact {id} ({kind}, received {received}).").format(
            id=row["id"], kind=kind, received=row["received"]))
    else:
        say(_("Added contact {id} ({kind}, received {received}): to be answered by "
              "{deadline}.").format(id=row["id"], kind=kind, received=row["received"],
                                    deadline=row["deadline"]))


@click.group(help=_("Contacts and the unit's promises: call-backs, first visits, violence, "
                    "debt advice."))
def contacts() -> None:
    pass


@contacts.command(help=_("Record a contact: a message to call back, a request for a first "
                         "visit, a victim of violence, a request for debt advice. No names, "
                         "no personnummer."))
@click.option("--kind", required=True,
              help=_("Contact kind: {codes}.").format(codes=", ".join(typable("contact_kind"))))
@click.option("--received", type=DATE,
              help=_("The day the contact came in (default: today)."))
@click.option("--time", "received_time", metavar=_("HH:MM"),
              help=_("The time it came in, if known."))
@click.option("--handler", metavar="ID", help=_("The handler it is for (their team follows)."))
@click.option("--team", help=_("The team it is for, when no one handler: {codes}.").format(
    codes=", ".join(typable("team"))))
@click.option("--children", is_flag=True,
              help=_("The household has children (debt advice: the one-week promise)."))
@click.option("--case", "case_id", metavar=_("CASE"),
              help=_("The case number, when there is one."))
@click.option("--answered", type=DATE,
              help=_("The day it was answered or the visit held, if it was already."))
@click.option("--note", help=_("A few words (no names, no sensitive details)."))
@pass_env
def add(env: Env, kind: str, received, received_time, handler, team, children: bool,
        case_id, answered, note) -> None:
    from ekbist import contacts as lib

    row = lib.add(env.open(), received=received or env.today, kind=kind, today=env.today,
                  children=children, handler=handler, team=team, case=case_id,
                  received_time=received_time, answered=answered, note=note)
    _say_added(row)


@contacts.command(help=_("Record that a contact was answered: the call-back made, the visit "
                         "held."))
@click.argument("contact_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--date", "on", type=DATE, help=_("The day it was answered (default: today)."))
@pass_env
def answer(env: Env, contact_id: int, on) -> None:
    from ekbist import contacts as lib

    row = lib.answer(env.open(), contact_id, on=on or env.today, today=env.today)
    if row["status"] == "late":
        say(ngettext("Contact {id} answered on {day}, {n} day after {deadline}, the last day "
                     "to answer.",
                     "Contact {id} answered on {day}, {n} days after {deadline}, the last day "
                     "to answer.",
                     row["days_late"]).format(
            id=row["id"], day=row["answered"], n=fmt_int(row["days_late"]),
            deadline=row["deadline"]))
    elif row["status"] == "kept":
        say(_("Contact {id} answered on {day}, in time (answer by {deadline}).").format(
            id=row["id"], day=row["answered"], deadline=row["deadline"]))
    else:
        say(_("Contact {id} answered on {day}.").format(id=row["id"], day=row["answered"]))


@contacts.command("list", help=_("The contacts received from --from to --to (default: this "
                                 "month), with the day to answer by and their status."))
@click.option("--from", "first", type=DATE, help=_("First day received (default: the first "
                                                   "of this month)."))
@click.option("--to", "last", type=DATE, help=_("Last day received (default: today)."))
@click.option("--kind", help=_("Only this contact kind: {codes}.").format(
    codes=", ".join(typable("contact_kind"))))
@click.option("--handler", metavar="ID", help=_("Only this handler's contacts."))
@click.option("--team", help=_("Only this team's contacts."))
@format_option()
@pass_env
def list_(env: Env, first, last, kind, handler, team, fmt: str) -> None:
    from ekbist import contacts as lib

    first = first or env.today.replace(day=1)
    last = last or env.today
    rows = lib.list_contacts(env.open(readonly=True), first=first, last=last, today=env.today,
                             kind=kind, handler=handler, team=team)
    if emit_machine(fmt, _machine(rows), _machine(rows), CSV_COLUMNS):
        return
    emit(_shown(rows), LIST_COLUMNS, "table", empty=_("No contacts from {first} to {last}.")
         .format(first=first.isoformat(), last=last.isoformat()))


@contacts.command(help=_("The contacts to answer today, those past their deadline, and those "
                         "answered late this month (from --since): the promises of call-back, "
                         "violence and debt advice."))
@click.option("--handler", metavar="ID", help=_("Only this handler's contacts."))
@click.option("--since", type=DATE,
              help=_("Answered late from this day (default: the first of this month)."))
@format_option()
@pass_env
def check(env: Env, handler, since, fmt: str) -> None:
    from ekbist import contacts as lib

    since = since or env.today.replace(day=1)
    rows = lib.check(env.open(readonly=True), env.today, since=since, handler=handler)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("overdue", "due_today", "late")}
    payload = {"as_of": env.today.isoformat(), "since": since.isoformat(), "counts": counts,
               "contacts": _machine(rows)}
    if emit_machine(fmt, payload, _machine(rows), CSV_COLUMNS):
        return
    if not rows:
        say(_("No contact to answer today, none past its deadline and none answered late "
              "(as of {date}, late answers since {since}).").format(date=payload["as_of"], since=payload["since"]))
        return
    emit(_shown(rows), CHECK_COLUMNS, "table")
    say(_("As of {date}: {overdue} not answered in time, {due} to answer today, {late} "
          "answered late since {since}.").format(date=payload["as_of"], overdue=fmt_int(counts["overdue"]),
                             due=fmt_int(counts["due_today"]), late=fmt_int(counts["late"]),
                             since=payload["since"]))
