"""``ekbist budget`` and ``ekbist actuals``: the year's budget and the monthly actuals (utfall).

Amounts are typed and stored in whole kronor and shown in tkr; every sum on the
screen is the sum of the kronor, rounded once (halves away from zero).
"""

from __future__ import annotations

from typing import Any

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import AMOUNT, yes_option
from ekbist.commands.render import Column, emit, fmt_int, fmt_kr, format_option

from ekbist.i18n import N_, _
from ekbist.money import to_tkr
from ekbist.months import MONTH_NAMES

MONTHS_SHORT = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
                N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))

SUM_REVENUES = N_("Total revenues")
SUM_COSTS = N_("Total costs")
SUM_NET = N_("Net")
ALL_ACTIVITIES = N_("All activities")


def month_name(month: int) -> str:
    return _(MONTH_NAMES[month - 1])


def month_short(month: int) -> str:
    return _(MONTHS_SHORT[month - 1])


def kind_label(kind: str) -> str:
    return _("revenue") if kind == "revenue" else _("cost")


def tkr(value: int | None) -> int | None:
    """Kronor to whole tkr for a table whose title says (tkr); the sum was built in kronor."""
    return None if value is None else to_tkr(value)


def default_year(env: Env, year: int | None) -> int:
    return env.today.year if year is None else year


# -- budget ---------------------------------------------------------------------------
@click.group(help=_("The year's budget per activity and line, in whole kronor (shown in tkr)."))
def budget() -> None:
    pass


