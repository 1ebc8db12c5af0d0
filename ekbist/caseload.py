"""Caseload (ärendeantal per handläggare): who carries how much, day by day and month by month.

The unit follows cases per handler relative to the employment rate (FTE), per
team. Two questions are answered here, both from the assignment history so
that any past day can be asked as easily as today:

* ``current``: each handler's active cases on one day, the team's mean and
  spread per FTE, and the cases no one is working on (their handler has left
  or is away) — those need cover and are listed apart.
* ``history``: the handler × month matrix of active cases at each month's end,
  computed in one set-based query (a case counts at a month's end when its
  assignment span covers that day, so each span adds one from its first month
  and removes one from the month it ends).

Which cases to move so that the load evens out is :mod:`ekbist.balance`; it
builds on ``HELD_CTE`` and the helpers below (``parse_team``, …), which is why
they are public. What "active", "employed" and "away" mean on a day is
:mod:`ekbist.day_conditions`.

Who counts in a team's figures: handlers employed on the day and not away
("present"). A handler away keeps their cases on paper; those cases count as
needing cover, not in the team's mean. The applicant's gender is never read.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ekbist import codes
from ekbist import settings as unit_settings
from ekbist.day_conditions import (
    assignment_covers,
    carrier,
    case_active,
    cover_covers,
    handler_away,
    handler_employed,
    handler_left,
    handler_not_started,
)
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import MAX_MONTHS, month_add, month_end, months_between
from ekbist.number_text import round_half_away
from ekbist.store import Store
from ekbist.validate import parse_month

NEW_DAYS = 30

# Teams in the order of ekbist.codes (intake first), as the unit lists them.
TEAM_ORDER = "instr('," + ",".join(codes.TEAMS) + ",', ',' || {t} || ',')"
# Queries over one day start from the cases (CROSS JOIN fixes that order in SQLite), read
# whole (NOT INDEXED): the case_opened index narrows nothing on a recent day and costs a
# look-up of the row per case, so reading the table straight is two to four times cheaper
# on a city's store, on any day. Then assignment_case finds each one's handler. Starting
# from the assignments instead costs a primary-key look-up per assignment, ten times slower.
# HELD_CTE: active cases carried per handler on the day bound to ``:d``, as a CTE named
# ``held``: a covered case counts on the covering handler while the cover lasts. The
# handler is cast to TEXT, the type of ``handler.id``, so that a join on it
# (``held.handler = h.id``) can use an automatic index: without a type SQLite walks every
# row of ``held`` for each handler (a city's 833 × 833).
HELD_CTE = f"""held AS (
    SELECT CAST({carrier(":d", "a.handler", "c.id")} AS TEXT) AS handler, count(*) AS n
    FROM cases c NOT INDEXED CROSS JOIN assignment a ON a.case_id = c.id
    WHERE {assignment_covers(":d")} AND {case_active(":d")}
    GROUP BY 1
)"""
# COVERS_CTE: the covers on ``:d`` of active cases, with the case's own handler, as ``covered``.
# It starts from the covers (CROSS JOIN fixes the order): they are few beside the cases, so
# this reads a handful of rows where starting from the cases would walk every one of them.
COVERS_CTE = f"""covered AS (
    SELECT cv.case_id, cv.handler AS by_handler, a.handler AS own_handler, cv.from_date,
           cv.to_date
    FROM cover cv CROSS JOIN cases c ON c.id = cv.case_id
    CROSS JOIN assignment a ON a.case_id = cv.case_id AND {assignment_covers(":d")}
    WHERE {cover_covers(":d")} AND {case_active(":d")}
)"""
# STANDING_CTE: every handler with why no one works on their cases on ``:d`` (left, not
# started, away; NULL when at work), as ``standing``. Worked out once per handler: asked per
# case instead, the absence look-up runs once for each of a city's twenty thousand cases.
STANDING_CTE = f"""standing AS MATERIALIZED (
    SELECT h.id, h.name, h.team, h.start_date, h.end_date,
           CASE WHEN {handler_left(":d")} THEN 'left'
                WHEN {handler_not_started(":d")} THEN 'not_started'
                WHEN {handler_away(":d")} THEN 'away' END AS why
    FROM handler h
)"""


def parse_team(team: str | None) -> str | None:
    return codes.parse_code("team", team) if team else None


def per_fte(active: int, fte: float) -> float:
    return active / fte


def two_decimals(value: float | None) -> float | None:
    return None if value is None else round_half_away(value, 2)


# -- today ------------------------------------------------------------------------------
def current(store: Store, as_of: date, *, team: str | None = None) -> dict[str, Any]:
    """The caseload on ``as_of``: handlers, teams and the cases needing cover.

    Handler rows carry extra keys beyond the JSON contract (``diff``,
    ``flagged``, ``bar`` inputs); :func:`json_payload` keeps to the contract.
    """
    team = parse_team(team)
    day = as_of.isoformat()
    params = {"d": day, "team": team, "new_from": (as_of - timedelta(days=NEW_DAYS)).isoformat()}
    max_per_fte = unit_settings.get(store, "caseload.max_per_fte")
    with store.snapshot():
        handlers = store.query(
            f"""
            WITH {HELD_CTE}, {COVERS_CTE},
            taken AS (
                SELECT a.handler, count(DISTINCT a.case_id) AS n
                FROM assignment a
                WHERE a.from_date > :new_from AND a.from_date <= :d
                GROUP BY a.handler
            )
            SELECT h.id, h.name, h.team, h.fte, h.end_date AS leaves,
                   coalesce(held.n, 0) AS active, coalesce(taken.n, 0) AS new_30d,
                   {handler_away(":d")} AS away,
                   (SELECT count(*) FROM covered WHERE covered.by_handler = h.id) AS covering,
                   (SELECT count(*) FROM covered WHERE covered.own_handler = h.id) AS covered
            FROM handler h
            LEFT JOIN held ON held.handler = h.id
            LEFT JOIN taken ON taken.handler = h.id
            WHERE {handler_employed(":d")} AND (:team IS NULL OR h.team = :team)
            ORDER BY {TEAM_ORDER.format(t='h.team')}, h.id
            """,
            params,
        )
        # Who carries each active case: the covering handler, else the assignment's. The
        # cases are read whole (see HELD_CTE) and the few found sorted, rather than walked
        # in the order of their ids, a look-up of the row per case.
        uncovered = store.query(
            f"""
            WITH {STANDING_CTE}
            SELECT c.id AS "case", h.id AS handler, h.name, h.team,
                   coalesce(h.why, 'no_handler') AS why,
                   -- since when no one is working on it: the leaving day or the absence's start
                   CASE WHEN h.id IS NULL THEN NULL
                        WHEN h.why = 'left' THEN max(h.end_date, coalesce(cv.from_date, a.from_date))
                        WHEN h.why = 'not_started' THEN coalesce(cv.from_date, a.from_date)
                        ELSE max(coalesce(cv.from_date, a.from_date),
                                 (SELECT max(ab.from_date) FROM absence ab
                                  WHERE ab.handler = h.id AND ab.from_date <= :d))
                   END AS since
            FROM cases c NOT INDEXED
            LEFT JOIN assignment a ON a.case_id = c.id AND {assignment_covers(":d")}
            LEFT JOIN cover cv ON cv.case_id = c.id AND {cover_covers(":d")}
            LEFT JOIN standing h ON h.id = coalesce(cv.handler, a.handler)
            WHERE {case_active(":d")}
              AND (h.id IS NULL OR h.why IS NOT NULL)
              AND (:team IS NULL OR h.team = :team)
            ORDER BY c.id
            """,
            params,
        )
        covers = store.query(
            f"""WITH {COVERS_CTE}
                SELECT covered.case_id AS "case", covered.by_handler AS handler,
                       hb.name AS handler_name, covered.own_handler AS for_handler,
                       ho.name AS for_name, covered.to_date AS until
                FROM covered JOIN handler hb ON hb.id = covered.by_handler
                JOIN handler ho ON ho.id = covered.own_handler
                WHERE :team IS NULL OR hb.team = :team OR ho.team = :team
                ORDER BY covered.by_handler, covered.case_id""",
            params,
        )
    teams = _team_figures(handlers, uncovered)
    means = {t["team"]: t["mean_per_fte"] for t in teams}
    for row in handlers:
        row["away"] = bool(row["away"])
        row["per_fte"] = per_fte(row["active"], row["fte"])
        mean = means.get(row["team"])
        row["diff"] = None if row["away"] or mean is None else row["per_fte"] - mean
        row["flagged"] = row["per_fte"] > max_per_fte
    return {
        "as_of": day,
        "team": team,
        "max_per_fte": max_per_fte,
        "handlers": handlers,
        "teams": teams,
        "uncovered": uncovered,
        "covers": covers,
    }


def _empty_team(code: str) -> dict[str, Any]:
    return {"team": code, "active": 0, "fte": 0.0, "loads": [], "needing_cover": 0}


def _team_figures(handlers: list[dict], uncovered: list[dict]) -> list[dict[str, Any]]:
    """Per team, over the handlers present: total, FTE, mean and spread per FTE."""
    teams: dict[str, dict[str, Any]] = {}
    for row in handlers:
        entry = teams.setdefault(row["team"], _empty_team(row["team"]))
        if not row["away"]:
            entry["active"] += row["active"]
            entry["fte"] += row["fte"]
            entry["loads"].append(row["active"] / row["fte"])
    for case in uncovered:
        if case["team"]:
            teams.setdefault(case["team"], _empty_team(case["team"]))["needing_cover"] += 1
    result = []
    for code in codes.TEAMS:
        if code not in teams:
            continue
        entry = teams[code]
        loads = entry.pop("loads")
        entry["fte"] = round_half_away(entry["fte"], 3)
        entry["mean_per_fte"] = entry["active"] / entry["fte"] if entry["fte"] else None
        entry["spread_per_fte"] = max(loads) - min(loads) if loads else None
        result.append(entry)
    return result


def json_payload(report: dict[str, Any]) -> dict[str, Any]:
    """The machine contract of ``ekbist caseload --format json``: exactly these keys."""
    return {
        "as_of": report["as_of"],
        "handlers": [
            {
                "id": h["id"], "name": h["name"], "team": h["team"], "fte": h["fte"],
                "active": h["active"], "per_fte": two_decimals(h["per_fte"]), "new_30d": h["new_30d"],
                "away": h["away"], "covering": h["covering"], "covered": h["covered"],
            }
            for h in report["handlers"]
        ],
        "teams": [
            {"team": t["team"], "active": t["active"], "fte": t["fte"],
             "mean_per_fte": two_decimals(t["mean_per_fte"])}
            for t in report["teams"]
        ],
        "unassigned": [c["case"] for c in report["uncovered"]],
        "covers": report["covers"],
    }


# -- month by month -----------------------------------------------------------------------


def history(
    store: Store, first: str, last: str, *, team: str | None = None
) -> dict[str, Any]:
    """Active cases per handler at each month's end from ``first`` to ``last`` ('YYYY-MM').

    One query: every assignment span (the part of an assignment while its case is
    active) counts at the month ends from its first month up to, not including,
    the month it ends in; so each span contributes +1 and -1 once, and a running
    sum per handler gives the matrix. A cover's part of a span counts on the covering
    handler instead (``covering``: how many of a cell's cases are carried for others). A handler's cell is None in months they
    were not employed at the month's end. FTE and team are the handler's
    current ones (the store keeps no history of them).
    """
    first = parse_month(first, "from")
    last = parse_month(last, "to")
    if first > last:
        raise EkbistError.about(_("{from} {first} is after {to} {last}"),
                                {"from": "from", "to": "to"}, first=first, last=last)
    months = months_between(first, last)
    if len(months) > MAX_MONTHS:
        raise EkbistError(
            _("at most {n} months at a time").format(n=MAX_MONTHS)
        )
    team = parse_team(team)
    params = {
        "first": first, "last": last,
        "first_end": month_end(first).isoformat(), "last_end": month_end(last).isoformat(),
        "team": team,
    }
    with store.snapshot():
        handlers = store.query(
            "SELECT id, name, team, fte, start_date, end_date FROM handler "
            "WHERE :team IS NULL OR team = :team "
            f"ORDER BY {TEAM_ORDER.format(t='team')}, id",
            params,
        )
        cells = store.query(
            f"""
            WITH RECURSIVE months(m) AS (
                SELECT :first
                UNION ALL
                SELECT strftime('%Y-%m', m || '-01', '+1 month') FROM months WHERE m < :last
            ),
            -- Each span counts +w (and +cw covering) at the month ends from its first month
            -- up to, not including, the month of its first day no longer counted.
            spans AS (
                SELECT a.handler, 1 AS w, 0 AS cw,
                       max(substr(max(a.from_date, c.opened), 1, 7), :first) AS sm,
                       substr(min(coalesce(a.to_date, '9999-12-31'),
                                  coalesce(c.closed, '9999-12-31')), 1, 7) AS em
                FROM cases c CROSS JOIN assignment a ON a.case_id = c.id
                WHERE a.from_date <= :last_end AND c.opened <= :last_end
                  AND (a.to_date IS NULL OR a.to_date > :first_end)
                  AND (c.closed IS NULL OR c.closed > :first_end)
                UNION ALL
                -- A cover moves the part of the assignment it overlaps from the case's own
                -- handler (-1) to the covering handler (+1) while both last.
                SELECT CASE WHEN k.side = 1 THEN q.by_handler ELSE q.own END, k.w, k.side,
                       max(substr(q.s, 1, 7), :first), substr(q.e, 1, 7)
                FROM (
                    SELECT max(cv.from_date, a.from_date, c.opened) AS s,
                           min(coalesce(date(cv.to_date, '+1 day'), '9999-12-31'),
                               coalesce(a.to_date, '9999-12-31'),
                               coalesce(c.closed, '9999-12-31')) AS e,
                           a.handler AS own, cv.handler AS by_handler
                    -- The few covers lead (CROSS JOIN keeps the order): left to itself
                    -- SQLite reads every assignment and looks each one's covers up.
                    FROM cover cv CROSS JOIN cases c ON c.id = cv.case_id
                    CROSS JOIN assignment a ON a.case_id = cv.case_id
                    WHERE cv.from_date <= :last_end
                      AND (cv.to_date IS NULL OR cv.to_date >= :first_end)
                ) q CROSS JOIN (SELECT -1 AS w, 0 AS side UNION ALL SELECT 1, 1) k
                WHERE q.s < q.e
            ),
            counted AS (
                SELECT * FROM spans
                WHERE :team IS NULL OR handler IN (SELECT id FROM handler WHERE team = :team)
            ),
            deltas AS (
                SELECT handler, m, sum(n) AS n, sum(nc) AS nc FROM (
                    SELECT handler, sm AS m, sum(w) AS n, sum(cw) AS nc FROM counted
                    WHERE sm < em GROUP BY handler, sm
                    UNION ALL
                    SELECT handler, em AS m, -sum(w) AS n, -sum(cw) AS nc FROM counted
                    WHERE sm < em AND em <= :last GROUP BY handler, em
                ) GROUP BY handler, m
            ),
            grid AS (
                SELECT h.id AS handler, months.m,
                       date(months.m || '-01', '+1 month', '-1 day') AS d,
                       h.start_date, h.end_date
                FROM handler h CROSS JOIN months
                WHERE :team IS NULL OR h.team = :team
            )
            SELECT g.handler, g.m,
                   sum(coalesce(dl.n, 0)) OVER (PARTITION BY g.handler ORDER BY g.m) AS active,
                   sum(coalesce(dl.nc, 0)) OVER (PARTITION BY g.handler ORDER BY g.m) AS covering,
                   {handler_employed("g.d", "g")} AS employed,
                   {handler_away("g.d", "g.handler")} AS away
            FROM grid g LEFT JOIN deltas dl ON dl.handler = g.handler AND dl.m = g.m
            ORDER BY g.handler, g.m
            """,
            params,
        )
    index = {m: i for i, m in enumerate(months)}
    by_handler: dict[str, dict[str, list]] = {
        h["id"]: {"active": [None] * len(months), "held": [0] * len(months),
                  "covering": [0] * len(months),
                  "away": [False] * len(months), "present": [False] * len(months)}
        for h in handlers
    }
    for cell in cells:
        entry = by_handler[cell["handler"]]
        i = index[cell["m"]]
        entry["held"][i] = cell["active"]
        entry["covering"][i] = cell["covering"]
        if cell["employed"]:
            entry["active"][i] = cell["active"]
            entry["away"][i] = bool(cell["away"])
            entry["present"][i] = not cell["away"]
    team_rows: dict[str, dict[str, list]] = {}
    handler_rows = []
    for h in handlers:
        entry = by_handler[h["id"]]
        if not any(v is not None for v in entry["active"]) and not any(entry["held"]):
            continue
        handler_rows.append(
            {"id": h["id"], "name": h["name"], "team": h["team"], "fte": h["fte"],
             "active": entry["active"], "away": entry["away"], "covering": entry["covering"]}
        )
        t = team_rows.setdefault(
            h["team"],
            {"active": [0] * len(months), "fte": [0.0] * len(months),
             "needing_cover": [0] * len(months)},
        )
        for i in range(len(months)):
            if entry["present"][i]:
                t["active"][i] += entry["held"][i]
                t["fte"][i] += h["fte"]
            else:
                t["needing_cover"][i] += entry["held"][i]
    teams = []
    for code in codes.TEAMS:
        if code not in team_rows:
            continue
        t = team_rows[code]
        teams.append(
            {"team": code, "active": t["active"], "fte": [round_half_away(f, 3) for f in t["fte"]],
             "mean_per_fte": [two_decimals(a / f) if f else None for a, f in zip(t["active"], t["fte"],
                                                                            strict=True)],
             "needing_cover": t["needing_cover"]}
        )
    return {"from": first, "to": last, "team": team, "months": months,
            "handlers": handler_rows, "teams": teams}


def active_cases(store: Store, days: list[date]) -> list[int]:
    """All cases active on each of ``days``, whoever holds them.

    An uncovered case (its handler away or gone, or none at all) is still an
    active case: the reports count these, and divide them by the FTE at work.

    A case is active on a day from its opening up to, not including, its closing
    (:func:`ekbist.day_conditions.case_active`), and a store's case is never closed
    before it was opened; so the cases active on a day are those opened by then less
    those closed by then. One pass over the cases counts the openings and closings per
    day, however many days are asked for.
    """
    from bisect import bisect_right
    from itertools import accumulate

    if not days:
        return []
    last = max(days).isoformat()
    changes = store.tuples(
        "SELECT day, sum(opened), sum(closed) FROM ("
        "  SELECT opened AS day, 1 AS opened, 0 AS closed FROM cases WHERE opened <= :last"
        "  UNION ALL"
        "  SELECT closed, 0, 1 FROM cases WHERE closed <= :last"
        ") GROUP BY day ORDER BY day", {"last": last}).fetchall()
    changed = [row[0] for row in changes]
    net = list(accumulate(row[1] - row[2] for row in changes))
    result = []
    for day in days:
        i = bisect_right(changed, day.isoformat())
        result.append(net[i - 1] if i else 0)
    return result


# -- the spreadsheet kind -------------------------------------------------------------------
def export_rows(
    store: Store, *, date_from: date | str | None = None, date_to: date | str | None = None,
    today: date,
) -> list[dict[str, Any]]:
    """Rows of the caseload report (one per handler and month end) for ``ekbist export caseload``.

    Without dates: the twelve months up to ``today``'s month.
    """
    from ekbist.validate import parse_date

    date_from = parse_date(date_from, "from") if date_from else None
    date_to = parse_date(date_to, "to") if date_to else None
    last_day = date_to or today
    if date_from is None:
        date_from = date.fromisoformat(month_add(last_day.isoformat()[:7], -11) + "-01")
    report = history(store, date_from.strftime("%Y-%m"), last_day.strftime("%Y-%m"))
    means = {t["team"]: t["mean_per_fte"] for t in report["teams"]}
    rows = []
    for i, month in enumerate(report["months"]):
        for h in report["handlers"]:
            active = h["active"][i]
            if active is None:
                continue
            rows.append({
                "month": month,
                "handler": h["id"],
                "name": h["name"],
                "team": h["team"],
                "fte": h["fte"],
                "active": active,
                "per_fte": two_decimals(active / h["fte"]),
                "team_mean_per_fte": means[h["team"]][i],
                "away": h["away"][i],
            })
    return rows
