"""Every table says what each row is, at every width a chief's terminal has.

Every command with ``--format table`` (found by walking the command tree, so a new table is
covered without anyone remembering) runs on a real pseudo-terminal in English and Swedish at
60, 80, 100 and 120 columns. Per table: nothing is wider than the terminal, the key columns
(what the row is) and the most important value are there, each key value appears in full
(wrapped inside its cell at most), the headers shown are the table's own, and what is left
out is named under the table. On a pipe the table is laid out at 100 columns.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
import pytest
from helpers import procs

WIDTHS = [60, 80, 100, 120]
LANGUAGES = ["en", "sv"]
SPY = [sys.executable, str(Path(__file__).parent / "helpers" / "table_spy.py")]
FILE = "{file}"  # the workbook a test of `import` reads, made from the demo store

# How to run each table command on the demo store (2026-11-25). A table command missing
# here runs without arguments; one that needs some fails below until it is added.
INVOCATIONS: dict[str, list[list[str]]] = {
    "actuals show": [["actuals", "show", "2026"]],
    "activities list": [["activities", "list", "--handler", "h001", "--as-of", "2026-11-25"]],
    "activities check": [["activities", "check", "--from", "2026-09", "--to", "2026-12"]],
    "activities attendance": [["activities", "attendance", "--from", "2026-09", "--to",
                               "2026-10"]],
    "activities readiness": [["activities", "readiness", "--from", "2026-10", "--to",
                              "2026-11", "--handler", "h001"]],
    "application list": [["application", "list", "--case", "C000297", "--from", "2026-06-01"]],
    "audit": [["audit", "--table", "cases", "--limit", "5"]],
    "budget show": [["budget", "show", "2026"]],
    "case list": [["case", "list", "--handler", "h016"]],
    "case show": [["case", "show", "C000001"]],
    "caseload balance": [["caseload", "balance", "--team", "investigation", "--max-moves", "3"],
                         ["caseload", "balance", "--team", "debt", "--apply"]],
    "caseload history": [["caseload", "history", "--from", "2026-06", "--to", "2026-11",
                          "--team", "investigation"]],
    "day": [["day"], ["day", "--handler", "h015"]],
    "handler leave": [["handler", "leave", "h018", "--date", "2026-12-31", "--redistribute"]],
    "handling-time check": [["handling-time", "check", "--handler", "h015"]],
    "handling-time report": [
        ["handling-time", "report", "--from", "2026-07-01", "--to", "2026-10-31", "--by", by]
        for by in ("month", "handler", "team")],
    "import": [["import", "--dry-run", FILE]],
    "indicators": [["indicators", "--year", "2026"]],
    "indicators long-term": [["indicators", "long-term", "--team", "investigation"]],
    "plan list": [["plan", "list", "--case", "C000251"]],
    "plans coverage": [["plans", "coverage", "--by", "team"], ["plans", "coverage", "--by", "handler"],
                       ["plans", "coverage", "--monthly", "--from", "2026-06", "--to", "2026-11"]],
    "plans due": [["plans", "due"]],
    "plans missing": [["plans", "missing", "--handler", "h011"]],
    "report month": [["report", "month", "2026", "11"]],
    "report tertial": [["report", "tertial", "--tertial", "2"]],
    "report year": [["report", "year", "2026"]],
    "prognosis history": [["prognosis", "history", "--year", "2026"]],
    "prognosis accuracy": [["prognosis", "accuracy", "--year", "2025"]],
    "rules check": [["rules", "check",
                     str(Path(__file__).parent.parent / "examples/rules/procapita-ansokningar.toml"),
                     str(Path(__file__).parent.parent / "examples/rules/procapita-ansokningar.csv")]],
    "prognosis backtest": [["prognosis", "backtest", "--years", "2025"]],
    "target list": [["target", "list", "2025"], ["target", "list"]],
    "goal list": [["goal", "list", "2025"]],
    "workdays holidays": [["workdays", "holidays", "2026"]],
    "actuals remove": [["actuals", "remove", "2026", "--month", "10", "--activity", "Arbetsmarknad"]],
    "budget remove": [["budget", "remove", "2026", "Arbetsmarknad", "Övriga personalkostnader"]],
    "budget remove-activity": [["budget", "remove-activity", "Arbetsmarknad"]],
    "budget rename-activity": [["budget", "rename-activity", "Arbetsmarknad", "Arbete"]],
    "budget rename-line": [["budget", "rename-line", "Övriga kostnader", "Övrigt"]],
}
# Commands whose --format table is a few lines of text, not a table: they are run too, and
# a table they start to show fails the test until they leave this list.
NO_TABLE = {"actuals remove", "budget remove", "budget remove-activity", "budget rename-activity",
            "budget rename-line", "report month", "report year",
            "goal list"}  # the demo unit has no goals: "No goals."
# Every activity of the demo is in a saved prognosis, so removing one is refused: the
# refusal is what is shown.
EXIT = {"budget remove-activity": 1}
ANSWER = "n\n" * len(WIDTHS)  # a question (--apply, a removal) is shown, then declined


def table_commands() -> list[str]:
    """Every command that can show a table (it has ``--format table``), by its path; an
    alias (``dag``) counts once, as the command it stands for."""
    from ekbist.commands.main import root

    found: dict[int, str] = {}

    def walk(command, path: list[str], ctx: click.Context) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                walk(sub, [*path, name], click.Context(sub, parent=ctx, info_name=name))
        if path and (not isinstance(command, click.Group) or command.invoke_without_command):
            formats = [p for p in command.params if isinstance(p, click.Option)
                       and "--format" in p.opts and "table" in getattr(p.type, "choices", ())]
            if formats:
                # an alias (dag) is the command itself, by its own name (day)
                found[id(command)] = " ".join([*path[:-1], command.name or path[-1]])

    walk(root, [], click.Context(root, info_name="ekbist"))
    return sorted(found.values())


def runs() -> list[tuple[str, list[str]]]:
    return [(path, args) for path in table_commands()
            for args in INVOCATIONS.get(path, [path.split()])]


RUNS = runs()


def test_every_table_command_is_run() -> None:
    paths = table_commands()
    # the tables the issue of narrow terminals named, and tables of every kind
    assert {"caseload", "caseload balance", "plans due", "day", "prognosis show",
            "budget show", "actuals show", "settings list"} <= set(paths)
    assert "dag" not in paths and "demo" not in paths and "check" not in paths
    assert not set(INVOCATIONS) - set(paths), "INVOCATIONS names a command with no table"
    assert NO_TABLE <= set(paths)


class Shown:
    """What one command showed at each width, with the layout of each of its tables."""

    def __init__(self, code: int, text: str, records: list[dict]) -> None:
        self.code, self.text, self.records = code, text, records

    def at(self, width: int) -> str:
        part = self.text.split(f"@@@ width {width} @@@\n", 1)[1]
        part = part.split("@@@ width ", 1)[0]
        # an answer typed ahead is not echoed after its question, as a user's would be
        return re.sub(r"(\[[yj]/N\]: )", r"\1\n", part)


def _run(args: list[str], language: str, demo: Path, work: Path) -> Shown:
    work.mkdir(parents=True)
    db = work / "unit.db"
    shutil.copyfile(demo, db)
    env = procs.terminal_env(db) | {"EKBIST_LANG": language}
    if FILE in args:
        done = procs.run(db, "export", "handlers", str(work / "handlers.xlsx"))
        assert done.returncode == 0, done.stderr
        args = ["handlers.xlsx" if a == FILE else a for a in args]  # the launcher runs in work
    record = work / "layouts.jsonl"
    code, text = procs.on_terminal(args, env, columns=WIDTHS[0], answer=ANSWER, overwrite=True,
                                   program=[*SPY, str(record), ",".join(map(str, WIDTHS))])
    records = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()] \
        if record.exists() else []
    return Shown(code, text, records)


class Runs(dict):
    """The runs the selected tests need, made a few at a time on first use."""

    def __init__(self, demo: Path, base: Path, wanted: list[tuple[list[str], str]]) -> None:
        super().__init__()
        self.demo, self.base, self.wanted = demo, base, wanted

    def __missing__(self, key: tuple[str, str]) -> Shown:
        jobs = {(" ".join(a), lang): (a, lang) for a, lang in self.wanted}
        jobs.setdefault(key, (key[0].split(), key[1]))
        jobs = {k: v for k, v in jobs.items() if k not in self}
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {k: pool.submit(_run, a, lang, self.demo, self.base / f"{len(self) + n}-{lang}")
                       for n, (k, (a, lang)) in enumerate(jobs.items())}
            for k, future in futures.items():
                self[k] = future.result()
        return self[key]


@pytest.fixture(scope="module")
def shown(demo_db: Path, tmp_path_factory, request) -> Runs:
    """Every run the selected tests look at, in their languages, on pseudo-terminals."""
    wanted = []
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "language" in params and ("args" in params):
            wanted.append((list(params["args"]), params["language"]))
    return Runs(demo_db, tmp_path_factory.mktemp("runs"), wanted)


# -- reading a drawn table back ------------------------------------------------------------
def boxes(text: str) -> list[dict]:
    """The rich tables in ``text``: per column its header lines and its cell text, line by
    line, cut at the column borders of the table's top line."""
    lines = text.split("\n")
    found = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("┏"):
            i += 1
            continue
        top = lines[i]
        borders = [0] + [j for j, ch in enumerate(top) if ch == "┳"] + [len(top) - 1]
        spans = list(zip(borders, borders[1:]))
        headers = [[] for _ in spans]
        cells = [[] for _ in spans]
        i += 1
        target = headers
        while i < len(lines) and not lines[i].startswith("└"):
            line = lines[i]
            if line.startswith("┡"):
                target = cells
            elif line.startswith(("┃", "│")):
                for n, (a, b) in enumerate(spans):
                    piece = line[a + 1:b].strip()
                    if piece:
                        target[n].append(piece)
            i += 1
        found.append({"headers": headers, "cells": cells, "end": i})
        i += 1
    return found


