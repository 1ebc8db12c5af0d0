"""Click parameter types shared by the commands: ISO dates and months, codes typed in
either language, and placeholders in the user's language."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import click

from ekbist.i18n import N_, _


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return _("YYYY-MM-DD")

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            message = _("'{value}' is not a date (YYYY-MM-DD)").format(value=value)
            if (ctx is not None and param is not None and getattr(param, "envvar", None)
                    and ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT):
                message = f"{param.envvar}: {message}"  # the user typed no flag: name the variable
            self.fail(message, param, ctx)


class MonthType(click.ParamType):
    name = "YYYY-MM"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return _("YYYY-MM")

    def convert(self, value, param, ctx) -> str:
        # A bad month is bad input, not a usage slip: the library's one `error:` line and
        # exit 1 (the command's error handler), as for every month the library reads —
        # never click's usage block and exit 2. The option is named by the flag typed.
        from ekbist.errors import EkbistError
        from ekbist.validate import parse_month

        try:
            return parse_month(value)
        except EkbistError as exc:
            flags = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
            if isinstance(param, click.Option) and flags:
                raise EkbistError(exc.worded({"month": flags[0]})) from None
            raise


class AmountText(click.ParamType):
    """An amount as typed ("412010001", "5 111 000", "12 tkr"), handed on as text for the
    library to read (ekbist.money.parse_amount, which bounds it). Marked as money for the
    command line's secrecy gate: an amount is never read as an identity number
    (ekbist.commands.main.gate_value). ``after_equals``: the value is LINE=AMOUNT and
    only the part after the last '=' is money."""

    name = "amount"

    def __init__(self, *, after_equals: bool = False) -> None:
        self.after_equals = after_equals

    def convert(self, value, param, ctx) -> str:
        return value if isinstance(value, str) else str(value)


DATE = DateType()
MONTH = MonthType()
AMOUNT = AmountText()
LINE_AMOUNT = AmountText(after_equals=True)


# Placeholders in the user's language: a usage line in Swedish should not say [OPTIONS],
# TEXT or INTEGER beside ÄRENDE and ÅÅÅÅ-MM-DD. Those click derives from a parameter's type:
_TYPE_METAVARS = {"text": N_("TEXT"), "integer": N_("INTEGER"), "integer range": N_("INTEGER"),
                  "float": N_("NUMBER"), "float range": N_("NUMBER"), "file": N_("FILE"),
                  "path": N_("FILE")}
# and those of the usage line, which click keeps as plain attributes set once per command.
_USAGE_METAVARS = {"COMMAND": N_("COMMAND"), "ARGS": N_("ARGS")}


def translate_metavars(command: click.Command) -> click.Command:
    """Every placeholder of ``command`` and of its sub-commands in the chosen language: the
    usage line's ("[FLAGGOR]", "KOMMANDO") and its options' ("--db FIL"). The English words
    are kept on the command, so a later language (--lang, a test) translates them again."""
    command.options_metavar = _("[OPTIONS]")
    if isinstance(command, click.Group):
        english = command.__dict__.setdefault("ekbist_metavar", command.subcommand_metavar or "")
        for word, message in _USAGE_METAVARS.items():
            english = english.replace(word, _(message))
        command.subcommand_metavar = english
    for param in command.params:
        word = param.__dict__.get("ekbist_metavar")
        if word is None:
            if (param.metavar is not None or getattr(param, "is_flag", False)
                    or getattr(param, "count", False) or isinstance(param.type, click.Choice)):
                continue
            word = _TYPE_METAVARS.get(str(getattr(param.type, "name", "")).lower())
            if word is None:
                continue
            param.ekbist_metavar = word  # type: ignore[attr-defined]
        param.metavar = _(word)
    for sub in getattr(command, "commands", {}).values():
        translate_metavars(sub)
    return command


class WordChoice(click.ParamType):
    """A choice among codes that also takes the Swedish words, and offers the reader's.

    ``words`` maps each code to its Swedish word; the help shows the codes in English
    and the words in Swedish, and the command always receives the code.
    """

    name = "choice"

    def __init__(self, words: dict[str, str]) -> None:
        self.words = dict(words)

    def offered(self) -> list[str]:
        from ekbist.i18n import language

        return list(self.words.values()) if language() == "sv" else list(self.words)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.offered()) + "]"

    def convert(self, value, param, ctx) -> str:
        wanted = str(value).strip().casefold()
        for code, word in self.words.items():
            if wanted in (code, word.casefold()):
                return code
        self.fail(_("'{value}' is not one of: {choices}").format(
            value=value, choices=", ".join(self.offered())), param, ctx)


GROUP_BY = {"handler": "handläggare", "team": "team", "month": "månad"}


# A word that begins with a minus and a digit ('-1', '-44', '-2 516 000', '-12,5', or
# '- 500' with a space after the minus): no option of ekbist is spelt so, so it is a
# negative number.
_NEGATIVE = re.compile(r"-\s*\d")


def numbers_as_arguments(parser: Any) -> Any:
    """``parser`` (click's option parser of one command) reading a negative number where an
    argument goes as that argument, not as an unknown option: ``activities attend -1`` is
    activity -1 (refused by the library as unknown, naming it), not click's "No such option
    '-1'". Put on every command by :func:`ekbist.commands.main.gate_commands`; a group's
    parser (which stops at its first argument, the command) is left as it is."""
    process_opts = getattr(parser, "_process_opts", None)
    short, long = getattr(parser, "_short_opt", None), getattr(parser, "_long_opt", None)
    if process_opts is None or short is None or long is None:
        # Another click than the one this was written against: its own reading stays
        # ("No such option '-1'" for a negative number), never a crash of every command.
        return parser

    def _process_opts(arg: str, state: Any) -> None:
        if (parser.allow_interspersed_args and _NEGATIVE.match(arg)
                and arg not in short and arg not in long):
            state.largs.append(arg)
            return
        process_opts(arg, state)

    parser._process_opts = _process_opts
    return parser


def month_period_options(function):
    """``--from`` and ``--to``: the first and last month of a report's period, given
    together (the library reads them: :func:`ekbist.validate.month_range`)."""
    function = click.option("--to", "last", metavar=_("YYYY-MM"),
                            help=_("Last month (with --from)."))(function)
    return click.option("--from", "first", metavar=_("YYYY-MM"),
                        help=_("First month (with --to)."))(function)


def yes_option(help_text: str):
    """``--yes``/``-y``: the answer to a command's confirmation question, for scripts. One
    option for every command that asks before it writes; ``help_text`` says when it asks."""
    return click.option("--yes", "-y", is_flag=True, help=help_text)
