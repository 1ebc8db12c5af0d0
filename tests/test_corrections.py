"""What was typed can be taken back: remove a month's actuals, a budget amount, an activity
made by mistake; rename or merge an activity or a line with its budget, actuals and saved
prognoses. Each correction is one audited transaction, asked for on a terminal."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import TODAY, fill_budget_and_actuals
from helpers import procs

from ekbist import budget, prognosis
from ekbist import budget_corrections as fix
from ekbist.errors import EkbistError

ASSISTANCE = "Ekonomiskt bistånd/handläggning"
LABOUR = "Arbetsmarknad"


def rows(db: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql, args).fetchall()


@pytest.fixture
def filled(cli, db_path):
    """fill_budget_and_actuals (two activities, January–March) through the library, plus a
    typo activity 'Arbetsmarknd' with actuals in March and April."""
    cli.ok("init")
    from ekbist.store import Store

    store = Store.open(db_path)
    fill_budget_and_actuals(store)
    budget.set_actual(store, 2026, 3, "Arbetsmarknd", "Bidrag", 1_000, new=True)
    budget.set_actual(store, 2026, 4, "Arbetsmarknd", "Bidrag", 2_000)
    budget.set_actual(store, 2026, 4, "Arbetsmarknd", "Personalkostnader", 30_000)
    store.close()
    return cli


def _audited(db: Path, table: str, action: str) -> int:
    return rows(db, "SELECT count(*) FROM audit WHERE tbl = ? AND action = ?", table, action)[0][0]


# -- removing ----------------------------------------------------------------------------
def test_actuals_remove_takes_one_months_actuals_of_one_activity(filled, db_path):
    out = filled.ok("actuals", "remove", "2026", "--month", "3", "--activity", "arbetsmarknad").output
    assert out == "Removed the actuals of 2026-03 (Arbetsmarknad): 2 actual amounts.\n"
    assert rows(db_path, "SELECT activity, line FROM actual WHERE month = 3 ORDER BY 1, 2") == [
        ("Arbetsmarknd", "Bidrag"), (ASSISTANCE, "Bidrag"), (ASSISTANCE, "Personalkostnader"),
        (ASSISTANCE, "Övriga kostnader")]
    assert _audited(db_path, "actual", "delete") == 2
    # The other months are untouched: 2 × 5 of fill_budget_and_actuals, 2 in April.
    assert rows(db_path, "SELECT count(*) FROM actual WHERE month <> 3") == [(12,)]


def test_actuals_remove_without_activity_takes_the_whole_month(filled, db_path):
    data = json.loads(filled.ok("actuals", "remove", "2026", "--month", "3",
                                "--format", "json").output)
    assert data["removed"] == {"actual": 6} and data["applied"] is True
    assert rows(db_path, "SELECT count(*) FROM actual WHERE month = 3") == [(0,)]


@pytest.mark.parametrize("args, error", [
    (("2026", "--month", "5"), "error: no actuals for 2026-05 — nothing to remove"),
    (("2026", "--month", "13"), "error: '13' is not a month (1–12)"),
    (("2026", "--month", "3", "--activity", "Ekonomiskt bistand"),
     "error: no activity 'Ekonomiskt bistand' in any year — did you mean "
     f"'{ASSISTANCE}'? (known: "),
    (("1899", "--month", "3"), "error: "),
])
def test_actuals_remove_refuses_and_writes_nothing(filled, db_path, args, error):
    before = rows(db_path, "SELECT count(*) FROM audit")
    assert filled.fails("actuals", "remove", *args).startswith(error)
    assert rows(db_path, "SELECT count(*) FROM audit") == before


def test_budget_remove_takes_one_amount(filled, db_path):
    out = filled.ok("budget", "remove", "2026", LABOUR, "bidrag").output
    assert out == "Removed the budget of 2026 Arbetsmarknad · Bidrag.\n"
    assert rows(db_path, "SELECT line FROM budget WHERE activity = ?", LABOUR) == [
        ("Personalkostnader",)]
    assert filled.fails("budget", "remove", "2026", LABOUR, "Bidrag") == (
        "error: no budget for 2026 Arbetsmarknad · Bidrag — nothing to remove")
    assert filled.fails("budget", "remove", "2026", LABOUR, "Bidragg").startswith(
        "error: unknown budget line 'Bidragg' — did you mean 'Bidrag'?")


def test_remove_activity_takes_every_year_and_is_refused_once_in_a_saved_prognosis(filled, db_path):
    filled.ok("actuals", "set", "2025", "12", "Arbetsmarknd", "Bidrag", "5")
    out = filled.ok("budget", "remove-activity", "ARBETSMARKND").output
    assert out == "Removed Arbetsmarknd from every year: 4 actual amounts.\n"
    assert rows(db_path, "SELECT count(*) FROM actual WHERE activity = 'Arbetsmarknd'") == [(0,)]
    filled.ok("prognosis", "make", "--year", "2026", "--month", "3", "--save")
    line = filled.fails("budget", "remove-activity", LABOUR)
    assert line.startswith("error: Arbetsmarknad is in the saved prognosis of 2026-03 — ")
    assert rows(db_path, "SELECT count(*) FROM actual WHERE activity = ?", LABOUR) == [(6,)]


# -- renaming and merging ----------------------------------------------------------------
def test_rename_activity_to_a_new_name_moves_everything(filled, db_path):
    filled.ok("prognosis", "make", "--year", "2026", "--month", "3", "--save")
    out = filled.ok("budget", "rename-activity", LABOUR, "Arbete och studier").output
    assert out.splitlines() == [
        "Renamed 'Arbetsmarknad' to 'Arbete och studier'.",
        "  Moved: 2 budget amounts, 6 actual amounts, 2 saved prognosis lines."]
    for table in ("budget", "actual", "prognosis"):
        assert rows(db_path, f"SELECT count(*) FROM {table} WHERE activity = ?", LABOUR) == [(0,)]
    assert rows(db_path, "SELECT sum(amount) FROM actual WHERE activity = 'Arbete och studier'"
                ) == [(3 * 715_000,)]


def test_rename_activity_onto_an_existing_one_merges_and_adds_amounts(filled, db_path):
    # The typo has Bidrag in March (1 000), Bidrag and Personalkostnader in April.
    out = filled.ok("budget", "rename-activity", "Arbetsmarknd", LABOUR).output
    assert out.splitlines() == [
        "Merged 'Arbetsmarknd' into 'Arbetsmarknad'.",
        "  Moved: 2 actual amounts.",
        "  Added to the amounts 'Arbetsmarknad' has for the same period: 1 actual amount."]
    assert rows(db_path, "SELECT month, line, amount FROM actual WHERE activity = ? "
                "AND month >= 3 ORDER BY month, line", LABOUR) == [
        (3, "Bidrag", 211_000), (3, "Personalkostnader", 505_000),
        (4, "Bidrag", 2_000), (4, "Personalkostnader", 30_000)]
    assert rows(db_path, "SELECT count(*) FROM actual WHERE activity = 'Arbetsmarknd'") == [(0,)]


def test_merging_activities_merges_their_saved_prognosis_lines(db_path, store):
    fill_budget_and_actuals(store)
    budget.set_budget(store, 2026, "Stöd", "Bidrag", 300_000, new=True)
    budget.set_actual(store, 2026, 3, "Stöd", "Bidrag", 30_000)
    result = prognosis.make(store, 2026, 3, today=TODAY)
    prognosis.save(store, result, today=TODAY)
    before = {(r["activity"], r["line"]): r for r in prognosis.saved(store, 2026, 3)["lines"]}
    plan = fix.rename_activity(store, "Stöd", LABOUR)
    assert (plan.moved, plan.summed, plan.applied) == ({}, {"budget": 1, "actual": 1,
                                                            "prognosis": 1}, False)
    fix.rename_activity(store, "Stöd", LABOUR, apply=True)
    after = {(r["activity"], r["line"]): r for r in prognosis.saved(store, 2026, 3)["lines"]}
    merged, a, b = after[(LABOUR, "Bidrag")], before[(LABOUR, "Bidrag")], before[("Stöd", "Bidrag")]
    assert merged["budget"] == 2_520_000 + 300_000
    assert merged["prognosis"] == a["prognosis"] + b["prognosis"]
    assert merged["method"] == a["method"] == b["method"]
    assert ("Stöd", "Bidrag") not in after


def test_rename_line_and_merge_lines(filled, db_path):
    filled.ok("settings", "set", "budget.assistance_line", "Övriga kostnader")
    out = filled.ok("budget", "rename-line", "Övriga kostnader", "Köpt verksamhet").output
    assert out.splitlines() == [
        "Renamed 'Övriga kostnader' to 'Köpt verksamhet'.",
        "  Moved: 1 budget amount, 3 actual amounts.",
        "  Setting budget.assistance_line: Övriga kostnader → Köpt verksamhet."]
    assert rows(db_path, "SELECT kind, position FROM budget_line WHERE name = 'Köpt verksamhet'"
                ) == [("cost", 160)]
    assert rows(db_path, "SELECT count(*) FROM budget_line WHERE name = 'Övriga kostnader'") == [(0,)]
    # Merge: Köpt verksamhet into Personalkostnader, both costs, same months January–March.
    out = filled.ok("budget", "rename-line", "Köpt verksamhet", "personalkostnader").output
    assert "Merged 'Köpt verksamhet' into 'Personalkostnader'." in out
    assert rows(db_path, "SELECT amount FROM budget WHERE activity = ? AND line = "
                "'Personalkostnader'", ASSISTANCE) == [(16_800_000 + 44_400_000,)]
    assert rows(db_path, "SELECT amount FROM actual WHERE activity = ? AND month = 1 AND line = "
                "'Personalkostnader'", ASSISTANCE) == [(1_400_000 + 3_700_500,)]
    assert filled.ok("settings", "get", "budget.assistance_line").output == "Personalkostnader\n"


@pytest.mark.parametrize("args, error", [
    (("rename-line", "Bidrag", "Personalkostnader"),
     "error: 'Bidrag' is a revenue line and 'Personalkostnader' a cost line — only lines of one "
     "kind can be merged"),
    (("rename-line", "Bidrag", "Bi=drag"), "error: a budget line name must be 1–80 characters"),
    (("rename-line", "Bidrag", "Bidrag"), "error: 'Bidrag' and 'Bidrag' are the same name"),
    (("rename-activity", LABOUR, LABOUR), "error: 'Arbetsmarknad' and 'Arbetsmarknad' are the same"),
    (("rename-activity", "Okänd", LABOUR), "error: no activity 'Okänd' in any year"),
    (("rename-activity", LABOUR, "x" * 81), "error: an activity name must be 1–80 characters"),
    (("rename-activity", LABOUR, "Team 811218-9876"), "error: "),
])
def test_renames_are_refused_and_write_nothing(filled, db_path, args, error):
    before = rows(db_path, "SELECT count(*) FROM audit")
    assert filled.fails("budget", *args).startswith(error)
    assert rows(db_path, "SELECT count(*) FROM audit") == before


@pytest.mark.parametrize("args", [
    ("budget", "rename-activity", LABOUR, "Team 811218-9876"),
    ("budget", "rename-activity", "19811218-9876", LABOUR),
    ("budget", "rename-line", "Bidrag", "Bidrag 811218+9876"),
    ("budget", "remove-activity", "811218-9876"),
    ("budget", "remove", "2026", LABOUR, "811218-9876"),
    ("actuals", "remove", "2026", "--month", "3", "--activity", "Arbetsmarknad 811218-9876"),
])
def test_a_personnummer_at_any_door_of_a_correction_is_refused_masked(filled, db_path, args):
    """Every argument of every correction passes the secrecy gate: refused before anything is
    read or written, named as a personnummer, and shown masked (811218-****)."""
    before = rows(db_path, "SELECT count(*) FROM audit")
    result = filled(*args, "--yes")
    assert result.exit_code == 1
    assert "looks like a personnummer" in result.stderr
    assert "9876" not in result.stderr + result.output
    assert "811218" in result.stderr  # the date part is shown, so the user finds the value
    assert rows(db_path, "SELECT count(*) FROM audit") == before


def test_a_new_spelling_of_the_same_activity_is_a_rename(filled, db_path):
    filled.ok("budget", "rename-activity", LABOUR, "ARBETSMARKNAD")
    assert rows(db_path, "SELECT DISTINCT activity FROM budget ORDER BY 1") == [
        ("ARBETSMARKNAD",), (ASSISTANCE,)]


def test_a_correction_is_all_or_nothing(store):
    """A failure half-way (a planted trigger refuses the last statement) leaves every row."""
    fill_budget_and_actuals(store)
    store.execute("CREATE TEMP TRIGGER refuse BEFORE DELETE ON budget_line "
                  "BEGIN SELECT raise(ABORT, 'planted'); END")
    before = store.query("SELECT * FROM actual ORDER BY 1, 2, 3, 4")
    with pytest.raises(sqlite3.DatabaseError, match="planted"):
        fix.rename_line(store, "Bidrag", "Bidrag och stöd", apply=True)
    assert store.query("SELECT * FROM actual ORDER BY 1, 2, 3, 4") == before
    assert [r["name"] for r in budget.lines(store)].count("Bidrag och stöd") == 0


def test_library_plans_without_writing(store):
    fill_budget_and_actuals(store)
    plan = fix.remove_actuals(store, 2026, 2)
    assert (plan.removed, plan.applied) == ({"actual": 5}, False)
    assert store.scalar("SELECT count(*) FROM actual WHERE month = 2") == 5
    with pytest.raises(EkbistError, match="nothing to remove"):
        fix.remove_actuals(store, 2026, 7)


def test_swedish(filled):
    out = filled.ok("actuals", "remove", "2026", "--month", "4", lang="sv").output
    assert out == "Tog bort utfallet för 2026-04: 2 utfallsbelopp.\n"


# -- asking on a terminal ------------------------------------------------------------------
def test_a_terminal_is_asked_and_no_writes_nothing(filled, db_path):
    env = procs.terminal_env(db_path)
    code, text = procs.on_terminal(["actuals", "remove", "2026", "--month", "4"], env, answer="n\n")
    assert code == 0
    assert "Removes the actuals of 2026-04: 2 actual amounts." in text
    assert "Remove them? [y/N]" in text and "Nothing was written." in text
    assert rows(db_path, "SELECT count(*) FROM actual WHERE month = 4") == [(2,)]
    code, text = procs.on_terminal(["actuals", "remove", "2026", "--month", "4"], env, answer="y\n")
    assert code == 0 and "Removed the actuals of 2026-04: 2 actual amounts." in text
    assert rows(db_path, "SELECT count(*) FROM actual WHERE month = 4") == [(0,)]


def test_json_on_a_terminal_is_json_alone_and_the_question_goes_to_stderr(filled, db_path):
    """At a terminal --format json still asks, on stderr: stdout (the screen here, a real
    pseudo-terminal) carries the JSON and nothing else."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "ekbist", "actuals", "remove", "2026", "--month", "4",
         "--format", "json"], stdin=follower, stdout=follower, stderr=subprocess.PIPE,
        env=procs.terminal_env(db_path), close_fds=True)
    os.close(follower)
    os.write(leader, b"y\n")
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    stderr = process.stderr.read().decode()
    assert process.wait() == 0, (stderr, screen)
    text = screen.decode().replace("\r\n", "\n")
    answered = text.removeprefix("y\n")  # the terminal echoes what was typed
    data = json.loads(answered)
    assert (data["removed"], data["applied"]) == ({"actual": 2}, True)
    assert "Removes the actuals of 2026-04: 2 actual amounts." in stderr
    assert "Remove them? [y/N]" in stderr
    assert rows(db_path, "SELECT count(*) FROM actual WHERE month = 4") == [(0,)]
