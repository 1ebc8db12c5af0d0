"""``ekbist case``: cases (ärenden), known by their case number only."""

from __future__ import annotations

from datetime import timedelta

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE
from ekbist.commands.render import Column, emit, format_option

from ekbist.codes import typable
from ekbist.i18n import N_, _, ngettext

COVER_COLUMNS = [
    Column("case", N_("Case"), role="key"),
    Column("handler", N_("Covered by"), role="key"),
    Column("name", N_("Name")),
    Column("for_handler", N_("For handler")),
    Column("for_name", N_("For name")),
    Column("from_date", N_("From"), "date"),
    Column("to_date", N_("Until"), "date"),
    Column("closed", N_("Closed"), "date"),
]

CASE_COLUMNS = [
    Column("case", N_("Case")),
    Column("handler", N_("Handler")),
    Column("opened", N_("Opened"), "date"),
    Column("closed", N_("Closed"), "date"),
    Column("close_reason", N_("Reason"), "code:close_reason"),
    Column("adults", N_("Adults"), "int"),
    Column("children", N_("Children"), "int"),
    Column("homeless", N_("Homeless"), "bool"),
]


@click.group(help=_("Open, assign, close and look up cases."))
def case() -> None:
    pass


@case.command("open", help=_("Open a case with its first handler."))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--handler", required=True, help=_("The handler id."))
@click.option("--opened", type=DATE, required=True, help=_("The day the case was opened."))
@click.option(
    "--adults", type=int, default=1, show_default=True, help=_("Adults in the household.")
)
@click.option(
    "--children", type=int, default=0, show_default=True, help=_("Children in the household.")
)
@click.option(
    "--gender",
    type=click.Choice(["f", "m", "x"]),
    help=_("The applicant's gender (for statistics only)."),
)
@click.option(
    "--homeless", is_flag=True, help=_("The household is homeless (needs a housing plan).")
)
@click.option(
    "--birth-year",
    type=int,
    metavar=_("YYYY"),
    help=_("The applicant's birth year (for the age statistics; never a date)."),
)
@click.option("--barrier", help=_("The barrier to self-support from the day it opened."))
@pass_env
def open_(env: Env, case_id, handler, opened, adults, children, gender, homeless,
          birth_year, barrier) -> None:
    from ekbist import cases

    cases.open_case(
        env.open(),
        case_id,
        handler=handler,
        opened=opened,
        today=env.today,
        adults=adults,
        children=children,
        gender=gender,
        homeless=homeless,
        birth_year=birth_year,
        barrier=barrier,
    )
    click.echo(_("Opened case {id}.").format(id=case_id))


@case.command("edit", help=_("Change what is recorded about CASE."))
@click.argument("case_id", metavar=_("CASE"))
@click.option(
    "--birth-year",
    metavar=_("YYYY"),
    required=True,
    help=_("The applicant's birth year; 'unknown' forgets it."),
)
@pass_env
def edit(env: Env, case_id, birth_year) -> None:
    from ekbist import cases

    value = None if birth_year.strip().lower() in ("unknown", "okänt", "okänd") else birth_year
    row = cases.set_birth_year(env.open(), case_id, value, today=env.today)
    click.echo(
        _("Case {id}: birth year {year}.").format(
            id=case_id, year=row["birth_year"] if row["birth_year"] else _("unknown")
        )
    )


@case.command(help=_("Hand CASE to HANDLER from --date; the history is kept."))
@click.argument("case_id", metavar=_("CASE"))
@click.argument("handler_id", metavar=_("HANDLER"))
@click.option(
    "--date", "on", type=DATE, required=True, help=_("The first day with the new handler.")
)
@pass_env
def assign(env: Env, case_id, handler_id, on) -> None:
    from ekbist import cases

    cases.assign(env.open(), case_id, handler_id, on, today=env.today)
    click.echo(
        _("Case {id} is with {handler} from {date}.").format(
            id=case_id, handler=handler_id, date=on.isoformat()
        )
    )


@case.command(help=_("Let HANDLER carry CASE for a while (--from to --until, both included); "
                    "the case comes back to its own handler by itself after --until."))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--by", "by", required=True, metavar=_("HANDLER"),
              help=_("The handler who covers the case."))
@click.option("--from", "first", type=DATE, required=True, help=_("The first day covered."))
@click.option("--until", "last", type=DATE, required=True, help=_("The last day covered."))
@pass_env
def cover(env: Env, case_id, by, first, last) -> None:
    from ekbist import cover as covers

    row = covers.cover(env.open(), case_id, by, first=first, last=last)
    click.echo(_("Case {id} is covered by {handler} from {first} to {last}; it is back with "
                 "{own} on {back}.").format(
        id=case_id, handler=by, first=first.isoformat(), last=last.isoformat(),
        own=row["for_handler"], back=(last + timedelta(days=1)).isoformat()))


@case.command(help=_("End the cover of CASE: it is back with its own handler from --date "
                     "(the cover's first day cancels it)."))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--date", "on", type=DATE, required=True,
              help=_("The first day back with its own handler."))
