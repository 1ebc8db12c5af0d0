"""A source's rules file: how one case-management system's extract becomes a kind's rows.

A unit's applications, decisions and cases come from its case-management system as
CSV or workbook reports with the system's own headers, codes, dates and numbers. A
rules file (TOML, one per source, after hledger's CSV rules) says once how to read
them: which kind the extract fills, its dialect, which column is which field, how its
codes, dates and numbers are written, which constants and conditions apply, and which
columns are ignored on purpose. :mod:`ekbist.sheets.extract` applies it.

Nothing is guessed: an unknown key, an unknown field, a regular expression that does
not compile or a code that maps to no ekbist code is one error naming the key
(``file: fields.decision.map: …``), before any row is read. The page docs/rules.md
describes every key.
"""

from __future__ import annotations

import codecs
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.sheets.declarations import Column, Kind, kinds, named, normalise

TOP_KEYS = ("kind", "source", "period", "fills", "ignore", "file", "numbers", "dates", "fields",
            "when")
FILE_KEYS = ("encoding", "delimiter", "skip", "footer", "sheet")
NUMBER_KEYS = ("decimal", "thousands", "currency", "round")
DATE_KEYS = ("formats",)
FIELD_KEYS = ("column", "position", "value", "map", "formats", "decimal", "thousands",
              "round")
WHEN_KEYS = ("column", "matches", "skip", "set")
# The header row must be among the rows ekbist's own import searches for one.
MAX_SKIP = 29
EXCEL = "excel"


class RulesError(EkbistError):
    """A rules file that cannot be used, naming the key at fault."""


@dataclass(frozen=True)
class Numbers:
    """How an extract writes numbers: its decimal mark, what groups the thousands, which
    currency words follow, and whether an amount is rounded to whole kronor."""

    decimal: str = ","
    thousands: tuple[str, ...] = (" ", "\u00a0", "\u202f")
    currency: tuple[str, ...] = ("kr", "kr.", "sek", ":-")
    round: bool = False


