"""Personnummer in every spelling, through every door: the secrecy gate's fault injection.

A *case* is one valid personnummer or samordningsnummer, written in one *spelling*, put
through one *door* of ekbist — a command-line argument or option, a file name ekbist
creates, an environment variable, the OS user name the audit records, a cell of an
imported CSV or workbook of each kind, a header or a sheet name — and run through the
real command (in-process, with click's runner, on a copy of a small store). Then
everything the case left is scanned: stdout, stderr, every row of the store (the audit
included) and its raw bytes with the ``-wal``, and the names of every file in the case's
folder. The scan does not ask the gate: it keeps every digit of every script (after
NFKC) and drops everything else, so a number is found however it is spelled and
whatever the gate reads as a separator; "811218-****" keeps only its first six digits.

A case passes when nothing holds the number's last ten digits, no traceback or
"unexpected" was printed, and the exit code is the contract's: 1 for a refusal, 0 where
the door takes the value masked (the audit's user name).

    python -m tests.hostile.personnummer --cases 5000 [--seed 1]   # the long run

The quick seeded subset runs in the normal suite (tests/hostile/test_personnummer_doors.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TODAY = "2026-11-25"


# -- numbers ------------------------------------------------------------------------------------
def check_digit(nine: str) -> str:
    """The Luhn check digit of YYMMDDNNN."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def number(born: date, serial: int, *, coordination: bool = False) -> str:
    """A valid 12-digit YYYYMMDDNNNC (day + 60 for a samordningsnummer)."""
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born.year // 100:02d}{nine}{check_digit(nine)}"


FIXED = ["198112189876", "194306123623", number(date(2000, 2, 29), 0),
         number(date(1943, 6, 12), 362, coordination=True)]


def random_number(rng: random.Random) -> str:
    born = date(1900, 1, 1) + timedelta(days=rng.randrange(0, 125 * 365))
    return number(born, rng.randrange(0, 1000), coordination=rng.random() < 0.2)


# -- spellings ----------------------------------------------------------------------------------
# What stands between the date and the serial: every separator the gate must read.
SEPARATORS: dict[str, str] = {
    "hyphen": "-", "plus": "+", "none": "", "space": " ", "tab": "\t", "lf": "\n", "cr": "\r",
    "crlf": "\r\n", "vt": "\v", "ff": "\f", "nul": "\x00", "unit-separator": "\x1f",
    "nbsp": "\u00a0", "narrow-nbsp": "\u202f", "ideographic-space": "\u3000",
    "line-separator": "\u2028", "en-dash": "\u2013", "em-dash": "\u2014", "minus": "\u2212",
    "hyphen-u2010": "\u2010", "fullwidth-hyphen": "\uff0d", "zero-width": "\u200b",
    "soft-hyphen": "\u00ad", "bom": "\ufeff", "question": "?", "replacement": "\ufffd",
    "slash": "/", "backslash": "\\", "colon": ":", "comma": ",", "semicolon": ";",
    "underscore": "_", "hash": "#", "tilde": "~", "pipe": "|", "dot": ".",
    "mojibake-en-dash": "\u00e2\u20ac\u201c", "mojibake-em-dash": "\u00e2\u20ac\u201d",
    "latin1-en-dash": "\u00e2\x80\x93", "mojibake-minus": "\u00e2\u02c6\u2019",
    "mojibake-nbsp": "\u00c2\u00a0", "spaced-dash": " - ", "spaced-en-dash": " \u2013 ",
    "tab-dash": "\t-\t",
}


def _digits(text: str, script: str) -> str:
    offsets = {"fullwidth": 0xFF10, "arabic-indic": 0x0660, "devanagari": 0x0966}
    return "".join(chr(offsets[script] + int(d)) for d in text)


