"""Readiness for a full-time activity requirement (Ds 2024:29), month by month.

Ds 2024:29 proposes that adults with försörjningsstöd take part in a full-time activity,
unless exempt. ekbist records activities per case (its applicant), so the figure is per
household with assistance in the month (:func:`ekbist.reports.household_months.
sql_household_months`, the atom of every key figure), by what the case's activities in the
month were:

- **full_time**: on some day of the month the activities running together (exemptions not
  counted) reached the set full-time hours a week (setting ``activities.full_time_hours``);
- **exempt**: otherwise, an exemption ran on some day of the month (its reason counted;
  the one that began last when there were several);
- **part_time**: otherwise, an activity ran on some day of the month (below full time,
  0 hours included);
- **none**: no activity and no exemption on any day of the month.

Each month's four classes add up to the month's households with assistance.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from ekbist import codes
from ekbist import settings as unit_settings
from ekbist.months import month_end, month_index, months_between, sql_month_index
from ekbist.reports.household_months import SQL_PAYING
from ekbist.store import Store

CLASSES = ("full_time", "part_time", "exempt", "none")


def full_time_hours(store: Store) -> float:
    """The hours a week that make activities full time (setting activities.full_time_hours)."""
    return float(unit_settings.get(store, "activities.full_time_hours"))


def _most_hours(spans: list[tuple[str, str, float]], first_day: str, last_day: str) -> float:
    """The most hours a week of activities running together on one day of the month: the
    sum is highest on the month's first day or on a day an activity begins."""
    days = {first_day} | {s for s, _e, _h in spans if first_day < s <= last_day}
    return max((sum(h for s, e, h in spans if s <= d <= e) for d in days), default=0.0)


def classify(activities: list[dict[str, Any]], month: str, full_time: float,
             bounds: tuple[str, str] | None = None) -> tuple[str, str | None, float]:
    """The class of one case in ``month`` from its activities (rows with kind, exemption,
    hours, from_date, to_date): (class, exemption reason or None, most hours a week).
    ``bounds``: the month's first and last day, when the caller has them."""
    if not activities:
        return "none", None, 0.0
    first_day, last_day = bounds or (f"{month}-01", month_end(month).isoformat())
    spans, reason, reason_from = [], None, ""
    for a in activities:
        start, end = a["from_date"], a["to_date"] or "9999-12-31"
        if start > last_day or end < first_day:
            continue
        if a["kind"] == "exempt":
            if start >= reason_from:
                reason, reason_from = a["exemption"], start
        else:
            spans.append((max(start, first_day), min(end, last_day), float(a["hours"])))
    hours = _most_hours(spans, first_day, last_day) if spans else 0.0
    if spans and hours >= full_time:
        return "full_time", None, hours
    if reason is not None:
        return "exempt", reason, hours
    if spans:
        return "part_time", None, hours
    return "none", None, hours


# The longest run of months counted in one pass: a household's months are the low bits of
# one SQLite integer, and the number of its paying applications the bits above them.
_CHUNK = 36
_COUNT = 1 << _CHUNK


def _month_bits(lo: str, hi: str, base: int) -> int:
    """The bits of the months from day ``lo`` to day ``hi`` (both 'YYYY-MM-DD'), bit 0 the
    month of index ``base``."""
    low = int(lo[:4]) * 12 + int(lo[5:7]) - 1 - base
    high = int(hi[:4]) * 12 + int(hi[5:7]) - 1 - base
    return ((1 << (high - low + 1)) - 1) << low


def _class_masks(rows: list[tuple], bounds: list[tuple[str, str]], base: int,
                 full_time: float) -> tuple[int, int, dict[str, int]]:
    """The months of one case by class, as bit masks over the span whose months' first and
    last days are ``bounds`` (bit 0 the month of index ``base``): (full time, part time,
    {exemption reason: months}); the other months are none. ``rows``: the case's
    activities overlapping the span, (kind, exemption, hours, from_date, to_date).

    The same classes as :func:`classify` month by month, worked out once per activity
    instead: an activity (or an exemption) counts in every month from its first to its
    last within the span; an exemption's reason is that of the one begun last among those
    in the month, so each exemption takes its months from those begun before it; and
    full time is read from the activity's hours, unless two activities run in one month,
    when :func:`_most_hours` sums them day by day in that month alone."""
    first_day, last_day = bounds[0][0], bounds[-1][1]
    spans: list[tuple[int, str, str, float]] = []
    exempts: list[tuple[str, str, int]] = []
    active = 0
    for kind, reason, hours, start, end in rows:
        end = end or "9999-12-31"
        bits = _month_bits(max(start, first_day), min(end, last_day), base)
        if kind == "exempt":
            exempts.append((start, reason, bits))
        else:
            spans.append((bits, start, end, float(hours)))
            active |= bits
    full = 0
    if len(spans) == 1:
        if spans[0][3] >= full_time:
            full = active
    elif spans:
        months = active
        while months:
            low = months & -months
            months ^= low
            running = [s for s in spans if s[0] & low]
            if len(running) == 1:
                hours = running[0][3]
            else:
                first, last = bounds[low.bit_length() - 1]
                hours = _most_hours([(max(s, first), min(e, last), h)
                                     for _b, s, e, h in running], first, last)
            if hours >= full_time:
                full |= low
    reasons: dict[str, int] = {}
    exempted = 0
    for _start, reason, bits in sorted(exempts, key=lambda e: e[0]):
        for other in reasons:
            reasons[other] &= ~bits
        reasons[reason] = reasons.get(reason, 0) | bits
        exempted |= bits
    return full, active & ~full & ~exempted, {r: b & ~full for r, b in reasons.items()}


