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
morning check, indicators) that need the same rule. The coverage report — the
share of eligible cases with a current change plan — counts by these rules in
:mod:`ekbist.plan_coverage`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from ekbist import codes
from ekbist import settings as settings_store
from ekbist.day_conditions import case_active, handler_of_case
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_add

if TYPE_CHECKING:
    from ekbist.store import Store

KINDS = ("change", "housing")
GROUPS = ("never", "lapsed", "ended", "no_housing_plan")


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


def sql_needs_plan(case: str = "c", day: str = ":day", grace: str = ":grace") -> str:
    """SQL that is true when case ``case`` (an alias of ``cases``) needs a change plan on
    ``day``: active then and opened more than the grace period before it. ``grace`` is an
    SQL expression for the date modifier ``'-N days'`` (N = ``plans.grace_days``).

    The eligibility of the coverage and of the applications' plan flag: one rule.
    """
    return f"({case_active(day, case)} AND {case}.opened < date({day}, {grace}))"


def sql_application_without_plan(
    application: str = "a", case: str = "c", grace: str = ":grace"
) -> str:
    """SQL that is true when application ``application`` (an alias with ``case_id`` and
    ``received``) came in on a case ``case`` (its row of ``cases``) that needed a change
    plan that day and had no current one: the plan is followed up before every application.
    """
    day = f"{application}.received"
    current = sql_has_current(f"{application}.case_id", "'change'", day)
    return f"({sql_needs_plan(case, day, grace)} AND NOT {current})"


def grace_modifier(days: int) -> str:
    """The SQL date modifier that goes back ``days`` days, for the ``grace`` parameter above."""
    return f"-{int(days)} days"


# -- the same rules as spans of days, for many days at once ------------------------
# Counting many days (a monthly series, every decided application) one day at a time costs
# a lookup per case-day; these give the same rules as half-open spans of days [s, t), so a
# day D is inside when s <= D < t. They are the set form of the rules above, not a second
# rule: tests check that both forms agree at every edge.
def sql_needs_plan_from(case: str = "c", grace_from: str = ":grace_from") -> str:
    """SQL for the first day case ``case`` (an alias of ``cases``) needs a change plan:
    :func:`sql_needs_plan` holds on D exactly when this day <= D < ``case``.closed (no end
    while it is open). ``grace_from`` is an SQL expression for :func:`grace_from_modifier`.
    """
    return f"date({case}.opened, {grace_from})"


def grace_from_modifier(days: int) -> str:
    """The SQL date modifier from the opening day to the first day a plan is needed: opened
    more than ``days`` days before D means D is at least ``days`` + 1 days after it."""
    return f"+{int(days) + 1} days"


def sql_current_spans(name: str, kind: str, last: str = ":last", far: str = ":far") -> str:
    """SQL common table expressions (for a ``WITH``) ending in ``name(case_id, s, t)``: the
    spans of days on or before ``last`` on which each case has a current plan of ``kind``
    (:func:`sql_has_current`), disjoint within a case. ``far`` is a day after every other.

    Each plan and each follow-up gives a span: from the plan or the follow-up to the next
    follow-up entry, the day after the next follow-up that was set, or the day the plan ended,
    whichever comes first (several follow-ups on one day: the latest entry counts). The rules
    keep a case's plans apart (a new plan is made on or after the day the previous one ended),
    but plans written around them may overlap: for those cases only, overlapping spans are
    merged, so a day is never inside two spans of one case. Helper names start with ``name``.
    """
    return f"""
        {name}_multi AS (
            SELECT DISTINCT case_id FROM (
                SELECT case_id, ended,
                       lead(made) OVER (PARTITION BY case_id ORDER BY made, id) AS next_made
                FROM plan WHERE kind = {kind} AND made <= {last}
            ) WHERE next_made IS NOT NULL AND (ended IS NULL OR ended > next_made)
        ),
        {name}_seg AS (
            SELECT case_id, s, t, case_id IN {name}_multi AS m FROM (
                SELECT p.case_id, p.made AS s,
                       min(COALESCE((SELECT min(f.date) FROM followup f WHERE f.plan_id = p.id),
                                    {far}),
                           date(p.next_followup, '+1 day'), COALESCE(p.ended, {far})) AS t
                FROM plan p WHERE p.kind = {kind} AND p.made <= {last}
                UNION ALL
                SELECT p.case_id, max(f.date, p.made),
                       min(COALESCE(lead(f.date) OVER (PARTITION BY f.plan_id
                                                       ORDER BY f.date, f.id), {far}),
                           date(f.next_followup, '+1 day'), COALESCE(p.ended, {far}))
                FROM followup f JOIN plan p ON p.id = f.plan_id
                WHERE p.kind = {kind} AND f.date <= {last}
            ) WHERE s < t
        ),
        {name}_marked AS (
            SELECT case_id, s, t,
                   CASE WHEN s < max(t) OVER (PARTITION BY case_id ORDER BY s, t
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                        THEN 0 ELSE 1 END AS fresh
            FROM {name}_seg WHERE m
        ),
        {name}_island AS (
            SELECT case_id, s, t,
                   sum(fresh) OVER (PARTITION BY case_id ORDER BY s, t ROWS UNBOUNDED PRECEDING)
                       AS k
            FROM {name}_marked
        ),
        {name}(case_id, s, t) AS (
            SELECT case_id, s, t FROM {name}_seg WHERE NOT m
            UNION ALL
            SELECT case_id, min(s), max(t) FROM {name}_island GROUP BY case_id, k
        )"""


