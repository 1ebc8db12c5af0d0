"""The import rule of the activities sheet a declaration cannot say: the kinds in use.

The unit chooses its activity kinds (setting ``activities.kinds``, read by
:func:`ekbist.activities.kinds_in_use`); an imported activity of another kind is refused
as the command line refuses it. Handed to the importer by :mod:`ekbist.sheet_import`.
"""

from __future__ import annotations

from ekbist.activities import EXEMPT, kinds_in_use
from ekbist.i18n import _
from ekbist.sheets.import_context import Context, Rules


class ActivityKinds(Rules):
    """Every imported activity's kind is one the unit uses (or an exemption); one already
    stored under a kind the unit no longer uses may come back as it is."""

    def prepare(self, ctx: Context) -> None:
        from ekbist.codes import label

        batch = ctx.batches.get("case_activities")
        if not batch:
            return
        in_use = kinds_in_use(ctx.store)
        stored = set(ctx.store.tuples(
            "SELECT case_id, kind, from_date FROM activity WHERE kind NOT IN ({})".format(
                ", ".join("?" * (len(in_use) + 1))), (*in_use, EXEMPT)))
        values = batch.values
        for i, kind in enumerate(values["kind"]):
            if kind and kind != EXEMPT and kind not in in_use and (
                    values["case"][i], kind, values["from_date"][i]) not in stored:
                ctx.problem("case_activities", i, "kind", label("activity_kind", kind),
                            _("the unit does not use this activity kind (setting "
                              "activities.kinds)"))


RULES: dict[str, type[Rules]] = {"case_activities": ActivityKinds}