def _sql_paid(case: str, *, distinct: bool = False) -> str:
    """The months of ``:first`` to ``:last`` in which case ``case`` had assistance, as bits
    (bit 0 the month of index ``:base``), plus :data:`_COUNT` times the number of its paying
    applications in them. Summed without DISTINCT, which spares SQLite a sort per case, the
    bits are the months exactly when no two applications are for one month, that is when
    their number is the number of bits set (two equal bits added carry into one); with
    ``distinct`` they are the months always, without the number."""
    bit = f"(1 << ({sql_month_index('a.period')} - :base))"
    each = bit if distinct else f"{bit} + {_COUNT}"
    return (f"(SELECT sum({'DISTINCT ' if distinct else ''}{each}) "
            f"FROM application a INDEXED BY application_granted_case "
            f"WHERE a.case_id = {case} AND {SQL_PAYING} "
            f"AND a.period BETWEEN :first AND :last)")


def sql_households() -> str:
    """The households with assistance in each month of ``:first`` to ``:last``: ``period,
    households`` (:func:`ekbist.reports.household_months.sql_household_months` counted)."""
    return f"""SELECT a.period, count(DISTINCT a.case_id) FROM application a
               INDEXED BY application_granted
               WHERE {SQL_PAYING} AND a.period BETWEEN :first AND :last
               GROUP BY a.period"""


def sql_running() -> str:
    """Each activity running on some day of ``:first_day`` to ``:last_day`` with its case's
    months of assistance (:func:`_sql_paid`), in the order of the cases: a case's
    activities come together."""
    return f"""SELECT t.case_id, t.kind, t.exemption, t.hours, t.from_date, t.to_date,
                      {_sql_paid("t.case_id")}
               FROM activity t
               WHERE t.from_date <= :last_day
                 AND (t.to_date IS NULL OR t.to_date >= :first_day)
               ORDER BY t.case_id"""


def sql_last_month() -> str:
    """The households with assistance in the month ``:last``: ``case_id``."""
    return f"""SELECT DISTINCT a.case_id FROM application a INDEXED BY application_granted
               WHERE {SQL_PAYING} AND a.period = :last"""


