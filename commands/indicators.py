"""``ekbist indicators`` and ``ekbist population``: the key figures (nyckeltal)."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, format_option

from ekbist.i18n import N_, _

POPULATION_COLUMNS = [
    Column("year", N_("Year")),
    Column("adults", N_("Adults"), "int"),
    Column("children", N_("Children"), "int"),
    Column("total", N_("Total"), "int"),
]


@click.group(help=_("The municipality's population on 31 December, for the key figures' shares."))
def population() -> None:
    pass


@population.command("set", help=_("Record the population of YEAR (31 December)."))
@click.argument("year", type=int, metavar="YEAR")
@click.option("--adults", type=int, required=True, help=_("Inhabitants aged 18 and over."))
@click.option("--children", type=int, required=True, help=_("Inhabitants aged 0–17."))
@click.option("--total", type=int, required=True, help=_("The whole population."))
@pass_env
def population_set(env: Env, year: int, adults: int, children: int, total: int) -> None:
    from ekbist.reports import population as population_lib

    population_lib.set_population(env.open(), year, adults=adults, children=children,
                                  total=total)
    click.echo(_("Population {year}: {total} inhabitants, {adults} adults, {children} "
                 "children.").format(year=year, total=total, adults=adults, children=children))


@population.command("list", help=_("List the recorded population per year."))
@format_option()
@pass_env
def population_list(env: Env, fmt: str) -> None:
    from ekbist.reports import population as population_lib

    emit(population_lib.list_population(env.open(readonly=True)), POPULATION_COLUMNS, fmt,
         empty=_("No population recorded."))
