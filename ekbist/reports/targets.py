"""Targets (årsmål) and the outcomes only the chief knows.

The annual report judges each target: met or not, and "N of M targets met". A
target names a figure by key: a figure ekbist computes (the key figures of
``ekbist indicators``, the share decided in time, plan coverage at the measurement
date, caseload per FTE, the staff figures, the budget result and adherence), or a
manual figure the chief records with ``ekbist outcome set`` (municipal jobs, summer
jobs, violence contacts).

Shares are set and shown in per cent (4.4 = 4,4 %), money in tkr. A target is met
when the outcome is at least (or at most) the target value: exactly at the target
counts as met. A target without an outcome is not met and says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import N_, _
from ekbist.number_text import round_half_away
from ekbist.store import Store
from ekbist.validate import no_personnummer

AT_LEAST, AT_MOST = "at_least", "at_most"
DIRECTIONS = (AT_LEAST, AT_MOST)
KEY_MAX = 64  # the longest key ekbist computes has 51 characters
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL_MAX = 120


@dataclass(frozen=True)
class TargetFigure:
    key: str
    label: str  # English, translated when shown
    unit: str  # percent, households, persons, kr, tkr, cases, days, months
    direction: str  # the usual direction of a target on it


def _indicator_figures() -> list[TargetFigure]:
    from ekbist.reports.indicators import FIGURES, SPLIT_FIGURES

    skipped = SPLIT_FIGURES
    better_high = {"cases_opened", "closed_total", "waiting_time_first_contact_count"}
    return [TargetFigure(f.key, f.label, "percent" if f.unit == "share" else f.unit,
                         AT_LEAST if f.key in better_high else AT_MOST)
            for f in FIGURES if f.key not in skipped]


OWN_FIGURES: tuple[TargetFigure, ...] = (
    TargetFigure("share_decided_in_time", N_("Share decided within five working days"),
                 "percent", AT_LEAST),
    TargetFigure("plan_coverage", N_("Share of cases with a current change plan at the "
                                     "measurement date"), "percent", AT_LEAST),
    TargetFigure("cases_per_fte", N_("Cases per FTE, monthly average"), "cases", AT_MOST),
    TargetFigure("sick_leave", N_("Sick leave"), "percent", AT_MOST),
    TargetFigure("sick_leave_days_1_14", N_("Sick leave, days 1–14 of each spell"), "percent",
                 AT_MOST),
    TargetFigure("short_sick_spells", N_("Share of sick days in spells of 1–14 days"),
                 "percent", AT_LEAST),
    TargetFigure("staff_turnover", N_("Staff turnover"), "percent", AT_MOST),
    TargetFigure("budget_result", N_("Budget result (surplus positive)"), "tkr", AT_LEAST),
    TargetFigure("budget_adherence", N_("Net cost as a share of the net budget"), "percent",
                 AT_MOST),
)


def computed_figures() -> dict[str, TargetFigure]:
    """Every figure ekbist computes that a target may name, by key."""
    return {f.key: f for f in (*_indicator_figures(), *OWN_FIGURES)}


def unit_of(key: str) -> str:
    """The unit a target on ``key`` is given in: its figure's, or a count for a manual figure."""
    figure = computed_figures().get(key)
    return figure.unit if figure else "count"


def parse_value(text: Any) -> float:
    """A target or outcome value: '4,4', '4.4 %', '5 111', '-44'."""
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    raw = raw.removesuffix("%").replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise EkbistError(_("'{value}' is not a number").format(value=text)) from None
    if not math.isfinite(value):
        raise EkbistError(_("'{value}' is not a number").format(value=text))
    return value


def looks_like_a_fraction(key: str, value: float) -> bool:
    """Whether ``value`` on ``key`` may be a share written as a fraction.

    Shares are given in per cent, but a cell formatted as per cent in Excel holds the
    fraction (4,4 % is 0.044): a value between 0 and 1 on a share is then a target a
    hundred times too low — or a small target meant as it is (0,54 %). An import cannot
    tell which, so it says so.
    """
    return unit_of(key) == "percent" and 0 < abs(value) < 1


