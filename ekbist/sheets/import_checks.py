"""The checks an import makes in Python over each kind's whole batch, before SQL sees it.

Values of a sheet as they are converted (:func:`check_values`, :func:`check_sums`), then
every kind's batch (:func:`lookups`, :func:`activities`, :func:`duplicates`,
:func:`references`); each problem names the cell that holds the value
(:class:`ekbist.sheets.import_context.Context`).
"""

from __future__ import annotations

import re
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _, language, ngettext
from ekbist.sheets import convert, sum_rows
from ekbist.sheets.cells import cell_name
from ekbist.sheets.declarations import Column, kinds
from ekbist.sheets.import_context import Batch, Context, Source


# -- a sheet's values ------------------------------------------------------------------------------
_SPACE = re.compile(r"\s")


def check_values(ctx: Context, source: Source, values: dict[str, list[Any]]) -> None:
    """Identifiers without spaces, event dates not after today."""
    today = ctx.today.isoformat()
    for column in source.kind.import_columns:
        column_values = values[column.key]
        if column.identifier:
            for i, v in enumerate(column_values):
                if v is not None and (len(v) > 40 or _SPACE.search(v)):
                    ctx.problem_at(source.index, i, column.key, v,
                                   _("an id is 1–40 characters without spaces"))
                    ctx.bad_cells.add((source.index, i, column.key))
        if column.not_after_today and column.type == "date":
            for i, v in enumerate(column_values):
                if v is not None and v > today:
                    ctx.problem_at(source.index, i, column.key, v,
                                   _("after today ({today})").format(today=today))
                    ctx.bad_cells.add((source.index, i, column.key))


def check_sums(ctx: Context, source: Source, values: dict[str, list[Any]]) -> None:
    sums = source.sums
    if not sums:
        return
    columns_data = source.columns_data
    numeric = [c for c in source.kind.import_columns
               if c.numeric and c.key in source.columns and c.key not in source.kind.key]
    # Budget and actuals sheets often close with "Summa netto": costs minus revenues.
    line_key = next((c.key for c in source.kind.import_columns if c.lookup == "budget_line.name"), None)
    signs: dict[str, int] = {}
    if line_key:
        signs = {str(name).casefold(): 1 if kind == "cost" else -1 for name, kind in
                 ctx.store.tuples("SELECT name, kind FROM budget_line")}
    previous = 0
    for sheet_row, above in sums:
        for column in numeric:
            col_index = source.columns[column.key]
            raw = columns_data[col_index][sheet_row]
            if convert.is_empty(raw):
                continue
            converter = convert.ColumnConverter(Column(column.key, "", "", "number"))
            stated = converter.convert([raw])[0]
            where = cell_name(source.sheet, sheet_row, col_index)
            order = (source.sheet_order, sheet_row, col_index)
            if stated is None:
                ctx.problems.add(order, where, raw, _("a sum row needs numbers"))
                continue
            column_values = values[column.key]
            section = [v for v in column_values[previous:above] if v is not None]
            everything = [v for v in column_values[:above] if v is not None]
            totals = [sum(section), sum(everything)]
            if line_key:
                lines = values[line_key]
                for start in (previous, 0):
                    totals.append(sum(signs.get(str(lines[i]).casefold(), 0) * column_values[i]
                                      for i in range(start, above) if column_values[i] is not None))
            if not sum_rows.agrees(stated, totals, unit=sum_rows.HUNDREDTH):
                total = convert.format_number(sum(section), swedish=language() == "sv")
                ctx.problems.add(order, where, raw,
                                 _("does not match the sum of the rows above ({sum})").format(sum=total))
        previous = above


# -- over each kind's batch ---------------------------------------------------------------------
def lookups(ctx: Context) -> None:
    """Columns whose values must be one of a small stored list, matched in any case.

    An unknown value is one problem per value, at the first cell that holds it, with the
    closest known value — not one per row repeating the whole list."""
    from ekbist.budget import did_you_mean, fold

    for name, batch in ctx.batches.items():
        for column in batch.kind.import_columns:
            if not column.lookup:
                continue
            table, col = column.lookup.split(".")
            known = {fold(v): v for v in
                     (r[col] for r in ctx.store.query(f'SELECT "{col}" FROM "{table}"'))}
            values = batch.values[column.key]
            unknown: dict[str, list[int]] = {}
            for i, value in enumerate(values):
                if value is None:
                    continue
                stored = known.get(fold(value))
                if stored is None:
                    unknown.setdefault(fold(value), []).append(i)
                else:
                    values[i] = stored
            for positions in unknown.values():
                value = values[positions[0]]
                hint = did_you_mean(value, list(known.values()))
                more = _more_cells(ctx, name, positions, column.key)
                if column.lookup == "budget_line.name":
                    reason = _("unknown budget line{hint} ('ekbist budget lines' lists them; "
                               "'ekbist budget add-line' adds one){more}").format(hint=hint,
                                                                                 more=more)
                else:
                    reason = _("unknown {what}{hint}{more}").format(what=column.header(),
                                                                    hint=hint, more=more)
                ctx.problem(name, positions[0], column.key, value, reason)


