"""The prognosis filled into the controller's own workbook: ``prognosis export --into``.

The controller has a workbook of their own, with their layout, formulas and colours,
and wants the month's figures in it. :func:`write_into` finds the rows by line name
(under the activity's heading, in an activity column or on the activity's own sheet)
and the columns by header (:func:`ekbist.sheets.prognosis_workbook.figure_role`),
changes only those figure cells, leaves a cell holding a formula as it is, and saves a
new file: the template itself is never written. What openpyxl cannot carry over when it
saves (charts redrawn, images, Excel extensions, macros …) is listed first by
:func:`inspect_losses`, reading the workbook's XML parts, and refused unless forced.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ekbist import files
from ekbist.budget import DEFAULT_LINES, fold, net
from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _, ngettext
from ekbist.money import round_div
from ekbist.prognosis import deviation
from ekbist.sheets import sum_rows
from ekbist.sheets.cells import cell_name
from ekbist.sheets.prognosis_workbook import FIGURE_NAMES, figure_role
from ekbist.sheets.wide_sheet import ACTIVITY_HEADERS, HEADING_PREFIX, header_key, unit_factor


def _sum_kind(label: str) -> str | None:
    """The sums a row of a controller's workbook gets: those of the activity's revenues,
    costs or net (sum_rows' words); None for a line or a plain 'Summa'."""
    return sum_rows.sum_kind(label) if sum_rows.is_sum_label(label) else None


def write_into(result: dict[str, Any], template: Path, out: Path, *, force: bool = False,
               lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Fill the prognosis into a copy of the controller's workbook ``template``, saved as ``out``.

    Rows are found by line name (under the activity's heading, in an activity column or on
    the activity's own sheet), columns by header (Budget, Utfall ackumulerat, Prognos helår,
    Avvikelse, Kommentar, in Swedish or English). Only those cells change, and a cell holding
    a formula is left as it is. Sum rows ('Summa intäkter', 'Summa kostnader', 'Summa netto')
    get the sums unless they hold formulas. Anything missing stops it before a file is written.
    """
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell

    from ekbist.textcells import as_text

    template, out = Path(template), Path(out)
    if template.suffix.lower() not in (".xlsx", ".xlsm"):
        raise EkbistError.about(_("{path}: {into} takes an .xlsx workbook"), {"into": "into"},
                                path=template)
    files.check_new_workbook(out, template=template, force=force)
    losses = inspect_losses(template)
    if losses and not force:
        raise EkbistError.about(
            _("{path} holds what ekbist cannot carry over when it writes the workbook: {items} — "
              "give {force} to write the new file without them (the template is never changed)"),
            {"force": "force"}, path=template.name, items="; ".join(losses))
    known_lines = {fold(n): n for n, _k in DEFAULT_LINES}
    for line in lines or ():
        known_lines[fold(line["name"])] = line["name"]
    activities = {_activity_key(b["activity"]): b["activity"] for b in result["activities"]}
    by_key = {(r["activity"], r["line"]): r for r in result["lines"]}
    kinds = {r["line"]: r["kind"] for r in result["lines"]}
    for line in lines or ():
        kinds.setdefault(line["name"], line["kind"])
    for name, kind in DEFAULT_LINES:
        kinds.setdefault(name, kind)

    wb = load_workbook(template, keep_vba=template.suffix.lower() == ".xlsm", rich_text=True)
    problems: list[str] = []
    targets: dict[tuple[str, str], tuple[Any, int, dict[str, int], int]] = {}
    sum_targets: dict[tuple[str, str], tuple[Any, int, dict[str, int], int]] = {}
    notes: list[str] = []
    headers_seen = False
    skipped_activities: set[str] = set()
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            # A hidden sheet is nobody's page to read: ekbist's own record of an exported
            # prognosis lives there, and a controller's lookup lists.
            continue
        sheet_activity = activities.get(_activity_key(ws.title))
        current = sheet_activity
        columns: dict[str, int] | None = None
        factor = 1000
        activity_col: int | None = None
        carried: str | None = None
        unit_texts: list[str] = []
        for row in ws.iter_rows():
            values = [c.value for c in row]
            texts = [(c.column - 1, v) for c, v in zip(row, values, strict=True)
                     if isinstance(v, str) and v.strip()]
            roles = {c: role for c, v in texts if (role := figure_role(v))}
            if "prognosis" in roles.values() and len(roles) >= 2:
                columns = {}
                for c, role in roles.items():
                    columns.setdefault(role, c)
                activity_col = next((c for c, v in texts if header_key(v) in ACTIVITY_HEADERS),
                                    None)
                headers_seen = True
                missing = [FIGURE_NAMES[k] for k in FIGURE_NAMES if k not in columns]
                if missing:
                    problems.append(ngettext(
                        "{sheet}!{row}: column {columns} not found in the header row (looked "
                        "for e.g. {names})",
                        "{sheet}!{row}: columns {columns} not found in the header row (looked "
                        "for e.g. {names})", len(missing)).format(
                        sheet=ws.title, row=row[0].row, columns=", ".join(missing),
                        names=", ".join(FIGURE_NAMES.values())))
                factor = unit_factor([fold(v) for _c, v in texts] + unit_texts, default=1000)
                continue
            if columns is None:
                unit_texts += [fold(v) for _c, v in texts]
                for _c, v in texts:
                    found = _activity_in(v, activities)
                    if found:
                        current = found
                    elif HEADING_PREFIX.match(fold(v)):
                        current = ""  # an activity the prognosis does not have
                        skipped_activities.add(" ".join(str(v).split()))
                continue
            first_figure = min(columns.values())
            label_cells = [(c, v) for c, v in texts if c < first_figure and c != activity_col]
            label_key = None
            for _c, v in label_cells:
                if fold(v) in known_lines or _sum_kind(v):
                    label_key = fold(v)
                    break
            if label_key is None:
                for _c, v in texts:
                    found = _activity_in(v, activities)
                    if found and len(texts) <= 2:
                        current = found
                        break
                    if HEADING_PREFIX.match(fold(v)) and not found:
                        current = ""  # an activity the prognosis does not have
                        skipped_activities.add(" ".join(str(v).split()))
                        break
                continue
            if activity_col is not None:
                cell_value = values[activity_col] if activity_col < len(values) else None
                if isinstance(cell_value, str) and cell_value.strip():
                    carried = activities.get(_activity_key(cell_value))
                    if carried is None:
                        skipped_activities.add(" ".join(cell_value.split()))
                        carried = ""
                activity = carried if carried is not None else current
            else:
                activity = current
            if activity == "":
                continue
            if activity is None:
                if len(activities) == 1:
                    activity = next(iter(activities.values()))
                else:
                    problems.append(_("{cell}: cannot tell which activity this row belongs "
                                      "to — put 'Aktivitet: NAME' above it").format(
                        cell=cell_name(ws.title, row[0].row - 1, 0)))
                    continue
            where = (ws, row[0].row, dict(columns), factor)
            if label_key not in known_lines:
                key = (activity, _sum_kind(label_key))
                sum_targets.setdefault(key, where)
                continue
            key = (activity, known_lines[label_key])
            if key in targets:
                problems.append(_("{cell}: {activity} · {line} is in the workbook twice "
                                  "(also {other})").format(
                    cell=cell_name(ws.title, row[0].row - 1, 0), activity=key[0], line=key[1],
                    other=cell_name(targets[key][0].title, targets[key][1] - 1, 0)))
                continue
            targets[key] = where
    if not headers_seen:
        problems.append(_("no header row with Budget, Utfall ackumulerat, Prognos helår, "
                          "Avvikelse and Kommentar found in {path}").format(path=template.name))
    for r in result["lines"]:
        key = (r["activity"], r["line"])
        if key in targets:
            continue
        if r["budget"] == 0 and r["actual_ytd"] == 0 and r["prognosis"] == 0 and not r["comment"]:
            continue
        problems.append(_("line '{line}' of '{activity}' not found in {path}").format(
            line=r["line"], activity=r["activity"], path=template.name))
    if problems:
        raise ValidationErrors(problems)

    written = 0
    kept: list[str] = []
    rows_done = 0

    def put(ws, row: int, col: int, value: Any) -> None:
        nonlocal written
        cell = ws.cell(row=row, column=col + 1)
        if isinstance(cell, MergedCell) or (isinstance(cell.value, str)
                                            and cell.value.startswith("=")):
            kept.append(cell_name(ws.title, row - 1, col))
            return
        cell.value = value
        as_text(cell)
        written += 1

    def scaled(kronor: int, factor: int) -> int | float:
        if factor == 1_000_000:
            return round(kronor / factor, 3)  # mnkr to the whole tkr: "44,406"
        return round_div(kronor, factor) if factor != 1 else kronor

    for (activity, line), (ws, row, columns, factor) in targets.items():
        r = by_key.get((activity, line))
        figures = r or {"budget": 0, "actual_ytd": 0, "prognosis": 0, "deviation": 0,
                        "comment": None}
        for role in ("budget", "actual_ytd", "prognosis", "deviation"):
            if role in columns:
                put(ws, row, columns[role], scaled(figures[role], factor))
        if "comment" in columns:
            put(ws, row, columns["comment"], figures["comment"])
        rows_done += 1
    for (activity, which), (ws, row, columns, factor) in sum_targets.items():
        mine = [x for x in result["lines"] if x["activity"] == activity]
        sums: dict[str, int] = {}
        for role in ("budget", "actual_ytd", "prognosis"):
            revenues, costs, net_ = net(mine, role)
            sums[role] = {"revenue": revenues, "cost": costs, "net": net_}[which]
        # A net is a cost (costs − revenues): below budget is better, as for a cost.
        sums["deviation"] = deviation("revenue" if which == "revenue" else "cost",
                                      sums["budget"], sums["prognosis"])
        for role in ("budget", "actual_ytd", "prognosis", "deviation"):
            if role in columns:
                put(ws, row, columns[role], scaled(sums[role], factor))
        rows_done += 1
    for name in sorted(skipped_activities):
        notes.append(_("'{name}' is not in the prognosis — its rows were left as they were")
                     .format(name=name))
    if kept:
        notes.append(ngettext("{n} cell kept as it was (a formula or inside a merged cell): {cells}",
                              "{n} cells kept as they were (formulas or inside merged cells): "
                              "{cells}", len(kept)).format(
            n=len(kept), cells=", ".join(kept[:6]) + (", …" if len(kept) > 6 else "")))
    # Cells ekbist filled feed the workbook's own formulas: have Excel and LibreOffice
    # recalculate them on opening (openpyxl stores no results).
    wb.calculation.fullCalcOnLoad = True
    files.save_workbook(wb, out, force=force, keep_formulas=True)
    return {"cells": written, "rows": rows_done, "notes": notes, "lost": losses}


def _activity_key(text: Any) -> str:
    """An activity name as a sheet tab or a heading may spell it: no '/', no '(tkr)' after it."""
    clean = re.sub(r"\s*\([^)]*\)\s*$", "", fold(text))
    return " ".join(re.sub(r"[/\\_\-–]", " ", clean).split())


def _activity_in(text: str, activities: dict[str, str]) -> str | None:
    """The prognosis activity a heading cell names: 'Aktivitet: X', 'Enhet : X' or 'X'."""
    clean = fold(text)
    match = HEADING_PREFIX.match(clean)
    if match:
        clean = fold(match.group("name"))
    return activities.get(_activity_key(clean))


# -- what saving through openpyxl would lose -----------------------------------------------
def inspect_losses(path: Path) -> list[str]:
    """What saving ``path`` through openpyxl would lose or redraw, one item per line."""
    lost: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise EkbistError(_("{path} is not an .xlsx workbook").format(path=path)) from None
    from ekbist.sheets import guard

    archive.close()
    guard.check_zip(path)   # a zip bomb or damaged part is refused, naming the part
    archive = zipfile.ZipFile(path)
    with archive:
        names = set(archive.namelist())
        sheets = _sheet_files(archive, names)
        for sheet_file, sheet_name in sheets.items():
            xml = archive.read(sheet_file).decode("utf-8", "replace") if sheet_file in names else ""
            if "x14:dataValidation" in xml:
                lost.append(_("data validation from an Excel extension (sheet {sheet})").format(
                    sheet=sheet_name))
            if "x14:conditionalFormatting" in xml:
                lost.append(_("conditional formatting from an Excel extension (sheet {sheet})")
                            .format(sheet=sheet_name))
            if "x14:sparklineGroup" in xml:
                lost.append(_("sparklines (sheet {sheet})").format(sheet=sheet_name))
            if "x14:slicerList" in xml or "x15:timelineRefs" in xml:
                lost.append(_("slicers or timelines (sheet {sheet})").format(sheet=sheet_name))
            for drawing in _related(archive, names, sheet_file, "drawing"):
                dxml = archive.read(drawing).decode("utf-8", "replace")
                charts = len(re.findall(r"<c:chart\b", dxml))
                pictures = len(re.findall(r"<xdr:pic\b", dxml))
                shapes = len(re.findall(r"<xdr:sp\b", dxml))
                if charts:
                    lost.append(ngettext(
                        "{n} chart — redrawn by openpyxl, formatting made in Excel may be lost "
                        "(sheet {sheet})",
                        "{n} charts — redrawn by openpyxl, formatting made in Excel may be lost "
                        "(sheet {sheet})", charts).format(n=charts, sheet=sheet_name))
                if pictures:
                    lost.append(ngettext("{n} image (sheet {sheet})", "{n} images (sheet {sheet})",
                                         pictures).format(n=pictures, sheet=sheet_name))
                if shapes:
                    lost.append(ngettext("{n} shape or text box (sheet {sheet})",
                                         "{n} shapes or text boxes (sheet {sheet})",
                                         shapes).format(n=shapes, sheet=sheet_name))
            if _related(archive, names, sheet_file, "ctrlProp") or \
                    _related(archive, names, sheet_file, "control"):
                lost.append(_("form controls (sheet {sheet})").format(sheet=sheet_name))
            if _related(archive, names, sheet_file, "threadedComment"):
                lost.append(_("threaded comments (sheet {sheet})").format(sheet=sheet_name))
        if "xl/vbaProject.bin" in names and path.suffix.lower() != ".xlsm":
            lost.append(_("macros (VBA)"))
        if any(n.startswith("xl/chartsheets/") for n in names):
            lost.append(_("chart sheets"))
        if any(n.startswith(("xl/slicers/", "xl/slicerCaches/", "xl/timelines/")) for n in names):
            lost.append(_("slicers or timelines"))
        if any(n.startswith("xl/model/") for n in names):
            lost.append(_("the data model (Power Pivot)"))
        if any(n.startswith("customXml/") for n in names):
            lost.append(_("custom XML parts"))
    return list(dict.fromkeys(lost))


_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _rels_of(archive: zipfile.ZipFile, names: set[str], part: str) -> list[tuple[str, str]]:
    folder, _sep, base = part.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels"
    if rels not in names:
        return []
    root = ElementTree.fromstring(archive.read(rels))
    found = []
    for rel in root.iter(f"{_REL_NS}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else os.path.normpath(
            f"{folder}/{target}").replace("\\", "/")
        found.append((rel.get("Type", "").rsplit("/", 1)[-1], full))
    return found


def _related(archive: zipfile.ZipFile, names: set[str], part: str, kind: str) -> list[str]:
    return [target for rel_type, target in _rels_of(archive, names, part)
            if rel_type == kind and target in names]


def _sheet_files(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    if "xl/workbook.xml" not in names:
        raise EkbistError(_("the workbook has no xl/workbook.xml — not an .xlsx workbook"))
    root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    targets = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{_REL_NS}Relationship"):
            target = rel.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id")] = full
    result = {}
    for sheet in root.iter(f"{_MAIN_NS}sheet"):
        file = targets.get(sheet.get(f"{_DOC_REL}id"))
        if file:
            result[file] = sheet.get("name", "?")
    return result
