"""``ekbist report``: the tertial report (the April and August prognosis with key figures)."""

from __future__ import annotations

from typing import Any

import click
from ekbist.commands.budget import month_name, month_short
from ekbist.commands.context import Env, pass_env
from ekbist.commands.prognosis import show_result
from ekbist.commands.render import (
    Column,
    emit,
    fmt_int,
    fmt_number,
    fmt_percent,
    format_option,
    prose_width,
    say,
    wrap_text,
)

from ekbist.codes import TOTAL
from ekbist.i18n import N_, _

KEY_COLUMNS = [
    Column("month", N_("Month")),
    Column("households", N_("Households"), "int"),
    Column("decided", N_("Decided"), "int"),
    Column("share_in_time", N_("Within 5 working days"), "percent"),
    Column("plan_share", N_("Current plan"), "percent"),
    Column("active_cases", N_("Active cases"), "int"),
    Column("cases_per_fte", N_("Cases per FTE"), "float"),
]

ADULT_SHARE_COLUMNS = [
    Column("month", N_("Month")),
    Column("adults", N_("Adults"), "int"),
    Column("share", N_("Share")),
    Column("population", N_("Population year")),
]

# Why a monthly share is missing (ekbist.reports.population_figures.adult_shares).
MISSING_SHARE = {
    "no_population": N_("No share for {year}: no population is recorded for {year} or any "
                        "year before it (ekbist population set)."),
    "population_incomplete": N_("No share for {year}: the population by age band recorded "
                                "for {year} or before does not cover every age of both sexes, "
                                "so its adults cannot be counted."),
    "no_adults": N_("No share for {year}: the population of {population} has no adults."),
}


