"""``ekbist handling-time``: the five-working-day rule, checked each morning and reported."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE, GROUP_BY, WordChoice
from ekbist.commands.render import (
    say,
    Column,
    emit,
    emit_machine,
    fmt_int,
    format_option,
    is_terminal,
)

from ekbist.handlers import names as handler_names
from ekbist.codes import TOTAL
from ekbist.i18n import N_, _

STATUS_CODES = ("overdue", "due_today", "due_next", "ok", "incomplete")
STATUS_WORDS = ("försenad", "i-dag", "nästa-dag", "inom-tid", "ofullständig")  # typed in Swedish

CHECK_COLUMNS = [
    Column("status_label", N_("Status")), Column("id", N_("Application"), role="key"),
    Column("case", N_("Case"), drop=5),
    Column("received", N_("Received"), "date", drop=4),
    Column("completed", N_("Complete"), "date", drop=3),
    Column("deadline", N_("Deadline"), "date", drop=6),
    Column("working_days_left", N_("Days left"), "int", drop=7),
    Column("working_days_since_arrival", N_("Days since arrival"), "int", drop=2),
    Column("flag", N_("Flag"), drop=1),
    # An application on a case with no current change plan the day it came in.
    Column("plan", N_("Plan"), drop=8),
]
NO_PLAN = N_("missing")
CSV_COLUMNS = [
    Column("handler", N_("Handler")), Column("id", N_("Application")),
    Column("case", N_("Case")),
    Column("received", N_("Received"), "date"), Column("completed", N_("Complete"), "date"),
    Column("deadline", N_("Deadline"), "date"), Column("status", N_("Status")),
    Column("working_days_left", N_("Days left"), "int"),
    Column("working_days_since_arrival", N_("Days since arrival"), "int"),
    Column("flagged", N_("Flagged")),
    Column("without_plan", N_("Without plan")),
]
REPORT_COLUMNS = [
    # The share decided in time is the figure; the withdrawals, the waits and the spreads go first.
    Column("decided", N_("Decided"), "int", drop=11), Column("in_time", N_("In time"), "int", drop=8),
    Column("late", N_("Late"), "int", drop=9), Column("no_clock", N_("No clock"), "int", drop=7),
    Column("withdrawn", N_("Withdrawn"), "int", drop=1),
    Column("share_in_time", N_("Share in time"), "percent"),
    Column("median_working_days", N_("Median wd"), "float", drop=10),
    Column("mean_working_days", N_("Mean wd"), "float", drop=6),
    Column("max_working_days", N_("Max wd"), "int", drop=5),
    Column("median_wait_days", N_("Median wait"), "float", drop=3),
    Column("mean_wait_days", N_("Mean wait"), "float", drop=2),
    Column("share_wait_over_14", N_("Wait > 14 d"), "percent", drop=4),
]


@click.group("handling-time",
             help=_("The five-working-day rule: the morning check and the compliance report."))
def handling_time() -> None:
    pass


@handling_time.command(help=_("List every undecided application with its status as of --today, "
                              "per handler, most urgent first."))
@click.option("--handler", metavar="ID", help=_("Only this handler's applications."))
@click.option("--status", "statuses", multiple=True, type=WordChoice(dict(zip(STATUS_CODES, STATUS_WORDS,
                                                                             strict=True))),
              help=_("Only these statuses (repeat the option for several)."))
@format_option()
@pass_env
def check(env: Env, handler, statuses, fmt) -> None:
    from ekbist import handling_time as ht

    store = env.open(readonly=True)
    payload = ht.check(store, env.today, handler=handler)
    if statuses:
        payload["applications"] = [a for a in payload["applications"] if a["status"] in statuses]
    if emit_machine(fmt, payload, payload["applications"], CSV_COLUMNS):
        return
    _check_tables(store, payload)


# Above this many rows a terminal gets plain text too: rich needs about a second per
# thousand rows, and a city-size unit has thousands of open applications.
RICH_ROW_LIMIT = 400


def _check_tables(store, payload: dict) -> None:
    from ekbist.commands.render import plain_table

    from ekbist import handling_time as ht

    rows = payload["applications"]
    if not rows:
        say(_("No undecided applications as of {date}.").format(date=payload["as_of"]))
        return
    groups: dict[str | None, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["handler"], []).append(row)
    # Handler names only for the table: the JSON contract carries the id.
    names = handler_names(store)
    rich = is_terminal() and len(rows) <= RICH_ROW_LIMIT
    for handler, items in groups.items():
        counts = ht.count_statuses(items)
        urgent = ", ".join(
            f"{ht.status_label(s)} {fmt_int(counts[s])}" for s in STATUS_CODES if counts[s]
        )
        who = f"{names.get(handler, handler)} ({handler})" if handler else _("no handler")
        display = [
            {**r, "status_label": ht.status_label(r["status"]), "flag": "!" if r["flagged"] else "",
             "plan": _(NO_PLAN) if r["without_plan"] else ""}
            for r in items
        ]
        if rich:
            emit(display, CHECK_COLUMNS, "table", title=f"{who}: {urgent}")
        else:
            click.echo(plain_table(display, CHECK_COLUMNS, f"{who}: {urgent}"))
            click.echo()
    counts = payload["counts"]
    summary = " · ".join(f"{ht.status_label(s)} {fmt_int(counts[s])}" for s in STATUS_CODES)
    say(_("As of {date}: {summary} ({flagged} incomplete flagged; {without} on a case without "
          "a current change plan).").format(
        date=payload["as_of"], summary=summary, flagged=fmt_int(payload["flagged"]),
        without=fmt_int(payload["without_plan"])))


@handling_time.command(help=_("Share decided within the deadline, working days and waiting time "
                              "for applications whose clock started from --from to --to."))
@click.option("--from", "first", type=DATE, required=True, help=_("First day of the period."))
@click.option("--to", "last", type=DATE, required=True, help=_("Last day of the period."))
@click.option("--by", type=WordChoice(GROUP_BY), help=_("Group the figures."))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False),
              help=_("Also write the report to this Excel workbook, with a chart per month."))
@click.option("--force", is_flag=True, help=_("Overwrite the --xlsx file if it exists."))
@format_option()
@pass_env
def report(env: Env, first, last, by, xlsx, force, fmt) -> None:
    from ekbist.commands.render import working

    from ekbist import files, handlers
    from ekbist import handling_time as ht
    from ekbist.reports import series_workbooks

    if xlsx:
        files.check_new_workbook(xlsx, force=force)
    store = env.open(readonly=True)
    with working(_("Counting working days"), fmt):
        payload = ht.report(store, first, last, by=by)
        if xlsx:
            path = series_workbooks.write_handling_time(
                payload, ht.monthly(store, first, last), handlers.names(store), xlsx,
                overwrite=force)
    if xlsx:
        if fmt == "table":
            say(_("Wrote {path}.").format(path=path))
    if fmt == "json":
        emit([], [], "json", payload={k: payload[k] for k in ("from", "to", "total", "groups")})
        return
    columns = [Column("key", _group_header(by)), *REPORT_COLUMNS]
    if fmt == "csv":
        emit([*payload["groups"], {**payload["total"], "key": "total"}], columns, "csv")
        return
    rows = [*payload["groups"], {**payload["total"], "key": _(TOTAL)}]
    if by == "handler":
        # Names beside the ids, for the table only: the JSON contract keeps the id.
        names = handler_names(store)
        rows = [{**r, "name": names.get(r["key"], "")} for r in rows]
        columns = [Column("key", _group_header(by), role="key"),
                   Column("name", N_("Name"), role="key"), *columns[1:]]
    if by == "team":
        from ekbist.codes import label

        rows = [{**r, "key": label("team", r["key"])} for r in payload["groups"]] + rows[-1:]
    title = _("Handling time {first} – {last} (deadline: working day {days})").format(
        first=payload["from"], last=payload["to"], days=payload["days"])
    emit(rows, columns, "table", title=title)


GROUP_HEADERS = {"handler": N_("Handler"), "team": N_("Team"), "month": N_("Month")}


def _group_header(by: str | None) -> str:
    return GROUP_HEADERS.get(by or "", N_("Group"))
