"""The library's refusals speak of the domain; the command line names its flags.

A refusal about one of the request's own values is made with ``EkbistError.about``: the
library's message names the value in words (``the warning window``), and the command
line's table ``FLAGS`` turns the same key into the flag a user types (``--within``).
"""

from __future__ import annotations

import re
from pathlib import Path

import catalog_tools as catalogs
import click
import pytest
from conftest import TODAY
from ekbist.commands.errors import FLAGS
from ekbist.commands.main import root

from ekbist import plans
from ekbist.errors import SUBJECTS, EkbistError, subject

LIBRARY = Path(__file__).resolve().parent.parent / "ekbist"
# A flag in running text: "--within", "--as-of". Advice that quotes a whole command
# ('ekbist prognosis make --save', ekbist check --handler ID) names the command, and may.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
QUOTED_COMMAND = re.compile(r"'ekbist [^']*'|\bekbist (?:[a-z-]+ )+--[a-z-]+(?: [A-Z]+)?")


def _library_messages() -> list[str]:
    return [m.msgid for m in catalogs.extract([LIBRARY]) if "/commands/" not in m.where]


def test_no_library_message_names_a_flag() -> None:
    offenders = [m for m in _library_messages() if FLAG.search(QUOTED_COMMAND.sub("", m))]
    assert offenders == []


def test_the_check_sees_a_flag_when_there_is_one() -> None:
    assert FLAG.search("--within must be 0 days or more")
    assert FLAG.search("give --new to add")
    assert not FLAG.search(QUOTED_COMMAND.sub("", "run 'ekbist prognosis make --save'"))
    assert not FLAG.search(QUOTED_COMMAND.sub("", "(all of one: ekbist check --handler ID)"))
    assert FLAG.search(QUOTED_COMMAND.sub("", "ekbist stops — give --force"))
    assert not FLAG.search("2026-01-01 — 2026-02-01")


def _options(command: click.Command, ctx: click.Context) -> set[str]:
    found = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            found |= _options(command.get_command(ctx, name), ctx)
    return found


def test_every_value_has_a_word_and_a_flag_that_exists() -> None:
    assert set(SUBJECTS) == set(FLAGS)
    # A key is the flag's name: the words are written once, in the library.
    assert (FLAGS["as_of"], FLAGS["new_since"], FLAGS["kind"]) == ("--as-of", "--new-since",
                                                                    "--kind")
    with click.Context(root) as ctx:
        options = _options(root, ctx)
    assert sorted(set(FLAGS.values()) - options) == []


def test_the_same_refusal_in_words_and_in_flags() -> None:
    error = EkbistError.about("{to} is before {from}", {"to": "to", "from": "from"})
    assert str(error) == "the end of the period is before the start of the period"
    assert error.worded(FLAGS) == "--to is before --from"
    # A key without a flag keeps its words; a plain refusal reads the same either way.
    assert error.worded({"to": "--to"}) == "--to is before the start of the period"
    assert EkbistError("no handler 'x'").worded(FLAGS) == "no handler 'x'"
    assert subject("opened") == "opened"
    kind = EkbistError.about("{option}: 'x' is not a kind", {"option": "kind"})
    assert (str(kind), kind.worded(FLAGS)) == ("the kind: 'x' is not a kind",
                                               "--kind: 'x' is not a kind")


def test_a_refusal_from_the_library_and_from_the_command_line(cli, store) -> None:
    with pytest.raises(EkbistError) as refused:
        plans.due(store, as_of=TODAY, within=-1)
    assert str(refused.value) == "the warning window must be 0 days or more, not -1"
    line = cli.fails("plans", "due", "--within", "-1")
    assert "--within must be 0 days or more, not -1" in line
    assert "warning window" not in line


def test_a_refusal_in_swedish_names_the_flag_too(cli, store) -> None:
    line = cli.fails("--lang", "sv", "plans", "due", "--within", "-1")
    assert "--within måste vara 0 dagar eller fler, inte -1" in line
