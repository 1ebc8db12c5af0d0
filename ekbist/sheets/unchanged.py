"""Rows a re-import finds exactly as stored: known by comparing, never converted again.

Re-importing an export (a whole city's 1.3 million applications) is mostly rows that
hold exactly what the store holds. Such a row needs no conversion, no check and no
write, and its texts need no second pass through the secrecy gate: every one of them is,
character for character, a value the store's own triggers passed when it was written
(:mod:`ekbist.store`). So, piece by piece, before a cell is converted or scanned, the
rows of a table sheet are compared with the stored records of the same key
(:class:`Unchanged`): one query per piece fetches the stored values of the piece's keys
as the file spells them, and a row is *identical* when every column the sheet maps
equals its stored value exactly —

- text, dates, months: the same characters (no stripping, no other date spelling);
- codes: the stored code or one of its words exactly (``granted``, ``beviljad``);
- whole numbers and yes/no: the stored number's digits (a CSV's ``7911``), or a
  spreadsheet number or yes/no cell of the same value;
- an empty cell where the store holds nothing, in a column that is neither required
  nor defaulted.

Anything else — a changed value, another spelling, a stray space, a row of a key the
store does not have, a decimal number — is not identical and takes the whole way
(scan, conversion, checks, matching in SQL), as every row did before. Columns the kind
does not compare (an export-only column such as the derived handler, a column ekbist
does not know) are scanned for every row, identical or not.

Identical rows are counted as unchanged and dropped. Three things would tell them apart
from the whole way, and each makes the import start again without this shortcut
(:class:`Rescan`), so that what the user sees never depends on it: a sum row in a sheet
that had identical rows (its check adds the rows above it), a key that appears twice in
the file with an identical row among them (the duplicate is named as always), and a
store that another process changed between the comparison and the import's transaction.
Kinds with rules of their own (:mod:`ekbist.sheets.rules`) that must see every row
(:meth:`ekbist.sheets.import_context.Rules.every_row`), or whose key is more than one
column, always take the whole way. An extract's source memory needs only the keys of the
identical rows (``Context.unchanged_keys``), so an import through a rules file keeps it.
"""

from __future__ import annotations

import json
import operator
from datetime import date
from typing import Any

from ekbist.sheets.declarations import Column, Kind
from ekbist.store import Store


class Rescan(Exception):
    """Identical rows were dropped where the whole way must see every row: start again."""


def _code_words(column: Column) -> dict[str, str]:
    """Every exact spelling of a code the import reads (the code and its words) -> code."""
    from ekbist.codes import KINDS, parse_code
    from ekbist.errors import EkbistError

    words: dict[str, str] = {}
    for code, labels in KINDS[column.codes].items():
        for word in (code, *labels):
            try:
                if parse_code(column.codes, word) == code:
                    words[word] = code
            except EkbistError:
                continue
    return words


def _normaliser(column: Column):
    """A function from one raw column (a list of cells) to the stored values its cells are
    identical to; a cell that cannot be identical becomes a value no stored value equals.
    None for a column type never taken as identical (real numbers)."""
    empty = None if not column.required and column.default is None else _DIFFERENT
    kind = column.type

    if kind in ("text", "date", "month"):
        # Text as it is (a stored text with space around it is never matched, see
        # _stored_expression); a spreadsheet's date cell as its ISO day.
        def other(value: Any) -> Any:
            if value == "" or value is None:
                return empty
            if value.__class__ is date and kind != "month":
                return value.isoformat()
            return _DIFFERENT

        return lambda cells: [v if v.__class__ is str and v else empty if v == "" or v is None
                              else other(v) for v in cells]
    if kind == "code":
        words = _code_words(column)

        def word(value: Any) -> Any:
            return empty if value == "" or value is None else _DIFFERENT

        return lambda cells: [words[v] if v.__class__ is str and v in words else word(v)
                              for v in cells]
    if kind in ("integer", "money", "boolean"):
        def number(value: Any) -> Any:
            cls = value.__class__
            if value == "" or value is None:
                return empty
            if cls is bool:
                return ("1" if value else "0") if kind == "boolean" else _DIFFERENT
            if cls is int:
                return str(value)
            if cls is float:
                return str(int(value)) if value.is_integer() else _DIFFERENT
            return _DIFFERENT

        return lambda cells: [v if v.__class__ is str and v else number(v) for v in cells]
    return None   # real numbers and anything else: never taken as identical