_ACTIVE = case_active(":day")
# Who carries the case on the day (a cover first), as the handler ``h``.
_HANDLER_ON_DAY = f"LEFT JOIN handler h ON h.id = {handler_of_case('c.id', ':day')}"


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
    return month_add(day, months)


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
    SELECT p.id, p.case_id AS "case", p.kind, h.id AS handler, p.made,
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
        where.append("h.id = :handler")
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
        where.append("h.id = :handler")
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
        SELECT h.id AS handler, h.name AS handler_name, h.team, o.case_id AS "case", o.kind,
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
        ORDER BY h.id IS NULL, h.name, h.id, o.next_followup, o.case_id, o.kind
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
    params.update({"day": as_of.isoformat(), "grace": grace_modifier(grace),
                   "grace_plus": f"+{grace} days"})
    extra = "".join(f" AND {w}" for w in where)
    # One pass over the active cases (two rows for a homeless one): each case's latest plan
    # of the kind, read once. A case whose latest plan is current needs nothing; only the
    # others are asked whether an older plan is still current (:func:`sql_has_current`,
    # the rule itself). The cases come first (CROSS JOIN), read whole (NOT INDEXED: on a
    # recent day the case_opened index narrows nothing and costs a look-up per case), and
    # walked once, not once per kind. ``latest`` is materialized so that the sub-query of
    # each case's latest plan runs once, not again for the join on it; the case's columns
    # ride along (as ``x``), so the rows found need no second look-up of their case.
    # The groups asked for and their order (group, handler by name, the longest need first)
    # are the query's: the sort of SQLite compares text as Python does (by code point).
    params["groups"] = json.dumps(list(groups))
    order = " ".join(f"WHEN '{g}' THEN {i}" for i, g in enumerate(GROUPS))
    return store.query(
        f"""
        SELECT * FROM (
        WITH latest AS MATERIALIZED (
            SELECT c.id AS case_id, c.opened, c.closed, k.kind,
                   (SELECT p.id FROM plan p WHERE p.case_id = c.id AND p.kind = k.kind
                      AND p.made <= :day ORDER BY p.made DESC, p.id DESC LIMIT 1) AS plan_id
            FROM cases c NOT INDEXED
                 CROSS JOIN (SELECT 'change' AS kind UNION ALL SELECT 'housing') k
            WHERE {_ACTIVE} AND (k.kind = 'change' OR c.homeless = 1)
        ),
        classified AS MATERIALIZED (
            SELECT n.*, p.made, p.ended, {sql_next_followup('p')} AS next_followup,
                   CASE WHEN p.id IS NULL THEN 'never'
                        WHEN p.ended IS NOT NULL AND p.ended <= :day THEN 'ended'
                        ELSE 'lapsed' END AS reason
            FROM latest n LEFT JOIN plan p ON p.id = n.plan_id
        )
        SELECT CASE WHEN x.kind = 'housing' THEN 'no_housing_plan' ELSE x.reason END AS "group",
               x.case_id AS "case", x.kind, x.reason, h.id AS handler, h.name AS handler_name, h.team,
               x.opened, CAST(julianday(:day) - julianday(x.opened) AS INTEGER) AS days_open,
               x.made, x.next_followup, x.ended,
               CAST(julianday(:day) - julianday(CASE x.reason
                    WHEN 'lapsed' THEN x.next_followup
                    WHEN 'ended' THEN x.ended
                    ELSE CASE WHEN x.kind = 'housing' THEN x.opened
                              ELSE date(x.opened, :grace_plus) END END) AS INTEGER) AS days
        FROM classified x
        LEFT JOIN handler h ON h.id = {handler_of_case('x.case_id', ':day')}
        WHERE CASE WHEN x.reason = 'lapsed' AND x.next_followup >= :day THEN 0
                   WHEN x.reason = 'never' THEN 1  -- no plan made by the day: none current
                   ELSE NOT {sql_has_current('x.case_id', 'x.kind')} END
          AND (x.kind = 'housing' OR x.reason <> 'never' OR {sql_needs_plan('x')}){extra}
        )
        WHERE "group" IN (SELECT value FROM json_each(:groups))
        ORDER BY CASE "group" {order} END, handler IS NULL, coalesce(handler_name, ''),
                 coalesce(handler, ''), days DESC, "case"
        """,
        params,
    )


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
