"""The prognosis workbook coming back: the controller's edits to ``prognosis export``.

``ekbist prognosis export`` writes the month's prognosis as the controller reads
it (:mod:`ekbist.sheets.prognosis_workbook`): a sheet 'Prognos' titled "Prognos YYYY –
utfall till och med MONTH", one block per activity under "Verksamhet: NAME", a header
row (Rad, Budget, Utfall ackumulerat, Prognos helår, Avvikelse, Kommentar, Metod),
figures in tkr. The controller changes a method here, a figure and a comment there, and the file
comes back through ``ekbist import``: read by :mod:`ekbist.sheets.prognosis_read` (which
prognosis, its line rows, what the export wrote), its formulas found by
:mod:`ekbist.sheets.formula_cells`, and compared, checked and applied here.

What the workbook may change, per line: the method (run-rate, budget, driver,
manual — the line is then forecast again from its saved budget and actuals), the
full-year prognosis (a figure set by hand: method manual, and the line must then
have a comment) and the comment. Everything else is compared with what ekbist
holds and refused when it differs, naming the cell: a line the month's prognosis
does not have, a changed budget or actual (those come from their own sheets), a
deviation that follows from neither the old nor the new prognosis, a formula in
a line's cells (its result could change without anyone typing it). Sum rows, the
adherence rows and the summary sheet are ekbist's own arithmetic and are not read.

The comparison is with the prognosis saved for that month; when none is saved,
with the prognosis made with the default methods, which is what the export wrote
then. The month's prognosis is saved whole (as ``prognosis make --save`` does),
in one transaction, audited by the store's triggers; a dry run writes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ekbist import prognosis as prognosis_lib
from ekbist import prognosis_options
from ekbist import settings
from ekbist.budget import fold
from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _
from ekbist.money import parse_amount, to_tkr
from ekbist.prognosis_driver import driver_forecast
from ekbist.sheets import convert, sum_rows
from ekbist.sheets.cells import cell_name
from ekbist.sheets.formula_cells import formula_cells
from ekbist.sheets.import_report import ImportReport
from ekbist.sheets.prognosis_read import (
    ALL_METHODS, FIGURE_BOUNDS, Row, Unread, Workbook, comment_of, is_exported, method_code,
    read_exported, read_rows)
from ekbist.sheets.prognosis_workbook import EXPORTED_SHEET
from ekbist.sheets.reader import Sheet
from ekbist.store import Store

KIND = "prognoses"


def unread_warnings(sheet: str, unread: list[Unread], before: dict[str, Any],
                    exported: dict[tuple[str, str], dict[str, Any]],
                    after: dict[str, Any]) -> list[str]:
    """A warning per cell the import does not read, naming it: a figure on a sum row only
    when it is neither the sum the export wrote nor the sum of the lines as imported."""
    out = []
    for cell in unread:
        where = cell_name(sheet, cell.row, cell.col)
        if cell.sum is not None:
            activity, label, role = cell.sum
            try:
                kronor = parse_amount(cell.value, where, factor=1000,
                                      maximum=FIGURE_BOUNDS[role])
            except EkbistError:
                kronor = None
            sums = [_sum_of(result, activity, label, role, exported if result is before else {})
                    for result in (before, after)]
            if kronor is not None and any(s is not None and _same_tkr(kronor, s) for s in sums):
                continue
            out.append(_("{cell}: '{value}' — not read: a sum row is ekbist's own arithmetic; "
                         "change the lines above it").format(cell=where, value=_shown(cell.value)))
            continue
        out.append(_("{cell}: '{value}' — not read: ekbist reads the lines' method, prognosis "
                     "and comment only").format(cell=where, value=_shown(cell.value)))
    return out


def _sum_of(result: dict[str, Any], activity: str | None, label: str, role: str,
            exported: dict[tuple[str, str], dict[str, Any]]) -> int | None:
    """The kronor of a sum row's figure (revenues, costs or net of an activity or of all)."""
    kind = sum_rows.sum_kind(label)
    lines = [dict(x) for x in result["lines"]
             if activity is None or fold(x["activity"]) == fold(activity)]
    for x in lines:
        shown = exported.get((fold(x["activity"]), fold(x["line"])))
        if shown is not None:
            x["prognosis"] = shown["prognosis"]
    def total(k: str, field: str) -> int:
        return sum(x[field] for x in lines if x["kind"] == k)
    if kind in ("revenue", "cost"):
        if role == "deviation":
            return prognosis_lib.deviation(kind, total(kind, "budget"), total(kind, "prognosis"))
        return total(kind, role)
    if kind == "net":
        if role == "deviation":
            return prognosis_lib.deviation("cost", total("cost", "budget") - total("revenue", "budget"),
                                           total("cost", "prognosis") - total("revenue", "prognosis"))
        return total("cost", role) - total("revenue", role)
    return None


