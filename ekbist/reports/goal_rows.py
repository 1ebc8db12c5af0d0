"""The rule of a Goals (Mål) sheet that its declaration cannot say: no goal hangs under
itself, however many goals lie between (``schemas/sheets/goals.toml`` checks each row's
parent and level; :func:`ekbist.reports.goals.set_goal` keeps the same rule for the
command line)."""

from __future__ import annotations

from ekbist.i18n import _
from ekbist.sheets.import_context import Context, Rules


class GoalRows(Rules):
    def prepare(self, ctx: Context) -> None:
        batch = ctx.batches.get(self.kind)
        if batch is None:
            return
        years, keys, parents = (batch.values[k] for k in ("year", "key", "parent"))
        wanted = {y for y in years if y is not None}
        parent_of: dict[tuple[int, str], str | None] = {}
        for year in wanted:
            for key, parent in ctx.store.tuples(
                    "SELECT key, parent FROM goal WHERE year = ?", (year,)):
                parent_of[(year, key)] = parent
        for year, key, parent in zip(years, keys, parents, strict=True):
            if year is not None and key is not None:
                parent_of[(year, key)] = parent
        for i, (year, key) in enumerate(zip(years, keys, strict=True)):
            seen, at = set(), parent_of.get((year, key))
            while at is not None and at not in seen and at != key:
                seen.add(at)
                at = parent_of.get((year, at))
            if at is not None and at == key:
                ctx.problem(self.kind, i, "parent", parents[i], _(
                    "the goal would hang under itself (through the goals it hangs under)"))


# The kinds whose import runs these rules, by kind name (schemas/sheets/<kind>.toml).
RULES: dict[str, type[Rules]] = {"goals": GoalRows}
