"""Change plans (förändringsplaner) and housing plans (boendeplaner).

Every active case should have a current change plan, made with the client and
followed up regularly; a homeless household also needs a housing plan. The unit
measures the share of cases with a current change plan (about 30 % at the
June 2016 measurement in the seed report), so the rules below must answer
"was this plan current on day D" for any past day, not only today.

The rule, used everywhere (lists, coverage, missing, the morning check):

* a plan is **current on day D** when it was made on or before D, it is not
  ended on or before D (a plan ended on D is no longer current on D), and its
  next follow-up as of D is on or after D (a follow-up due today keeps the plan
  current today; tomorrow it has lapsed);
* the next follow-up of a plan as of D is the ``next_followup`` of its latest
  follow-up dated on or before D, else the plan's own first ``next_followup``.
  Follow-ups are never overwritten, so the history answers for any day;
* a case needs a change plan on D when it is active on D and was opened more
  than ``plans.grace_days`` days before D (default 90: a plan within three
  months of the case starting). A closed case needs no plan;
* a homeless case (``cases.homeless``) also needs a current housing plan, from
  its first day (there is no grace period for housing plans). The homeless flag
  has no history, so a past day is judged by today's flag.

Everything that covers many cases is one SQL statement; :func:`sql_current` and
:func:`sql_next_followup` are the building blocks for other modules (the
morning check, indicators) that need the same rule.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ekbist import codes
from ekbist import settings as settings_store
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import add_months, month_end, months_between

if TYPE_CHECKING:
    from ekbist.store import Store

KINDS = ("change", "housing")
GROUPS = ("never", "lapsed", "ended", "no_housing_plan")
COVERAGE_BY = ("handler", "team")
# Coverage keeps its narrower series limit: `plans coverage` has always refused more than 240
# months, and that refusal is part of its contract (months.MAX_MONTHS is the general one).
COVERAGE_MAX_MONTHS = 240
FAR_FUTURE = "9999-12-31"
SERIES_THRESHOLD = 6  # days measured one by one before the interval method pays off


# -- SQL building blocks ------------------------------------------------------------
def sql_next_followup(plan: str = "p", day: str = ":day") -> str:
    """SQL for the next follow-up date of plan ``plan`` as of the date in ``day``."""
    return (
        "COALESCE((SELECT f.next_followup FROM followup f "
        f"WHERE f.plan_id = {plan}.id AND f.date <= {day} "
        f"ORDER BY f.date DESC, f.id DESC LIMIT 1), {plan}.next_followup)"
    )


def sql_current(plan: str = "p", day: str = ":day") -> str:
    """SQL that is true when plan ``plan`` is current on the date in ``day``."""
    return (
        f"({plan}.made <= {day} AND ({plan}.ended IS NULL OR {plan}.ended > {day}) "
        f"AND {sql_next_followup(plan, day)} >= {day})"
    )


def sql_has_current(case: str, kind: str, day: str = ":day") -> str:
    """SQL that is true when case ``case`` has a current plan of ``kind`` on ``day``.

    All three are SQL expressions: ``sql_has_current("c.id", "'change'")``.
    """
    return (
        f"EXISTS (SELECT 1 FROM plan cp WHERE cp.case_id = {case} AND cp.kind = {kind} "
        f"AND {sql_current('cp', day)})"
    )


_ACTIVE = "(c.opened <= :day AND (c.closed IS NULL OR c.closed > :day))"
_HANDLER_ON_DAY = (
    "LEFT JOIN assignment a ON a.case_id = c.id AND a.from_date <= :day "
    "AND (a.to_date IS NULL OR a.to_date > :day) "
    "LEFT JOIN handler h ON h.id = a.handler"
)


# -- small helpers ------------------------------------------------------------------
def parse_kind(kind: str | None) -> str:
    """A plan kind from its code or its Swedish/English name; the change plan when not given."""
    return "change" if kind is None else codes.parse_code("plan_kind", kind)


def followup_months(store: Store) -> int:
    return int(settings_store.get(store, "plans.followup_months"))


def grace_days(store: Store) -> int:
    return int(settings_store.get(store, "plans.grace_days"))


def default_next(day: date, months: int) -> date:
    """The next follow-up ``months`` calendar months after ``day``.

    Calendar months, not 30-day blocks: 31 January + 1 month is 28 (or 29) February.
    """
    return add_months(day, months)


def _kind_label(kind: str) -> str:
    return codes.label("plan_kind", kind)


# -- pure validation (shared with the spreadsheet import) ----------------------------
def plan_problems(
    *, made: date, next_followup: date, today: date, ended: date | None = None
) -> list[str]:
    """What is wrong with one plan on its own (no store needed), as translated messages.

    The spreadsheet import calls this per row; :func:`add` and :func:`end` use it too.
    """
    problems = []
    if made > today:
        problems.append(_("the plan date {day} is after today ({today})").format(
            day=made.isoformat(), today=today.isoformat()))
    if next_followup <= made:
        problems.append(_("the next follow-up ({next}) must be after the plan date ({day})").format(
            next=next_followup.isoformat(), day=made.isoformat()))
    if ended is not None:
        if ended > today:
            problems.append(_("the end date {day} is after today ({today})").format(
                day=ended.isoformat(), today=today.isoformat()))
        if ended < made:
            problems.append(_("the plan cannot end ({day}) before it was made ({made})").format(
                day=ended.isoformat(), made=made.isoformat()))
    return problems


def followup_problems(
    *, plan_made: date, date_: date, next_followup: date, today: date,
    plan_ended: date | None = None,
) -> list[str]:
    """What is wrong with one follow-up of a plan made on ``plan_made`` (no store needed)."""
    problems = []
    if date_ > today:
        problems.append(_("the follow-up date {day} is after today ({today})").format(
            day=date_.isoformat(), today=today.isoformat()))
    if date_ < plan_made:
        problems.append(_("the follow-up ({day}) is before the plan was made ({made})").format(
            day=date_.isoformat(), made=plan_made.isoformat()))
    if plan_ended is not None and date_ > plan_ended:
        problems.append(_("the follow-up ({day}) is after the plan ended ({ended})").format(
            day=date_.isoformat(), ended=plan_ended.isoformat()))
    if next_followup <= date_:
        problems.append(
            _("the next follow-up ({next}) must be after the follow-up date ({day})").format(
                next=next_followup.isoformat(), day=date_.isoformat()))
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        raise EkbistError(problems[0])


# -- writing ------------------------------------------------------------------------
def _case(store: Store, case_id: str) -> dict[str, Any]:
    from ekbist import cases

    return cases.get(store, str(case_id).strip())


def _check_case_open_on(case: dict[str, Any], day: date, before_opened: str) -> None:
    """Refuse a plan or follow-up on a day the case was not active; ``before_opened`` is the
    message (with {day}, {id}, {opened}) for a day before the case was opened."""
    if case["closed"] and case["closed"] <= day.isoformat():
        raise EkbistError(_("case '{id}' is closed (since {closed})").format(
            id=case["id"], closed=case["closed"]))
    if day.isoformat() < case["opened"]:
        raise EkbistError(before_opened.format(day=day.isoformat(), id=case["id"],
                                               opened=case["opened"]))


def _open_plan(store: Store, case_id: str, kind: str) -> dict[str, Any] | None:
    return store.one(
        "SELECT * FROM plan WHERE case_id = ? AND kind = ? AND ended IS NULL", (case_id, kind))


def _no_open_plan(case_id: str, kind: str) -> EkbistError:
    return EkbistError(_("case '{id}' has no open {kind} — add one with 'ekbist plan add'").format(
        id=case_id, kind=_kind_label(kind)))


def add(
    store: Store,
    case_id: str,
    *,
    made: date,
    today: date,
    kind: str | None = None,
    next_followup: date | None = None,
) -> dict[str, Any]:
    """Register a plan made on ``made``.

    The first follow-up defaults to plans.followup_months after ``made``.
    """
    kind = parse_kind(kind)
    case = _case(store, case_id)
    case_id = case["id"]
    if next_followup is None:
        next_followup = default_next(made, followup_months(store))
    _refuse(plan_problems(made=made, next_followup=next_followup, today=today))
    _check_case_open_on(case, made, _(
        "the plan date ({day}) is before case '{id}' was opened ({opened})"))
    current = _open_plan(store, case_id, kind)
    if current:
        raise EkbistError(
            _("case '{id}' already has an open {kind} (made {made}) — end it first with "
              "'ekbist plan end'").format(id=case_id, kind=_kind_label(kind), made=current["made"]))
    last_end = store.scalar(
        "SELECT max(ended) FROM plan WHERE case_id = ? AND kind = ?", (case_id, kind))
    if last_end and made.isoformat() < last_end:
        raise EkbistError(
            _("the previous {kind} of case '{id}' ended on {ended}; a new one cannot be made "
              "before that").format(kind=_kind_label(kind), id=case_id, ended=last_end))
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO plan (case_id, kind, made, next_followup) VALUES (?, ?, ?, ?)",
            (case_id, kind, made.isoformat(), next_followup.isoformat()))
        plan_id = cursor.lastrowid
    return get(store, plan_id, as_of=today)


def follow_up(
    store: Store,
    case_id: str,
    *,
    on: date,
    today: date,
    kind: str | None = None,
    next_followup: date | None = None,
) -> dict[str, Any]:
    """Record a follow-up of the case's open plan; it sets the next follow-up date.

    A follow-up of a lapsed plan makes it current again from the follow-up day. Two
    follow-ups on the same day are both kept; the later one's next date counts.
    """
    kind = parse_kind(kind)
    case = _case(store, case_id)
    case_id = case["id"]
    if next_followup is None:
        next_followup = default_next(on, followup_months(store))
    if on > today:
        raise EkbistError(_("the follow-up date {day} is after today ({today})").format(
            day=on.isoformat(), today=today.isoformat()))
    _check_case_open_on(case, on, _(
        "the follow-up ({day}) is before case '{id}' was opened ({opened})"))
    plan = _open_plan(store, case_id, kind)
    if plan is None:
        raise _no_open_plan(case_id, kind)
    _refuse(followup_problems(plan_made=date.fromisoformat(plan["made"]), date_=on,
                              next_followup=next_followup, today=today))
    latest = store.scalar("SELECT max(date) FROM followup WHERE plan_id = ?", (plan["id"],))
    if latest and on.isoformat() < latest:
        raise EkbistError(
            _("the {kind} of case '{id}' was last followed up on {latest}; a follow-up cannot "
              "be dated before that").format(kind=_kind_label(kind), id=case_id, latest=latest))
    with store.transaction():
        store.execute(
            "INSERT INTO followup (plan_id, date, next_followup) VALUES (?, ?, ?)",
            (plan["id"], on.isoformat(), next_followup.isoformat()))
    return get(store, plan["id"], as_of=today)


def end(
    store: Store, case_id: str, *, on: date, today: date, kind: str | None = None
) -> dict[str, Any]:
    """End the case's open plan on ``on``: from that day it is no longer current.

    Ending is allowed after the case closed, to tidy plans left open.
    """
    kind = parse_kind(kind)
    case = _case(store, case_id)
    case_id = case["id"]
    plan = _open_plan(store, case_id, kind)
    if on > today:
        _refuse([_("the end date {day} is after today ({today})").format(
            day=on.isoformat(), today=today.isoformat())])
    if plan is None:
        raise _no_open_plan(case_id, kind)
    _refuse(plan_problems(made=date.fromisoformat(plan["made"]),
                          next_followup=date.fromisoformat(plan["next_followup"]),
                          today=today, ended=on))
    latest = store.scalar("SELECT max(date) FROM followup WHERE plan_id = ?", (plan["id"],))
    if latest and on.isoformat() < latest:
        raise EkbistError(
            _("the {kind} of case '{id}' was followed up on {latest}; it cannot end before "
              "that").format(kind=_kind_label(kind), id=case_id, latest=latest))
    with store.transaction():
        store.execute("UPDATE plan SET ended = ? WHERE id = ?", (on.isoformat(), plan["id"]))
    return get(store, plan["id"], as_of=today)


# -- reading ------------------------------------------------------------------------
_PLAN_SELECT = f"""
    SELECT p.id, p.case_id AS "case", p.kind, a.handler, p.made,
           (SELECT count(*) FROM followup f WHERE f.plan_id = p.id AND f.date <= :day) AS followups,
           (SELECT max(f.date) FROM followup f WHERE f.plan_id = p.id AND f.date <= :day)
               AS last_followup,
           {sql_next_followup('p')} AS next_followup,
           p.ended,
           CASE WHEN p.ended IS NOT NULL AND p.ended <= :day THEN 'ended'
                WHEN c.closed IS NOT NULL AND c.closed <= :day THEN 'case_closed'
                WHEN {sql_next_followup('p')} >= :day THEN 'current'
                ELSE 'lapsed' END AS status
    FROM plan p JOIN cases c ON c.id = p.case_id
    {_HANDLER_ON_DAY}