def _shown(value: Any) -> str:
    from ekbist.sheets.wide_sheet import shown

    return shown(value)


# -- comparing and applying ------------------------------------------------------------------
def _tkr_cell(sheet: str, r: int, c: int, value: Any, problems: list[str], role: str
              ) -> int | None:
    """The kronor a tkr cell of ``role`` says (blank is 0), or None with the problem noted."""
    if convert.is_empty(value):
        return 0
    try:
        return parse_amount(value, cell_name(sheet, r, c), factor=1000,
                            maximum=FIGURE_BOUNDS[role])
    except EkbistError as exc:
        problems.append(str(exc))
        return None


def _same_tkr(kronor_in_cell: int, kronor: int) -> bool:
    return kronor_in_cell == to_tkr(kronor) * 1000


def base_prognosis(store: Store, year: int, month: int, today: date) -> tuple[dict[str, Any], bool]:
    """(the prognosis the workbook is compared with, whether it is a saved one)."""
    try:
        return prognosis_lib.saved(store, year, month), True
    except EkbistError:
        return prognosis_lib.make(store, year, month, today=today), False


def apply(store: Store, book: Workbook, *, today: date, formulas: set[tuple[int, int]]
          ) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """(the new prognosis, the changes per line, whether a prognosis was saved before).

    Raises :class:`ValidationErrors` listing every cell that cannot be taken.
    """
    sheet = book.sheet.name
    year, month = book.year, book.month
    base, was_saved = base_prognosis(store, year, month, today)
    by_key = {(r["activity"], r["line"]): dict(r) for r in base["lines"]}
    folded = {(fold(a), fold(line)): (a, line) for a, line in by_key}
    assistance = (str(settings.get(store, "budget.assistance_activity")),
                  str(settings.get(store, "budget.assistance_line")))
    problems: list[str] = []
    changes: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}
    driver: dict[str, Any] | None = None
    last_year: dict[tuple[str, str], tuple[int, int]] | None = None

    for row in book.rows:
        here = cell_name(sheet, row.row, row.label_col)
        key = folded.get((fold(row.activity), fold(row.line)))
        if key is None:
            problems.append(_("{cell}: '{line}' — {activity} has no such line in the prognosis of "
                              "{period} (lines come from the year's budget and actuals)").format(
                cell=here, line=row.line, activity=row.activity,
                period=prognosis_lib.period(year, month)))
            continue
        if key in seen:
            problems.append(_("{cell}: {activity} · {line} appears twice (also {other})").format(
                cell=here, activity=key[0], line=key[1], other=seen[key]))
            continue
        seen[key] = here
        old = by_key[key]
        exported = book.exported.get((fold(key[0]), fold(key[1]))) or old
        bad = False
        for _role, (c, _value) in row.cells.items():
            if (row.row, c) in formulas:
                problems.append(_("{cell}: a formula — type the figure or text itself (a formula's "
                                  "result can change without anyone typing it)").format(
                    cell=cell_name(sheet, row.row, c)))
                bad = True
        if bad:
            continue

        figures: dict[str, int | None] = {}
        for role in FIGURE_BOUNDS:
            if role in row.cells:
                c, value = row.cells[role]
                figures[role] = _tkr_cell(sheet, row.row, c, value, problems, role)
        if any(figures.get(role) is None and role in row.cells for role in figures):
            continue
        for role, what in (("budget", _("the budget")), ("actual_ytd", _("the actual to date"))):
            if role in figures and not _same_tkr(figures[role], old[role]):
                c, value = row.cells[role]
                problems.append(_("{cell}: '{value}' — {what} cannot be changed in the prognosis "
                                  "(ekbist has {tkr} tkr); change the budget or actuals and make "
                                  "the prognosis again").format(
                    cell=cell_name(sheet, row.row, c), value=convert.display(value), what=what,
                    tkr=to_tkr(old[role])))
                bad = True
        if bad:
            continue

        new = dict(old)
        method_cell = row.cells.get("method")
        typed_method = exported["method"]
        if method_cell is not None:
            c, value = method_cell
            typed_method = method_code(value) if not convert.is_empty(value) else exported["method"]
            if typed_method not in ALL_METHODS:
                problems.append(_("{cell}: '{value}' — unknown method (known: {methods})").format(
                    cell=cell_name(sheet, row.row, c), value=convert.display(value),
                    methods=", ".join(ALL_METHODS)))
                continue
        figure_changed = "prognosis" in figures and not _same_tkr(figures["prognosis"],
                                                                  exported["prognosis"])
        if "prognosis" in row.cells and convert.is_empty(row.cells["prognosis"][1]):
            c, _value = row.cells["prognosis"]
            problems.append(_("{cell}: the full-year prognosis is empty").format(
                cell=cell_name(sheet, row.row, c)))
            continue
        if figure_changed:
            if typed_method not in (exported["method"], prognosis_options.MANUAL):
                c, value = method_cell  # type: ignore[misc]
                problems.append(_("{cell}: '{value}' — the prognosis was also typed in "
                                  "({figure}); a figure set by hand is method manual: keep one "
                                  "of the two").format(
                    cell=cell_name(sheet, row.row, c), value=convert.display(value),
                    figure=cell_name(sheet, row.row, row.cells["prognosis"][0])))
                continue
            new["method"], new["prognosis"] = prognosis_options.MANUAL, figures["prognosis"]
            new["chosen_by"] = new["backtest_error"] = None
        elif typed_method != exported["method"]:
            new["method"] = typed_method
            new["chosen_by"] = new["backtest_error"] = None  # the controller chose it
            if typed_method == "run-rate":
                new["prognosis"] = prognosis_lib.run_rate(old["actual_ytd"], month)
            elif typed_method == "budget":
                new["prognosis"] = prognosis_lib.budget_rest(old["actual_ytd"], old["budget"],
                                                             month)
            elif typed_method == "seasonal":
                if last_year is None:
                    last_year = prognosis_lib.last_year_bases(store, year, month)
                if key not in last_year:
                    c, value = method_cell  # type: ignore[misc]
                    problems.append(_("{cell}: '{value}' — the seasonal method needs "
                                      "{activity}'s actuals for all twelve months of {last} and "
                                      "something booked on the line by {period}").format(
                        cell=cell_name(sheet, row.row, c), value=convert.display(value),
                        activity=key[0], last=year - 1, period=prognosis_lib.period(year - 1, month)))
                    continue
                new["prognosis"] = prognosis_lib.seasonal(old["actual_ytd"], *last_year[key])
            elif typed_method == "driver":
                c, value = method_cell  # type: ignore[misc]
                if key != assistance:
                    problems.append(_("{cell}: '{value}' — the driver method forecasts only "
                                      "{activity}:{line} (settings budget.assistance_activity and "
                                      "budget.assistance_line)").format(
                        cell=cell_name(sheet, row.row, c), value=convert.display(value),
                        activity=assistance[0], line=assistance[1]))
                    continue
                if driver is None:
                    driver = driver_forecast(store, year, month)
                if driver is None:
                    problems.append(_("{cell}: '{value}' — the driver method needs granted "
                                      "applications in the three months up to {period}").format(
                        cell=cell_name(sheet, row.row, c), value=convert.display(value),
                        period=prognosis_lib.period(year, month)))
                    continue
                new["prognosis"] = old["actual_ytd"] + driver["total"]
        if "comment" in row.cells:
            c, value = row.cells["comment"]
            text = comment_of(value)
            if text != exported["comment"]:
                if text is not None:
                    try:
                        text = prognosis_options.comment_text(text, f"{key[0]}:{key[1]}")
                    except EkbistError as exc:
                        problems.append(f"{cell_name(sheet, row.row, c)}: {exc}")
                        continue
                new["comment"] = text
        if new["method"] == prognosis_options.MANUAL and not new["comment"]:
            c = row.cells["comment"][0] if "comment" in row.cells else row.label_col
            problems.append(_("{cell}: {activity} · {line} is set by hand and needs a comment "
                              "saying why").format(cell=cell_name(sheet, row.row, c),
                                                   activity=key[0], line=key[1]))
            continue
        new["deviation"] = prognosis_lib.deviation(new["kind"], new["budget"], new["prognosis"])
        shown = prognosis_lib.deviation(old["kind"], old["budget"], exported["prognosis"])
        if "deviation" in figures and not (_same_tkr(figures["deviation"], shown)
                                           or _same_tkr(figures["deviation"], new["deviation"])):
            c, value = row.cells["deviation"]
            problems.append(_("{cell}: '{value}' — the deviation follows from the budget and the "
                              "prognosis ({tkr} tkr); change the prognosis instead").format(
                cell=cell_name(sheet, row.row, c), value=convert.display(value),
                tkr=to_tkr(new["deviation"])))
            continue
        fields = {f: {"old": old[f], "new": new[f]} for f in ("method", "prognosis", "comment")
                  if old[f] != new[f]}
        if fields:
            changes.append({"key": {"year": year, "month": month, "activity": key[0],
                                    "line": key[1]}, "cell": here, "fields": fields})
        by_key[key] = new
    if problems:
        raise ValidationErrors(problems)
    order = [b["activity"] for b in base["activities"]]
    lines_out = [{k: by_key[(r["activity"], r["line"])][k] for k in
                  ("activity", "line", "kind", "budget", "actual_ytd", "prognosis", "deviation",
                   "method", "comment", "chosen_by", "backtest_error")} for r in base["lines"]]
    return prognosis_lib.summarise(year, month, lines_out, order), changes, was_saved


