"""Taking back what was typed: removing, renaming and merging budget and actuals.

A month's actuals imported twice, a budget amount on the wrong line, an activity that a
typo made, a line the controller renamed: each is corrected by one command, in one
transaction (all of it or nothing), and every row it deletes, adds or changes is in the
audit (the store's triggers write it). Each correction first says what it would do
(:class:`Plan`, counted from the store), so that the command line can ask before it writes.

Merging adds together: when the activity or line merged into already has an amount for the
same year (and month), the two amounts become one sum, because two activities or two lines
that become one carry both their money. A saved prognosis line merged into another of the
same saved prognosis sums its figures; its method is kept when both lines had the same,
else it becomes manual with both comments (or both names) saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ekbist import settings
from ekbist.budget import (
    activity_name,
    check_line_name,
    check_month,
    check_year,
    did_you_mean,
    fold,
    kind_label,
    lines,
    resolve_line,
    stored_activities,
)
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store

TABLES = ("budget", "actual", "prognosis")


@dataclass
class Plan:
    """What a correction does: rows per table removed, moved and added to existing ones."""

    action: str
    subject: dict[str, Any]
    removed: dict[str, int] = field(default_factory=dict)
    moved: dict[str, int] = field(default_factory=dict)
    summed: dict[str, int] = field(default_factory=dict)
    settings: list[dict[str, str]] = field(default_factory=list)
    applied: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, **self.subject, "applied": self.applied,
                "removed": self.removed, "moved": self.moved, "summed": self.summed,
                "settings": self.settings}


# -- removing ------------------------------------------------------------------------------
def remove_actuals(store: Store, year: Any, month: Any, *, activity: Any = None,
                   apply: bool = False) -> Plan:
    """The actuals of one month (of one activity, or of all), removed when ``apply``.

    A saved prognosis made with them stays as it was saved (it is what was sent)."""
    y, m = check_year(year), check_month(month)
    where, params = "year = ? AND month = ?", [y, m]
    name = None
    if activity is not None:
        name = _stored_activity(store, activity)
        where += " AND activity = ?"
        params.append(name)
    n = store.scalar(f"SELECT count(*) FROM actual WHERE {where}", params)
    if not n:
        what = f"{y:04d}-{m:02d}" + (f" ({name})" if name else "")
        raise EkbistError(_("no actuals for {what} — nothing to remove").format(what=what))
    plan = Plan("remove_actuals", {"year": y, "month": m, "activity": name}, removed={"actual": n})
    if apply:
        with store.transaction():
            store.execute(f"DELETE FROM actual WHERE {where}", params)
        plan.applied = True
    return plan


def remove_budget(store: Store, year: Any, activity: Any, line: Any, *,
                  apply: bool = False) -> Plan:
    """One budget amount (year, activity, line), removed when ``apply``."""
    y = check_year(year)
    name = _stored_activity(store, activity)
    line_name = resolve_line(lines(store), line)["name"]
    key = (y, name, line_name)
    if not store.scalar("SELECT count(*) FROM budget WHERE year = ? AND activity = ? AND line = ?",
                        key):
        raise EkbistError(_("no budget for {year} {activity} · {line} — nothing to remove").format(
            year=y, activity=name, line=line_name))
    plan = Plan("remove_budget", {"year": y, "activity": name, "line": line_name},
                removed={"budget": 1})
    if apply:
        with store.transaction():
            store.execute("DELETE FROM budget WHERE year = ? AND activity = ? AND line = ?", key)
        plan.applied = True
    return plan


def remove_activity(store: Store, activity: Any, *, apply: bool = False) -> Plan:
    """An activity's budget and actuals in every year, removed when ``apply``.

    Refused while a saved prognosis has lines of it: a saved prognosis is what was sent,
    and an activity made by mistake that got into one is merged into the right activity
    (:func:`rename_activity`) instead."""
    name = _stored_activity(store, activity)
    saved = store.query("SELECT DISTINCT year, month FROM prognosis WHERE activity = ? "
                        "ORDER BY year, month", (name,))
    if saved:
        months = [f"{r['year']:04d}-{r['month']:02d}" for r in saved]
        periods = ", ".join(months) if len(months) <= 3 else f"{months[0]} … {months[-1]}"
        raise EkbistError(_("{activity} is in the saved prognosis of {periods} — a saved "
                            "prognosis is kept as it was sent; 'ekbist budget rename-activity' "
                            "merges the activity into another one with its prognoses").format(
            activity=name, periods=periods))
    plan = Plan("remove_activity", {"activity": name}, removed={
        table: store.scalar(f"SELECT count(*) FROM {table} WHERE activity = ?", (name,))
        for table in ("budget", "actual")})
    if apply:
        with store.transaction():
            for table in ("budget", "actual"):
                store.execute(f"DELETE FROM {table} WHERE activity = ?", (name,))
        plan.applied = True
    return plan


# -- renaming and merging -----------------------------------------------------------------
def rename_activity(store: Store, old: Any, new: Any, *, apply: bool = False) -> Plan:
    """Activity ``old`` renamed ``new`` in every year's budget, actuals and saved prognoses;
    merged into ``new`` when that activity exists (amounts of the same year, month and line
    added together). The setting budget.assistance_activity follows the rename."""
    source = _stored_activity(store, old)
    target_text = activity_name(new)
    existing = next((a for a in stored_activities(store) if fold(a) == fold(target_text)), None)
    if existing == source:
        if source == target_text:
            raise EkbistError(_("'{old}' and '{new}' are the same name — nothing to rename")
                              .format(old=source, new=target_text))
        existing = None  # a new spelling of the same name (case, spacing)
    target = existing or target_text
    plan = Plan("merge_activity" if existing else "rename_activity",
                {"old": source, "new": target})
    _plan_move(store, plan, "activity", source, target)
    assistance = str(settings.get(store, "budget.assistance_activity"))
    if fold(assistance) == fold(source):
        plan.settings.append({"key": "budget.assistance_activity", "old": assistance,
                              "new": target})
    if apply:
        with store.transaction():
            _move(store, "activity", source, target)
            for change in plan.settings:
                settings.put(store, change["key"], change["new"])
        plan.applied = True
    return plan


def rename_line(store: Store, old: Any, new: Any, *, apply: bool = False) -> Plan:
    """Budget line ``old`` renamed ``new`` (same kind, same place) in every budget, actual
    and saved prognosis; merged into ``new`` when that line exists, which must be of the
    same kind (revenue or cost). The setting budget.assistance_line follows the rename."""
    known = lines(store)
    source = resolve_line(known, old)
    target_text = " ".join(str(new or "").split())
    existing = next((x for x in known if fold(x["name"]) == fold(target_text)), None)
    if existing is not None and existing["name"] == source["name"]:
        if source["name"] == target_text:
            raise EkbistError(_("'{old}' and '{new}' are the same name — nothing to rename")
                              .format(old=source["name"], new=target_text))
        existing = None
    if existing is not None and existing["kind"] != source["kind"]:
        raise EkbistError(_("'{old}' is a {kind} line and '{new}' a {other} line — only lines of "
                            "one kind can be merged").format(
            old=source["name"], kind=kind_label(source["kind"]), new=existing["name"],
            other=kind_label(existing["kind"])))
    if existing is None:
        target_text = check_line_name(target_text)
    target = existing["name"] if existing else target_text
    plan = Plan("merge_line" if existing else "rename_line", {"old": source["name"], "new": target})
    _plan_move(store, plan, "line", source["name"], target)
    assistance = str(settings.get(store, "budget.assistance_line"))
    if fold(assistance) == fold(source["name"]):
        plan.settings.append({"key": "budget.assistance_line", "old": assistance, "new": target})
    if apply:
        with store.transaction():
            if existing is None:
                # The new name takes the old one's kind and place; rows refer to it by name.
                store.execute("INSERT INTO budget_line (name, kind, position) VALUES (?, ?, ?)",
                              (target, source["kind"], source["position"]))
            _move(store, "line", source["name"], target)
            store.execute("DELETE FROM budget_line WHERE name = ?", (source["name"],))
            for change in plan.settings:
                settings.put(store, change["key"], change["new"])
        plan.applied = True
    return plan


# -- the rows a rename moves -----------------------------------------------------------------
_KEYS = {"budget": ("year", "activity", "line"),
         "actual": ("year", "month", "activity", "line"),
         "prognosis": ("year", "month", "activity", "line")}


def _others(table: str, column: str) -> str:
    """The join condition: the same key but for ``column``."""
    return " AND ".join(f"t.{k} = s.{k}" for k in _KEYS[table] if k != column)


def _plan_move(store: Store, plan: Plan, column: str, source: str, target: str) -> None:
    """Per table, the rows of ``source`` that keep their key under the new name (moved) and
    those added to a row ``target`` already has (summed): one query per table."""
    for table in TABLES:
        counts = store.one(
            f"SELECT count(*) AS total, count(t.{column}) AS summed FROM {table} s "
            f"LEFT JOIN {table} t ON {_others(table, column)} AND t.{column} = ? "
            f"WHERE s.{column} = ?", (target, source))
        total, both = counts["total"], counts["summed"]
        if total - both:
            plan.moved[table] = total - both
        if both:
            plan.summed[table] = both


def _move(store: Store, column: str, source: str, target: str) -> None:
    """Every row of ``source`` to ``target``: added to the target's row of the same key, or
    given the target's name. Inside the caller's transaction."""
    args = {"source": source, "target": target}
    for table, figures in (("budget", ("amount",)), ("actual", ("amount",)),
                           ("prognosis", ("budget", "actual_ytd", "prognosis"))):
        match = _others(table, column).replace("t.", f"{table}.")
        sums = ", ".join(f"{f} = {table}.{f} + s.{f}" for f in figures)
        extra = ""
        if table == "prognosis":
            # Two lines of one saved prognosis become one: its method is kept when both had
            # the same, else the sum was set by hand (manual), and the comments say why.
            extra = (", method = CASE WHEN prognosis.method = s.method THEN prognosis.method "
                     "ELSE 'manual' END, comment = CASE "
                     "WHEN prognosis.method = s.method THEN "
                     "coalesce(prognosis.comment || ' / ' || s.comment, prognosis.comment, "
                     "s.comment) "
                     "ELSE coalesce(prognosis.comment, :target) || ' / ' || "
                     "coalesce(s.comment, :source) END")
        store.execute(
            f"UPDATE {table} SET {sums}{extra} FROM (SELECT * FROM {table} "
            f"WHERE {column} = :source) AS s WHERE {table}.{column} = :target AND {match}",
            args)
        store.execute(
            f"DELETE FROM {table} WHERE {column} = :source AND EXISTS (SELECT 1 FROM {table} t "
            f"WHERE t.{column} = :target AND "
            + " AND ".join(f"t.{k} = {table}.{k}" for k in _KEYS[table] if k != column) + ")",
            args)
        store.execute(f"UPDATE {table} SET {column} = :target WHERE {column} = :source", args)


def _stored_activity(store: Store, text: Any) -> str:
    """An activity some year has, named in any case and spacing."""
    name = activity_name(text)
    every = stored_activities(store)
    for known in every:
        if fold(known) == fold(name):
            return known
    raise EkbistError(_("no activity '{value}' in any year{hint} (known: {known})").format(
        value=text, hint=did_you_mean(text, every), known=", ".join(every) or _("none")))
