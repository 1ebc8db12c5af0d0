"""What an import found and did: per kind, the rows added, changed and unchanged.

Both importers fill it, the declared sheets' (:mod:`ekbist.sheets.importer`) and the
prognosis workbook's (:mod:`ekbist.sheets.prognosis_sheet`); the command line renders it,
and ``to_json`` is the shape of ``ekbist import --format json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class KindReport:
    kind: str
    added: int = 0
    unchanged: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    added_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged,
                "changes": self.changes, "added_keys": self.added_keys}


@dataclass
class ImportReport:
    path: str
    dry_run: bool
    kinds: dict[str, KindReport] = field(default_factory=dict)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    new_activities: list[str] = field(default_factory=list)
    # An extract's source (ekbist.sheets.source_memory): the rows of its last import for the
    # same months that the extract no longer has; None for any other import.
    missing: dict[str, Any] | None = None
    # Reports that bring part of a record (ekbist.sheets.extract_join): the kind, the fields
    # this report fills (none for a report of whole records), the keys still waiting for
    # their record by source, and how many parts this import joined by source.
    parts: dict[str, Any] | None = None

    def kind(self, name: str) -> KindReport:
        if name not in self.kinds:
            self.kinds[name] = KindReport(name)
        return self.kinds[name]

    @property
    def added(self) -> int:
        return sum(k.added for k in self.kinds.values())

    @property
    def changed(self) -> int:
        return sum(k.changed for k in self.kinds.values())

    def to_json(self) -> dict[str, Any]:
        from ekbist.secrecy import mask

        # A warning quotes what the file holds (a header, a sheet name): through the gate.
        return {
            "file": mask(self.path), "dry_run": self.dry_run, "written": self.written,
            "sheets": self.sheets, "warnings": [mask(w) for w in self.warnings],
            "new_activities": self.new_activities,
            **({"missing": self.missing} if self.missing is not None else {}),
            **({"parts": self.parts} if self.parts is not None else {}),
            "kinds": {name: report.to_json() for name, report in self.kinds.items()},
            "total": {"added": self.added, "changed": self.changed,
                      "unchanged": sum(k.unchanged for k in self.kinds.values())},
        }
