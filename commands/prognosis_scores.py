"""``ekbist prognosis accuracy`` and ``prognosis backtest``: how good the prognosis has been.

Part of the ``prognosis`` group (:mod:`ekbist.commands.prognosis` adds them); the figures
are :mod:`ekbist.prognosis_accuracy`'s and :mod:`ekbist.prognosis_backtest`'s.
"""

from __future__ import annotations

from typing import Any

import click
from ekbist.commands.budget import SUM_NET, month_name, month_short, tkr
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import (
    Column,
    emit,
    emit_machine,
    fmt_int,
    fmt_number,
    fmt_percent,
    format_option,
    say,
)

from ekbist.codes import PROGNOSIS_METHODS
from ekbist.errors import EkbistError
from ekbist.i18n import N_, _


def method_label(method: str) -> str:
    from ekbist.codes import label

    return label("prognosis_method", method)


def fmt_signed(value: int) -> str:
    """An integer with its sign: '+1 200', '-350', '0'."""
    return ("+" if value > 0 else "") + fmt_int(value)


TOTAL_COLUMNS = [
    Column("month", N_("Month"), role="key"),
    Column("prognosis", N_("Prognosis"), "int"),
    Column("outcome", N_("Outcome"), "int"),
    Column("error", N_("Error"), "int"),
    Column("error_share", N_("Error %"), "percent"),
    Column("budget", N_("Budget"), "int", drop=1),
]
def good_within() -> str:
    """The library's threshold of a good prognosis in whole per cent as messages write it
    before ' %' ('2'; in Swedish a decimal comma when it has decimals)."""
    from ekbist.prognosis_accuracy import GOOD_WITHIN

    return fmt_number(GOOD_WITHIN * 100, 0 if float(GOOD_WITHIN * 100).is_integer() else 1)


def line_columns() -> list[Column]:
    """The per-line table's columns; the last names the threshold of a good prognosis."""
    return [
        Column("activity", N_("Activity"), role="group"), Column("line", N_("Line"), role="key"),
        Column("outcome", N_("Outcome"), "int"),
        Column("mape", N_("Mean abs. error"), "percent"),
        Column("bias", N_("Bias"), "percent", drop=2),
        Column("good_from", _("Within {within} % from").format(within=good_within()), drop=1),
    ]
ACCURACY_CSV = [
    Column("year", "year", "int"), Column("month", "month", "int"),
    Column("activity", "activity"), Column("line", "line"), Column("kind", "kind"),
    Column("prognosis", "prognosis", "int"), Column("outcome", "outcome", "int"),
    Column("error", "error", "int"), Column("error_share", "error_share", "float"),
    Column("complete", "complete"),
]


def signed_percent(share: float | None) -> str:
    if share is None:
        return "–"
    return ("+" if share > 0 else "") + fmt_percent(share)


@click.command(help=_("Each saved prognosis of a finished year against the year's outcome."))
@click.option("--year", metavar=_("YYYY"), help=_("The year (default: last year)."))
@click.option("--partial", is_flag=True,
              help=_("Score a year whose actuals are not all booked, against what is booked."))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), metavar=_("FILE"),
              help=_("Also write a workbook with a chart of prognosis against outcome."))
@click.option("--force", is_flag=True, help=_("Replace the --xlsx file if it exists."))
@format_option()
@pass_env
def accuracy(env: Env, year, partial, xlsx, force, fmt) -> None:
    from ekbist import files
    from ekbist.budget import check_year
    from ekbist.prognosis_accuracy import accuracy as score

    y = env.today.year - 1 if year is None else check_year(year)
    if xlsx:
        files.check_new_workbook(xlsx, force=force)  # the file first, then the work
    report = score(env.open(readonly=True), y, partial=partial)
    if xlsx:
        from ekbist.reports.accuracy_workbook import write_accuracy

        write_accuracy(report, xlsx, overwrite=force)
    if emit_machine(fmt, report, _csv_rows(report), ACCURACY_CSV):
        return
    if not report["complete"]:
        from ekbist.prognosis_accuracy import preliminary_note

        say(preliminary_note(y, report["outcome_through"]))
    total = report["total"]
    rows = [{"month": month_name(m["month"]), "prognosis": tkr(m["prognosis"]),
             "outcome": tkr(total["outcome_net"]), "error": tkr(m["error"]),
             "error_share": m["error_share"], "budget": tkr(m["budget_net"])}
            for m in total["by_month"]]
    emit(rows, TOTAL_COLUMNS, "table",
         title=_("Prognosis accuracy {year}: the net of each saved prognosis against the "
                 "outcome (tkr)").format(year=y))
    say(_("Mean absolute percentage error {mape}, bias {bias} ({side}).").format(
        mape=fmt_percent(total["mape"]) if total["mape"] is not None else "–",
        bias=signed_percent(total["bias"]),
        side=_("too high on average") if (total["bias"] or 0) > 0
        else _("too low on average") if (total["bias"] or 0) < 0 else _("no bias")))
    from ekbist.prognosis_accuracy import first_good_month

    good = first_good_month(total["by_month"])
    if good is not None:
        say(_("The net prognosis stayed within {within} % of the outcome from {month} on.")
            .format(within=good_within(), month=month_name(good)))
    else:
        say(_("The net prognosis never stayed within {within} % of the outcome.").format(
            within=good_within()))
    emit(_line_rows(report), line_columns(), "table",
         title=_("Per line: the mean error of the saved prognoses (outcome in tkr)"))
    if xlsx:
        say(_("Wrote {path}.").format(path=xlsx))