def _money_cells(sheet: Sheet, rows: list[Row], sheets: list[Sheet]) -> set[tuple[str, int, int]]:
    """(sheet, row, column) of every cell the import reads as an amount: the figures of the
    line rows (tkr) and the prognosis in kronor of the hidden sheet the export wrote."""
    cells = {(sheet.name, row.row, c) for row in rows
             for role, (c, _value) in row.cells.items() if role in FIGURE_BOUNDS}
    for other in sheets:
        if is_exported(other):
            cells.update((other.name, r, 2) for r in range(1, len(other.rows)))
    return cells


def _personnummer_cells(sheets: list[Sheet], money: set[tuple[str, int, int]]) -> list[str]:
    """A problem for every cell of every sheet that holds a personnummer. Money is money: a
    number in a cell of ``money`` is an amount, bounded by its column (as in the importer of
    tables, :func:`ekbist.sheets.importer._scan_personnummer`); its text is read like any."""
    problems = []
    for other in sheets:
        columns = list(zip(*other.rows, strict=False)) if other.rows else []
        for c, column in enumerate(columns):
            for r in convert.personnummer_cells(column):
                value = column[r]
                if (other.name, r, c) in money and convert.to_number(value) is not None:
                    continue
                problems.append(_("{cell}: '{value}' — looks like a personnummer — ekbist stores "
                                  "no personal identity numbers").format(
                    cell=cell_name(other.name, r, c), value=convert.mask_personnummer(value)))
    return problems