def spellings(twelve: str) -> list[tuple[str, Any]]:
    """(name, value) for every spelling of ``twelve``: each separator in the 10- and the
    12-digit form, dotted and spaced dates, other scripts' digits, invisible marks, and the
    number cells a spreadsheet holds. The one generator: tests/test_secrecy.py reads it too."""
    cc, ymd, tail = twelve[:2], twelve[2:8], twelve[8:]
    yy, mm, dd = ymd[:2], ymd[2:4], ymd[4:]
    out: list[tuple[str, Any]] = []
    for name, sep in SEPARATORS.items():
        out.append((f"10/{name}", f"{ymd}{sep}{tail}"))
        if name not in ("plus",):
            out.append((f"12/{name}", f"{cc}{ymd}{sep}{tail}"))
    out += [
        ("dots", f"{yy}.{mm}.{dd}-{tail}"),
        ("spaced-groups", f"{cc}{yy} {mm} {dd} {tail}"),
        ("slashed-date", f"{cc}{yy}/{mm}/{dd}-{tail}"),
        ("fullwidth", _digits(ymd, "fullwidth") + "-" + _digits(tail, "fullwidth")),
        ("arabic-indic", _digits(ymd, "arabic-indic") + "-" + tail),
        ("devanagari", _digits(twelve, "devanagari")),
        ("combining-marks", "\u0301".join(ymd + tail)),
        ("zero-width-inside", f"{yy}\u200b{mm}\u200d{dd}-{tail}"),
        ("lost-dashes", f"{yy}?{mm}{dd}?{tail}"),  # a Windows-1252 file lost both dashes
        ("in-a-sentence", f"Klient {ymd} - {tail}, ring"),
        ("file-like", f"klient_{cc}{ymd}_{tail}"),
    ]
    ten = int(ymd + tail)
    if ten >= 10 ** 8:
        out += [("int", ten), ("negative-int", -ten)]
    out += [("int12", int(twelve)), ("negative-int12", -int(twelve)), ("float12", float(twelve))]
    return out


_DIGITS = re.compile(r"\d+")


def leaked(text: str, twelve: str) -> bool:
    """True when ``text`` holds the last ten digits of ``twelve`` in a row, counting only
    digits (of any script, after NFKC, invisible marks and every separator dropped)."""
    digits = "".join(_DIGITS.findall(unicodedata.normalize("NFKC", text)))
    if not digits.isascii():
        digits = "".join(str(unicodedata.decimal(ch)) for ch in digits)
    return twelve[2:] in digits


# -- doors --------------------------------------------------------------------------------------
@dataclass
class Case:
    folder: Path
    db: Path
    value: Any           # the spelled number
    text: str            # the same as text (a number cell's digits)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    expect: int = 1       # the exit code the door must give