@pass_env
def uncover(env: Env, case_id, on) -> None:
    from ekbist import cover as covers

    ended = covers.end(env.open(), case_id, on)
    if ended["cancelled"]:
        click.echo(_("The cover of case {id} by {handler} from {first} is cancelled.").format(
            id=case_id, handler=ended["handler"], first=ended["from_date"]))
    else:
        click.echo(_("Case {id} is back on {date} (covered by {handler} {first} to {last}).")
                   .format(id=case_id, date=on.isoformat(), handler=ended["handler"],
                           first=ended["from_date"], last=ended["to_date"]))


@case.command("covers", help=_("List the covers not yet over (--all: every one)."))
@click.option("--handler", help=_("Only covers by or for this handler."))
@click.option("--all", "show_all", is_flag=True, help=_("Include covers that are over."))
@format_option()
@pass_env
def covers_(env: Env, handler, show_all, fmt) -> None:
    from ekbist import cover as covers

    rows = covers.list_covers(env.open(readonly=True), handler=handler,
                              since=None if show_all else env.today)
    emit(rows, COVER_COLUMNS, fmt, empty=_("No covers."))


@case.command("close", help=_("Close a case with a reason."))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--date", "on", type=DATE, required=True, help=_("The closing day."))
@click.option(
    "--reason", required=True, help=_("Reason: {codes}.").format(codes=", ".join(typable("close_reason")))
)
@pass_env
def close_(env: Env, case_id, on, reason) -> None:
    from ekbist import cases

    cases.close_case(env.open(), case_id, on, reason, today=env.today)
    click.echo(_("Closed case {id}.").format(id=case_id))


@case.command("barrier",
              help=_("Record the case's barrier to self-support (försörjningshinder) from "
                     "--from on; the earlier ones are kept. BARRIER: {codes}.").format(
                  codes=", ".join(typable("barrier"))))
@click.argument("case_id", metavar=_("CASE"))
@click.argument("barrier", metavar=_("BARRIER"))
@click.option("--from", "from_date", type=DATE, required=True,
              help=_("The first day the barrier holds."))
@pass_env
def barrier(env: Env, case_id, barrier, from_date) -> None:
    from ekbist import barriers
    from ekbist.codes import label

    row = barriers.set_barrier(env.open(), case_id, barrier, from_date=from_date,
                               today=env.today)
    click.echo(_("Case {id}: {barrier} from {date}.").format(
        id=case_id, barrier=label("barrier", row["barrier"]), date=row["from_date"]))


@case.command("list", help=_("List cases with their handler."))
@click.option("--handler", help=_("Only this handler's cases."))
@click.option("--open", "status", flag_value="open", help=_("Only open cases."))
@click.option("--closed", "status", flag_value="closed", help=_("Only closed cases."))
@click.option("--as-of", type=DATE, help=_("Status and handler on this day."))
@format_option()
@pass_env
def list_(env: Env, handler, status, as_of, fmt) -> None:
    from ekbist import cases

    rows = cases.list_cases(env.open(readonly=True), handler=handler, status=status, as_of=as_of)
    emit(rows, CASE_COLUMNS, fmt, empty=_("No cases."))


@case.command(help=_("Show a case and who handled it when."))
@click.argument("case_id", metavar=_("CASE"))
@format_option(formats=("table", "json"))
@pass_env
def show(env: Env, case_id, fmt) -> None:
    from ekbist import cases

    row = cases.show(env.open(readonly=True), case_id)
    if fmt == "json":
        emit([], [], "json", payload=row)
        return
    click.echo(
        _("Case {id}: opened {opened}").format(id=row["id"], opened=row["opened"])
        + (
            _(", closed {closed} ({reason})").format(
                closed=row["closed"], reason=_label_reason(row["close_reason"])
            )
            if row["closed"]
            else ""
        )
    )
    adults = ngettext("{n} adult", "{n} adults", row["adults"]).format(n=row["adults"])
    children = ngettext("{n} child", "{n} children", row["children"]).format(n=row["children"])
    click.echo(
        _("Household: {adults}, {children}{homeless}").format(
            adults=adults,
            children=children,
            homeless=_(", homeless") if row["homeless"] else "",
        )
    )
    if row.get("birth_year"):
        click.echo(_("Applicant's birth year: {year}").format(year=row["birth_year"]))
    if row["barriers"]:
        emit(row["barriers"],
             [Column("barrier", N_("Barrier to self-support"), "code:barrier", role="key"),
              Column("from_date", N_("From"), "date"),
              Column("until", N_("Until"), "date")],
             "table", title=_("Barriers to self-support"))
    _periods(row["assignments"], N_("Handler"), _("Assignments"))
    if row["covers"]:
        _periods(row["covers"], N_("Covered by"), _("Covers"))


def _periods(rows: list[dict], who: str, title: str) -> None:
    """A case's handlers over time (its assignments, or its covers) as one dated table."""
    emit(rows,
         [Column("handler", who, role="key"), Column("name", N_("Name"), role="key"),
          Column("from_date", N_("From"), "date"), Column("to_date", N_("Until"), "date")],
         "table", title=title)


def _label_reason(code: str | None) -> str:
    from ekbist.codes import label

    return label("close_reason", code)
