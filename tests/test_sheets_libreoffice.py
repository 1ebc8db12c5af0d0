"""A workbook exported by ekbist, edited and saved by LibreOffice Calc, imports with exactly the edits.

LibreOffice runs headless. When its Python bridge (``uno``, importable by the
system Python) is there, the cells are typed into Calc itself, as a person would;
otherwise the cells are edited with openpyxl and Calc opens and saves the file.
Skipped, with the reason, when LibreOffice is not installed: CI does not need it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ekbist.sheet_import import import_file
from ekbist.sheets.exporter import export
from ekbist.store import Store

TODAY = date(2026, 11, 25)
FIXTURES = Path(__file__).parent / "fixtures"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

UNO_SCRIPT = r'''
import json, os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

soffice, src, dst, edits, profile = sys.argv[1:]
pipe = "ekbist_test_%d" % os.getpid()
office = subprocess.Popen([soffice, "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
                           "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                           "--accept=pipe,name=%s;urp;" % pipe],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(240):
    try:
        ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.25)
else:
    office.kill()
    sys.exit("LibreOffice did not start")

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
for sheet, cell, text in json.loads(edits):
    doc.Sheets.getByName(sheet).getCellRangeByName(cell).setFormula(text)   # typed, as by a person
doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc MS Excel 2007 XML"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(timeout=60)
'''


def _system_python_with_uno() -> str | None:
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and candidate != sys.executable and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


def edit_in_libreoffice(src: Path, dst: Path, edits: list[tuple[str, str, str]], tmp: Path) -> None:
    python = _system_python_with_uno()
    profile = tmp / "lo-profile"
    if python:
        script = tmp / "edit.py"
        script.write_text(UNO_SCRIPT, encoding="utf-8")
        subprocess.run([python, str(script), SOFFICE, str(src), str(dst), json.dumps(edits), str(profile)],
                       check=True, timeout=180, capture_output=True,
                       env={"PATH": "/usr/bin:/bin", "HOME": str(tmp)})
        return
    # No Python bridge: edit the cells with openpyxl, then let Calc open and save the file.
    from openpyxl import load_workbook

    wb = load_workbook(src)
    for sheet, cell, text in edits:
        wb[sheet][cell] = date.fromisoformat(text) if text.count("-") == 2 else (
            int(text) if text.isdigit() else text)
    edited = tmp / "edited-by-openpyxl.xlsx"
    wb.save(edited)
    out = tmp / "lo-out"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(edited)],
                   check=True, timeout=180, capture_output=True)
    shutil.move(out / edited.name, dst)


def test_libreoffice_edit_changes_exactly_the_edited_cells(unit, tmp_path):
    store = Store.open(unit.db)
    import_file(store, FIXTURES / "sheets_human.xlsx", today=TODAY)
    exported = tmp_path / "unit.xlsx"
    export(store, "all", exported, today=TODAY)
    saved = tmp_path / "saved-by-calc.xlsx"
    # A-10's amount, and C-11 closed with a reason, typed into Calc.
    from openpyxl import load_workbook

    wb = load_workbook(exported)
    apps = {r[0].value: r[0].row for r in wb["Applications"].iter_rows(min_row=2)}
    cases = {r[0].value: r[0].row for r in wb["Cases"].iter_rows(min_row=2)}
    edits = [("Applications", f"H{apps['A-10']}", "8000"),
             ("Cases", f"D{cases['C-11']}", "2026-11-02"),
             ("Cases", f"E{cases['C-11']}", "arbete")]
    edit_in_libreoffice(exported, saved, edits, tmp_path)
    report = import_file(store, saved, today=TODAY, dry_run=True)
    changed = {kind: [c["fields"] for c in r.changes] for kind, r in report.kinds.items() if r.changes}
    assert changed == {
        "cases": [{"closed": {"old": None, "new": "2026-11-02"},
                   "close_reason": {"old": None, "new": "work"}}],
        "applications": [{"amount": {"old": 7643, "new": 8000}}],
    }
    assert report.added == 0
    import_file(store, saved, today=TODAY)
    assert store.one("SELECT closed, close_reason FROM cases WHERE id = 'C-11'") == {
        "closed": "2026-11-02", "close_reason": "work"}
    store.close()


def test_a_template_filled_in_calc_imports(unit, tmp_path):
    from ekbist.sheets.templates import template

    blank = tmp_path / "mall.xlsx"
    template("all", blank, lookups={})
    filled = tmp_path / "ifylld.xlsx"
    edit_in_libreoffice(blank, filled, [
        ("Cases", "A2", "C-90"), ("Cases", "B2", "cia"), ("Cases", "C2", "2026-11-02"),
        ("Cases", "F2", "2"), ("Cases", "I2", "yes"),
        ("Budget", "A2", "2026"), ("Budget", "B2", "Arbetsmarknad"),
        ("Budget", "C2", "Personalkostnader"), ("Budget", "D2", "5 111 000"),
    ], tmp_path)
    with Store.open(unit.db) as store:
        report = import_file(store, filled, today=TODAY)
        assert {k: r.added for k, r in report.kinds.items()} == {"cases": 1, "assignments": 1, "budget": 1}
        assert store.one("SELECT opened, adults, homeless FROM cases WHERE id = 'C-90'") == {
            "opened": "2026-11-02", "adults": 2, "homeless": 1}
        assert store.scalar("SELECT amount FROM budget") == 5_111_000
