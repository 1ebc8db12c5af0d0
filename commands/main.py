"""The ``ekbist`` command: global options, lazy command groups, error handling.

Sub-commands are imported only when they are called, so ``ekbist --help`` and
``ekbist --version`` start without loading SQLite helpers, rich or openpyxl.
"""

from __future__ import annotations

import importlib
import sys

import click

from ekbist import __version__
from ekbist.i18n import LANGUAGES, N_, _, detect_language, set_language

# command name -> "module:attribute" inside ekbist.commands
COMMANDS: dict[str, str] = {
    "init": "store:init",
    "info": "store:info",
    "audit": "store:audit",
    "backup": "store:backup",
    "settings": "settings:settings",
    "workdays": "workdays:workdays",
    "handler": "handler:handler",
    "case": "case:case",
    "demo": "demo:demo",
    "import": "sheets:import_",
    "export": "sheets:export",
    "template": "sheets:template",
    "application": "application:application",
    "handling-time": "handling_time:handling_time",
    "caseload": "caseload:caseload",
    "plan": "plans:plan",
    "plans": "plans:plans",
    "budget": "budget:budget",
    "actuals": "budget:actuals",
    "prognosis": "prognosis:prognosis",
    "report": "report:report",
    "check": "check:check",
    "indicators": "indicators:indicators",
    "population": "indicators:population",
}


SHORT_HELP: dict[str, str] = {
    "init": N_("Create the database, or bring an older one up to date."),
    "info": N_("Show the database: path, schema version, journal mode and row counts."),
    "audit": N_("Show the audit trail: every insert, update and delete."),
    "backup": N_("Copy the database with SQLite's online backup and check the copy."),
    "settings": N_("Show and change the unit's thresholds."),
    "workdays": N_("Working days: holidays, deadlines and the unit's closed days."),
    "handler": N_("Add, list and change the unit's handlers."),
    "case": N_("Open, assign, close and look up cases."),
    "demo": N_("Fill an empty database with a synthetic unit (deterministic for a seed)."),
    "import": N_("Import a workbook or CSV file, all or nothing."),
    "export": N_("Write records to a new workbook, one sheet per kind."),
    "template": N_("Write an empty workbook to fill in."),
    "application": N_("Register applications and record when they are complete and decided."),
    "handling-time": N_("The five-working-day rule: the morning check and the compliance report."),
    "caseload": N_("Active cases per handler and FTE, history and rebalancing."),
    "plan": N_("Add, follow up, end and list change plans and housing plans."),
    "plans": N_("Follow-ups due, cases without a plan, and the share with a current plan."),
    "budget": N_("The year's budget per activity and line, in whole kronor (shown in tkr)."),
    "actuals": N_("Monthly actuals (utfall) per activity and line, in whole kronor."),
    "prognosis": N_("The monthly full-year prognosis for the controller."),
    "report": N_("Reports for the controller and the board."),
    "check": N_("What needs attention today, for cron (monitoring-plugin exit codes)."),
    "indicators": N_("Key figures by the national definitions: households, long-term, young "
                     "adults, closures."),
    "population": N_("The municipality's population per year, for the key figures' shares."),
}


class LazyGroup(click.Group):
    """A group whose commands live in their own modules and load on first use."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(n for n in self.lazy if self._available(n))})

    def _available(self, name: str) -> bool:
        from importlib.util import find_spec

        return find_spec(f"ekbist.commands.{self.lazy[name].split(':')[0]}") is not None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and self._available(name):
            module_name, attr = self.lazy[name].split(":")
            module = importlib.import_module(f"ekbist.commands.{module_name}")
            from ekbist.commands.params import localize_metavars

            return localize_metavars(getattr(module, attr))
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The short help is kept here rather than read from each command, which would import
        # every module and make `ekbist --help` slow.
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, _(SHORT_HELP.get(name, ""))) for name in self.list_commands(ctx)])

    def invoke(self, ctx: click.Context):
        from ekbist.commands.errors import handle_errors

        with handle_errors():
            return super().invoke(ctx)


def _early_language(argv: list[str]) -> str:
    """The language from argv or the environment, known before click parses anything.

    Help texts are translated when their module is imported, which happens before the
    root callback runs, so the language must be set first.
    """
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    return detect_language()


def _validate_today(ctx: click.Context, param: click.Parameter, value: str | None):
    from datetime import date

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _("'{value}' is not a date (YYYY-MM-DD)").format(value=value)
        ) from None


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    envvar="EKBIST_DB",
    type=click.Path(dir_okay=False),
    help="SQLite store (env EKBIST_DB; default ~/.local/share/ekbist/ekbist.db).",
)
@click.option(
    "--today",
    envvar="EKBIST_TODAY",
    callback=_validate_today,
    metavar="YYYY-MM-DD",
    help="As-of date for every check and report (env EKBIST_TODAY).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    envvar="EKBIST_LANG",
    help="Language: en or sv (env EKBIST_LANG; else from the locale).",
)
@click.version_option(__version__, "--version", prog_name="ekbist", message="%(prog)s %(version)s")
@click.pass_context
def root(ctx: click.Context, db_path: str | None, today, lang: str | None) -> None:
    """ekbist — caseload, deadlines, handling time and budget for an ekonomiskt bistånd unit."""
    from ekbist.commands.context import Env

    if lang:
        set_language(lang)
    ctx.obj = Env(db_path=db_path, today=today)


def cli(args: list[str] | None = None, prog_name: str = "ekbist", **kwargs) -> None:
    argv = sys.argv[1:] if args is None else list(args)
    set_language(_early_language(argv))
    _translate_root_help()
    root.main(args=argv, prog_name=prog_name, **kwargs)


def _translate_root_help() -> None:
    root.help = _(
        "ekbist — caseload, deadlines, handling time and budget for an ekonomiskt bistånd unit."
    )
    texts = {
        "db_path": _("SQLite store (env EKBIST_DB; default ~/.local/share/ekbist/ekbist.db)."),
        "today": _("As-of date for every check and report (env EKBIST_TODAY)."),
        "lang": _("Language: en or sv (env EKBIST_LANG; else from the locale)."),
    }
    for param in root.params:
        if param.name in texts:
            param.help = texts[param.name]
        if param.name == "today":
            param.metavar = _("YYYY-MM-DD")
        if param.name == "db_path":
            param.metavar = _("FILE")
