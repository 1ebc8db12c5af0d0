"""Which kind a sheet is: found from its header row, its title, or ``--kind``.

A sheet's header row is the first among its top :data:`HEADER_SEARCH_ROWS` rows whose
cells name all the required columns of a declared kind, in either language, any case
and spacing. A kind continued on further sheets ("Ansökningar", "Ansökningar (2)" …)
is one sheet of the kind each, read by its own header row and joined with the others
by the importer. When the columns fit two kinds equally, or the title names one kind and
the columns another, the sheet is refused with both named; a sheet that looks like a
kind but lacks a required column is refused with the missing columns named.
"""

from __future__ import annotations

import re

from ekbist.errors import EkbistError
from ekbist.i18n import _, ngettext
from ekbist.sheets import convert
from ekbist.sheets.declarations import Column, Kind, kind_word, kinds, normalise
from ekbist.sheets.reader import Sheet

HEADER_SEARCH_ROWS = 30


_CONTINUED = re.compile(r"\(\d+\)")


def title_kind(sheet_name: str) -> Kind | None:
    """The kind a sheet's title names, if any: the kind's name alone, the name and a number
    in brackets — "Ansökningar (2)", a kind continued on another sheet by ``ekbist export``
    or a sheet copied in Excel — or the name and more words ("Utfall oktober" → actuals).

    Anything else in brackets is the user's own: "Applications (notes)" names no kind, so
    a sheet of notes beside an export is not mistaken for records lacking their columns.
    The longest name wins: "Folkmängd efter ålder" is the population by age, not the
    population ("Folkmängd") with more words.
    """
    title = normalise(sheet_name)
    best: tuple[int, Kind] | None = None
    for kind in kinds().values():
        for name in (kind.sheet_sv, kind.sheet_en, kind.name):
            named = normalise(name)
            if title == named:
                return kind
            if title.startswith(named + " "):
                rest = title[len(named) + 1:]
                if rest.startswith("(") and not _CONTINUED.fullmatch(rest):
                    continue
                if best is None or len(named) > best[0]:
                    best = (len(named), kind)
    return best[1] if best else None


def _spellings(forced: str | None) -> list[tuple[Kind, dict[str, str]]]:
    return [(kind, {h: c.key for c in kind.columns for h in c.headers()})
            for kind in kinds().values() if forced is None or kind.name == forced]


def _map_row(spelled: dict[str, str], cells: list[tuple[int, str]]):
    mapping: dict[str, int] = {}
    unknown, duplicates = [], []
    for col_index, text in cells:
        key = spelled.get(text)
        if key is None:
            unknown.append(col_index)
        elif key in mapping:
            duplicates.append(col_index)
        else:
            mapping[key] = col_index
    return mapping, unknown, duplicates


def _needed(kind: Kind) -> tuple[Column, ...]:
    # A report is recognised only by all of its columns; an importable kind by its required ones.
    return kind.required if kind.importable else kind.import_columns


def _headers(columns) -> str:
    return ", ".join(f"'{c.header()}'" for c in columns)


def recognise(sheet: Sheet, forced: str | None):
    """((kind, header row, {key: column}, unknown columns, duplicate columns), None), or
    (None, the error line).

    A kind is recognised only when all its required columns are there. Two kinds that fit
    equally well, or a title that names one kind while the columns say another, is an
    error naming both; ``forced`` (``--kind``) settles it.
    """
    spellings = _spellings(forced)
    full = []
    for row_index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cells = [(i, normalise(v)) for i, v in enumerate(row) if not convert.is_empty(v)]
        if len(cells) < 2:
            continue
        for kind, spelled in spellings:
            mapping, unknown, duplicates = _map_row(spelled, cells)
            if len(mapping) < 2 or any(c.key not in mapping for c in _needed(kind)):
                continue
            full.append((len(mapping) - len(unknown), kind, row_index, mapping, unknown,
                         duplicates, spelled, cells))
        if full:
            break
    if not full:
        return None, None
    title = None if forced else title_kind(sheet.name)
    top = max(f[0] for f in full)
    best = [f for f in full if f[0] == top]
    chosen = next((f for f in full if f[1] is title), None)
    if chosen is None:
        importable = [f for f in best if f[1].importable]
        if len(importable) > 1:
            a, b = kind_word(importable[0][1]), kind_word(importable[1][1])
            return None, EkbistError.about(_(
                "sheet '{sheet}': its columns fit both {a} and {b} — give {kind} {a} or "
                "{kind} {b}"), {"kind": "kind"}, sheet=sheet.name, a=a, b=b)
        chosen = (importable or best)[0]
        if title is not None and title.importable:
            kind = chosen[1]
            mapping = _map_row(_spellings(title.name)[0][1], chosen[7])[0]
            missing = [c for c in title.required if c.key not in mapping]
            return None, EkbistError.about(_(
                "sheet '{sheet}': the title says {title} but the columns are those of {kind} "
                "({title} needs {missing}) — give {option} {title} or {option} {kind}"),
                {"option": "kind"}, sheet=sheet.name, title=kind_word(title), kind=kind_word(kind),
                missing=_headers(missing) or "—")
    _score, kind, row_index, mapping, unknown, duplicates, _spelled, _cells = chosen
    export_only = {c.key for c in kind.columns if c.export_only}
    mapping = {k: v for k, v in mapping.items() if k not in export_only}
    return (kind, row_index, mapping, unknown, duplicates), None


def near_miss(sheet: Sheet, forced: str | None) -> str | None:
    """The error for a sheet that looks like a kind but lacks required columns, or None.

    It looks like a kind when its title names the kind (or ``--kind`` does), or when a
    header row holds at least two of the kind's columns.
    """
    title = kinds().get(forced) if forced else title_kind(sheet.name)
    best = None  # (columns found, kind, mapping)
    for row in sheet.rows[:HEADER_SEARCH_ROWS]:
        cells = [(i, normalise(v)) for i, v in enumerate(row) if not convert.is_empty(v)]
        for kind, spelled in _spellings(forced):
            if not kind.importable:
                continue
            mapping = _map_row(spelled, cells)[0]
            if len(mapping) < 2 and kind is not title:
                continue
            score = (kind is title, len(mapping))
            if best is None or score > best[0]:
                best = (score, kind, mapping)
    if best is None and title is not None and title.importable:
        best = ((True, 0), title, {})
    if best is None:
        return None
    _score, kind, mapping = best
    missing = [c for c in kind.required if c.key not in mapping]
    if not missing:
        return None
    return ngettext("sheet '{sheet}': looks like {kind} but lacks the required column {columns}",
                    "sheet '{sheet}': looks like {kind} but lacks the required columns {columns}",
                    len(missing)).format(sheet=sheet.name, kind=kind.sheet(), columns=_headers(missing))