def _csv(folder: Path, name: str, rows: list[list[Any]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = folder / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _xlsx(folder: Path, name: str, title: str, rows: list[list[Any]]) -> Path | None:
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = openpyxl.Workbook()
    sheet = book.active
    try:
        sheet.title = title
        for row in rows:
            sheet.append(row)
    except (IllegalCharacterError, ValueError):
        return None  # a spelling Excel itself cannot hold in a cell or a sheet name
    path = folder / name
    book.save(path)
    return path


def _cell(case: Case) -> Any:
    return case.value


def _nine_digits(case: Case) -> bool:
    """A number cell of nine digits is read with its lost leading zero; the same digits as
    text are nine digits (documented: not a number)."""
    return isinstance(case.value, int) and abs(case.value) < 10 ** 9


def _argv(build: Callable[[Case], list[str]]) -> Callable[[Case], bool]:
    def door(case: Case) -> bool:
        if "\x00" in case.text or _nine_digits(case):
            return False  # no argument of a real process holds a NUL
        case.args = build(case)
        return True
    return door


def _env(var: str, args: list[str], expect: int = 1) -> Callable[[Case], bool]:
    def door(case: Case) -> bool:
        if "\x00" in case.text or _nine_digits(case):
            return False
        case.env = {var: case.text}
        if var == "USER":
            case.env["LOGNAME"] = case.text
        case.args = list(args)
        case.expect = expect
        return True
    return door


def _import(kind: str, build: Callable[[Case], tuple[str, list[list[Any]]]],
            xlsx: bool = False, money: bool = False) -> Callable[[Case], bool]:
    def door(case: Case) -> bool:
        from ekbist.money import is_amount_text

        if money and is_amount_text(case.text):
            return False  # written as an amount, in a money column: money, not a number
        name, rows = build(case)
        if xlsx:
            path = _xlsx(case.folder, "in.xlsx", name, rows)
            if path is None:
                return False
        else:
            if not isinstance(case.value, str):
                return False  # a CSV holds text only
            path = _csv(case.folder, "in.csv", rows)
        case.args = ["import", str(path)]
        return True
    return door


HANDLER_HEAD = ["Id", "Name", "Team", "FTE", "Start"]
BUDGET_HEAD = ["Year", "Activity", "Line", "Amount"]

DOORS: dict[str, Callable[[Case], bool]] = {
    # Command-line arguments and options.
    "arg closed-day reason": _argv(lambda c: ["workdays", "close", "2026-12-28", "--reason",
                                              f"Klient {c.text}"]),
    "arg handler name": _argv(lambda c: ["handler", "add", "h9", "--name", c.text, "--team",
                                         "intake", "--fte", "1", "--start", "2026-01-01"]),
    "arg case id (read)": _argv(lambda c: ["case", "show", c.text]),
    "arg setting value": _argv(lambda c: ["settings", "set", "budget.assistance_activity",
                                          c.text]),
    "arg budget activity": _argv(lambda c: ["budget", "set", "2027", c.text, "Bidrag", "5",
                                            "--new"]),
    "arg budget amount as text": _argv(lambda c: ["budget", "set", "2027", "Arbetsmarknad",
                                                  "Bidrag", f"{c.text} kr x", "--new"]),
    "option --today": _argv(lambda c: ["--today", c.text, "info"]),
    "option --lang": _argv(lambda c: ["--lang", c.text, "info"]),
    "option --households": _argv(lambda c: ["demo", "--households", c.text]),
    "option --kind": _argv(lambda c: ["import", "x.csv", "--kind", c.text]),
    "file backup": _argv(lambda c: ["backup", str(c.folder / f"{c.text}.db")]),
    "file caseload xlsx": _argv(lambda c: ["caseload", "history", "--xlsx",
                                           str(c.folder / f"kopia {c.text}.xlsx")]),
    "file export": _argv(lambda c: ["export", "handlers", str(c.folder / f"{c.text}.xlsx")]),
    "file template": _argv(lambda c: ["template", "budget", str(c.folder / f"{c.text}.xlsx")]),
    "file init --db": _argv(lambda c: ["--db", str(c.folder / f"{c.text}.db"), "init"]),
    "file import name": _argv(lambda c: ["import", str(c.folder / f"{c.text}.csv")]),
    # Environment variables, and the user name the audit records.
    "env EKBIST_LANG": _env("EKBIST_LANG", ["info"]),
    "env EKBIST_TODAY": _env("EKBIST_TODAY", ["info"]),
    "env EKBIST_JOURNAL": _env("EKBIST_JOURNAL", ["info"]),
    "env EKBIST_DEBUG": _env("EKBIST_DEBUG", ["case", "show", "C-404"]),
    "env EKBIST_OTHER": _env("EKBIST_FOO", ["info"]),
    "env USER (audit)": _env("USER", ["workdays", "close", "2026-12-29", "--reason", "Stängt"],
                             expect=0),
    # Cells of imported files, of every kind of column, and headers and sheet names.
    "csv handler FTE (number)": _import("handlers", lambda c: (
        "Handlers", [HANDLER_HEAD, ["h91", "Anna", "intake", c.value, "2026-01-01"]])),
    "csv handler team (code)": _import("handlers", lambda c: (
        "Handlers", [HANDLER_HEAD, ["h91", "Anna", c.value, "1", "2026-01-01"]])),
    "csv handler start (date)": _import("handlers", lambda c: (
        "Handlers", [HANDLER_HEAD, ["h91", "Anna", "intake", "1", c.value]])),
    "csv handler name (text)": _import("handlers", lambda c: (
        "Handlers", [HANDLER_HEAD, ["h91", c.value, "intake", "1", "2026-01-01"]])),
    "csv unknown column": _import("handlers", lambda c: (
        "Handlers", [[*HANDLER_HEAD, "Anteckning"], ["h91", "Anna", "intake", "1", "2026-01-01",
                                                     c.value]])),
    "csv header": _import("handlers", lambda c: (
        "Handlers", [[*HANDLER_HEAD, c.value], ["h91", "Anna", "intake", "1", "2026-01-01", ""]])),
    "csv budget amount (text)": _import("budget", lambda c: (
        "Budget", [BUDGET_HEAD, ["2027", "Arbetsmarknad", "Bidrag", c.value]]), money=True),
    "csv budget year": _import("budget", lambda c: (
        "Budget", [BUDGET_HEAD, [c.value, "Arbetsmarknad", "Bidrag", "5"]])),
    "csv title row": _import("budget", lambda c: (
        "Budget", [[f"Budget {c.text}"], BUDGET_HEAD, ["2027", "Arbetsmarknad", "Bidrag", "5"]])),
    "xlsx handler FTE": _import("handlers", lambda c: (
        "Handlers", [HANDLER_HEAD, ["h91", "Anna", "intake", c.value, "2026-01-01"]]), xlsx=True),
    "xlsx case id": _import("cases", lambda c: (
        "Cases", [["Id", "Opened"], [c.value, "2026-01-02"]]), xlsx=True),
    "xlsx sheet name": _import("handlers", lambda c: (
        str(c.text)[:31], [HANDLER_HEAD, ["h91", "Anna", "intake", "1", "2026-01-01"]]),
        xlsx=True),
    "xlsx beside the table": _import("budget", lambda c: (
        "Budget", [[*BUDGET_HEAD, None, c.value], ["2027", "Arbetsmarknad", "Bidrag", 5]]),
        xlsx=True),
}


# -- running a case ---------------------------------------------------------------------------
@dataclass
class Result:
    door: str
    spelling: str
    twelve: str
    ran: bool
    exit_code: int | None = None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def template_store(folder: Path) -> Path:
    """A small store to copy for every case: one handler, one case, one closed day."""
    from click.testing import CliRunner
    from ekbist.commands.main import root

    db = folder / "template.db"
    runner = CliRunner()
    for args in (["init"],
                 ["handler", "add", "anna", "--name", "Anna Andersson", "--team", "intake",
                  "--fte", "1", "--start", "2025-01-01"],
                 ["case", "open", "C-1", "--handler", "anna", "--opened", "2026-01-10"]):
        result = runner.invoke(root, ["--db", str(db), "--today", TODAY, "--lang", "en", *args])
        assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


def _store_text(db: Path, template: Path) -> str:
    """Every row of every table, the audit included (not the calendar, which holds dates
    only), and the raw bytes of the file and its -wal (Latin-1, so every byte is one
    character) — nothing when the file is the template's, byte for byte, without a -wal."""
    wal = db.with_name(db.name + "-wal")
    raw = db.read_bytes()
    if not wal.exists() and raw == template.read_bytes():
        return ""
    parts = [raw.decode("latin-1")]
    if wal.exists():
        parts.append(wal.read_bytes().decode("latin-1"))
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                             "'table' AND name NOT IN ('calendar_day', 'workday')")]
        for table in tables:
            parts.extend(map(str, conn.execute(f'SELECT * FROM "{table}"')))
    except sqlite3.DatabaseError as exc:
        parts.append(str(exc))
    finally:
        conn.close()
    return "\n".join(parts)


