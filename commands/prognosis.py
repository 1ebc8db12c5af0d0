"""``ekbist prognosis``: make, save, show, compare and export the monthly full-year prognosis."""

from __future__ import annotations

from typing import Any

import click
from ekbist.commands.budget import (
    ALL_ACTIVITIES,
    MONTHS_SHORT,
    SUM_COSTS,
    SUM_NET,
    SUM_REVENUES,
    month_name,
    month_short,
    tkr,
)
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import LINE_AMOUNT
from ekbist.commands.prognosis_scores import accuracy, backtest, fmt_signed, method_label
from ekbist.commands.render import Column, emit, fmt_int, fmt_number, fmt_percent, format_option, say

from ekbist.errors import EkbistError
from ekbist.i18n import N_, _, ngettext


PROGNOSIS_COLUMNS = [
    # The prognosis and its deviation are what the table is for; the method goes first.
    Column("activity", N_("Activity"), role="group"), Column("line", N_("Line"), role="key"),
    Column("budget", N_("Budget"), "int", drop=4),
    Column("actual_ytd", N_("Actual YTD"), "int", drop=3),
    Column("prognosis", N_("Prognosis"), "int"), Column("deviation", N_("Deviation"), "int"),
    Column("method", N_("Method"), drop=1), Column("comment", N_("Comment"), drop=2),
]
LINE_CSV = [
    Column("year", "year"), Column("month", "month", "int"), Column("activity", "activity"),
    Column("line", "line"), Column("kind", "kind"), Column("budget", "budget", "int"),
    Column("actual_ytd", "actual_ytd", "int"), Column("prognosis", "prognosis", "int"),
    Column("deviation", "deviation", "int"), Column("method", "method"),
    Column("comment", "comment"), Column("missing_actuals", "missing_actuals"),
]


def resolve_period(env: Env, year: str | None, month: str | None) -> tuple[int, int]:
    """--year/--month, by default the month that ended last (the one a prognosis is due for)."""
    from ekbist.budget import check_month, check_year

    today = env.today
    if year is None and month is None:
        index = today.year * 12 + today.month - 2
        return index // 12, index % 12 + 1
    y = today.year if year is None else check_year(year)
    if month is not None:
        return y, check_month(month)
    if y < today.year:
        return y, 12
    if y == today.year and today.month > 1:
        return y, today.month - 1
    raise EkbistError(_("no month of {year} has ended yet — give --month").format(year=y))


def method_text(line: dict[str, Any]) -> str:
    """The Method column: the method, and how it was chosen when not by the chief here —
    'budget (best, 0.6%)' from the backtest, 'budget (setting)' from prognosis.line_methods."""
    label = method_label(line["method"])
    if line.get("chosen_by") == "best":
        error = line.get("backtest_error")
        return _("{method} (best, {error})").format(
            method=label, error=fmt_percent(error) if error is not None else "–")
    if line.get("chosen_by") == "setting":
        return _("{method} (setting)").format(method=label)
    return label


@click.group(help=_("The monthly full-year prognosis for the controller."))
def prognosis() -> None:
    pass


YEAR_OPTION = click.option(
    "--year", metavar=_("YYYY"), help=_("The year (default: that of the last ended month).")
)
MONTH_OPTION = click.option(
    "--month", metavar=_("1-12"),
    help=_("Actuals up to and including this month, 1–12 (default: the last ended month)."),
)


@prognosis.command(help=_("Make the full-year prognosis from the actuals up to --month."))
@YEAR_OPTION
@MONTH_OPTION
@click.option("--method", "methods", multiple=True, metavar=_("LINE=METHOD"),
              help=_("run-rate, budget, seasonal, driver or best for LINE (or ACTIVITY:LINE, or "
                     "* for all lines; a METHOD alone is for all lines)."))
@click.option("--set", "overrides", multiple=True, type=LINE_AMOUNT, metavar=_("LINE=AMOUNT"),
              help=_("Set the prognosis of LINE (or ACTIVITY:LINE) by hand, in kronor; "
                     "needs a --comment."))
@click.option("--comment", "comments", multiple=True, metavar=_("LINE=TEXT"),
              help=_("A comment on LINE (or ACTIVITY:LINE), e.g. on its deviation."))
@click.option("--save", is_flag=True,
              help=_("Save it as this month's prognosis (replaces one saved before)."))
@click.option("--allow-missing-actuals", "allow_missing", is_flag=True,
              help=_("Make it even though months lack actuals; it is marked as such."))
