"""Plan coverage: the share of eligible cases with a current change plan.

Swedish: andel ärenden med aktuell förändringsplan. The unit follows it as a key figure (about
30 % at the June 2016 measurement in the seed report), so it is measured on one day — today or
any past day — or month by month at each month's end, for the whole unit or split by handler
(who carries the case that day, a cover first) or by team, and can be written to a workbook with a chart.

The rules it counts by are those of :mod:`ekbist.plans`: a case is eligible on a day when it
is active and was opened more than ``plans.grace_days`` days before it, and it is covered when
it has a current change plan that day (:func:`ekbist.plans.sql_has_current`; for a long
series the same rules as spans of days, :func:`ekbist.plans.sql_current_spans`). This module
only counts; the rules stay in :mod:`ekbist.plans`, which never imports this one.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from ekbist import codes
from ekbist.day_conditions import carrier_spans, handler_of_case
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_add, month_end, month_index, months_between, sql_month_index
from ekbist.number_text import round_half_away
from ekbist.plans import (
    grace_days,
    grace_from_modifier,
    grace_modifier,
    sql_application_without_plan,
    sql_current_spans,
    sql_has_current,
    sql_needs_plan,
    sql_needs_plan_from,
)

if TYPE_CHECKING:
    from ekbist.store import Store

COVERAGE_BY = ("handler", "team")
# Coverage keeps its narrower series limit: `plans coverage` has always refused more than 240
# months, and that refusal is part of its contract (months.MAX_MONTHS is the general one).
COVERAGE_MAX_MONTHS = 240
FAR_FUTURE = "9999-12-31"
SERIES_THRESHOLD = 6  # days measured one by one before the interval method pays off


# -- coverage -----------------------------------------------------------------------
def _share(current: int, eligible: int) -> float | None:
    return round_half_away(current / eligible, 4) if eligible else None


def _coverage_counts(
    store: Store, days: list[date], by: str | None, grace: int
) -> list[dict[str, Any]]:
    """Eligible and covered cases per day (and per handler on that day when ``by`` is given).

    One statement for all days: the eligible case-days are joined to the case's change
    plans through the plan_case index and the plan's follow-ups through followup_plan.
    """
    # Who carries the case that day: the covering handler while a cover lasts.
    handler_col = handler_of_case("c.id", "d.day") if by is not None else "NULL"
    return store.query(
        f"""
        WITH d(day) AS (
            SELECT value FROM json_each(:days)
        ),
        eligible AS (
            SELECT d.day, c.id AS case_id, {handler_col} AS handler
            FROM d JOIN cases c ON {sql_needs_plan('c', 'd.day', ':grace')}
        )
        SELECT e.day, e.handler, h.name AS handler_name, h.team,
               count(*) AS eligible,
               sum({sql_has_current('e.case_id', "'change'", 'e.day')}) AS current
        FROM eligible e LEFT JOIN handler h ON h.id = e.handler
        GROUP BY e.day, e.handler
        ORDER BY e.day, e.handler
        """,
        {"days": json.dumps([d.isoformat() for d in days]), "grace": grace_modifier(grace)},
    )


def _check_series_days(days: list[date]) -> None:
    months = [month_index(day) for day in days]
    if len(set(months)) != len(months) or any(
        day != month_end(day.isoformat()[:7]) for day in days if day != max(days)
    ):
        raise ValueError("the interval method measures at month ends (the last may be earlier)")


def _span_sql() -> str:
    """The common table expression ``span(case_id, s, t, current)`` (after
    :func:`ekbist.plans.sql_current_spans` ``cur``) that the coverage and the applications of
    a series both count by: each case's span of days it needs a change plan
    (:func:`ekbist.plans.sql_needs_plan_from`, to the day it closed; ``current`` 0) and the
    disjoint spans within it on which it has a current one (``current`` 1)."""
    since = sql_needs_plan_from("c", ":grace_from")
    return f"""
        span(case_id, s, t, current) AS MATERIALIZED (
            SELECT c.id, {since}, COALESCE(c.closed, :far), 0 FROM cases c WHERE c.opened <= :last
            UNION ALL
            SELECT * FROM (
                SELECT u.case_id, max(u.s, {since}) AS s, min(u.t, COALESCE(c.closed, :far)) AS t,
                       1
                FROM cur u JOIN cases c ON c.id = u.case_id
            ) WHERE s < t
        )"""


def _coverage_series_sql(by: str | None) -> tuple[str, str]:
    """The common table expressions (after :func:`ekbist.plans.sql_current_spans` ``cur`` and
    :func:`_span_sql`) and the SELECT of :func:`_coverage_series_counts`: ``(grp, bucket, de,
    dc)`` rows, the changes of the eligible and the covered cases per handler and month."""
    grouped = by is not None
    if grouped:  # the spans of :func:`_span_sql` cut to the days each handler carries the case
        cols = ("a.handler AS grp, max(sp.s, a.from_date) AS s, "
                "min(sp.t, COALESCE(a.to_date, :far)) AS t")
        spans = ("FROM span sp JOIN carry a ON a.case_id = sp.case_id AND a.from_date < sp.t "
                 "AND (a.to_date IS NULL OR a.to_date > sp.s) WHERE sp.current = ")
    else:  # the unit as a whole: the spans themselves
        cols = "'' AS grp, s, t"
        spans = "FROM span sp WHERE sp.current = "
    elig_cols, elig_from = cols, spans + "0"
    covered_cols, covered_from = cols, spans + "1"
    ctes = f"""
        carry AS ({carrier_spans() if grouped else "SELECT 1"}),
        elig AS (
            SELECT * FROM (SELECT {elig_cols} {elig_from}) WHERE s < t AND s <= :last
        ),
        covered AS (
            SELECT * FROM (SELECT {covered_cols} {covered_from}) WHERE s < t AND s <= :last
        ),
        ev(grp, day, de, dc) AS (
            SELECT grp, s, 1, 0 FROM elig
            UNION ALL SELECT grp, t, -1, 0 FROM elig WHERE t <= :last
            UNION ALL SELECT grp, s, 0, 1 FROM covered
            UNION ALL SELECT grp, t, 0, -1 FROM covered WHERE t <= :last
        )"""
    select = f"""
        SELECT grp, {sql_month_index("day")} AS bucket, sum(de) AS de, sum(dc) AS dc
        FROM ev GROUP BY grp, bucket"""
    return ctes, select


def _coverage_series_rows(
    store: Store, days: list[date], by: str | None, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Running totals per handler of the changes per month, read at each measuring day."""
    grouped = by is not None
    rows = sorted(rows, key=lambda r: (r["grp"], r["bucket"]))
    probes = [(month_index(day), day.isoformat()) for day in days]
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


