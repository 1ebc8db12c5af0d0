"""The rules of 'ekbist target set' and 'ekbist outcome set', kept by the sheets too.

A Targets (Årsmål) or Manual outcomes (Egna utfall) sheet goes through the importer,
whose declarations (``schemas/sheets/targets.toml``, ``outcomes.toml``) check each cell
on its own. What needs the list of figures ekbist computes is checked here, for the
whole sheet at once, with the same words as the command line:

- a target on a figure ekbist does not compute needs a label, here or known before
  (an outcome or a target with a label, in the store or in the same file);
- a target on a share is given in per cent; a value between 0 and 1 on a share may be a
  fraction from a cell formatted as per cent, and is taken as it is with a warning
  (:func:`ekbist.reports.targets.looks_like_a_fraction`);
- an outcome is recorded only for a figure ekbist cannot compute.
"""

from __future__ import annotations

from ekbist.i18n import _, language
from ekbist.number_text import format_number
from ekbist.reports import targets
from ekbist.sheets.import_context import Context, Rules


class TargetRows(Rules):
    def prepare(self, ctx: Context) -> None:
        batch = ctx.batches.get(self.kind)
        if batch is None:
            return
        figures = targets.computed_figures()
        keys, values, labels = (batch.values[k] for k in ("key", "value", "label"))
        labelled = {k for (k,) in ctx.store.tuples(
            "SELECT key FROM outcome UNION SELECT key FROM target WHERE label IS NOT NULL")}
        labelled.update(k for k, label in zip(keys, labels, strict=True) if label is not None)
        outcomes = ctx.batches.get("outcomes")
        if outcomes is not None:
            labelled.update(outcomes.values["key"])
        for i, (key, value) in enumerate(zip(keys, values, strict=True)):
            if key is None:
                continue
            if key not in figures and key not in labelled:
                ctx.problem(self.kind, i, "key", key, _(
                    "not a figure ekbist computes; a figure you record yourself needs a label "
                    "(or an outcome recorded first). Computed figures: see 'ekbist target keys'"))
            elif value is not None and targets.looks_like_a_fraction(key, value):
                src, local = batch.origin[i]
                _order, cell = ctx.sources[src].cell(local, "value")
                percent = format_number(round(value * 100, 6), swedish=language() == "sv")
                ctx.report.warnings.append(_(
                    "{cell}: {value} on a share reads as {value} % — if {percent} % is meant, "
                    "write {percent} (a cell formatted as per cent holds the fraction)").format(
                    cell=cell, value=format_number(value, swedish=language() == "sv"),
                    percent=percent))


class OutcomeRows(Rules):
    def prepare(self, ctx: Context) -> None:
        batch = ctx.batches.get(self.kind)
        if batch is None:
            return
        figures = targets.computed_figures()
        for i, key in enumerate(batch.values["key"]):
            if key in figures:
                ctx.problem(self.kind, i, "key", key, _(
                    "ekbist computes this figure itself; an outcome is recorded only for "
                    "figures it cannot know"))


# The kinds whose import runs these rules, by kind name (schemas/sheets/<kind>.toml).
RULES: dict[str, type[Rules]] = {
    "targets": TargetRows,
    "outcomes": OutcomeRows,
}