@format_option()
@pass_env
def make(env: Env, year, month, methods, overrides, comments, save, allow_missing, fmt) -> None:
    from ekbist import prognosis as prognosis_lib
    from ekbist.prognosis_backtest import best_methods
    from ekbist.prognosis_options import split_assignment

    y, m = resolve_period(env, year, month)
    pairs = {
        "methods": [split_assignment(t, "method", bare="*") for t in methods],
        "overrides": [split_assignment(t, "set") for t in overrides],
        "comments": [split_assignment(t, "comment") for t in comments],
    }
    store = env.open(readonly=not save)
    details: dict[str, Any] = {}
    result = prognosis_lib.make(store, y, m, today=env.today, details=details,
                                allow_missing_actuals=allow_missing, choose_best=best_methods,
                                **pairs)
    replaced = None
    if save:
        replaced = prognosis_lib.saved_on(store, y, m)
        prognosis_lib.save(store, result, today=env.today)
    if fmt == "json":
        emit([], [], "json", payload=result)
        return
    show_result(result, fmt, title=_("Prognosis {year} as of {month} (tkr)").format(
        year=y, month=month_name(m)))
    if fmt == "table":
        _driver_note(result, details)
        if details.get("no_season"):
            say(ngettext("{n} line keeps its default method: the seasonal method needs its "
                         "activity's twelve months of last year.",
                         "{n} lines keep their default method: the seasonal method needs their "
                         "activity's twelve months of last year.",
                         len(details["no_season"])).format(n=len(details["no_season"])))
        if save:
            say(_("Saved as the prognosis for {month} {year}{replaced}.").format(
                month=month_name(m), year=y,
                replaced=_(" (replacing the one saved {date})").format(date=replaced)
                if replaced else ""))


@prognosis.command(help=_("Show the prognosis saved for a month."))
@YEAR_OPTION
@click.option("--month", metavar=_("1-12"), help=_("The month, 1–12 (default: the latest saved)."))
@format_option()
@pass_env
def show(env: Env, year, month, fmt) -> None:
    from ekbist import prognosis as prognosis_lib
    from ekbist.budget import check_year

    store = env.open(readonly=True)
    if month is None:
        y = env.today.year if year is None else check_year(year)
        months = prognosis_lib.saved_months(store, y)
        if not months:
            raise EkbistError(_("no prognosis saved for {year} — make one with "
                                "'ekbist prognosis make --save'").format(year=y))
        m = months[-1]
    else:
        y, m = resolve_period(env, year, month)
    result = prognosis_lib.saved(store, y, m)
    if fmt == "json":
        emit([], [], "json", payload=result)
        return
    show_result(result, fmt, title=_("Prognosis {year} as of {month}, saved {date} (tkr)").format(
        year=y, month=month_name(m), date=result["saved_on"]))


def csv_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per line; ``missing_actuals`` names the months its activity lacked (10;11)."""
    missing: dict[str, list[str]] = {}
    for m in result.get("missing_actuals", ()):
        missing.setdefault(m["activity"], []).append(str(m["month"]))
    return [{"year": result["year"], "month": result["month"], **r,
             "missing_actuals": ";".join(missing.get(r["activity"], []))}
            for r in result["lines"]]


def missing_note(result: dict[str, Any]) -> str | None:
    """The line that marks a prognosis made without all its actuals."""
    from ekbist.prognosis import describe_missing

    if not result.get("missing_actuals"):
        return None
    return _("Made without actuals for {missing}: it reads those months as nothing spent.").format(
        missing=describe_missing(result["year"], result["missing_actuals"]))


def show_result(result: dict[str, Any], fmt: str, *, title: str) -> None:
    if fmt == "csv":
        emit(csv_rows(result), LINE_CSV, "csv")
        return
    note = missing_note(result)
    if note:
        say(note)
    emit(display_rows(result), PROGNOSIS_COLUMNS, "table", title=title)
    for block in result["activities"]:
        say(result_line(block["activity"], block))
    if len(result["activities"]) > 1:
        say(result_line(_(ALL_ACTIVITIES), result["total"]))


def result_line(name: str, block: dict[str, Any]) -> str:
    return _("{name}: result {result} tkr, budget adherence {adherence}").format(
        name=name, result=fmt_signed(tkr(block["deviation"])),
        adherence=fmt_percent(block["adherence"]) if block["adherence"] is not None else "–")


def display_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The table: each activity's lines, then its sums; every figure the kronor sum in tkr."""
    rows: list[dict[str, Any]] = []
    activities = [b["activity"] for b in result["activities"]]
    for name in activities:
        mine = [r for r in result["lines"] if r["activity"] == name]
        for i, r in enumerate(mine):
            rows.append({
                "activity": name if i == 0 else "", "line": r["line"], "budget": tkr(r["budget"]),
                "actual_ytd": tkr(r["actual_ytd"]), "prognosis": tkr(r["prognosis"]),
                "deviation": tkr(r["deviation"]), "method": method_text(r),
                "comment": r["comment"] or "",
            })
        rows += sum_rows("", mine)
    if len(activities) > 1:
        rows += sum_rows(_(ALL_ACTIVITIES), result["lines"])
    return rows


