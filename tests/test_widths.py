"""Tables fit the terminal: every table command on a real pseudo-terminal at 60, 80, 100 and
120 columns, and on a pipe.

On a terminal the least important columns are left out (and named under the table) before an
id, a case number, a date or an amount would be cut or wrapped; a pipe always gets every
column, so mails and scripts do not depend on a window's size.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import procs
import pytest

IDS = re.compile(r"\b(?:A\d{7}|C\d{6})\b")  # applications and case numbers
HANDLERS = re.compile(r"\bh\d{3}\b")
DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
AMOUNTS = re.compile(r"\b\d[\d,]* kr\b")
BOX = tuple("┏┃┡│└")

COMMANDS = [
    ["caseload"],
    ["caseload", "history", "--from", "2026-06", "--to", "2026-11", "--team", "investigation"],
    ["caseload", "balance", "--team", "investigation", "--max-moves", "3"],
    ["handler", "list"],
    ["handler", "absences"],
    ["case", "list", "--handler", "h016"],
    ["case", "show", "C000001"],
    ["application", "list", "--case", "C000297", "--from", "2026-06-01"],
    ["handling-time", "check", "--handler", "h015"],
    ["handling-time", "report", "--from", "2026-07-01", "--to", "2026-10-31", "--by", "month"],
    ["handling-time", "report", "--from", "2026-07-01", "--to", "2026-10-31", "--by", "handler"],
    ["plan", "list", "--case", "C000251"],
    ["plans", "due", "--handler", "h009"],
    ["plans", "missing", "--handler", "h011"],
    ["plans", "coverage", "--by", "team"],
    ["plans", "coverage", "--monthly", "--from", "2026-06", "--to", "2026-11"],
    ["budget", "show", "2026"],
    ["budget", "lines"],
    ["actuals", "show", "2026"],
    ["prognosis", "show"],
    ["prognosis", "history", "--year", "2026"],
    ["report", "tertial", "--tertial", "2"],
    ["settings", "list"],
    ["workdays", "holidays", "2026"],
    ["workdays", "closed"],
    ["day", "--handler", "h015"],
    ["day"],
    ["audit", "--table", "cases", "--limit", "5"],
    ["info"],
    ["handling-time", "report", "--from", "2026-01-01", "--to", "2026-10-31", "--by", "team"],
    ["indicators", "--year", "2026"],
    ["indicators", "long-term", "--team", "investigation"],
    ["population", "list"],
    ["target", "list", "2025"],
    ["target", "keys"],
    ["outcome", "list"],
]
WIDTHS = [60, 80, 100, 120]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return procs.demo_store(tmp_path_factory.mktemp("widths") / "demo.db")


def on_terminal(args: list[str], columns: int, env: dict[str, str]) -> str:
    """What ``ekbist ARGS`` shows on a real pseudo-terminal of ``columns`` columns."""
    code, shown = procs.on_terminal(args, env, columns=columns)
    assert code == 0, shown
    return shown


def on_pipe(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "ekbist", *args], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_tables_fit_and_never_cut_what_matters(args: list[str], demo: Path) -> None:
    env = procs.terminal_env(demo)
    piped = on_pipe(args, env)
    assert not any(line.startswith(BOX) for line in piped.splitlines())  # plain text on a pipe
    assert "Left out to fit" not in piped
    for columns in WIDTHS:
        shown = on_terminal(args, columns, env)
        table_lines = [line for line in shown.splitlines() if line.startswith(BOX)]
        assert table_lines, shown
        for line in table_lines:
            # From 80 columns every table fits; narrower, a table of only ids, dates and
            # amounts may run past the edge, but is never cut.
            assert columns < 80 or len(line) <= columns, f"{columns} columns:\n{line}"
            assert "…" not in line, f"cut at {columns} columns:\n{line}"
        # every id, case number and amount of the full table is still there, whole
        assert set(IDS.findall(shown)) == set(IDS.findall(piped)), columns
        assert set(AMOUNTS.findall(shown)) <= set(AMOUNTS.findall(piped))
        assert set(HANDLERS.findall(shown)) <= set(HANDLERS.findall(piped))
        assert set(DATES.findall(shown)) <= set(DATES.findall(piped))
        if "Left out to fit the terminal" in shown:
            assert "--wide shows all" in shown
            wide = on_terminal(["--wide", *args], columns, env)
            assert "Left out to fit" not in wide


def test_fit_leaves_out_the_declared_columns_first_and_never_the_protected() -> None:
    from ekbist.commands.render import Column, fit

    columns = [Column("id", "Id"), Column("name", "Name"), Column("note", "Note", drop=1),
               Column("day", "Day", "date"), Column("amount", "Amount", "kr"),
               Column("count", "Count", "int")]
    rows = [{"id": "h001", "name": "Karin Jonsson", "note": "over 40 per FTE", "day": "2026-11-25",
             "amount": 14911, "count": 12}]
    # natural widths 4, 13, 15, 10, 9, 5 = 56, plus rich's borders 3 × 6 + 1 = 75
    assert fit(rows, columns, 75) == (columns, [])
    kept, dropped = fit(rows, columns, 74)
    assert [c.key for c in dropped] == ["note"]  # declared first
    kept, dropped = fit(rows, columns, 50)
    assert [c.key for c in dropped] == ["name", "note"]  # then text before counts
    assert [c.key for c in kept] == ["id", "day", "amount", "count"]
    kept, dropped = fit(rows, columns, 10)
    assert [c.key for c in kept] == ["id", "day", "amount"]  # never the id, the date, the amount


def test_wide_on_the_command_too(demo: Path) -> None:
    env = procs.terminal_env(demo)
    narrow = on_terminal(["caseload"], 80, env)
    assert "Left out to fit the terminal: Team, vs team mean, Note, Load (--wide shows all)." in narrow
    wide = on_terminal(["caseload", "--wide"], 80, env)
    assert "Left out" not in wide and "vs team mean" in wide