def adult_share_part(entries: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The monthly adult share as table rows (every month from the December before) and its
    notes: the months the seed follows (December and each tertial's end), and why a share
    is missing — never shown as 0."""
    rows = [{"month": f"{month_short(int(e['month'][5:]))} {e['month'][:4]}",
             "adults": e["adults"],
             "share": "–" if e["share"] is None else fmt_percent(e["share"], 2),
             "population": "–" if e["population_year"] is None else str(e["population_year"])}
            for e in entries]
    followed = [f"{month_name(int(e['month'][5:]))} {e['month'][:4]}: "
                f"{'–' if e['share'] is None else fmt_percent(e['share'], 2)}"
                for e in entries if e["followed"]]
    notes = [_("Adults in the households with assistance in the month ÷ the adult population "
               "on 31 December (the latest year recorded). Followed in December and at each "
               "tertial's end: {months}.").format(months="; ".join(followed))]
    said = set()
    for e in entries:
        year = int(e["month"][:4])
        if e["missing"] and (e["missing"], year) not in said:
            said.add((e["missing"], year))
            notes.append(_(MISSING_SHARE[e["missing"]]).format(
                year=year, population=e["population_year"]))
    return rows, notes


@click.group(help=_("Reports for the controller and the board."))
def report() -> None:
    pass


@report.command(help=_("The tertial report: the prognosis as of April (1) or August (2) with "
                       "the unit's key figures."))
@click.option("--year", metavar=_("YYYY"), help=_("The year (default: this year)."))
@click.option("--tertial", required=True, type=click.Choice(["1", "2"]),
              help=_("1 = January–April, 2 = May–August."))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False),
              help=_("Also write the report as a workbook (controller layout and key figures)."))
@click.option("--force", is_flag=True, help=_("Replace the --xlsx file if it exists."))
@format_option(formats=("table", "json", "md"),
               help=_("Output format; md is Markdown for the report document."))
@pass_env
def tertial(env: Env, year: str | None, tertial: str, xlsx: str | None, force: bool,
            fmt: str) -> None:
    from pathlib import Path

    from ekbist.commands.render import working

    from ekbist import files
    from ekbist.reports import tertial as tertial_lib

    if xlsx:
        files.check_new_workbook(xlsx, force=force)
    with working(_("Making the tertial report"), fmt):
        data = tertial_lib.report(env.open(readonly=True),
                                  env.today.year if year is None else year, tertial, today=env.today)
        if xlsx:
            tertial_lib.write_xlsx(data, Path(xlsx), overwrite=force)
    if fmt == "json":
        emit([], [], "json", payload=data)
        return
    month = data["month"]
    saved = data["prognosis_saved_on"]
    title = _("Tertial report {tertial} {year}: prognosis as of {month} (tkr)").format(
        tertial=data["tertial"], year=data["year"], month=month_name(month))
    saved_note = (_("Prognosis saved {date}.").format(date=saved) if saved else
                  _("No prognosis was saved for {month}: made now with the default methods.")
                  .format(month=month_name(month)))
    figures = data["key_figures"]
    rows: list[dict[str, Any]] = [
        {**m, "month": month_short(int(m["month"][5:]))} for m in figures["months"]]
    rows.append({"month": _(TOTAL), "households": None, "decided": figures["decided"],
                 "share_in_time": figures["share_in_time"], "plan_share": figures["plan_share"],
                 "cases_per_fte": figures["cases_per_fte"]})
    figures_title = _("Key figures January–{month} {year}").format(month=month_name(month),
                                                                   year=data["year"])
    notes = [_("Households a month on average: {n}. Current plan and cases per FTE at the "
               "end of {month}: {share}, {load}.").format(
        n=fmt_number(figures["households_average"], 1), month=month_name(month),
        share=fmt_percent(figures["plan_share"]), load=fmt_number(figures["cases_per_fte"], 1))]
    lt = figures["long_term"]
    notes.append(_("Long-term (10–12 of the twelve months up to {month}): {households} "
                   "households, {adults} adults, {share} of the adult population "
                   "({population}).").format(
        month=month_name(month), households=fmt_int(lt["households"]),
        adults=fmt_int(lt["adults"]),
        share=fmt_percent(lt["adults_share_of_population"], 2) or "–",
        population=_("population {year}").format(year=lt["population_year"])
        if lt["population_year"] else _("no population recorded")))
    from ekbist.commands.prognosis_scores import tertial_accuracy_line

    accuracy = tertial_accuracy_line(data.get("last_year_accuracy"))
    if accuracy:
        notes.append(accuracy)
    adult_title = _("Adults with assistance, share of the adult population")
    adult_rows, adult_notes = adult_share_part(
        figures["adults_with_assistance_share_of_population_monthly"])
    if fmt == "md":
        _tertial_md(data, title, saved_note, figures_title, rows, notes,
                    (adult_title, adult_rows, adult_notes))
    else:
        # The notes are the report's prose: wrapped at 80 columns on a pipe too (pasted
        # into a document), as the year and month reports wrap theirs.
        def prose(text: str) -> None:
            click.echo(wrap_text(text, prose_width()))

        show_result(data["prognosis"], "table", title=title)
        prose(saved_note)
        click.echo()
        emit(rows, KEY_COLUMNS, "table", title=figures_title)
        for note in notes:
            prose(note)
        click.echo()
        emit(adult_rows, ADULT_SHARE_COLUMNS, "table", title=adult_title)
        for note in adult_notes:
            prose(note)
    if xlsx and fmt == "table":
        say(_("Wrote {path}.").format(path=xlsx))


def _tertial_md(data: dict[str, Any], title: str, saved_note: str, figures_title: str,
                rows: list[dict[str, Any]], notes: list[str],
                adult: tuple[str, list[dict[str, Any]], list[str]]) -> None:
    """The tertial report as Markdown: the prognosis and the key figures, one table each,
    as the year report writes its parts."""
    from ekbist.commands.annual import Section, render_md
    from ekbist.commands.prognosis import (
        ALL_ACTIVITIES,
        PROGNOSIS_COLUMNS,
        display_rows,
        missing_note,
        result_line,
    )

    def section(heading: str, table: list[dict[str, Any]], columns: list[Column]) -> Section:
        return Section(heading, [_(c.header) for c in columns],
                       [[c.display(r.get(c.key)) if r.get(c.key) not in (None, "") else ""
                         for c in columns] for r in table],
                       {i for i, c in enumerate(columns) if c.right})

    result = data["prognosis"]
    money = section(_("Prognosis (tkr)"), display_rows(result), PROGNOSIS_COLUMNS)
    note = missing_note(result)
    money.notes = ([note] if note else []) + [
        result_line(b["activity"], b) for b in result["activities"]]
    if len(result["activities"]) > 1:
        money.notes.append(result_line(_(ALL_ACTIVITIES), result["total"]))
    money.notes.append(saved_note)
    key = section(figures_title, rows, KEY_COLUMNS)
    key.notes = notes
    adult_title, adult_rows, adult_notes = adult
    shares = section(adult_title, adult_rows, ADULT_SHARE_COLUMNS)
    shares.right = {1, 2}
    shares.notes = adult_notes
    click.echo(render_md(title, [money, key, shares]), nl=False)


def _register_year_and_month() -> None:
    from ekbist.commands.annual import month, year

    report.add_command(year)
    report.add_command(month)


_register_year_and_month()