"""


def get(store: Store, plan_id: int, *, as_of: date) -> dict[str, Any]:
    row = store.one(_PLAN_SELECT + " WHERE p.id = :id", {"id": plan_id, "day": as_of.isoformat()})
    if row is None:
        raise EkbistError(_("unknown plan {id}").format(id=plan_id))
    return row


def list_plans(
    store: Store,
    *,
    as_of: date,
    case: str | None = None,
    handler: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Plans made on or before ``as_of`` with their status that day.

    ``status`` is current, lapsed (next follow-up passed), ended, or case_closed (the plan
    was left open when the case closed; a closed case needs no plan). ``handler`` is the
    case's handler on ``as_of``.
    """
    params: dict[str, Any] = {"day": as_of.isoformat()}
    where = ["p.made <= :day"]
    if case is not None:
        params["case"] = _case(store, case)["id"]
        where.append("p.case_id = :case")
    if handler is not None:
        from ekbist import handlers

        params["handler"] = handlers.get(store, handler)["id"]
        where.append("a.handler = :handler")
    if kind is not None:
        params["kind"] = parse_kind(kind)
        where.append("p.kind = :kind")
    return store.query(
        _PLAN_SELECT + " WHERE " + " AND ".join(where)
        + " ORDER BY p.case_id, p.kind, p.made, p.id",
        params,
    )


