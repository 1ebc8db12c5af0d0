"""Rules files for case-management systems' extracts: ``import FILE --rules RULES`` and
``rules check`` (docs/rules.md), on both sides of every rule."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import procs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "rules"

# The small unit of conftest.build_unit has cases C-1 … C-4 and handlers anna, bo, cia.
RULES = """\
kind = "applications"
ignore = ["Handläggare"]

[file]
delimiter = ";"
skip = 1
footer = 1

[dates]
formats = ["%d.%m.%Y"]

[numbers]
decimal = ","
thousands = [" ", "."]
round = true

[fields.id]
column = ["Ans.nr", "Ansökningsnr"]
[fields.case]
column = "Ärendenr"
[fields.period]
column = "Avser"
formats = ["%Y%m"]
[fields.received]
column = "Inkom"
[fields.decided]
column = "Beslutsdatum"
[fields.decision]
column = "Beslut"
map = { "Bifall" = "granted", "Delvis bifall" = "partly", "Avslag" = "rejected", "Återtagen" = "withdrawn" }
[fields.amount]
column = "Belopp"

[[when]]
column = "Status"
matches = "^Makulerad$"
skip = true
"""

HEADER = "Ans.nr;Ärendenr;Avser;Inkom;Beslutsdatum;Beslut;Belopp;Status;Handläggare"
ROWS = [
    "A-1;C-1;202611;02.11.2026;04.11.2026;Bifall;1 234,00;Aktiv;Bo Berg",
    "A-2;C-2;202611;03.11.2026;05.11.2026;Delvis bifall;1.234,50 kr;Aktiv;Bo Berg",
    "A-3;C-3;202611;03.11.2026;05.11.2026;Avslag;;Aktiv;Cia Ceder",
    "A-4;C-4;202611;04.11.2026;;;;Makulerad;Anna Andersson",
]


def extract(tmp_path: Path, rows: list[str] = ROWS, *, header: str = HEADER,
            encoding: str = "cp1252", name: str = "extract.csv", footer: str = "Summa;;;;;;2 468,50;;",
            bom: bool = False) -> Path:
    path = tmp_path / name
    text = "\r\n".join(["Ansökningar 2026-11 (Procapita)", header, *rows, footer]) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def rules_file(tmp_path: Path, text: str = RULES, name: str = "procapita.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def applications(db: Path) -> list[tuple]:
    return procs.rows(db, "SELECT id, case_id, period, received, decided, decision, amount "
                          "FROM application ORDER BY id")


def audit_rows(db: Path) -> int:
    return procs.scalar(db, "SELECT count(*) FROM audit")


# Imported from ROWS, counted by hand: A-4 is "Makulerad" (skipped), 1.234,50 kr rounds to
# 1 235 (halves away from zero), Avslag has no amount.
EXPECTED = [
    ("A-1", "C-1", "2026-11", "2026-11-02", "2026-11-04", "granted", 1234),
    ("A-2", "C-2", "2026-11", "2026-11-03", "2026-11-05", "partly", 1235),
    ("A-3", "C-3", "2026-11", "2026-11-03", "2026-11-05", "rejected", None),
]


# -- the normal path ------------------------------------------------------------------------
def test_an_extract_is_imported_through_its_rules(unit, tmp_path):
    before = audit_rows(unit.db)
    result = unit.ok("import", extract(tmp_path), "--rules", rules_file(tmp_path))
    assert "Applications      3        0          0" in result.output
    assert applications(unit.db) == EXPECTED
    # One audited insert per application, and the source's one summary of what it read.
    assert audit_rows(unit.db) == before + 3 + 1
    assert procs.scalar(unit.db, "SELECT count(*) FROM audit WHERE tbl = 'application' AND "
                                 "action = 'insert'") == 3
    again = unit.ok("import", extract(tmp_path), "--rules", rules_file(tmp_path))
    assert "Applications      0        0          3" in again.output
    assert applications(unit.db) == EXPECTED


def test_a_dry_run_writes_nothing(unit, tmp_path):
    before = audit_rows(unit.db)
    result = unit.ok("import", extract(tmp_path), "--rules", rules_file(tmp_path), "--dry-run")
    assert "Applications to add: A-1, A-2, A-3" in result.output
    assert applications(unit.db) == [] and audit_rows(unit.db) == before


@pytest.mark.parametrize("encoding,bom", [("cp1252", False), ("utf-8", True), ("utf-8", False)])
def test_windows_1252_and_utf8_with_or_without_bom(unit, tmp_path, encoding, bom):
    unit.ok("import", extract(tmp_path, encoding=encoding, bom=bom), "--rules", rules_file(tmp_path))
    assert applications(unit.db) == EXPECTED


def test_a_byte_order_mark_wins_over_the_declared_encoding(unit, tmp_path):
    rules = rules_file(tmp_path, RULES.replace("[file]\n", '[file]\nencoding = "windows-1252"\n'))
    unit.ok("import", extract(tmp_path, encoding="utf-8", bom=True), "--rules", rules)
    assert applications(unit.db) == EXPECTED


def test_a_declared_encoding_that_is_wrong_is_named_by_its_headers(unit, tmp_path):
    # UTF-8 read as Windows-1252 turns "Ärendenr" into "Ã„rendenr": no column is guessed.
    rules = rules_file(tmp_path, RULES.replace("[file]\n", '[file]\nencoding = "windows-1252"\n'))
    result = unit("import", extract(tmp_path, encoding="utf-8"), "--rules", rules)
    assert result.exit_code == 1
    assert "fields.case: no column has this header (did you mean 'Ã„rendenr'?)" in result.stderr
    assert applications(unit.db) == []


def test_a_declared_utf8_that_is_windows_1252_is_refused_as_such(unit, tmp_path):
    # "Ä" in Windows-1252 is the byte C4, which no UTF-8 text holds alone: the rules' own
    # encoding is named, not ekbist's guess (no Windows-1252 fallback behind it).
    rules = rules_file(tmp_path, RULES.replace("[file]\n", '[file]\nencoding = "UTF8"\n'))
    path = extract(tmp_path, encoding="cp1252")
    assert unit.fails("import", path, "--rules", rules) == \
        f"error: {path}: not utf-8 text, as the rules file says it is"
    assert applications(unit.db) == []


def test_headers_match_in_any_case_and_spacing(unit, tmp_path):
    header = "  ANS.NR ;ärendenr;Avser ;INKOM;Beslutsdatum;beslut;Belopp;Status;Handläggare"
    unit.ok("import", extract(tmp_path, header=header), "--rules", rules_file(tmp_path))
    assert applications(unit.db) == EXPECTED


def test_an_alternative_header_is_accepted(unit, tmp_path):
    unit.ok("import", extract(tmp_path, header=HEADER.replace("Ans.nr", "Ansökningsnr")),
            "--rules", rules_file(tmp_path))
    assert applications(unit.db) == EXPECTED


def test_an_empty_footer_line_and_blank_lines_are_no_rows(unit, tmp_path):
    path = extract(tmp_path, footer="Summa;;;;;;2 468,50;;\r\n;;;;;;;;\r\n")
    unit.ok("import", path, "--rules", rules_file(tmp_path))
    assert applications(unit.db) == EXPECTED


def test_without_the_footer_rule_a_summa_line_is_checked_as_a_total(unit, tmp_path):
    # As in ekbist's own sheets, a "Summa" row is a total: checked, never imported.
    rules = rules_file(tmp_path, RULES.replace("footer = 1\n", ""))
    wrong = unit("import", extract(tmp_path, footer="Summa;;;;;;9 999;;"), "--rules", rules)
    assert wrong.exit_code == 1 and "extract!G7: '9999' — does not match the sum" in wrong.stderr
    assert applications(unit.db) == []
    unit.ok("import", extract(tmp_path, footer="Summa;;;;;;2 469;;"), "--rules", rules)
    assert applications(unit.db) == EXPECTED


def test_a_when_rule_sets_a_field(unit, tmp_path):
    rules = rules_file(tmp_path, RULES + '\n[[when]]\ncolumn = "Beslut"\nmatches = "^Nödbistånd$"\n'
                       'set = { decision = "granted" }\n')
    rows = [*ROWS[:3], "A-5;C-4;202611;04.11.2026;04.11.2026;Nödbistånd;500;Aktiv;Anna"]
    # "Nödbistånd" is not in the map, but the when rule sets the decision: no problem.
    unit.ok("import", extract(tmp_path, rows), "--rules", rules)
    assert applications(unit.db)[-1] == ("A-5", "C-4", "2026-11", "2026-11-04", "2026-11-04",
                                         "granted", 500)


def test_a_constant_field(unit, tmp_path):
    rules = rules_file(tmp_path, RULES + '\n[fields.first_contact]\nvalue = "2026-11-01"\n')
    unit.ok("import", extract(tmp_path), "--rules", rules)
    assert procs.scalar(unit.db, "SELECT count(*) FROM application WHERE first_contact = "
                                 "'2026-11-01'") == 3


# -- what the rules refuse ----------------------------------------------------------------
def refused(unit, tmp_path, path: Path, rules: Path | None = None) -> list[str]:
    """The problem lines of an import that must write nothing."""
    before = (applications(unit.db), audit_rows(unit.db))
    result = unit("import", path, "--rules", rules or rules_file(tmp_path))
    assert result.exit_code == 1, result.output
    assert (applications(unit.db), audit_rows(unit.db)) == before
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "Traceback" not in result.stderr
    return lines[:-1]


def refused_first_row(unit, tmp_path, old: str, new: str) -> list[str]:
    """The problem lines of ROWS with ``old`` in the first row written ``new``."""
    return refused(unit, tmp_path, extract(tmp_path, [ROWS[0].replace(old, new), *ROWS[1:]]))


def test_an_unmapped_code_is_named_with_every_row(unit, tmp_path):
    rows = [*ROWS[:2], ROWS[2].replace("Avslag", "Avvisad"), ROWS[2].replace("A-3", "A-5")
            .replace("Avslag", "Avvisad"), ROWS[0].replace("A-1", "A-6"),
            ROWS[2].replace("A-3", "A-7").replace("Avslag", "Avvisad")]
    lines = refused(unit, tmp_path, extract(tmp_path, rows))
    # Rows 5, 6 and 8 of the file (a title line, the header, then …).
    assert lines == ["extract!F5: 'Avvisad' — not in the rules' map for decision (rows 5–6, "
                     "8): add it to fields.decision.map"]


def test_a_personnummer_column_not_declared_is_refused(unit, tmp_path):
    header = HEADER + ";Personnummer"
    rows = [row + ";19121212-1212" for row in ROWS]
    lines = refused(unit, tmp_path, extract(tmp_path, rows, header=header))
    assert "extract!J2: 'Personnummer' — a column the rules neither map nor ignore — name it " \
           "in a field or in ignore" in lines
    assert "extract!J3: '19121212-****' — looks like a personnummer — ekbist stores no " \
           "personal identity numbers" in lines
    assert not any("1212-1212" in line for line in lines)


def test_a_personnummer_in_an_ignored_column_is_still_refused(unit, tmp_path):
    header = HEADER + ";Personnummer"
    rules = rules_file(tmp_path, RULES.replace('ignore = ["Handläggare"]',
                                               'ignore = ["Handläggare", "Personnummer"]'))
    lines = refused(unit, tmp_path, extract(tmp_path, [ROWS[0] + ";191212121212"], header=header),
                    rules)
    assert lines == ["extract!J3: '19121212****' — looks like a personnummer — ekbist stores no "
                     "personal identity numbers"]
    # The same column, empty, is ignored as the rules say.
    unit.ok("import", extract(tmp_path, [ROWS[0] + ";"], header=header), "--rules", rules)
    assert applications(unit.db) == EXPECTED[:1]


def test_a_personnummer_inside_a_mapped_text_cell_is_refused_once(unit, tmp_path):
    lines = refused_first_row(unit, tmp_path, "A-1", "A-1-19121212-1212")
    assert lines == ["extract!A3: 'A-1-19121212-****' — looks like a personnummer — ekbist "
                     "stores no personal identity numbers"]


def test_a_samordningsnummer_in_an_ignored_cell_is_refused(unit, tmp_path):
    # Handläggare (column I) is ignored by the rules, yet read by the gate: 121272-1219 is
    # a samordningsnummer (born 1912-12-12, day + 60, Luhn sum right).
    lines = refused_first_row(unit, tmp_path, "Bo Berg", "Bo 121272-1219")
    assert lines == ["extract!I3: 'Bo 121272-****' — looks like a personnummer — ekbist "
                     "stores no personal identity numbers"]


def test_an_impossible_date_is_refused(unit, tmp_path):
    lines = refused_first_row(unit, tmp_path, "02.11.2026", "31.02.2026")
    # Only the rules' reading is named, not the import's "a value is required" after it.
    assert lines == ["extract!D3: '31.02.2026' — not a date as the rules read it (%d.%m.%Y)"]


def test_a_date_in_another_form_than_the_rules_say_is_refused(unit, tmp_path):
    lines = refused_first_row(unit, tmp_path, "02.11.2026", "2026-11-02")
    assert lines == ["extract!D3: '2026-11-02' — not a date as the rules read it (%d.%m.%Y)"]


def test_a_number_in_the_other_convention_is_refused(unit, tmp_path):
    lines = refused_first_row(unit, tmp_path, "1 234,00", "1,234.50")
    assert lines == ["extract!G3: '1,234.50' — not a number as the rules read it "
                     "(decimal mark ',')"]


def test_decimals_in_other_digits_are_refused(unit, tmp_path):
    # "²" is a digit to Python's str.isdigit, but no decimal: refused as any other misreading.
    lines = refused_first_row(unit, tmp_path, "1 234,00", "1 234,²")
    assert lines == ["extract!G3: '1 234,²' — not a number as the rules read it "
                     "(decimal mark ',')"]


def test_a_number_with_a_decimal_point_when_the_rules_say_so(unit, tmp_path):
    rules = rules_file(tmp_path, RULES.replace('decimal = ","\nthousands = [" ", "."]',
                                               'decimal = "."\nthousands = ","'))
    rows = [ROWS[0].replace("1 234,00", "1,234.50"), ROWS[1].replace("1.234,50 kr", "-1,234")]
    result = unit("import", extract(tmp_path, rows), "--rules", rules)
    # 1,234.50 rounds to 1 235; -1,234 reads as -1 234, below the column's 0.
    assert result.exit_code == 1
    assert "extract!G4: '-1234' — must be at least 0" in result.stderr
    unit.ok("import", extract(tmp_path, rows[:1]), "--rules", rules)
    assert applications(unit.db)[0][-1] == 1235


def test_halves_are_refused_without_the_round_rule(unit, tmp_path):
    rules = rules_file(tmp_path, RULES.replace("round = true\n", ""))
    lines = refused(unit, tmp_path, extract(tmp_path, ROWS[:2]), rules)
    assert lines == ["extract!G4: '1234.5' — not whole kronor"]


def test_a_value_in_a_column_without_a_header_is_refused(unit, tmp_path):
    header = HEADER + ";"
    lines = refused(unit, tmp_path, extract(tmp_path, [ROWS[0] + ";x", ROWS[1] + ";"], header=header))
    assert lines == ["extract!J3: 'x' — a value in a column without a header"]
    # A trailing separator (an empty column) is no problem.
    unit.ok("import", extract(tmp_path, [ROWS[0] + ";", ROWS[1] + ";"], header=header),
            "--rules", rules_file(tmp_path))


def test_a_missing_header_is_named_with_the_nearest(unit, tmp_path):
    lines = refused(unit, tmp_path, extract(tmp_path, header=HEADER.replace("Beslutsdatum",
                                                                           "Beslutsdat")))
    # The one problem, not a "value is required" on every row after it.
    assert lines == ["extract!A2: 'Beslutsdatum' — fields.decided: no column has this header "
                     "(did you mean 'Beslutsdat'?)",
                     "extract!E2: 'Beslutsdat' — a column the rules neither map nor ignore — "
                     "name it in a field or in ignore"]


def test_kind_and_rules_together_are_refused(unit, tmp_path):
    line = unit.fails("import", extract(tmp_path), "--rules", rules_file(tmp_path), "--kind", "cases")
    assert line == "error: --kind and --rules cannot be used together: the rules file says which " \
                   "kind the extract fills"


# -- a bad rules file: one line naming the key ------------------------------------------------
@pytest.mark.parametrize("change,message", [
    (('kind = "applications"', 'kind = "applications"\nsorce = "x"'),
     "error: procapita.toml: sorce: unknown key (did you mean 'source'?); known keys: kind, "
     "source, period, fills, ignore, file, numbers, dates, fields, when"),
    (("skip = 1", "skipp = 1"), "error: procapita.toml: file.skipp: unknown key (did you mean "
     "'skip'?); known keys: encoding, delimiter, skip, footer, sheet"),
    (('matches = "^Makulerad$"', 'matches = "^(Makulerad"'),
     "error: procapita.toml: when[1].matches: not a regular expression (missing ), unterminated "
     "subpattern at position 1)"),
    (("[fields.amount]", "[fields.amout]"),
     "error: procapita.toml: fields.amout: applications has no field 'amout' (did you mean "
     "'amount'?); its fields: id, case, period, received, completed, decided, decision, amount, "
     "first_contact"),
    (('"Avslag" = "rejected"', '"Avslag" = "avslagen"'),
     "error: procapita.toml: fields.decision.map.\"Avslag\": 'avslagen' is not one of: granted, "
     "partly, rejected, withdrawn"),
    (('[fields.received]\ncolumn = "Inkom"\n', ""),
     "error: procapita.toml: fields: nothing fills 'received', which applications requires"),
    (('formats = ["%d.%m.%Y"]', 'formats = ["dd.mm.yyyy"]'),
     "error: procapita.toml: dates.formats: 'dd.mm.yyyy' is no date format (write e.g. "
     "'%d.%m.%Y', '%Y-%m-%d' or 'excel')"),
    (('kind = "applications"', 'kind = "ansökningar"'), None),   # the Swedish sheet name is fine
    (('kind = "applications"', 'kind = "payments"'),
     "error: procapita.toml: kind: 'payments' is not a kind ekbist imports (…)"),
    (('delimiter = ";"', 'delimiter = ";;"'),
     "error: procapita.toml: file.delimiter: must be one character, e.g. ';'"),
    (("[fields.amount]\n", "[fields.amount]\nposition = 7\n"),
     "error: procapita.toml: fields.amount: give either 'column' (the header text) or 'position'"),
    (('kind = "applications"', 'kind = "applications"\nkind = "cases"'),
     "error: procapita.toml: not a TOML rules file (Cannot overwrite a value (at line 2, "
     "column 15))"),
])
def test_a_bad_rules_file_is_one_line_naming_the_key(unit, tmp_path, change, message):
    rules = rules_file(tmp_path, RULES.replace(*change))
    assert RULES.replace(*change) != RULES
    if message is None:
        unit.ok("import", extract(tmp_path), "--rules", rules)
        return
    line = unit.fails("import", extract(tmp_path), "--rules", rules)
    if "(…)" in message:
        assert line.startswith(message.split("(…)")[0]), line
    else:
        assert line == message
    assert applications(unit.db) == []


def test_a_rules_file_that_is_missing(unit, tmp_path):
    line = unit.fails("import", extract(tmp_path), "--rules", tmp_path / "nothing.toml")
    assert line == f"error: {tmp_path / 'nothing.toml'}: no such file"


# -- rules check ----------------------------------------------------------------------------------
def test_rules_check_shows_the_first_rows_as_they_map(unit, tmp_path):
    result = unit.ok("rules", "check", rules_file(tmp_path), extract(tmp_path))
    lines = result.output.splitlines()
    assert lines[0] == "procapita.toml reads extract.csv as Applications: 3 rows, 1 skipped by " \
                       "the rules."
    assert lines[1] == "Ignored: Handläggare"
    assert lines[2].split() == ["Field", "Column", "Row", "3", "Row", "4", "Row", "5"]
    assert lines[9].split() == ["Decision", "Beslut", "granted", "partly", "granted", "rejected"]
    assert lines[10].split() == ["Amount", "Belopp", "1234", "1235"]
    assert applications(unit.db) == []


def test_rules_check_in_swedish(unit, tmp_path):
    result = unit.ok("rules", "check", rules_file(tmp_path), extract(tmp_path), lang="sv")
    lines = result.output.splitlines()
    assert lines[0] == "procapita.toml läser extract.csv som Ansökningar: 3 rader, 1 hoppas över " \
                       "enligt reglerna."
    assert lines[2].split() == ["Fält", "Kolumn", "Rad", "3", "Rad", "4", "Rad", "5"]
    assert lines[9].split() == ["Beslut", "Beslut", "bifall", "delvis", "bifall", "avslag"]


def test_rules_check_exits_1_naming_every_problem(unit, tmp_path):
    header = HEADER + ";Namn"
    rows = [ROWS[0].replace("Bifall", "Bifal") + ";x", ROWS[1] + ";y"]
    result = unit("rules", "check", rules_file(tmp_path), extract(tmp_path, rows, header=header))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "extract!J2: 'Namn' — a column the rules neither map nor ignore — name it in a field or "
        "in ignore",
        "extract!F3: 'Bifal' — not in the rules' map for decision (rows 3): add it to "
        "fields.decision.map",
        "error: the rules would refuse extract.csv: 2 problems"]


def test_rules_check_names_what_the_import_would_refuse(unit, tmp_path):
    # A required field left empty is the kind's own rule: check names it as import does.
    rows = [ROWS[0].replace("C-1", ""), *ROWS[1:]]
    result = unit("rules", "check", rules_file(tmp_path), extract(tmp_path, rows))
    assert result.exit_code == 1
    assert "extract!B3: '' — a value is required" in result.stderr


def test_rules_check_json(unit, tmp_path):
    import json

    result = unit.ok("rules", "check", rules_file(tmp_path), extract(tmp_path), "--format", "json")
    data = json.loads(result.output)
    assert data["kind"] == "applications" and data["source"] == "procapita"
    assert (data["rows"], data["skipped"], data["problems"]) == (3, 1, [])
    assert data["columns"]["case"] == "Ärendenr"
    assert data["preview"][1] == {"row": 4, "fields": {
        "id": "A-2", "case": "C-2", "period": "2026-11", "received": "2026-11-03",
        "decided": "2026-11-05", "decision": "partly", "amount": 1235}}


# -- the three examples, through the installed command ----------------------------------------
def copy_examples(tmp_path: Path) -> Path:
    for path in EXAMPLES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.parametrize("name", ["procapita-ansokningar", "treserva-arenden",
                                  "viva-utbetalningar"])
def test_each_example_checks_clean(demo_db, tmp_path, name):
    folder = copy_examples(tmp_path)
    result = procs.run(None, "rules", "check", str(folder / f"{name}.toml"),
                       str(folder / f"{name}.csv"))
    assert result.returncode == 0, result.stderr


def test_the_examples_import_into_the_demo_unit(demo_copy, tmp_path):
    folder = copy_examples(tmp_path)
    for name in ("treserva-arenden", "procapita-ansokningar", "viva-utbetalningar"):
        result = procs.run(demo_copy, "--today", "2026-11-25", "import", str(folder / f"{name}.csv"),
                           "--rules", str(folder / f"{name}.toml"))
        assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(demo_copy)
    try:
        got = dict((row[0], row[1:]) for row in conn.execute(
            "SELECT id, received, decided, decision, amount FROM application "
            "WHERE id LIKE 'PC-%' OR id LIKE 'V-%' ORDER BY id"))
        cases = conn.execute("SELECT id, opened, closed, close_reason FROM cases WHERE id LIKE "
                             "'C9001%' ORDER BY id").fetchall()
        handlers = conn.execute("SELECT case_id, handler FROM assignment WHERE case_id LIKE "
                                "'C9001%' ORDER BY case_id").fetchall()
    finally:
        conn.close()
    # Counted by hand from the extracts: PC-26-1105 is Makulerad; 6 215,50 rounds to 6 216;
    # V-8802's dates are Excel serials 46330 and 46332; V-8804's NÖDBISTÅND is granted.
    assert sorted(got) == ["PC-26-1101", "PC-26-1102", "PC-26-1103", "PC-26-1104", "PC-26-1106",
                           "V-8801", "V-8802", "V-8803", "V-8804"]
    assert got["PC-26-1102"] == ("2026-11-03", "2026-11-09", "partly", 6216)
    assert got["PC-26-1103"] == ("2026-11-03", None, None, None)
    assert got["PC-26-1106"] == ("2026-11-20", "2026-11-24", "withdrawn", None)
    assert got["V-8801"] == ("2026-11-02", "2026-11-04", "granted", 9870)
    assert got["V-8802"] == ("2026-11-04", "2026-11-06", "partly", 4513)
    assert got["V-8804"] == ("2026-11-16", "2026-11-16", "granted", 1500)
    # C900104 is a Dödsbo (skipped); C900103 closed for work.
    assert cases == [("C900101", "2026-11-02", None, None), ("C900102", "2026-11-03", None, None),
                     ("C900103", "2026-10-12", "2026-11-20", "work")]
    assert handlers == [("C900101", "h005"), ("C900102", "h006"), ("C900103", "h001")]


# -- a workbook extract -----------------------------------------------------------------------
WORKBOOK_RULES = """\
kind = "applications"

