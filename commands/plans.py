"""``ekbist plan`` and ``ekbist plans``: change plans, housing plans and their follow-ups."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE, GROUP_BY, WordChoice
from ekbist.commands.render import Column, emit, fmt_int, fmt_percent, format_option, to_csv, say

from ekbist.codes import typable
from ekbist.i18n import N_, _, ngettext

KIND_HELP = _("Plan kind: change (förändringsplan, the default) or housing (boendeplan).")

PLAN_COLUMNS = [
    Column("case", N_("Case")), Column("kind", N_("Plan"), "code:plan_kind"),
    Column("handler", N_("Handler")), Column("made", N_("Made"), "date"),
    Column("followups", N_("Follow-ups"), "int"),
    Column("last_followup", N_("Last follow-up"), "date"),
    Column("next_followup", N_("Next follow-up"), "date"), Column("ended", N_("Ended"), "date"),
    Column("status", N_("Status")),
]

STATUS = {
    "current": N_("current"),
    "lapsed": N_("lapsed"),
    "ended": N_("ended"),
    "case_closed": N_("case closed"),
}

# A follow-up due: the case is the row and when it is due is what the list is for.
DUE_COLUMNS = [
    Column("case", N_("Case"), role="key"), Column("kind", N_("Plan"), "code:plan_kind", drop=3),
    Column("made", N_("Made"), "date", drop=1),
    Column("last_followup", N_("Last follow-up"), "date", drop=2),
    Column("next_followup", N_("Next follow-up"), "date", drop=4), Column("when", N_("Due")),
]
DUE_CSV = [Column(key, key) for key in (
    "handler", "handler_name", "team", "case", "kind", "plan_id", "made", "last_followup",
    "next_followup", "overdue", "days_overdue", "days_left")]

MISSING_TITLES = {
    "never": N_("Never had a change plan (opened more than {grace} days ago)"),
    "lapsed": N_("Change plan lapsed (follow-up date passed)"),
    "ended": N_("Change plan ended, no new plan"),
    "no_housing_plan": N_("Homeless without a current housing plan"),
}
_M = {
    "case": Column("case", N_("Case"), role="key"),
    "handler": Column("handler", N_("Handler"), drop=2),
    "handler_name": Column("handler_name", N_("Name"), drop=1),
    "opened": Column("opened", N_("Opened"), "date", drop=3),
    "made": Column("made", N_("Made"), "date", drop=4),
    "next_followup": Column("next_followup", N_("Next follow-up"), "date", drop=6),
    "ended": Column("ended", N_("Ended"), "date", drop=5), "note": Column("note", N_("Note")),
}
MISSING_COLUMNS = {
    "never": [_M[k] for k in ("case", "handler", "handler_name", "opened", "note")],
    "lapsed": [_M[k] for k in ("case", "handler", "handler_name", "opened", "made", "next_followup",
                               "note")],
    "ended": [_M[k] for k in ("case", "handler", "handler_name", "opened", "made", "ended", "note")],
    "no_housing_plan": [_M[k] for k in ("case", "handler", "handler_name", "opened", "made",
                                        "next_followup", "ended", "note")],
}
MISSING_CSV = [Column(key, key) for key in (
    "group", "case", "kind", "reason", "handler", "handler_name", "team", "opened", "days_open",
    "made", "next_followup", "ended", "days")]


# -- ekbist plan ----------------------------------------------------------------------
@click.group(help=_("Add, follow up, end and list change plans and housing plans."))
def plan() -> None:
    pass


def _kind_option(function):
    # The help names the default in the reader's language; click's own would say 'change'.
    return click.option("--kind", default="change", help=KIND_HELP)(function)


@plan.command(help=_("Register a plan made with the client on --made."))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--made", type=DATE, required=True, help=_("The day the plan was made."))
@_kind_option
@click.option("--next", "next_followup", type=DATE,
              help=_("First follow-up; default --made plus the setting plans.followup_months (3)."))
@pass_env
def add(env: Env, case_id, made, kind, next_followup) -> None:
    from ekbist import plans

    row = plans.add(env.open(), case_id, made=made, today=env.today, kind=kind,
                    next_followup=next_followup)
    say(_("Added a {kind} for case {id}, made {made}; next follow-up {next}.").format(
        kind=_kind(row["kind"]), id=row["case"], made=row["made"], next=row["next_followup"]))


@plan.command("follow-up", help=_("Record a follow-up of the case's open plan."))
@click.argument("case_id", metavar=_("CASE"))
@_kind_option
@click.option("--date", "on", type=DATE, required=True, help=_("The day of the follow-up."))
@click.option("--next", "next_followup", type=DATE,
              help=_("Next follow-up; default --date plus the setting plans.followup_months (3)."))
@pass_env
def follow_up(env: Env, case_id, kind, on, next_followup) -> None:
    from ekbist import plans

    row = plans.follow_up(env.open(), case_id, on=on, today=env.today, kind=kind,
                          next_followup=next_followup)
    say(_("Followed up the {kind} of case {id} on {date}; next follow-up {next}.").format(
        kind=_kind(row["kind"]), id=row["case"], date=on.isoformat(), next=row["next_followup"]))


@plan.command(help=_("End the case's open plan; from --date it is no longer current."))
@click.argument("case_id", metavar=_("CASE"))
@_kind_option
@click.option("--date", "on", type=DATE, required=True,
              help=_("The day the plan ends (it is not current on that day)."))
@pass_env
def end(env: Env, case_id, kind, on) -> None:
    from ekbist import plans

    row = plans.end(env.open(), case_id, on=on, today=env.today, kind=kind)
    say(_("Ended the {kind} of case {id} on {date}.").format(
        kind=_kind(row["kind"]), id=row["case"], date=on.isoformat()))


@plan.command("list", help=_("List plans with their next follow-up and status today."))
@click.option("--case", "case_id", metavar=_("CASE"), help=_("Only this case."))
@click.option("--handler", help=_("Only cases with this handler today."))
@click.option("--kind", help=_("Only this plan kind: change or housing."))
@format_option()
@pass_env
def list_(env: Env, case_id, handler, kind, fmt) -> None:
    from ekbist import plans

    rows = plans.list_plans(env.open(readonly=True), as_of=env.today, case=case_id,
                            handler=handler, kind=kind)
    if fmt == "table":
        rows = [dict(r, status=_(STATUS.get(r["status"], r["status"]))) for r in rows]
    emit(rows, PLAN_COLUMNS, fmt, empty=_("No plans."))


def _kind(code: str) -> str:
    from ekbist.codes import label

    return label("plan_kind", code)


# -- ekbist plans -------------------------------------------------------------------
@click.group(help=_("Follow-ups due, cases without a plan, and the share of cases with a "
                    "current plan."))
def plans() -> None:
    pass


def _handler_title(row: dict) -> str:
    from ekbist.codes import label

    if row["handler"] is None:
        return _("No handler")
    return f"{row['handler_name']} ({row['handler']}, {label('team', row['team'])})"


def _grouped_tables(rows: list[dict], columns: list[Column]) -> None:
    from ekbist.commands.render import is_terminal, plain_table, print_rich, rich_table

    groups: dict[object, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["handler"], []).append(row)
    first = True
    for group in groups.values():
        if not first:
            click.echo()
        first = False
        title = _handler_title(group[0])
        if is_terminal():
            print_rich(rich_table(group, columns, title))
        else:
            click.echo(plain_table(group, columns, title))


@plans.command(help=_("Follow-ups due within --within days and those already overdue, "
                      "by handler."))
@click.option("--within", type=int, default=14, show_default=True,
              help=_("Days ahead to look."))
@click.option("--handler", help=_("Only this handler's cases."))
@click.option("--team", help=_("Only this team: {codes}.").format(codes=", ".join(typable("team"))))
@format_option()
@pass_env
def due(env: Env, within, handler, team, fmt) -> None:
    from ekbist import plans as library

    rows = library.due(env.open(readonly=True), as_of=env.today, within=within,
                       handler=handler, team=team)
    if fmt == "json":
        emit([], [], "json", payload={"as_of": env.today.isoformat(), "within": within,
                                      "followups": rows})
        return
    if fmt == "csv":
        click.echo(to_csv([dict(r, overdue=int(r["overdue"])) for r in rows], DUE_CSV), nl=False)
        return
    if not rows:
        say(ngettext("No follow-ups due within {n} day and none overdue.",
                            "No follow-ups due within {n} days and none overdue.", within
                            ).format(n=within))
        return
    overdue = sum(1 for r in rows if r["overdue"])
    due = len(rows) - overdue
    say(_("Follow-ups as of {day}: {overdue}, {due}.").format(
        day=env.today.isoformat(),
        overdue=ngettext("{n} overdue", "{n} overdue", overdue).format(n=fmt_int(overdue)),
        due=ngettext("{n} due within {days} days", "{n} due within {days} days", due).format(
            n=fmt_int(due), days=within)))
    click.echo()
    _grouped_tables([dict(r, when=_when(r)) for r in rows], DUE_COLUMNS)


def _when(row: dict) -> str:

    if row["days_overdue"]:
        n = row["days_overdue"]
        return ngettext("{n} day overdue", "{n} days overdue", n).format(n=fmt_int(n))
    if row["days_left"] == 0:
        return _("today")
    n = row["days_left"]
    return ngettext("in {n} day", "in {n} days", n).format(n=fmt_int(n))


@plans.command(help=_("Active cases without a current change plan, and homeless cases without "
                      "a current housing plan."))
@click.option("--handler", help=_("Only this handler's cases."))
@click.option("--team", help=_("Only this team: {codes}.").format(codes=", ".join(typable("team"))))
@format_option()
@pass_env
def missing(env: Env, handler, team, fmt) -> None:
    from ekbist import plans as library

    store = env.open(readonly=True)
    rows = library.missing(store, as_of=env.today, handler=handler, team=team)
    counts = library.missing_counts(rows)
    grace = library.grace_days(store)
    if fmt == "json":
        emit([], [], "json", payload={"as_of": env.today.isoformat(), "grace_days": grace,
                                      "counts": counts, "cases": rows})
        return
    if fmt == "csv":
        click.echo(to_csv(rows, MISSING_CSV), nl=False)
        return
    if not rows:
        say(_("Every active case has the plans it needs."))
        return
    never, lapsed = counts["never"], counts["lapsed"]
    ended, housing = counts["ended"], counts["no_housing_plan"]
    say(_("As of {day}: {never}, {lapsed}, {ended}; {housing}.").format(
        day=env.today.isoformat(),
        never=ngettext("{n} never had a change plan", "{n} never had a change plan",
                       never).format(n=fmt_int(never)),
        lapsed=ngettext("{n} lapsed", "{n} lapsed", lapsed).format(n=fmt_int(lapsed)),
        ended=ngettext("{n} ended without a new plan", "{n} ended without a new plan",
                       ended).format(n=fmt_int(ended)),
        housing=ngettext("{n} homeless without a housing plan",
                         "{n} homeless without a housing plan", housing).format(n=fmt_int(housing))))
    for group in library.GROUPS:
        group_rows = [dict(r, note=_missing_note(r)) for r in rows if r["group"] == group]
        if not group_rows:
            continue
        click.echo()
        emit(group_rows, MISSING_COLUMNS[group], "table",
             title=_(MISSING_TITLES[group]).format(grace=grace) + f" ({fmt_int(len(group_rows))})")


def _missing_note(row: dict) -> str:

    n = row["days"]
    if row["reason"] == "lapsed":
        return ngettext("lapsed {n} day ago", "lapsed {n} days ago", n).format(n=fmt_int(n))
    if row["reason"] == "ended":
        return ngettext("ended {n} day ago", "ended {n} days ago", n).format(n=fmt_int(n))
    if row["kind"] == "housing":
        return ngettext("no housing plan for {n} day", "no housing plan for {n} days",
                        n).format(n=fmt_int(n))
    return ngettext("{n} day past the grace period", "{n} days past the grace period",
                    n).format(n=fmt_int(n))


COVERAGE_COLUMNS = [
    Column("eligible", N_("Eligible"), "int", drop=1),
    Column("current", N_("Current plan"), "int", drop=2),
    Column("share", N_("Share"), "percent"),
]


# The applications decided in the month (up to the day measured) and the share of those
# that needed a plan which came in with a current one.
APPLICATION_COLUMNS = [
    Column("applications_decided", N_("Decided"), "int", drop=1),
    Column("applications_eligible", N_("Eligible applications"), "int", drop=6),
    Column("applications_current", N_("With a plan"), "int", drop=5),
    Column("applications_share", N_("Share with a plan"), "percent", drop=3),
]


def _flat(entry: dict) -> dict:
    """A month (or day) with its applications' figures as columns of its own row."""
    apps = entry["applications"]
    return {**entry, **{f"applications_{k}": apps[k]
                        for k in ("decided", "eligible", "current", "share")}}


