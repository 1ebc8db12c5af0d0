"""Swedish all the way: click's own words follow --lang, and codes are shown as one may type them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import catalog_tools as catalogs
import pytest
from helpers.procs import clean_env, run


def ekbist(*args: str) -> subprocess.CompletedProcess:
    """A real process: help texts are translated when their module is imported. The locale
    says English; --lang decides."""
    return run(None, *args, env=clean_env(LANG="C.UTF-8", LC_ALL="C.UTF-8"))


CLICK_ALONE = """
import contextlib, io, json, click
group = click.Group("caseload", invoke_without_command=True,
                    context_settings={"help_option_names": ["-h", "--help"]})  # as ekbist's
group.add_command(click.Command("show", help="Shows."))
ctx = click.Context(group, info_name="ekbist caseload")
help_page = group.get_help(ctx)
try:
    group.main(["--bogus"], prog_name="ekbist caseload", standalone_mode=False)
except click.UsageError as exc:
    error = exc.format_message()
err = io.StringIO()
with contextlib.redirect_stderr(err):
    try:
        group.main(["--bogus"], prog_name="ekbist caseload")
    except SystemExit:
        pass
print(json.dumps({"usage": help_page.split()[0], "usage_line": help_page.splitlines()[0], "help": group.get_help_option(ctx).help,
                  "no_such_option": error, "error_output": err.getvalue().strip().splitlines(),
                  "headings": [l for l in help_page.splitlines() if l.endswith(":")]}))
"""


@pytest.fixture(scope="module")
def click_words() -> dict:
    """click's own English words, from click alone (no ekbist, no catalog): whatever its
    version, these are the words of help and usage errors ekbist must translate."""
    import json

    done = subprocess.run([sys.executable, "-c", CLICK_ALONE], capture_output=True, text=True,
                          check=True, env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def swedish() -> dict:
    return catalogs.translations()


def in_swedish(swedish: dict, english: str) -> str:
    text = swedish.get(english)
    assert text, f"click's {english!r} has no Swedish translation: run scripts/catalogs.py click"
    return text


@pytest.mark.parametrize("command", [[], ["caseload"], ["check"], ["handling-time", "report"], ["day"]])
def test_help_in_swedish_has_no_english_click_words(command, click_words, swedish) -> None:
    result = ekbist("--lang", "sv", *command, "--help")
    assert result.returncode == 0
    text = result.stdout
    assert text.startswith(in_swedish(swedish, click_words["usage"]) + " ekbist")
    assert in_swedish(swedish, click_words["help"]) in text
    options, *others = click_words["headings"]  # "Options:", "Commands:"
    assert in_swedish(swedish, options.rstrip(":")) + ":" in text
    for heading in (options, *others):
        assert heading not in text
        in_swedish(swedish, heading.rstrip(":"))
    for english in (click_words["usage"], click_words["help"], "[OPTIONS]", "COMMAND", "default:"):
        assert english not in text


def test_help_in_english_is_clicks_own(click_words) -> None:
    text = ekbist("--lang", "en", "caseload", "--help").stdout
    assert text.splitlines()[0] == click_words["usage_line"]  # "Usage: ekbist caseload [OPTIONS] …"
    assert click_words["help"] in text
    for heading in click_words["headings"]:
        assert heading in text


def test_usage_errors_in_swedish(click_words, swedish) -> None:
    result = ekbist("--lang", "sv", "handling-time", "check", "--status", "nej")
    assert result.returncode == 2
    # click names the first of the help options ("-h" or "--help", as its version chooses)
    assert re.search(r"^Prova 'ekbist handling-time check (-h|--help)' för hjälp\.$", result.stderr,
                     re.M)
    assert "'--status'" in result.stderr and "'nej'" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Fel: ")
    missing = ekbist("--lang", "sv", "caseload", "--bogus")
    assert "Fel: " in missing.stderr and "--bogus" in missing.stderr
    assert "Error" not in missing.stderr and "Try" not in missing.stderr
    assert click_words["no_such_option"] not in missing.stderr
    english = ekbist("--lang", "en", "caseload", "--bogus")
    assert english.stderr.strip().splitlines()[-3:] == click_words["error_output"][-3:]
    assert click_words["no_such_option"] in english.stderr


def test_clicks_list_of_choices_keeps_its_tabs_while_a_quoted_tab_is_an_escape(tmp_path) -> None:
    """click lists the choices of a missing option on lines of their own, indented by a tab:
    that layout is click's, not a value's, so the output gate keeps it; a tab inside a value
    the user typed is still shown as an escape (one value, one line) and masked."""
    db = str(tmp_path / "u.db")
    assert ekbist("--db", db, "init").returncode == 0
    for lang, word in (("en", "Choose from:"), ("sv", "Välj bland:")):
        missing = ekbist("--db", db, "--lang", lang, "report", "tertial", "2026")
        assert missing.returncode == 2
        assert missing.stderr.splitlines()[-3:] == [
            missing.stderr.splitlines()[-3], "\t1,", "\t2"]
        assert missing.stderr.splitlines()[-3].endswith(word)
        assert "\\t" not in missing.stderr
    typed = ekbist("--db", db, "report", "tertial", "--tertial", "1\t811218-9876")
    assert typed.returncode == 1
    assert typed.stderr.count("\n") == 1 and "'1\\t811218-****'" in typed.stderr
    assert "9876" not in typed.stderr


def test_codes_are_listed_as_one_may_type_them(tmp_path) -> None:
    db = str(tmp_path / "u.db")
    assert ekbist("--db", db, "init").returncode == 0
    sv = ekbist("--db", db, "--lang", "sv", "handler", "list", "--team", "xyz")
    assert sv.returncode == 1
    assert sv.stderr.strip() == (
        "fel: okänt värde för team: 'xyz' (möjliga värden: mottagning, utredning, "
        "våld i nära relation, budget- och skuldrådgivning, annat)")
    en = ekbist("--db", db, "--lang", "en", "handler", "list", "--team", "xyz")
    assert en.stderr.strip() == (
        "error: unknown team 'xyz' (expected one of: intake, investigation, violence, debt, other)")


def test_the_click_words_a_user_meets_are_in_the_catalog() -> None:
    # Whatever the click version, these are the words of help and usage errors.
    translated = catalogs.translations()
    for msgid in ("Usage:", "Options", "Commands", "Show this message and exit.", "Error: {message}",
                  "Try '{command} {option}' for help.", "Missing option", "Aborted!",
                  "Invalid value for {param_hint}: {message}", "No such option {name!r}."):
        assert translated.get(msgid), msgid
    # A newer click may bring new messages: `python scripts/catalogs.py click` lists them.
    assert all(isinstance(m.msgid, str) for m in catalogs.click_missing())