def followups(store: Store, plan_id: int) -> list[dict[str, Any]]:
    """The follow-ups of one plan, oldest first."""
    return store.query(
        "SELECT date, next_followup FROM followup WHERE plan_id = ? ORDER BY date, id", (plan_id,))


def _filters(store: Store, handler: str | None, team: str | None) -> tuple[list[str], dict]:
    where, params = [], {}
    if handler is not None:
        from ekbist import handlers

        params["handler"] = handlers.get(store, handler)["id"]
        where.append("a.handler = :handler")
    if team is not None:
        params["team"] = codes.parse_code("team", team)
        where.append("h.team = :team")
    return where, params


def due(
    store: Store,
    *,
    as_of: date,
    within: int = 14,
    handler: str | None = None,
    team: str | None = None,
) -> list[dict[str, Any]]:
    """Follow-ups due from ``as_of`` to ``within`` days later, and those already overdue.

    Plans of both kinds on cases active on ``as_of``; sorted by handler, then date.
    ``days_overdue`` is 0 for a follow-up due today or later (``days_left`` then counts
    the days to go).
    """
    if within < 0:
        raise EkbistError.about(_("{within} must be 0 days or more, not {n}"), {"within": "within"},
                                n=within)
    where, params = _filters(store, handler, team)
    params.update({"day": as_of.isoformat(), "within": f"+{int(within)} days"})
    extra = "".join(f" AND {w}" for w in where)
    rows = store.query(
        f"""
        WITH open_plan AS (
            SELECT p.id, p.case_id, p.kind, p.made, {sql_next_followup('p')} AS next_followup
            FROM cases c JOIN plan p ON p.case_id = c.id
            WHERE {_ACTIVE} AND p.made <= :day AND (p.ended IS NULL OR p.ended > :day)
        )
        SELECT a.handler, h.name AS handler_name, h.team, o.case_id AS "case", o.kind,
               o.id AS plan_id, o.made,
               (SELECT max(f.date) FROM followup f WHERE f.plan_id = o.id AND f.date <= :day)
                   AS last_followup,
               o.next_followup,
               o.next_followup < :day AS overdue,
               max(0, CAST(julianday(:day) - julianday(o.next_followup) AS INTEGER))
                   AS days_overdue,
               max(0, CAST(julianday(o.next_followup) - julianday(:day) AS INTEGER))
                   AS days_left
        FROM open_plan o JOIN cases c ON c.id = o.case_id
        {_HANDLER_ON_DAY}
        WHERE o.next_followup <= date(:day, :within){extra}
        ORDER BY a.handler IS NULL, h.name, a.handler, o.next_followup, o.case_id, o.kind
        """,
        params,
    )
    for row in rows:
        row["overdue"] = bool(row["overdue"])
    return rows