def _count_span(store: Store, first: str, last: str, full_time: float,
                months: dict[str, dict[str, Any]]) -> set[str]:
    """Count the classes of the months ``first`` to ``last`` (at most :data:`_CHUNK`) into
    ``months``; the cases with an activity or an exemption in the month ``last``.

    The households with assistance per month are counted by SQLite; only the households
    with an activity or an exemption in the span are classed, from their activities and
    the months they had assistance; the rest of each month's households are none."""
    span = months_between(first, last)
    base = month_index(first)
    bounds = [(f"{m}-01", month_end(m).isoformat()) for m in span]
    first_day, last_day = bounds[0][0], bounds[-1][1]
    params = {"first": first, "last": last, "base": base,
              "first_day": first_day, "last_day": last_day}
    for month, households in store.tuples(sql_households(), params):
        months[month]["households"] = households
    rows = store.tuples(sql_running(), params).fetchall()
    paid: dict[str, int] = {}
    repeated: list[str] = []
    for row in rows:
        packed = row[6]
        if packed and row[0] not in paid:
            mask = packed & (_COUNT - 1)
            paid[row[0]] = mask
            if mask.bit_count() != packed >> _CHUNK:
                repeated.append(row[0])
    if repeated:
        paid.update(store.tuples(
            f"SELECT j.value, {_sql_paid('j.value', distinct=True)} FROM json_each(:ids) j",
            {**params, "ids": _json(repeated)}).fetchall())
    tally: Counter[tuple[str, str | None, int]] = Counter()
    classed: set[str] = set()
    last_bit = 1 << (len(span) - 1)
    top = len(span) - 1
    position = {m: i for i, m in enumerate(span)}
    n = len(rows)
    i = 0
    while i < n:
        case_id = rows[i][0]
        j = i + 1
        while j < n and rows[j][0] == case_id:
            j += 1
        mask = paid.get(case_id)
        if not mask:
            i = j
            continue
        if j == i + 1:
            # One activity (the usual case): its class in every month it runs.
            _case, kind, reason, hours, start, end, _paid = rows[i]
            low = position[start[:7]] if start > first_day else 0
            high = position[end[:7]] if end is not None and end < last_day else top
            bits = ((1 << (high - low + 1)) - 1) << low & mask
            if bits:
                if kind == "exempt":
                    tally["exempt", reason, bits] += 1
                elif hours >= full_time:
                    tally["full_time", None, bits] += 1
                else:
                    tally["part_time", None, bits] += 1
                if bits & last_bit:
                    classed.add(case_id)
        else:
            full, part, reasons = _class_masks([r[1:6] for r in rows[i:j]], bounds, base,
                                               full_time)
            every = full | part
            for kind, bits in (("full_time", full), ("part_time", part)):
                if bits & mask:
                    tally[kind, None, bits & mask] += 1
            for reason, bits in reasons.items():
                every |= bits
                if bits & mask:
                    tally["exempt", reason, bits & mask] += 1
            if every & mask & last_bit:
                classed.add(case_id)
        i = j
    for (kind, reason, bits), count in tally.items():
        while bits:
            low = bits & -bits
            bits ^= low
            row = months[span[low.bit_length() - 1]]
            row[kind] += count
            if reason is not None:
                row["exempt_by_reason"][reason] += count
    for month in span:
        row = months[month]
        row["none"] = row["households"] - row["full_time"] - row["part_time"] - row["exempt"]
    return classed


def readiness(store: Store, first: str, last: str, *, today: date,
              handler: str | None = None) -> dict[str, Any]:
    """Households with assistance per month from ``first`` to ``last`` by class, and the
    households of the last month with no activity and no exemption, with their handler on
    the month's last day (or today, when that comes first).

    The JSON contract: ``{"from", "to", "full_time_hours", "reasons": [codes],
    "months": [{"month", "households", "full_time", "part_time", "exempt", "none",
    "exempt_by_reason": {reason: n}}], "without": {"month", "cases": [{"case", "handler"}],
    "by_handler": [{"handler", "cases"}]}}``. With ``handler`` the list is that handler's."""
    from ekbist.day_conditions import handler_of_case

    if handler is not None:
        from ekbist import handlers

        handlers.get(store, handler)
    full_time = full_time_hours(store)
    reasons = list(codes.EXEMPTIONS)
    span = months_between(first, last)
    months = {m: {"month": m, "households": 0, **dict.fromkeys(CLASSES, 0),
                  "exempt_by_reason": dict.fromkeys(reasons, 0)}
              for m in span}
    without: list[str] = []
    with store.snapshot():
        classed: set[str] = set()
        for i in range(0, len(span), _CHUNK):
            chunk = span[i:i + _CHUNK]
            classed = _count_span(store, chunk[0], chunk[-1], full_time, months)
        if span:
            without = [case_id for (case_id,) in store.tuples(sql_last_month(), {"last": last})
                       if case_id not in classed]
        on = min(month_end(last), today).isoformat()
        handler_sql = handler_of_case("c.id", ":on")
        handlers_of = dict(store.tuples(
            f"SELECT c.id, {handler_sql} FROM cases c WHERE c.id IN "
            "(SELECT value FROM json_each(:ids))",
            {"on": on, "ids": _json(without)}).fetchall()) if without else {}
    cases = sorted(({"case": c, "handler": handlers_of.get(c)} for c in without),
                   key=lambda r: (r["handler"] is None, r["handler"] or "", r["case"]))
    if handler is not None:
        cases = [r for r in cases if r["handler"] == handler]
    counted: dict[str | None, int] = {}
    for r in cases:
        counted[r["handler"]] = counted.get(r["handler"], 0) + 1
    return {
        "from": first, "to": last, "full_time_hours": full_time, "reasons": reasons,
        "months": list(months.values()),
        "without": {"month": last, "cases": cases,
                    "by_handler": [{"handler": h, "cases": n} for h, n in counted.items()]},
    }


def _json(values: list[str]) -> str:
    import json

    return json.dumps(values)