def header_reads(lines: list[str], header: str) -> bool:
    """A header on one line, or on two: at a space, after a hyphen, or inside a word with a
    hyphen added."""
    if len(lines) == 1:
        return lines[0] == header
    if len(lines) != 2:
        return False
    first, second = lines
    return header in (f"{first} {second}", first + second,
                      first[:-1] + second if first.endswith("-") else None)


def words(texts: list[str]) -> list[str]:
    """The words of a column's lines; a word broken after an underscore or a slash at the
    end of a line is one word."""
    return re.sub(r"([_/]) ", r"\1", " ".join(texts)).split()


def flat(text: str) -> str:
    return " ".join(text.split())


def expected_key_words(record: dict, key: str, first_shown: str) -> list[str]:
    """The words a key column shows, top to bottom: each value in full, and the group's
    headings in the first column when the group is shown as headings."""
    values = record["cells"][key]
    if record["group"] is None or key != first_shown:
        return words(values)
    out, last = [], None
    for value, label in zip(values, record["cells"][record["group"]], strict=True):
        if label and label != last:
            out.append(label)
            last = label
        out.append(value)
    return words(out)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("path", "args"), RUNS, ids=[" ".join(a) for _p, a in RUNS])
def test_each_row_says_what_it_is_at_every_width(path, args, language, shown) -> None:
    run = shown[(" ".join(args), language)]
    assert run.code == EXIT.get(path, 0), \
        f"'ekbist {' '.join(args)}' failed (add it to INVOCATIONS?)\n{run.text}"
    if path in NO_TABLE:
        assert not run.records and "┏" not in run.text, f"{path} shows a table: take it off NO_TABLE"
    else:
        assert run.records, f"'ekbist {' '.join(args)}' showed no table:\n{run.text}"
    for width in WIDTHS:
        text = run.at(width)
        for line in text.split("\n"):  # nothing wider than the terminal: tables, notes, titles
            if line.startswith(("error: ", "fel: ")):
                continue  # an error is one line (the contract scripts and logs rely on)
            assert len(line) <= width, f"{width} columns, {language}:\n{line}\n\n{text}"
        assert not any("…" in line for line in text.split("\n") if line.startswith(("│", "┃"))), \
            f"cut at {width} columns:\n{text}"
        records = [r for r in run.records if r["terminal"] == width and r["rich"]]
        tables = boxes(text)
        assert len(tables) == len(records), text
        for record, table in zip(records, tables, strict=True):
            kept = record["kept"]
            assert set(record["keys"]) <= set(kept), (width, record)
            assert record["first_value"] is None or record["first_value"] in kept, (width, record)
            # the headers shown are the table's own, in order
            assert len(table["headers"]) == len(kept), text
            for key, lines in zip(kept, table["headers"], strict=True):
                assert header_reads(lines, record["headers"][key]), (width, lines, text)
            # every key value in full, in its own column (wrapped at its spaces at most)
            for key in record["keys"]:
                column = kept.index(key)
                assert words(table["cells"][column]) == expected_key_words(record, key, kept[0]), \
                    f"{width} columns: {record['headers'][key]}\n{text}"
            # the other columns too show what the table holds, only wrapped
            for n, key in enumerate(kept):
                if key not in record["keys"]:
                    assert words(table["cells"][n]) == words(record["shown_cells"][key]), text
            # what is left out is named under the table
            left_out = [record["headers"][k] for k in record["dropped"]]
            note = {"en": "Left out to fit the terminal: {}",
                    "sv": "Utelämnat för att få plats i terminalen: {}"}[language]
            if left_out:
                assert note.format(", ".join(left_out)) in flat(text), text
            if record["group"]:
                assert record["group_key"] not in kept


