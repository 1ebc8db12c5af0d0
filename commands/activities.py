"""``ekbist activities``: activities (insatser) of cases, exemptions, the first meeting
booked and the Jobbtorg referral check."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE, month_period_options
from ekbist.commands.render import Column, emit, format_option, say

from ekbist.codes import typable
from ekbist.i18n import N_, _

ACTIVITY_COLUMNS = [
    Column("id", N_("Id"), "int", role="key"),
    Column("case", N_("Case"), role="key"),
    Column("kind", N_("Kind"), "code:activity_kind"),
    Column("hours", N_("Hours a week"), "float"),
    Column("from_date", N_("From"), "date"),
    Column("to_date", N_("To"), "date"),
    Column("handler", N_("Handler"), drop=2),
    Column("exemption", N_("Reason"), "code:exemption", drop=3),
    Column("provider", N_("Provider"), drop=1),
]


@click.group(help=_("Activities (Jobbtorg, programmes, studies …) and exemptions of cases, "
                    "and the Jobbtorg referral before the first meeting."))
def activities() -> None:
    pass


@activities.command("add", help=_("Record an activity of CASE: its kind, provider, hours a "
                                  "week and period. KIND: {kinds}.").format(
    kinds=", ".join(k for k in typable("activity_kind") if k not in ("exempt", "undantag"))))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--kind", required=True, help=_("The kind of activity."))
@click.option("--hours", type=float, default=0.0, show_default=True,
              help=_("Hours a week."))
@click.option("--provider", default="", help=_("Who provides it (no client details)."))
@click.option("--from", "from_date", type=DATE, required=True, help=_("The first day."))
@click.option("--to", "to_date", type=DATE, help=_("The last day (empty: it goes on)."))
@click.option("--note", default="", help=_("A short note (no client details)."))
@pass_env
def add(env: Env, case_id, kind, hours, provider, from_date, to_date, note) -> None:
    from ekbist import activities as lib
    from ekbist.codes import label

    store = env.open()
    code = lib.parse_kind(store, kind)
    if code == lib.EXEMPT:
        from ekbist.errors import EkbistError

        raise EkbistError(_("an exemption is recorded with 'ekbist activities exempt'"))
    new = lib.add(store, case_id, kind=code, hours=hours, provider=provider,
                  from_date=from_date, to_date=to_date, note=note, today=env.today)
    say(_("Activity {id}: {kind} for case {case} from {date}.").format(
        id=new, kind=label("activity_kind", code), case=case_id, date=from_date.isoformat()))


@activities.command("exempt", help=_("Record that CASE's adult is exempt from activity, with "
                                     "the reason. REASON: {reasons}.").format(
    reasons=", ".join(typable("exemption"))))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--reason", required=True, help=_("Why there is no activity."))
@click.option("--from", "from_date", type=DATE, required=True, help=_("The first day."))
@click.option("--to", "to_date", type=DATE, help=_("The last day (empty: until further "
                                                   "notice)."))
@click.option("--note", default="", help=_("A short note (no client details)."))
@pass_env
def exempt(env: Env, case_id, reason, from_date, to_date, note) -> None:
    from ekbist import activities as lib
    from ekbist.codes import label, parse_code

    new = lib.add(env.open(), case_id, kind=lib.EXEMPT, exemption=reason, from_date=from_date,
                  to_date=to_date, note=note, today=env.today)
    say(_("Activity {id}: case {case} exempt ({reason}) from {date}.").format(
        id=new, case=case_id, reason=label("exemption", parse_code("exemption", reason)),
        date=from_date.isoformat()))


@activities.command("end", help=_("End activity ID: --date is its last day."))
@click.argument("activity_id", type=int, metavar=_("ID"))
@click.option("--date", "on", type=DATE, required=True, help=_("The last day."))
@pass_env
def end(env: Env, activity_id, on) -> None:
    from ekbist import activities as lib

    lib.end(env.open(), activity_id, on, today=env.today)
    say(_("Activity {id} ended on {date}.").format(id=activity_id, date=on.isoformat()))


@activities.command("list", help=_("List activities and exemptions with the case's handler."))
@click.option("--case", "case_id", help=_("Only this case."))
@click.option("--handler", help=_("Only this handler's cases."))
@click.option("--as-of", type=DATE, help=_("Only those running on this day (and the handler "
                                           "then)."))
@format_option()
@pass_env
def list_(env: Env, case_id, handler, as_of, fmt) -> None:
    from ekbist import activities as lib

    rows = lib.list_activities(env.open(readonly=True), case=case_id, handler=handler,
                               as_of=as_of)
    emit(rows, ACTIVITY_COLUMNS, fmt, empty=_("No activities."))


@activities.command("meeting", help=_("Record the day of the first meeting booked with the "
                                      "unit for CASE (a new applicant); it may lie ahead."))
@click.argument("case_id", metavar=_("CASE"))
@click.option("--date", "on", type=DATE, required=True, help=_("The day of the meeting."))
@pass_env
def meeting(env: Env, case_id, on) -> None:
    from ekbist import activities as lib

    lib.set_first_meeting(env.open(), case_id, on, today=env.today)
    say(_("Case {case}: first meeting {date}.").format(case=case_id, date=on.isoformat()))


REFERRAL_MONTHS = [
    Column("month", N_("Month"), role="key"),
    Column("applicants", N_("Unemployed new applicants"), "int"),
    Column("jobbtorg_first", N_("Jobbtorg first"), "int"),
    Column("share", N_("Share"), "percent"),
]
REFERRAL_MISSING = [
    Column("case", N_("Case"), role="key"),
    Column("first_meeting", N_("First meeting"), "date"),
    Column("handler", N_("Handler")),
    Column("barrier", N_("Barrier to self-support"), "code:barrier"),
]


@activities.command("check", help=_("New applicants with unemployment as barrier whose first "
                                    "meeting is booked without a Jobbtorg visit first, and "
                                    "the share with one per month."))
@month_period_options
@format_option(formats=("table", "json"))
@pass_env
def check(env: Env, first, last, fmt) -> None:
    from ekbist import activities as lib

    store = env.open(readonly=True)
    first, last = lib.referral_period(store, first=first, last=last, today=env.today)
    data = lib.referrals(store, first, last)
    if fmt == "json":
        emit([], [], "json", payload=data)
        return
    emit(data["months"], REFERRAL_MONTHS, "table",
         title=_("Jobbtorg before the first meeting, {first}–{last}").format(first=first,
                                                                             last=last))
    if data["missing"]:
        emit(data["missing"], REFERRAL_MISSING, "table",
             title=_("First meeting booked without Jobbtorg: {n}").format(
                 n=len(data["missing"])))
    else:
        say(_("Every unemployed new applicant went to Jobbtorg first."))
    _footnote(_("Counted: cases with a first meeting booked (activities meeting) and unemployment "
          "as barrier that day; Jobbtorg first = a Jobbtorg activity begun on or before the "
          "meeting day."))


@activities.command("attend", help=_("Record the attendance at activity ID in a month: the "
                                     "hours attended or the share of the planned time "
                                     "present. A second record of the month corrects the "
                                     "first."))
@click.argument("activity_id", type=int, metavar=_("ID"))
@click.option("--month", required=True, metavar=_("YYYY-MM"), help=_("The month attended."))
@click.option("--hours", metavar=_("NUMBER"), help=_("Hours attended in the month."))
@click.option("--share", metavar=_("PERCENT"), help=_("Share of the planned time present, "
                                                      "0–100 %."))
@click.option("--date", "on", type=DATE, help=_("The day it is recorded (default: today)."))
@pass_env
def attend(env: Env, activity_id, month, hours, share, on) -> None:
    from ekbist import attendance as lib
    from ekbist.commands.cells import fmt_percent

    row = lib.record(env.open(), activity_id, month,
                     hours=None if hours is None else lib.parse_hours(hours),
                     share=None if share is None else lib.parse_share(share),
                     recorded=on or env.today, today=env.today)
    what = (_("{hours} hours").format(hours=_hours(row["hours"])) if row["hours"] is not None
            else _("{share} present").format(share=fmt_percent(row["share"])))
    say(_("Activity {id} (case {case}), {month}: {what}, recorded {date}.").format(
        id=activity_id, case=row["case"], month=row["month"], what=what,
        date=row["recorded"]))


def _footnote(text: str) -> None:
    """A report's footnote, wrapped like the other reports' prose: at 80 columns on a pipe,
    at the terminal's width when narrower."""
    from ekbist.commands.render import prose_width, wrap_text

    click.echo(wrap_text(text, prose_width()))