def overdue_followups(store: Store, *, as_of: date) -> list[dict[str, Any]]:
    """Plans whose follow-up date has passed (for ``ekbist check``); same rows as :func:`due`."""
    return [row for row in due(store, as_of=as_of, within=0) if row["overdue"]]


def missing(
    store: Store,
    *,
    as_of: date,
    handler: str | None = None,
    team: str | None = None,
    groups: tuple[str, ...] = GROUPS,
) -> list[dict[str, Any]]:
    """Active cases that lack a plan they need on ``as_of``, one row per missing plan.

    ``group`` is never (no change plan ever, case older than the grace period), lapsed (the
    latest change plan's follow-up date passed), ended (the latest change plan was ended and
    no new one made) or no_housing_plan (homeless, no current housing plan; ``reason`` then
    says never/lapsed/ended for the housing plan). Lapsed and ended plans are listed whatever
    the case's age; a case within the grace period that never had a change plan is not.
    ``days`` counts the days since the need arose: since the follow-up date, the end date, the
    end of the grace period, or (housing plans never made) the day the case was opened.
    """
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ValueError(unknown)
    where, params = _filters(store, handler, team)
    grace = grace_days(store)
    params.update({"day": as_of.isoformat(), "grace": f"-{grace} days",
                   "grace_plus": f"+{grace} days"})
    extra = "".join(f" AND {w}" for w in where)
    rows = store.query(
        f"""
        WITH need AS (
            SELECT c.id AS case_id, c.opened, k.kind,
                   (SELECT p.id FROM plan p WHERE p.case_id = c.id AND p.kind = k.kind
                      AND p.made <= :day ORDER BY p.made DESC, p.id DESC LIMIT 1) AS plan_id
            FROM cases c JOIN (SELECT 'change' AS kind UNION ALL SELECT 'housing') k
                 ON k.kind = 'change' OR c.homeless = 1
            WHERE {_ACTIVE} AND NOT {sql_has_current('c.id', 'k.kind')}
        ),
        classified AS (
            SELECT n.*, p.made, p.ended, {sql_next_followup('p')} AS next_followup,
                   CASE WHEN p.id IS NULL THEN 'never'
                        WHEN p.ended IS NOT NULL AND p.ended <= :day THEN 'ended'
                        ELSE 'lapsed' END AS reason
            FROM need n LEFT JOIN plan p ON p.id = n.plan_id
        )
        SELECT CASE WHEN x.kind = 'housing' THEN 'no_housing_plan' ELSE x.reason END AS "group",
               x.case_id AS "case", x.kind, x.reason, a.handler, h.name AS handler_name, h.team,
               x.opened, CAST(julianday(:day) - julianday(x.opened) AS INTEGER) AS days_open,
               x.made, x.next_followup, x.ended,
               CAST(julianday(:day) - julianday(CASE x.reason
                    WHEN 'lapsed' THEN x.next_followup
                    WHEN 'ended' THEN x.ended
                    ELSE CASE WHEN x.kind = 'housing' THEN x.opened
                              ELSE date(x.opened, :grace_plus) END END) AS INTEGER) AS days
        FROM classified x JOIN cases c ON c.id = x.case_id
        {_HANDLER_ON_DAY}
        WHERE (x.kind = 'housing' OR x.reason <> 'never' OR x.opened < date(:day, :grace)){extra}
        """,
        params,
    )
    order = {g: i for i, g in enumerate(GROUPS)}
    rows = [r for r in rows if r["group"] in groups]
    rows.sort(key=lambda r: (order[r["group"]], r["handler"] is None, r["handler_name"] or "",
                             r["handler"] or "", -r["days"], r["case"]))
    return rows


