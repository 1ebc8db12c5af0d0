"""The monthly full-year prognosis: per activity and line, from the actuals up to a month.

Every month the chief tells the controller what the year will end at. Each line is
forecast by one method:

* ``run-rate`` — the year so far, scaled to twelve months: ``ytd × 12 ÷ M``.
* ``budget`` — the year so far plus the rest of the year's budget, spread evenly by
  month: ``ytd + budget × (12 − M) ÷ 12``.
* ``seasonal`` — the year so far carried on by last year's pattern: ``ytd × last year's
  full year ÷ last year's ytd at M`` (needs last year's twelve months booked).
* ``driver`` — for the line that carries the assistance payments: the year so far plus,
  for each month left, forecast households × forecast average payment (see
  :func:`ekbist.prognosis_driver.driver_forecast`).
* ``manual`` — a figure the chief sets by hand; it always carries a comment.

Amounts are whole kronor; each forecast is computed exactly (fractions) and rounded
once, halves away from zero. Deviation is positive when the line is better than the
budget (a cost below it, a revenue above it); the net is costs − revenues, its
deviation is the year's expected result and adherence is prognosis net ÷ budget net.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from ekbist import budget as budget_store
from ekbist import settings
from ekbist.budget import check_month, check_year
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.money import parse_amount, round_div
from ekbist.months import MONTH_NAMES, month_of
from ekbist.number_text import round_half_away
from ekbist.prognosis_driver import driver_forecast
from ekbist.prognosis_options import (
    BEST,
    MANUAL,
    Rows,
    best_usable,
    comment_text,
    line_methods,
    method_code,
    method_targets,
)
from ekbist.store import Store






class MissingActuals(EkbistError):
    """A prognosis was asked for months whose actuals are not booked yet."""

    def __init__(self, message: str, missing: list[dict[str, Any]]):
        super().__init__(message)
        self.missing = missing


# -- months ------------------------------------------------------------------------
def period(year: int, month: int) -> str:
    """The month 'YYYY-MM' (:func:`ekbist.months.month_of`), as the prognosis names it."""
    return month_of(year, month)


def month_label(year: int, month: int) -> str:
    """'November 2026' in the active language, for messages about a month."""
    return f"{_(MONTH_NAMES[month - 1])} {year}"


# -- actuals a prognosis stands on ----------------------------------------------------
def missing_actuals(store: Store, year: int, month: int) -> list[dict[str, Any]]:
    """The months up to ``month`` of ``year`` in which an activity with a budget lacks actuals.

    A run-rate or a driver forecast built on a month without actuals reads that month as
    nothing spent: a prognosis looks millions better for nothing but missing data. Each
    activity needs ``month`` itself and every month since its first booked month this
    year (months before it are taken as before the unit kept its actuals here).
    """
    return store.query(
        "WITH RECURSIVE m(month) AS (SELECT 1 UNION ALL SELECT month + 1 FROM m WHERE month < :m), "
        "b AS (SELECT activity, min(rowid) AS seq FROM budget WHERE year = :y GROUP BY activity), "
        "f AS (SELECT b.activity, b.seq, coalesce((SELECT min(a.month) FROM actual a "
        "WHERE a.year = :y AND a.activity = b.activity), :m) AS first FROM b) "
        "SELECT m.month, f.activity FROM m JOIN f ON m.month >= min(f.first, :m) "
        "WHERE NOT EXISTS (SELECT 1 FROM actual a WHERE a.year = :y AND a.month = m.month "
        "AND a.activity = f.activity) ORDER BY m.month, f.seq",
        {"y": year, "m": month},
    )


def describe_missing(year: int, missing: Sequence[dict[str, Any]]) -> str:
    """'October 2026 (Arbetsmarknad); November 2026 (A, B)': what is missing, by month."""
    months: dict[int, list[str]] = {}
    for row in missing:
        months.setdefault(row["month"], []).append(row["activity"])
    return "; ".join(
        f"{month_label(year, m)} ({', '.join(names)})" for m, names in sorted(months.items())
    )


# -- methods -----------------------------------------------------------------------
def run_rate(actual_ytd: int, month: int) -> int:
    return round_div(actual_ytd * 12, month)


def budget_rest(actual_ytd: int, budget: int, month: int) -> int:
    return actual_ytd + round_div(budget * (12 - month), 12)


def seasonal(actual_ytd: int, last_full: int, last_ytd: int) -> int:
    """Last year's shape: what was left after month M last year, in proportion to this
    year so far. December peaks and summer dips carry over; a run-rate misses them."""
    return round_div(actual_ytd * last_full, last_ytd)


def seasonal_base(last_complete: bool, last_full: int,
                  last_ytd: int) -> tuple[int, int] | None:
    """The seasonal rule, for the prognosis and its backtest alike: a row is carried on by
    last year's pattern — (last year's full year, last year's ytd at M) — when last year's
    activity has all twelve months booked (``last_complete``) and the row had something
    booked by M; otherwise None (its shape would be a guess, or a division by nothing)."""
    return (last_full, last_ytd) if last_complete and last_ytd != 0 else None


def last_year_bases(store: Store, year: int, month: int) -> dict[tuple[str, str], tuple[int, int]]:
    """:func:`seasonal_base` of every (activity, line) with actuals last year, for the rows
    the seasonal method can carry on."""
    incomplete = {r["activity"] for r in missing_actuals(store, year - 1, 12)}
    bases = {
        (r["activity"], r["line"]): seasonal_base(r["activity"] not in incomplete,
                                                  r["full"], r["ytd"])
        for r in store.query(
            "SELECT activity, line, sum(amount) AS full, "
            "coalesce(sum(amount) FILTER (WHERE month <= ?), 0) AS ytd "
            "FROM actual WHERE year = ? GROUP BY activity, line", (month, year - 1))
    }
    return {key: base for key, base in bases.items() if base is not None}


def deviation(kind: str, budget: int, prognosis: int) -> int:
    """Positive = better than budget: a cost below it or a revenue above it."""
    return budget - prognosis if kind == "cost" else prognosis - budget


def adherence(prognosis_net: int, budget_net: int) -> float | None:
    return None if budget_net == 0 else round_half_away(prognosis_net / budget_net, 6)


# -- making a prognosis ---------------------------------------------------------------
def make(
    store: Store,
    year: Any,
    month: Any,
    *,
    methods: Sequence[tuple[str, str]] = (),
    overrides: Sequence[tuple[str, str]] = (),
    comments: Sequence[tuple[str, str]] = (),
    today: date | None = None,
    details: dict[str, Any] | None = None,
    allow_missing_actuals: bool = False,
    choose_best: Callable[[Store, int, int], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The full-year prognosis as of ``month`` (actuals up to and including it).

    Every activity with a budget needs actuals booked for each month up to ``month``;
    otherwise :class:`MissingActuals` names what is missing, unless
    ``allow_missing_actuals`` — then the result lists it under ``missing_actuals``.

    ``methods``, ``overrides`` and ``comments`` are (KEY, VALUE) pairs where KEY is a
    line (every activity that has it), ``ACTIVITY:LINE``, or for methods ``*``. A dict
    passed as ``details`` receives the driver forecast used ("driver", or None), whether the
    assistance row fell back to run-rate for want of households ("fallback") and the
    assistance row's key ("assistance"), for a caller that explains the figure.

    A method ``best`` takes, per row, the method ``choose_best(store, year, month)`` found
    closest in the backtest (rows it has no history for keep the default; its ``driver``,
    when given, is this year's households × average forecast); the setting
    ``prognosis.line_methods`` fixes rows' methods below anything given here. Each line
    says how its method was chosen (``chosen_by``: "best", "setting" or None) and the
    backtest error of the chosen method when there is one.
    """
    year = check_year(year)
    month = check_month(month)
    if today is not None and (year, month) > (today.year, today.month):
        raise EkbistError(
            _("{period} has not come yet (today is {today})").format(
                period=period(year, month), today=today.isoformat()
            )
        )
    with store.snapshot():
        rows = Rows(store, year, month)
        if not rows.activities:
            raise EkbistError(
                _("no budget or actuals for {year} — use 'ekbist budget set' or import the "
                  "controller's workbook").format(year=year)
            )
        gaps = missing_actuals(store, year, month)
        if gaps and not allow_missing_actuals:
            raise MissingActuals(
                _("no actuals booked for {missing} — book them with 'ekbist actuals set' or "
                  "'ekbist import' (or make the prognosis anyway with 'ekbist prognosis make "
                  "--allow-missing-actuals')").format(
                    missing=describe_missing(year, gaps)
                ),
                gaps,
            )
        assistance_line = str(settings.get(store, "budget.assistance_line"))
        assistance_activity = str(settings.get(store, "budget.assistance_activity"))
        assistance = (assistance_activity, assistance_line)

        chosen: dict[tuple[str, str], str] = {}
        specific: dict[tuple[str, str], int] = {}
        last_year: dict[tuple[str, str], tuple[int, int]] | None = None
        source: dict[tuple[str, str], str | None] = {}
        no_season: list[tuple[str, str]] = []
        fixed = [(k, v, "setting") for k, v in line_methods(store)]
        for key, value, origin in [*fixed, *((k, v, None) for k, v in methods)]:
            method = method_code(value, key)
            rank = 0 if key == "*" else (2 if ":" in key else 1)
            for target in method_targets(rows, key, origin):
                if method == "driver" and target != assistance:
                    if rank == 0 or (rank == 1 and assistance[1] == target[1]):
                        continue  # '*=driver' or LINE=driver reach only the assistance row
                    raise EkbistError.about(
                        _("{method} {line}: the driver method forecasts only "
                          "{activity}:{assistance} (settings budget.assistance_activity and "
                          "budget.assistance_line)"), {"method": "method"},
                        line=key, activity=assistance_activity, assistance=assistance_line)
                if method == "seasonal":
                    if last_year is None:
                        last_year = last_year_bases(store, year, month)
                    if target not in last_year:
                        if rank == 0 or origin == "setting":
                            no_season.append(target)
                            continue  # '*=seasonal' (or the setting) reaches the rows last
                            # year can carry
                        raise EkbistError.about(
                            _("{method} {line}: the seasonal method needs {activity}'s actuals "
                              "for all twelve months of {last} and something booked on the line "
                              "by {period}; choose run-rate or budget"), {"method": "method"},
                            line=key, activity=target[0], last=year - 1,
                            period=period(year - 1, month))
                if rank >= specific.get(target, -1):
                    chosen[target] = method
                    specific[target] = rank
                    source[target] = origin

        errors: dict[tuple[str, str], float | None] = {}
        driver_now: dict[str, Any] | None | bool = False  # False: not computed yet
        if BEST in chosen.values():
            if choose_best is None:
                raise ValueError("method 'best' needs choose_best (the backtest)")
            found = choose_best(store, year, month)
            best = found["rows"]
            if last_year is None:
                last_year = last_year_bases(store, year, month)
            # the backtest's read of the households serves this year's forecast too
            driver_now = (found["driver"] if "driver" in found
                          else driver_forecast(store, year, month))
            usable_driver = driver_now is not None
            for target, method in list(chosen.items()):
                if method != BEST:
                    continue
                pick = best_usable(best.get(target), target in last_year,
                                    usable_driver and target == assistance)
                if pick is None:
                    del chosen[target]
                    source[target] = None
                else:
                    # chosen on the exact errors; kept with four decimals, as shares are shown
                    chosen[target] = pick[0]
                    errors[target] = None if pick[1] is None else round_half_away(pick[1], 4)
                    source[target] = "best"

        figures: dict[tuple[str, str], int] = {}
        for key, value in overrides:
            (target,) = rows.targets(key, "set", single=True)
            try:
                figures[target] = parse_amount(value, key)
            except EkbistError as exc:
                raise EkbistError.about("{set} {reason}", {"set": "set"}, reason=exc) from None

        notes: dict[tuple[str, str], str] = {}
        for key, value in comments:
            (target,) = rows.targets(key, "comment", single=True)
            notes[target] = comment_text(value, key)

        missing = [f"{a}:{line}" for a, line in figures if (a, line) not in notes]
        if missing:
            raise EkbistError.about(
                _("every figure set by hand needs a comment: add {comment} {lines}=TEXT"),
                {"comment": "comment"}, lines=", ".join(missing))

        driver = None
        wants_driver = (assistance in rows.rows and assistance not in figures
                        and chosen.get(assistance, "driver") == "driver")
        if wants_driver:
            driver = (driver_forecast(store, year, month) if driver_now is False
                      else driver_now)
            if driver is None and chosen.get(assistance) == "driver":
                raise EkbistError.about(
                    _("the driver method needs granted applications in the three months up to "
                      "{period}; choose {method} '{line}=run-rate' or 'budget'"),
                    {"method": "method"}, period=period(year, month), line=assistance_line)

        lines_out = []
        for target in rows.ordered():
            activity, line = target
            kind = rows.kind[line]
            base = rows.rows[target]
            ytd, budget_amount = base["actual_ytd"], base["budget"]
            if target in figures:
                method, prognosis = MANUAL, figures[target]
            else:
                method = chosen.get(target)
                if method is None:
                    method = "driver" if target == assistance and driver is not None else "run-rate"
                if method == "driver":
                    prognosis = ytd + driver["total"]
                elif method == "budget":
                    prognosis = budget_rest(ytd, budget_amount, month)
                elif method == "seasonal":
                    assert last_year is not None
                    prognosis = seasonal(ytd, *last_year[target])
                else:
                    prognosis = run_rate(ytd, month)
            lines_out.append({
                "activity": activity, "line": line, "kind": kind, "budget": budget_amount,
                "actual_ytd": ytd, "prognosis": prognosis,
                "deviation": deviation(kind, budget_amount, prognosis),
                "method": method, "comment": notes.get(target),
                "chosen_by": None if method == MANUAL else source.get(target),
                "backtest_error": None if method == MANUAL else errors.get(target),
            })
    if details is not None:
        details["driver"] = driver
        details["fallback"] = wants_driver and driver is None
        details["assistance"] = assistance if assistance in rows.rows else None
        # rows '*=seasonal' left to their default: last year cannot carry them
        details["no_season"] = [t for t in no_season if chosen.get(t) != "seasonal"]
    result = summarise(year, month, lines_out, rows.activities)
    result["missing_actuals"] = gaps
    return result