def _more_cells(ctx: Context, kind: str, positions: list[int], key: str) -> str:
    """' (also in 3 more cells)' when a name is in more cells than the one named."""
    batch = ctx.batches[kind]
    cells = {ctx.sources[src].cell(local, key)[1]
             for src, local in (batch.origin[i] for i in positions)}
    n = len(cells) - 1
    if n <= 0:
        return ""
    return ngettext(" (also in {n} more cell)", " (also in {n} more cells)", n).format(n=n)


def activities(ctx: Context) -> None:
    """Budget and actuals activities, by the rule of ``budget set`` and ``actuals set``
    (:func:`ekbist.budget.known_activities`): a known one in any case takes its stored
    spelling; any other is refused at the cell that holds it, with the closest known name,
    unless the import was told that new names are meant (``new``) or the store has no
    activity yet. The new ones taken are listed in the report."""
    from ekbist.budget import did_you_mean, fold, known_activities, stored_activities

    every = known_activities(ctx.store)
    known = {fold(name): name for name in every}
    first_names = not stored_activities(ctx.store)
    new: dict[str, str] = {}
    refused: dict[tuple[str, str], list[int]] = {}
    for name in ("budget", "actuals"):
        batch = ctx.batches.get(name)
        if batch is None or "activity" not in batch.values:
            continue
        values = batch.values["activity"]
        for i, value in enumerate(values):
            if value is None:
                continue
            folded = fold(value)
            if folded in known:
                values[i] = known[folded]
            elif ctx.new_names or first_names:
                values[i] = new.setdefault(folded, " ".join(str(value).split()))
            else:
                refused.setdefault((name, folded), []).append(i)
    for (name, _folded), positions in refused.items():
        value = ctx.batches[name].values["activity"][positions[0]]
        src, local = ctx.batches[name].origin[positions[0]]
        order, where = ctx.sources[src].cell(local, "activity")
        ctx.problems.add_text(order, EkbistError.about(
            _("{cell}: '{value}' — no activity of that name in any year{hint} (give {new} to "
              "add a new activity){more}"), {"new": "new"}, cell=where, value=value,
            hint=did_you_mean(value, every),
            more=_more_cells(ctx, name, positions, "activity")))
    ctx.report.new_activities = sorted(new.values())


def _keys(batch: Batch) -> list[tuple]:
    return list(zip(*(batch.values[k] for k in batch.kind.key), strict=True))


def duplicates(ctx: Context) -> None:
    for name, batch in ctx.batches.items():
        keys = _keys(batch)
        if len(set(keys)) == len(keys):
            continue
        first: dict[tuple, int] = {}
        reasons: dict[int, str] = {}     # a key's first row -> the reason naming its cell
        column = batch.kind.key[0]
        for i, key in enumerate(keys):
            if None in key:
                continue
            if key in first:
                at = first[key]
                reason = reasons.get(at)
                if reason is None:
                    src, local = batch.origin[at]
                    reason = reasons[at] = _("appears twice in the file (also {cell})").format(
                        cell=ctx.sources[src].where(local, column))
                ctx.problem(name, i, column, batch.values[column][i], reason)
            else:
                first[key] = i


def references(ctx: Context) -> None:
    """A case or handler named must exist in the store or in this file."""
    for name, batch in ctx.batches.items():
        for column in batch.kind.import_columns:
            if not column.ref:
                continue
            target = kinds()[column.ref]
            key_column = target.column(target.key[0])
            known = {r[0] for r in ctx.store.tuples(
                f'SELECT "{key_column.column}" FROM "{target.table}"')}
            if column.ref in ctx.batches:
                known.update(ctx.batches[column.ref].values[target.key[0]])
            values = batch.values[column.key]
            for i, value in enumerate(values):
                if value is not None and value not in known:
                    ctx.problem(name, i, column.key, value, _("not found in the store or in this file"))
