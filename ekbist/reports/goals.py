"""Goals as the annual report holds them: a hierarchy of city, board and unit goals.

The annual report (the seed's "Uppföljning av Kommunfullmäktiges inriktningsmål") follows
each year's goals from the city council's (KF:s inriktningsmål, KF:s mål för
verksamhetsområdet) through the board's (nämndmål) down to the unit's (enhetsmål). A goal
has its wording, an expected result, an analysis and activities (start, end, status), and
the indicators with targets of ``ekbist target`` hang under it.

Each goal is judged *uppfylls helt / delvis / ej*. ekbist **proposes** a verdict from the
goal's own indicators (:func:`propose`); the verdict in the report is the chief's
(:func:`judge`), given with a reason, because the annual report weighs indicators and
activities together: the seed's unit meets "alla mål utom två" while five indicator
targets are missed. The conclusion counts unit goals (:func:`conclusion`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ekbist.codes import label, parse_code
from ekbist.errors import EkbistError
from ekbist.i18n import N_, _, language, ngettext
from ekbist.store import Store
from ekbist.validate import no_personnummer, parse_date, parse_year

LEVELS = ("city", "board", "unit")
# Counts in the conclusion as the annual report writes them ("alla mål utom två").
NUMBER_WORDS = {
    "sv": ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
           "elva", "tolv"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve"),
}
VERDICTS = ("met", "partly", "not_met")
STATUSES = ("planned", "ongoing", "done", "deviation")
KEY_MAX = 40
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# The longest text of each field, as the store's checks hold them (migration 012).
TEXT_MAX = {"wording": 500, "expected": 4000, "analysis": 8000, "reason": 2000,
            "activity": 500}
FIELD_NAMES = {"wording": N_("the wording"), "expected": N_("the expected result"),
               "analysis": N_("the analysis"), "reason": N_("the reason"),
               "activity": N_("the activity")}


def check_key(key: Any) -> str:
    """A goal's key as typed ('U1', '3.3', 'kf-1'): lower case, a–z, digits, '.', '_', '-'."""
    wanted = str(key).strip().lower()
    if not KEY_PATTERN.match(wanted) or len(wanted) > KEY_MAX:
        raise EkbistError(_("'{key}' is not a goal key (letters a–z, digits, '.', '_' and '-', "
                            "at most {n} characters, starting with a letter or a digit)")
                          .format(key=key, n=KEY_MAX))
    return wanted


def check_text(field: str, text: Any, *, required: bool = False) -> str | None:
    """A goal's text: spaces at the ends dropped, paragraphs kept, bounded, no personnummer."""
    value = None if text is None else "\n".join(
        " ".join(line.split()) for line in str(text).strip().splitlines()).strip()
    if not value:
        if required:
            raise EkbistError(_("{field} is empty").format(field=_(FIELD_NAMES[field])))
        return None
    if len(value) > TEXT_MAX[field]:
        raise EkbistError(_("{field} is too long (at most {n} characters)").format(
            field=_(FIELD_NAMES[field]), n=TEXT_MAX[field]))
    no_personnummer(value, _(FIELD_NAMES[field]))
    return value


def get(store: Store, year: int, key: str) -> dict[str, Any]:
    row = store.one("SELECT * FROM goal WHERE year = ? AND key = ?", (year, key))
    if row is None:
        raise EkbistError(_("no goal '{key}' for {year}").format(key=key, year=year))
    return row


def level_allows(parent_level: str, level: str) -> bool:
    """A goal hangs under a goal of its own level or a higher one (city over board over
    unit): KF:s mål för verksamhetsområdet under KF:s inriktningsmål, a board goal under
    either, a unit goal under any."""
    return LEVELS.index(parent_level) <= LEVELS.index(level)


def _ancestors(store: Store, year: int, key: str | None) -> list[str]:
    found: list[str] = []
    while key is not None and key not in found:
        found.append(key)
        key = store.scalar("SELECT parent FROM goal WHERE year = ? AND key = ?", (year, key))
    return found


