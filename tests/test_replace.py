"""``--force`` replaces a workbook that exists; without it the file is left as it was.

Every command that writes an .xlsx file and offers ``--force`` is tried on the same demo
store, twice: first over a file that holds something else (refused, untouched), then
with ``--force`` (a whole workbook in its place, readable by its owner only).
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import openpyxl
import pytest
from conftest import Cli

WRITERS = [
    ("report", "year", "2025", "--xlsx"),
    ("report", "month", "2026", "10", "--xlsx"),
    ("report", "tertial", "--tertial", "1", "--year", "2026", "--xlsx"),
    ("indicators", "--year", "2025", "--xlsx"),
    ("caseload", "history", "--from", "2026-01", "--to", "2026-10", "--xlsx"),
    ("handling-time", "report", "--from", "2026-01-01", "--to", "2026-10-31", "--xlsx"),
    ("prognosis", "export"),
]


@pytest.mark.parametrize("command", WRITERS, ids=lambda c: " ".join(c[:2]))
def test_force_replaces_an_existing_workbook(demo_db: Path, tmp_path: Path, command) -> None:
    db = tmp_path / "unit.db"
    shutil.copy(demo_db, db)
    cli = Cli(db)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"the chief's own file")

    refused = cli.fails(*command, str(target))
    assert "exists already" in refused and "--force" in refused
    assert target.read_bytes() == b"the chief's own file"

    cli.ok(*command, str(target), "--force")
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames and workbook.worksheets[0].max_row > 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [*WRITERS[:-1], ("plans", "coverage", "--monthly", "--xlsx")],
                         ids=lambda c: " ".join(c[:2]))
def test_the_target_is_checked_before_the_work(tmp_path: Path, command) -> None:
    # No store at all: a command that read the store first would say so; the file comes first.
    cli = Cli(tmp_path / "no-store.db")
    assert "write an .xlsx workbook" in cli.fails(*command, str(tmp_path / "out.csv"))
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"the chief's own file")
    assert "exists already" in cli.fails(*command, str(taken))
    assert taken.read_bytes() == b"the chief's own file"
    assert not (tmp_path / "no-store.db").exists()