def _hours(value: float) -> str:
    from ekbist.commands.cells import fmt_number

    return fmt_number(value, 0 if float(value).is_integer() else 1)


CONTROL_MONTHS = [
    Column("month", N_("Month"), role="key"),
    Column("activities", N_("Activities to check"), "int"),
    Column("in_time", N_("Recorded in time"), "int"),
    Column("share", N_("Share"), "percent"),
]
CONTROL_MISSING = [
    Column("case", N_("Case"), role="key"),
    Column("month", N_("Month"), role="key"),
    Column("activity", N_("Activity"), "int"),
    Column("kind", N_("Kind"), "code:activity_kind", drop=2),
    Column("handler", N_("Handler"), drop=1),
    Column("decided", N_("Decided"), "date"),
    Column("recorded", N_("Recorded"), "date"),
]


@activities.command("attendance", help=_("The monthly control: was the attendance at every "
                                         "activity recorded before the application for the "
                                         "next month was decided? Per month, and the "
                                         "activities without."))
@month_period_options
@click.option("--handler", help=_("Only this handler's cases (on the decision day)."))
@format_option(formats=("table", "json"))
@pass_env
def attendance(env: Env, first, last, handler, fmt) -> None:
    from ekbist import attendance as lib

    store = env.open(readonly=True)
    first, last = lib.control_period(first, last, env.today)
    data = lib.control(store, first, last, handler=handler)
    if fmt == "json":
        emit([], [], "json", payload=data)
        return
    emit(data["months"], CONTROL_MONTHS, "table",
         title=_("Attendance recorded before the next month's decision, {first}–{last}")
         .format(first=first, last=last))
    if data["missing"]:
        emit(data["missing"], CONTROL_MISSING, "table",
             title=_("Decided without the attendance: {n}").format(n=len(data["missing"])))
    else:
        say(_("Every attendance was recorded before the decision."))
    _footnote(_("Counted: activities (not exemptions) that ran in the month, of cases whose "
          "application for the next month was decided (granted, partly or rejected); in "
          "time = attendance for the month recorded on or before the first such decision."))