def check_year(year: Any) -> int:
    from ekbist.validate import parse_year

    return parse_year(year)


def check_key(key: str) -> str:
    wanted = str(key).strip().lower().replace("-", "_")
    if not KEY_PATTERN.match(wanted) or len(wanted) > KEY_MAX:
        raise EkbistError(_("'{key}' is not a figure key (letters a–z, digits and _, at most "
                            "{n} characters, starting with a letter)").format(key=key, n=KEY_MAX))
    return wanted


def _one_line(text: Any, limit: int, too_long: str, what: str) -> str | None:
    """A target's one-line text (its label, its period): spaces folded, at most ``limit``
    characters (``too_long`` says so), through the secrecy gate; blank is no text."""
    if text is None:
        return None
    value = " ".join(str(text).split())
    if len(value) > limit:
        raise EkbistError(too_long.format(n=limit))
    no_personnummer(value, what)
    return value or None


def _label(text: str | None) -> str | None:
    return _one_line(text, LABEL_MAX, _("the label is too long (at most {n} characters)"),
                     _("label"))


def _manual_label(store: Store, key: str) -> str | None:
    """The label a manual figure was last given, in an outcome or else in a target."""
    return store.scalar(
        "SELECT label FROM (SELECT year, label, 0 AS o FROM outcome WHERE key = :k UNION ALL"
        " SELECT year, label, 1 FROM target WHERE key = :k AND label IS NOT NULL)"
        " ORDER BY o, year DESC LIMIT 1", {"k": key})


PERIOD_MAX = 40


def _period(text: Any) -> str | None:
    """The period a target is followed over, as the annual report writes it ('VB 2016')."""
    return _one_line(text, PERIOD_MAX, _("the period is too long (at most {n} characters)"),
                     _("period"))


def _goal(store: Store, year: int, goal: Any) -> str | None:
    """The goal a target hangs under: a goal of the same year (ekbist.reports.goals)."""
    if goal is None:
        return None
    from ekbist.reports import goals

    key = goals.check_key(goal)
    goals.get(store, year, key)
    return key


def set_target(store: Store, year: Any, key: str, value: Any, *, direction: str | None = None,
               label: str | None = None, goal: Any = None, city_value: Any = None,
               period: Any = None, no_goal: bool = False) -> dict[str, Any]:
    """Set (or replace) the year's target on ``key``; ``goal``, the city's target and the
    period are kept when not given (``no_goal`` takes the target from its goal)."""
    year, key, number, label = check_year(year), check_key(key), parse_value(value), _label(label)
    goal_key = _goal(store, year, goal)
    city = None if city_value is None else parse_value(city_value)
    period_text = _period(period)
    figures = computed_figures()
    if direction is not None and direction not in DIRECTIONS:
        raise EkbistError(_("the direction is at_least or at_most, not '{value}'").format(
            value=direction))
    if key in figures:
        direction = direction or figures[key].direction
    else:
        if label is None and _manual_label(store, key) is None:
            raise EkbistError.about(
                _("'{key}' is not a figure ekbist computes; for a figure you record yourself "
                  "give {label} (or record it first with 'ekbist outcome set'). Computed "
                  "figures: see 'ekbist target keys'"), {"label": "label"}, key=key)
        direction = direction or AT_LEAST
    with store.transaction():
        store.execute(
            "INSERT INTO target (year, key, value, direction, label, goal, city_value, period)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (year, key) DO UPDATE SET value = excluded.value,"
            " direction = excluded.direction, label = coalesce(excluded.label, target.label),"
            " goal = CASE WHEN ? THEN NULL ELSE coalesce(excluded.goal, target.goal) END,"
            " city_value = coalesce(excluded.city_value, target.city_value),"
            " period = coalesce(excluded.period, target.period)",
            (year, key, number, direction, label, goal_key, city, period_text, no_goal))
    return store.one("SELECT * FROM target WHERE year = ? AND key = ?", (year, key))


def remove_target(store: Store, year: Any, key: str) -> None:
    _remove(store, "target", year, key, _("no target on '{key}' for {year}"))