@dataclass(frozen=True)
class FieldRule:
    """One field of the kind: where its value comes from and how it is read."""

    key: str
    column: Column
    headers: tuple[str, ...] = ()      # header texts, any one of them (normalised)
    shown: tuple[str, ...] = ()        # the same as written in the rules file
    position: int | None = None        # 0-based column in the extract
    value: str | None = None           # a constant
    mapping: dict[str, str] | None = None   # normalised code in the extract -> value
    formats: tuple[str, ...] = ()
    numbers: Numbers = Numbers()

    @property
    def from_column(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class When:
    """If the cell of ``headers``/``position`` matches ``pattern``: skip the row or set fields."""

    index: int
    headers: tuple[str, ...]
    shown: tuple[str, ...]
    position: int | None
    pattern: re.Pattern[str]
    skip: bool
    set: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceRules:
    """A rules file, read and checked."""

    path: Path
    kind: Kind
    source: str
    period: str | None                 # the field whose month places a row in a period
    encoding: str | None
    delimiter: str | None
    skip: int
    footer: int
    sheet: str | None
    ignore: tuple[str, ...]            # normalised headers
    fields: tuple[FieldRule, ...]
    when: tuple[When, ...]
    # A report that brings part of records another report brings (the decisions of the
    # applications report): the fields it fills; empty for a report of whole records.
    fills: tuple[str, ...] = ()

    @property
    def read(self) -> tuple[str, ...]:
        """Every field the report reads (a column, a constant or a ``when``'s ``set``)."""
        keys = [f.key for f in self.fields]
        return tuple(keys + [k for w in self.when for k in w.set if k not in keys])


def _fail(path: Path, key: str, reason: str) -> RulesError:
    return RulesError(_("{file}: {key}: {reason}").format(file=path.name, key=key, reason=reason))


def near_hint(word: str, known: Any) -> str:
    """' (did you mean 'X'?)' for the known word closest to a typo, or '' if none is close."""
    near = difflib.get_close_matches(word, list(known), n=1)
    return _(" (did you mean '{near}'?)").format(near=near[0]) if near else ""


def _unknown(path: Path, where: str, keys: Any, known: tuple[str, ...]) -> None:
    for key in keys:
        if key not in known:
            raise _fail(path, f"{where}{key}", _("unknown key{hint}; known keys: {known}").format(
                hint=near_hint(str(key), known), known=", ".join(known)))


def _texts(path: Path, key: str, value: Any) -> tuple[str, ...]:
    """A text or a list of texts (alternatives), never empty."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(
            isinstance(v, str) and v.strip() for v in items):
        raise _fail(path, key, _("must be a text or a list of texts"))
    return tuple(items)


def _int(path: Path, key: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(path, key, _("must be a whole number from {low} to {high}").format(
            low=low, high=high))
    return value


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, key, _("must be true or false"))
    return value


def _formats(path: Path, key: str, value: Any) -> tuple[str, ...]:
    formats = _texts(path, key, value)
    for text in formats:
        if text != EXCEL and "%" not in text:
            raise _fail(path, key, _("'{format}' is no date format (write e.g. '%d.%m.%Y', "
                                     "'%Y-%m-%d' or 'excel')").format(format=text))
    return formats


def _numbers(path: Path, where: str, raw: dict[str, Any], base: Numbers) -> Numbers:
    decimal, thousands, currency, rounding = base.decimal, base.thousands, base.currency, base.round
    if "decimal" in raw:
        decimal = raw["decimal"]
        if decimal not in (",", "."):
            raise _fail(path, f"{where}decimal", _("must be ',' or '.'"))
    if "thousands" in raw:
        value = raw["thousands"]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and len(v) == 1 for v in items):
            raise _fail(path, f"{where}thousands", _("must be a character or a list of characters"))
        thousands = tuple(items)
    if decimal in thousands:
        raise _fail(path, f"{where}thousands", _("the decimal mark cannot also group thousands"))
    if "currency" in raw:
        currency = tuple(v.casefold() for v in _texts(path, f"{where}currency", raw["currency"]))
    if "round" in raw:
        rounding = _bool(path, f"{where}round", raw["round"])
    return Numbers(decimal, thousands, currency, rounding)


def _place(path: Path, key: str, raw: dict[str, Any]) -> tuple[tuple[str, ...], int | None]:
    """(header alternatives, position) of a field or condition: one of the two."""
    if ("column" in raw) == ("position" in raw):
        raise _fail(path, key, _("give either 'column' (the header text) or 'position'"))
    if "column" in raw:
        return _texts(path, f"{key}.column", raw["column"]), None
    return (), _int(path, f"{key}.position", raw["position"], 1, 16384) - 1


def _code_value(path: Path, key: str, column: Column, value: Any) -> str:
    """A value the rules give a field (a constant, a map's target): an ekbist code is
    checked now, so a typo in the rules is named before any row is read."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, _("must be a text"))
    if column.type == "code" and column.codes:
        from ekbist.codes import find_code, typable

        if find_code(column.codes, value) is None:
            raise _fail(path, key, _("'{value}' is not one of: {codes}").format(
                value=value, codes=", ".join(typable(column.codes))))
    return value


def _field(path: Path, kind: Kind, key: str, raw: Any, numbers: Numbers,
           formats: tuple[str, ...]) -> FieldRule:
    where = f"fields.{key}"
    columns = {c.key: c for c in kind.import_columns}
    if key not in columns:
        raise _fail(path, where, _("{kind} has no field '{field}'{hint}; its fields: {fields}")
                    .format(kind=kind.name, field=key, hint=near_hint(key, columns),
                            fields=", ".join(columns)))
    if not isinstance(raw, dict):
        raise _fail(path, where, _("must be a table of keys"))
    _unknown(path, f"{where}.", raw, FIELD_KEYS)
    column = columns[key]
    if "value" in raw:
        if "column" in raw or "position" in raw or "map" in raw:
            raise _fail(path, f"{where}.value", _("a constant takes no column, position or map"))
        return FieldRule(key, column, value=_code_value(path, f"{where}.value", column, raw["value"]))
    headers, position = _place(path, where, raw)
    mapping = None
    if "map" in raw:
        if not isinstance(raw["map"], dict) or not raw["map"]:
            raise _fail(path, f"{where}.map", _("must be a table of the extract's values"))
        mapping = {}
        for text, value in raw["map"].items():
            mapping[normalise(text)] = _code_value(path, f'{where}.map."{text}"', column, value)
    if "formats" in raw:
        if column.type not in ("date", "month"):
            raise _fail(path, f"{where}.formats", _("only a date or month field has formats"))
        formats = _formats(path, f"{where}.formats", raw["formats"])
    elif column.type == "month":
        formats = ("%Y-%m", *formats)
    number_keys = {k: raw[k] for k in ("decimal", "thousands", "round") if k in raw}
    if number_keys and not column.numeric:
        raise _fail(path, f"{where}.{next(iter(number_keys))}", _("only a number field reads numbers"))
    return FieldRule(key, column, tuple(normalise(h) for h in headers), headers, position,
                     mapping=mapping, formats=formats if column.type in ("date", "month") else (),
                     numbers=_numbers(path, f"{where}.", number_keys, numbers))


def _when(path: Path, kind: Kind, index: int, raw: Any) -> When:
    where = f"when[{index + 1}]"
    if not isinstance(raw, dict):
        raise _fail(path, where, _("must be a table of keys"))
    _unknown(path, f"{where}.", raw, WHEN_KEYS)
    headers, position = _place(path, where, raw)
    if not isinstance(raw.get("matches"), str):
        raise _fail(path, f"{where}.matches", _("must be a regular expression"))
    try:
        pattern = re.compile(raw["matches"])
    except re.error as exc:
        raise _fail(path, f"{where}.matches", _("not a regular expression ({reason})").format(
            reason=exc)) from None
    skip = _bool(path, f"{where}.skip", raw.get("skip", False))
    sets = raw.get("set", {})
    if not isinstance(sets, dict):
        raise _fail(path, f"{where}.set", _("must be a table of fields and values"))
    if skip == bool(sets):
        raise _fail(path, where, _("give either 'skip = true' or 'set'"))
    columns = {c.key: c for c in kind.import_columns}
    values = {}
    for key, value in sets.items():
        if key not in columns:
            raise _fail(path, f"{where}.set.{key}", _("{kind} has no field '{field}'{hint}").format(
                kind=kind.name, field=key, hint=near_hint(key, columns)))
        values[key] = _code_value(path, f"{where}.set.{key}", columns[key], value)
    return When(index, tuple(normalise(h) for h in headers), headers, position, pattern, skip, values)


def load(path: Path | str) -> SourceRules:
    """Read and check the rules file at ``path`` (raises :class:`RulesError` naming the key)."""
    from ekbist.secrecy import check_text

    path = Path(path)
    check_text(path.name, _("the rules file's name"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(_("{path}: no such file").format(path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(_("{path}: cannot read the rules file ({reason})").format(
            path=path, reason=exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(_("{file}: not a TOML rules file ({reason})").format(
            file=path.name, reason=exc)) from None
    _unknown(path, "", data, TOP_KEYS)
    if not isinstance(data.get("kind"), str):
        raise _fail(path, "kind", _("say which kind the extract fills, e.g. kind = \"applications\""))
    kind = named(data["kind"]) or kinds().get(data["kind"])
    importable = [k.name for k in kinds().values() if k.importable]
    if kind is None or not kind.importable:
        raise _fail(path, "kind", _("'{kind}' is not a kind ekbist imports ({kinds})").format(
            kind=data["kind"], kinds=", ".join(importable)))
    source = data.get("source", path.stem)
    if not isinstance(source, str) or not source.strip():
        raise _fail(path, "source", _("must be a text"))
    check_text(source, _("the source's name"))
    period = data.get("period")
    if period is not None:
        dated = [c.key for c in kind.import_columns if c.type in ("date", "month")]
        if period not in dated:
            raise _fail(path, "period", _("must be a date or month field of {kind}: {fields}")
                        .format(kind=kind.name, fields=", ".join(dated)))
    tables = {}
    for name, known in (("file", FILE_KEYS), ("numbers", NUMBER_KEYS), ("dates", DATE_KEYS)):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise _fail(path, name, _("must be a table of keys"))
        _unknown(path, f"{name}.", table, known)
        tables[name] = table
    dialect = tables["file"]
    encoding = dialect.get("encoding")
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name if isinstance(encoding, str) else None
        except LookupError:
            encoding = None
        if encoding is None:
            raise _fail(path, "file.encoding", _("not an encoding (write e.g. 'utf-8' or "
                                                 "'windows-1252')"))
    delimiter = dialect.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1
                                  or delimiter in "\"\r\n"):
        raise _fail(path, "file.delimiter", _("must be one character, e.g. ';'"))
    sheet = dialect.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise _fail(path, "file.sheet", _("must be a text"))
    skip = _int(path, "file.skip", dialect.get("skip", 0), 0, MAX_SKIP)
    footer = _int(path, "file.footer", dialect.get("footer", 0), 0, 100)
    numbers = _numbers(path, "numbers.", tables["numbers"], Numbers())
    formats = _formats(path, "dates.formats", tables["dates"]["formats"]) \
        if "formats" in tables["dates"] else ("%Y-%m-%d",)
    raw_fields = data.get("fields", {})
    if not isinstance(raw_fields, dict) or not raw_fields:
        raise _fail(path, "fields", _("say which column fills which field ([fields.…] tables)"))
    fields = tuple(_field(path, kind, key, raw, numbers, formats) for key, raw in raw_fields.items())
    ignore = data.get("ignore", [])
    ignore = tuple(normalise(h) for h in _texts(path, "ignore", ignore)) if ignore != [] else ()
    raw_when = data.get("when", [])
    if not isinstance(raw_when, list):
        raise _fail(path, "when", _("must be a list of [[when]] tables"))
    when = tuple(_when(path, kind, i, raw) for i, raw in enumerate(raw_when))
    filled = {f.key for f in fields} | {k for w in when for k in w.set}
    fills = _fills(path, kind, data.get("fills"), fields, filled)
    for column in kind.required:
        if not fills and column.key not in filled and column.default is None:
            raise _fail(path, "fields", _("nothing fills '{field}', which {kind} requires").format(
                field=column.key, kind=kind.name))
    return SourceRules(path, kind, source.strip(), period, encoding, delimiter, skip, footer, sheet,
                       ignore, fields, when, fills)


def _fills(path: Path, kind: Kind, raw: Any, fields: tuple[FieldRule, ...],
           filled: set[str]) -> tuple[str, ...]:
    """The fields a report of part of a record fills (``fills``), checked: fields the rules
    read, never the key, which must come from a column of the report (it joins the two)."""
    if raw is None:
        return ()
    if len(kind.key) != 1:
        raise _fail(path, "fills", _("{kind} has no single key to join reports on").format(
            kind=kind.name))
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise _fail(path, "fills", _("must be a list of fields, e.g. fills = [\"decided\", "
                                     "\"decision\", \"amount\"]"))
    key = kind.key[0]
    columns = {c.key for c in kind.import_columns}
    for name in items:
        if name not in columns:
            raise _fail(path, "fills", _("{kind} has no field '{field}'{hint}").format(
                kind=kind.name, field=name, hint=near_hint(name, columns)))
        if name == key:
            raise _fail(path, "fills", _("'{field}' is the key both reports are joined on, "
                                         "not a field this report fills").format(field=key))
        if name not in filled:
            raise _fail(path, "fills", _("'{field}' is filled by no [fields.{field}] table "
                                         "of this rules file").format(field=name))
    keyed = next((f for f in fields if f.key == key), None)
    if keyed is None or not keyed.from_column:
        raise _fail(path, "fills", _("the reports are joined on the key '{field}' of {kind}: read "
                                     "it from the report's column in [fields.{field}]").format(
            kind=kind.name, field=key))
    return tuple(dict.fromkeys(items))


__all__ = ["FieldRule", "Numbers", "RulesError", "SourceRules", "When", "load", "near_hint"]