def import_workbook(store: Store, found: tuple[Sheet, int, int], sheets: list[Sheet], path: Path,
                    *, today: date, dry_run: bool):
    """Import the prognosis workbook ``path`` (already read as ``sheets``); an ImportReport."""
    sheet, year, month = found
    report = ImportReport(path=str(path), dry_run=dry_run)
    problems: list[str] = []
    unread: list[Unread] = []
    rows = read_rows(sheet, problems, unread)
    refused = _personnummer_cells(sheets, _money_cells(sheet, rows, sheets))
    if refused:
        raise ValidationErrors(refused)
    if (year, month) > (today.year, today.month):
        raise EkbistError(_("{cell}: the prognosis is for {period}, which has not come yet "
                            "(today is {today})").format(
            cell=cell_name(sheet.name, 0, 0), period=prognosis_lib.period(year, month),
            today=today.isoformat()))
    if problems:
        raise ValidationErrors(problems)
    if not rows:
        raise EkbistError(_("{path}: sheet '{sheet}' has no prognosis lines under a header row "
                            "(Rad, Budget, … Prognos helår)").format(path=path.name,
                                                                     sheet=sheet.name))
    formulas = formula_cells(path, sheet.name)
    book = Workbook(sheet, year, month, rows,
                    [s.name for s in sheets if s.name not in (sheet.name, EXPORTED_SHEET)],
                    read_exported(sheets))
    hold = store.snapshot() if dry_run else store.transaction()
    with hold:
        before, _saved = base_prognosis(store, year, month, today)
        result, changes, was_saved = apply(store, book, today=today, formulas=formulas)
        report.warnings += unread_warnings(sheet.name, unread, before, book.exported, result)
        kind = report.kind(KIND)
        kind.changes = changes
        if was_saved:
            kind.unchanged = len(result["lines"]) - len(changes)
        else:
            kind.added = len(result["lines"])
            kind.added_keys = [{"year": year, "month": month, "activity": r["activity"],
                                "line": r["line"]} for r in result["lines"][:20]]
        report.sheets.append({"sheet": sheet.name, "kind": KIND, "header_row": None})
        for name in book.other_sheets:
            if name != "Sammanställning":
                report.warnings.append(_("sheet '{sheet}': not part of the prognosis — ignored")
                                       .format(sheet=name))
        if not dry_run:
            prognosis_lib.save(store, result, today=today)
            report.written = True
    return report