def _remove(store: Store, table: str, year: Any, key: str, missing: str) -> None:
    """Delete the target or outcome of a year on a key; ``missing`` says it was not there."""
    year, key = check_year(year), check_key(key)
    with store.transaction():
        gone = store.execute(f"DELETE FROM {table} WHERE year = ? AND key = ?", (year, key)).rowcount
    if not gone:
        raise EkbistError(missing.format(key=key, year=year))


def set_outcome(store: Store, year: Any, key: str, value: Any, *, label: str | None,
                men: Any = None, women: Any = None) -> dict:
    """Record a manual outcome: a count only the chief knows, for men and women too when
    known (the annual report's "Utfall män/pojkar, kvinnor/flickor")."""
    year, key, number, label = check_year(year), check_key(key), parse_value(value), _label(label)
    men_value = None if men is None else parse_value(men)
    women_value = None if women is None else parse_value(women)
    if key in computed_figures():
        raise EkbistError(_("ekbist computes '{key}' itself; an outcome is recorded only for "
                            "figures it cannot know").format(key=key))
    label = label or _manual_label(store, key)
    if label is None:
        raise EkbistError.about(_("a new manual figure needs {label} (what is counted)"),
                                {"label": "label"})
    with store.transaction():
        store.execute(
            "INSERT INTO outcome (year, key, value, label, men, women) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (year, key) DO UPDATE SET value = excluded.value,"
            " label = excluded.label, men = excluded.men, women = excluded.women",
            (year, key, number, label, men_value, women_value))
    return store.one("SELECT * FROM outcome WHERE year = ? AND key = ?", (year, key))


def remove_outcome(store: Store, year: Any, key: str) -> None:
    _remove(store, "outcome", year, key, _("no outcome on '{key}' for {year}"))


def list_outcomes(store: Store, year: Any | None = None) -> list[dict[str, Any]]:
    year = None if year is None else check_year(year)
    return store.query("SELECT year, key, value, label, men, women FROM outcome"
                       " WHERE :y IS NULL OR year = :y ORDER BY year, rowid", {"y": year})


def list_targets(store: Store, year: Any | None = None) -> list[dict[str, Any]]:
    """The targets (of one year or all), each with its figure's label and unit."""
    year = None if year is None else check_year(year)
    figures = computed_figures()
    rows = store.query(
        "SELECT t.year, t.key, t.value, t.direction, t.label, t.goal, t.city_value, t.period,"
        " o.label AS outcome_label"
        " FROM target t LEFT JOIN outcome o ON o.year = t.year AND o.key = t.key"
        " WHERE :y IS NULL OR t.year = :y ORDER BY t.year, t.rowid", {"y": year})
    for r in rows:
        figure = figures.get(r["key"])
        outcome_label = r.pop("outcome_label")
        r["manual"] = figure is None
        r["unit"] = figure.unit if figure else "count"
        # Only a figure of one's own without a label of its own asks the store for one.
        r["label"] = (r["label"] or (_(figure.label) if figure else None) or outcome_label
                      or _manual_label(store, r["key"]) or r["key"])
    return rows


def outcomes(store: Store, year: int) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in store.query(
        "SELECT key, value, label, men, women FROM outcome WHERE year = ? ORDER BY rowid",
        (year,))}


def is_met(direction: str, target: float, outcome: float | None) -> bool | None:
    """Met when the outcome is on the right side of the target or exactly on it."""
    if outcome is None:
        return None
    # Figures are rounded to what is shown; a float that prints as the target is the target.
    outcome, target = round(outcome, 6), round(target, 6)
    return outcome >= target if direction == AT_LEAST else outcome <= target


OUTCOME_DECIMALS = 4
"""The most decimals of a target or outcome (in its unit, per cent for shares): outcomes on
shares are rounded to it once, halves away from zero, and the verdict compares that figure."""


