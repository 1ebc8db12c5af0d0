"""The controller's workbooks: their wide budget/actuals sheets in, the prognosis out.

The controller keeps one row per activity and budget line with twelve month
columns, in kr or tkr, and wants the prognosis back in their own layout (Budget,
Utfall ackumulerat, Prognos helår, Avvikelse, Kommentar, in tkr). Reading is pure
(:func:`parse_wide_sheet` gets cell values and returns records; the importer
validates against the store and writes). Writing into the controller's own
workbook changes only the figure cells it finds by line, activity and header and
saves a new file; what openpyxl cannot carry over is listed first and refused
unless forced.
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ekbist.budget import DEFAULT_LINES, fold
from ekbist.codes import PROGNOSIS_METHODS
from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _, ngettext
from ekbist.money import MAX_BUDGET_AMOUNT, parse_amount, round_div, to_tkr
from ekbist.sheets.reader import cell_name

# -- words ------------------------------------------------------------------------------
MONTH_WORDS: dict[str, int] = {}
for _number, _words in enumerate(
    (
        ("jan", "januari", "january"),
        ("feb", "februari", "february"),
        ("mar", "mars", "march"),
        ("apr", "april"),
        ("maj", "may"),
        ("jun", "juni", "june"),
        ("jul", "juli", "july"),
        ("aug", "augusti", "august"),
        ("sep", "sept", "september"),
        ("okt", "oct", "oktober", "october"),
        ("nov", "november"),
        ("dec", "december"),
    ),
    start=1,
):
    for _word in _words:
        MONTH_WORDS[_word] = _number

ACTIVITY_HEADERS = {"aktivitet", "activity", "verksamhet", "enhet", "unit", "ansvar",
                    "ansvarsenhet", "verksamhetsområde", "kostnadsställe", "activities"}
LINE_HEADERS = {"rad", "line", "budget line", "budgetrad", "budgetpost", "konto", "kontoslag",
                "slag", "kostnadsslag", "intäkts- och kostnadsslag", "intäkts och kostnadsslag",
                "post", "benämning", "radbenämning", "text", "line item", "account", "item",
                "kontogrupp", "budget lines", "lines"}
YEAR_HEADERS = {"år", "year", "budgetår", "räkenskapsår", "verksamhetsår"}
TOTAL_HEADERS = {"summa", "total", "totalt", "helår", "summa år", "år totalt", "year total",
                 "summa helår", "sum", "totalt år", "hela året", "full year"}
GROUP_WORDS = {"intäkter", "kostnader", "revenues", "revenue", "costs", "cost", "income",
               "expenses", "intäkt", "kostnad"}
SUM_PREFIXES = ("summa", "total", "totalt", "sum ", "netto", "net ", "resultat")
HEADING_PREFIX = re.compile(
    r"^(enhet|aktivitet|verksamhet|activity|unit|ansvar)\s*[:\-–]\s*(?P<name>.+)$", re.I
)

HEADING_IN_TEXT = re.compile(
    r"\b(enhet|aktivitet|verksamhet|activity|unit)\s*:\s*(?P<name>[^,;()]+?)\s*(\(.*)?$", re.I
)

BUDGET_WORDS = re.compile(r"\bbudget(ar|en|et)?\b")
ACTUAL_WORDS = re.compile(r"\b(utfall(et)?|actuals?|outcome|bokfört|redovisat)\b")
TKR_WORDS = re.compile(r"\b(tkr|ksek|tsek|tusental kronor|tusentals kronor|thousand sek|"
                       r"thousands of sek|thousands of kronor|kkr)\b")
MNKR_WORDS = re.compile(r"\b(mnkr|mkr|msek|miljoner kronor|million sek)\b")
YEAR_IN_TEXT = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")

_CANONICAL_LINES = {" ".join(name.split()).casefold(): name for name, _kind in DEFAULT_LINES}


def _header_key(value: Any) -> str:
    """A header without units and punctuation: 'Rad (tkr)' → 'rad', 'Utfall ack.' → 'utfall ack'."""
    text = fold(value)
    text = re.sub(r"\((t?kr|sek|tkr|mnkr|ksek|tsek)\)", " ", text)
    text = re.sub(r"\b(i )?(tkr|kr|mnkr|ksek|tsek)\b", " ", text)
    text = text.replace(".", " ").replace(",", " ").replace(":", " ")
    return " ".join(text.split())


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def month_of(value: Any) -> tuple[int, int | None, str | None] | None:
    """(month, year or None, kind hint or None) if ``value`` is a month column header.

    'jan', 'Januari', 'JAN.', 'jan 2026', 'jan-26', '2026-01', 'Utfall jan', a date cell.
    """
    if isinstance(value, datetime | date):
        return value.month, value.year, None
    text = fold(value)
    if not text:
        return None
    hint = None
    match = re.match(r"^(utfall|budget|actuals?|outcome)\s+(.*)$", text)
    if match:
        hint = "budget" if match.group(1) == "budget" else "actual"
        text = match.group(2)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return int(match.group(2)), int(match.group(1)), hint
    match = re.fullmatch(r"([a-zåäö]+)\.?(?:[\s\-/']*(\d{2}|\d{4}))?", text)
    if not match or match.group(1) not in MONTH_WORDS:
        return None
    year = match.group(2)
    if year is not None:
        year = int(year) + (2000 if len(year) == 2 else 0)
    return MONTH_WORDS[match.group(1)], year, hint


def _month_columns(row: list[Any]) -> dict[int, tuple[int, int | None, str | None]] | None:
    found = {c: m for c, value in enumerate(row) if (m := month_of(value))}
    months = [m[0] for m in found.values()]
    if len(found) == 12 and sorted(months) == list(range(1, 13)):
        return found
    return None


def canonical_line(text: str) -> str:
    """A default line in its canonical spelling; any other line as written (tidied)."""
    clean = " ".join(str(text).split())
    return _CANONICAL_LINES.get(clean.casefold(), clean)


def _kind_from(texts: list[str]) -> str | None:
    budget = any(BUDGET_WORDS.search(t) for t in texts)
    actual = any(ACTUAL_WORDS.search(t) for t in texts)
    if budget != actual:
        return "budget" if budget else "actual"
    return None


# -- reading the wide layout ----------------------------------------------------------------
def parse_wide_sheet(
    sheet_name: str, rows: list[list[Any]], *, year: int | None, title: str
) -> list[dict[str, Any]] | None:
    """Records of the controller's wide layout, or None if the sheet is not in it.

    ``rows`` are the sheet's raw cell values from A1 (python-calamine). The layout is
    a header row with the twelve months (jan … dec, Swedish or English, any case)
    under any title rows, a line column and optionally activity, year and total
    columns. Amounts are kr, or tkr (× 1000) when the title or a header says tkr;
    either way they must come out as whole kronor. Whether the sheet holds budget or
    actuals is read from the sheet name, else the title and title rows, else the
    header: 'budget' against 'utfall'/'actual(s)'. Budget records are the sum of the
    twelve months (month None); actual records are one per month with an amount.
    Rows whose line or activity starts with 'Summa'/'Total' are left to the importer.
    """
    header_at, months = None, None
    for i, row in enumerate(rows[:60]):
        months = _month_columns(list(row))
        if months:
            header_at = i
            break
    if header_at is None or months is None:
        return None
    header = list(rows[header_at])
    first_month = min(months)
    roles: dict[str, int] = {}
    for c, value in enumerate(header):
        if c in months:
            continue
        key = _header_key(value)
        for role, words in (("activity", ACTIVITY_HEADERS), ("line", LINE_HEADERS),
                            ("year", YEAR_HEADERS), ("total", TOTAL_HEADERS)):
            if key in words and role not in roles:
                roles[role] = c
    body = [list(r) for r in rows[header_at + 1:]]
    if "line" not in roles:
        # The line names are in the text column nearest left of the months.
        for c in range(first_month - 1, -1, -1):
            if c in roles.values():
                continue
            if any(isinstance(r[c], str) and r[c].strip() and not _number_like(r[c])
                   for r in body if c < len(r)):
                roles["line"] = c
                break
    if "line" not in roles:
        return None

    title_rows = [_text(v) for r in rows[:header_at] for v in r if isinstance(v, str) and v.strip()]
    # A file name such as 'utfall_2026_tkr' is a title too: underscores count as spaces.
    title_texts = [fold(re.sub(r"[_]+", " ", title or "")), *(fold(t) for t in title_rows)]
    header_texts = [fold(v) for c, v in enumerate(header)
                    if isinstance(v, str) and c not in (roles.get("line"), roles.get("activity"))]
    sheet_text = fold(sheet_name.replace("_", " "))
    everything = [sheet_text, *title_texts, *(fold(v) for v in header if isinstance(v, str))]
    problems: list[str] = []
    origin = cell_name(sheet_name, header_at, first_month)

    hints = {m[2] for m in months.values() if m[2]}
    kind = (_kind_from([sheet_text]) or _kind_from(title_texts) or _kind_from(header_texts)
            or (hints.pop() if len(hints) == 1 else None))
    if kind is None:
        raise ValidationErrors([
            _("{cell}: cannot tell budget from actuals — put 'Budget' or 'Utfall' in the sheet "
              "name or title").format(cell=cell_name(sheet_name, 0, 0))
        ])

    factor = 1
    if any(MNKR_WORDS.search(t) for t in everything):
        factor = 1_000_000
    elif any(TKR_WORDS.search(t) for t in everything):
        factor = 1000

    header_years = {m[1] for m in months.values() if m[1] is not None}
    text_years = {int(y) for t in [sheet_text, *title_texts]
                  for y in YEAR_IN_TEXT.findall(t)}
    sheet_year: int | None = None
    if len(header_years) > 1:
        problems.append(_("{cell}: the month headers span several years ({years}) — one year "
                          "per sheet").format(cell=origin,
                                              years=", ".join(map(str, sorted(header_years)))))
    elif header_years:
        sheet_year = header_years.pop()
    if sheet_year is None and text_years:
        if len(text_years) == 1:
            sheet_year = text_years.pop()
        elif year in text_years:
            sheet_year = year
    if sheet_year is not None and year is not None and sheet_year != year:
        problems.append(_("{cell}: the sheet says {found} but --year is {year}").format(
            cell=origin, found=sheet_year, year=year))
    if sheet_year is None:
        sheet_year = year

    title_activity = None
    for text in [*title_rows, _text(title)]:
        match = HEADING_IN_TEXT.search(text)
        if match:
            title_activity = " ".join(match.group("name").split())

    records: list[dict[str, Any]] = []
    seen: dict[tuple, str] = {}
    heading: str | None = None
    carried: str | None = None
    line_col = roles["line"]
    # Line rows as (kind or None, {month: kronor}) for checking the sheet's own sum rows.
    block: list[tuple[str | None, dict[int, int | None]]] = []
    since_sum: list[tuple[str | None, dict[int, int | None]]] = []
    every: list[tuple[str | None, dict[int, int | None]]] = []
    block_activity: str | None = None
    for offset, row in enumerate(body):
        r = header_at + 1 + offset
        row = row + [None] * (len(header) - len(row))
        if all(_is_blank(v) for v in row):
            continue
        if _month_columns(row):
            continue  # a repeated header row
        label = _text(row[line_col])
        activity_cell = _text(row[roles["activity"]]) if "activity" in roles else ""
        if fold(label).startswith(SUM_PREFIXES) or fold(activity_cell).startswith(SUM_PREFIXES):
            problems += _check_sum_row(sheet_name, r, row, months, factor,
                                       fold(label or activity_cell), block, since_sum, every)
            since_sum = []
            continue
        values: dict[int, int | None] = {}
        for c, (month, _y, _hint) in months.items():
            raw = row[c] if c < len(row) else None
            if _is_blank(raw):
                values[month] = None
                continue
            if isinstance(raw, str) and raw.strip() in ("-", "–", "—"):
                values[month] = 0
                continue
            if isinstance(raw, datetime | date):
                problems.append(_("{cell}: '{value}' — not an amount").format(
                    cell=cell_name(sheet_name, r, c), value=raw))
                values[month] = None
                continue
            try:
                values[month] = parse_amount(raw, cell_name(sheet_name, r, c), factor=factor)
            except EkbistError as exc:
                problems.append(str(exc))
                values[month] = None
        has_amounts = any(v is not None for v in values.values())
        if not label:
            if has_amounts:
                problems.append(_("{cell}: amounts without a budget line").format(
                    cell=cell_name(sheet_name, r, line_col)))
            elif activity_cell:
                carried = activity_cell
            continue
        if not has_amounts and fold(label) in GROUP_WORDS:
            continue
        heading_match = HEADING_PREFIX.match(label)
        if not has_amounts and (heading_match or (fold(label) not in _CANONICAL_LINES
                                                  and "activity" not in roles)):
            heading = " ".join((heading_match.group("name") if heading_match else label).split())
            block = []
            continue
        if activity_cell:
            carried = activity_cell
        activity = (activity_cell or carried) if "activity" in roles else None
        activity = activity or heading or title_activity
        if not activity:
            problems.append(_("{cell}: no activity for this line — add an Aktivitet column or an "
                              "'Aktivitet: …' row above it").format(
                cell=cell_name(sheet_name, r, line_col)))
            continue
        row_year = sheet_year
        if "year" in roles and not _is_blank(row[roles["year"]]):
            try:
                row_year = int(parse_amount(row[roles["year"]], "year"))
            except EkbistError:
                row_year = None
            if row_year is None or not 2000 <= row_year <= 2100:
                problems.append(_("{cell}: '{value}' — not a year").format(
                    cell=cell_name(sheet_name, r, roles["year"]), value=row[roles["year"]]))
                continue
        if row_year is None:
            problems.append(_("{cell}: no year — give a År column, a year in the title or "
                              "--year").format(cell=cell_name(sheet_name, r, line_col)))
            continue
        line = canonical_line(label)
        activity = " ".join(activity.split())
        if activity != block_activity:
            block, block_activity = [], activity
        entry = (_LINE_KINDS.get(line), values)
        block.append(entry)
        since_sum.append(entry)
        every.append(entry)
        if kind == "budget":
            key = (row_year, activity.casefold(), line.casefold())
            here = cell_name(sheet_name, r, line_col)
            if key in seen:
                problems.append(_("{cell}: {activity} · {line} appears twice (also {other})").format(
                    cell=here, activity=activity, line=line, other=seen[key]))
                continue
            seen[key] = here
            amount = sum(v for v in values.values() if v is not None)
            if "total" in roles and not _is_blank(row[roles["total"]]):
                total_cell = cell_name(sheet_name, r, roles["total"])
                try:
                    stated = parse_amount(row[roles["total"]], total_cell, factor=factor)
                except EkbistError as exc:
                    problems.append(str(exc))
                    continue
                if stated != amount:
                    problems.append(_("{cell}: '{value}' — the months add up to {sum}").format(
                        cell=total_cell, value=_text(row[roles["total"]]),
                        sum=_plain(amount, factor)))
                    continue
            records.append({"kind": "budget", "year": row_year, "month": None,
                            "activity": activity, "line": line, "amount": amount, "cell": here})
        else:
            for c, (month, _y, _hint) in sorted(months.items(), key=lambda item: item[1][0]):
                amount = values[month]
                if amount is None:
                    continue
                here = cell_name(sheet_name, r, c)
                key = (row_year, month, activity.casefold(), line.casefold())
                if key in seen:
                    problems.append(_("{cell}: {activity} · {line} appears twice (also {other})").format(
                        cell=here, activity=activity, line=line, other=seen[key]))
                    continue
                seen[key] = here
                records.append({"kind": "actual", "year": row_year, "month": month,
                                "activity": activity, "line": line, "amount": amount,
                                "cell": here})
    if problems:
        raise ValidationErrors(problems)
    return records


_LINE_KINDS = dict(DEFAULT_LINES)


def _check_sum_row(sheet: str, r: int, row: list[Any], months: dict, factor: int, label: str,
                   block: list, since_sum: list, every: list) -> list[str]:
    """Problems with a 'Summa …' row: each month must match a sum of the rows above it.

    'Summa intäkter'/'Summa kostnader' are the revenues/costs of the activity's block,
    'Summa netto' its costs − revenues (or the sheet's); a plain 'Summa'/'Totalt' may be
    the rows since the previous sum row, the block or the whole sheet, gross or net. A
    sum needing the kind of a line the defaults do not know is not checked. Stated sums
    may be rounded to the sheet's unit (half a krona, or half a tkr in a tkr sheet).
    """
    def total(rows: list, how: str, month: int) -> int | None:
        if how == "gross":
            return sum(v.get(month) or 0 for _k, v in rows)
        if any(k is None for k, _v in rows):
            return None
        revenues = sum(v.get(month) or 0 for k, v in rows if k == "revenue")
        costs = sum(v.get(month) or 0 for k, v in rows if k == "cost")
        return {"revenue": revenues, "cost": costs, "net": costs - revenues}[how]

    if re.search(r"intäkt|revenue|income", label):
        wanted = [(block, "revenue")]
    elif re.search(r"kostnad|cost|expense", label):
        wanted = [(block, "cost")]
    elif re.search(r"netto|\bnet\b|resultat", label):
        wanted = [(block, "net"), (every, "net")]
    else:
        wanted = [(since_sum, "gross"), (block, "gross"), (every, "gross"), (block, "net"),
                  (every, "net")]
    problems = []
    for c, (month, _y, _hint) in months.items():
        raw = row[c] if c < len(row) else None
        if _is_blank(raw) or isinstance(raw, datetime | date):
            continue
        where = cell_name(sheet, r, c)
        try:
            stated = parse_amount(raw, where, factor=factor * 1_000_000,  # micro-kronor
                                  maximum=MAX_BUDGET_AMOUNT * 1_000_000)
        except EkbistError:
            problems.append(_("{cell}: '{value}' — not an amount").format(cell=where, value=raw))
            continue
        sums = [s for rows, how in wanted if (s := total(rows, how, month)) is not None]
        if sums and not any(abs(stated - s * 1_000_000) <= factor * 500_000 for s in sums):
            problems.append(_("{cell}: '{value}' — does not match the sum of the rows above "
                              "({sum})").format(cell=where, value=_text(raw),
                                                sum=_plain(sums[0], factor)))
    return problems


def _number_like(text: str) -> bool:
    try:
        parse_amount(text, "")
    except EkbistError:
        return False
    return True


def _plain(kronor: int, factor: int) -> str:
    value = kronor / factor
    return str(int(value)) if value == int(value) else str(value)


# -- the controller's layout ----------------------------------------------------------------
SV_HEADERS = ("Rad", "Budget", "Utfall ackumulerat", "Prognos helår", "Avvikelse", "Kommentar")
# The prognosis workbook also says how each line was forecast, so that the controller can
# change it and the workbook can come back (ekbist.sheets.prognosis_sheet).
METHOD_HEADER = "Metod"
METHOD_CODES = ("run-rate", "budget", "driver", "manual")
SV_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december")



def check_new_file(path: Path, *, template: Path | None = None, overwrite: bool = False) -> None:
    """Refuse a target that is not .xlsx, is the template, or exists (unless ``overwrite``)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise EkbistError(_("{path}: write an .xlsx workbook").format(path=path))
    if template is not None:
        same = path.resolve() == template.resolve() or (
            path.exists() and os.path.samefile(path, template))
        if same:
            raise EkbistError(
                _("{path} is the template itself — ekbist never saves over the controller's "
                  "workbook; choose another --out").format(path=path))
    if path.exists() and not overwrite:
        raise EkbistError(
            _("{path} exists already — choose a new file name, or give --force to replace "
              "it").format(path=path))
    if path.exists() and not path.is_file():
        raise EkbistError(_("{path} is not a file").format(path=path))
    if not path.parent.exists():
        raise EkbistError(_("{path}: the folder does not exist").format(path=path.parent))


def save_atomically(workbook, path: Path, *, overwrite: bool = False,
                    keep_formulas: bool = False) -> None:
    """Save through :mod:`ekbist.files`: a temporary name, then a rename; all or nothing."""
    from ekbist import files

    files.save_workbook(workbook, path, force=overwrite, keep_formulas=keep_formulas)


def _sums(lines: list[dict[str, Any]], key: str) -> tuple[int, int, int]:
    revenues = sum(r[key] for r in lines if r["kind"] == "revenue")
    costs = sum(r[key] for r in lines if r["kind"] == "cost")
    return revenues, costs, costs - revenues


def write_prognosis(result: dict[str, Any], path: Path, *, overwrite: bool = False) -> Path:
    """The prognosis as the controller's workbook: one block per activity, in tkr, with a chart.

    A hidden sheet keeps the prognosis as written, so that the workbook can come back
    through ``ekbist import`` with exactly the controller's edits.

    Each line's figures are its kronor rounded to tkr; each sum row is the sum of the
    kronor rounded once, so a sum may differ by 1 from the sum of the rounded lines.
    """
    path = Path(path)
    from ekbist.sheets.prognosis_sheet import add_exported_sheet

    check_new_file(path, overwrite=overwrite)
    workbook = prognosis_workbook(result)
    add_exported_sheet(workbook, result)
    save_atomically(workbook, path, overwrite=overwrite)
    return path


def prognosis_workbook(result: dict[str, Any]):
    """The workbook of :func:`write_prognosis`, for a caller that adds sheets before saving."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    year, month = result["year"], result["month"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Prognos"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    thin = Side(style="thin", color="7F7F7F")
    number = "#,##0;-#,##0"
    ws["A1"] = f"Prognos {year} – utfall till och med {SV_MONTHS[month - 1]}"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    ws["A2"] = "Beloppen anges i tkr"
    ws["A2"].font = Font(italic=True)
    if result.get("saved_on"):
        ws["A3"] = f"Sparad {result['saved_on']}"
    if result.get("missing_actuals"):
        months: dict[int, list[str]] = {}
        for m in result["missing_actuals"]:
            months.setdefault(m["month"], []).append(m["activity"])
        ws["A4"] = "Gjord utan utfall för " + "; ".join(
            f"{SV_MONTHS[m - 1]} {year} ({', '.join(names)})" for m, names in sorted(months.items())
        )
        ws["A4"].font = Font(bold=True, color="C00000")
    for col, width in zip("ABCDEFG", (40, 14, 20, 16, 14, 60, 12), strict=True):
        ws.column_dimensions[col].width = width
    from openpyxl.worksheet.datavalidation import DataValidation

    # The workbook is in Swedish: the methods by their Swedish words (the import takes
    # the codes too).
    words = [PROGNOSIS_METHODS[code][1] for code in METHOD_CODES]
    methods = DataValidation(type="list", formula1='"' + ",".join(words) + '"',
                             allow_blank=False)
    methods.error = ", ".join(words)
    ws.add_data_validation(methods)

    def figures(row: int, values: tuple[int, int, int, int], *, strong: bool = False) -> None:
        for col, value in zip((2, 3, 4, 5), values, strict=True):
            cell = ws.cell(row=row, column=col, value=value)
            cell.number_format = number
            if strong:
                cell.font = bold

    r = 5
    for block in result["activities"]:
        name = block["activity"]
        mine = [x for x in result["lines"] if x["activity"] == name]
        ws.cell(row=r, column=1, value=f"Verksamhet: {name}").font = Font(bold=True, size=12)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        r += 1
        for col, text in enumerate((*SV_HEADERS, METHOD_HEADER), start=1):
            cell = ws.cell(row=r, column=col, value=text)
            cell.font = bold
            cell.fill = header_fill
            cell.border = Border(bottom=thin)
            if col > 1 and col < 6:
                cell.alignment = Alignment(horizontal="right")
        chart_top = r
        r += 1
        first_line_row = r
        for kind, group, sum_label in (("revenue", "Intäkter", "Summa intäkter"),
                                       ("cost", "Kostnader", "Summa kostnader")):
            ws.cell(row=r, column=1, value=group).font = Font(italic=True)
            r += 1
            of_kind = [x for x in mine if x["kind"] == kind]
            for line in of_kind:
                ws.cell(row=r, column=1, value=line["line"])
                figures(r, (to_tkr(line["budget"]), to_tkr(line["actual_ytd"]), to_tkr(line["prognosis"]),
                            to_tkr(line["deviation"])))
                comment = ws.cell(row=r, column=6, value=line["comment"])
                if isinstance(line["comment"], str):
                    comment.data_type = "s"  # a comment is text, whatever it starts with
                comment.alignment = Alignment(wrap_text=True, vertical="top")
                ws.cell(row=r, column=7, value=PROGNOSIS_METHODS[line["method"]][1])
                methods.add(f"G{r}")
                r += 1
            budget_sum = sum(x["budget"] for x in of_kind)
            prognosis_sum = sum(x["prognosis"] for x in of_kind)
            better = prognosis_sum - budget_sum if kind == "revenue" else budget_sum - prognosis_sum
            ws.cell(row=r, column=1, value=sum_label).font = bold
            figures(r, (to_tkr(budget_sum), to_tkr(sum(x["actual_ytd"] for x in of_kind)),
                        to_tkr(prognosis_sum), to_tkr(better)), strong=True)
            r += 1
        last_line_row = r - 1
        net_row = r
        ws.cell(row=r, column=1, value="Summa netto").font = bold
        figures(r, (to_tkr(block["budget_net"]), to_tkr(_sums(mine, "actual_ytd")[2]),
                    to_tkr(block["prognosis_net"]), to_tkr(block["deviation"])), strong=True)
        for col in range(1, 7):
            ws.cell(row=r, column=col).border = Border(top=thin)
        r += 1
        ws.cell(row=r, column=1, value="Budgetföljsamhet")
        if block["adherence"] is not None:
            cell = ws.cell(row=r, column=4, value=block["adherence"])
            cell.number_format = "0.00 %"
        r += 2
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.title = f"{name}: budget och prognos (tkr)"
        chart.y_axis.title = "tkr"
        data_rows = [row for row in range(first_line_row, last_line_row + 1)
                     if isinstance(ws.cell(row=row, column=2).value, int)]
        if data_rows:
            low, high = first_line_row, net_row
            categories = Reference(ws, min_col=1, min_row=low, max_row=high)
            for col in (2, 4):
                series_ref = Reference(ws, min_col=col, min_row=chart_top, max_row=high)
                chart.add_data(series_ref, titles_from_data=True)
            chart.set_categories(categories)
            chart.height = max(7.5, 0.5 * (high - low + 1))
            chart.width = 18
            ws.add_chart(chart, f"H{chart_top}")
            r = max(r, chart_top + int(chart.height / 0.5) + 1)

    total = result["total"]
    ws.cell(row=r, column=1, value="Totalt, alla verksamheter").font = Font(bold=True, size=12)
    r += 1
    for col, text in enumerate(SV_HEADERS[:5], start=1):
        cell = ws.cell(row=r, column=col, value=text)
        cell.font = bold
        cell.fill = header_fill
    r += 1
    all_lines = result["lines"]
    rev = [x for x in all_lines if x["kind"] == "revenue"]
    cost = [x for x in all_lines if x["kind"] == "cost"]
    for label, rows_, sign in (("Summa intäkter", rev, 1), ("Summa kostnader", cost, -1)):
        b, p = sum(x["budget"] for x in rows_), sum(x["prognosis"] for x in rows_)
        ws.cell(row=r, column=1, value=label).font = bold
        figures(r, (to_tkr(b), to_tkr(sum(x["actual_ytd"] for x in rows_)), to_tkr(p),
                    to_tkr((p - b) * sign)), strong=True)
        r += 1
    ws.cell(row=r, column=1, value="Summa netto").font = bold
    figures(r, (to_tkr(total["budget_net"]), to_tkr(_sums(all_lines, "actual_ytd")[2]),
                to_tkr(total["prognosis_net"]), to_tkr(total["deviation"])), strong=True)
    r += 1
    ws.cell(row=r, column=1, value="Budgetföljsamhet")
    if total["adherence"] is not None:
        ws.cell(row=r, column=4, value=total["adherence"]).number_format = "0.00 %"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    summary = wb.create_sheet("Sammanställning")
    summary["A1"] = f"Prognos {year} per verksamhet – utfall till och med {SV_MONTHS[month - 1]} (tkr)"
    summary["A1"].font = Font(bold=True, size=12)
    heads = ("Verksamhet", "Budget netto", "Prognos netto", "Avvikelse", "Budgetföljsamhet")
    for col, text in enumerate(heads, start=1):
        cell = summary.cell(row=3, column=col, value=text)
        cell.font = bold
        cell.fill = header_fill
    row = 4
    for block in result["activities"]:
        summary.cell(row=row, column=1, value=block["activity"])
        for col, value in ((2, to_tkr(block["budget_net"])), (3, to_tkr(block["prognosis_net"])),
                           (4, to_tkr(block["deviation"]))):
            summary.cell(row=row, column=col, value=value).number_format = number
        if block["adherence"] is not None:
            summary.cell(row=row, column=5, value=block["adherence"]).number_format = "0.00 %"
        row += 1
    summary.cell(row=row, column=1, value="Totalt").font = bold
    for col, value in ((2, to_tkr(total["budget_net"])), (3, to_tkr(total["prognosis_net"])),
                       (4, to_tkr(total["deviation"]))):
        cell = summary.cell(row=row, column=col, value=value)
        cell.number_format = number
        cell.font = bold
    if total["adherence"] is not None:
        summary.cell(row=row, column=5, value=total["adherence"]).number_format = "0.00 %"
    for col, width in zip("ABCDE", (40, 16, 16, 14, 18), strict=True):
        summary.column_dimensions[col].width = width
    if result["activities"]:
        chart = BarChart()
        chart.grouping = "clustered"
        chart.title = "Netto per verksamhet: budget och prognos (tkr)"
        chart.add_data(Reference(summary, min_col=2, max_col=3, min_row=3, max_row=row - 1),
                       titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=1, min_row=4, max_row=row - 1))
        chart.width = 20
        chart.height = 9
        summary.add_chart(chart, f"A{row + 2}")
    return wb


# -- writing into the controller's own workbook ----------------------------------------------
FIGURE_HEADERS: dict[str, set[str]] = {
    "budget": {"budget", "budget helår", "årsbudget", "budget år", "helårsbudget", "budget ytd"},
    "actual_ytd": {"utfall ackumulerat", "utfall ack", "ackumulerat utfall", "utfall hittills",
                   "utfall", "utfall hittills i år", "utfall perioden", "utfall ackumulerad",
                   "actual ytd", "actual year to date", "actuals ytd", "actual to date",
                   "actuals year to date", "ack utfall"},
    "prognosis": {"prognos helår", "prognos", "helårsprognos", "prognos år", "prognos hela året",
                  "årsprognos", "full-year prognosis", "full year prognosis", "prognosis",
                  "forecast", "full-year forecast", "full year forecast", "prognosis full year"},
    "deviation": {"avvikelse", "avvikelse mot budget", "prognostiserad avvikelse",
                  "avvikelse helår", "budgetavvikelse", "deviation", "variance",
                  "deviation from budget"},
    "comment": {"kommentar", "kommentarer", "kommentar till avvikelse", "analys", "comment",
                "comments", "note", "notes"},
}
FIGURE_NAMES = {
    "budget": "Budget",
    "actual_ytd": "Utfall ackumulerat",
    "prognosis": "Prognos helår",
    "deviation": "Avvikelse",
    "comment": "Kommentar",
}
SUM_ROWS = {
    "summa intäkter": "revenue", "total revenues": "revenue", "summa intäkt": "revenue",
    "summa kostnader": "cost", "total costs": "cost", "summa kostnad": "cost",
    "summa netto": "net", "netto": "net", "net": "net", "summa nettokostnad": "net",
    "nettokostnad": "net",
}


def inspect_losses(path: Path) -> list[str]:
    """What saving ``path`` through openpyxl would lose or redraw, one item per line."""
    lost: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise EkbistError(_("{path} is not an .xlsx workbook").format(path=path)) from None
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
                    lost.append(_("{n} chart(s) — redrawn by openpyxl, formatting made in Excel "
                                  "may be lost (sheet {sheet})").format(n=charts, sheet=sheet_name))
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


def figure_role(value: Any) -> str | None:
    """The figure a column header names (budget, actual, prognosis…), or None: the controller's
    template and the prognosis workbook read their headers by the same words."""
    if not isinstance(value, str):
        return None
    key = _header_key(value)
    for role, words in FIGURE_HEADERS.items():
        if key in words:
            return role
    return None


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
        raise EkbistError(_("{path}: --into takes an .xlsx workbook").format(path=template))
    check_new_file(out, template=template, overwrite=force)
    losses = inspect_losses(template)
    if losses and not force:
        raise EkbistError(
            _("{path} holds what ekbist cannot carry over when it writes the workbook: {items} — "
              "give --force to write the new file without them (the template is never changed)")
            .format(path=template.name, items="; ".join(losses)))
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
                activity_col = next((c for c, v in texts if _header_key(v) in ACTIVITY_HEADERS),
                                    None)
                headers_seen = True
                missing = [FIGURE_NAMES[k] for k in FIGURE_NAMES if k not in columns]
                if missing:
                    problems.append(_("{sheet}!{row}: column(s) {columns} not found in the header "
                                      "row (looked for e.g. {names})").format(
                        sheet=ws.title, row=row[0].row, columns=", ".join(missing),
                        names=", ".join(FIGURE_NAMES.values())))
                all_text = " ".join(fold(v) for _c, v in texts) + " " + " ".join(unit_texts)
                factor = 1 if (re.search(r"\bkr\b", all_text) and not TKR_WORDS.search(all_text)) \
                    else 1000
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
                if fold(v) in known_lines or fold(v) in SUM_ROWS:
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
                    problems.append(_("{sheet}!A{row}: cannot tell which activity this row "
                                      "belongs to — put 'Aktivitet: NAME' above it").format(
                        sheet=ws.title, row=row[0].row))
                    continue
            where = (ws, row[0].row, dict(columns), factor)
            if label_key in SUM_ROWS:
                key = (activity, SUM_ROWS[label_key])
                sum_targets.setdefault(key, where)
                continue
            key = (activity, known_lines[label_key])
            if key in targets:
                problems.append(_("{sheet}!A{row}: {activity} · {line} is in the workbook twice "
                                  "(also {other})").format(
                    sheet=ws.title, row=row[0].row, activity=key[0], line=key[1],
                    other=f"{targets[key][0].title}!A{targets[key][1]}"))
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
        if isinstance(cell, MergedCell):
            kept.append(f"{ws.title}!{cell.coordinate}")
            return
        if isinstance(cell.value, str) and cell.value.startswith("="):
            kept.append(f"{ws.title}!{cell.coordinate}")
            return
        cell.value = value
        as_text(cell)
        written += 1

    def scaled(kronor: int, factor: int) -> int:
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
            revenues, costs, net = _sums(mine, role)
            sums[role] = {"revenue": revenues, "cost": costs, "net": net}[which]
        if which == "revenue":
            sums["deviation"] = sums["prognosis"] - sums["budget"]
        else:
            sums["deviation"] = sums["budget"] - sums["prognosis"]
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
    save_atomically(wb, out, overwrite=force, keep_formulas=True)
    return {"cells": written, "rows": rows_done, "notes": notes, "lost": losses}