@budget.command("set",
                help=_("Set the budget of YEAR for ACTIVITY and LINE to AMOUNT kronor "
                       "(\"5 111 000\", or \"5111 tkr\")."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("activity", metavar=_("ACTIVITY"))
@click.argument("line", metavar=_("LINE"))
@click.argument("amount", type=AMOUNT, metavar=_("AMOUNT"))
@click.option("--new", is_flag=True, help=_("ACTIVITY is a new activity (no year has it yet)."))
@pass_env
def set_(env: Env, year: str, activity: str, line: str, amount: str, new: bool) -> None:
    from ekbist import budget as budget_store

    row = budget_store.set_budget(env.open(), year, activity, line, amount, new=new)
    click.echo(_("Budget {year} {activity} · {line}: {amount}{was}.").format(
        year=row["year"], activity=row["activity"], line=row["line"], amount=fmt_kr(row["amount"]),
        was=_was(row["previous"], row["amount"])))


def _was(previous: int | None, amount: int) -> str:
    if previous is None or previous == amount:
        return ""
    return _(" (was {amount})").format(amount=fmt_kr(previous))


BUDGET_COLUMNS = [
    Column("activity", N_("Activity"), role="group"), Column("line", N_("Line"), role="key"),
    Column("amount", N_("Budget"), "int"),
]
BUDGET_CSV = [
    Column("year", "year"), Column("activity", "activity"), Column("line", "line"),
    Column("kind", "kind"), Column("amount", "amount", "int"),
]


@budget.command("show", help=_("Show the budget of YEAR in tkr with revenues, costs and net."))
@click.argument("year", required=False, metavar=_("[YEAR]"))
@click.option("--activity", help=_("Only this activity."))
@format_option()
@pass_env
def show(env: Env, year: str | None, activity: str | None, fmt: str) -> None:
    from ekbist import budget as budget_store

    report = budget_store.budget_report(env.open(readonly=True), default_year(env, year),
                                        activity=activity)
    if fmt == "json":
        emit([], [], "json", payload=report)
        return
    if fmt == "csv":
        rows = [{"year": report["year"], "activity": a["activity"], **line}
                for a in report["activities"] for line in a["lines"]]
        emit(rows, BUDGET_CSV, "csv")
        return
    rows: list[dict[str, Any]] = []
    for block in report["activities"]:
        for i, line in enumerate(block["lines"]):
            rows.append({"activity": block["activity"] if i == 0 else "", "line": line["line"],
                         "amount": tkr(line["amount"])})
        rows += _sum_rows("", block["revenues"], block["costs"], block["net"])
    if len(report["activities"]) > 1:
        total = report["total"]
        rows += _sum_rows(_(ALL_ACTIVITIES), total["revenues"], total["costs"], total["net"])
    emit(rows, BUDGET_COLUMNS, "table",
         title=_("Budget {year} (tkr)").format(year=report["year"]),
         empty=_("No budget for {year}.").format(year=report["year"]))


def _sum_rows(activity: str, revenues: int, costs: int, net: int) -> list[dict[str, Any]]:
    return [
        {"activity": activity, "line": _(SUM_REVENUES), "amount": tkr(revenues)},
        {"activity": "", "line": _(SUM_COSTS), "amount": tkr(costs)},
        {"activity": "", "line": _(SUM_NET), "amount": tkr(net)},
    ]


LINE_COLUMNS = [Column("name", N_("Line")), Column("kind_label", N_("Kind")),
                Column("position", N_("Position"), "int")]


@budget.command("lines", help=_("List the budget lines (revenues and costs) in report order."))
@format_option()
@pass_env
def lines_(env: Env, fmt: str) -> None:
    from ekbist import budget as budget_store

    rows = budget_store.lines(env.open(readonly=True))
    for row in rows:
        row["kind_label"] = kind_label(row["kind"])
    if fmt != "table":
        rows = [{"name": r["name"], "kind": r["kind"], "position": r["position"]} for r in rows]
        emit(rows, [Column("name", "name"), Column("kind", "kind"),
                    Column("position", "position", "int")], fmt)
        return
    emit(rows, LINE_COLUMNS, fmt)


@budget.command("add-line", help=_("Add the unit's own budget line NAME."))
@click.argument("name", metavar=_("NAME"))
@click.option("--kind", required=True, help=_("revenue or cost (intäkt/kostnad)."))
@click.option("--after", help=_("Place it after this line (default: last of its kind)."))
@pass_env
def add_line(env: Env, name: str, kind: str, after: str | None) -> None:
    from ekbist import budget as budget_store

    row = budget_store.add_line(env.open(), name, kind, after=after)
    click.echo(_("Added the {kind} line '{name}'.").format(kind=kind_label(row["kind"]),
                                                          name=row["name"]))


# -- actuals ---------------------------------------------------------------------------
@click.group(help=_("Monthly actuals (utfall) per activity and line, in whole kronor."))
def actuals() -> None:
    pass


@actuals.command("set",
                 help=_("Set the actual amount of YEAR, MONTH (1–12) for ACTIVITY and LINE "
                        "to AMOUNT kronor."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("month", metavar=_("MONTH"))
@click.argument("activity", metavar=_("ACTIVITY"))
@click.argument("line", metavar=_("LINE"))
@click.argument("amount", type=AMOUNT, metavar=_("AMOUNT"))
@click.option("--new", is_flag=True, help=_("ACTIVITY is a new activity (no year has it yet)."))
@pass_env
def actuals_set(env: Env, year: str, month: str, activity: str, line: str, amount: str,
                new: bool) -> None:
    from ekbist import budget as budget_store

    row = budget_store.set_actual(env.open(), year, month, activity, line, amount, new=new)
    click.echo(_("Actual {year}-{month:02d} {activity} · {line}: {amount}{was}.").format(
        year=row["year"], month=row["month"], activity=row["activity"], line=row["line"],
        amount=fmt_kr(row["amount"]), was=_was(row["previous"], row["amount"])))


ACTUALS_CSV = [
    Column("year", "year"), Column("month", "month", "int"), Column("activity", "activity"),
    Column("line", "line"), Column("kind", "kind"), Column("amount", "amount", "int"),
]


@actuals.command("show", help=_("Show the actuals of YEAR month by month in tkr."))
@click.argument("year", required=False, metavar=_("[YEAR]"))
@click.option("--activity", help=_("Only this activity."))
@format_option()
@pass_env
def actuals_show(env: Env, year: str | None, activity: str | None, fmt: str) -> None:
    from ekbist import budget as budget_store

    report = budget_store.actuals_report(env.open(readonly=True), default_year(env, year),
                                         activity=activity)
    if fmt == "json":
        emit([], [], "json", payload=report)
        return
    if fmt == "csv":
        rows = [{"year": report["year"], "month": m + 1, "activity": a["activity"],
                 "line": line["line"], "kind": line["kind"], "amount": value}
                for a in report["activities"] for line in a["lines"]
                for m, value in enumerate(line["months"]) if value is not None]
        emit(rows, ACTUALS_CSV, "csv")
        return
    last = report["last_month"] or 0
    # The year to date matters most, then the latest months; the earliest go first.
    columns = [Column("activity", N_("Activity"), role="group"),
               Column("line", N_("Line"), role="key")]
    columns += [Column(f"m{m}", MONTHS_SHORT[m - 1], "int", drop=m) for m in range(1, last + 1)]
    columns.append(Column("total", N_("Year to date"), "int"))
    rows: list[dict[str, Any]] = []

    def months_of(values: list[int | None]) -> dict[str, Any]:
        return {f"m{m}": tkr(values[m - 1]) for m in range(1, last + 1)}

    for block in report["activities"]:
        for i, line in enumerate(block["lines"]):
            rows.append({"activity": block["activity"] if i == 0 else "", "line": line["line"],
                         **months_of(line["months"]), "total": tkr(line["total"])})
        for label, key in ((SUM_REVENUES, "revenues"), (SUM_COSTS, "costs"), (SUM_NET, "net")):
            rows.append({"activity": "", "line": _(label), **months_of(block[key]),
                         "total": tkr(sum(block[key]))})
    if len(report["activities"]) > 1:
        rows.append({"activity": _(ALL_ACTIVITIES), "line": _(SUM_NET),
                     **months_of(report["total"]["net"]),
                     "total": tkr(report["total"]["net_ytd"])})
    emit(rows, columns, "table",
         title=_("Actuals {year} (tkr)").format(year=report["year"]),
         empty=_("No actuals for {year}.").format(year=report["year"]))


# -- corrections ------------------------------------------------------------------------------
CORRECTION_OPTIONS = (
    yes_option(_("Do not ask for confirmation (for scripts; without a terminal nothing is asked "
                 "anyway).")),
    click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                 show_default=True, help=_("Output format.")),
)


def correction_options(function):
    """--yes and --format, which every correction has, and the environment."""
    function = pass_env(function)
    for option in reversed(CORRECTION_OPTIONS):
        function = option(function)
    return function


def _table_counts(counts: dict[str, int]) -> str:
    from ekbist.i18n import ngettext

    words = {"budget": lambda n: ngettext("{n} budget amount", "{n} budget amounts", n),
             "actual": lambda n: ngettext("{n} actual amount", "{n} actual amounts", n),
             "prognosis": lambda n: ngettext("{n} saved prognosis line",
                                             "{n} saved prognosis lines", n)}
    return ", ".join(words[table](n).format(n=fmt_int(n)) for table, n in counts.items() if n)


def describe(plan: Any) -> list[str]:
    """What a correction does (or did), in the reader's words, a line each."""
    s = plan.subject
    if plan.action == "remove_actuals":
        period = f"{s['year']:04d}-{s['month']:02d}"
        what = (_("the actuals of {period} ({activity})").format(period=period,
                                                                 activity=s["activity"])
                if s["activity"] else _("the actuals of {period}").format(period=period))
        head = _("Removes {what}: {counts}.") if not plan.applied else _("Removed {what}: {counts}.")
        return [head.format(what=what, counts=_table_counts(plan.removed))]
    if plan.action == "remove_budget":
        head = (_("Removed the budget of {year} {activity} · {line}.") if plan.applied else
                _("Removes the budget of {year} {activity} · {line}."))
        return [head.format(**s)]
    if plan.action == "remove_activity":
        head = (_("Removed {activity} from every year: {counts}.") if plan.applied else
                _("Removes {activity} from every year: {counts}."))
        return [head.format(activity=s["activity"], counts=_table_counts(plan.removed))]
    merge = plan.action.startswith("merge")
    if plan.applied:
        head = _("Merged '{old}' into '{new}'.") if merge else _("Renamed '{old}' to '{new}'.")
    else:
        head = _("Merges '{old}' into '{new}'.") if merge else _("Renames '{old}' to '{new}'.")
    out = [head.format(**s)]
    if plan.moved:
        out.append("  " + _("Moved: {counts}.").format(counts=_table_counts(plan.moved)))
    if plan.summed:
        out.append("  " + _("Added to the amounts '{new}' has for the same period: {counts}.")
                   .format(new=s["new"], counts=_table_counts(plan.summed)))
    for change in plan.settings:
        out.append("  " + _("Setting {key}: {old} → {new}.").format(**change))
    return out


def run_correction(env: Env, fmt: str, yes: bool, question: str, correct) -> None:
    """Say what the correction does and ask before doing it at a terminal, as
    ``caseload balance --apply`` does; ``--yes`` and a run without a terminal do not ask.

    ``correct(fix, store, apply)`` is the correction of :mod:`ekbist.budget_corrections`
    (``fix``): a plan of it when ``apply`` is false, the plan carried out when true."""
    from ekbist import budget_corrections as fix
    from ekbist.commands.prompts import confirm, interactive
    from ekbist.commands.render import say, to_json

    store = env.open()
    if not yes and interactive():
        # With --format json the talk goes to stderr, so that stdout is the JSON alone.
        talk = fmt != "table"
        for line in describe(correct(fix, store, False)):
            say(line, err=talk)
        if not confirm(question, err=talk):
            say(_("Nothing was written."), err=talk)
            return
    plan = correct(fix, store, True)
    if fmt == "json":
        click.echo(to_json(plan.to_json()))
        return
    for line in describe(plan):
        say(line)


@budget.command("remove", help=_("Remove the budget of YEAR for ACTIVITY and LINE (audited)."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("activity", metavar=_("ACTIVITY"))
@click.argument("line", metavar=_("LINE"))
@correction_options
def remove(env: Env, year: str, activity: str, line: str, yes: bool, fmt: str) -> None:
    run_correction(env, fmt, yes, _("Remove it?"), lambda fix, store, apply: fix.remove_budget(
        store, year, activity, line, apply=apply))


@budget.command("remove-activity",
                help=_("Remove ACTIVITY's budget and actuals in every year — for an activity "
                       "made by mistake (audited; refused while a saved prognosis has it)."))
@click.argument("activity", metavar=_("ACTIVITY"))
@correction_options
def remove_activity(env: Env, activity: str, yes: bool, fmt: str) -> None:
    run_correction(env, fmt, yes, _("Remove it?"), lambda fix, store, apply: fix.remove_activity(
        store, activity, apply=apply))


@budget.command("rename-activity",
                help=_("Rename activity OLD to NEW in every budget, actual and saved "
                       "prognosis; when NEW exists, OLD is merged into it (amounts of the same "
                       "period added together)."))
@click.argument("old", metavar=_("OLD"))
@click.argument("new", metavar=_("NEW"))
@correction_options
def rename_activity(env: Env, old: str, new: str, yes: bool, fmt: str) -> None:
    run_correction(env, fmt, yes, _("Go ahead?"), lambda fix, store, apply: fix.rename_activity(
        store, old, new, apply=apply))


@budget.command("rename-line",
                help=_("Rename budget line OLD to NEW in every budget, actual and saved "
                       "prognosis; when NEW exists (of the same kind), OLD is merged into it."))
@click.argument("old", metavar=_("OLD"))
@click.argument("new", metavar=_("NEW"))
@correction_options
def rename_line(env: Env, old: str, new: str, yes: bool, fmt: str) -> None:
    run_correction(env, fmt, yes, _("Go ahead?"), lambda fix, store, apply: fix.rename_line(
        store, old, new, apply=apply))


@actuals.command("remove", help=_("Remove the actuals of YEAR and --month (of one activity or "
                                  "all), e.g. a month imported by mistake (audited)."))
@click.argument("year", metavar=_("YEAR"))
@click.option("--month", "month", required=True, metavar=_("MONTH"), help=_("The month, 1–12."))
@click.option("--activity", help=_("Only this activity."))
@correction_options
def actuals_remove(env: Env, year: str, month: str, activity: str | None, yes: bool,
                   fmt: str) -> None:
    run_correction(env, fmt, yes, _("Remove them?"), lambda fix, store, apply: fix.remove_actuals(
        store, year, month, activity=activity, apply=apply))