def run_case(door_name: str, spelling: str, value: Any, twelve: str, template: Path,
             workdir: Path) -> Result:
    from click.testing import CliRunner
    from ekbist.commands.main import root

    from ekbist.i18n import set_language

    folder = Path(tempfile.mkdtemp(dir=workdir))
    db = folder / "unit.db"
    shutil.copy(template, db)
    text = value if isinstance(value, str) else (
        repr(value) if isinstance(value, float) else str(value))
    case = Case(folder=folder, db=db, value=value, text=text)
    result = Result(door_name, spelling, twelve, ran=False)
    if not DOORS[door_name](case):
        shutil.rmtree(folder, ignore_errors=True)
        return result
    result.ran = True
    args = case.args
    if args[:1] != ["--db"]:
        args = ["--db", str(db), *args]
    if "--today" not in args:
        args = ["--today", TODAY, *args]
    if "--lang" not in args:
        args = ["--lang", "en", *args]
    start = time.perf_counter()
    set_language("en")
    outcome = CliRunner().invoke(root, args, env=case.env, catch_exceptions=True)
    set_language("en")
    result.seconds = time.perf_counter() - start
    result.exit_code = outcome.exit_code
    stdout, stderr = outcome.stdout, outcome.stderr
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        result.problems.append(f"raised {type(outcome.exception).__name__}: {outcome.exception}")
    expect = case.expect
    if case.args and case.text.startswith("-") and outcome.exit_code == 2 \
            and "No such option" in stderr:
        # A negative number given as a command's argument reads as an option: click's
        # usage error, exit 2 as documented (docs/trust.md), the value never echoed whole.
        expect = 2
    if outcome.exit_code != expect:
        result.problems.append(f"exit {outcome.exit_code}, expected {expect}: "
                               f"{stderr.strip()[-200:]!r}")
    if "Traceback" in stderr or "unexpected" in stderr:
        result.problems.append(f"traceback or unexpected: {stderr.strip()[-200:]!r}")
    for where, content in (("stdout", stdout), ("stderr", stderr)):
        if leaked(content, twelve):
            result.problems.append(f"{where} holds the number: {content.strip()[-200:]!r}")
    for store in sorted(folder.glob("*.db")):
        if leaked(_store_text(store, template), twelve):
            result.problems.append(f"the store {store.name} holds the number")
    for path in folder.rglob("*"):
        if leaked(path.name, twelve):
            result.problems.append(f"a file is named with the number: {path.name!r}")
    shutil.rmtree(folder, ignore_errors=True)
    return result


