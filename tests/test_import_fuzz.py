"""Fuzzing the importer with generated odd and hostile files (a seeded generator, a few hundred cases).

Every case must end with exit 0, 1 or 2, one clean message and no traceback; a refused
import must leave the store byte for byte as it was; and no personnummer, in any
spelling, may ever reach the store.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from ekbist.commands.main import root

from ekbist.codes import KINDS as CODES
from ekbist.i18n import set_language
from ekbist.sheets.declarations import Column, kinds

CASES = 300
SEED = 20261130
TODAY = "2026-11-25"

# The ten digits (YYMMDDNNNN) of valid numbers, and spellings to hide them in.
CORES = ["4306123623", "4403167606", "8104296796", "8112189876", "0002290005",
         "4306723620"]  # the last one a samordningsnummer (day 12 + 60)


def _luhn_ok(ten: str) -> bool:
    total = 0
    for i, ch in enumerate(ten):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


def test_the_cores_are_valid_numbers() -> None:
    assert all(_luhn_ok(core) for core in CORES)


def spell(rng: random.Random, core: str) -> object:
    ymd, tail = core[:6], core[6:]
    century = "20" if core.startswith("00") else "19"
    return rng.choice([
        f"{ymd}-{tail}", f"{century}{ymd}-{tail}", f"{ymd}{tail}", f"{century}{ymd}{tail}",
        f"{ymd}\u2013{tail}", f"{ymd}\u2212{tail}", f"{ymd}\u00a0{tail}", f"{ymd}\u200b{tail}",
        f"{ymd[:2]}.{ymd[2:4]}.{ymd[4:]}-{tail}", f"klient {ymd} - {tail}",
        f"{ymd[:2]}\u200b{ymd[2:]}\u2010{tail}", f"{century}{ymd[:2]} {ymd[2:4]} {ymd[4:]} {tail}",
        int(century + core), -int(century + core),
        *([int(core), -int(core), float(core)] if not core.startswith("00") else []),
    ])


HOSTILE = [
    "=1+2", "=HYPERLINK(\"http://evil.invalid\",\"x\")", "+46 70 123", "@SUM(A1)", "-",
    float("inf"), float("-inf"), float("nan"), 2**70, -(2**70), 10**30,
    "9" * 5000, "1" * 25, "x" * 40000, "", " ", "\t", "Summa", "Total",
    "1e999", "inf", "NaN", "–44", "(44)", "7 643,50", "12,5", "1.234,50", "2026-02-30",
    "2026-13", "ja", "nej", "\u0000", "Ärende\u200b", "😀", "-1", "0", 1e308, -1e-308,
    date(1900, 1, 1), 12.5, True,
]


def valid_value(rng: random.Random, column: Column) -> object:
    if column.ref == "handlers":
        return "h1"
    if column.ref == "cases":
        return "C-1"
    if column.identifier:
        return f"{column.key[:1]}{rng.randint(100, 99999)}"
    if column.lookup == "budget_line.name":
        return "Personalkostnader"
    if column.type == "date":
        return f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
    if column.type == "month":
        return f"2026-{rng.randint(1, 10):02d}"
    if column.type == "code" and column.codes in CODES:
        return rng.choice(sorted(CODES[column.codes]))
    if column.type in ("integer", "money"):
        return rng.randint(0, 5)
    if column.type == "number":
        return rng.choice([0.5, 1, 1.0])
    if column.type == "boolean":
        return rng.choice(["ja", "nej"])
    return rng.choice(["h1", "h2", "C-1", "Anna", "Bo Berg", "Ekonomiskt bistånd/handläggning"])


def cell(rng: random.Random, column: Column, cores: list[str]) -> object:
    roll = rng.random()
    if roll < 0.55:
        return valid_value(rng, column)
    if roll < 0.75:
        core = rng.choice(CORES)
        cores.append(core)
        return spell(rng, core)
    return rng.choice(HOSTILE)


def clean_sheet(rng: random.Random, cores: list[str]) -> tuple[str, list[list[object]]]:
    """A sheet that would import, but for one personnummer hidden in one free-text cell."""
    kind = rng.choice([kinds()["handlers"], kinds()["closed_days"], kinds()["cases"]])
    columns = list(kind.import_columns)
    rows: list[list[object]] = [[c.header_sv for c in columns]]
    for _i in range(rng.randint(1, 4)):
        rows.append([valid_value(rng, c) for c in columns])
    if kind.name == "closed_days":
        for i, row in enumerate(rows[1:]):
            row[[c.key for c in columns].index("day")] = f"2026-10-{5 + i:02d}"
    text = [i for i, c in enumerate(columns) if c.type == "text" and not c.identifier
            and not c.ref and not c.lookup]
    if text and rng.random() < 0.7:
        core = rng.choice(CORES)
        cores.append(core)
        spelled = spell(rng, core)
        rows[rng.randint(1, len(rows) - 1)][rng.choice(text)] = (
            spelled if isinstance(spelled, str) else f"nr {spelled}")
    return kind.sheet_sv, rows


def sheet_rows(rng: random.Random, cores: list[str]) -> tuple[str, list[list[object]]]:
    if rng.random() < 0.35:
        return clean_sheet(rng, cores)
    kind = rng.choice([k for k in kinds().values()])
    columns = list(kind.import_columns)
    rng.shuffle(columns)
    if columns and rng.random() < 0.2:
        columns.pop()                         # a required column may go missing
    header: list[object] = [rng.choice([c.header_sv, c.header_en, *c.aliases]) for c in columns]
    if rng.random() < 0.15:
        header.append(rng.choice(["Anteckning", "Kommentar", spell(rng, rng.choice(CORES))]))
    rows: list[list[object]] = []
    if rng.random() < 0.2:
        rows.append([rng.choice(["Rapport", "Utfall oktober", ""])])
    rows.append(header)
    for _i in range(rng.randint(0, 6)):
        rows.append([cell(rng, c, cores) for c in columns] + [""] * (len(header) - len(columns)))
    title = rng.choice([kind.sheet_sv, kind.sheet_en, "Blad1", "Utfall oktober", "Budget 2026",
                        f"Klient {rng.choice(CORES)[:6]}-{rng.choice(CORES)[6:]}", "Sheet"])
    return title, rows


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)[:32000]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)  # openpyxl writes big ints as text anyway; keep it explicit
    return value


def write_case(rng: random.Random, folder: Path, n: int, cores: list[str]) -> Path:
    kind = rng.random()
    if kind < 0.5:
        book = openpyxl.Workbook()
        book.remove(book.active)
        used = set()
        for _s in range(rng.randint(0, 3)):
            title, rows = sheet_rows(rng, cores)
            title = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Blad"
            while title in used:
                title = (title[:29] + str(len(used)))[:31]
            used.add(title)
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append([_xlsx_value(v) for v in row])
        if rng.random() < 0.1 and book.worksheets:
            book.worksheets[0][rng.choice(["XFD1048576", "GR300000", "KZ5", "B2"])] = "x"
        if not book.worksheets:
            book.create_sheet("Tom")
        path = folder / f"case{n}.xlsx"
        book.save(path)
        return path
    title, rows = sheet_rows(rng, cores)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=rng.choice([";", ","]))
    for row in rows:
        writer.writerow(["" if v is None else str(v) if not isinstance(v, float) else repr(v)
                         for v in row])
    text = buffer.getvalue()
    encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252", "bom+cp1252", "junk"])
    if encoding == "bom+cp1252":
        data = b"\xef\xbb\xbf" + text.encode("cp1252", "replace")
    elif encoding == "junk":
        data = bytes(rng.randrange(256) for _b in range(rng.randint(0, 400)))
    else:
        data = text.encode(encoding, "replace")
    name = rng.choice(["data", "utfall", "handlers"]) + str(n)
    path = folder / f"{name}.csv"
    path.write_bytes(data)
    return path


_NOT_DIGIT = re.compile(r"\D")


def _digits_of_stored_values(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        found = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT IN ('calendar_day', 'workday')"):
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                found += [_NOT_DIGIT.sub("", str(v)) for v in row if v is not None]
        return found
    finally:
        conn.close()


def _digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.mark.parametrize("part", range(3))
def test_fuzzed_imports(tmp_path: Path, monkeypatch, part: int) -> None:
    monkeypatch.setenv("EKBIST_JOURNAL", "delete")  # one file to compare byte for byte
    db = tmp_path / "unit.db"
    runner = CliRunner()

    def run(*args: str):
        set_language("en")
        return runner.invoke(root, ["--db", str(db), "--today", TODAY, "--lang", "en", *args])

    assert run("init").exit_code == 0
    for args in (["handler", "add", "h1", "--name", "Anna", "--team", "intake", "--fte", "1",
                  "--start", "2025-01-01"],
                 ["case", "open", "C-1", "--handler", "h1", "--opened", "2026-01-10"]):
        assert run(*args).exit_code == 0
    rng = random.Random(SEED + part)
    outcomes = {0: 0, 1: 0, 2: 0}
    for n in range(CASES // 3):
        cores: list[str] = []
        path = write_case(rng, tmp_path, n, cores)
        before = _digest(db)
        args = ["import", str(path)]
        if rng.random() < 0.2:
            args.append("--dry-run")
        if rng.random() < 0.1:
            args += ["--kind", rng.choice(["budget", "actuals", "handlers", "nonsense"])]
        result = run(*args)
        described = (path.name, args, result.exit_code, result.stderr[-600:])
        assert result.exit_code in (0, 1, 2), described
        assert result.exception is None or isinstance(result.exception, SystemExit), described
        assert "Traceback" not in result.output + result.stderr, described
        assert "unexpected" not in result.stderr, described
        if result.exit_code != 0 or "--dry-run" in args:
            assert _digest(db) == before, described
        outcomes[result.exit_code] += 1
        if _digest(db) != before:
            stored = _digits_of_stored_values(db)
            for core in set(cores):
                assert not any(core in digits for digits in stored), (described, core)
    # The generator reaches both sides: imports that land and imports that are refused.
    assert outcomes[0] > 0 and outcomes[1] > 0, outcomes