def _coverage_series_counts(
    store: Store, days: list[date], by: str | None, grace: int
) -> list[dict[str, Any]]:
    """The same figures as :func:`_coverage_counts` for many days at once, by intervals.

    Checking every case on every day costs cases x days; instead each fact becomes a
    half-open interval of days: a case is eligible on [opened + grace + 1, closed)
    (:func:`ekbist.plans.sql_needs_plan_from`), has a current plan on the disjoint spans of
    :func:`ekbist.plans.sql_current_spans` (overlapping plans written around the rules are
    merged there, so a case is never counted twice), and a handler carries the case on
    [from_date, to_date) (:func:`ekbist.day_conditions.carrier_spans`: a cover's days count
    on the covering handler).

    Each interval adds +1 at its start and -1 at its end. The measuring days are month
    ends (the last may be today), so the changes are summed per month in SQL and a running
    total per handler, read at each measuring month, gives the counts. The cost grows with
    the number of cases, plans and follow-ups, not with the number of days.
    """
    if not days:
        return []
    _check_series_days(days)
    return _series_counts(store, days, None, by, grace)[0]


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


# -- applications decided with a current plan ----------------------------------------
def _application_counts(
    store: Store, periods: list[tuple[date, date]], grace: int
) -> list[dict[str, Any]]:
    """Applications decided in each period (first, last; both included), withdrawn ones left
    out: ``decided``, how many came in on a case that needed a change plan the day they
    were received (``eligible``) and how many of those had a current one then (``current``).

    One statement for all periods, through the decided-day index; the plan rule is
    :func:`ekbist.plans.sql_application_without_plan`'s. Each application looks its plans
    up one by one: cheap for a month, slow for years (see :func:`_application_series_counts`).
    """
    rows = store.query(
        f"""
        WITH p(first, last) AS (
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')
            FROM json_each(:periods)
        )
        SELECT p.first, count(a.id) AS decided,
               coalesce(sum({sql_needs_plan('c', 'a.received', ':grace')}), 0) AS eligible,
               coalesce(sum({sql_application_without_plan('a', 'c', ':grace')}), 0) AS missing
        FROM p LEFT JOIN application a ON a.decided BETWEEN p.first AND p.last
             AND a.decision <> 'withdrawn'
        LEFT JOIN cases c ON c.id = a.case_id
        GROUP BY p.first
        """,
        {"periods": json.dumps([[f.isoformat(), t.isoformat()] for f, t in periods]),
         "grace": grace_modifier(grace)},
    )
    found = {r["first"]: (r["decided"], r["eligible"], r["eligible"] - r["missing"])
             for r in rows}
    return [_application_row(first, last, *found.get(first.isoformat(), (0, 0, 0)))
            for first, last in periods]