def sum_rows(label: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def total(kind: str | None, key: str) -> int:
        if kind is None:
            return total("cost", key) - total("revenue", key)
        return sum(r[key] for r in lines if r["kind"] == kind)

    out = []
    for name, kind in ((SUM_REVENUES, "revenue"), (SUM_COSTS, "cost"), (SUM_NET, None)):
        budget, prognosis_ = total(kind, "budget"), total(kind, "prognosis")
        better = prognosis_ - budget if kind == "revenue" else budget - prognosis_
        out.append({"activity": label if not out else "", "line": _(name),
                    "budget": tkr(budget), "actual_ytd": tkr(total(kind, "actual_ytd")),
                    "prognosis": tkr(prognosis_), "deviation": tkr(better)})
    return out


def _driver_note(result: dict[str, Any], details: dict[str, Any]) -> None:
    """One line on how the assistance payments were forecast."""
    assistance, driver = details.get("assistance"), details.get("driver")
    if assistance is None or result["month"] == 12:
        return
    activity, line = assistance
    row = next(r for r in result["lines"] if r["activity"] == activity and r["line"] == line)
    if row["method"] == "driver" and driver is not None:
        # the range of the months forecast, one figure when they round alike (November's
        # one month left, a flat trend): '5–8', '37', never '37–37'
        first, last = (fmt_number(driver["forecast"][i]["households"], 0) for i in (0, -1))
        say(_("{line}: {households} households a month forecast (trend {slope} a month, "
                     "damped by {phi}) × {average} kr per household (last three months) = "
                     "{amount} tkr for the rest of the year.").format(
            line=line, households=first if first == last else f"{first}–{last}",
            slope=("+" if driver["slope"] > 0 else "") + fmt_number(driver["slope"], 1),
            phi=fmt_number(driver["damping"], 1), average=fmt_int(driver["average"]),
            amount=fmt_int(tkr(driver["total"]))))
    elif details.get("fallback"):
        say(_("{line}: no granted applications in the last three months, so it is "
                     "forecast by run-rate.").format(line=line))


@prognosis.command(help=_("The saved prognoses of a year side by side, month by month."))
@click.option("--year", metavar=_("YYYY"), help=_("The year (default: this year)."))
@format_option()
@pass_env
def history(env: Env, year, fmt) -> None:
    from ekbist import prognosis as prognosis_lib

    y = env.today.year if year is None else year
    report = prognosis_lib.history(env.open(readonly=True), y)
    if fmt == "json":
        emit([], [], "json", payload=report)
        return
    prognoses = report["prognoses"]
    if fmt == "csv":
        emit([row for p in prognoses for row in csv_rows(p)], LINE_CSV, "csv")
        return
    if not prognoses:
        say(_("No prognosis saved for {year}.").format(year=report["year"]))
        return
    months = [p["month"] for p in prognoses]
    # The latest prognosis matters most; the earliest months and the budget go first.
    columns = [Column("activity", N_("Activity"), role="group"),
               Column("line", N_("Line"), role="key"),
               Column("budget", N_("Budget"), "int", drop=len(months))]
    columns += [Column(f"m{m}", MONTHS_SHORT[m - 1], "int", drop=i + 1 if i < len(months) - 1 else 0)
                for i, m in enumerate(months)]
    keys: list[tuple[str, str]] = []
    for p in prognoses:
        for r in p["lines"]:
            if (r["activity"], r["line"]) not in keys:
                keys.append((r["activity"], r["line"]))
    figures = {(p["month"], r["activity"], r["line"]): r for p in prognoses for r in p["lines"]}
    activities: list[str] = []
    for a, _line in keys:
        if a not in activities:
            activities.append(a)
    rows: list[dict[str, Any]] = []
    for name in activities:
        first = True
        for a, line in keys:
            if a != name:
                continue
            row = {"activity": name if first else "", "line": line}
            first = False
            budgets = [figures[(m, a, line)]["budget"] for m in months if (m, a, line) in figures]
            row["budget"] = tkr(budgets[-1]) if budgets else None
            for m in months:
                hit = figures.get((m, a, line))
                row[f"m{m}"] = tkr(hit["prognosis"]) if hit else None
            rows.append(row)
        rows += _history_net_rows("", name, prognoses, months)
    if len(activities) > 1:
        rows += _history_net_rows(_(ALL_ACTIVITIES), None, prognoses, months)
    emit(rows, columns, "table",
         title=_("Saved prognoses {year} (tkr), month by month").format(year=report["year"]))
    for p in prognoses:
        note = missing_note(p)
        if note:
            say(f"{month_short(p['month'])}: {note}")
    notes = [(p["month"], r) for p in prognoses for r in p["lines"] if r["comment"]]
    if notes:
        say(_("Comments:"))
        for m, r in notes:
            say(f"  {month_short(m)} · {r['activity']} · {r['line']}: {r['comment']}")


def _history_net_rows(label: str, activity: str | None, prognoses: list[dict[str, Any]],
                      months: list[int]) -> list[dict[str, Any]]:
    def block(p: dict[str, Any]) -> dict[str, Any] | None:
        if activity is None:
            return p["total"]
        return next((b for b in p["activities"] if b["activity"] == activity), None)

    net = {"activity": label, "line": _(SUM_NET)}
    result = {"activity": "", "line": _("Result (deviation)")}
    budget_nets = [b["budget_net"] for p in prognoses if (b := block(p))]
    net["budget"] = tkr(budget_nets[-1]) if budget_nets else None
    for p in prognoses:
        b = block(p)
        net[f"m{p['month']}"] = tkr(b["prognosis_net"]) if b else None
        result[f"m{p['month']}"] = tkr(b["deviation"]) if b else None
    return [net, result]


@prognosis.command(help=_("Write the prognosis as the controller's workbook (tkr), or into "
                          "their own workbook with --into."))
@click.argument("file", required=False, type=click.Path(dir_okay=False), metavar=_("[FILE]"))
@YEAR_OPTION
@MONTH_OPTION
@click.option("--into", "template", type=click.Path(dir_okay=False, exists=True),
              help=_("The controller's workbook to fill in (it is never changed)."))
@click.option("--out", type=click.Path(dir_okay=False),
              help=_("The new workbook to write with --into."))
@click.option("--force", is_flag=True,
              help=_("Replace the new workbook if it exists (never the template); with --into, "
                     "write even though parts of the template would be lost."))
@pass_env
def export(env: Env, file, year, month, template, out, force) -> None:
    from pathlib import Path

    from ekbist import prognosis as prognosis_lib
    from ekbist.sheets.prognosis_into import write_into
    from ekbist.sheets.prognosis_workbook import write_prognosis

    y, m = resolve_period(env, year, month)
    if template is None and out is not None:
        raise EkbistError(_("--out goes with --into"))
    if template is not None:
        if file is not None and out is not None:
            raise EkbistError(_("give the new workbook once: FILE or --out"))
        target = out or file
        if target is None:
            raise EkbistError(_("--into needs --out FILE.xlsx for the new workbook"))
    elif file is None:
        raise EkbistError(_("give the workbook to write: FILE.xlsx"))
    else:
        target = file
    from ekbist import files

    # The file first: nothing is computed for a workbook that cannot be written.
    files.check_new_workbook(Path(target), template=template, force=force)
    store = env.open(readonly=True)
    # A prognosis made now refuses months without actuals.
    result, saved_on = prognosis_lib.saved_or_made(store, y, m, today=env.today)
    if saved_on is not None:
        result["saved_on"] = saved_on  # the workbook says when it was saved
        origin = _("the prognosis saved {date}").format(date=saved_on)
    else:
        origin = _("a prognosis made now with the default methods (none is saved for this month)")
    note = missing_note(result)
    from ekbist.commands.render import working

    if template is None:
        with working(_("Writing {file}").format(file=Path(target).name)):
            write_prognosis(result, Path(target), overwrite=force)
        say(_("Wrote {path}: {origin}, {month} {year}, in tkr.").format(
            path=target, origin=origin, month=month_name(m), year=y))
        if note:
            say(note)
        return
    from ekbist.budget import lines

    with working(_("Writing {file}").format(file=Path(target).name)):
        report = write_into(result, Path(template), Path(target), force=force,
                            lines=lines(store))
    say(_("Wrote {path} from {template}: {origin}, {month} {year}; {cells} cells filled "
                 "in {rows} rows.").format(
        path=target, template=template, origin=origin, month=month_name(m), year=y,
        cells=report["cells"], rows=report["rows"]))
    if note:
        say(note)
    for line in report["notes"]:
        say(f"  {line}")


prognosis.add_command(accuracy)
prognosis.add_command(backtest)
