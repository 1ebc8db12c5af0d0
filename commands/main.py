"""The ``ekbist`` command: global options, lazy command groups, error handling.

Sub-commands are imported only when they are called, so ``ekbist --help`` and
``ekbist --version`` start without loading SQLite helpers, rich or openpyxl.
"""

from __future__ import annotations

import importlib
import sys

import click
from ekbist.commands.params import DATE, translate_metavars

from ekbist import __version__
from ekbist.i18n import LANGUAGES, N_, _, detect_language, set_language

# command name -> "module:attribute" inside ekbist.commands
COMMANDS: dict[str, str] = {
    "init": "store:init",
    "info": "store:info",
    "audit": "store:audit",
    "backup": "store:backup",
    "restore": "store:restore",
    "settings": "settings:settings",
    "workdays": "workdays:workdays",
    "handler": "handler:handler",
    "case": "case:case",
    "activities": "activities:activities",
    "demo": "demo:demo",
    "import": "sheets:import_",
    "export": "sheets:export",
    "template": "sheets:template",
    "rules": "rules:rules",
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
    "day": "day:day",
    "dag": "day:day",
    "target": "targets:target",
    "outcome": "targets:outcome",
    "goal": "goals:goal",
    "contacts": "contacts:contacts",
}


SHORT_HELP: dict[str, str] = {
    "init": N_("Create the database, or bring an older one up to date."),
    "info": N_("Show the database: path, schema version, journal mode and row counts."),
    "audit": N_("Show the audit trail: every insert, update and delete."),
    "backup": N_("Copy the database with SQLite's online backup and check the copy."),
    "restore": N_("Put a backup back in the database's place: checked, all or nothing."),
    "settings": N_("Show and change the unit's thresholds."),
    "workdays": N_("Working days: holidays, deadlines and the unit's closed days."),
    "handler": N_("Add, list and change the unit's handlers."),
    "case": N_("Open, assign, close and look up cases."),
    "activities": N_("Activities and exemptions of cases, and the Jobbtorg referral check."),
    "demo": N_("Fill an empty database with a synthetic unit (deterministic for a seed)."),
    "import": N_("Import a workbook or CSV file, all or nothing."),
    "export": N_("Write records to a new workbook, one sheet per kind."),
    "template": N_("Write an empty workbook to fill in."),
    "rules": N_("Try a case-management system's rules file on an extract."),
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
    "day": N_("A handler's working day, or the unit's: what to decide, follow up and cover."),
    "dag": N_("The same as day (Swedish)."),
    "target": N_("The year's targets (årsmål), judged in 'ekbist report year'."),
    "outcome": N_("Outcomes only you know (municipal jobs, summer jobs, violence contacts)."),
    "goal": N_("The year's goals (city, board and unit goals), judged in 'ekbist report "
               "year'."),
    "contacts": N_("Contacts and the unit's promises: call-backs, first visits, violence, "
                   "debt advice."),
}


