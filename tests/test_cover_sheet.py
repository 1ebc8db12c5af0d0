"""Covers (bevakningar) as a sheet kind: export, template and import, the import held to the
refusals of `case cover` (ekbist.cover.refusal), all or nothing.

The unit: handlers own, mate, other (employed since 2024), gone (left 2026-06-01: their first
day gone), away (a whole-time absence 2026-11-01 … 2026-11-30); cases K1, K2 and K3, own's
since 2024-06-01. Stored: K1 covered by mate 2026-10-01 … 2026-10-10.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import Cli

from ekbist import absence, cases, cover, handlers
from ekbist.store import Store

D = date.fromisoformat
TODAY = D("2026-11-25")
HEADERS = ("Case", "Covered by", "From", "Until")


@pytest.fixture
def unit(store: Store) -> Store:
    for hid in ("own", "mate", "other", "gone", "away"):
        handlers.add(store, hid, name=f"Name {hid}", team="investigation", fte=1.0,
                     start=D("2024-01-01"))
    handlers.leave(store, "gone", D("2026-06-01"))
    absence.away(store, "away", first=D("2026-11-01"), last=D("2026-11-30"), kind="vacation")
    for case in ("K1", "K2", "K3"):
        cases.open_case(store, case, handler="own", opened=D("2024-06-01"), today=TODAY)
    cover.cover(store, "K1", "mate", first=D("2026-10-01"), last=D("2026-10-10"))
    return store


def book(path: Path, *rows: tuple) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Covers"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def stored(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.tuples(
        "SELECT case_id, handler, from_date, to_date FROM cover ORDER BY case_id, from_date")]


BEFORE = [("K1", "mate", "2026-10-01", "2026-10-10")]


def test_export_shows_whom_each_cover_is_for_and_comes_back_unchanged(unit, cli: Cli, tmp_path):
    cli.ok("export", "covers", tmp_path / "c.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "c.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == (*HEADERS, "Covering for")
    assert [(r[0], r[1], r[2].date().isoformat(), r[3].date().isoformat(), r[4])
            for r in rows[1:]] == [("K1", "mate", "2026-10-01", "2026-10-10", "own")]
    report = json.loads(cli.ok("import", tmp_path / "c.xlsx", "--format", "json").output)
    assert report["kinds"]["covers"]["unchanged"] == 1
    cli.ok("template", "covers", tmp_path / "t.xlsx")
    sheets = openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames
    assert sheets[0] == "Covers"


def test_an_import_adds_a_cover_the_command_would_accept_and_it_comes_back_by_itself(
        unit, cli: Cli, tmp_path):
    # Right after K1's stored cover (its last day 10-10): no overlap.
    cli.ok("import", book(tmp_path / "ok.xlsx", ("K1", "other", "2026-10-11", "2026-10-20"),
                          ("K2", "mate", "2026-10-05", None)))
    assert stored(unit) == [*BEFORE, ("K1", "other", "2026-10-11", "2026-10-20"),
                            ("K2", "mate", "2026-10-05", None)]
    payload = json.loads(cli.ok("caseload", "--format", "json", today="2026-10-20").output)
    covering = {h["id"]: h["covering"] for h in payload["handlers"]}
    assert (covering["other"], covering["mate"]) == (1, 1)
    payload = json.loads(cli.ok("caseload", "--format", "json", today="2026-10-21").output)
    assert {h["id"]: h["covering"] for h in payload["handlers"]}["other"] == 0


@pytest.mark.parametrize(("row", "says"), [
    # overlaps the stored cover on its last day
    (("K1", "other", "2026-10-10", "2026-10-15"),
     "case 'K1' is already covered by 'mate' from 2026-10-01 to 2026-10-10"),
    # the coverer is away on a day of it
    (("K2", "away", "2026-10-25", "2026-11-01"),
     "handler 'away' is away from 2026-11-01 to 2026-11-30, during the cover"),
    # the coverer had left (their first day gone is 2026-06-01)
    (("K2", "gone", "2026-05-20", "2026-06-01"),
     "handler 'gone' leaves on 2026-06-01, before the cover ends"),
    # the case's own handler
    (("K2", "own", "2026-10-01", "2026-10-02"), "case 'K2' is with 'own' already"),
    # before the case was opened
    (("K3", "mate", "2024-05-31", "2024-06-02"),
     "case 'K3' was opened on 2024-06-01; a cover cannot begin before that"),
    # the last day before the first
    (("K3", "mate", "2026-10-05", "2026-10-04"), "ends before it starts (2026-10-05)"),
    # a year or more: a cover, not a move
    (("K3", "mate", "2026-10-05", "2027-10-05"), "a cover lasts at most a year"),
])
def test_an_import_is_refused_as_case_cover_refuses_and_writes_nothing(
        unit, cli: Cli, tmp_path, row, says):
    path = book(tmp_path / "bad.xlsx", ("K3", "other", "2026-09-01", "2026-09-02"), row)
    line = cli.fails("import", path)
    assert says in line or says in cli("import", path).stderr
    assert stored(unit) == BEFORE   # the good row is not written either


def test_the_edges_just_outside_are_accepted(unit, cli: Cli, tmp_path):
    # away's last day away is 11-30: a cover from 12-01 is fine; gone's last day is 05-31.
    cli.ok("import", book(tmp_path / "edge.xlsx", ("K2", "away", "2026-12-01", "2026-12-05"),
                          ("K3", "gone", "2026-05-20", "2026-05-31"),
                          ("K1", "other", "2026-09-20", "2026-09-30"),
                          ("K1", "other", "2026-10-11", "2027-10-10")))   # a year, no more
    assert len(stored(unit)) == 5


def test_two_rows_of_one_file_that_overlap_refuse_each_other(unit, cli: Cli, tmp_path):
    path = book(tmp_path / "two.xlsx", ("K2", "mate", "2026-10-01", "2026-10-10"),
                ("K2", "other", "2026-10-10", "2026-10-20"))
    stderr = cli("import", path).stderr
    assert "case 'K2' is already covered by" in stderr
    assert stored(unit) == BEFORE


def test_a_changed_stored_cover_is_not_its_own_overlap(unit, cli: Cli, tmp_path):
    # Same key (K1, 10-01): the import lengthens it; the rules leave the cover itself out.
    cli.ok("import", book(tmp_path / "longer.xlsx", ("K1", "mate", "2026-10-01", "2026-10-15")))
    assert stored(unit) == [("K1", "mate", "2026-10-01", "2026-10-15")]
    # Lengthened into away's absence: refused.
    line = cli.fails("import", book(tmp_path / "into.xlsx",
                                    ("K1", "away", "2026-10-01", "2026-11-02")))
    assert "error" in line
    assert stored(unit) == [("K1", "mate", "2026-10-01", "2026-10-15")]


def test_a_dry_run_says_the_same_refusal_of_a_row_against_the_store(unit, cli: Cli, tmp_path):
    path = book(tmp_path / "dry.xlsx", ("K1", "other", "2026-10-10", "2026-10-15"))
    result = cli("import", path, "--dry-run")
    assert result.exit_code == 1
    assert "case 'K1' is already covered by 'mate' from 2026-10-01 to 2026-10-10" in result.stderr
    assert stored(unit) == BEFORE


def test_the_refusal_in_swedish(unit, cli: Cli, tmp_path):
    path = book(tmp_path / "sv.xlsx", ("K2", "own", "2026-10-01", "2026-10-02"))
    result = cli("import", path, lang="sv")
    assert result.exit_code == 1
    assert "ärendet 'K2'" in result.stderr


@pytest.mark.parametrize("dry", [False, True], ids=["import", "dry-run"])
@pytest.mark.parametrize("text", ["2026-02-30", "banana"])
def test_a_from_cell_that_is_not_a_date_is_one_cell_problem_dry_or_not(
        unit, cli: Cli, tmp_path, text, dry):
    # The row never reaches the cover rules: its one line names the From cell (C2).
    path = book(tmp_path / "nodate.xlsx", ("K2", "other", text, "2026-12-05"))
    result = cli("import", path, *(["--dry-run"] if dry else []))
    assert result.exit_code == 1
    assert "TypeError" not in result.stderr and "unexpected" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if "Covers!" in line]
    assert len(problems) == 1
    assert problems[0].lstrip("error: ").startswith("Covers!C2")
    assert "not a date" in problems[0] and text in problems[0]
    assert stored(unit) == BEFORE


@pytest.mark.parametrize("dry", [False, True], ids=["import", "dry-run"])
def test_an_until_before_from_is_one_problem_on_the_until_cell(unit, cli: Cli, tmp_path, dry):
    path = book(tmp_path / "back.xlsx", ("K2", "other", "2026-10-05", "2026-10-04"))
    result = cli("import", path, *(["--dry-run"] if dry else []))
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if "Covers!" in line]
    assert len(problems) == 1, result.stderr
    assert "Covers!D2" in problems[0] and "C2" not in problems[0].split("—")[0]
    assert stored(unit) == BEFORE