READINESS_MONTHS = [
    Column("month", N_("Month"), role="key"),
    Column("households", N_("Households"), "int"),
    Column("full_time", N_("Full time"), "int"),
    Column("part_time", N_("Part time"), "int"),
    Column("exempt", N_("Exempt"), "int"),
    Column("none", N_("None"), "int"),
]
READINESS_REASONS = [
    Column("reason", N_("Reason"), "code:exemption", role="key"),
    Column("households", N_("Households"), "int"),
]
WITHOUT_COLUMNS = [
    Column("handler", N_("Handler"), role="key"),
    Column("case", N_("Case"), role="key"),
]


@activities.command("readiness", help=_("Readiness for a full-time activity requirement: per "
                                        "month, the households with assistance with a "
                                        "full-time activity, part-time, exempt or none; and "
                                        "those with none in the last month, per handler."))
@month_period_options
@click.option("--handler", help=_("Only this handler's list."))
@format_option(formats=("table", "json"))
@pass_env
def readiness(env: Env, first, last, handler, fmt) -> None:
    from ekbist import attendance as att
    from ekbist.reports import readiness as lib

    store = env.open(readonly=True)
    first, last = att.control_period(first, last, env.today)
    data = lib.readiness(store, first, last, today=env.today, handler=handler)
    if fmt == "json":
        emit([], [], "json", payload=data)
        return
    hours = _hours(data["full_time_hours"])
    emit(data["months"], READINESS_MONTHS, "table",
         title=_("Households with assistance by activity, {first}–{last}").format(
             first=first, last=last))
    month = data["months"][-1]
    reasons = [{"reason": r, "households": n} for r, n in month["exempt_by_reason"].items()
               if n]
    if reasons:
        emit(reasons, READINESS_REASONS, "table",
             title=_("Exempt in {month}, by reason").format(month=month["month"]))
    without = data["without"]
    if without["cases"]:
        emit(without["cases"], WITHOUT_COLUMNS, "table",
             title=_("No activity and no exemption in {month}: {n}").format(
                 month=without["month"], n=len(without["cases"])))
    else:
        say(_("Every household with assistance in {month} had an activity or an "
              "exemption.").format(month=without["month"]))
    _footnote(_("Counted: households with assistance in the month; full time = activities running "
          "together on one day of the month reaching {hours} hours a week (setting "
          "activities.full_time_hours); exempt = otherwise an exemption on some day of the "
          "month; part time = otherwise an activity on some day of it.").format(hours=hours))
