"""``ekbist goal``: the year's goals (city, board, unit), their activities and verdicts."""

from __future__ import annotations

from typing import Any

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, format_option, say

from ekbist.codes import label as code_label
from ekbist.i18n import N_, _

GOAL_COLUMNS = [
    Column("key", N_("Goal"), "ident", role="key"),
    Column("level", N_("Level"), "code:goal_level"),
    Column("wording", N_("Wording"), drop=1),
    Column("verdict", N_("Verdict"), "code:goal_verdict"),
    Column("proposal", N_("Proposed"), "code:goal_verdict", drop=2),
]


@click.group(help=_("The year's goals (city, board and unit goals), judged in 'ekbist report "
                    "year'."))
def goal() -> None:
    pass


@goal.command("set", help=_("Add the goal KEY of YEAR, or change what is given of it."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@click.option("--level", metavar=_("LEVEL"),
              help=_("city, board or unit (KF:s mål, nämndmål, enhetsmål)."))
@click.option("--parent", metavar=_("GOAL"), help=_("The goal it hangs under."))
@click.option("--no-parent", is_flag=True, help=_("Hang it under no goal."))
@click.option("--wording", metavar=_("TEXT"), help=_("How the goal reads."))
@click.option("--expected", metavar=_("TEXT"), help=_("The expected result."))
@click.option("--analysis", metavar=_("TEXT"), help=_("The analysis of the year."))
@pass_env
def goal_set(env: Env, year: str, key: str, level: str | None, parent: str | None,
             no_parent: bool, wording: str | None, expected: str | None,
             analysis: str | None) -> None:
    from ekbist.errors import EkbistError
    from ekbist.reports import goals

    if parent is not None and no_parent:
        raise EkbistError(_("give --parent or --no-parent, not both"))
    row = goals.set_goal(env.open(), year, key, level=level, parent=parent, wording=wording,
                         expected=expected, analysis=analysis, no_parent=no_parent)
    say(_("Goal {year} {key} ({level}): {wording}").format(
        year=row["year"], key=row["key"], level=code_label("goal_level", row["level"]),
        wording=row["wording"]))


@goal.command("judge", help=_("Record your verdict on the goal KEY of YEAR: helt, delvis or "
                              "ej (fulfilled in full, in part, not fulfilled), with the "
                              "reason."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@click.argument("verdict", metavar=_("VERDICT"))
@click.option("--reason", metavar=_("TEXT"), required=True,
              help=_("Why: the indicators and activities you weighed."))
@pass_env
def goal_judge(env: Env, year: str, key: str, verdict: str, reason: str) -> None:
    from ekbist.reports import goals

    row = goals.judge(env.open(), year, key, verdict, reason=reason)
    say(_("Goal {year} {key}: {verdict}.").format(
        year=row["year"], key=row["key"], verdict=code_label("goal_verdict", row["verdict"])))


@goal.command("unjudge", help=_("Take back your verdict on the goal KEY of YEAR."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@pass_env
def goal_unjudge(env: Env, year: str, key: str) -> None:
    from ekbist.reports import goals

    row = goals.unjudge(env.open(), year, key)
    say(_("Goal {year} {key}: no verdict.").format(year=row["year"], key=row["key"]))


@goal.command("remove", help=_("Remove the goal KEY of YEAR and its activities."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@pass_env
def goal_remove(env: Env, year: str, key: str) -> None:
    from ekbist.reports import goals

    goals.remove_goal(env.open(), year, key)
    say(_("Removed the goal {year} {key}.").format(year=year, key=key))


@goal.command("activity", help=_("Add an activity to the goal KEY of YEAR, or change its "
                                 "dates or status."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@click.argument("activity", metavar=_("TEXT"))
@click.option("--start", metavar=_("YYYY-MM-DD"), help=_("Start date."))
@click.option("--until", "end", metavar=_("YYYY-MM-DD"), help=_("End date."))
@click.option("--status", metavar=_("STATUS"),
              help=_("planned, ongoing, done or deviation (default planned)."))
@click.option("--remove", is_flag=True, help=_("Remove the activity instead."))
@pass_env
def goal_activity(env: Env, year: str, key: str, activity: str, start: str | None,
                  end: str | None, status: str | None, remove: bool) -> None:
    from ekbist.reports import goals

    if remove:
        goals.remove_activity(env.open(), year, key, activity)
        say(_("Removed the activity from goal {key}.").format(key=key))
        return
    row = goals.set_activity(env.open(), year, key, activity, start=start, end=end,
                             status=status)
    say(_("Goal {key}: {activity} ({start}–{end}, {status}).").format(
        key=key, activity=row["activity"], start=row["start"] or "", end=row["end"] or "",
        status=code_label("activity_status", row["status"])))


@goal.command("list", help=_("List the goals of YEAR in their hierarchy, with your verdict "
                             "and ekbist's proposal."))
@click.argument("year", metavar=_("YEAR"))
@format_option(formats=("table", "json"))
@pass_env
def goal_list(env: Env, year: str, fmt: str) -> None:
    from ekbist.reports import year as year_lib

    data = year_lib.goal_report(env.open(readonly=True), year, today=env.today)
    rows: list[dict[str, Any]] = [
        {**g, "key": "  " * g["depth"] + g["key"]} for g in data["goals"]]
    emit(rows, GOAL_COLUMNS, fmt, empty=_("No goals."),
         payload={"year": data["year"], "goals": data["goals"],
                  "conclusion": data["conclusion"]})
