"""Swedish all the way: click's own words follow --lang, and codes are shown as one may type them."""

from __future__ import annotations

import os
import subprocess
import sys

import catalog_tools as catalogs
import pytest


def ekbist(*args: str) -> subprocess.CompletedProcess:
    """A real process: help texts are translated when their module is imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKBIST_")}
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"  # the locale says English; --lang decides
    return subprocess.run([sys.executable, "-m", "ekbist", *args], capture_output=True, text=True,
                          env=env)


@pytest.mark.parametrize("command", [[], ["caseload"], ["check"], ["handling-time", "report"], ["day"]])
def test_help_in_swedish_has_no_english_click_words(command) -> None:
    result = ekbist("--lang", "sv", *command, "--help")
    assert result.returncode == 0
    text = result.stdout
    assert text.startswith("Användning: ekbist")
    assert "Flaggor:" in text and "Visa den här hjälpen och avsluta." in text
    for english in ("Usage:", "Options:", "Show this message and exit.", "Commands:", "default:",
                    "[OPTIONS]", "COMMAND"):
        assert english not in text


def test_help_in_english_is_unchanged() -> None:
    text = ekbist("--lang", "en", "caseload", "--help").stdout
    assert text.startswith("Usage: ekbist caseload [OPTIONS] [COMMAND] [ARGS]...")
    assert "Options:" in text and "Show this message and exit." in text


def test_usage_errors_in_swedish() -> None:
    result = ekbist("--lang", "sv", "handling-time", "check", "--status", "nej")
    assert result.returncode == 2
    assert "Prova 'ekbist handling-time check --help' för hjälp." in result.stderr
    assert "Fel: Ogiltigt värde för '--status': 'nej' är inte något av" in result.stderr
    missing = ekbist("--lang", "sv", "caseload", "--bogus")
    assert "Fel: Ingen sådan flagga '--bogus'." in missing.stderr
    assert "Error" not in missing.stderr and "Try" not in missing.stderr
    english = ekbist("--lang", "en", "caseload", "--bogus")
    assert "Error: No such option" in english.stderr and "Try 'ekbist caseload --help'" in english.stderr


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
