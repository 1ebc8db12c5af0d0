"""The goal part of ``ekbist report year``: the goal hierarchy with verdicts, analysis,
indicators and activities, and the conclusion that counts unit goals ("alla mål utom två")."""

from __future__ import annotations

from typing import Any

from ekbist.commands.render import fmt_in_unit, fmt_target

from ekbist.codes import label as code_label
from ekbist.i18n import N_, _
from ekbist.reports.goals import conclusion_lines

HEADING = {"city": N_("City goal"), "board": N_("Board goal"), "unit": N_("Unit goal")}
# Columns a text table leaves out when no row has a value in them, and, in this order,
# while it is wider than the text (80 columns) with the indicator given LABEL_WIDTH.
OPTIONAL = (7, 6, 3, 2, 4)
TEXT_WIDTH = 80
LABEL_WIDTH = 24


def _value(value: float | None, unit: str) -> str:
    """A cell of the indicator table: blank where the value is not known."""
    return "" if value is None else fmt_in_unit(value, unit) or "–"


def _sex_value(t: dict[str, Any], sex: str) -> str:
    """Men or women of a target row: a computed figure with the decimals of its outcome
    (0,00 % beside 0,05 %), a manual one as the chief wrote it."""
    value = t[sex]
    if value is None or t["manual"]:
        return _value(value, t["unit"])
    return fmt_in_unit(value, t["unit"], t["outcome_decimals"]) or "–"


def _previous(t: dict[str, Any]) -> str:
    """Last year's outcome, shown as an outcome beside this year's target (0,8 beside
    ≤ 30, never 1)."""
    if t["previous"] is None:
        return ""
    return fmt_in_unit(t["previous"], t["unit"], t["previous_decimals"]) or "–"


def _met(met: bool | None) -> str:
    if met is None:
        return _("no outcome")
    return _("met") if met else _("not met")


def target_table(section: Any, rows: list[dict[str, Any]], year: int, *, compact: bool) -> None:
    """The indicator table: outcome, men, women, last year, target, the city's target,
    period and verdict; ``compact`` (text) leaves out the optional columns no row fills."""
    headers = [_("Indicator"), _("Outcome"), _("Men"), _("Women"), str(year - 1),
               _("Year's target"), _("City's target"), _("Period"), _("Verdict")]
    body = []
    for t in rows:
        body.append([
            t["label"],
            fmt_in_unit(t["outcome"], t["unit"], t["outcome_decimals"]) or "–",
            _sex_value(t, "men"), _sex_value(t, "women"),
            _previous(t),
            fmt_target(t["direction"], t["target"], t["unit"]),
            _value(t["city_target"], t["unit"]), t["period"] or "", _met(t["met"])])
    keep = [i for i in range(len(headers))
            if not compact or i not in OPTIONAL or any(r[i] for r in body)]

    def width() -> int:
        return LABEL_WIDTH + sum(2 + max(len(r[i]) for r in [headers, *body])
                                 for i in keep if i)

    for i in OPTIONAL if compact else ():
        if width() <= TEXT_WIDTH:
            break
        if i in keep:
            keep.remove(i)
    section.headers = [headers[i] for i in keep]
    section.rows = [[r[i] for i in keep] for r in body]
    section.right = {n for n, i in enumerate(keep) if i in (1, 2, 3, 4, 5, 6)}


def goal_sections(r: dict[str, Any], section: type, *, compact: bool) -> list[Any]:
    """The goal hierarchy as report sections, in the order the goals were set, each goal
    a heading a level below the goal it hangs under; ``section`` is the report's Section."""
    found = r.get("goals") or {"goals": []}
    goals = found["goals"]
    if not goals:
        return []
    by_key = {t["key"]: t for t in r["targets"]["targets"]}
    top = section(_("Goals and their fulfilment"))
    top.notes = conclusion_lines(found["conclusion"], goals)
    out = [top]
    for g in goals:
        level = min(6, 3 + g["depth"])
        s = section(_("{level}: {wording}").format(level=_(HEADING[g["level"]]),
                                                   wording=g["wording"]), level=level)
        verdict = code_label("goal_verdict", g["verdict"]) if g["verdict"] else None
        proposal = code_label("goal_verdict", g["proposal"]) if g["proposal"] else None
        if verdict and g["differs"]:
            s.notes.append(_("Verdict: {verdict} (ekbist proposes {proposal} from the "
                             "indicators; reason: {reason})").format(
                verdict=verdict, proposal=proposal, reason=g["reason"]))
        elif verdict:
            s.notes.append(_("Verdict: {verdict}.").format(verdict=verdict))
        elif proposal:
            s.notes.append(_("Verdict: not judged yet (ekbist proposes {proposal} from the "
                             "indicators).").format(proposal=proposal))
        elif g["level"] == "unit":
            s.notes.append(_("Verdict: not judged yet."))
        for name, text in ((_("Expected result"), g["expected"]),
                           (_("Analysis"), g["analysis"])):
            if text:
                paragraphs = text.split("\n")
                s.notes.append(f"{name}: {paragraphs[0]}")
                s.notes += paragraphs[1:]
        out.append(s)
        rows = [by_key[k] for k in g["targets"] if k in by_key]
        if rows:
            indicators = section(_("Indicators"), level=min(6, level + 1))
            target_table(indicators, rows, r["year"], compact=compact)
            out.append(indicators)
        if g["activities"]:
            a = section(_("Activities"), level=min(6, level + 1))
            a.headers = [_("Activity of the goal"), _("Start"), _("End"), _("Status")]
            a.rows = [[x["activity"], x["start"] or "", x["end"] or "",
                       code_label("activity_status", x["status"])] for x in g["activities"]]
            out.append(a)
    return out
