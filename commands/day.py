"""``ekbist day`` (Swedish ``dag``): one handler's working day, or the whole unit's."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, format_option, prose_width, wrap_text

from ekbist.i18n import N_, _, ngettext

# Each row says what it is (the application, the case, the handler) and keeps the figure it
# is listed for: the status, the follow-up date, who covers, why a case has no one.
APPLICATION_COLUMNS = [
    Column("id", N_("Application"), role="key"), Column("case", N_("Case"), drop=3),
    Column("handler", N_("Handler"), drop=1), Column("handler_name", N_("Name"), drop=5),
    Column("received", N_("Received"), "date", drop=2),
    Column("deadline", N_("Deadline"), "date", drop=4),
    Column("status_label", N_("Status")),
    # "missing" when the case had no current change plan the day the application came in.
    Column("plan", N_("Plan"), drop=6),
]
FOLLOWUP_COLUMNS = [
    Column("case", N_("Case"), role="key"), Column("kind", N_("Plan"), "code:plan_kind", drop=1),
    Column("handler", N_("Handler"), drop=2), Column("handler_name", N_("Name"), drop=3),
    Column("next_followup", N_("Follow-up"), "date"),
]
COVERING_COLUMNS = [
    Column("case", N_("Case"), role="key"), Column("handler", N_("Handler"), drop=1),
    Column("handler_name", N_("Name")), Column("for_handler", N_("Covering for"), drop=2),
    Column("for_name", N_("Name"), drop=4), Column("since", N_("Since"), "date", drop=3),
    Column("until", N_("Until"), "date", drop=5),
]
UNCOVERED_COLUMNS = [
    Column("handler", N_("Handler"), role="key"), Column("handler_name", N_("Name"), role="key"),
    Column("why_label", N_("Why")), Column("since", N_("Since"), "date", drop=1),
    Column("cases", N_("Cases"), "int", drop=2),
]
CALLBACK_COLUMNS = [
    Column("id", N_("Contact"), role="key"),
    Column("received", N_("Received"), "date", drop=3), Column("received_time", N_("Time"), drop=1),
    Column("handler", N_("Handler"), drop=2), Column("handler_name", N_("Name"), drop=4),
    Column("case", N_("Case"), drop=5),
    Column("deadline", N_("Call back by"), "date"), Column("status_label", N_("Status")),
]
ATTENDANCE_COLUMNS = [
    Column("application", N_("Application"), role="key"), Column("case", N_("Case"), drop=3),
    Column("handler", N_("Handler"), drop=1),
    Column("activity", N_("Activity"), "int"),
    Column("kind", N_("Kind"), "code:activity_kind", drop=2),
    Column("month", N_("Month")),
]
WHY = {"left": N_("handler has left"), "away": N_("handler is away"),
       "not_started": N_("handler has not started"), "no_handler": N_("no handler")}


@click.command(
    help=_("A handler's working day, or the whole unit's: applications to decide today and the "
           "next working day, overdue and incomplete ones, plan follow-ups due this week, cases "
           "covered for absent colleagues or without cover, and the working days left in the "
           "month."),
)
@click.option("--handler", metavar="ID", help=_("This handler's day (default: the whole unit)."))
@format_option(formats=("table", "json"))
@pass_env
def day(env: Env, handler: str | None, fmt: str) -> None:
    from ekbist.day import working_day

    store = env.open(readonly=True)
    payload = working_day(store, env.today, handler=handler)
    if fmt == "json":
        emit([], [], "json", payload=payload)
        return
    one = payload["handler"] is not None

    def columns(cols: list[Column]) -> list[Column]:
        # One handler's day does not repeat their id and name on every row.
        if not one:
            return cols
        return [c for c in cols if c.key not in ("handler", "handler_name")]

    if one:
        heading = _("The working day of {name} ({id}), {date}").format(
            name=payload["name"], id=payload["handler"], date=payload["as_of"])
    else:
        heading = _("The unit's working day, {date}").format(date=payload["as_of"])
    def prose(text: str) -> str:
        # As the year and month reports wrap their notes: 80 columns on a pipe, fewer on a
        # narrower terminal.
        return wrap_text(text, prose_width())

    left = payload["working_days_left"]
    click.echo(prose(heading + " — " + ngettext(
        "{n} working day left this month", "{n} working days left this month", left).format(
        n=left)))
    from ekbist import handling_time as ht

    def section(title: str, rows: list[dict], cols: list[Column], note: str | None = None,
                count: int | None = None) -> None:
        click.echo()
        tail = f" — {note}" if note else ""
        if not rows:
            click.echo(prose(f"{title}: {_('none')}{tail}"))
            return
        emit(rows, cols if cols is UNCOVERED_COLUMNS else columns(cols), "table",
             title=prose(f"{title} ({len(rows) if count is None else count}){tail}"))

    from ekbist.commands.handling_time import NO_PLAN

    def shown(rows: list[dict]) -> list[dict]:
        return [{**a, "status_label": ht.status_label(a["status"]),
                 "plan": _(NO_PLAN) if a["without_plan"] else ""} for a in rows]

    section(_("Decide today or the next working day"), shown(payload["due"]), APPLICATION_COLUMNS)
    section(_("Overdue"), shown(payload["overdue"]), APPLICATION_COLUMNS)
    section(_("Incomplete past the limit"), shown(payload["incomplete"]), APPLICATION_COLUMNS)
    from ekbist.commands.contacts import status_label as contact_status

    calls = [{**c, "status_label": contact_status(c["status"])} for c in payload["callbacks"]]
    section(_("Call-backs"), calls, CALLBACK_COLUMNS)
    more = payload["followups_overdue"]
    note = None
    if more:
        command = "ekbist plans due" + (f" --handler {payload['handler']}" if one else "")
        note = ngettext("and {n} overdue: {command}", "and {n} overdue: {command}", more).format(
            n=more, command=command)
    section(_("Plan follow-ups due by {date}").format(date=payload["week_end"]),
            payload["followups"], FOLLOWUP_COLUMNS, note)
    section(_("Attendance to record before deciding"), payload["attendance"],
            ATTENDANCE_COLUMNS)
    section(_("Cases covered for absent colleagues"), payload["covering"], COVERING_COLUMNS)
    # Cases without cover, one line per colleague who is gone or away: short enough to print.
    grouped: dict[tuple, dict] = {}
    for u in payload["without_cover"]:
        key = (u["handler"], u["why"], u["since"])
        row = grouped.setdefault(key, {"handler": u["handler"], "handler_name": u["handler_name"],
                                       "why_label": _(WHY[u["why"]]), "since": u["since"], "cases": 0})
        row["cases"] += 1
    title = _("Cases in the team without cover") if one else _("Cases without cover")
    section(title, list(grouped.values()), UNCOVERED_COLUMNS, count=len(payload["without_cover"]))