def cases_past_grace_without_plan(store: Store, *, as_of: date) -> list[dict[str, Any]]:
    """Active cases past the grace period that never had a change plan (``ekbist check``)."""
    return missing(store, as_of=as_of, groups=("never",))


def homeless_without_housing_plan(store: Store, *, as_of: date) -> list[dict[str, Any]]:
    """Active homeless cases without a current housing plan (for ``ekbist check``)."""
    return missing(store, as_of=as_of, groups=("no_housing_plan",))


def missing_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(GROUPS, 0)
    for row in rows:
        counts[row["group"]] += 1
    return counts


# -- coverage -----------------------------------------------------------------------
def _share(current: int, eligible: int) -> float | None:
    return round(current / eligible, 4) if eligible else None


def _coverage_counts(
    store: Store, days: list[date], by: str | None, grace: int
) -> list[dict[str, Any]]:
    """Eligible and covered cases per day (and per handler on that day when ``by`` is given).

    One statement for all days: the eligible case-days are joined to the case's change
    plans through the plan_case index and the plan's follow-ups through followup_plan.
    """
    with_handler = by is not None
    handler_join = (
        "LEFT JOIN assignment a ON a.case_id = c.id AND a.from_date <= d.day "
        "AND (a.to_date IS NULL OR a.to_date > d.day)" if with_handler else ""
    )
    handler_col = "a.handler" if with_handler else "NULL"
    return store.query(
        f"""
        WITH d(day, cutoff) AS (
            SELECT value, date(value, :grace) FROM json_each(:days)
        ),
        eligible AS (
            SELECT d.day, c.id AS case_id, {handler_col} AS handler
            FROM d JOIN cases c ON c.opened < d.cutoff AND (c.closed IS NULL OR c.closed > d.day)
            {handler_join}
        )
        SELECT e.day, e.handler, h.name AS handler_name, h.team,
               count(*) AS eligible,
               sum({sql_has_current('e.case_id', "'change'", 'e.day')}) AS current
        FROM eligible e LEFT JOIN handler h ON h.id = e.handler
        GROUP BY e.day, e.handler
        ORDER BY e.day, e.handler
        """,
        {"days": json.dumps([d.isoformat() for d in days]), "grace": f"-{grace} days"},
    )