def _by_columns(by: str) -> list[Column]:
    if by == "handler":
        return [Column("handler", N_("Handler"), role="key"),
                Column("name", N_("Name"), role="key"),
                Column("team", N_("Team"), "code:team", drop=3), *COVERAGE_COLUMNS]
    return [Column("team", N_("Team"), "code:team"), *COVERAGE_COLUMNS]


@plans.command(help=_("The share of active cases past the grace period that have a current "
                      "change plan, and the share of the applications decided in the period, "
                      "on such cases, that came in with a current plan."))
@click.option("--as-of", type=DATE, help=_("Measure on this day (default today)."))
@click.option("--by", type=WordChoice({k: GROUP_BY[k] for k in ("handler", "team")}),
              help=_("Split by handler or team."))
@click.option("--monthly", is_flag=True, help=_("A series measured at each month's end."))
# The months are read by the library (ekbist.validate.parse_month), which names the flag in
# one `error:` line, as every other --from/--to month does.
@click.option("--from", "first", metavar=_("YYYY-MM"), help=_("First month of the series "
                                                             "(default 11 months before --to)."))
@click.option("--to", "last", metavar=_("YYYY-MM"), help=_("Last month of the series (default "
                                                          "this month, measured today)."))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False),
              help=_("Also write the figures to a new workbook (with a chart for a series)."))