def summarise(year: int, month: int, lines_out: list[dict[str, Any]],
              order: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON contract: lines, then net, deviation and adherence per activity and in total."""
    mine: dict[str, list[dict[str, Any]]] = {}
    for r in lines_out:
        mine.setdefault(r["activity"], []).append(r)
    # ``order`` first (the names that have lines), then the rest as the lines bring them.
    names = dict.fromkeys([*(n for n in order or () if n in mine), *mine])
    activities = [_net_block({"activity": name}, mine[name]) for name in names]
    return {
        "year": year,
        "month": month,
        "lines": lines_out,
        "activities": activities,
        "total": _net_block({}, lines_out),
    }


def _net_block(head: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    budget_net = budget_store.net(rows, "budget")[2]
    prognosis_net = budget_store.net(rows, "prognosis")[2]
    return {
        **head,
        "budget_net": budget_net,
        "prognosis_net": prognosis_net,
        "deviation": budget_net - prognosis_net,
        "adherence": adherence(prognosis_net, budget_net),
    }


# -- saving and reading back ------------------------------------------------------------
def save(store: Store, result: dict[str, Any], *, today: date) -> int:
    """Store ``result`` as the prognosis of its month, replacing an earlier one (audited)."""
    year, month = result["year"], result["month"]
    with store.transaction():
        store.executemany(
            "INSERT INTO prognosis (year, month, activity, line, budget, actual_ytd, prognosis, "
            "method, comment, saved_on, missing_actuals, chosen_by, backtest_error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (year, month, activity, line) DO UPDATE SET budget = excluded.budget, "
            "actual_ytd = excluded.actual_ytd, prognosis = excluded.prognosis, "
            "method = excluded.method, comment = excluded.comment, saved_on = excluded.saved_on, "
            "missing_actuals = excluded.missing_actuals, chosen_by = excluded.chosen_by, "
            "backtest_error = excluded.backtest_error",
            [
                (year, month, r["activity"], r["line"], r["budget"], r["actual_ytd"],
                 r["prognosis"], r["method"], r["comment"], today.isoformat(),
                 _missing_months(result, r["activity"]), r.get("chosen_by"),
                 r.get("backtest_error"))
                for r in result["lines"]
            ],
        )
        keep = {(r["activity"], r["line"]) for r in result["lines"]}
        stale = [
            (r["activity"], r["line"])
            for r in store.query(
                "SELECT activity, line FROM prognosis WHERE year = ? AND month = ?", (year, month)
            )
            if (r["activity"], r["line"]) not in keep
        ]
        store.executemany(
            "DELETE FROM prognosis WHERE year = ? AND month = ? AND activity = ? AND line = ?",
            [(year, month, a, line) for a, line in stale],
        )
    return len(result["lines"])


def _missing_months(result: dict[str, Any], activity: str) -> str | None:
    """The months without actuals of one activity, as the saved row keeps them: '10,11'."""
    months = [str(m["month"]) for m in result.get("missing_actuals", ()) if m["activity"] == activity]
    return ",".join(months) or None


def saved_on(store: Store, year: int, month: int) -> str | None:
    """The day the prognosis of a month was last saved, or None if it never was."""
    return store.scalar(
        "SELECT max(saved_on) FROM prognosis WHERE year = ? AND month = ?", (year, month))


def saved_or_made(store: Store, year: int, month: int, *,
                  today: date) -> tuple[dict[str, Any], str | None]:
    """The prognosis of a month as a report uses it: the one saved (with the day it was
    saved), else one made now (None). A made prognosis says it was not sent."""
    if saved_on(store, year, month) is None:
        return make(store, year, month, today=today), None
    result = saved(store, year, month)
    return result, result.pop("saved_on")


def saved_months(store: Store, year: int) -> list[int]:
    return [r["month"] for r in store.query(
        "SELECT DISTINCT month FROM prognosis WHERE year = ? ORDER BY month", (year,))]


def _saved_lines(store: Store, year: int, month: int | None = None) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT p.month, p.activity, p.line, l.kind, p.budget, p.actual_ytd, p.prognosis, "
        "p.method, p.comment, p.saved_on, p.missing_actuals, p.chosen_by, p.backtest_error, "
        "coalesce(a.seq, 1000000000) AS seq "
        "FROM prognosis p "
        "JOIN budget_line l ON l.name = p.line LEFT JOIN (SELECT activity, min(rowid) AS seq "
        "FROM budget WHERE year = :y GROUP BY activity) a "
        "ON a.activity = p.activity WHERE p.year = :y"
        + ("" if month is None else " AND p.month = :m")
        + " ORDER BY p.month, seq, p.activity, l.position, l.name",
        {"y": year, "m": month},
    )
    for r in rows:
        r["deviation"] = deviation(r["kind"], r["budget"], r["prognosis"])
    return rows


def _payload(year: int, month: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("activity", "line", "kind", "budget", "actual_ytd", "prognosis", "deviation",
            "method", "comment", "chosen_by", "backtest_error")
    result = summarise(year, month, [{k: r[k] for k in keys} for r in rows])
    result["saved_on"] = max(r["saved_on"] for r in rows)
    missing = {(int(m), r["activity"]) for r in rows if r["missing_actuals"]
               for m in r["missing_actuals"].split(",")}
    order = {a["activity"]: i for i, a in enumerate(result["activities"])}
    result["missing_actuals"] = [
        {"month": m, "activity": a}
        for m, a in sorted(missing, key=lambda x: (x[0], order[x[1]]))
    ]
    return result


def saved(store: Store, year: Any, month: Any) -> dict[str, Any]:
    """The prognosis saved for ``month`` of ``year``, in the same shape as :func:`make`."""
    year, month = check_year(year), check_month(month)
    rows = _saved_lines(store, year, month)
    if not rows:
        raise EkbistError(
            _("no prognosis saved for {period} — make one with "
              "'ekbist prognosis make --save'").format(period=period(year, month))
        )
    return _payload(year, month, rows)


def latest_saved(store: Store, *, up_to: date | None = None) -> dict[str, Any] | None:
    """The newest saved prognosis (by year and month), or None."""
    where, params = "", ()
    if up_to is not None:
        where, params = "WHERE year * 100 + month <= ?", (up_to.year * 100 + up_to.month,)
    row = store.one(
        f"SELECT year, month FROM prognosis {where} ORDER BY year DESC, month DESC LIMIT 1", params
    )
    return None if row is None else saved(store, row["year"], row["month"])


def history(store: Store, year: Any) -> dict[str, Any]:
    """Every prognosis saved in ``year``, month by month, to see how the forecast moved."""
    year = check_year(year)
    by_month: dict[int, list[dict[str, Any]]] = {}
    for r in _saved_lines(store, year):
        by_month.setdefault(r["month"], []).append(r)
    return {
        "year": year,
        "prognoses": [_payload(year, m, rows) for m, rows in sorted(by_month.items())],
    }
