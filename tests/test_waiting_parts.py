"""A waiting part joins its record whatever door brings it (docs/rules.md, "Several reports
make one record"): the case system's decision report imported before its applications keeps
each decision waiting under the application's id; an application typed by hand
(``application add --id``) or imported from ekbist's own template (a workbook made by
``ekbist template``, a CSV) with that id gets its decision in the same transaction, checked
whole, audited, and says so — and every way that can go wrong is refused with the store
unchanged. Also: a report of parts of cases is refused, naming the reason and the way out."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from helpers import procs
from test_extract_join import DEC_HEADER, DECISIONS, _write, applications, store_state, waiting

# The decision report: X-1 granted 500 kr on 04.11, X-9 rejected on 05.11 (whose application
# no door brings in these tests). Counted by hand from the lines below.
DECIDED = ["X-1;C-1;04.11.2026;Bifall;500", "X-9;C-2;05.11.2026;Avslag;"]
X1_JOINED = ("X-1", "C-1", "2026-11", "2026-11-02", "2026-11-03", "2026-11-04", "granted", 500)
X9_WAITS = ("beslut", "X-9", {"case": "C-2", "decided": "2026-11-05", "decision": "rejected"})


def decisions_wait(unit, tmp_path: Path) -> None:
    report = _write(tmp_path, "beslut.csv", "\n".join([DEC_HEADER, *DECIDED]) + "\n")
    rules = _write(tmp_path, "beslut.toml", DECISIONS)
    result = unit.ok("import", report, "--rules", rules)
    assert "Waiting: 2 rows of beslut wait for their records, which no report has brought " \
           "yet: X-1, X-9" in result.stdout
    assert applications(unit.db, "X-%") == []


def audited(db: Path, table: str) -> list[tuple]:
    return [(op, json.loads(after) if after else None) for op, after in procs.rows(
        db, f"SELECT action, after FROM audit WHERE tbl = '{table}' ORDER BY id")]


# -- by hand: application add --------------------------------------------------------------
def test_an_application_typed_by_hand_takes_its_waiting_decision(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    pending_audit = len(audited(unit.db, "import_pending"))
    result = procs.run(unit.db, "application", "add", "C-1", "--period", "2026-11",
                       "--received", "2026-11-02", "--completed", "2026-11-03", "--id", "X-1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "X-1\n"   # the id alone, as a script reads it
    assert result.stderr == "Joined: 1 row of beslut filled into its record.\n"
    assert applications(unit.db, "X-%") == [X1_JOINED]
    assert waiting(unit.db) == [X9_WAITS]
    # One insert of the whole application, and the part's delete, in the audit.
    inserted = [after for op, after in audited(unit.db, "application") if op == "insert"]
    assert [(a["id"], a["decided"], a["decision"], a["amount"]) for a in inserted] == \
           [("X-1", "2026-11-04", "granted", 500)]
    assert [op for op, _after in audited(unit.db, "import_pending")[pending_audit:]] == ["delete"]
    # The decision report again: X-1 is now found as it is stored, X-9 still waits.
    again = unit.ok("import", tmp_path / "beslut.csv", "--rules", tmp_path / "beslut.toml")
    assert "Applications      0        0          1" in again.stdout
    assert "Waiting: 1 row of beslut waits for its record, which no report has brought " \
           "yet: X-9" in again.stdout
    assert applications(unit.db, "X-%") == [X1_JOINED]


def test_an_application_typed_by_hand_with_no_waiting_part_is_as_before(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    result = procs.run(unit.db, "application", "add", "C-1", "--period", "2026-11",
                       "--received", "2026-11-02", "--id", "X-2")
    assert (result.returncode, result.stdout, result.stderr) == (0, "X-2\n", "")
    assert applications(unit.db, "X-%") == [
        ("X-2", "C-1", "2026-11", "2026-11-02", None, None, None, None)]
    assert [key for _s, key, _f in waiting(unit.db)] == ["X-1", "X-9"]


def test_a_hand_typed_application_the_waiting_decision_does_not_fit_is_refused(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    before = store_state(unit.db)
    # Received on 05.11, after the decision of 04.11: checked whole, as an import checks it.
    line = unit.fails("application", "add", "C-1", "--period", "2026-11", "--received",
                      "2026-11-05", "--id", "X-1")
    assert line == "error: application 'X-1' cannot take its part waiting in the report " \
                   "'beslut': decided 2026-11-04 is before the application was received " \
                   "(2026-11-05)"
    assert store_state(unit.db) == before
    # Complete after the decision.
    line = unit.fails("application", "add", "C-1", "--period", "2026-11", "--received",
                      "2026-11-02", "--completed", "2026-11-05", "--id", "X-1")
    assert line == "error: application 'X-1' cannot take its part waiting in the report " \
                   "'beslut': decided 2026-11-04 is before the application was " \
                   "complete (2026-11-05)"
    assert store_state(unit.db) == before
    # Its case differs from the case system's: the two disagree, nothing is guessed.
    line = unit.fails("application", "add", "C-2", "--period", "2026-11", "--received",
                      "2026-11-02", "--id", "X-1")
    assert line == "error: application 'X-1': case 'C-2' differs from 'C-1' in the report " \
                   "'beslut', whose part of this application waits for it"
    assert store_state(unit.db) == before
    # The day before the decision is received still takes it (the edge).
    unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-04",
            "--id", "X-1")
    assert applications(unit.db, "X-1") == [
        ("X-1", "C-1", "2026-11", "2026-11-04", None, "2026-11-04", "granted", 500)]


def test_swedish_words_for_the_hand_door(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    line = unit.fails("application", "add", "C-2", "--period", "2026-11", "--received",
                      "2026-11-02", "--id", "X-1", lang="sv")
    assert line == "fel: ansökan 'X-1': ärende 'C-2' skiljer sig från 'C-1' i uttaget " \
                   "'beslut', vars del av ansökan väntar på den"
    result = unit.ok("application", "add", "C-1", "--period", "2026-11", "--received",
                     "2026-11-02", "--id", "X-1", lang="sv")
    assert "Sammanförda: 1 rad från beslut ifylld i sin post." in result.stderr


# -- ekbist's own template: a workbook made by `ekbist template`, and a CSV ----------------------
def filled_template(unit, path: Path, rows: list[list[object]]) -> Path:
    made = procs.run(unit.db, "template", "applications", str(path))
    assert made.returncode == 0, made.stderr
    book = openpyxl.load_workbook(path)
    sheet = book["Applications"]
    assert [c.value for c in sheet[1]][:8] == ["Application", "Case", "Period", "Received",
                                               "Completed", "Decided", "Decision", "Amount"]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_the_template_workbook_brings_the_application_its_decision_joins(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    book = filled_template(unit, tmp_path / "mall.xlsx", [
        ["X-1", "C-1", "2026-11", "2026-11-02", "2026-11-03"],
        ["X-3", "C-3", "2026-11", "2026-11-10"]])
    dry = procs.run(unit.db, "import", str(book), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Joined: 1 row of beslut filled into its record." in dry.stdout
    assert applications(unit.db, "X-%") == [] and len(waiting(unit.db)) == 2
    result = procs.run(unit.db, "import", str(book))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "Joined: 1 row of beslut filled into its record.",
        "Waiting: 1 row of beslut waits for its record, which no report has brought yet: X-9"]
    assert applications(unit.db, "X-%") == [
        X1_JOINED, ("X-3", "C-3", "2026-11", "2026-11-10", None, None, None, None)]
    assert waiting(unit.db) == [X9_WAITS]
    assert [op for op, _after in audited(unit.db, "import_pending")] == \
           ["insert", "insert", "delete"]
    # In JSON as the rules import gives it.
    again = procs.run(unit.db, "import", str(book), "--format", "json")
    parts = json.loads(again.stdout)["parts"]
    assert (parts["joined"], parts["waiting"]) == ({}, {"beslut": ["X-9"]})


def test_a_template_row_that_disagrees_with_its_waiting_decision_is_refused(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    before = store_state(unit.db)
    # The row brings a decision of its own, other than the waiting one: named, never chosen.
    book = filled_template(unit, tmp_path / "mall.xlsx", [
        ["X-1", "C-1", "2026-11", "2026-11-02", "2026-11-03", "2026-11-04", "rejected"]])
    result = procs.run(unit.db, "import", str(book))
    assert result.returncode == 1
    assert "Applications!G2: 'rejected' — Decision differs from 'granted' in the report " \
           "'beslut', whose part of this record waits for it: the two reports disagree" \
           in result.stderr
    assert store_state(unit.db) == before
    # The same decision written in the row too agrees: joined, nothing refused.
    same = filled_template(unit, tmp_path / "same.xlsx", [
        ["X-1", "C-1", "2026-11", "2026-11-02", "2026-11-03", "2026-11-04", "granted", 500]])
    assert procs.run(unit.db, "import", str(same)).returncode == 0
    assert applications(unit.db, "X-%") == [X1_JOINED]


def test_a_template_row_the_waiting_decision_does_not_fit_is_refused_at_its_cell(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    before = store_state(unit.db)
    book = filled_template(unit, tmp_path / "mall.xlsx", [["X-1", "C-1", "2026-11", "2026-11-06"]])
    result = procs.run(unit.db, "import", str(book))
    assert result.returncode == 1
    assert "Applications!F2: '2026-11-04' — decided before it was received (2026-11-06)" \
           in result.stderr
    assert store_state(unit.db) == before


def test_the_template_csv_brings_the_application_its_decision_joins(unit, tmp_path):
    decisions_wait(unit, tmp_path)
    own = tmp_path / "ansokningar.csv"
    own.write_text("Application,Case,Period,Received,Completed\n"
                   "X-1,C-1,2026-11,2026-11-02,2026-11-03\n", encoding="utf-8")
    result = unit.ok("import", own)
    assert "Joined: 1 row of beslut filled into its record." in result.stdout
    assert applications(unit.db, "X-%") == [X1_JOINED]
    # A file of another kind says nothing of the applications' waiting parts.
    handlers = procs.handlers_csv(tmp_path, 1)
    other = unit.ok("import", handlers)
    assert "Waiting" not in other.stdout and "Joined" not in other.stdout


# -- cases cannot come in parts ---------------------------------------------------------------------
CLOSURES = 'kind = "cases"\nfills = ["closed", "close_reason"]\n[dates]\nformats = ["%d.%m.%Y"]\n' \
           '[fields.id]\ncolumn = "Ärende"\n[fields.closed]\ncolumn = "Avslutat"\n' \
           '[fields.close_reason]\ncolumn = "Orsak"\n'
CASES_IN_PARTS = "error: avslut.toml: fills: cases cannot come from a report of parts: the " \
                 "assignments' history is checked against every case row whole, so no row may " \
                 "wait for the rest of its record. Leave out fills and let one report bring " \
                 "whole cases (with id, opened)"


def test_a_report_of_parts_of_cases_is_refused_with_its_reason_and_way_out(unit, tmp_path):
    rules = _write(tmp_path, "avslut.toml", CLOSURES)
    report = _write(tmp_path, "avslut.csv", "Ärende;Avslutat;Orsak\nC-1;20.11.2026;work\n")
    before = store_state(unit.db)
    assert unit.fails("import", report, "--rules", rules) == CASES_IN_PARTS
    checked = procs.run(unit.db, "rules", "check", str(rules), str(report))
    assert (checked.returncode, checked.stderr.splitlines()[-1]) == (1, CASES_IN_PARTS)
    assert store_state(unit.db) == before
    # The way out it names works: whole cases (with their opening day) from one report.
    whole = _write(tmp_path, "arenden.toml", CLOSURES.replace(
        'fills = ["closed", "close_reason"]\n', "").replace(
        '[fields.id]', '[fields.opened]\ncolumn = "Öppnat"\n[fields.id]'))
    cases = _write(tmp_path, "arenden.csv",
                   "Ärende;Öppnat;Avslutat;Orsak\nC-1;10.01.2026;20.11.2026;work\n")
    unit.ok("import", cases, "--rules", whole)
    assert procs.rows(unit.db, "SELECT closed, close_reason FROM cases WHERE id = 'C-1'") == [
        ("2026-11-20", "work")]