def _check_series_periods(periods: list[tuple[date, date]]) -> None:
    months = [month_index(first) for first, _last in periods]
    if any(first.day != 1 for first, _last in periods) or any(
        last != month_end(first.isoformat()[:7]) for first, last in periods[:-1]
    ) or any(b != a + 1 for a, b in zip(months, months[1:])) or (
        month_index(periods[-1][1]) != months[-1] or periods[-1][1] < periods[-1][0]
    ):
        raise ValueError("the span method counts whole consecutive months (the last may end early)")


def _application_series_sql() -> tuple[str, str]:
    """The common table expressions (after ``cur`` and :func:`_span_sql`) and the SELECT of
    :func:`_application_series_counts`: ``(bucket, kind, n)`` rows, ``kind`` 0 for the
    applications on a case that needed a plan, 1 for those of them with a current one,
    2 for all decided ones (per day, on the index of the day decided less the withdrawn ones
    on theirs, then per month: the days come in order, only the months are sorted)."""
    ctes = """
        decided_day(day, n) AS (
            SELECT a.decided, count(*) FROM application a INDEXED BY application_decided
            WHERE a.decided BETWEEN :first AND :last GROUP BY a.decided
            UNION ALL
            SELECT a.decided, -count(*) FROM application a INDEXED BY application_withdrawn
            WHERE a.decision = 'withdrawn' AND a.decided BETWEEN :first AND :last
            GROUP BY a.decided
        )"""
    select = f"""
        SELECT {sql_month_index('a.decided')} AS bucket, sp.current AS kind, count(*) AS n
        FROM span sp CROSS JOIN application a INDEXED BY application_case_received
        WHERE a.case_id = sp.case_id AND a.received >= sp.s AND a.received < sp.t
          AND a.decided BETWEEN :first AND :last AND a.decision <> 'withdrawn'
        GROUP BY bucket, kind
        UNION ALL
        SELECT {sql_month_index('day')} AS bucket, 2, sum(n) FROM decided_day GROUP BY bucket"""
    return ctes, select


def _application_series_rows(
    periods: list[tuple[date, date]], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row["bucket"], [0, 0, 0])[row["kind"]] = row["n"]
    result = []
    for first, last in periods:
        eligible, current, decided = found.get(month_index(first), (0, 0, 0))
        result.append(_application_row(first, last, decided, eligible, current))
    return result