def set_goal(store: Store, year: Any, key: Any, *, level: str | None = None,
             parent: str | None = None, wording: str | None = None,
             expected: str | None = None, analysis: str | None = None,
             no_parent: bool = False) -> dict[str, Any]:
    """Add a goal, or change the fields given of one that exists.

    A new goal needs its level and wording. The parent is a goal of the same year at the
    same or a higher level, never the goal itself or one below it.
    """
    year, key = parse_year(year), check_key(key)
    old = store.one("SELECT * FROM goal WHERE year = ? AND key = ?", (year, key))
    new = dict(old or {"year": year, "key": key, "level": None, "parent": None,
                       "wording": None, "expected": None, "analysis": None})
    if level is not None:
        new["level"] = parse_code("goal_level", level)
    if no_parent:
        new["parent"] = None
    elif parent is not None:
        new["parent"] = check_key(parent)
    for name, text in (("wording", wording), ("expected", expected), ("analysis", analysis)):
        if text is not None:
            new[name] = check_text(name, text, required=name == "wording")
    if new["level"] is None:
        raise EkbistError(_("a new goal needs its level (city, board or unit)"))
    if new["wording"] is None:
        raise EkbistError(_("a new goal needs its wording"))
    if new["parent"] is not None:
        above = store.one("SELECT level FROM goal WHERE year = ? AND key = ?",
                          (year, new["parent"]))
        if above is None:
            raise EkbistError(_("no goal '{key}' for {year} to hang the goal under").format(
                key=new["parent"], year=year))
        if key in _ancestors(store, year, new["parent"]):
            raise EkbistError(_("goal '{key}' cannot hang under '{parent}', which hangs under "
                                "it").format(key=key, parent=new["parent"]))
        if not level_allows(above["level"], new["level"]):
            raise EkbistError(_("a {level} goal cannot hang under a {parent_level} goal").format(
                level=label("goal_level", new["level"]),
                parent_level=label("goal_level", above["level"])))
    lowest = store.query("SELECT level FROM goal WHERE year = ? AND parent = ?", (year, key))
    if any(not level_allows(new["level"], r["level"]) for r in lowest):
        raise EkbistError(_("goal '{key}' has goals under it at a higher level than "
                            "{level}").format(key=key, level=label("goal_level", new["level"])))
    with store.transaction():
        store.execute(
            "INSERT INTO goal (year, key, level, parent, wording, expected, analysis)"
            " VALUES (:year, :key, :level, :parent, :wording, :expected, :analysis)"
            " ON CONFLICT (year, key) DO UPDATE SET level = excluded.level,"
            " parent = excluded.parent, wording = excluded.wording,"
            " expected = excluded.expected, analysis = excluded.analysis", new)
    return get(store, year, key)


def judge(store: Store, year: Any, key: Any, verdict: str, *, reason: Any) -> dict[str, Any]:
    """Record the chief's verdict on a goal (uppfylls helt / delvis / ej) and why.

    The reason is required: the report shows the verdict beside ekbist's proposal, and a
    reader sees why the chief weighed it so.
    """
    year, key = parse_year(year), check_key(key)
    code = parse_code("goal_verdict", verdict)
    text = check_text("reason", reason, required=True)
    get(store, year, key)
    with store.transaction():
        store.execute("UPDATE goal SET verdict = ?, reason = ? WHERE year = ? AND key = ?",
                      (code, text, year, key))
    return get(store, year, key)


def unjudge(store: Store, year: Any, key: Any) -> dict[str, Any]:
    """Take back the chief's verdict on a goal (the report shows the proposal alone)."""
    year, key = parse_year(year), check_key(key)
    get(store, year, key)
    with store.transaction():
        store.execute("UPDATE goal SET verdict = NULL, reason = NULL WHERE year = ? AND key = ?",
                      (year, key))
    return get(store, year, key)


def remove_goal(store: Store, year: Any, key: Any) -> None:
    """Remove a goal and its activities; one with goals or targets under it stays."""
    year, key = parse_year(year), check_key(key)
    get(store, year, key)
    below = store.scalar("SELECT count(*) FROM goal WHERE year = ? AND parent = ?", (year, key))
    targets = store.scalar("SELECT count(*) FROM target WHERE year = ? AND goal = ?", (year, key))
    if below or targets:
        raise EkbistError(_("goal '{key}' still has goals or targets under it (goals: "
                            "{goals}, targets: {targets}): move or remove them first").format(
            key=key, goals=below, targets=targets))
    with store.transaction():
        store.execute("DELETE FROM goal_activity WHERE year = ? AND goal = ?", (year, key))
        store.execute("DELETE FROM goal WHERE year = ? AND key = ?", (year, key))


def set_activity(store: Store, year: Any, goal: Any, activity: Any, *,
                 start: Any = None, end: Any = None, status: str | None = None) -> dict:
    """Add an activity to a goal, or change the dates or status of one it has."""
    year, goal = parse_year(year), check_key(goal)
    text = check_text("activity", activity, required=True)
    get(store, year, goal)
    old = store.one("SELECT * FROM goal_activity WHERE year = ? AND goal = ? AND activity = ?",
                    (year, goal, text)) or {"start": None, "end": None, "status": "planned"}
    first = old["start"] if start is None else parse_date(start, "start").isoformat()
    last = old["end"] if end is None else _activity_end(end)
    code = old["status"] if status is None else parse_code("activity_status", status)
    if first and last and last < first:
        raise EkbistError(_("the activity ends {end}, before it starts {start}").format(
            end=last, start=first))
    with store.transaction():
        store.execute(
            "INSERT INTO goal_activity (year, goal, activity, start, end, status)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year, goal, activity) DO UPDATE SET"
            " start = excluded.start, end = excluded.end, status = excluded.status",
            (year, goal, text, first, last, code))
    return store.one("SELECT * FROM goal_activity WHERE year = ? AND goal = ? AND activity = ?",
                     (year, goal, text))


def _activity_end(text: Any) -> str:
    try:
        return date.fromisoformat(str(text).strip()).isoformat()
    except ValueError:
        raise EkbistError(_("the activity's end '{value}' is not a date (YYYY-MM-DD)").format(
            value=text)) from None


