"""The import rule of the population-by-age sheet (Folkmängd efter ålder).

Statistics Sweden's table writes the age as text: "18 år", "100+ år"; a unit writes
bands, "18-24" or "65+". The declaration (``schemas/sheets/population_bands.toml``) cannot
read those, so this rule reads the Age cell with the same parser as ``ekbist population
set --age`` (:func:`ekbist.reports.population.parse_age_band`) into the first and last age
before the rows are matched with the store. A sheet with Age and the first/last age
columns (an export) must say the same in both.
"""

from __future__ import annotations

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.reports.population import parse_age_band
from ekbist.sheets.import_context import Context, Rules


class PopulationBands(Rules):
    def prepare(self, ctx: Context) -> None:
        batch = ctx.batches.get(self.kind)
        if not batch:
            return
        # The first and last age come from the Age cell: a sheet without their own columns
        # must not keep a stored band's old last age, and problems name the Age cell.
        for source in ctx.sources:
            if source.kind is batch.kind and "age" in source.columns:
                source.columns.setdefault("age_from", source.columns["age"])
                source.columns.setdefault("age_to", source.columns["age"])
        ages = batch.values["age"]
        firsts, lasts = batch.values["age_from"], batch.values["age_to"]
        for i, text in enumerate(ages):
            if text is None:
                continue
            try:
                low, high = parse_age_band(text)
            except EkbistError as exc:
                ctx.problem(self.kind, i, "age", text, str(exc))
                src, local = batch.origin[i]
                ctx.bad_cells.add((src, local, "age"))  # one problem per cell
                continue
            if firsts[i] is not None and (firsts[i], lasts[i]) != (low, high):
                ctx.problem(self.kind, i, "age", text,
                            _("the age says {age}, the first and last age columns otherwise")
                            .format(age=text))
                continue
            firsts[i], lasts[i] = low, high


RULES = {"population_bands": PopulationBands}
