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
from typing import Any
from datetime import date
from pathlib import Path

from ekbist import activity_rows, cover_rows
from ekbist.reports import goal_rows, population_rows, target_rows
from ekbist.sheets import importer, rules
from ekbist.sheets.declarations import kinds
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
    (raises ValidationErrors); the options are :func:`ekbist.sheets.importer.import_file`'s.

    A kind with parts waiting for their records (:mod:`ekbist.waiting_parts`) has them
    joined into the rows this file brings, checked whole, as an import through a rules
    file joins them."""
    from ekbist import waiting_parts

    table = dict(RULES)
    for name in waiting_parts.kinds_waiting(store):
        if name in kinds() and kinds()[name].importable:
            table[name] = _joined(name, RULES.get(name))
    return importer.import_file(store, path, rules=table, today=today, dry_run=dry_run,
                                year=year, kind=kind, new=new, progress=progress)


def refuse_parts(source: Any, rules_name: str) -> None:
    """Refuse a rules file whose report brings part of records (``fills``) of a kind whose
    import checks every row whole — its own rules, or another kind's that read it (the
    assignments' history reads every case) — naming the reason and the way out: a part
    whose record is not in the store would wait outside those checks. Called by the import
    and by ``rules check``, which exits 1 where the import would refuse."""
    from ekbist.errors import EkbistError
    from ekbist.i18n import _

    kind = source.kind
    if not source.fills:
        return
    reasons = [_(rule.reads_whole) if rule.reads_whole else
               _("the rules of {other} read every row of {kind} whole").format(
                   other=name, kind=kind.name)
               for name, rule in RULES.items() if name != kind.name and kind.name in rule.reads]
    if kind.name in RULES:
        reasons.insert(0, _("its import's rules check every row of {kind} whole").format(
            kind=kind.name))
    if not reasons:
        return
    required = [c.key for c in kind.import_columns if c.required]
    raise EkbistError(_(
        "{rules}: fills: {kind} cannot come from a report of parts: {reason}, so no row may "
        "wait for the rest of its record. Leave out fills and let one report bring whole "
        "{kind} (with {fields})").format(
        rules=rules_name, kind=kind.name, reason="; ".join(reasons),
        fields=", ".join(required)))


def _joined(kind: str, inner: type[Rules] | None) -> Callable[[str], Rules]:
    """The rules of ``kind`` with the join of its waiting parts around them."""
    from ekbist.sheets.extract_join import Join

    return lambda name: Join(name, source=None, inner=inner(name) if inner else None)


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
    refuse_parts(source, Path(rules_path).name)
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