class LazyGroup(click.Group):
    """A group whose commands live in their own modules and load on first use."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attr = self.lazy[name].split(":")
            module = importlib.import_module(f"ekbist.commands.{module_name}")
            command = getattr(module, attr)
            gate_commands(command)
            add_examples(command, name)
            translate_metavars(command)
            return command
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The short help is kept here rather than read from each command, which would import
        # every module and make `ekbist --help` slow.
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, _(SHORT_HELP.get(name, ""))) for name in self.list_commands(ctx)])

    def main(self, args=None, *pos, **kwargs):
        # The secrecy gate for the command line: every argument and option value, whatever
        # its type, before click parses it (one place, so no command can forget it).
        argv = sys.argv[1:] if args is None else list(args)
        _ARGV[:] = argv
        refuse_personnummer_arguments(argv)
        return super().main(argv, *pos, **kwargs)

    def make_context(self, info_name, args, parent=None, **extra):
        # The global options and EKBIST_* variables are checked here, before the command
        # runs: for `check` a problem with them is UNKNOWN (exit 3), as for its own options.
        command = _subcommand(args)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            if command != "check":
                raise
            from ekbist.commands.errors import CheckUsageError

            raise CheckUsageError(exc.format_message()) from None

    def invoke(self, ctx: click.Context):
        from ekbist.commands.errors import handle_errors

        with handle_errors():
            return super().invoke(ctx)


# Set by scripts/docs.py while it regenerates the manual, so the command reference shows
# the examples the pages give now rather than the ones last written to examples.py.
EXAMPLES_OVERRIDE: dict[str, list[str]] | None = None
ROOT_EXAMPLES = ["ekbist --db demo.db demo", "ekbist check --summary"]


def examples_of(path: str) -> list[str]:
    """The examples shown at the end of ``ekbist PATH --help``: real lines of the manual."""
    if not path:
        return ROOT_EXAMPLES
    if EXAMPLES_OVERRIDE is not None:
        examples = EXAMPLES_OVERRIDE
    else:
        from ekbist.commands.examples import EXAMPLES as examples
    if path in examples:
        return examples[path]
    # A group: the first example of its first two commands.
    return [lines[0] for name, lines in examples.items() if name.startswith(path + " ")][:2]


# The options whose values are codes, by command ("" = every command), and the kinds of
# code (keys of ekbist.codes.KINDS, the first that knows the value wins, or a table of its
# own): a Swedish help page shows the Swedish word the command accepts, not the code the
# manual's English example types.
_EXAMPLE_CODES: dict[tuple[str, str], str | tuple[str, ...] | dict[str, str]] = {
    ("", "--decision"): "decision",
    ("", "--team"): "team",
    ("", "--method"): ("prognosis_method", "method_choice"),  # a method, or 'best' per line
    ("case close", "--reason"): "close_reason",
    ("handler away", "--kind"): "absence_kind",
    ("plan add", "--kind"): "plan_kind",
    ("budget add-line", "--kind"): {"revenue": "intäkt", "cost": "kostnad"},
    ("activities add", "--kind"): "activity_kind",
    ("activities exempt", "--reason"): "exemption",
}


def swedish_example(path: str, line: str) -> str:
    """An example line with each code replaced by the Swedish word the command accepts.

    The manual's examples are English (they are executed as written); both words are
    always accepted, so the Swedish help can show the words a Swedish reader types.
    """
    import re
    import shlex

    from ekbist import codes
    from ekbist.commands.params import GROUP_BY

    def word(option: str, value: str) -> str | None:
        if option == "--by":
            return GROUP_BY.get(value)
        table = _EXAMPLE_CODES.get((path, option)) or _EXAMPLE_CODES.get(("", option))
        if table is None:
            return None
        if isinstance(table, dict):
            return table.get(value)
        kinds = (table,) if isinstance(table, str) else table
        return next((codes.KINDS[kind][value][1] for kind in kinds
                     if value in codes.KINDS[kind]), None)

    def quote(text: str) -> str:
        return text if re.fullmatch(r"[\w./-]+", text) else shlex.quote(text)

    def replace(match: re.Match[str]) -> str:
        option, value = match.group(1), match.group(2)
        swedish = word(option, value)
        return f"{option} {quote(swedish)}" if swedish else match.group(0)

    line = re.sub(r"(--[\w-]+) ([A-Za-z_-]+)(?=\s|$)", replace, line)
    if path in ("export", "template"):
        from ekbist.sheets.declarations import kinds

        def sheet(match: re.Match[str]) -> str:
            name = match.group(2)
            if name == "all":
                return f"{match.group(1)}alla"
            kind = kinds().get(name)
            return match.group(1) + (quote(kind.sheet("sv").lower()) if kind else name)

        line = re.sub(rf"(\b{path} )([a-z_]+)(?=\s)", sheet, line, count=1)
    return line


def _format_examples(self: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    from ekbist.i18n import language

    examples = examples_of(self.ekbist_path)
    if not examples:
        return
    with formatter.section(_("Examples")):
        for line in examples:
            if language() == "sv":
                # A group shows its commands' examples: each is read as its own command's.
                path = max((p for p, _o in _EXAMPLE_CODES if p and f" {p} " in f" {line} "),
                           key=len, default=self.ekbist_path)
                line = swedish_example(path, line)
            formatter.write_text("\b\n" + line)


def add_examples(command: click.Command, path: str) -> None:
    """Give ``command`` and the commands under it their examples (read when help is shown)."""
    import types

    command.ekbist_path = path
    command.format_epilog = types.MethodType(_format_examples, command)
    for name, sub in getattr(command, "commands", {}).items():
        add_examples(sub, f"{path} {name}")


def refuse_personnummer_arguments(argv: list[str]) -> None:
    """Exit 1 with one line when an argument, an option value or an EKBIST_* variable holds
    a personnummer.

    ekbist logs its command line in the audit, and every argument is either stored,
    logged or a file name: none may carry an identity number, in any spelling. A token
    written as an amount ("8112189876", "LINE=8112189876") is left to
    :func:`gate_value`, which knows after parsing whether a money parameter took it:
    an amount is money, anywhere else the same digits are refused.
    """
    import os

    from ekbist.money import is_amount_text
    from ekbist.secrecy import looks_like_personnummer

    for var in sorted(v for v in os.environ if v.startswith("EKBIST_")):
        if looks_like_personnummer(os.environ[var]):
            _refuse(var, os.environ[var])
    for index, arg in enumerate(argv):
        if not looks_like_personnummer(arg):
            continue
        if arg.startswith("--") and "=" in arg:
            where, value = arg.split("=", 1)
        elif index > 0 and argv[index - 1].startswith("-") and argv[index - 1] != "-":
            where, value = argv[index - 1], arg
        else:
            where, value = _("argument {n}").format(n=index + 1), arg
        name, equals, amount = value.rpartition("=")
        if is_amount_text(value) or (equals and is_amount_text(amount)
                                     and not looks_like_personnummer(name)):
            continue
        _refuse(where, value)


def gate_value(param: click.Parameter, value: object) -> None:
    """The secrecy gate over one parameter's value as given (typed, or from EKBIST_*), before
    click converts it, so no conversion error repeats it: an amount given to a money
    parameter (:class:`ekbist.commands.params.AmountText`) is money, bounded by the library;
    every other value is refused when it holds a personnummer in any spelling."""
    from datetime import date

    from ekbist.commands.params import AmountText
    from ekbist.secrecy import looks_like_personnummer

    for item in value if isinstance(value, tuple | list) else (value,):
        if item is None or isinstance(item, bool | date):
            continue
        text = str(item)
        if isinstance(param.type, AmountText):
            if not param.type.after_equals:
                continue
            text = text.rpartition("=")[0]
        if looks_like_personnummer(text):
            where = (param.opts[0] if isinstance(param, click.Option)
                     else _("argument {name}").format(name=param.human_readable_name))
            _refuse(where, str(item))


def gate_arguments(ctx: click.Context) -> None:
    """The gate over what a command leaves unparsed (``ctx.args``; a group's rest is its
    command's to parse)."""
    from ekbist.secrecy import looks_like_personnummer

    if not isinstance(ctx.command, click.Group):
        for arg in ctx.args:
            if looks_like_personnummer(arg):
                _refuse(_("argument"), arg)


def _refuse(where: str, value: str) -> None:
    refuse_argument(_ARGV, _(
        "{where}: '{value}' looks like a personnummer — ekbist takes no personal identity "
        "numbers, in any argument").format(where=where, value=value))


# The command line being run (set by LazyGroup.main), so a refusal knows whether it is check's.
_ARGV: list[str] = []


def refuse_argument(argv: list[str], message: str) -> None:
    """Stop before click parses anything: ``error: …`` and exit 1, or for ``check`` the
    monitoring line ``EKBIST UNKNOWN: …`` and exit 3 (a refused argument is no finding)."""
    from ekbist.commands.errors import CheckUsageError, fail

    if _subcommand(argv) == "check":
        error = CheckUsageError(message)
        error.show()
        raise SystemExit(error.exit_code)
    fail(message)


def _gated_parse_args(self: click.Command, ctx: click.Context, args: list[str]) -> list[str]:
    rest = type(self).parse_args(self, ctx, args)
    gate_arguments(ctx)
    return rest


def _gated_process_value(self: click.Parameter, ctx: click.Context, value: object) -> object:
    gate_value(self, value)
    return type(self).process_value(self, ctx, value)


def _number_friendly_parser(self: click.Command, ctx: click.Context):
    from ekbist.commands.params import numbers_as_arguments

    return numbers_as_arguments(type(self).make_parser(self, ctx))


def gate_commands(command: click.Command) -> None:
    """Put the secrecy gate in front of every parameter of ``command`` and of every command
    under it (:func:`gate_value`), and after its parsing (:func:`gate_arguments`); and let
    each read a negative number as an argument (:func:`ekbist.commands.params.
    numbers_as_arguments`)."""
    import types

    if "parse_args" not in command.__dict__:
        command.parse_args = types.MethodType(_gated_parse_args, command)
    if "make_parser" not in command.__dict__:
        command.make_parser = types.MethodType(_number_friendly_parser, command)
    for param in command.params:
        if "process_value" not in param.__dict__:
            param.process_value = types.MethodType(_gated_process_value, param)
    for sub in getattr(command, "commands", {}).values():
        gate_commands(sub)


GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--today", "--lang")


def _subcommand(argv: list[str]) -> str | None:
    """The command named on the command line, after the global options, if any."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


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


def _set_wide(value: bool) -> None:
    """The global --wide, read at every invocation: a run without it is narrow again even in a
    process that ran one with it (the command's own --wide can only switch it on)."""
    if value:
        from ekbist.commands import render

        render.WIDE = True
    elif (render_module := sys.modules.get("ekbist.commands.render")) is not None:
        render_module.WIDE = False


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
    type=DATE,
    metavar="YYYY-MM-DD",
    help="As-of date for every check and report (env EKBIST_TODAY).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    envvar="EKBIST_LANG",
    help="Language: en or sv (env EKBIST_LANG; else from the locale).",
)
@click.option(
    "--wide",
    is_flag=True,
    expose_value=False,
    callback=lambda ctx, param, value: _set_wide(value),
    help="Show every column even when a table is wider than the terminal.",
)
@click.version_option(__version__, "--version", prog_name="ekbist", message="%(prog)s %(version)s")
@click.pass_context
def root(ctx: click.Context, db_path: str | None, today, lang: str | None) -> None:
    """ekbist — caseload, deadlines, handling time and budget for an ekonomiskt bistånd unit."""
    from ekbist.commands.context import Env

    if lang:
        set_language(lang)
    if today is None:
        from datetime import date

        today = date.today()
    ctx.obj = Env(db_path=db_path, today=today)


add_examples(root, "")
gate_commands(root)  # the global options, from the command line or EKBIST_*


def _click_in_our_language() -> None:
    """Make click's own words ("Usage:", "Options", "Error: …") follow --lang.

    click looks its strings up through the standard gettext functions, bound in each of its
    modules at import (``from gettext import gettext as _``), so they would follow the
    process locale rather than ekbist's language. Handing those modules ekbist's own
    functions puts click's messages in ekbist's catalogs (locale/sv/LC_MESSAGES/click.po).
    """
    import gettext
    import importlib
    import pkgutil

    from ekbist import i18n

    for info in pkgutil.iter_modules(click.__path__):
        if info.name.startswith("_win") or info.name == "testing":
            continue
        module = importlib.import_module(f"click.{info.name}")
        if getattr(module, "_", None) is gettext.gettext:
            module._ = i18n._
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = i18n.ngettext


_click_in_our_language()


def _click_through_the_gate() -> None:
    """click's own messages ("Invalid value for '--households': '8112189876' is not in the
    range …", usage errors) pass the secrecy gate like ekbist's: every value they quote is
    masked (ekbist.secrecy.mask), as in every ``error:`` line."""
    import click.exceptions

    from ekbist.commands.errors import shown

    plain = click.exceptions.echo

    def echo(message=None, file=None, nl=True, err=False, color=None):
        plain(None if message is None else shown(str(message), lines=True), file=file, nl=nl,
              err=err, color=color)

    click.exceptions.echo = echo


_click_through_the_gate()

def _on_signal(signum: int, frame) -> None:
    """Stop the command on SIGINT/SIGTERM — unless its work is being committed or is done."""
    from ekbist import interrupts

    if interrupts.holding():
        interrupts.note(signum)  # the commit happens (or happened): finish and report it
        return
    first = interrupts.pending() is None
    interrupts.receive(signum)
    if first:  # a second signal while the first one unwinds would cut its clean-up short
        raise interrupts.Interrupted(signum)


def _quiet_unraisable(info) -> None:
    """Errors Python can only report while cleaning up (a spreadsheet writer's half-done
    stream after a failed save) are echoes of the error already reported in one line."""
    import os

    if os.environ.get("EKBIST_DEBUG"):
        sys.__unraisablehook__(info)


def _catch_interrupts() -> None:
    import signal

    from ekbist import interrupts

    interrupts.reset()
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _on_signal)
    if interrupts.phases_wanted():
        interrupts.set_phase_hook(interrupts.print_phase)