# The figures the issue found missing at 80 columns stay, in both languages and from 80 on.
MUST_SHOW = {
    ("caseload",): {"id", "name", "per_fte", "status"},
    ("prognosis", "show"): {"line", "prognosis", "deviation"},
    ("prognosis", "make"): {"line", "prognosis", "deviation"},
    ("budget", "show", "2026"): {"line", "amount"},
    ("actuals", "show", "2026"): {"line", "total"},
    ("plans", "due"): {"case", "when"},
    ("day",): {"id", "status_label"},
    ("caseload", "balance", "--team", "debt", "--apply"): {"case", "from_name", "to_name"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("args", list(MUST_SHOW), ids=" ".join)
def test_what_a_table_is_for_stays_from_80_columns(args, language, shown) -> None:
    run = shown[(" ".join(args), language)]
    for width in (80, 100, 120):
        first = next(r for r in run.records if r["terminal"] == width)
        assert MUST_SHOW[args] <= set(first["kept"]), (width, first["kept"], run.at(width))
        for key in MUST_SHOW[args]:
            assert first["headers"][key] in flat(run.at(width)).replace("- ", "") or any(
                header_reads(h, first["headers"][key]) for h in boxes(run.at(width))[0]["headers"]
            ), run.at(width)


@pytest.mark.parametrize("language", LANGUAGES)
def test_day_keeps_why_a_case_has_no_one(language, shown) -> None:
    run = shown[("day", language)]
    for width in (80, 100, 120):
        uncovered = [r for r in run.records if r["terminal"] == width and "why_label" in r["columns"]]
        assert uncovered and all("why_label" in r["kept"] for r in uncovered), run.at(width)


def test_the_balance_confirmation_names_who_gives_and_who_takes(shown) -> None:
    run = shown[("caseload balance --team debt --apply", "sv")]
    text = run.at(60)
    moves = next(r for r in run.records if r["terminal"] == 60 and "to_name" in r["columns"])
    for name in moves["cells"]["from_name"] + moves["cells"]["to_name"]:
        assert all(part in text for part in name.split()), text
    assert "[j/N]" in text  # the question comes after the moves it asks about
    assert text.index("[j/N]") > max(text.index(n.split()[-1]) for n in moves["cells"]["to_name"])


def test_the_prognosis_groups_its_lines_under_the_activity_when_narrow(shown) -> None:
    run = shown[("prognosis show", "sv")]
    wide = next(r for r in run.records if r["terminal"] == 120)
    narrow = next(r for r in run.records if r["terminal"] == 80)
    assert narrow["group"] == "activity" and "activity" not in narrow["kept"]
    assert narrow["dropped"] == ["method", "comment"] or set(narrow["dropped"]) <= {
        "method", "comment", "actual_ytd", "budget"}
    text = run.at(80)
    # the heading row, then its lines: "Arbetsmarknad" stands alone in the first column
    assert re.search(r"^│ Arbetsmarknad +│ +│", text, re.M), text
    assert wide["kept"][0] in ("activity", "line")


def test_a_pipe_gets_the_table_at_100_columns(demo_db: Path) -> None:
    env = procs.terminal_env(demo_db)
    for args in (["prognosis", "show"], ["actuals", "show", "2026"], ["caseload"], ["plans", "due"]):
        done = procs.run(None, *args, env=env, check=True)
        lines = done.stdout.split("\n")
        assert max(len(line) for line in lines) <= 100, done.stdout
        assert not any(line.startswith(("┏", "│")) for line in lines)  # plain text on a pipe
        if "Left out" in done.stdout:
            assert "Left out to fit 100 columns:" in flat(done.stdout)
    # COLUMNS states another width
    done = procs.run(None, "prognosis", "show", env=env | {"COLUMNS": "200"}, check=True)
    assert "Left out" not in done.stdout and "Comment" in done.stdout


def test_columns_on_a_terminal_holds_for_notes_as_for_tables(demo_db: Path) -> None:
    # A window of 100 columns told COLUMNS=50: the table fits 50, and so does the note above
    # it (the demo store's, on stderr), which once went by the window and ran to 94.
    env = procs.terminal_env(demo_db) | {"COLUMNS": "50"}
    code, text = procs.on_terminal(["caseload"], env, columns=100)
    assert code == 0 and "is a demo database" in flat(text)
    assert "Left out to fit the terminal:" in flat(text)
    assert max(len(line) for line in text.split("\n")) <= 50, text
    # without COLUMNS the window's own width holds for both
    code, text = procs.on_terminal(["caseload"], procs.terminal_env(demo_db), columns=70)
    assert code == 0 and "is a demo database" in flat(text)
    assert 60 < max(len(line) for line in text.split("\n")) <= 70, text


def test_fit_leaves_out_the_least_important_first_and_never_the_key() -> None:
    from ekbist.commands.render import Column, layout

    columns = [Column("id", "Id", role="key"), Column("name", "Name", role="key"),
               Column("note", "Note", drop=1), Column("day", "Day", "date"),
               Column("amount", "Amount", "kr"), Column("count", "Count", "int")]
    rows = [{"id": "h001", "name": "Karin Jonsson", "note": "over 40 per FTE",
             "day": "2026-11-25", "amount": 14911, "count": 12}]
    # natural widths 4, 13, 15, 10, 9, 5 = 56, plus rich's borders 3 × 6 + 1 = 75
    shape = layout(rows, columns, 75)
    assert [c.key for c in shape.columns] == [c.key for c in columns] and not shape.dropped
    assert shape.widths == [4, 13, 15, 10, 9, 5]
    # one narrower: the widest text (the note) wraps inside its cell, nothing is left out
    shape = layout(rows, columns, 74)
    assert not shape.dropped and shape.widths == [4, 13, 14, 10, 9, 5]
    # 'Amount' and 'Count' do not wrap; the name wraps before anything is left out
    shape = layout(rows, columns, 58)
    assert [c.key for c in shape.dropped] == ["note"]  # declared first
    shape = layout(rows, columns, 40)
    # then from the right: count, amount; the day (the first value) and the keys stay
    assert [c.key for c in shape.columns] == ["id", "name", "day"]
    shape = layout(rows, columns, 10)
    assert [c.key for c in shape.columns] == ["id", "name", "day"]  # runs past the edge
    assert shape.needed > 10


def test_headers_wrap_before_a_column_is_left_out() -> None:
    from ekbist.commands.render import Column, layout, wrap_header

    assert wrap_header("Tjänstgöringsgrad", 17) == "Tjänstgöringsgrad"
    assert wrap_header("Tjänstgöringsgrad", 14) == "Tjänstgörings-\ngrad"
    assert wrap_header("Bidragshushåll", 10) == "Bidrags-\nhushåll"
    assert wrap_header("Anmärkning", 8) == "Anmärk-\nning"
    assert wrap_header("Handläggare", 8) == "Hand-\nläggare"
    assert wrap_header("Handläggare", 6) == "Handläggare"  # no way to fit: as it is
    assert wrap_header("Per årsarbetare", 12) == "Per\nårsarbetare"
    assert wrap_header("Last follow-up", 10) == "Last\nfollow-up"
    # a number keeps its unit: 'Inom 2\n% från' would read as two figures
    assert wrap_header("Inom 2 % från", 8) == "Inom\n2 % från"
    assert wrap_header("Inom 2 % från", 6) == "Inom 2 % från"  # no way to fit: as it is
    assert wrap_header("Within 10 days", 7) == "Within\n10 days"  # not 'Within 10\ndays'
    assert wrap_header("Within 10 days", 6) == "Within 10 days"
    assert wrap_header("Inom 10 dagarna", 10) == "Inom 10\ndagarna"  # not a unit: a word
    columns = [Column("id", "Handläggare", role="key"), Column("fte", "Tjänstgöringsgrad", "fte"),
               Column("per", "Per årsarbetare", "float")]
    rows = [{"id": "h001", "fte": 0.75, "per": 54.7}]
    shape = layout(rows, columns, 46)  # natural 11 + 17 + 15 + 10 = 53
    assert not shape.dropped
    assert shape.headers == ["Handläggare", "Tjänstgörings-\ngrad", "Per\nårsarbetare"]
    shape = layout(rows, columns, 38)  # every header on two lines: 7 + 14 + 11 + 10 = 42 > 38
    # only then a column goes: the last value (the first one is the most important)
    assert [c.key for c in shape.dropped] == ["per"]
    assert shape.headers == ["Handläggare", "Tjänstgöringsgrad"]  # room again: one line


def test_wide_on_the_command_too(demo_db: Path) -> None:
    env = procs.terminal_env(demo_db)
    code, narrow = procs.on_terminal(["caseload"], env, columns=80)
    assert code == 0 and "Left out to fit the terminal:" in flat(narrow)
    code, wide = procs.on_terminal(["caseload", "--wide"], env, columns=80)
    assert "Left out" not in wide and "vs team mean" in wide


def test_wide_is_forgotten_by_the_next_invocation_in_one_process(demo_db: Path) -> None:
    """click's runner (and any program that calls ekbist's main twice) runs many invocations
    in one process: a --wide given to one must not widen the next, in either spelling."""
    from click.testing import CliRunner

    from ekbist.commands.main import root as main

    runner = CliRunner()
    env = {"COLUMNS": "50"}  # on a pipe the caseload leaves its Team column out at 50
    base = ["--db", str(demo_db), "--today", "2026-11-25", "--lang", "en"]
    for first in (["--wide", *base, "caseload"], [*base, "caseload", "--wide"]):
        widened = runner.invoke(main, first, env=env)
        assert widened.exit_code == 0 and "Left out" not in widened.output
        narrow = runner.invoke(main, [*base, "caseload"], env=env)
        assert narrow.exit_code == 0, narrow.output
        assert "Left out to fit 50 columns: Team" in flat(narrow.output)


def test_info_wraps_a_store_path_wider_than_the_terminal(demo_db: Path) -> None:
    """A store kept deep in a folder tree: ``info``'s lines stay inside a 60-column terminal,
    the path moves whole to a line of its own (it is not cut), and a pipe gets it on one line."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="ekbist-", dir="/tmp"))
    try:
        folder = top / ("f" * (56 - len(str(top)) - len("//unit.db")))
        folder.mkdir()
        db = folder / "unit.db"
        shutil.copy(demo_db, db)
        _info_at_60_columns(db)
    finally:
        shutil.rmtree(top)


def _info_at_60_columns(db: Path) -> None:
    path = str(db)
    assert len(path) == 56 and len("Database: " + path) == 66
    code, text = procs.on_terminal(["info"], procs.terminal_env(db), columns=60)
    assert code == 0
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60, text
    assert lines[lines.index("Database:") + 1] == path
    piped = procs.run(db, "info")
    assert f"Database: {path}" in piped.stdout.splitlines()
