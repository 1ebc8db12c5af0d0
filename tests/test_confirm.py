"""Moves that change many cases ask first on a terminal; scripts say --yes; a pipe never asks.
And per-handler reports name the handler beside the id."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from helpers import procs


def on_terminal(args: list[str], db: Path, answer: str | None) -> tuple[int, str]:
    """``ekbist ARGS`` on ``db`` on a terminal of 160 columns, where ``answer`` is typed."""
    return procs.on_terminal(args, procs.terminal_env(db), answer=answer)


def open_assignments(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM assignment WHERE to_date IS NULL").fetchone()[0]


def moved_today(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM assignment WHERE from_date = '2026-11-25'").fetchone()[0]


BALANCE = ["caseload", "balance", "--team", "debt", "--apply"]


def test_balance_asks_on_a_terminal_and_no_writes_nothing(demo_copy: Path) -> None:
    before = moved_today(demo_copy)
    code, text = on_terminal(BALANCE, demo_copy, "n\n")
    assert code == 0
    assert "Proposed moves (caseload on 2026-11-25)" in text
    assert "Make these 2 moves, dated 2026-11-25? [y/N]" in text
    assert "Nothing was written." in text
    assert moved_today(demo_copy) == before


def test_balance_yes_at_the_prompt_makes_the_moves(demo_copy: Path) -> None:
    before = moved_today(demo_copy)
    code, text = on_terminal(BALANCE, demo_copy, "y\n")
    assert code == 0 and "Made 2 moves, dated 2026-11-25." in text
    assert moved_today(demo_copy) == before + 2


def test_balance_with_yes_does_not_ask(demo_copy: Path) -> None:
    code, text = on_terminal([*BALANCE, "--yes"], demo_copy, None)
    assert code == 0
    assert "[y/N]" not in text and "Moves made on 2026-11-25" in text


def test_balance_without_a_terminal_does_not_ask(demo_copy: Path) -> None:
    done = procs.run(None, *BALANCE, env=procs.terminal_env(demo_copy), stdin=subprocess.DEVNULL)
    assert done.returncode == 0
    assert "[y/N]" not in done.stdout + done.stderr and "Made 2 moves" in done.stdout


def test_leave_asks_and_no_records_nothing(demo_copy: Path) -> None:
    cases = open_assignments(demo_copy)
    args = ["handler", "leave", "h018", "--date", "2026-12-31", "--redistribute", "--apply"]
    code, text = on_terminal(args, demo_copy, "n\n")
    assert code == 0 and "[y/N]" in text and "Nothing was written." in text
    assert "leaves on" not in text
    with sqlite3.connect(demo_copy) as con:
        assert con.execute("SELECT end_date FROM handler WHERE id = 'h018'").fetchone()[0] is None
    assert open_assignments(demo_copy) == cases
    code, text = on_terminal(args, demo_copy, "y\n")
    assert code == 0 and "Handler h018 leaves on 2026-12-31." in text
    with sqlite3.connect(demo_copy) as con:
        assert con.execute("SELECT end_date FROM handler WHERE id = 'h018'").fetchone()[0] == "2026-12-31"


def test_handling_time_report_by_handler_names_them(cli) -> None:
    cli.ok("init")
    cli.ok("handler", "add", "h1", "--name", "Karin Jonsson", "--team", "intake", "--fte", "1",
           "--start", "2025-01-01")
    cli.ok("case", "open", "C-1", "--handler", "h1", "--opened", "2026-10-01")
    app = cli.ok("application", "add", "C-1", "--period", "2026-10", "--received", "2026-10-05",
                 "--completed", "2026-10-05").stdout.strip()
    cli.ok("application", "decide", app, "--date", "2026-10-06", "--decision", "rejected")
    # --wide: every column on one line each, as wide as it needs (a pipe otherwise gets the
    # table laid out at 100 columns, headers on two lines)
    lines = cli.ok("handling-time", "report", "--from", "2026-10-01", "--to", "2026-10-31",
                   "--by", "handler", "--wide").stdout.splitlines()
    assert lines[1].split()[:3] == ["Handler", "Name", "Decided"]
    assert lines[3].split()[:5] == ["h1", "Karin", "Jonsson", "1", "1"]
    payload = cli.ok("handling-time", "report", "--from", "2026-10-01", "--to", "2026-10-31",
                     "--by", "handler", "--format", "json").stdout
    assert "Karin" not in payload  # the JSON contract keeps the id only


def test_swedish_answer_j_and_anything_else_is_no(demo_copy: Path) -> None:
    before = moved_today(demo_copy)
    code, text = on_terminal(["--lang", "sv", *BALANCE], demo_copy, "kanske\n")
    assert code == 0 and "[j/N]" in text and "Inget skrevs." in text
    assert moved_today(demo_copy) == before
    code, text = on_terminal(["--lang", "sv", *BALANCE], demo_copy, "j\n")
    assert code == 0 and "Omfördelade 2 ärenden, daterade 2026-11-25." in text
    assert moved_today(demo_copy) == before + 2
