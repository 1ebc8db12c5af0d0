"""What a sheet declaration cannot express is code, declared by kind name.

The sheets' own import rules are in ``ekbist.sheets.rules.RULES``, the targets' and
outcomes' (which need the reports' figures) in ``ekbist.reports.target_rows.RULES``;
``ekbist.sheet_import`` hands the whole table to the importer, which runs the rules of
every kind it reads. The export rows of a kind without a table come from a function of
``ekbist.sheets.exporter.SOURCES``. No declaration names code.
"""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from ekbist import caseload
from ekbist.errors import ValidationErrors
from ekbist.reports import target_rows
from ekbist.sheet_import import RULES, import_file
from ekbist.sheets import exporter, importer
from ekbist.sheets import rules as sheet_rules
from ekbist.sheets.declarations import kinds, parse_declaration
from ekbist.sheets.import_context import Rules
from ekbist.store import Store

TODAY = date(2026, 11, 25)


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_rules_class_of_the_library_is_declared_for_an_importable_kind() -> None:
    # The rules of an import through a source's rules file (what the source read, the parts
    # of records joined) are composed for that import, around the kind's own (Around, their
    # base): not declared.
    from ekbist.sheets.extract_join import Join
    from ekbist.sheets.import_context import Around
    from ekbist.sheets.source_memory import SourceMemory

    composed = {Around, Join, SourceMemory}
    ours = {c for c in Rules.__subclasses__() if c.__module__.startswith("ekbist.")}
    ours |= {c for c in Around.__subclasses__() if c.__module__.startswith("ekbist.")}
    assert ours - composed == set(RULES.values())
    assert not composed & set(RULES.values())
    assert sorted(RULES) == ["assignments", "case_activities", "closed_days", "covers", "goals",
                            "outcomes", "population_bands", "settings", "targets"]
    assert all(kinds()[name].importable for name in RULES)
    # Each kind's rules have one owner: neither floor's table overrides the other's.
    assert set(sheet_rules.RULES).isdisjoint(target_rows.RULES)
    assert RULES["targets"] is target_rows.TargetRows
    assert RULES["closed_days"] is sheet_rules.ClosedDays


def test_a_targets_sheet_runs_the_reports_rules(store: Store, tmp_path: Path) -> None:
    typo = _csv(tmp_path, "Årsmål.csv", "År;Mått;Målvärde;Riktning;Benämning\n"
                                       "2025;sick_leave;4,4;högst;\n"
                                       "2025;sick_leeve;5;högst;\n")
    with pytest.raises(ValidationErrors) as refused:
        import_file(store, typo, today=TODAY)
    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith(
        "Årsmål!B3: 'sick_leeve' — not a figure ekbist computes")
    assert store.scalar("SELECT count(*) FROM target") == 0
    # The same sheet without the typo is taken: the rule refuses the figure, not the kind.
    right = _csv(tmp_path, "Årsmål 2.csv", "År;Mått;Målvärde;Riktning;Benämning\n"
                                          "2025;sick_leave;4,4;högst;\n")
    report = import_file(store, right, today=TODAY)
    assert report.kinds["targets"].added == 1
    assert store.query("SELECT year, key, value FROM target") == [
        {"year": 2025, "key": "sick_leave", "value": 4.4}]


def test_an_outcomes_sheet_runs_the_reports_rules(store: Store, tmp_path: Path) -> None:
    computed = _csv(tmp_path, "Egna utfall.csv", "År;Mått;Utfall;Benämning\n"
                                                "2025;plan_coverage;80;Planer\n"
                                                "2025;municipal_jobs;16;Visstid\n")
    with pytest.raises(ValidationErrors) as refused:
        import_file(store, computed, today=TODAY)
    assert [p.split(" — ")[0] for p in refused.value.problems] == [
        "'Egna utfall'!B2: 'plan_coverage'"]
    assert "ekbist computes this figure itself" in refused.value.problems[0]
    assert store.scalar("SELECT count(*) FROM outcome") == 0


def test_a_closed_days_sheet_runs_the_sheets_rules(store: Store, tmp_path: Path) -> None:
    early = _csv(tmp_path, "Stängda dagar.csv", "Dag;Orsak\n1989-12-29;Flytt\n2026-12-28;Flytt\n")
    with pytest.raises(ValidationErrors) as refused:
        import_file(store, early, today=TODAY)
    assert [p.split(" — ")[1] for p in refused.value.problems] == [
        "outside the calendar (1990 to 2060)"]
    assert store.scalar("SELECT count(*) FROM closed_day") == 0


def test_the_rules_come_from_the_table_the_importer_is_given(store: Store,
                                                             tmp_path: Path) -> None:
    """Without the reports' table the importer knows no figure list: the typo passes. So it is
    the table, not the declaration, that carries a kind's rules."""
    typo = _csv(tmp_path, "Årsmål.csv", "År;Mått;Målvärde;Riktning;Benämning\n"
                                       "2025;sick_leeve;5;högst;\n")
    report = importer.import_file(store, typo, rules=sheet_rules.RULES, today=TODAY,
                                  dry_run=True)
    assert report.kinds["targets"].added == 1


@pytest.mark.parametrize("table", [{"caseload": Rules}, {"nonsense": Rules},
                                   {"targets": target_rows.TargetRows, "prognos": Rules}])
def test_rules_for_a_kind_no_declaration_imports_are_refused(store: Store, tmp_path: Path,
                                                             table) -> None:
    path = _csv(tmp_path, "Stängda dagar.csv", "Dag;Orsak\n2026-12-28;Flytt\n")
    with pytest.raises(ValueError, match="rules for kinds that are not imported"):
        importer.import_file(store, path, rules=table, today=TODAY)
    assert store.scalar("SELECT count(*) FROM closed_day") == 0


def _declared(kind: str) -> dict:
    folder = resources.files("ekbist.schemas") / "sheets"
    return tomllib.loads((folder / f"{kind}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("kind", "key", "value"), [
    ("targets", "rules", "ekbist.reports.target_rows:TargetRows"),
    ("caseload", "source", "ekbist.caseload:export_rows"),
    ("settings", "source", "ekbist.sheets.rules:settings_rows")])
def test_a_declaration_naming_code_is_refused(kind: str, key: str, value: str) -> None:
    data = _declared(kind)
    assert key not in data and parse_declaration(data).name == kind
    data[key] = value
    with pytest.raises(ValueError, match=f"'{key}' names code"):
        parse_declaration(data)


def test_every_kind_without_a_table_has_its_rows_from_code() -> None:
    export_only = sorted(name for name, kind in kinds().items() if not kind.importable)
    assert export_only == ["caseload"]
    assert set(export_only) <= set(exporter.SOURCES) <= set(kinds())
    assert exporter.SOURCES["caseload"] is caseload.export_rows
    assert exporter.SOURCES["settings"] is sheet_rules.settings_rows


def test_an_export_only_kind_without_a_source_is_refused(store: Store) -> None:
    orphan = dataclasses.replace(kinds()["caseload"], name="caseload_copy")
    with pytest.raises(ValueError, match="no table, and no source"):
        exporter.records(store, orphan, today=TODAY)
    count, rows = exporter.records(store, kinds()["caseload"], today=TODAY)
    assert (count, list(rows)) == (0, [])   # an empty store: no handler, no row