def _application_series_counts(
    store: Store, periods: list[tuple[date, date]], grace: int
) -> list[dict[str, Any]]:
    """The same figures as :func:`_application_counts` for whole consecutive months (the
    last may end early), by spans of days: about a million decided applications on a
    city-size store.

    Each case gives the span of days it needs a change plan
    (:func:`ekbist.plans.sql_needs_plan_from`, to the day it closed) and the spans within it
    on which it has a current one (:func:`ekbist.plans.sql_current_spans`, disjoint). Each
    span reaches the applications its case received within it through the index by case and
    day received (``application_case_received``, which holds the day decided and the decision
    too): the applications of the first kind of span needed a plan, those of the second had a
    current one. The decided ones are counted per day on the index by day decided, less the
    withdrawn ones (``application_withdrawn``).
    """
    if not periods:
        return []
    _check_series_periods(periods)
    return _series_counts(store, None, periods, None, grace)[1]


def _series_statement(
    days: list[date] | None,
    periods: list[tuple[date, date]] | None,
    by: str | None,
    grace: int,
) -> tuple[str, dict[str, Any]]:
    """The one statement of :func:`_series_counts` and its parameters: ``(part, grp, bucket,
    x, y)`` rows, part 'c' the coverage's changes (x eligible, y covered), part 'a' the
    applications (x the kind, y how many)."""
    parts = []
    ctes = [sql_current_spans("cur", "'change'"), _span_sql()]
    last = []
    if days is not None:
        cov_ctes, cov_select = _coverage_series_sql(by)
        ctes.append(cov_ctes)
        parts.append(f"SELECT 'c' AS part, grp, bucket, de AS x, dc AS y FROM ({cov_select})")
        last.append(max(days))
    if periods is not None:
        app_ctes, app_select = _application_series_sql()
        ctes.append(app_ctes)
        parts.append(f"SELECT 'a' AS part, NULL AS grp, bucket, kind AS x, n AS y "
                     f"FROM ({app_select})")
        last.append(periods[-1][1])
    if not last or len(set(last)) != 1:
        raise ValueError("the coverage and the applications are counted to the same day")
    sql = "WITH " + ",".join(ctes) + "\n" + "\nUNION ALL\n".join(parts)
    return sql, {"first": (periods[0][0] if periods else last[0]).isoformat(),
                 "last": last[0].isoformat(), "grace_from": grace_from_modifier(grace),
                 "far": FAR_FUTURE}


