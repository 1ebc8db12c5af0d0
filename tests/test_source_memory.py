"""The monthly re-import of a source's extract: nothing twice, changed rows updated, rows
missing since the last import of the same months listed, and deleted only when asked."""

from __future__ import annotations

import json
from pathlib import Path

import test_source_rules
from conftest import TODAY
from helpers import procs
from test_source_rules import RULES, applications, audit_rows, rules_file
from test_unchanged_rows import converted  # noqa: F401 - a fixture

from ekbist.sheet_import import import_extract
from ekbist.store import Store

OCTOBER = [
    "A-10;C-1;202610;06.10.2026;08.10.2026;Bifall;900;Aktiv;Bo Berg",
    "A-11;C-2;202610;07.10.2026;09.10.2026;Avslag;;Aktiv;Bo Berg",
]
NOVEMBER = [
    "A-1;C-1;202611;02.11.2026;04.11.2026;Bifall;1 234;Aktiv;Bo Berg",
    "A-2;C-2;202611;03.11.2026;05.11.2026;Delvis bifall;800;Aktiv;Bo Berg",
    "A-3;C-3;202611;03.11.2026;05.11.2026;Avslag;;Aktiv;Cia Ceder",
]


def extract(tmp_path: Path, rows: list[str], name: str = "extract.csv") -> Path:
    """test_source_rules' extract of ``rows``, with a footer that sums nothing."""
    return test_source_rules.extract(tmp_path, rows, name=name, footer="Summa;;;;;;;;")


def ids(db: Path) -> list[str]:
    return [row[0] for row in applications(db)]


def remembered(db: Path) -> list[tuple]:
    return procs.rows(db, "SELECT source, key, month FROM import_source_row ORDER BY month, key")


def test_a_missing_row_is_listed_not_deleted_until_asked(unit, tmp_path):
    rules = rules_file(tmp_path)
    unit.ok("import", extract(tmp_path, NOVEMBER), "--rules", rules)
    before = audit_rows(unit.db)
    listed = unit.ok("import", extract(tmp_path, NOVEMBER[:1] + NOVEMBER[2:]), "--rules", rules)
    assert "Missing since the last import of procapita (2026-11), not deleted " \
           "(--delete-missing deletes them): A-2" in listed.output
    assert ids(unit.db) == ["A-1", "A-2", "A-3"]
    # Nothing changed in the unit's records: only the import's one summary row.
    assert audit_rows(unit.db) == before + 1
    # Listed again next time: it is still remembered until it is deleted.
    again = unit.ok("import", extract(tmp_path, NOVEMBER[:1] + NOVEMBER[2:]), "--rules", rules,
                    "--dry-run", "--delete-missing")
    assert "To delete, missing since the last import of procapita (2026-11): A-2" in again.output
    assert ids(unit.db) == ["A-1", "A-2", "A-3"]
    deleted = unit.ok("import", extract(tmp_path, NOVEMBER[:1] + NOVEMBER[2:]), "--rules", rules,
                      "--delete-missing")
    assert "Deleted, missing since the last import of procapita (2026-11): A-2" in deleted.output
    assert ids(unit.db) == ["A-1", "A-3"]
    assert procs.scalar(unit.db, "SELECT count(*) FROM audit WHERE tbl = 'application' AND "
                                 "key = 'A-2' AND action = 'delete'") == 1
    assert remembered(unit.db) == [("procapita", "A-1", "2026-11"), ("procapita", "A-3", "2026-11")]
    quiet = unit.ok("import", extract(tmp_path, NOVEMBER[:1] + NOVEMBER[2:]), "--rules", rules,
                    "--delete-missing")
    assert "issing since" not in quiet.output and ids(unit.db) == ["A-1", "A-3"]


def test_an_overlapping_extract_updates_and_adds_and_nothing_twice(unit, tmp_path):
    rules = rules_file(tmp_path)
    unit.ok("import", extract(tmp_path, OCTOBER + NOVEMBER[:2]), "--rules", rules)
    # The next month's extract: A-2 decided again with another amount, A-3 new, A-1 as it was.
    changed = NOVEMBER[1].replace(";800;", ";850;")
    result = unit.ok("import", extract(tmp_path, [NOVEMBER[0], changed, NOVEMBER[2]]),
                     "--rules", rules)
    assert "Applications      1        1          1" in result.output
    assert "Applications A-2 (extract!A4): Amount 800 → 850" in result.output
    # October is not in this extract: its rows are neither missing nor touched.
    assert "issing since" not in result.output
    assert ids(unit.db) == ["A-1", "A-10", "A-11", "A-2", "A-3"]
    assert procs.scalar(unit.db, "SELECT amount FROM application WHERE id = 'A-2'") == 850
    assert [r[1:] for r in remembered(unit.db)] == [
        ("A-10", "2026-10"), ("A-11", "2026-10"), ("A-1", "2026-11"), ("A-2", "2026-11"),
        ("A-3", "2026-11")]


def test_the_missing_rows_in_json(unit, tmp_path):
    rules = rules_file(tmp_path)
    unit.ok("import", extract(tmp_path, NOVEMBER), "--rules", rules)
    result = unit.ok("import", extract(tmp_path, NOVEMBER[2:]), "--rules", rules, "--format", "json")
    assert json.loads(result.output)["missing"] == {
        "source": "procapita", "kind": "applications", "months": ["2026-11"],
        "keys": ["A-1", "A-2"], "deleted": False}