def decimals_of(value: float) -> int:
    """The decimals a person writes ``value`` with (4.4 → 1, 0.54 → 2, 90 → 0), at most
    :data:`OUTCOME_DECIMALS`."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0 if "e" not in text else OUTCOME_DECIMALS
    return min(OUTCOME_DECIMALS, len(text.split(".")[1].rstrip("0")))


def target_decimals(value: float, unit: str) -> int:
    """Decimals to show a target with: all it was set with, and at least one on a share."""
    return max(1 if unit == "percent" else 0, decimals_of(value))


def outcome_decimals(direction: str, target: float, outcome: float | None, unit: str) -> int:
    """Decimals to show an outcome beside its target so that it never reads as meeting the
    target when it does not, nor the reverse.

    One decimal more than the target is written with (0,59 % beside ≤ 0,5 %, not 0,6 %;
    a whole count stays whole), and more, up to :data:`OUTCOME_DECIMALS`, while the shown
    figure would fall on the other side of the target than the outcome (4,396 % beside
    ≥ 4,4 % is 4,396 %, never 4,40 %).
    """
    from ekbist.number_text import round_half_away

    if outcome is None:
        return target_decimals(target, unit)
    if unit != "percent" and float(outcome).is_integer() and float(target).is_integer():
        return 0
    decimals = min(OUTCOME_DECIMALS, max(1, decimals_of(target) + 1))
    met = is_met(direction, target, outcome)
    while (decimals < OUTCOME_DECIMALS
           and is_met(direction, target, round_half_away(outcome, decimals)) != met):
        decimals += 1
    return decimals


def shown_decimals(target: dict[str, Any], outcome: float | None) -> int:
    """Decimals to show an outcome of ``target``'s figure with: a manual outcome as the
    chief wrote it (exact, so it cannot read as meeting its target when it does not), a
    computed one by :func:`outcome_decimals`."""
    if target["manual"] and outcome is not None:
        return decimals_of(outcome)
    return outcome_decimals(target["direction"], target["value"], outcome, target["unit"])


def judge(store: Store, year: int, computed: dict[str, float | None],
          previous: dict[str, float | None] | None = None, *,
          by_sex: dict[str, tuple[float | None, float | None]] | None = None) -> dict[str, Any]:
    """The target table: each target with its outcome and verdict, and the "N of M" count.

    ``computed`` holds the year's computed figures by key in target units (per cent for
    shares, tkr for money); ``by_sex`` the (men, women) of those ekbist can count by sex
    (:data:`ekbist.reports.year.BY_SEX`), the others left blank. An outcome on a share is rounded once to
    :data:`OUTCOME_DECIMALS` decimals of per cent (41,3462 %), halves away from zero; each
    row says how many decimals its target and outcome are shown with.
    """
    manual, manual_before = outcomes(store, year), outcomes(store, year - 1)
    previous = previous or {}
    rows = []
    for t in list_targets(store, year):
        men = women = None
        if t["manual"]:
            found = manual.get(t["key"], {})
            outcome, men, women = found.get("value"), found.get("men"), found.get("women")
            before = manual_before.get(t["key"], {}).get("value")
        else:
            outcome, before = computed.get(t["key"]), previous.get(t["key"])
            men, women = (by_sex or {}).get(t["key"], (None, None))
        if t["unit"] == "percent":
            outcome, before, men, women = (None if v is None else
                                           round_half_away(v, OUTCOME_DECIMALS)
                                           for v in (outcome, before, men, women))
        met = is_met(t["direction"], t["value"], outcome)
        rows.append({"key": t["key"], "label": t["label"], "unit": t["unit"],
                     "direction": t["direction"], "target": t["value"], "outcome": outcome,
                     "manual": t["manual"], "met": met, "men": men, "women": women,
                     "previous": before, "city_target": t["city_value"], "period": t["period"],
                     "goal": t["goal"],
                     "target_decimals": target_decimals(t["value"], t["unit"]),
                     "outcome_decimals": shown_decimals(t, outcome),
                     # Last year's outcome as an outcome beside this year's target.
                     "previous_decimals": shown_decimals(t, before)})
    met_count = sum(1 for r in rows if r["met"])
    return {"targets": rows, "met": met_count, "total": len(rows)}