def cases(count: int, seed: int) -> list[tuple[str, str, Any, str]]:
    """``count`` seeded (door, spelling name, value, number) cases: every door and every
    spelling of the fixed numbers come round before any repeats, then random numbers."""
    rng = random.Random(seed)
    doors = list(DOORS)
    plan: list[tuple[str, str, Any, str]] = []
    numbers = list(FIXED)
    while len(plan) < count:
        twelve = numbers[len(plan) % len(numbers)] if len(plan) < 4 * len(doors) else \
            random_number(rng)
        spelled = spellings(twelve)
        name, value = spelled[rng.randrange(len(spelled))]
        plan.append((doors[len(plan) % len(doors)], name, value, twelve))
    return plan


def run(count: int, seed: int, workdir: Path) -> list[Result]:
    template = template_store(workdir)
    return [run_case(door, name, value, twelve, template, workdir)
            for door, name, value, twelve in cases(count, seed)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ekbist-pnr-") as workdir:
        results = run(options.cases, options.seed, Path(workdir))
    seconds = time.perf_counter() - start
    ran = [r for r in results if r.ran]
    failed = [r for r in ran if r.problems]
    exits = Counter(r.exit_code for r in ran)
    print(f"{len(results)} cases (seed {options.seed}), {len(ran)} run through "
          f"{len({r.door for r in ran})} doors in {len({r.spelling for r in ran})} spellings, "
          f"{len(results) - len(ran)} not applicable (a NUL in an argument, a control "
          f"character in an xlsx cell, a number in a CSV); {seconds:.0f} s")
    print("exit codes: " + ", ".join(f"{code}: {n}" for code, n in sorted(exits.items())))
    print(f"failed: {len(failed)}")
    for r in failed[:50]:
        print(f"  {r.door} / {r.spelling} / {r.twelve}: {'; '.join(r.problems)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