@format_option()
@pass_env
def coverage(env: Env, as_of, by, monthly, first, last, xlsx, fmt) -> None:
    from ekbist import files
    from ekbist import plan_coverage as library
    from ekbist.errors import EkbistError
    from ekbist.reports import series_workbooks

    monthly = monthly or first is not None or last is not None
    if monthly and as_of is not None:
        raise EkbistError(_("--as-of measures one day; give --from/--to for a monthly series"))
    if xlsx:
        files.check_new_workbook(xlsx)  # before the work: nothing is computed for a bad target
    store = env.open(readonly=True)
    if monthly:
        from ekbist.reports.completeness import span_state

        result = library.coverage_monthly(store, first=first, last=last, today=env.today, by=by)
        # A series whose last month is not over says so, as every report over a period does:
        # that month is measured on --today, not at its end.
        covers = span_state(result["from"], result["to"], env.today)
        result = {"from": result["from"], "to": result["to"], "complete": covers["complete"],
                  "covers": covers, "months": result["months"]}
    else:
        result = library.coverage(store, as_of=as_of or env.today, today=env.today, by=by)
    if xlsx:
        written = series_workbooks.write_plan_coverage(xlsx, result, by=by)
        message = _("Wrote {path}.").format(path=written)
        say(message, err=fmt != "table")
    if fmt == "json":
        emit([], [], "json", payload=result)
        return
    if monthly:
        _monthly_output(result, by, fmt)
        return
    if fmt == "csv":
        rows = result["by"] or [_flat(result)]
        columns = _by_columns(by) if by else [Column("as_of", N_("As of")), *COVERAGE_COLUMNS,
                                               *APPLICATION_COLUMNS]
        click.echo(to_csv(rows, columns), nl=False)
        return
    say(_coverage_line(result))
    say(_applications_line(result["applications"]))
    if by:
        click.echo()
        emit(result["by"], _by_columns(by), "table")


