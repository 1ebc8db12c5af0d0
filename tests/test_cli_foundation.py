"""The command line of the foundation: init, info, audit, backup, settings, workdays, handlers, cases."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from ekbist import __version__
from ekbist.store import latest_version


def test_commands_need_a_database(cli) -> None:
    line = cli.fails("handler", "list")
    assert line == f"error: no database at {cli.db} — run 'ekbist init'"
    assert not cli.db.exists()


def test_init_then_info(cli) -> None:
    assert "Created" in cli.ok("init").output
    assert "schema version" in cli.ok("init").output
    info = json.loads(cli.ok("info", "--format", "json").output)
    assert info["schema_version"] == latest_version()
    assert info["journal_mode"] == "wal"
    assert info["tables"]["budget_line"] == 10


def test_newer_database_gives_one_error_line(cli) -> None:
    cli.ok("init")
    conn = sqlite3.connect(cli.db)
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    conn.close()
    assert "newer than this ekbist knows" in cli.fails("handler", "list")


def test_handlers(unit) -> None:
    out = unit.ok("handler", "list", "--format", "json").output
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["bo"]["team"] == "investigation"
    assert rows["bo"]["open_cases"] == 2
    unit.ok("handler", "edit", "bo", "--fte", "0.75")
    assert "0.75" in unit.ok("handler", "list", "--format", "csv").output
    left = unit.ok("handler", "leave", "anna", "--date", "2026-11-20").output
    assert "1 open case is still with anna; to give it to the team" in left
    assert "ekbist handler leave anna --date 2026-11-20 --redistribute --apply" in left
    assert "still with" not in unit.ok("handler", "leave", "cia", "--date", "2026-11-20",
                                        "--redistribute", "--apply").output
    assert "anna" not in unit.ok("handler", "list").output
    assert "anna" in unit.ok("handler", "list", "--all").output


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("handler", "add", "bo", "--name", "X", "--team", "intake", "--fte", "1"),
            "exists already",
        ),
        (
            ("handler", "add", "dan", "--name", "X", "--team", "intake", "--fte", "1.5"),
            "fte must be",
        ),
        (("handler", "add", "dan", "--name", "X", "--team", "intake", "--fte", "0"), "fte must be"),
        (
            ("handler", "add", "dan", "--name", "X", "--team", "kitchen", "--fte", "1"),
            "unknown team",
        ),
        (
            ("handler", "add", "dan", "--name", "811218-9876", "--team", "intake", "--fte", "1"),
            "personnummer",
        ),
        (("handler", "edit", "nobody", "--fte", "1"), "unknown handler"),
        (("handler", "edit", "bo"), "nothing to change"),
        (("case", "open", "C-1", "--handler", "bo", "--opened", "2026-01-01"), "exists already"),
        (
            ("case", "open", "19811218-9876", "--handler", "bo", "--opened", "2026-01-01"),
            "personnummer",
        ),
        (
            ("case", "open", "C-9", "--handler", "nobody", "--opened", "2026-01-01"),
            "unknown handler",
        ),
        (("case", "open", "C-9", "--handler", "bo", "--opened", "2026-12-01"), "after today"),
        (
            ("case", "close", "C-1", "--date", "2025-12-01", "--reason", "work"),
            "before it was opened",
        ),
        (
            ("case", "close", "C-1", "--date", "2026-02-01", "--reason", "lottery"),
            "unknown close reason",
        ),
        (("case", "close", "C-404", "--date", "2026-02-01", "--reason", "work"), "unknown case"),
        (("case", "assign", "C-1", "bo", "--date", "2026-02-01"), "already with"),
        (("case", "assign", "C-1", "cia", "--date", "2025-02-01"), "before the case was opened"),
        (("settings", "set", "handling.days", "0"), "between"),
        (("settings", "set", "no.such", "1"), "unknown setting"),
        (("workdays", "open", "2026-04-08"), "not a closed day"),
    ],
)
def test_refusals_leave_the_store_unchanged(unit, args, message) -> None:
    before = sqlite3.connect(unit.db).execute("SELECT count(*) FROM audit").fetchone()[0]
    assert message in unit.fails(*args)
    after = sqlite3.connect(unit.db).execute("SELECT count(*) FROM audit").fetchone()[0]
    assert after == before


def test_assigning_to_a_leaver_is_refused(unit) -> None:
    unit.ok("handler", "leave", "cia", "--date", "2026-10-01")
    assert "left on 2026-10-01" in unit.fails(
        "case", "assign", "C-1", "cia", "--date", "2026-10-05"
    )
    unit.ok("case", "assign", "C-1", "cia", "--date", "2026-09-30")


def test_case_history_and_lists(unit) -> None:
    unit.ok("case", "assign", "C-1", "cia", "--date", "2026-06-01")
    unit.ok("case", "close", "C-2", "--date", "2026-09-01", "--reason", "arbete")
    show = json.loads(unit.ok("case", "show", "C-1", "--format", "json").output)
    assert [(a["handler"], a["from_date"], a["to_date"]) for a in show["assignments"]] == [
        ("bo", "2026-01-10", "2026-06-01"),
        ("cia", "2026-06-01", None),
    ]
    assert "Assignments" in unit.ok("case", "show", "C-1").output
    as_of_may = json.loads(
        unit.ok("case", "list", "--as-of", "2026-05-31", "--open", "--format", "json").output
    )
    assert {(r["case"], r["handler"]) for r in as_of_may} == {
        ("C-1", "bo"),
        ("C-2", "bo"),
        ("C-3", "cia"),
    }
    closed = json.loads(unit.ok("case", "list", "--closed", "--format", "json").output)
    assert [(r["case"], r["close_reason"]) for r in closed] == [("C-2", "work")]
    cia = unit.ok("case", "list", "--handler", "cia", "--format", "csv").output.splitlines()
    assert cia[0].startswith("case,handler,opened")
    assert {line.split(",")[0] for line in cia[1:]} == {"C-1", "C-3"}
    assert "gender" not in cia[0]


def test_workdays_commands(unit) -> None:
    assert unit.ok("workdays", "deadline", "2026-04-02").output.strip() == "2026-04-10"
    assert (
        unit.ok("workdays", "deadline", "2026-04-02", "--days", "1").output.strip() == "2026-04-02"
    )
    assert unit.ok("workdays", "between", "2026-12-21", "2027-01-08").output.strip() == "10"
    unit.ok("workdays", "close", "2026-04-08", "--reason", "Planeringsdag")
    assert unit.ok("workdays", "deadline", "2026-04-02").output.strip() == "2026-04-13"
    assert "Planeringsdag" in unit.ok("workdays", "holidays", "2026").output
    assert "Planeringsdag" in unit.ok("workdays", "closed").output
    unit.ok("workdays", "open", "2026-04-08")
    assert unit.ok("workdays", "deadline", "2026-04-02").output.strip() == "2026-04-10"
    holidays = json.loads(unit.ok("workdays", "holidays", "2026", "--format", "json").output)
    assert {"date": "2026-06-19", "weekday": "Friday", "name": "Midsummer Eve"} in holidays
    sv = unit.ok("workdays", "holidays", "2026", lang="sv").output
    assert "Midsommarafton" in sv and "fredag" in sv
    assert unit("workdays", "deadline", "2026-13-01").exit_code == 2


def test_settings_commands(unit) -> None:
    listed = json.loads(unit.ok("settings", "list", "--format", "json").output)
    assert {"handling.days", "caseload.max_per_fte", "plans.grace_days"} <= {
        r["key"] for r in listed
    }
    unit.ok("settings", "set", "caseload.max_per_fte", "35")
    assert unit.ok("settings", "get", "caseload.max_per_fte").output.strip() == "35"


def test_audit_and_backup(unit, tmp_path) -> None:
    rows = json.loads(unit.ok("audit", "--table", "cases", "--format", "json").output)
    assert [r["key"] for r in rows] == ["C-1", "C-2", "C-3", "C-4"]
    assert all(r["action"] == "insert" for r in rows)
    assert "unknown table" in unit.fails("audit", "--table", "nope")
    copy = tmp_path / "backup.db"
    assert "integrity check: ok" in unit.ok("backup", str(copy)).output
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM cases").fetchone()[0] == 4


def test_swedish_output(unit) -> None:
    out = unit.ok("handler", "list", lang="sv").output
    assert "Namn" in out and "utredning" in out and "0,5" in out
    line = unit.fails("case", "open", "C-1", "--handler", "bo", "--opened", "2026-01-01", lang="sv")
    assert line == "fel: ärendet 'C-1' finns redan"


def test_version_and_help(cli) -> None:
    assert cli.ok("--version").output.strip() == f"ekbist {__version__}"
    assert "workdays" in cli.ok("--help").output


def _installed() -> str:
    found = shutil.which("ekbist", path=os.path.dirname(sys.executable))
    # pip install -e . puts it there; a missing console script is a broken install, not a skip.
    assert found, "the ekbist console script is not installed next to this Python"
    return found


def test_the_installed_command_runs_as_a_process(tmp_path) -> None:
    exe = _installed()
    env = {
        **os.environ,
        "EKBIST_DB": str(tmp_path / "p.db"),
        "EKBIST_TODAY": "2026-11-25",
        "EKBIST_LANG": "en",
    }
    version = subprocess.run(
        [exe, "--version"], capture_output=True, text=True, env=env, check=True
    )
    assert version.stdout.strip() == f"ekbist {__version__}"
    missing = subprocess.run([exe, "case", "list"], capture_output=True, text=True, env=env)
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("error: no database at")
    assert "Traceback" not in missing.stderr
    subprocess.run([exe, "init"], capture_output=True, text=True, env=env, check=True)
    out = subprocess.run(
        [exe, "workdays", "deadline", "2026-12-22"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.strip() == "2026-12-30"
    module = subprocess.run(
        [sys.executable, "-m", "ekbist", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert module.stdout.strip() == f"ekbist {__version__}"
    usage = subprocess.run([exe, "case", "open"], capture_output=True, text=True, env=env)
    assert usage.returncode == 2


def test_help_lists_every_command_with_its_purpose(cli) -> None:
    from ekbist.commands.main import COMMANDS, SHORT_HELP

    assert set(SHORT_HELP) == set(COMMANDS)
    out = cli.ok("--help").output
    for name in COMMANDS:
        assert f"  {name} " in out
    assert "Open, assign, close and look up cases." in out
    assert "Öppna, tilldela, avsluta och slå upp ärenden." in cli.ok("--help", lang="sv").output
