"""``ekbist settings list|get|set``: the unit's thresholds."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, fmt_value, format_option

from ekbist.i18n import N_, _


@click.group(help=_("Show and change the unit's thresholds."))
def settings() -> None:
    pass


@settings.command("list", help=_("Every setting with its value and default."))
@format_option()
@pass_env
def list_(env: Env, fmt: str) -> None:
    from ekbist import settings as unit_settings

    rows = unit_settings.all_settings(env.open(readonly=True))
    for row in rows:
        row["help"] = _(row["help"])
    columns = [
        Column("key", N_("Setting")),
        Column("value", N_("Value"), "value"),
        Column("default", N_("Default"), "value"),
        Column("help", N_("Meaning")),
    ]
    emit(rows, columns, fmt)


@settings.command(help=_("Print one setting's value."))
@click.argument("key", metavar=_("KEY"))
@pass_env
def get(env: Env, key: str) -> None:
    from ekbist import settings as unit_settings

    click.echo(fmt_value(unit_settings.get(env.open(readonly=True), key)))


@settings.command("set", help=_("Change one setting."))
@click.argument("key", metavar=_("KEY"))
@click.argument("value", metavar=_("VALUE"))
@pass_env
def set_(env: Env, key: str, value: str) -> None:
    from ekbist import settings as unit_settings

    stored = unit_settings.put(env.open(), key, value)
    click.echo(_("{key} = {value}").format(key=key, value=fmt_value(stored)))
