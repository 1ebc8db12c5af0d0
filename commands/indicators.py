"""``ekbist indicators`` and ``ekbist population``: the key figures (nyckeltal)."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, format_option, say

from ekbist.i18n import N_, _, ngettext

POPULATION_COLUMNS = [
    Column("year", N_("Year")),
    Column("adults", N_("Adults"), "int"),
    Column("children", N_("Children"), "int"),
    Column("total", N_("Total"), "int"),
]


@click.group(help=_("The municipality's population on 31 December, for the key figures' shares."))
def population() -> None:
    pass


@population.command("set", help=_("Record the population of YEAR (31 December): in total "
                                    "(--adults, --children, --total), or one age band of one "
                                    "sex (--age, --gender, --persons) as Statistics Sweden "
                                    "publishes it."))
@click.argument("year", type=int, metavar=_("YEAR"))
@click.option("--adults", type=int, help=_("Inhabitants aged 18 and over."))
@click.option("--children", type=int, help=_("Inhabitants aged 0–17."))
@click.option("--total", type=int, help=_("The whole population."))
@click.option("--age", metavar=_("AGES"), help=_("An age band: 18-24, 25 or 65+ (and older)."))
@click.option("--gender", metavar=_("SEX"), help=_("f (women) or m (men), as Statistics Sweden "
                                                   "counts them."))
@click.option("--persons", type=int, help=_("Inhabitants of that age band and sex."))
@pass_env
def population_set(env: Env, year: int, adults, children, total, age, gender, persons) -> None:
    from ekbist.commands.render import fmt_int

    from ekbist.errors import EkbistError
    from ekbist.reports import population as population_lib

    band = {"age": age, "gender": gender, "persons": persons}
    whole = {"adults": adults, "children": children, "total": total}
    if any(v is not None for v in band.values()):
        if any(v is not None for v in whole.values()):
            raise EkbistError(_("give either --adults, --children and --total or --age, "
                                "--gender and --persons, not both"))
        missing = [f"--{k}" for k, v in band.items() if v is None]
        if missing:
            raise EkbistError(_("an age band needs {options}").format(options=", ".join(missing)))
        row = population_lib.set_band(env.open(), year, age=age, gender=gender, persons=persons)
        from ekbist.codes import label

        say(_("Population {year}, {sex} aged {age}: {persons}.").format(
            year=year, sex=label("population_gender", row["gender"]), age=row["age"],
            persons=ngettext("{n} inhabitant", "{n} inhabitants", persons).format(
                n=fmt_int(persons))))
        return
    missing = [f"--{k}" for k, v in whole.items() if v is None]
    if missing:
        raise EkbistError(_("give {options} (or an age band with --age, --gender and "
                            "--persons)").format(options=", ".join(missing)))
    population_lib.set_population(env.open(), year, adults=adults, children=children,
                                  total=total)
    say(_("Population {year}: {total}, {adults}, {children}.").format(
        year=year,
        total=ngettext("{n} inhabitant", "{n} inhabitants", total).format(n=fmt_int(total)),
        adults=ngettext("{n} adult", "{n} adults", adults).format(n=fmt_int(adults)),
        children=ngettext("{n} child", "{n} children", children).format(n=fmt_int(children))))


@population.command("list", help=_("List the population per year: as recorded, or summed from "
                                      "age bands that cover every age."))
@format_option()
@pass_env
def population_list(env: Env, fmt: str) -> None:
    from ekbist.reports import population as population_lib

    emit(population_lib.list_population(env.open(readonly=True)), POPULATION_COLUMNS, fmt,
         empty=_("No population recorded."))


BAND_COLUMNS = [
    Column("year", N_("Year")),
    Column("gender", N_("Sex"), "code:population_gender"),
    Column("age", N_("Ages")),
    Column("persons", N_("Inhabitants"), "int"),
]


@population.command("bands", help=_("List the recorded population by age band and sex."))
@click.argument("year", type=int, required=False, metavar=_("YEAR"))
@format_option()
@pass_env
def population_bands(env: Env, year: int | None, fmt: str) -> None:
    from ekbist.reports import population as population_lib

    rows = [{k: r[k] for k in ("year", "gender", "age", "persons")}
            for r in population_lib.list_bands(env.open(readonly=True), year)]
    emit(rows, BAND_COLUMNS, fmt, empty=_("No population by age recorded."))


# -- ekbist indicators ---------------------------------------------------------------------
FIGURE_COLUMNS_CSV = [
    Column("key", N_("Key")),
    Column("item", N_("Item")),
    Column("label", N_("Figure")),
    Column("unit", N_("Unit")),
    Column("value", N_("Value")),
    Column("previous", N_("Previous")),
]


def _period_title(first: str, last: str) -> str:
    if first.endswith("-01") and last == f"{first[:4]}-12":
        return first[:4]
    return f"{first}–{last}"


def _show(value, unit: str, key: str = "") -> str:
    from ekbist.commands.render import fmt_int, fmt_kr, fmt_number, fmt_percent

    from ekbist.reports.indicators import share_decimals

    if value is None:
        return "–"
    if unit == "share":
        return fmt_percent(value, share_decimals(key))
    if unit == "kr":
        return fmt_kr(value)
    if isinstance(value, float):
        return fmt_number(value, 1)
    return fmt_int(value)


def _item_label(key: str, item: str) -> str:
    from ekbist.reports.indicators import item_label

    return item_label(key, item)


def _flat(data: dict) -> list[dict]:
    """One row per figure, lists and dicts spread over one row per month or code."""
    rows = []
    for f in data["figures"]:
        value, previous = f["value"], f["previous"]
        if isinstance(value, list):
            rows.append({**f, "item": "", "value": None, "previous": None, "head": True})
            for now, before in zip(value, previous, strict=True):
                rows.append({**f, "item": now["month"], "value": now["households"],
                             "previous": before["households"], "sub": now["month"]})
        elif isinstance(value, dict):
            rows.append({**f, "item": "", "value": None, "previous": None, "head": True})
            for item in value:
                rows.append({**f, "item": item, "value": value[item],
                             "previous": previous.get(item), "sub": _item_label(f["key"], item)})
        else:
            rows.append({**f, "item": ""})
    return rows


@click.group(invoke_without_command=True,
             help=_("Key figures (nyckeltal) for a period beside the same months a year "
                    "earlier, by the national definitions (docs/indicators.md)."))
@click.option("--year", metavar=_("YYYY"), help=_("A whole calendar year."))
@click.option("--from", "first", metavar=_("YYYY-MM"), help=_("First month (with --to)."))
@click.option("--to", "last", metavar=_("YYYY-MM"), help=_("Last month (with --from)."))
@click.option("--xlsx", type=click.Path(dir_okay=False),
              help=_("Also write the figures and a chart of households per month to a workbook."))
@click.option("--force", is_flag=True, help=_("Replace the --xlsx file if it exists."))
@format_option()
@click.pass_context
def indicators(ctx: click.Context, year, first, last, xlsx, force, fmt) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from pathlib import Path

    from ekbist.reports import indicators as lib

    env: Env = ctx.find_object(Env)
    period = lib.period_of(year=year, first=first, last=last, today=env.today)
    if xlsx:
        from ekbist import files

        files.check_new_workbook(Path(xlsx), force=force)
    data = lib.indicators(env.open(readonly=True), period, today=env.today)
    if xlsx:
        from ekbist.reports import workbooks

        workbooks.write_indicators(data, Path(xlsx), overwrite=force)
    if fmt == "json":
        emit([], [], "json", payload=data)
        return
    rows = _flat(data)
    if fmt == "csv":
        emit([r for r in rows if not r.get("head")], FIGURE_COLUMNS_CSV, "csv")
        return
    now = _period_title(data["from"], data["to"])
    before = _period_title(data["previous_from"], data["previous_to"])
    table_rows = []
    for row in rows:
        if row.get("head"):
            table_rows.append({"label": row["label"], "value": "", "previous": ""})
        else:
            table_rows.append({"label": ("  " + row["sub"]) if row.get("sub") else row["label"],
                               "value": _show(row["value"], row["unit"], row["key"]),
                               "previous": _show(row["previous"], row["unit"], row["key"])})
    columns = [Column("label", N_("Figure")), RightText("value", now),
               RightText("previous", before)]
    title = _("Key figures {period} (previous: {previous})").format(period=now,
                                                                     previous=before)
    from ekbist.reports.completeness import running_note

    running = running_note(data["covers"])
    if running:
        title += " " + _("(preliminary)")
    emit(table_rows, columns, "table", title=title)
    _emit_barriers(data["barriers"])
    if running:
        say(running)
    say(_("Households and amounts count the month the assistance is for; the national\n"
                 "statistics count the month of payment. Definitions: --format json,\n"
                 "docs/indicators.md."))
    if xlsx:
        say(_("Wrote {path}.").format(path=xlsx))


def _emit_barriers(figures: dict) -> None:
    """Households a month on average and kronor paid, by barrier to self-support."""
    from ekbist.commands.render import fmt_int, fmt_number
    from ekbist.reports.barrier_figures import period_rows

    rows = [{"label": r["label"], "households": fmt_number(r["households_per_month"], 1),
             "paid": fmt_int(r["paid"])} for r in period_rows(figures)]
    if rows:
        emit(rows, [Column("label", N_("Barrier to self-support"), role="key"),
                    RightText("households", _("Households a month")),
                    RightText("paid", _("Paid (kr)"))],
             "table", title=_("Households by barrier to self-support"))


class RightText(Column):
    """A column of already formatted numbers, right-aligned, with a header not to translate."""

    def display(self, value) -> str:
        return "" if value is None else str(value)

    @property
    def right(self) -> bool:
        return True


LONG_TERM_COLUMNS = [
    Column("case", N_("Case")),
    Column("handler", N_("Handler")),
    Column("team", N_("Team")),
    Column("months", N_("Months"), "int"),
    Column("months_with_assistance", N_("Months with assistance")),
    Column("adults", N_("Adults"), "int"),
    Column("children", N_("Children"), "int"),
]
# The table leaves out team and household size to stay within 80 columns; JSON and CSV have them.
LONG_TERM_TABLE = [LONG_TERM_COLUMNS[i] for i in (0, 1, 3, 4)]


@indicators.command("long-term",
                    help=_("The households behind the long-term figure: assistance in 10–12 of "
                           "the twelve months ending --as-of, with their handler."))
@click.option("--as-of", "as_of", metavar=_("YYYY-MM"),
              help=_("The window's last month (default: this month)."))
@click.option("--at-risk", is_flag=True,
              help=_("Households at 6–9 of 12 months instead, before they become long-term."))
@click.option("--handler", help=_("Only this handler's households."))
@click.option("--team", help=_("Only households of this team's handlers."))
@format_option()
@pass_env
def long_term(env: Env, as_of, at_risk, handler, team, fmt) -> None:
    from ekbist.months import months_between
    from ekbist.reports import indicators as lib

    month = as_of or f"{env.today.year:04d}-{env.today.month:02d}"
    rows = lib.long_term_households(env.open(readonly=True), month, at_risk=at_risk,
                                    handler=handler, team=team)
    first, last = lib.window_of(month)
    if fmt == "json":
        emit([], [], "json", payload={"from": first, "to": last, "at_risk": at_risk,
                                      "households": rows})
        return
    window = months_between(first, last)
    if fmt == "csv":
        shown = [{**r, "months_with_assistance": " ".join(r["months_with_assistance"])}
                 for r in rows]
        emit(shown, LONG_TERM_COLUMNS, "csv")
        return
    # One mark per month of the window, oldest first: x = assistance, . = none.
    shown = [{**r, "months_with_assistance": "".join(
        "x" if m in r["months_with_assistance"] else "." for m in window)} for r in rows]
    title = (_("Households at 6–9 of 12 months, {first}–{last}: {n}") if at_risk else
             _("Long-term households (10–12 of 12 months), {first}–{last}: {n}")).format(
        first=first, last=last, n=len(rows))
    say(title)
    if rows:
        emit(shown, LONG_TERM_TABLE, "table")
        say(_("Months: one mark per month from {first} to {last}; x = assistance.").format(
            first=first, last=last))
