"""Several reports make one record (docs/rules.md): an application report and a decision
report of the same case system, joined on the system's id, fill one application each, in
either order — on both sides: what a unit does that must work (either order, the same
reports again, a decision whose application never comes) and every way it can go wrong
(the reports disagree, both bring a field, a personnummer in the id column, a joined
record that breaks a rule)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import procs
from test_unchanged_rows import converted  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "rules"
PAIR = ("combine-ansokningar", "combine-beslut")

# Counted by hand from examples/rules/combine-*.csv: CB-7003 has no decision yet; 6 215,50
# rounds to 6 216 (halves away from zero); Avslag has no amount; CB-7005's application is in
# no application report, so its decision waits, never guessed into a record.
JOINED = [
    ("CB-7001", "C000297", "2026-11", "2026-11-02", "2026-11-02", "2026-11-05", "granted", 12480),
    ("CB-7002", "C000226", "2026-11", "2026-11-03", "2026-11-04", "2026-11-09", "partly", 6216),
    ("CB-7003", "C000020", "2026-11", "2026-11-03", None, None, None, None),
    ("CB-7004", "C000390", "2026-11", "2026-11-04", "2026-11-04", "2026-11-06", "rejected", None),
]
WAITING = [("combine-beslut", "CB-7005", {"amount": 3100, "case": "C000006",
                                          "decided": "2026-11-24", "decision": "granted"})]


def applications(db: Path, like: str = "CB-%") -> list[tuple]:
    return procs.rows(db, "SELECT id, case_id, period, received, completed, decided, decision, amount "
                     f"FROM application WHERE id LIKE '{like}' ORDER BY id")


def waiting(db: Path) -> list[tuple]:
    return [(source, key, json.loads(fields)) for source, key, fields in procs.rows(
        db, "SELECT source, key, fields FROM import_pending ORDER BY source, key")]


def audit_count(db: Path) -> int:
    return procs.scalar(db, "SELECT count(*) FROM audit")


def run(db: Path, folder: Path, name: str, *more: str):
    return procs.run(db, "--today", "2026-11-25", "import", str(folder / f"{name}.csv"),
                     "--rules", str(folder / f"{name}.toml"), *more)


@pytest.fixture
def folder(tmp_path) -> Path:
    for path in EXAMPLES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


# -- the example pair, in both orders ------------------------------------------------------
def test_applications_first_then_decisions(demo_copy, folder):
    first = run(demo_copy, folder, "combine-ansokningar")
    assert first.returncode == 0, first.stderr
    assert "Applications      4        0          0" in first.stdout
    assert [r[:5] + (None, None, None) for r in applications(demo_copy)] == \
           [r[:5] + (None, None, None) for r in JOINED]
    second = run(demo_copy, folder, "combine-beslut")
    assert second.returncode == 0, second.stderr
    assert "Applications      0        3          0" in second.stdout
    assert "Applications CB-7002 ('combine-beslut'!A4): Decided (empty) → 2026-11-09; " \
           "Decision (empty) → partly granted; Amount (empty) → 6,216" in second.stdout
    assert "Waiting: 1 row of combine-beslut waits for its record, which no report has " \
           "brought yet: CB-7005" in second.stdout
    assert applications(demo_copy) == JOINED
    assert waiting(demo_copy) == WAITING


def test_decisions_first_then_applications(demo_copy, folder):
    before = audit_count(demo_copy)
    first = run(demo_copy, folder, "combine-beslut")
    assert first.returncode == 0, first.stderr
    assert "Waiting: 4 rows of combine-beslut wait for their records, which no report has " \
           "brought yet: CB-7001, CB-7002, CB-7004, CB-7005" in first.stdout
    assert applications(demo_copy) == []
    assert [key for _source, key, _fields in waiting(demo_copy)] == [
        "CB-7001", "CB-7002", "CB-7004", "CB-7005"]
    # Four waiting parts, each insert audited, and the source's summary.
    assert audit_count(demo_copy) == before + 4 + 1
    second = run(demo_copy, folder, "combine-ansokningar")
    assert second.returncode == 0, second.stderr
    assert "Applications      4        0          0" in second.stdout
    assert "Joined: 3 rows of combine-beslut filled into their records." in second.stdout
    assert "CB-7005" in second.stdout
    # The same four applications as the other order: each written once, whole.
    assert applications(demo_copy) == JOINED
    assert waiting(demo_copy) == WAITING
    assert procs.rows(demo_copy, "SELECT key, action FROM audit WHERE tbl = 'application' AND key "
                            "LIKE 'CB-%' ORDER BY id") == [
        ("CB-7001", "insert"), ("CB-7002", "insert"), ("CB-7003", "insert"),
        ("CB-7004", "insert")]
    assert procs.rows(demo_copy, "SELECT key, action FROM audit WHERE tbl = 'import_pending' AND "
                            "action = 'delete' ORDER BY id") == [
        ('["combine-beslut","CB-7001"]', "delete"), ('["combine-beslut","CB-7002"]', "delete"),
        ('["combine-beslut","CB-7004"]', "delete")]


@pytest.mark.parametrize("order", [PAIR, PAIR[::-1]])
def test_either_report_again_writes_nothing(demo_copy, folder, order):
    for name in order:
        assert run(demo_copy, folder, name).returncode == 0
    before, records = audit_count(demo_copy), applications(demo_copy)
    for name in (*order, *order):
        again = run(demo_copy, folder, name)
        assert again.returncode == 0, again.stderr
        assert "Added" in again.stdout and "      0        0" in again.stdout
        assert "CB-7005" in again.stdout   # still listed: its application never came
    assert audit_count(demo_copy) == before
    assert applications(demo_copy) == records == JOINED
    assert waiting(demo_copy) == WAITING


def test_a_waiting_decision_in_json_and_a_dry_run(demo_copy, folder):
    dry = run(demo_copy, folder, "combine-beslut", "--dry-run", "--format", "json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["parts"] == {
        "kind": "applications", "fills": ["decided", "decision", "amount"],
        "waiting": {"combine-beslut": ["CB-7001", "CB-7002", "CB-7004", "CB-7005"]},
        "joined": {}}
    assert waiting(demo_copy) == []


def test_rules_check_says_what_the_report_fills(folder):
    result = procs.run(None, "rules", "check", str(folder / "combine-beslut.toml"),
                       str(folder / "combine-beslut.csv"))
    assert result.returncode == 0, result.stderr
    assert "Fills Decided, Decision, Amount of Applications another report brings, joined on " \
           "Application: a row whose record is not in the store yet waits for it." in result.stdout


# -- on the small unit: both sides of each rule ---------------------------------------------
APPLICATIONS = """\
kind = "applications"
source = "ansokningar"
[file]
delimiter = ";"
[dates]
formats = ["%d.%m.%Y"]
[fields.id]
column = "Ärende-id"
[fields.case]
column = "Ärendenr"
[fields.period]
column = "Månad"
[fields.received]
column = "Inkommen"
"""
DECISIONS = """\
kind = "applications"
source = "beslut"
period = "decided"
fills = ["decided", "decision", "amount"]
[file]
delimiter = ";"
[dates]
formats = ["%d.%m.%Y"]
[fields.id]
column = "Ärende-id"
[fields.case]
column = "Ärendenr"
[fields.decided]
column = "Beslutsdatum"
[fields.decision]
column = "Beslut"
map = { "Bifall" = "granted", "Avslag" = "rejected" }
[fields.amount]
column = "Belopp"
"""
APP_HEADER = "Ärende-id;Ärendenr;Månad;Inkommen"
DEC_HEADER = "Ärende-id;Ärendenr;Beslutsdatum;Beslut;Belopp"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    """An extract as a case system writes it (Windows-1252, CRLF); a rules file in UTF-8."""
    path = tmp_path / name
    if name.endswith(".toml"):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return path


def reports(tmp_path: Path, apps: list[str], decisions: list[str],
            app_rules: str = APPLICATIONS, dec_rules: str = DECISIONS) -> dict[str, tuple]:
    return {
        "apps": (_write(tmp_path, "ansokningar.csv", "\n".join([APP_HEADER, *apps]) + "\n"),
                 _write(tmp_path, "ansokningar.toml", app_rules)),
        "decisions": (_write(tmp_path, "beslut.csv", "\n".join([DEC_HEADER, *decisions]) + "\n"),
                      _write(tmp_path, "beslut.toml", dec_rules)),
    }


def store_state(db: Path) -> tuple:
    return (applications(db, "%"), waiting(db), audit_count(db),
            procs.rows(db, "SELECT name, months, rows, fields, fills FROM import_source ORDER BY name"))


def test_the_reports_disagree_on_the_case_in_either_order(unit, tmp_path):
    files = reports(tmp_path, ["X-1;C-1;2026-11;02.11.2026"], ["X-1;C-2;04.11.2026;Bifall;500"])
    unit.ok("import", *files["apps"][:1], "--rules", files["apps"][1])
    before = store_state(unit.db)
    line = unit.fails("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert line == "error: 1 problem found — nothing was written"
    result = unit("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert "beslut!B2: 'C-2' — Case differs from the record in the store ('C-1'): the two " \
           "reports disagree" in result.stderr
    assert store_state(unit.db) == before
    # The other order: the decision waits with C-2, and the application with C-1 is refused.
    other = tmp_path / "other"
    other.mkdir()
    files = reports(other, ["X-2;C-1;2026-11;02.11.2026"], ["X-2;C-2;04.11.2026;Bifall;500"])
    unit.ok("import", files["decisions"][0], "--rules", files["decisions"][1])
    before = store_state(unit.db)
    result = unit("import", files["apps"][0], "--rules", files["apps"][1])
    assert result.exit_code == 1
    assert "ansokningar!B2: 'C-1' — Case differs from 'C-2' in the report 'beslut', whose part " \
           "of this record waits for it: the two reports disagree" in result.stderr
    assert store_state(unit.db) == before


def test_an_empty_case_cell_in_the_decision_report_says_nothing(unit, tmp_path):
    # Required, so an empty case is refused as in any import: never read as "no case".
    files = reports(tmp_path, ["X-1;C-1;2026-11;02.11.2026"], ["X-1;;04.11.2026;Bifall;500"])
    unit.ok("import", files["apps"][0], "--rules", files["apps"][1])
    before = store_state(unit.db)
    result = unit("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert result.exit_code == 1 and "beslut!B2" in result.stderr
    assert store_state(unit.db) == before


def test_a_joined_record_is_checked_whole(unit, tmp_path):
    # Decided 01.11 is before the application came in on 02.11: the decision report alone
    # cannot know it; the application report that brings the record is refused.
    files = reports(tmp_path, ["X-1;C-1;2026-11;02.11.2026"], ["X-1;C-1;01.11.2026;Bifall;500"])
    unit.ok("import", files["decisions"][0], "--rules", files["decisions"][1])
    before = store_state(unit.db)
    result = unit("import", files["apps"][0], "--rules", files["apps"][1])
    assert result.exit_code == 1
    assert "decided before it was received (2026-11-02)" in result.stderr
    assert store_state(unit.db) == before
    # The same rule in the other order, on the decision report.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    files = reports(fresh, ["X-2;C-1;2026-11;02.11.2026"], ["X-2;C-1;01.11.2026;Bifall;500"])
    unit.ok("import", files["apps"][0], "--rules", files["apps"][1])
    before = store_state(unit.db)
    result = unit("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert result.exit_code == 1 and "decided before it was received (2026-11-02)" in result.stderr
    assert store_state(unit.db) == before


def test_a_personnummer_in_the_id_column_is_refused(unit, tmp_path):
    files = reports(tmp_path, [], ["19811218-9876;C-1;04.11.2026;Bifall;500"])
    before = store_state(unit.db)
    result = unit("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert result.exit_code == 1
    assert "looks like a personnummer" in result.stderr and "9876" not in result.stderr
    assert store_state(unit.db) == before
    assert "9876" not in json.dumps(procs.rows(unit.db, "SELECT * FROM import_pending"))


def test_two_reports_may_not_both_bring_a_field(unit, tmp_path):
    # The application report also reads the decision day, which the decision report fills.
    app_rules = APPLICATIONS + '[fields.decided]\ncolumn = "Beslutsdatum"\n'
    files = reports(tmp_path, [], ["X-1;C-1;04.11.2026;Bifall;500"], app_rules=app_rules)
    _write(tmp_path, "ansokningar.csv",
           APP_HEADER + ";Beslutsdatum\nX-1;C-1;2026-11;02.11.2026;04.11.2026\n")
    unit.ok("import", files["decisions"][0], "--rules", files["decisions"][1])
    before = store_state(unit.db)
    line = unit.fails("import", files["apps"][0], "--rules", files["apps"][1])
    assert line == "error: the reports 'ansokningar' and 'beslut' both read decided of " \
                   "applications, which one of them fills: a field is brought by one report " \
                   "only — put its column in the ignore list of one rules file"
    assert store_state(unit.db) == before


def test_a_waiting_decision_follows_its_report_and_leaves_it(unit, tmp_path):
    files = reports(tmp_path, [], ["X-1;C-1;04.11.2026;Bifall;500", "X-2;C-2;05.11.2026;Avslag;"])
    unit.ok("import", files["decisions"][0], "--rules", files["decisions"][1])
    # Exported again: X-1's amount corrected, X-2 no longer in the report.
    _write(tmp_path, "beslut.csv", DEC_HEADER + "\nX-1;C-1;04.11.2026;Bifall;650\n")
    result = unit.ok("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert "Waiting: 1 row of beslut waits for its record, which no report has brought yet: " \
           "X-1" in result.output
    assert waiting(unit.db) == [("beslut", "X-1", {"amount": 650, "case": "C-1",
                                                   "decided": "2026-11-04",
                                                   "decision": "granted"})]
    assert procs.rows(unit.db, "SELECT key, action FROM audit WHERE tbl = 'import_pending' "
                          "ORDER BY id") == [
        ('["beslut","X-1"]', "insert"), ('["beslut","X-2"]', "insert"),
        ('["beslut","X-2"]', "delete"), ('["beslut","X-1"]', "update")]
    assert applications(unit.db, "X-%") == []


def test_delete_missing_deletes_nothing_through_a_report_of_parts(unit, tmp_path):
    files = reports(tmp_path, [], ["X-1;C-1;04.11.2026;Bifall;500"])
    line = unit.fails("import", files["decisions"][0], "--rules", files["decisions"][1],
                      "--delete-missing")
    assert line == "error: --delete-missing cannot be used with beslut.toml: its report fills " \
                   "part of records another report brings, and that report says which records " \
                   "are gone"
    assert waiting(unit.db) == []


@pytest.mark.parametrize(("fills", "reason"), [
    ('["decided", "decisoin"]', "fills: applications has no field 'decisoin' (did you mean "
                                "'decision'?)"),
    ('["id"]', "fills: 'id' is the key both reports are joined on, not a field this report "
               "fills"),
    ('["completed"]', "fills: 'completed' is filled by no [fields.completed] table of this "
                      "rules file"),
    ("3", 'fills: must be a list of fields, e.g. fills = ["decided", "decision", "amount"]'),
])
def test_a_wrong_fills_is_named_before_any_row_is_read(unit, tmp_path, fills, reason):
    text = DECISIONS.replace('fills = ["decided", "decision", "amount"]', f"fills = {fills}")
    files = reports(tmp_path, [], ["X-1;C-1;04.11.2026;Bifall;500"], dec_rules=text)
    line = unit.fails("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert line == f"error: beslut.toml: {reason}"


def test_the_key_of_a_report_of_parts_must_come_from_its_column(unit, tmp_path):
    text = DECISIONS.replace('[fields.id]\ncolumn = "Ärende-id"', '[fields.id]\nvalue = "X-1"')
    files = reports(tmp_path, [], ["X-1;C-1;04.11.2026;Bifall;500"], dec_rules=text)
    line = unit.fails("import", files["decisions"][0], "--rules", files["decisions"][1])
    assert line == "error: beslut.toml: fills: the reports are joined on the key 'id' of " \
                   "applications: read it from the report's column in [fields.id]"


def test_a_kind_whose_rows_other_rules_read_whole_cannot_come_in_parts(unit, tmp_path):
    # The assignments' history reads every case row whole: a closure report of parts, whose
    # rows may wait, is refused before any row is read.
    rules = _write(tmp_path, "avslut.toml", 'kind = "cases"\nfills = ["closed", "close_reason"]\n'
                   '[fields.id]\ncolumn = "Ärende"\n[fields.closed]\ncolumn = "Avslutat"\n'
                   '[fields.close_reason]\ncolumn = "Orsak"\n')
    report = _write(tmp_path, "avslut.csv", "Ärende;Avslutat;Orsak\nC-1;20.11.2026;arbete\n")
    before = store_state(unit.db)
    line = unit.fails("import", report, "--rules", rules)
    assert line.startswith("error: avslut.toml: fills: cases cannot come from a report of "
                           "parts: the assignments' history")   # whole: test_waiting_parts
    assert store_state(unit.db) == before


def test_rules_check_in_json_names_the_fields_filled(folder):
    for name, fills in (("combine-beslut", ["decided", "decision", "amount"]),
                        ("combine-ansokningar", [])):
        result = procs.run(None, "rules", "check", str(folder / f"{name}.toml"),
                           str(folder / f"{name}.csv"), "--format", "json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert (data["fills"], data["rows"], data["problems"]) == (fills, 4, [])


# -- the shortcut for rows found exactly as stored (ekbist.sheets.unchanged) -------------------
def _import(db: Path, report: Path, rules: Path):
    from conftest import TODAY

    from ekbist.sheet_import import import_extract
    from ekbist.store import Store

    with Store.open(db) as store:
        return import_extract(store, report, rules, today=TODAY)


def test_a_decision_that_never_comes_leaves_the_shortcut_on(unit, tmp_path, converted):
    # X-9's application is in no report: its decision waits for good, and the application
    # report found exactly as stored is still read without converting a cell.
    files = reports(tmp_path, ["X-1;C-1;2026-11;02.11.2026"],
                    ["X-1;C-1;04.11.2026;Bifall;500", "X-9;C-2;05.11.2026;Avslag;"])
    unit.ok("import", *files["decisions"][:1], "--rules", files["decisions"][1])
    unit.ok("import", files["apps"][0], "--rules", files["apps"][1])
    assert [key for _source, key, _fields in waiting(unit.db)] == ["X-9"]
    before = store_state(unit.db)
    converted[0] = 0
    report = _import(unit.db, *files["apps"])
    counts = report.kinds["applications"]
    assert (counts.added, counts.changed, counts.unchanged) == (0, 0, 1)
    assert converted[0] == 0
    assert report.parts["waiting"] == {"beslut": ["X-9"]}
    assert store_state(unit.db) == before


def test_a_part_whose_record_is_in_a_store_written_before_every_door_joined(
        unit, tmp_path, converted):
    # X-1's decision waits, and X-1 is in the store without it: a store written before every
    # door joined a waiting part (an older ekbist wrote the application as any program would).
    files = reports(tmp_path, ["X-1;C-1;2026-11;02.11.2026"], ["X-1;C-1;04.11.2026;Bifall;500"])
    unit.ok("import", files["decisions"][0], "--rules", files["decisions"][1])
    import sqlite3

    conn = sqlite3.connect(unit.db)
    with conn:
        conn.execute("INSERT INTO application (id, case_id, period, received) "
                     "VALUES ('X-1', 'C-1', '2026-11', '2026-11-02')")
    conn.close()
    # The application report holds X-1 exactly as stored: it still takes the whole way, so
    # its waiting decision is joined, not left waiting behind the shortcut.
    converted[0] = 0
    report = _import(unit.db, *files["apps"])
    assert converted[0] > 0
    assert report.parts["joined"] == {"beslut": 1}
    assert applications(unit.db, "X-%") == [
        ("X-1", "C-1", "2026-11", "2026-11-02", None, "2026-11-04", "granted", 500)]
    assert waiting(unit.db) == []
