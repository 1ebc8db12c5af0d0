"""Importing a file with the rules of every kind that has some, declared here in code.

The importer (:mod:`ekbist.sheets.importer`) reads, checks and writes what the sheet
declarations in ``schemas/sheets/`` say; what they cannot say is code, in the module of
the floor that owns the rule: the sheets' own (:data:`ekbist.sheets.rules.RULES`) and the
targets and outcomes sheets', which need the reports' figures
(:data:`ekbist.reports.target_rows.RULES`). The reports stand a floor above the sheets, so
the importer cannot name them; this module, above both, hands the importer the whole
table. A kind with rules is therefore found by reading code (and renamed with it), and a
kind the table names that no declaration imports is refused on every import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from ekbist import activity_rows, cover_rows
from ekbist.reports import goal_rows, population_rows, target_rows
from ekbist.sheets import importer, rules
from ekbist.sheets.import_context import Rules
from ekbist.sheets.import_report import ImportReport
from ekbist.store import Store

# Every kind's rules, by kind name (each kind's rules have one owner).
RULES: Mapping[str, type[Rules]] = {**rules.RULES, **target_rows.RULES, **goal_rows.RULES,
                                    **activity_rows.RULES, **population_rows.RULES,
                                    **cover_rows.RULES}


def import_file(store: Store, path: Path | str, *, today: date, dry_run: bool = False,
                year: int | None = None, kind: str | None = None, new: bool = False,
                progress: Callable[..., None] | None = None) -> ImportReport:
    """Import every sheet of ``path`` into ``store`` with every kind's rules, or nothing
    (raises ValidationErrors); the options are :func:`ekbist.sheets.importer.import_file`'s."""
    return importer.import_file(store, path, rules=RULES, today=today, dry_run=dry_run,
                                year=year, kind=kind, new=new, progress=progress)


def import_extract(store: Store, path: Path | str, rules_path: Path | str, *, today: date,
                   dry_run: bool = False, year: int | None = None, new: bool = False,
                   delete_missing: bool = False,
                   progress: Callable[..., None] | None = None) -> ImportReport:
    """Import a case-management system's extract at ``path`` through the source's rules
    file at ``rules_path`` (:mod:`ekbist.sheets.extract_rules`): the rules turn its rows
    into the kind's, then the import runs as for ekbist's own template — all or nothing.

    The store remembers what the source read (:mod:`ekbist.sheets.source_memory`): the
    report's ``missing`` names the rows of the last import for the same months that the
    extract no longer has; ``delete_missing`` deletes them in the same transaction."""
    from ekbist.errors import EkbistError
    from ekbist.i18n import _
    from ekbist.sheets.extract import Extract
    from ekbist.sheets.extract_join import Join
    from ekbist.sheets.extract_rules import load
    from ekbist.sheets.source_memory import SourceMemory, period_field

    source = load(rules_path)
    kind = source.kind
    inner = RULES.get(kind.name)
    if source.fills and any(name == kind.name or kind.name in rule.reads
                            for name, rule in RULES.items()):
        raise EkbistError(_("{rules}: fills: {kind} cannot come from a report of parts: its "
                            "import checks every row whole, so the report must bring whole "
                            "records").format(rules=Path(rules_path).name, kind=kind.name))
    if delete_missing and source.fills:
        raise EkbistError.about(_("{option} cannot be used with {rules}: its report fills part "
                                  "of records another report brings, and that report says "
                                  "which records are gone"), {"option": "delete_missing"},
                                rules=Path(rules_path).name)

    def memory(name: str) -> Rules:
        period = period_field(kind, source.period)
        join = Join(name, source=source.source, fields=source.read, fills=source.fills,
                    period=period, inner=inner(name) if inner is not None else None)
        remembered = SourceMemory(name, source=source.source, file=Path(path).name,
                                  period=period, delete_missing=delete_missing, inner=join,
                                  fields=source.read, fills=source.fills)
        join.memory = remembered
        return remembered

    return importer.import_file(store, path, rules={**RULES, kind.name: memory}, today=today,
                                dry_run=dry_run, year=year, kind=kind.name, new=new,
                                progress=progress, extract=Extract(source, path))


__all__ = ["RULES", "import_extract", "import_file"]
