"""The import rule of the covers sheet a declaration cannot say: the rules of ``case cover``.

Each added or changed cover of a sheet is held to :func:`ekbist.cover.refusal`, the rules
``ekbist case cover`` refuses by (overlapping covers of one case; a coverer not employed or
away on a day of it; a case not active on its first day, without a handler then, or with
the coverer as its own handler). A row the store already holds as it is passes unchecked:
a cover recorded when it was right stays, whatever happened since.

The rules read the store, so they are asked once the sheet's own kinds are written (the
cases, handlers, assignments and absences before the covers, and the file's other covers
with them: one file's two overlapping covers refuse each other as two commands would).
A dry run writes nothing: it holds the rows whose case and handler are already stored to
the same rules against the covers stored (two overlapping rows of one file are found when
the file is imported). Handed to the importer by
:mod:`ekbist.sheet_import`.
"""

from __future__ import annotations

from datetime import date

from ekbist import cover
from ekbist.sheets.import_context import Context, Rules

KIND = "covers"


def _rows(ctx: Context, *, known_only: bool) -> list[tuple]:
    """(source, row, case, handler, first, last, status) of the sheet's added and changed
    covers; ``known_only``: only those whose case and handler the store holds."""
    known = ("AND EXISTS (SELECT 1 FROM cases c WHERE c.id = s.\"case\") "
             "AND EXISTS (SELECT 1 FROM handler h WHERE h.id = s.handler)") if known_only else ""
    return ctx.store.tuples(
        'SELECT s._src, s._row, s."case", s.handler, s.from_date, s.to_date, s._status '
        f'FROM temp."sheet_{KIND}" s WHERE s._status IN (\'added\', \'changed\') {known} '
        "ORDER BY s.\"case\", s.from_date").fetchall()


def _hold(ctx: Context, rows: list[tuple]) -> None:
    """Hold each row to the rules of ``case cover``. A row with a cell that could not be
    read (a From that is no date) already has its problem, and a row ending before it
    starts has its problem on the Until cell (the sheet's own check): the rules would
    only repeat it in other words, or meet a value that is no date at all (a dry run
    asks the rules before the cell problems refuse the file)."""
    bad = {(src, row) for src, row, _key in ctx.bad_cells}
    for src, row, case, handler, first, last, _status in rows:
        if (src, row) in bad or (last and last < first):
            continue
        reason = cover.refusal(ctx.store, case, handler, first=date.fromisoformat(first),
                               last=date.fromisoformat(last) if last else None,
                               replacing=True)
        if reason is not None:
            ctx.problem_at(src, row, "from_date", first, reason)


class CoverRules(Rules):
    """Every added or changed cover of a sheet passes the rules of ``case cover``."""

    def check(self, ctx: Context) -> None:
        # A dry run writes nothing (its store is open read-only): the rows whose case and
        # handler are stored are held to the rules against the covers stored.
        if KIND in ctx.batches and ctx.dry_run:
            _hold(ctx, _rows(ctx, known_only=True))

    def write(self, ctx: Context) -> None:
        if KIND not in ctx.batches:
            return
        _hold(ctx, _rows(ctx, known_only=False))
        ctx.problems.raise_if_any()


RULES: dict[str, type[Rules]] = {KIND: CoverRules}
