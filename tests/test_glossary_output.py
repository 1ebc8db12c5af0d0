"""The glossary held against what ekbist writes, not only against its catalogs.

One walk over the demo store in Swedish (tests/helpers/swedish_output.py, in a process of its
own so that help texts are translated as a user sees them): every command's --help,
every table command and report in every format, every workbook ekbist writes, all
sheets, hidden ones too. The tests fail on an English word in Swedish text, on a
word the glossary replaced (or a synonym it lists), on a number written in a screen
form where the machine form belongs, and on a number format that is not the house's
(ekbist/cell_formats.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import catalog_tools as catalogs
import pytest

from ekbist import cell_formats, codes, glossary

HERE = Path(__file__).parent
TODAY = "2026-11-25"

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Codes and keys one types or a machine reads: a setting (handling.days), a target key
# (sick_leave), an environment variable, an option (--decision), a file name, a path.
IDENTIFIER = re.compile(r"--?[\w-]+|\b\w+(?:[._/]\w+)+\b|\{\w*\}|%\(\w+\)s")

# Words that are English and right in a Swedish text: proper names and formats.
PROPER_NAMES = {
    "ekbist", "excel", "libreoffice", "sqlite", "sqlites", "kolada", "markdown", "json", "csv",
    "xlsx", "xls", "ods", "openpyxl", "cron", "wal", "md", "ext", "nfs", "smb", "cifs", "utf",
}
# The choices of --format, typed as they are in every language.
FORMAT_NAMES = {"table", "text", "json", "csv", "md"}


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(IDENTIFIER.sub(" ", text)) if len(w) > 1}


@pytest.fixture(scope="session")
def demo_80_households(demo_stores) -> Path:
    """A demo unit of 80 households over the manual's 24 months: every table and workbook the
    default unit has, quicker to walk."""
    return demo_stores(households=80, months=24)


@pytest.fixture(scope="session")
def written(demo_80_households, tmp_path_factory) -> list[dict]:
    """Everything ekbist writes in Swedish on the demo store (see tests/helpers/swedish_output.py)."""
    out = tmp_path_factory.mktemp("written")
    done = subprocess.run([sys.executable, str(HERE / "helpers" / "swedish_output.py"), str(demo_80_households), TODAY,
                           str(out)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def english_words() -> set[str]:
    return english_vocabulary()


def english_vocabulary() -> set[str]:
    """Words of ekbist's English texts that no Swedish text of it uses: in a Swedish text
    they are English. Read from the catalogs and the code tables, so the list grows with
    every message."""
    english, swedish = set(), set()
    for ids, strings in catalogs.forms():
        for text in ids:
            english |= words(text)
        for text in strings:
            swedish |= words(text)
    for table in codes.KINDS.values():
        for code, (label, word) in table.items():
            english |= words(code.replace("_", " ")) | words(label)
            swedish |= words(word)
    return english - swedish - PROPER_NAMES


def readable(piece: dict) -> str:
    """The text of a piece a person reads in Swedish, without what stays English by design."""
    text = piece["text"]
    if piece["where"].startswith("ekbist check") and "stderr" not in piece["where"]:
        # The first line is for monitoring systems (EKBIST CRITICAL: …): English by contract.
        text = "\n".join(text.splitlines()[1:])
    # A stored row as the audit shows it ({"amount": 4321}) is the machine form.
    return re.sub(r'\{".*\}', " ", text)


def people_pieces(written: list[dict]) -> list[dict]:
    return [p for p in written if p["kind"] in ("help", "screen", "cell")]


def test_the_walk_reaches_every_command_and_workbook(written) -> None:
    helps = [p for p in written if p["kind"] == "help"]
    assert len(helps) > 80 and all(p["exit"] == 0 for p in helps)
    ran = [p for p in written if p["kind"] in ("screen", "machine") and "exit" in p]
    failed = [(p["where"], p["text"][-300:]) for p in ran
              if p["exit"] not in (0, 2) or (p["exit"] == 2 and not p["where"].startswith("ekbist check"))]
    assert not failed, failed
    sheets = {p["where"].split(" [")[1].split("]")[0] for p in written if p["kind"] == "cell"
              and " [" in p["where"]}
    assert {"Nyckeltal", "Prognos", "ekbist", "Kolumner", "Ärenden", "Handläggningstid"} <= sheets
    assert any(p.get("hidden") for p in written), "the hidden sheet of the prognosis export"


def store_tables(db: Path) -> set[str]:
    """The store's table names and the audit's name for the whole file (a restore): `audit
    --table` and `info` show them as the codes one types."""
    import sqlite3

    from ekbist.store import WHOLE_STORE

    with sqlite3.connect(db) as connection:
        return {WHOLE_STORE} | {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_no_english_word_in_swedish_text(written, english_words, demo_80_households) -> None:
    typed = {p["text"] for p in written if p["kind"] == "command"}  # command names one types
    allowed = FORMAT_NAMES | {w for name in typed | store_tables(demo_80_households) for w in words(name)}
    wrong: dict[str, list[str]] = {}
    for piece in people_pieces(written):
        for word in words(readable(piece)) & english_words - allowed:
            wrong.setdefault(word, []).append(piece["where"])
    report = [f"{word!r} in {len(places)} places, e.g. {places[:3]}" for word, places in
              sorted(wrong.items())]
    assert not wrong, "\n".join(report)


def test_no_replaced_word_or_synonym(written) -> None:
    terms = glossary.terms()
    wrong = []
    for piece in people_pieces(written):
        for word, term in glossary.replaced_terms_in(readable(piece), terms):
            wrong.append(f"{piece['where']}: {word!r}, say {term.sv!r}")
    assert not wrong, "\n".join(sorted(set(wrong))[:60])


# A number as a person writes it: grouped with a space, a decimal comma, a unit after it.
SCREEN_NUMBER = re.compile(r"^[≤≥]?\s?-?\d{1,3}(?:[\u00a0 ]\d{3})+(?:,\d+)?(?:\s?(?:%|kr|tkr))?$"
                           r"|^[≤≥]?\s?-?\d+,\d+(?:\s?(?:%|kr|tkr))?$|^[≤≥]?\s?-?\d+(?:[.,]\d+)?\s?%$")


def _machine_values(piece: dict) -> list[str]:
    if piece["format"] == "json":
        found: list[str] = []

        def walk(value) -> None:
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str):
                found.append(value)

        walk(json.loads(piece["text"]))
        return found
    import csv
    import io

    return [field for row in csv.reader(io.StringIO(piece["text"])) for field in row]


def test_machine_formats_keep_the_machine_form(written) -> None:
    machine = [p for p in written if p["kind"] == "machine" and p.get("format") in ("json", "csv")]
    assert len(machine) > 40
    # A value that is a number must be the machine form; prose in JSON (a finding's
    # message) is for people and is left alone.
    wrong = [(p["where"], value) for p in machine for value in _machine_values(p)
             if SCREEN_NUMBER.match(value.strip())]
    assert not wrong, wrong[:20]


def test_screens_group_thousands_with_a_no_break_space(written) -> None:
    screens = [p for p in written if p["kind"] in ("screen", "help")]
    # The examples at the end of a help page are typed input ('7 200'): as a user types them.
    broken = [(p["where"], m.group(0)) for p in screens
              for m in re.finditer(r"(?<![\d.,/-])\d{1,3}(?: \d{3})+(?:,\d+)?(?![\d-])",
                                   readable(p).split("Exempel:")[0])]
    assert not broken, broken[:20]
    assert any("\u00a0" in p["text"] for p in screens)


# General (no format) is the house's form only for years, months and values in a unit of
# their own; every count, share and amount has its format.
PLAIN_HEADERS = {"År", "Månad", "Födelseår", "Värde", "Standardvärde", "Utfall", "Målvärde",
                 "Kontakt",  # a contact's number: an id, never grouped
                 "Från ålder", "Till ålder"}  # an age band's ends, as a birth year is


def test_every_number_in_a_workbook_has_the_house_format(written) -> None:
    numbers = [p for p in written if p["kind"] == "format"]
    assert len(numbers) > 1000
    foreign = sorted({(p["text"], p["where"].split("!")[0]) for p in numbers
                      if p["text"] not in cell_formats.HOUSE})
    assert not foreign, foreign
    plain = sorted({(p["where"].split("!")[0], p["header"]) for p in numbers
                    if p["text"] == cell_formats.PLAIN and p["header"] not in PLAIN_HEADERS
                    and not p["sheet"] == "ekbist"})
    assert not plain, plain
    assert not [p for p in written if p["kind"] == "boolean"], "yes-or-no is ja/nej, not TRUE/FALSE"


def test_one_word_for_the_totals_row(written) -> None:
    from ekbist.i18n import _, set_language

    set_language("sv")
    try:
        assert _(codes.TOTAL) == codes.TOTAL_SV == "Totalt"
    finally:
        set_language("en")
    texts = {p["where"]: p["text"] for p in written if p["kind"] == "screen"}
    first_column = {line.split()[0] for text in texts.values() for line in text.splitlines()
                    if line.strip() and line.split()[0] in ("Period", "År", "Hela", "Summa", "Totalt")}
    assert "Totalt" in first_column and not first_column & {"Period", "Hela"}, first_column
    tertial = texts["ekbist report tertial --year 2026 --tertial 2 --format table"]
    year = texts["ekbist report year 2025 --format text"]
    handling = texts["ekbist handling-time report --from 2026-01-01 --to 2026-10-31 --by team --format table"]
    for text in (tertial, year, handling):
        assert re.search(r"^Totalt\s+\d", text, re.MULTILINE), text
    cells = [p for p in written if p["kind"] == "cell" and p["text"] in ("Hela perioden", "Totalt")]
    assert {p["text"] for p in cells} == {"Totalt"}
    assert any("tertial.xlsx [Nyckeltal]" in p["where"] for p in cells)