def _coverage_line(result: dict) -> str:
    if not result["eligible"]:
        return _("On {day} no active case is past the grace period.").format(day=result["as_of"])
    return _("On {day}, {current} of {eligible} eligible cases had a current change plan "
             "({share}).").format(day=result["as_of"], current=fmt_int(result["current"]),
                                  eligible=fmt_int(result["eligible"]),
                                  share=fmt_percent(result["share"]))


def _applications_line(apps: dict) -> str:
    """The applications decided in the period: how many came in with a current plan."""
    if not apps["eligible"]:
        return _("No application decided from {first} to {last} was on a case that needed a "
                 "change plan.").format(first=apps["from"], last=apps["to"])
    return ngettext(
        "Of the {eligible} application decided from {first} to {last} on a case that needed a "
        "change plan, {current} came in with a current plan ({share}).",
        "Of the {eligible} applications decided from {first} to {last} on cases that needed a "
        "change plan, {current} came in with a current plan ({share}).",
        apps["eligible"]).format(eligible=fmt_int(apps["eligible"]), first=apps["from"],
                                 last=apps["to"], current=fmt_int(apps["current"]),
                                 share=fmt_percent(apps["share"]))


def _monthly_output(result: dict, by: str | None, fmt: str) -> None:
    # The table leaves out the count of all decisions (JSON and CSV carry it), so that a
    # series fits a pipe's 100 columns.
    applications = APPLICATION_COLUMNS if fmt == "csv" else APPLICATION_COLUMNS[1:]
    series = [Column("month", N_("Month")), Column("as_of", N_("As of"), "date"), *COVERAGE_COLUMNS,
              *applications]
    months = [_flat(entry) for entry in result["months"]]
    if not by:
        emit(months, series, fmt)
        if fmt == "table":
            _running_line(result)
        return
    rows = [dict(group, month=entry["month"], as_of=entry["as_of"])
            for entry in result["months"] for group in entry["by"]]
    columns = [Column("month", N_("Month")), Column("as_of", N_("As of"), "date"), *_by_columns(by)]
    if fmt == "csv":
        emit(rows, columns, "csv")
        return
    emit(months, series, "table", title=_("All cases"))
    click.echo()
    emit(rows, columns, "table", title=_("Per handler") if by == "handler" else _("Per team"))
    _running_line(result)


def _running_line(result: dict) -> None:
    """Below the table: which months the series covers when its last month is not over."""
    from ekbist.reports.completeness import measured_note

    note = measured_note(result["covers"])
    if note:
        import textwrap

        from ekbist.commands.render import prose_width

        click.echo(textwrap.fill(note, prose_width()))
