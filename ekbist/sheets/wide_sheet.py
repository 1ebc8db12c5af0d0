"""The controller's wide sheets: one row per activity and budget line, twelve month columns.

The controller keeps budget and actuals in their own layout, in kr, tkr or mnkr, under
title rows, with headings, group rows and sum rows, in Swedish or English. The importer
(:mod:`ekbist.sheets.importer`) offers every sheet that no declared kind matches to
:func:`parse_wide_sheet`, which is pure: it gets the sheet's cell values and returns
records (or None for "not this layout"); the importer validates them against the store
and writes them. The header words and :func:`header_key` also serve the prognosis
workbooks (:mod:`ekbist.sheets.prognosis_workbook`, :mod:`ekbist.sheets.prognosis_into`),
whose headers people write in the same ways. Sum rows follow :mod:`ekbist.sheets.sum_rows`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from ekbist.budget import DEFAULT_LINES, fold
from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _
from ekbist.money import MAX_BUDGET_AMOUNT, parse_amount
from ekbist.sheets import sum_rows
from ekbist.sheets.cells import cell_name

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
KR_WORDS = re.compile(r"\b(kr|kronor|sek)\b")


def unit_factor(texts: list[str], *, default: int) -> int:
    """Kronor per figure in a sheet whose (folded) title and headers are ``texts``: 1 000 000
    when they say mnkr, 1 000 for tkr, 1 for kr, else ``default`` (a sheet that names no
    unit is read in kr and the controller's template is written in tkr)."""
    if any(MNKR_WORDS.search(t) for t in texts):
        return 1_000_000
    if any(TKR_WORDS.search(t) for t in texts):
        return 1000
    if any(KR_WORDS.search(t) for t in texts):
        return 1
    return default
YEAR_IN_TEXT = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")

_CANONICAL_LINES = {" ".join(name.split()).casefold(): name for name, _kind in DEFAULT_LINES}


def header_key(value: Any) -> str:
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
    sheet_name: str, rows: list[list[Any]], *, year: int | None, title: str,
    warnings: list[str] | None = None,
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

    Nothing typed is dropped without a word: a cell ekbist does not read — text or a figure
    in a column without a role (a comment column, an empty column), or beside the label of a
    heading or group row ('Intäkter') — is named in ``warnings`` with its cell, once per
    column. A figure in a month column of a heading or group row makes it a line row, and
    its unknown name is refused by the importer.
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
        key = header_key(value)
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
    problems: list[str | EkbistError] = []
    origin = cell_name(sheet_name, header_at, first_month)

    hints = {m[2] for m in months.values() if m[2]}
    kind = (_kind_from([sheet_text]) or _kind_from(title_texts) or _kind_from(header_texts)
            or (hints.pop() if len(hints) == 1 else None))
    if kind is None:
        raise ValidationErrors([
            _("{cell}: cannot tell budget from actuals — put 'Budget' or 'Utfall' in the sheet "
              "name or title").format(cell=cell_name(sheet_name, 0, 0))
        ])

    factor = unit_factor(everything, default=1)

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
        problems.append(EkbistError.about(_("{cell}: the sheet says {found} but {option} is {year}"),
                                          {"option": "year"}, cell=origin, found=sheet_year,
                                          year=year))
    if sheet_year is None:
        sheet_year = year

    title_activity, title_cell = None, None
    title_cells = [(cell_name(sheet_name, r, c), _text(v)) for r, row in enumerate(rows[:header_at])
                   for c, v in enumerate(row) if isinstance(v, str) and v.strip()]
    for where, text in [*title_cells, (_("the file name '{name}'").format(name=title),
                                       _text(title))]:
        match = HEADING_IN_TEXT.search(text)
        if match:
            title_activity = " ".join(match.group("name").split())
            title_cell = where

    records: list[dict[str, Any]] = []
    seen: dict[tuple, str] = {}
    heading: str | None = None
    carried: str | None = None
    # The cell that holds each name: a typo is named where it can be corrected.
    heading_cell: str | None = None
    carried_cell: str | None = None
    line_col = roles["line"]
    # Line rows as (kind or None, {month: kronor}) for checking the sheet's own sum rows.
    block: list[tuple[str | None, dict[int, int | None]]] = []
    since_sum: list[tuple[str | None, dict[int, int | None]]] = []
    every: list[tuple[str | None, dict[int, int | None]]] = []
    block_activity: str | None = None
    read = set(months) | set(roles.values())
    unread = _Unread(sheet_name)
    for offset, row in enumerate(body):
        r = header_at + 1 + offset
        row = row + [None] * (len(header) - len(row))
        if all(_is_blank(v) for v in row):
            continue
        if _month_columns(row):
            continue  # a repeated header row
        for c, value in enumerate(row):
            if c not in read and not _is_blank(value):
                unread.column(r, c, value, header[c] if c < len(header) else None)
        label = _text(row[line_col])
        activity_cell = _text(row[roles["activity"]]) if "activity" in roles else ""
        if sum_rows.is_sum_label(label) or sum_rows.is_sum_label(activity_cell):
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
        if not has_amounts:
            # A heading, group or activity row: its label is read, nothing beside it.
            for role in ("year", "total"):
                c = roles.get(role)
                if c is not None and not _is_blank(row[c]) and (label or activity_cell):
                    unread.heading(r, c, row[c])
        if not label:
            if has_amounts:
                problems.append(_("{cell}: amounts without a budget line").format(
                    cell=cell_name(sheet_name, r, line_col)))
            elif activity_cell:
                carried = activity_cell
                carried_cell = cell_name(sheet_name, r, roles["activity"])
            continue
        if not has_amounts and fold(label) in GROUP_WORDS:
            continue
        heading_match = HEADING_PREFIX.match(label)
        if not has_amounts and (heading_match or (fold(label) not in _CANONICAL_LINES
                                                  and "activity" not in roles)):
            heading = " ".join((heading_match.group("name") if heading_match else label).split())
            heading_cell = cell_name(sheet_name, r, line_col)
            block = []
            continue
        if activity_cell:
            carried = activity_cell
            carried_cell = cell_name(sheet_name, r, roles["activity"])
        activity = (activity_cell or carried) if "activity" in roles else None
        activity_at = carried_cell if activity else None
        if not activity:
            activity, activity_at = (heading, heading_cell) if heading else (title_activity,
                                                                             title_cell)
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
            problems.append(EkbistError.about(
                _("{cell}: no year — give a År column, a year in the title or {year}"),
                {"year": "year"}, cell=cell_name(sheet_name, r, line_col)))
            continue
        line = canonical_line(label)
        activity = " ".join(activity.split())
        if activity != block_activity:
            block, block_activity = [], activity
        entry = (_LINE_KINDS.get(line), values)
        block.append(entry)
        since_sum.append(entry)
        every.append(entry)
        line_cell = cell_name(sheet_name, r, line_col)
        if kind == "budget":
            key = (row_year, activity.casefold(), line.casefold())
            here = line_cell
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
                            "activity": activity, "line": line, "amount": amount, "cell": here,
                            "name_cells": {"activity": activity_at, "line": line_cell}})
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
                                "cell": here, "name_cells": {"activity": activity_at,
                                                             "line": line_cell}})
    if problems:
        raise ValidationErrors(problems)
    if warnings is not None:
        warnings.extend(unread.lines())
    return records


