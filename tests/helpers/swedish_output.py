"""Everything ekbist writes in Swedish on a demo store, as data for tests/test_glossary_output.py.

Run as a script in a fresh process (``python tests/helpers/swedish_output.py DB TODAY OUTDIR``), so
that every command module is imported in Swedish, as it is for a user who types
``ekbist --lang sv``: help texts are translated when their module is imported. Inside that
one process the commands run through click's CliRunner, which keeps the whole walk to a
few seconds. Prints one JSON list of pieces: ``{"where", "kind", "text"}`` where kind is

- ``help``: one command's ``--help`` page;
- ``screen``: a table, a text report or a message meant for a person;
- ``machine``: JSON or CSV output (codes and the machine form of numbers);
- ``cell``: a text cell, sheet name or header of a workbook ekbist wrote;
- ``format``: the number format of a numeric cell of such a workbook, with its header;
- ``boolean``: a TRUE/FALSE cell (the house writes ja/nej);
- ``command``: the name of a command (a word one types, whatever the language).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

# The commands to run, each in every format it has. Read-only on the demo store, except
# the import of a changed export at the end (run on a copy).
TABLES: list[tuple[list[str], tuple[str, ...]]] = [
    (["info"], ()),
    (["audit", "--limit", "30"], ("table", "json", "csv")),
    (["settings", "list"], ("table", "json", "csv")),
    (["settings", "get", "budget.warn_deviation_pct"], ()),
    (["workdays", "holidays", "2026"], ("table", "json", "csv")),
    (["workdays", "closed"], ("table", "json", "csv")),
    (["workdays", "between", "2026-12-21", "2027-01-08"], ()),
    (["workdays", "deadline", "2026-12-21"], ()),
    (["handler", "list"], ("table", "json", "csv")),
    (["handler", "absences"], ("table", "json", "csv")),
    (["case", "list", "--open"], ("table", "json", "csv")),
    (["case", "show", "C000001"], ("table", "json")),
    (["application", "list", "--open"], ("table", "json", "csv")),
    (["handling-time", "check"], ("table", "json", "csv")),
    (["handling-time", "report", "--from", "2026-01-01", "--to", "2026-10-31"], ("table", "json", "csv")),
    (["handling-time", "report", "--from", "2026-01-01", "--to", "2026-10-31", "--by", "månad"],
     ("table", "json", "csv")),
    (["handling-time", "report", "--from", "2026-01-01", "--to", "2026-10-31", "--by", "team"],
     ("table", "json", "csv")),
    (["caseload"], ("table", "json", "csv")),
    (["caseload", "history", "--from", "2026-01", "--to", "2026-11"], ("table", "json", "csv")),
    (["caseload", "balance"], ("table", "json", "csv")),
    (["plans", "due"], ("table", "json", "csv")),
    (["plans", "missing"], ("table", "json", "csv")),
    (["plans", "coverage"], ("table", "json", "csv")),
    (["plans", "coverage", "--by", "team"], ("table", "json", "csv")),
    (["plan", "list", "--case", "C000001"], ("table", "json", "csv")),
    (["budget", "lines"], ("table", "json", "csv")),
    (["budget", "show", "2026"], ("table", "json", "csv")),
    (["actuals", "show", "2026"], ("table", "json", "csv")),
    (["prognosis", "make", "--year", "2026", "--month", "10"], ("table", "json", "csv")),
    (["prognosis", "history", "--year", "2026"], ("table", "json", "csv")),
    (["prognosis", "show", "--year", "2026", "--month", "10"], ("table", "json", "csv")),
    (["report", "month", "2026", "10"], ("text", "json")),
    (["report", "tertial", "--year", "2026", "--tertial", "1"], ("table", "json")),
    (["report", "tertial", "--year", "2026", "--tertial", "2"], ("table", "json")),
    (["report", "year", "2025"], ("text", "json", "md")),
    (["check"], ("text", "json")),
    (["check", "--summary"], ()),
    (["indicators", "--year", "2026"], ("table", "json", "csv")),
    (["indicators", "long-term"], ("table", "json", "csv")),
    (["population", "list"], ("table", "json", "csv")),
    (["target", "keys"], ("table", "json", "csv")),
    (["target", "list"], ("table", "json", "csv")),
    (["outcome", "list"], ("table", "json", "csv")),
    (["day"], ("table", "json")),
    (["day", "--handler", "h005"], ("table", "json")),
]

# The commands that write a workbook: (arguments, file name).
WORKBOOKS: list[tuple[list[str], str]] = [
    (["export", "alla", "{dir}/export.xlsx"], "export.xlsx"),
    (["template", "alla", "{dir}/mall.xlsx"], "mall.xlsx"),
    (["prognosis", "export", "{dir}/prognos.xlsx", "--year", "2026", "--month", "10"], "prognos.xlsx"),
    (["report", "month", "2026", "10", "--xlsx", "{dir}/manad.xlsx"], "manad.xlsx"),
    (["report", "tertial", "--year", "2026", "--tertial", "2", "--xlsx", "{dir}/tertial.xlsx"],
     "tertial.xlsx"),
    (["report", "year", "2025", "--xlsx", "{dir}/ar.xlsx"], "ar.xlsx"),
    (["indicators", "--year", "2026", "--xlsx", "{dir}/nyckeltal.xlsx"], "nyckeltal.xlsx"),
    (["caseload", "history", "--from", "2026-01", "--to", "2026-11", "--xlsx", "{dir}/historik.xlsx"],
     "historik.xlsx"),
    (["handling-time", "report", "--from", "2026-01-01", "--to", "2026-10-31",
      "--xlsx", "{dir}/handlaggningstid.xlsx"], "handlaggningstid.xlsx"),
    (["plans", "coverage", "--by", "team", "--xlsx", "{dir}/planer.xlsx"], "planer.xlsx"),
]


def _help_pages(runner, root) -> list[dict]:
    import click

    def walk(command, path):
        yield path
        if isinstance(command, click.Group):
            for name in command.list_commands(None):
                yield from walk(command.get_command(None, name), [*path, name])

    pieces = []
    for path in walk(root, []):
        result = runner.invoke(root, ["--lang", "sv", *path, "--help"], prog_name="ekbist")
        if path:
            pieces.append({"where": "command name", "kind": "command", "text": path[-1]})
        pieces.append({"where": "ekbist " + " ".join([*path, "--help"]), "kind": "help",
                       "text": result.output, "exit": result.exit_code})
    return pieces


def _workbook_pieces(path: Path, where: str) -> list[dict]:
    import openpyxl

    pieces = []
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        here = f"{where} [{sheet.title}]"
        pieces.append({"where": here, "kind": "cell", "text": sheet.title,
                       "hidden": sheet.sheet_state != "visible"})
        heading: dict[int, str] = {}  # each column's header: its text in the first header row
        for row in sheet.iter_rows():
            if sum(isinstance(c.value, str) for c in row) >= 2 and not heading:
                heading = {c.column: c.value for c in row if isinstance(c.value, str)}
            for cell in row:
                value = cell.value
                if value is None:
                    continue
                at = f"{here}!{cell.coordinate}"
                if isinstance(value, bool):
                    pieces.append({"where": at, "kind": "boolean", "text": str(value)})
                elif isinstance(value, str):
                    if value.startswith("="):
                        continue  # a formula: the cell shows a number
                    pieces.append({"where": at, "kind": "cell", "text": value,
                                   "hidden": sheet.sheet_state != "visible"})
                elif isinstance(value, int | float):
                    pieces.append({"where": at, "kind": "format", "text": cell.number_format,
                                   "value": value, "header": heading.get(cell.column, ""),
                                   "sheet": sheet.title})
    return pieces


def walk(db: Path, today: str, out: Path) -> list[dict]:
    from click.testing import CliRunner
    from ekbist.commands import main

    from ekbist.i18n import set_language

    set_language("sv")
    main._translate_root_help()
    main.translate_metavars(main.root)
    runner = CliRunner()
    pieces = _help_pages(runner, main.root)

    def run(args: list[str], database: Path = db):
        # --wide: every column whole, so a long code (a target key) is never cut into
        # fragments that read as words; how tables fit a terminal is tests/test_widths.py's.
        return runner.invoke(main.root, ["--db", str(database), "--today", today, "--lang", "sv",
                                         "--wide", *args], prog_name="ekbist")

    for args, formats in TABLES:
        for fmt in formats or (None,):
            full = [*args, "--format", fmt] if fmt else args
            result = run(full)
            kind = "machine" if fmt in ("json", "csv") else "screen"
            pieces.append({"where": "ekbist " + " ".join(full), "kind": kind, "text": result.stdout,
                           "exit": result.exit_code, "format": fmt})
            if result.stderr.strip():
                pieces.append({"where": "ekbist " + " ".join(full) + " (stderr)", "kind": "screen",
                               "text": result.stderr, "exit": result.exit_code})

    for args, name in WORKBOOKS:
        full = [a.replace("{dir}", str(out)) for a in args]
        result = run(full)
        where = "ekbist " + " ".join(args).replace("{dir}/", "")
        pieces.append({"where": where, "kind": "screen", "text": result.output,
                       "exit": result.exit_code})
        if (out / name).exists():
            pieces.extend(_workbook_pieces(out / name, where))

    # The detail lines of an import that changes something: the export with one amount
    # and one case's children changed, read back into a copy of the store.
    import openpyxl

    copy = out / "kopia.db"
    shutil.copyfile(db, copy)
    book = openpyxl.load_workbook(out / "export.xlsx")
    for sheet in book.worksheets:
        headers = [c.value for c in sheet[1]]
        if "Belopp" in headers:
            sheet.cell(row=2, column=headers.index("Belopp") + 1).value = 4321
        if "Barn" in headers:
            sheet.cell(row=2, column=headers.index("Barn") + 1).value = 7
    book.save(out / "andrad.xlsx")
    for extra in (["--dry-run"], ["--dry-run", "--format", "json"]):
        result = run(["import", str(out / "andrad.xlsx"), *extra], database=copy)
        kind = "machine" if "json" in extra else "screen"
        pieces.append({"where": "ekbist import andrad.xlsx " + " ".join(extra), "kind": kind,
                       "text": result.output, "exit": result.exit_code})
    return pieces


if __name__ == "__main__":
    os.environ["EKBIST_LANG"] = "sv"
    database, day, directory = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    json.dump(walk(database, day, directory), sys.stdout, ensure_ascii=False)
