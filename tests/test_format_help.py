"""The --format help names the formats the command offers and no other: a user who reads
"json or csv" tries csv and gets a refusal."""

from __future__ import annotations

import click
import pytest
from ekbist.commands.main import root
from helpers import procs


def format_options() -> list[tuple[str, click.Option]]:
    found: dict[int, tuple[str, click.Option]] = {}

    def walk(command: click.Command, path: list[str], ctx: click.Context) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                walk(sub, [*path, name], click.Context(sub, parent=ctx, info_name=name))
        for param in command.params:
            if isinstance(param, click.Option) and "--format" in param.opts:
                found[id(command)] = (" ".join(path), param)

    walk(root, [], click.Context(root, info_name="ekbist"))
    return sorted(found.values(), key=lambda item: item[0])


OPTIONS = format_options()


def test_the_walk_finds_the_commands_with_a_format() -> None:
    paths = [path for path, _option in OPTIONS]
    assert {"report month", "report tertial", "budget show", "actuals remove"} <= set(paths)


@pytest.mark.parametrize(("path", "option"), OPTIONS, ids=[p for p, _o in OPTIONS])
def test_format_help_names_only_the_formats_offered(path: str, option: click.Option) -> None:
    offered = set(option.type.choices)
    for name in ("csv", "md"):
        if name not in offered:
            assert f" {name} " not in f" {option.help} ".replace(",", " "), (path, option.help)


def test_report_month_says_it_is_laid_out_at_80_columns() -> None:
    """Read from the installed command in both languages (the help is worded at start-up)."""
    def shown(*args: str) -> str:
        done = procs.run(None, *args, "report", "month", "--help", check=True)
        return " ".join(done.stdout.split())

    text = shown()
    assert "80 columns on a pipe or in a file" in text and "csv" not in text
    sv = shown("--lang", "sv")
    assert "80 kolumner i en pipe eller fil" in sv and "csv" not in sv