def remove_activity(store: Store, year: Any, goal: Any, activity: Any) -> None:
    year, goal = parse_year(year), check_key(goal)
    text = check_text("activity", activity, required=True)
    with store.transaction():
        gone = store.execute("DELETE FROM goal_activity WHERE year = ? AND goal = ?"
                             " AND activity = ?", (year, goal, text)).rowcount
    if not gone:
        raise EkbistError(_("goal '{key}' of {year} has no such activity").format(
            key=goal, year=year))


def list_goals(store: Store, year: Any) -> list[dict[str, Any]]:
    """The year's goals in the report's order: each goal followed by the goals under it
    (depth first, siblings in the order they were added), each with its ``depth``."""
    year = parse_year(year)
    rows = store.query("SELECT * FROM goal WHERE year = ? ORDER BY rowid", (year,))
    children: dict[str | None, list[dict[str, Any]]] = {}
    known = {r["key"] for r in rows}
    for r in rows:
        children.setdefault(r["parent"] if r["parent"] in known else None, []).append(r)
    ordered: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            ordered.append({**r, "depth": depth})
            walk(r["key"], depth + 1)

    walk(None, 0)
    return ordered


def activities(store: Store, year: int) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for r in store.query("SELECT goal, activity, start, end, status FROM goal_activity"
                         " WHERE year = ? ORDER BY rowid", (year,)):
        found.setdefault(r.pop("goal"), []).append(r)
    return found


def propose(targets: list[dict[str, Any]]) -> str | None:
    """ekbist's proposal from a goal's own indicators (docs/reports.md states this rule).

    Only targets with an outcome count: none → no proposal; every one met → ``met``
    (uppfylls helt); none met → ``not_met`` (uppfylls ej); some met → ``partly``
    (uppfylls delvis).
    """
    judged = [t["met"] for t in targets if t["met"] is not None]
    if not judged:
        return None
    if all(judged):
        return "met"
    return "partly" if any(judged) else "not_met"


def hierarchy(store: Store, year: int, target_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The goals of the report: each with its indicators (the judged target rows naming
    it), activities, ekbist's proposal and the chief's verdict, and the conclusion."""
    by_goal: dict[str, list[dict[str, Any]]] = {}
    for t in target_rows:
        if t.get("goal"):
            by_goal.setdefault(t["goal"], []).append(t)
    acts = activities(store, year)
    goals = []
    for g in list_goals(store, year):
        rows = by_goal.get(g["key"], [])
        proposal = propose(rows)
        goals.append({"key": g["key"], "level": g["level"], "parent": g["parent"],
                      "depth": g["depth"], "wording": g["wording"], "expected": g["expected"],
                      "analysis": g["analysis"], "verdict": g["verdict"], "reason": g["reason"],
                      "proposal": proposal,
                      "differs": g["verdict"] is not None and proposal is not None
                      and g["verdict"] != proposal,
                      "targets": [t["key"] for t in rows],
                      "activities": acts.get(g["key"], [])})
    return {"goals": goals, "conclusion": conclusion(goals)}


def conclusion(goals: list[dict[str, Any]]) -> dict[str, int]:
    """The unit goals counted by the chief's verdict: the seed's "alla mål utom två" counts
    unit goals met in full against the others judged (partly or not met)."""
    unit = [g for g in goals if g["level"] == "unit"]
    return {"unit_goals": len(unit),
            "met": sum(1 for g in unit if g["verdict"] == "met"),
            "partly": sum(1 for g in unit if g["verdict"] == "partly"),
            "not_met": sum(1 for g in unit if g["verdict"] == "not_met"),
            "unjudged": sum(1 for g in unit if g["verdict"] is None)}


def number_word(n: int) -> str:
    words = NUMBER_WORDS["sv" if language() == "sv" else "en"]
    return words[n] if 0 <= n < len(words) else str(n)


def conclusion_lines(c: dict[str, int], goals: list[dict[str, Any]]) -> list[str]:
    """The assessment of the unit goals as the annual report words it: met in full against
    the others judged ("Bedömningen är att enheten uppnår alla mål utom två"), the goals
    short of it by name, and how many are not judged yet."""
    if not c["unit_goals"]:
        return []
    judged = c["met"] + c["partly"] + c["not_met"]
    short = c["partly"] + c["not_met"]
    lines = []
    if judged and not short:
        lines.append(_("The assessment is that the unit meets all its goals."))
    elif judged and c["met"]:
        lines.append(_("The assessment is that the unit meets all its goals but {n}.").format(
            n=number_word(short)))
    elif judged:
        lines.append(_("The assessment is that the unit meets none of its goals in full."))
    for g in goals:
        if g["level"] == "unit" and g["verdict"] in ("partly", "not_met"):
            lines.append(_("\"{goal}\": {verdict}.").format(
                goal=g["wording"], verdict=label("goal_verdict", g["verdict"])))
    if c["unjudged"]:
        lines.append(ngettext("{n} of the {m} unit goals is not judged yet.",
                              "{n} of the {m} unit goals are not judged yet.",
                              c["unjudged"]).format(n=c["unjudged"], m=c["unit_goals"]))
    return lines