def _coverage_series_counts(
    store: Store, days: list[date], by: str | None, grace: int
) -> list[dict[str, Any]]:
    """The same figures as :func:`_coverage_counts` for many days at once, by intervals.

    Checking every case on every day costs cases x days; instead each fact becomes a
    half-open interval of days: a case is eligible on [opened + grace + 1, closed), each
    plan segment (from the plan or a follow-up to the next follow-up entry) is current on
    [start, min(next entry, next follow-up + 1, ended)), and a handler holds the case on
    [from_date, to_date). The rules keep a case's plans apart (a new plan is made on or after
    the day the previous one ended), but plans written around them may overlap: for those
    cases only, overlapping segments are merged first, so a case is never counted twice.

    Each interval adds +1 at its start and -1 at its end. The measuring days are month
    ends (the last may be today), so the changes are summed per month in SQL and a running
    total per handler, read at each measuring month, gives the counts. The cost grows with
    the number of cases, plans and follow-ups, not with the number of days.
    """
    if not days:
        return []
    grouped = by is not None
    if grouped:
        elig_cols = (
            "a.handler AS grp, max(date(c.opened, :grace1), a.from_date) AS s, "
            "min(COALESCE(c.closed, :far), COALESCE(a.to_date, :far)) AS t"
        )
        elig_from = "FROM cases c JOIN assignment a ON a.case_id = c.id WHERE a.from_date <= :last"
        covered_cols = (
            "a.handler AS grp, max(u.s, date(c.opened, :grace1), a.from_date) AS s, "
            "min(u.t, COALESCE(c.closed, :far), COALESCE(a.to_date, :far)) AS t"
        )
        covered_from = (
            "FROM cur u JOIN cases c ON c.id = u.case_id "
            "JOIN assignment a ON a.case_id = u.case_id AND a.from_date < u.t "
            "AND (a.to_date IS NULL OR a.to_date > u.s)"
        )
    else:
        elig_cols = "'' AS grp, date(c.opened, :grace1) AS s, COALESCE(c.closed, :far) AS t"
        elig_from = "FROM cases c WHERE c.opened <= :last"
        covered_cols = (
            "'' AS grp, max(u.s, date(c.opened, :grace1)) AS s, "
            "min(u.t, COALESCE(c.closed, :far)) AS t"
        )
        covered_from = "FROM cur u JOIN cases c ON c.id = u.case_id"
    last = max(days)
    months = [day.year * 12 + day.month for day in days]
    if len(set(months)) != len(months) or any(
        day != month_end(day.isoformat()[:7]) for day in days if day != last
    ):
        raise ValueError("the interval method measures at month ends (the last may be earlier)")
    rows = store.query(
        f"""
        WITH elig AS (
            SELECT * FROM (SELECT {elig_cols} {elig_from}) WHERE s < t AND s <= :last
        ),
        multi AS (
            SELECT DISTINCT case_id FROM (
                SELECT case_id, ended,
                       lead(made) OVER (PARTITION BY case_id ORDER BY made, id) AS next_made
                FROM plan WHERE kind = 'change' AND made <= :last
            ) WHERE next_made IS NOT NULL AND (ended IS NULL OR ended > next_made)
        ),
        seg AS (
            SELECT case_id, s, t, case_id IN multi AS m FROM (
                SELECT p.case_id, p.made AS s,
                       min(COALESCE((SELECT min(f.date) FROM followup f WHERE f.plan_id = p.id),
                                    :far),
                           date(p.next_followup, '+1 day'), COALESCE(p.ended, :far)) AS t
                FROM plan p WHERE p.kind = 'change' AND p.made <= :last
                UNION ALL
                SELECT p.case_id, max(f.date, p.made),
                       min(COALESCE(lead(f.date) OVER (PARTITION BY f.plan_id
                                                       ORDER BY f.date, f.id), :far),
                           date(f.next_followup, '+1 day'), COALESCE(p.ended, :far))
                FROM followup f JOIN plan p ON p.id = f.plan_id
                WHERE p.kind = 'change' AND f.date <= :last
            ) WHERE s < t
        ),
        marked AS (
            SELECT case_id, s, t,
                   CASE WHEN s < max(t) OVER (PARTITION BY case_id ORDER BY s, t
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                        THEN 0 ELSE 1 END AS fresh
            FROM seg WHERE m
        ),
        island AS (
            SELECT case_id, s, t,
                   sum(fresh) OVER (PARTITION BY case_id ORDER BY s, t ROWS UNBOUNDED PRECEDING)
                       AS k
            FROM marked
        ),
        cur AS (
            SELECT case_id, s, t FROM seg WHERE NOT m
            UNION ALL
            SELECT case_id, min(s), max(t) FROM island GROUP BY case_id, k
        ),
        covered AS (
            SELECT * FROM (SELECT {covered_cols} {covered_from}) WHERE s < t AND s <= :last
        ),
        ev(grp, day, de, dc) AS (
            SELECT grp, s, 1, 0 FROM elig
            UNION ALL SELECT grp, t, -1, 0 FROM elig WHERE t <= :last
            UNION ALL SELECT grp, s, 0, 1 FROM covered
            UNION ALL SELECT grp, t, 0, -1 FROM covered WHERE t <= :last
        )
        SELECT grp, CAST(substr(day, 1, 4) AS INTEGER) * 12 + CAST(substr(day, 6, 2) AS INTEGER)
                   AS bucket,
               sum(de) AS de, sum(dc) AS dc
        FROM ev GROUP BY grp, bucket ORDER BY grp, bucket
        """,
        {"last": last.isoformat(), "grace1": f"+{grace + 1} days", "far": FAR_FUTURE},
    )
    # Running totals per handler, read at each measuring day's month.
    probes = [(day.year * 12 + day.month, day.isoformat()) for day in days]
    names = {h["id"]: h for h in store.query("SELECT id, name, team FROM handler")}
    result: list[dict[str, Any]] = []
    index = 0
    while index < len(rows):
        grp = rows[index]["grp"]
        eligible = current = 0
        probe = 0
        while index < len(rows) and rows[index]["grp"] == grp:
            row = rows[index]
            while probe < len(probes) and probes[probe][0] < row["bucket"]:
                if eligible > 0:
                    result.append(_series_row(probes[probe][1], grp, grouped, names,
                                              eligible, current))
                probe += 1
            eligible += row["de"]
            current += row["dc"]
            index += 1
        for _bucket, day in probes[probe:]:
            if eligible > 0:
                result.append(_series_row(day, grp, grouped, names, eligible, current))
    result.sort(key=lambda r: (r["day"], r["handler"] is None, r["handler"] or ""))
    return result