def cli(args: list[str] | None = None, prog_name: str = "ekbist", **kwargs) -> None:
    from ekbist import interrupts
    from ekbist.interrupts import Interrupted

    _catch_interrupts()
    sys.unraisablehook = _quiet_unraisable
    try:
        interrupts.stop_if_pending()  # a signal heard before this handler was installed
        interrupts.phase("ready")
        argv = sys.argv[1:] if args is None else list(args)
        set_language(_early_language(argv))
        _translate_root_help()
        translate_metavars(root)
        try:
            root.main(args=argv, prog_name=prog_name, **kwargs)
        except SystemExit as exc:
            if exc.code in (0, None):
                # A read that finished although a signal was heard (and lost inside SQLite):
                # the chief pressed Ctrl-C, so it ends as interrupted; nothing was written.
                interrupts.stop_if_pending()
            raise
    except Interrupted as exc:
        from ekbist.commands.errors import interrupted

        interrupted(exc)


def _translate_root_help() -> None:
    root.help = _(
        "ekbist — caseload, deadlines, handling time and budget for an ekonomiskt bistånd unit."
    )
    texts = {
        "db_path": _("SQLite store (env EKBIST_DB; default ~/.local/share/ekbist/ekbist.db)."),
        "today": _("As-of date for every check and report (env EKBIST_TODAY)."),
        "lang": _("Language: en or sv (env EKBIST_LANG; else from the locale)."),
        "wide": _("Show every column even when a table is wider than the terminal."),
        # click translates its own default when the option is made, at import: too early.
        "version": _("Show the version and exit."),
    }
    for param in root.params:
        if param.name in texts:
            param.help = texts[param.name]
        if param.name == "today":
            param.metavar = _("YYYY-MM-DD")
        if param.name == "db_path":
            param.metavar = _("FILE")
