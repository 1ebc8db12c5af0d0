"""``ekbist target`` and ``ekbist outcome``: the year's targets and the outcomes only the chief knows."""

from __future__ import annotations

from typing import Any

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, fmt_in_unit, fmt_target, format_option

from ekbist.codes import label as code_label
from ekbist.i18n import N_, _

TARGET_COLUMNS = [
    Column("year", N_("Year"), role="key"), Column("key", N_("Key"), "ident", role="key"),
    Column("label", N_("Target"), drop=1),  # the longest: left out (and named) first
    Column("shown", N_("Value")),
]


@click.group(help=_("The year's targets (årsmål), judged in 'ekbist report year'."))
def target() -> None:
    pass


@target.command("set",
                help=_("Set the target of YEAR on KEY: a figure ekbist computes (see "
                       "'ekbist target keys') or one you record with 'ekbist outcome "
                       "set'. Shares in per cent, money in tkr."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@click.argument("value", metavar=_("VALUE"))
@click.option("--at-least", is_flag=True, help=_("Met when the outcome is at least VALUE."))
@click.option("--at-most", is_flag=True, help=_("Met when the outcome is at most VALUE."))
@click.option("--label", help=_("How the target reads in the report."))
@click.option("--goal", metavar=_("GOAL"), help=_("The goal the target hangs under "
                                                  "(see 'ekbist goal list')."))
@click.option("--no-goal", is_flag=True, help=_("Hang the target under no goal."))
@click.option("--city-target", metavar=_("VALUE"), help=_("The city's target on the same "
                                                          "figure (KF:s årsmål), shown beside it."))
@click.option("--period", metavar=_("TEXT"), help=_("The period followed, as the report writes "
                                                    "it (VB 2016)."))
@pass_env
def target_set(env: Env, year: str, key: str, value: str, at_least: bool, at_most: bool,
               label: str | None, goal: str | None, no_goal: bool, city_target: str | None,
               period: str | None) -> None:
    from ekbist.errors import EkbistError
    from ekbist.reports import targets

    if at_least and at_most:
        raise EkbistError(_("give --at-least or --at-most, not both"))
    if goal is not None and no_goal:
        raise EkbistError(_("give --goal or --no-goal, not both"))
    direction = "at_least" if at_least else "at_most" if at_most else None
    row = targets.set_target(env.open(), year, key, value, direction=direction, label=label,
                             goal=goal, no_goal=no_goal, city_value=city_target, period=period)
    click.echo(_("Target {year} {key}: {direction} {value}.").format(
        year=row["year"], key=row["key"], direction=code_label("target_direction", row["direction"]),
        value=fmt_in_unit(row["value"], targets.unit_of(row["key"]))))


@target.command("list", help=_("List the targets, of YEAR or of every year."))
@click.argument("year", metavar=_("[YEAR]"), required=False)
@format_option()
@pass_env
def target_list(env: Env, year: str | None, fmt: str) -> None:
    from ekbist.reports import targets

    rows: list[dict[str, Any]] = targets.list_targets(env.open(readonly=True), year)
    for r in rows:
        r["shown"] = fmt_target(r["direction"], r["value"], r["unit"])
    # One year's list leaves out the year.
    columns = TARGET_COLUMNS[1:] if year is not None else TARGET_COLUMNS
    if fmt == "csv":  # the machine form: the value as a number, its direction and unit as codes
        columns = [Column(k, k) for k in ("year", "key", "label", "value", "direction", "unit")]
    emit(rows, columns, fmt, empty=_("No targets."),
         payload=[{k: r[k] for k in ("year", "key", "label", "value", "direction", "unit",
                                     "manual", "goal", "city_value", "period")} for r in rows])


@target.command("remove", help=_("Remove the target of YEAR on KEY."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@pass_env
def target_remove(env: Env, year: str, key: str) -> None:
    from ekbist.reports import targets

    targets.remove_target(env.open(), year, key)
    click.echo(_("Removed the target {year} {key}.").format(year=year, key=key))


@target.command("keys", help=_("List the figures ekbist computes that a target may name."))
@format_option()
@pass_env
def target_keys(env: Env, fmt: str) -> None:
    from ekbist.reports import targets

    rows = [{"key": f.key, "label": _(f.label), "unit": f.unit, "direction": f.direction}
            for f in targets.computed_figures().values()]
    # The figure's name is long: on a narrow terminal it is the one left out (and named).
    emit(rows, [Column("key", N_("Key"), "ident", role="key"),
                Column("label", N_("Figure"), drop=1),
                Column("unit", N_("Unit"), "code:figure_unit"),
                Column("direction", N_("Usually"), "code:target_direction")], fmt,
         payload=[{k: r[k] for k in ("key", "label", "unit", "direction")} for r in rows])


@click.group(help=_("Outcomes only you know (municipal jobs, summer jobs, violence contacts)."))
def outcome() -> None:
    pass


@outcome.command("set",
                 help=_("Record the outcome of YEAR on KEY, a figure ekbist cannot count."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@click.argument("value", metavar=_("VALUE"))
@click.option("--label", help=_("What is counted (needed the first time)."))
@click.option("--men", metavar=_("VALUE"), help=_("The outcome for men and boys."))
@click.option("--women", metavar=_("VALUE"), help=_("The outcome for women and girls."))
@pass_env
def outcome_set(env: Env, year: str, key: str, value: str, label: str | None,
                men: str | None, women: str | None) -> None:
    from ekbist.reports import targets

    row = targets.set_outcome(env.open(), year, key, value, label=label, men=men, women=women)
    click.echo(_("Outcome {year} {key} ({label}): {value}.").format(
        year=row["year"], key=row["key"], label=row["label"], value=fmt_in_unit(row["value"], "")))


@outcome.command("list", help=_("List the recorded outcomes, of YEAR or of every year."))
@click.argument("year", metavar=_("[YEAR]"), required=False)
@format_option()
@pass_env
def outcome_list(env: Env, year: str | None, fmt: str) -> None:
    from ekbist.reports import targets

    rows = targets.list_outcomes(env.open(readonly=True), year)
    for r in rows:
        r["shown"] = fmt_in_unit(r["value"], "")
    columns = [Column("year", N_("Year"), role="key"),
               Column("key", N_("Key"), "ident", role="key"),
               Column("label", N_("Figure")), Column("shown", N_("Outcome"))]
    if fmt == "csv":  # the machine form: the value as a number
        columns = [Column(k, k) for k in ("year", "key", "label", "value")]
    emit(rows, columns, fmt,
         empty=_("No outcomes."),
         payload=[{k: r[k] for k in ("year", "key", "label", "value", "men", "women")}
                  for r in rows])


@outcome.command("remove", help=_("Remove the outcome of YEAR on KEY."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("key", metavar=_("KEY"))
@pass_env
def outcome_remove(env: Env, year: str, key: str) -> None:
    from ekbist.reports import targets

    targets.remove_outcome(env.open(), year, key)
    click.echo(_("Removed the outcome {year} {key}.").format(year=year, key=key))