def test_each_source_remembers_its_own_rows(unit, tmp_path):
    procapita, other = rules_file(tmp_path), rules_file(tmp_path, name="ovrigt.toml")
    unit.ok("import", extract(tmp_path, NOVEMBER[:2]), "--rules", procapita)
    result = unit.ok("import", extract(tmp_path, NOVEMBER[2:]), "--rules", other)
    assert "issing since" not in result.output      # came from another source
    assert ids(unit.db) == ["A-1", "A-2", "A-3"]


def test_a_source_name_keeps_its_kind(unit, tmp_path):
    unit.ok("import", extract(tmp_path, NOVEMBER[:1]), "--rules", rules_file(tmp_path))
    cases = tmp_path / "cases.csv"
    cases.write_text("Ärende;Handläggare;Öppnat\nC-9;bo;2026-11-02\n", encoding="utf-8")
    rules = rules_file(tmp_path, 'kind = "cases"\nsource = "procapita"\n[fields.id]\ncolumn = '
                       '"Ärende"\n[fields.handler]\ncolumn = "Handläggare"\n[fields.opened]\n'
                       'column = "Öppnat"\n', name="arenden.toml")
    line = unit.fails("import", cases, "--rules", rules)
    assert line == "error: the source 'procapita' has brought applications so far, not cases: " \
                   "give the rules file another source name"


def test_delete_missing_needs_rules(unit, tmp_path):
    line = unit.fails("import", extract(tmp_path, NOVEMBER), "--delete-missing")
    assert line == "error: --delete-missing needs --rules: only an extract's source remembers " \
                   "what it read"


def test_the_period_field_the_rules_name(unit, tmp_path):
    # By the month applied for instead of the day received: A-3 is for December.
    rules = rules_file(tmp_path, RULES.replace('kind = "applications"',
                                               'kind = "applications"\nperiod = "period"'))
    december = NOVEMBER[2].replace("202611", "202612")
    unit.ok("import", extract(tmp_path, [*NOVEMBER[:2], december]), "--rules", rules)
    assert [r[1:] for r in remembered(unit.db)] == [("A-1", "2026-11"), ("A-2", "2026-11"),
                                                    ("A-3", "2026-12")]
    bad = rules_file(tmp_path, RULES.replace('kind = "applications"',
                                             'kind = "applications"\nperiod = "amount"'))
    line = unit.fails("import", extract(tmp_path, NOVEMBER), "--rules", bad)
    assert line == "error: procapita.toml: period: must be a date or month field of " \
                   "applications: period, received, completed, decided, first_contact"


# -- the shortcut for rows found exactly as stored (ekbist.sheets.unchanged) -----------------
def _source_row(db: Path) -> tuple:
    return tuple(procs.scalar(db, f"SELECT {column} FROM import_source")
                 for column in ("last_file", "last_at", "months", "rows"))


def test_an_unchanged_reimport_converts_nothing_writes_nothing_and_audits_nothing(
        unit, tmp_path, converted):
    rules, path = rules_file(tmp_path), extract(tmp_path, NOVEMBER)
    unit.ok("import", path, "--rules", rules)
    records, memory, source = applications(unit.db), remembered(unit.db), _source_row(unit.db)
    audited = audit_rows(unit.db)
    converted[0] = 0
    with Store.open(unit.db) as store:
        report = import_extract(store, path, rules, today=TODAY)
    counts = report.kinds["applications"]
    assert (counts.added, counts.changed, counts.unchanged) == (0, 0, 3)
    # The three rows were found as stored: not one cell went through the kind's conversion.
    assert converted[0] == 0
    assert report.missing["keys"] == []
    assert applications(unit.db) == records and remembered(unit.db) == memory
    # Not even the source's summary: the memory already held what it would write.
    assert _source_row(unit.db) == source and audit_rows(unit.db) == audited


def test_a_changed_cell_is_still_written_and_only_its_row_converted(unit, tmp_path, converted):
    rules = rules_file(tmp_path)
    unit.ok("import", extract(tmp_path, NOVEMBER), "--rules", rules)
    audited = audit_rows(unit.db)
    converted[0] = 0
    changed = [NOVEMBER[0], NOVEMBER[1].replace(";800;", ";850;"), NOVEMBER[2]]
    with Store.open(unit.db) as store:
        report = import_extract(store, extract(tmp_path, changed), rules, today=TODAY)
    counts = report.kinds["applications"]
    assert (counts.added, counts.unchanged) == (0, 2)
    assert counts.changes == [{"key": {"id": "A-2"}, "cell": "extract!A4",
                               "fields": {"amount": {"old": 800, "new": 850}}}]
    # A-2 alone took the whole way: its seven mapped fields, each converted once.
    assert converted[0] == 7
    assert procs.scalar(unit.db, "SELECT amount FROM application WHERE id = 'A-2'") == 850
    # One audited update of A-2 and the source's one summary row.
    assert audit_rows(unit.db) == audited + 2
    assert procs.scalar(unit.db, "SELECT count(*) FROM audit WHERE tbl = 'application' "
                                 "AND action = 'update' AND key = 'A-2'") == 1


def test_a_row_missing_from_an_otherwise_unchanged_extract_is_still_named(unit, tmp_path,
                                                                          converted):
    # The rows left out as stored still count as read: only A-2 is missing, not all three.
    rules = rules_file(tmp_path)
    unit.ok("import", extract(tmp_path, NOVEMBER), "--rules", rules)
    converted[0] = 0
    with Store.open(unit.db) as store:
        report = import_extract(store, extract(tmp_path, [NOVEMBER[0], NOVEMBER[2]]), rules,
                                today=TODAY, dry_run=True)
    assert converted[0] == 0
    assert report.missing["keys"] == ["A-2"]