def _line_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    from ekbist.prognosis_accuracy import first_good_month

    rows: list[dict[str, Any]] = []
    lines: dict[str, list[dict[str, Any]]] = {}
    for line in report["lines"]:
        lines.setdefault(line["activity"], []).append(line)
    for block in report["activities"]:
        name = block["activity"]
        for i, line in enumerate(lines.get(name, [])):
            good = first_good_month(line["by_month"])
            rows.append({"activity": name if i == 0 else "", "line": line["line"],
                         "outcome": tkr(line["outcome"]),
                         "mape": line["mape"], "bias": line["bias"],
                         "good_from": month_short(good) if good else "–"})
        good = first_good_month(block["by_month"])
        rows.append({"activity": "", "line": _(SUM_NET), "outcome": tkr(block["outcome_net"]),
                     "mape": block["mape"], "bias": block["bias"],
                     "good_from": month_short(good) if good else "–"})
    return rows


def _csv_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"year": report["year"], "month": m["month"], "activity": line["activity"],
             "line": line["line"], "kind": line["kind"], "prognosis": m["prognosis"],
             "outcome": line["outcome"], "error": m["error"], "error_share": m["error_share"],
             "complete": report["complete"]}
            for line in report["lines"] for m in line["by_month"]]


BACKTEST_CSV = [
    Column("activity", "activity"), Column("line", "line"), Column("method", "method"),
    Column("month", "month", "int"), Column("error_share", "error_share", "float"),
]


@click.command(help=_("What each prognosis method would have forecast in past years, and "
                      "its error by month of the year."))
@click.option("--years", metavar=_("YYYY-YYYY"),
              help=_("The years to test, e.g. 2023-2025, each with its twelve months booked "
                     "(default: those of the three years before this one, as --method best "
                     "chooses from)."))
@format_option()
@pass_env
def backtest(env: Env, years, fmt) -> None:
    from ekbist.prognosis_backtest import BEST_YEARS, finished_years, parse_years
    from ekbist.prognosis_backtest import backtest as replay

    store = env.open(readonly=True)
    if years is None:
        chosen = finished_years(store, env.today.year)
        if not chosen:
            raise EkbistError.about(
                _("none of the {n} years before {year} has its twelve months of actuals "
                  "booked — give the years to test with {years}"), {"years": "years"},
                n=BEST_YEARS, year=env.today.year)
    else:
        chosen = parse_years(years)
    report = replay(store, chosen)
    payload = {k: report[k] for k in ("years", "lines")}
    if emit_machine(fmt, payload, _backtest_csv(report), BACKTEST_CSV):
        return
    from ekbist.prognosis_options import SIMPLICITY

    first, last = report["years"][0], report["years"][-1]
    say(_("Backtest {years}: mean absolute percentage error of each method's full-year "
          "forecast, by the month it was made").format(
        years=str(first) if first == last else f"{first}–{last}"))
    # One small table per line: a month and each method's error fit any terminal.
    for line in report["lines"]:
        used = [m for m in SIMPLICITY if m in line["methods"]]
        columns = [Column("month", N_("Month"), role="key")]
        columns += [Column(m, PROGNOSIS_METHODS[m][0], "percent") for m in used]
        columns += [Column("best", N_("Best"), drop=1)]
        rows: list[dict[str, Any]] = []
        for i in range(11):
            row: dict[str, Any] = {"month": month_short(i + 1)}
            for m in used:
                row[m] = line["methods"][m]["by_month"][i]
            best = line["best"][i]
            row["best"] = method_label(best) if best else "–"
            rows.append(row)
        rows.append({"month": _("Mean"), **{m: line["methods"][m]["mean"] for m in used},
                     "best": ""})
        emit(rows, columns, "table", title=f"{line['activity']} · {line['line']}")


def _backtest_csv(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"activity": line["activity"], "line": line["line"], "method": method,
             "month": i + 1, "error_share": share}
            for line in report["lines"] for method, scores in line["methods"].items()
            for i, share in enumerate(scores["by_month"])]


def tertial_accuracy_line(scores: dict[str, Any] | None) -> str | None:
    """One line on how far April's and August's prognoses of a year were from its outcome,
    for the tertial and year reports; None when there is nothing to score."""
    if not scores or not scores["months"]:
        return None
    parts = [_("{month} {error} tkr ({share})").format(
        month=month_name(m["month"]), error=fmt_signed(tkr(m["error"])),
        share=signed_percent(m["error_share"])) for m in scores["months"]]
    line = _("Prognosis accuracy {year}, net against the outcome: {parts}.").format(
        year=scores["year"], parts="; ".join(parts))
    if not scores["complete"]:
        from ekbist.prognosis_accuracy import preliminary_note

        line += " " + preliminary_note(scores["year"], scores["outcome_through"])
    return line
