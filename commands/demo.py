"""``ekbist demo``: fill an empty store with a synthetic unit to try every command on."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import MONTH
from ekbist.commands.render import fmt_int, prose_width, working, wrap_text

from ekbist.demo import MAX_HOUSEHOLDS
from ekbist.i18n import _


@click.command(help=_("Fill an empty database with a synthetic unit (deterministic for a seed)."))
@click.option(
    "--households",
    type=click.IntRange(10, MAX_HOUSEHOLDS),
    default=480,
    show_default=True,
    help=_("Active households to keep."),
)
@click.option(
    "--months",
    type=click.IntRange(1, 240),
    default=24,
    show_default=True,
    help=_("Months of history."),
)
@click.option("--end", type=MONTH, help=_("Last month of the demo (default: this month)."))
@click.option("--seed", type=int, default=1, show_default=True, help=_("Random seed."))
@pass_env
def demo(env: Env, households: int, months: int, end: str | None, seed: int) -> None:
    from ekbist import demo as demo_unit
    from ekbist.errors import EkbistError
    from ekbist.store import file_state

    options = demo_unit.DemoOptions(households=households, months=months, end=end, seed=seed)
    demo_unit.plan_months(options, env.today)  # refuse bad options before creating a file
    # The demo gets a file of its own, never the unit's database: not the default one, and
    # no file that exists already (an empty one is fine).
    if env.db_path is None:
        raise EkbistError(_("give the demo a file of its own: ekbist --db demo.db demo (the "
                            "default database {path} is for the unit's real data)").format(
                                path=env.path))
    state = file_state(env.path)
    if state not in ("missing", "empty"):
        raise EkbistError(_("{path} exists already — the demo writes only a new database; give "
                            "another file, e.g. ekbist --db demo.db demo").format(path=env.path))
    env.demo_noted = True  # the command itself says what it made
    with working(_("Building the demo unit")) as progress:
        counts = demo_unit.build_file(env.path, options, env.today, replace=state == "empty",
                                      progress=progress)
    # Prose at the reports' width: 80 columns on a pipe, fewer on a narrower terminal.
    click.echo(wrap_text(
        _(
            "Demo unit written to {path}: {handlers} handlers, {cases} cases, "
            "{applications} applications, {plans} plans."
        ).format(
            path=env.path,
            handlers=fmt_int(counts.get("handler", 0)),
            cases=fmt_int(counts.get("cases", 0)),
            applications=fmt_int(counts.get("application", 0)),
            plans=fmt_int(counts.get("plan", 0)),
        ), prose_width()))