def _series_row(
    day: str, grp: str | None, grouped: bool, names: dict, eligible: int, current: int
) -> dict[str, Any]:
    handler = names.get(grp, {}) if grouped else {}
    return {"day": day, "handler": grp if grouped else None, "handler_name": handler.get("name"),
            "team": handler.get("team"), "eligible": eligible, "current": current}


def _group_by(rows: list[dict[str, Any]], by: str | None) -> list[dict[str, Any]]:
    if by is None:
        return []
    merged: dict[Any, dict[str, Any]] = {}
    for row in rows:
        if by == "handler":
            key = row["handler"]
            entry = merged.setdefault(key, {"handler": row["handler"], "name": row["handler_name"],
                                            "team": row["team"], "eligible": 0, "current": 0})
        else:
            key = row["team"]
            entry = merged.setdefault(key, {"team": row["team"], "eligible": 0, "current": 0})
        entry["eligible"] += row["eligible"]
        entry["current"] += row["current"]
    result = []
    team_order = {code: i for i, code in enumerate(codes.TEAMS)}
    for entry in merged.values():
        entry["share"] = _share(entry["current"], entry["eligible"])
        result.append(entry)
    if by == "handler":
        result.sort(key=lambda e: (e["handler"] is None, e["name"] or "", e["handler"] or ""))
    else:
        result.sort(key=lambda e: (e["team"] is None, team_order.get(e["team"], 99)))
    return result


def _check_by(by: str | None) -> None:
    if by is not None and by not in COVERAGE_BY:
        raise EkbistError.about(_("{by} must be one of: {choices}"), {"by": "by"},
                                choices=", ".join(COVERAGE_BY))


def coverage(store: Store, *, as_of: date, today: date, by: str | None = None) -> dict[str, Any]:
    """The share of eligible cases with a current change plan on ``as_of``.

    Eligible: active on ``as_of`` and opened more than plans.grace_days days before it.
    Returns ``{"as_of", "eligible", "current", "share", "by"}``; ``share`` is None when no
    case is eligible; ``by`` lists the same figures per handler (the case's handler that
    day) or per team when asked, else it is empty.
    """
    _check_by(by)
    if as_of > today:
        raise EkbistError.about(_("{as_of} {day} is after today ({today})"), {"as_of": "as_of"},
                                day=as_of.isoformat(), today=today.isoformat())
    rows = _coverage_counts(store, [as_of], by, grace_days(store))
    eligible = sum(r["eligible"] for r in rows)
    current = sum(r["current"] for r in rows)
    return {"as_of": as_of.isoformat(), "eligible": eligible, "current": current,
            "share": _share(current, eligible), "by": _group_by(rows, by)}