[file]
sheet = "Beslut"

[dates]
formats = ["%Y-%m-%d", "excel"]

[fields.id]
column = "Ans.nr"
[fields.case]
column = "Ärendenr"
[fields.period]
column = "Inkom"
[fields.received]
column = "Inkom"
[fields.decided]
column = "Beslutsdatum"
[fields.decision]
column = "Beslut"
map = { "Bifall" = "granted", "Avslag" = "rejected" }
[fields.amount]
column = "Belopp"
"""


def test_a_workbook_extract_with_date_cells_and_serials(unit, tmp_path):
    from datetime import date

    from helpers.workbooks import workbook

    rows = [["Ans.nr", "Ärendenr", "Inkom", "Beslutsdatum", "Beslut", "Belopp"],
            # A date cell, and Excel's serial 46330 (2026-11-04) typed as a number.
            ["A-1", "C-1", date(2026, 11, 2), 46330, "Bifall", 1234],
            ["A-2", "C-2", "2026-11-03", date(2026, 11, 5), "Avslag", None]]
    path = workbook(tmp_path / "uttag.xlsx", {"Info": [["Rapport"]], "Beslut": rows})
    rules = rules_file(tmp_path, WORKBOOK_RULES)
    unit.ok("import", path, "--rules", rules)
    # The period is read from the same column as the day received (its month).
    assert applications(unit.db) == [
        ("A-1", "C-1", "2026-11", "2026-11-02", "2026-11-04", "granted", 1234),
        ("A-2", "C-2", "2026-11", "2026-11-03", "2026-11-05", "rejected", None)]
    # Without "excel" among the formats a serial number is no date.
    plain = rules_file(tmp_path, WORKBOOK_RULES.replace(', "excel"', ""), name="plain.toml")
    result = unit("import", path, "--rules", plain)
    assert result.exit_code == 1
    assert "Beslut!D2: '46330' — not a date as the rules read it (%Y-%m-%d)" in result.stderr
    gone = rules_file(tmp_path, WORKBOOK_RULES.replace('"Beslut"\n', '"Beslut 2"\n', 1),
                      name="gone.toml")
    assert unit.fails("import", path, "--rules", gone) == \
        "error: uttag.xlsx: no sheet 'Beslut 2', which the rules file names"


def test_a_day_written_as_eight_digits_reads_after_excel(unit, tmp_path):
    from helpers.workbooks import workbook

    # 20261102 as a number cell and as a text is past Excel's last serial (2958465), so
    # "%Y%m%d" after "excel" reads it; 46330 is still Excel's 2026-11-04.
    rows = [["Ans.nr", "Ärendenr", "Inkom", "Beslutsdatum", "Beslut", "Belopp"],
            ["A-1", "C-1", 20261102, 46330, "Bifall", 1234],
            ["A-2", "C-2", "20261103", 20261105, "Avslag", None]]
    path = workbook(tmp_path / "uttag.xlsx", {"Beslut": rows})
    rules = rules_file(tmp_path, WORKBOOK_RULES.replace('["%Y-%m-%d", "excel"]',
                                                        '["excel", "%Y%m%d"]'))
    unit.ok("import", path, "--rules", rules)
    assert applications(unit.db) == [
        ("A-1", "C-1", "2026-11", "2026-11-02", "2026-11-04", "granted", 1234),
        ("A-2", "C-2", "2026-11", "2026-11-03", "2026-11-05", "rejected", None)]


@pytest.mark.parametrize("piece_rows", [1, 2, 3, 4])
def test_an_extract_read_in_pieces_gives_the_same_rows(unit, tmp_path, monkeypatch, piece_rows):
    # A big CSV is read in pieces; the header, the skipped rows and the footer held back
    # across pieces must come out as from one piece.
    from ekbist.sheets import reader

    monkeypatch.setattr(reader, "CSV_PIECE_ROWS", piece_rows)
    path = extract(tmp_path, footer="Summa;;;;;;2 469;;\r\n;;;;;;;;\r\n")
    unit.ok("import", path, "--rules", rules_file(tmp_path))
    assert applications(unit.db) == EXPECTED
    problems = unit("import", extract(tmp_path, [ROWS[0], ROWS[1].replace("Delvis bifall", "Delvis Bifal"),
                                                 *ROWS[2:]]), "--rules", rules_file(tmp_path))
    assert problems.stderr.splitlines()[0] == "extract!F4: 'Delvis Bifal' — not in the rules' " \
        "map for decision (rows 4): add it to fields.decision.map"


def test_an_extract_that_ends_before_its_header(unit, tmp_path):
    short = tmp_path / "kort.csv"
    short.write_text("Ansökningar 2026-11\n", encoding="utf-8")
    assert unit.fails("import", short, "--rules", rules_file(tmp_path)) == \
        "error: kort.csv: the extract ends before its header row (line 2, after the 1 the " \
        "rules skip)"