def _series_counts(
    store: Store,
    days: list[date] | None,
    periods: list[tuple[date, date]] | None,
    by: str | None,
    grace: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The coverage at each of ``days`` (:func:`_coverage_series_counts`) and the applications
    of each of ``periods`` (:func:`_application_series_counts`) in one statement, so the
    spans of current plans that both count by are built once; ``None`` leaves a part out."""
    rows = store.query(*_series_statement(days, periods, by, grace))
    coverage_rows = [{"grp": r["grp"], "bucket": r["bucket"], "de": r["x"], "dc": r["y"]}
                     for r in rows if r["part"] == "c"]
    application_rows = [{"bucket": r["bucket"], "kind": r["x"], "n": r["y"]}
                        for r in rows if r["part"] == "a"]
    return (
        _coverage_series_rows(store, days, by, coverage_rows) if days is not None else [],
        _application_series_rows(periods, application_rows) if periods is not None else [],
    )


def _application_row(first: date, last: date, decided: int, eligible: int,
                     current: int) -> dict[str, Any]:
    return {"from": first.isoformat(), "to": last.isoformat(), "decided": decided,
            "eligible": eligible, "current": current, "share": _share(current, eligible)}


def applications_with_plan(store: Store, *, first: date, last: date) -> dict[str, Any]:
    """The applications decided from ``first`` to ``last`` (both included; withdrawals are
    no decision) and the share of those on cases that needed a change plan the day they
    were received which had a current one that day — the plan is followed up before every
    application.

    Returns ``{"from", "to", "decided", "eligible", "current", "share"}``; ``share`` is
    None when no decided application needed a plan.
    """
    return _application_counts(store, [(first, last)], grace_days(store))[0]


def _check_by(by: str | None) -> None:
    if by is not None and by not in COVERAGE_BY:
        raise EkbistError.about(_("{by} must be one of: {choices}"), {"by": "by"},
                                choices=", ".join(COVERAGE_BY))


def coverage(store: Store, *, as_of: date, today: date, by: str | None = None) -> dict[str, Any]:
    """The share of eligible cases with a current change plan on ``as_of``.

    Eligible: active on ``as_of`` and opened more than plans.grace_days days before it.
    Returns ``{"as_of", "eligible", "current", "share", "by", "applications"}``; ``share``
    is None when no case is eligible; ``by`` lists the same figures per handler (who carries
    the case that day) or per team when asked, else it is empty; ``applications`` is
    :func:`applications_with_plan` for ``as_of``'s month up to ``as_of``.
    """
    _check_by(by)
    if as_of > today:
        raise EkbistError.about(_("{as_of} {day} is after today ({today})"), {"as_of": "as_of"},
                                day=as_of.isoformat(), today=today.isoformat())
    grace = grace_days(store)
    rows = _coverage_counts(store, [as_of], by, grace)
    eligible = sum(r["eligible"] for r in rows)
    current = sum(r["current"] for r in rows)
    month_start = as_of.replace(day=1)
    return {"as_of": as_of.isoformat(), "eligible": eligible, "current": current,
            "share": _share(current, eligible), "by": _group_by(rows, by),
            "applications": _application_counts(store, [(month_start, as_of)], grace)[0]}


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
    "by", "applications"}]}`` (``applications``: :func:`applications_with_plan` for the month
    up to its ``as_of``); all months come from one SQL statement each.
    """
    from ekbist.validate import month_not_after, parse_month

    _check_by(by)
    this_month = today.isoformat()[:7]
    given_last = bool(last)
    last = parse_month(last, "to") if last else this_month
    if first:
        first = parse_month(first, "from")
    else:
        first = month_add(last, -11)
    if not given_last:  # the series ends this month: --from alone is checked against it
        month_not_after(first, today, "from")
    month_not_after(last, today)
    if first > last:
        raise EkbistError.about(_("{from} {first} is after {to} {last}"),
                                {"from": "from", "to": "to"}, first=first, last=last)
    months = months_between(first, last)
    if len(months) > COVERAGE_MAX_MONTHS:
        raise EkbistError(_("at most {n} months at a time, not {count}").format(
            n=COVERAGE_MAX_MONTHS, count=len(months)))
    days = [month_end(m, today) for m in months]
    # A few days are cheaper one by one; a long series is cheaper as intervals.
    few = len(days) <= SERIES_THRESHOLD
    periods = [(date.fromisoformat(m + "-01"), day) for m, day in zip(months, days, strict=True)]
    grace = grace_days(store)
    if few:
        rows = _coverage_counts(store, days, by, grace)
        applications = _application_counts(store, periods, grace)
    else:  # one statement: the spans of current plans both count by are built once
        _check_series_days(days)
        _check_series_periods(periods)
        rows, applications = _series_counts(store, days, periods, by, grace)
    per_day: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        per_day.setdefault(row["day"], []).append(row)
    series = []
    for month, day, decided in zip(months, days, applications, strict=True):
        day_rows = per_day.get(day.isoformat(), [])
        eligible = sum(r["eligible"] for r in day_rows)
        current = sum(r["current"] for r in day_rows)
        series.append({"month": month, "as_of": day.isoformat(), "eligible": eligible,
                       "current": current, "share": _share(current, eligible),
                       "by": _group_by(day_rows, by), "applications": decided})
    return {"from": first, "to": last, "months": series}