def coverage_monthly(
    store: Store,
    *,
    first: str | None,
    last: str | None,
    today: date,
    by: str | None = None,
) -> dict[str, Any]:
    """Coverage at each month's end from ``first`` to ``last`` ('YYYY-MM'); the running month
    is measured on ``today``. Defaults: the twelve months up to this one.

    Returns ``{"from", "to", "months": [{"month", "as_of", "eligible", "current", "share",
    "by"}]}``; all months come from one SQL statement.
    """
    from ekbist.validate import parse_month

    _check_by(by)
    this_month = today.isoformat()[:7]
    last = parse_month(last, "to") if last else this_month
    if first:
        first = parse_month(first, "from")
    else:
        y, m = int(last[:4]), int(last[5:7]) - 11
        while m < 1:
            y, m = y - 1, m + 12
        first = f"{y:04d}-{m:02d}"
    if last > this_month:
        raise EkbistError.about(_("{to} {month} is after this month ({this})"), {"to": "to"},
                                month=last, this=this_month)
    if first > last:
        raise EkbistError.about(_("{from} {first} is after {to} {last}"),
                                {"from": "from", "to": "to"}, first=first, last=last)
    months = months_between(first, last)
    if len(months) > COVERAGE_MAX_MONTHS:
        raise EkbistError(_("at most {n} months at a time, not {count}").format(
            n=COVERAGE_MAX_MONTHS, count=len(months)))
    days = [month_end(m, today) for m in months]
    # A few days are cheaper one by one; a long series is cheaper as intervals.
    counts = _coverage_counts if len(days) <= SERIES_THRESHOLD else _coverage_series_counts
    rows = counts(store, days, by, grace_days(store))
    per_day: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        per_day.setdefault(row["day"], []).append(row)
    series = []
    for month, day in zip(months, days, strict=True):
        day_rows = per_day.get(day.isoformat(), [])
        eligible = sum(r["eligible"] for r in day_rows)
        current = sum(r["current"] for r in day_rows)
        series.append({"month": month, "as_of": day.isoformat(), "eligible": eligible,
                       "current": current, "share": _share(current, eligible),
                       "by": _group_by(day_rows, by)})
    return {"from": first, "to": last, "months": series}


# -- workbook -----------------------------------------------------------------------
def coverage_workbook(path: Path | str, result: dict[str, Any], *, by: str | None = None) -> Path:
    """Write a coverage result (single day or monthly) to a new .xlsx; the monthly series gets
    a line chart of the share. Never overwrites an existing file."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise EkbistError(_("{path}: the workbook must end in .xlsx").format(path=path))
    if path.exists():
        raise EkbistError(_("{path} exists already — choose a new file").format(path=path))
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Plan coverage")[:31]
    bold = Font(bold=True)
    monthly = "months" in result
    entries = result["months"] if monthly else [dict(result, month=result["as_of"][:7])]
    header = [_("Month"), _("As of"), _("Eligible cases"), _("With a current change plan"),
              _("Share")]
    sheet.append(header)
    for entry in entries:
        sheet.append([entry["month"], date.fromisoformat(entry["as_of"]), entry["eligible"],
                      entry["current"], entry["share"]])
    for cell in sheet[1]:
        cell.font = bold
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        row[1].number_format = "yyyy-mm-dd"
        row[2].number_format = row[3].number_format = "#,##0"
        row[4].number_format = "0.0 %"
    for column, text in zip("ABCDE", header, strict=True):
        sheet.column_dimensions[column].width = max(11, len(text) + 3)
    sheet.freeze_panes = "A2"
    if monthly and len(entries) > 1:
        chart = LineChart()
        chart.title = _("Share of cases with a current change plan")
        chart.y_axis.title = _("Share")
        chart.y_axis.number_format = "0 %"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.x_axis.title = _("Month")
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 9, 18
        chart.add_data(Reference(sheet, min_col=5, min_row=1, max_row=len(entries) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(entries) + 1))
        chart.series[0].smooth = False  # a measured figure per month, not a curve
        chart.legend = None
        sheet.add_chart(chart, "G2")
    if by:
        detail = book.create_sheet((_("Per handler") if by == "handler" else _("Per team"))[:31])
        if by == "handler":
            detail.append([_("Month"), _("As of"), _("Handler"), _("Name"), _("Team"),
                           _("Eligible cases"), _("With a current change plan"), _("Share")])
        else:
            detail.append([_("Month"), _("As of"), _("Team"), _("Eligible cases"),
                           _("With a current change plan"), _("Share")])
        for cell in detail[1]:
            cell.font = bold
        for entry in entries:
            for group in entry["by"]:
                team = codes.label("team", group["team"])
                lead = [entry["month"], date.fromisoformat(entry["as_of"])]
                if by == "handler":
                    detail.append([*lead, group["handler"], group["name"], team,
                                   group["eligible"], group["current"], group["share"]])
                else:
                    detail.append([*lead, team, group["eligible"], group["current"],
                                   group["share"]])
        for row in detail.iter_rows(min_row=2, max_row=detail.max_row):
            row[1].number_format = "yyyy-mm-dd"
            row[-3].number_format = row[-2].number_format = "#,##0"
            row[-1].number_format = "0.0 %"
        for cell in detail[1]:
            detail.column_dimensions[cell.column_letter].width = max(11, len(cell.value) + 3)
        detail.freeze_panes = "A2"
    from ekbist import files

    files.save_workbook(book, path)
    return path