class _Different:
    """Equal to nothing: a cell that cannot be identical to a stored value."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0


_DIFFERENT = _Different()


# Every character Python's str.strip() takes off (the import strips text cells): a stored
# text that begins or ends with one is never matched, since the import would store it
# stripped.
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def _stored_expression(column: Column) -> str:
    """The stored value as :func:`_normaliser` gives it: numbers as their digits, text
    only when the import would keep it as it is (else a blob, which no cell equals)."""
    if column.type in ("integer", "money", "boolean"):
        return f"CAST(({column.sql}) AS TEXT)"
    if column.type == "text":
        spaces = f"char({', '.join(str(ord(c)) for c in _SPACES)})"
        return (f"CASE WHEN ({column.sql}) = trim(({column.sql}), {spaces}) "
                f"THEN ({column.sql}) ELSE x'00' END")
    return f"({column.sql})"


class Unchanged:
    """Finds the identical rows of one table sheet's pieces (see the module's docstring)."""

    def __init__(self, store: Store, kind: Kind, mapping: dict[str, int], seen: set[Any]):
        self.store = store
        self.kind = kind
        key = kind.key[0]
        compared = [c for c in kind.import_columns if c.key in mapping]
        self.key_index = mapping[key]
        self.key_position = [c.key for c in compared].index(key)
        self.columns = [mapping[c.key] for c in compared]
        self.normalisers = [_normaliser(c) for c in compared]
        where = f"({kind.export_where}) AND " if kind.export_where else ""
        key_sql = kind.column(key).sql
        self.sql = (f"SELECT {', '.join(_stored_expression(c) for c in compared)} "
                    f"FROM {kind.export_from} WHERE {where}({key_sql}) IN "
                    f"(SELECT value FROM json_each(?))")
        self.pick = operator.itemgetter(*self.columns) if len(self.columns) > 1 else None
        self.seen = seen          # the keys of identical rows so far, every sheet of the kind
        self.count = 0
        self.had_sum_row = False

    @staticmethod
    def applies(store: Store, kind: Kind, mapping: dict[str, int]) -> bool:
        """Whether a sheet of ``kind`` mapped as ``mapping`` may take the shortcut at all."""
        if len(kind.key) != 1 or kind.key[0] not in mapping or not kind.export_from:
            return False
        compared = [c for c in kind.import_columns if c.key in mapping]
        if any(c.sql is None or _normaliser(c) is None for c in compared):
            return False
        return store.scalar(f'SELECT 1 FROM "{kind.table}" LIMIT 1') is not None

    def compared_columns(self) -> frozenset[int]:
        """The sheet columns whose cells an identical row need not show the gate again."""
        return frozenset(self.columns)

    def identical(self, rows: list[list[Any]], candidates: list[int]) -> list[int]:
        """Of ``candidates`` (indexes of data rows in ``rows``), those identical to the
        stored record of their key, in order."""
        if not candidates:
            return []
        width = max(self.columns) + 1
        normalisers = self.normalisers
        picked = [rows[i] for i in candidates]
        if min(map(len, picked)) < width:
            return []
        if self.pick is None:
            columns = [[row[self.columns[0]] for row in picked]]
        else:
            columns = list(zip(*map(self.pick, picked), strict=True))
        columns = [normalise(column) for normalise, column in
                   zip(normalisers, columns, strict=True)]
        keys = columns[self.key_position]
        text_keys = [k for k in keys if k.__class__ is str]
        if not text_keys:
            return []
        stored = {row[self.key_position]: row
                  for row in self.store.tuples(self.sql, (json.dumps(text_keys),))}
        if not stored:
            return []
        pairs = [(i, key) for i, key, values in zip(candidates, keys, zip(*columns, strict=True),
                                                    strict=True)
                 if stored.get(key) == values]
        if not pairs:
            return []
        fresh = {key for _i, key in pairs}
        if len(fresh) != len(pairs) or not self.seen.isdisjoint(fresh):
            raise Rescan   # a key twice in the file: the duplicate is named the usual way
        self.seen.update(fresh)
        self.count += len(pairs)
        return [i for i, _key in pairs]