_LINE_KINDS = dict(DEFAULT_LINES)


class _Unread:
    """The cells of a sheet that hold something ekbist does not read, for warnings: one line
    per column not read (its first cell, and how many more), one per heading-row cell."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.columns: dict[int, list[tuple[int, Any]]] = {}
        self.headings: list[tuple[int, int, Any]] = []

    def column(self, r: int, c: int, value: Any, header: Any) -> None:
        self.columns.setdefault(c, []).append((r, value))

    def heading(self, r: int, c: int, value: Any) -> None:
        self.headings.append((r, c, value))

    def lines(self) -> list[str]:
        from ekbist.i18n import ngettext

        out = []
        for c, cells in sorted(self.columns.items()):
            r, value = cells[0]
            more = len(cells) - 1
            out.append(_("{cell}: '{value}' — not read: ekbist reads the line, activity, year, "
                         "month and total columns{more}").format(
                cell=cell_name(self.sheet, r, c), value=shown(value),
                more=ngettext(" (and {n} more cell in this column)",
                              " (and {n} more cells in this column)", more).format(n=more)
                if more else ""))
        for r, c, value in self.headings:
            out.append(_("{cell}: '{value}' — not read: a heading row carries no figures or "
                         "comments").format(cell=cell_name(self.sheet, r, c), value=shown(value)))
        return out


def shown(value: Any, width: int = 40) -> str:
    """A cell's value for a message: one line, at most ``width`` characters."""
    text = _text(value)
    return text if len(text) <= width else text[:width - 1] + "…"


def _check_sum_row(sheet: str, r: int, row: list[Any], months: dict, factor: int, label: str,
                   block: list, since_sum: list, every: list) -> list[str]:
    """Problems with a 'Summa …' row: each month must match a sum of the rows above it.

    'Summa intäkter'/'Summa kostnader' are the revenues/costs of the activity's block,
    'Summa netto' its costs − revenues (or the sheet's); a plain 'Summa'/'Totalt' may be
    the rows since the previous sum row, the block or the whole sheet, gross or net. A
    sum needing the kind of a line the defaults do not know is not checked. Stated sums
    may be rounded to the sheet's unit (half a krona, or half a tkr in a tkr sheet), as
    :func:`ekbist.sheets.sum_rows.agrees` says.
    """
    def total(rows: list, how: str, month: int) -> int | None:
        if how == "gross":
            return sum(v.get(month) or 0 for _k, v in rows)
        if any(k is None for k, _v in rows):
            return None
        revenues = sum(v.get(month) or 0 for k, v in rows if k == "revenue")
        costs = sum(v.get(month) or 0 for k, v in rows if k == "cost")
        return {"revenue": revenues, "cost": costs, "net": costs - revenues}[how]

    kind = sum_rows.sum_kind(label)
    if kind in ("revenue", "cost"):
        wanted = [(block, kind)]
    elif kind == "net":
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
        if sums and not sum_rows.agrees(stated, (s * 1_000_000 for s in sums),
                                        unit=factor * 1_000_000):
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
