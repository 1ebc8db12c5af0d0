"""The readiness for a full-time activity requirement over several months, counted by hand
on the small unit of ``build_unit`` (anna, bo, cia; C-1 … C-4), and the months of one case
classed at once against the month-by-month rule (:func:`classify`)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ekbist import activities, applications, cases
from ekbist.months import month_end, month_index, months_between
from ekbist.reports import readiness as r

TODAY = date(2026, 11, 25)
NO_REASONS = {"sickness": 0, "parental": 0, "care_of_relative": 0, "disability": 0,
              "other": 0}


def _month(month: str, households: int, full: int = 0, part: int = 0, exempt: int = 0,
           none: int = 0, **reasons: int) -> dict:
    return {"month": month, "households": households, "full_time": full, "part_time": part,
            "exempt": exempt, "none": none, "exempt_by_reason": {**NO_REASONS, **reasons}}


def _grant(store, case: str, period: str, n: int, decision: str | None = "granted",
           amount: int = 4000) -> None:
    received = date(int(period[:4]), int(period[5:7]), 15)
    app_id = f"A-{case}-{period}-{n}"
    applications.add(store, case, period=period, received=received, completed=received,
                     app_id=app_id, today=TODAY)
    if decision is None:
        return
    applications.decide(store, app_id, received, decision,
                        amount=amount if decision in ("granted", "partly") else None,
                        today=TODAY)


def _add(store, case: str, kind: str, first: str, last: str | None = None, hours: float = 0,
         reason: str | None = None) -> None:
    activities.add(store, case, kind=kind, hours=hours, exemption=reason,
                   from_date=date.fromisoformat(first),
                   to_date=date.fromisoformat(last) if last else None, today=TODAY)


def test_a_series_of_months_is_each_month_counted_alone(unit_store) -> None:
    s = unit_store
    # C-1: Jobbtorg 20 h 02-15 … 04-10 and a municipal job 20 h from 03-20: 40 h together
    # in March and April (full time), alone part time in February and May; sick from May
    # to June, which outweighs part time but not full time.
    _add(s, "C-1", "jobbtorg", "2026-02-15", "2026-04-10", hours=20)
    _add(s, "C-1", "municipal_job", "2026-03-20", hours=20)
    _add(s, "C-1", "exempt", "2026-05-01", "2026-06-30", reason="sickness")
    # C-2: care of a child in March and April, sick from 04-15: April's reason is the
    # exemption begun last.
    _add(s, "C-2", "exempt", "2026-03-01", "2026-04-30", reason="parental")
    _add(s, "C-2", "exempt", "2026-04-15", reason="sickness")
    # C-3: studies 40 h from June, and exempt from 06-10: full time wins.
    _add(s, "C-3", "studies", "2026-06-01", hours=40)
    _add(s, "C-3", "exempt", "2026-06-10", reason="other")
    # One activity each: C-5 Jobbtorg 10 h in February (part time), C-6 exempt for a
    # disability from 03-10 on, C-7 studies 40 h from December to January (full time).
    for case in ("C-5", "C-6", "C-7"):
        cases.open_case(s, case, handler="anna", opened=date(2025, 12, 1), today=TODAY)
    _add(s, "C-5", "jobbtorg", "2026-02-01", "2026-02-28", hours=10)
    _add(s, "C-6", "exempt", "2026-03-10", reason="disability")
    _add(s, "C-7", "studies", "2025-12-15", "2026-01-31", hours=40)
    for case, paid in (("C-5", ("2026-01", "2026-02", "2026-03")),
                       ("C-6", ("2026-03", "2026-04")), ("C-7", ("2026-01", "2026-02"))):
        for month in paid:
            _grant(s, case, month, 1)
    for month in months_between("2026-01", "2026-06"):
        _grant(s, "C-1", month, 1)
    _grant(s, "C-1", "2026-06", 2)  # a second payment for June: still one household
    for month in months_between("2026-03", "2026-06"):
        _grant(s, "C-2", month, 1)
    _grant(s, "C-3", "2026-05", 1)
    _grant(s, "C-3", "2026-06", 1)
    # No assistance in July: rejected, withdrawn, not yet decided.
    _grant(s, "C-2", "2026-07", 1, decision="rejected")
    _grant(s, "C-3", "2026-07", 1, decision="withdrawn")
    _grant(s, "C-1", "2026-07", 1, decision=None)
    expected = [
        _month("2026-01", 3, full=1, none=2),  # C-7; C-1, C-5
        _month("2026-02", 3, part=2, none=1),  # C-1, C-5; C-7
        _month("2026-03", 4, full=1, exempt=2, none=1, parental=1, disability=1),  # C-5 none
        _month("2026-04", 3, full=1, exempt=2, sickness=1, disability=1),
        _month("2026-05", 3, exempt=2, none=1, sickness=2),
        _month("2026-06", 3, full=1, exempt=2, sickness=2),
        _month("2026-07", 0),
    ]
    series = r.readiness(s, "2026-01", "2026-07", today=TODAY)
    assert series["months"] == expected
    alone = [r.readiness(s, m, m, today=TODAY) for m in months_between("2026-01", "2026-07")]
    assert [a["months"][0] for a in alone] == expected
    # The list of those with none is the last month's: C-3 in May (studies from June).
    assert [a["without"]["cases"] for a in alone][:5] == [
        [{"case": "C-5", "handler": "anna"}, {"case": "C-1", "handler": "bo"}],
        [{"case": "C-7", "handler": "anna"}], [{"case": "C-5", "handler": "anna"}], [],
        [{"case": "C-3", "handler": "cia"}]]
    assert r.readiness(s, "2026-02", "2026-05", today=TODAY)["without"]["cases"] == [
        {"case": "C-3", "handler": "cia"}]
    # C-5's Jobbtorg in February leaves it on March's list.
    assert r.readiness(s, "2026-02", "2026-03", today=TODAY)["without"]["cases"] == [
        {"case": "C-5", "handler": "anna"}]
    assert series["without"] == {"month": "2026-07", "cases": [], "by_handler": []}


def _reference(rows: list[tuple], span: list[str], full_time: float) -> list[tuple]:
    """Each month classed alone by :func:`classify`."""
    acts = [{"kind": k, "exemption": e, "hours": h, "from_date": f, "to_date": t}
            for k, e, h, f, t in rows]
    out = []
    for month in span:
        kind, reason, _hours = r.classify(acts, month, full_time)
        out.append((kind, reason))
    return out


def _from_masks(rows: list[tuple], span: list[str], full_time: float) -> list[tuple]:
    bounds = [(f"{m}-01", month_end(m).isoformat()) for m in span]
    first_day, last_day = bounds[0][0], bounds[-1][1]
    running = [row for row in rows if row[3] <= last_day and (row[4] or "9999") >= first_day]
    full, part, reasons = r._class_masks(running, bounds, month_index(span[0]), full_time)
    out = []
    for i in range(len(span)):
        bit = 1 << i
        named = [reason for reason, bits in reasons.items() if bits & bit]
        assert len(named) <= 1
        if full & bit:
            out.append(("full_time", None))
        elif named:
            out.append(("exempt", named[0]))
        elif part & bit:
            out.append(("part_time", None))
        else:
            out.append(("none", None))
    return out


_DAYS = [d.isoformat() for d in (date(2025, 12, 20), date(2026, 1, 1), date(2026, 1, 15),
                                 date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 14),
                                 date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 20),
                                 date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 30),
                                 date(2026, 5, 2))]


@st.composite
def _activity(draw) -> tuple:
    start = draw(st.sampled_from(_DAYS))
    end = draw(st.one_of(st.none(), st.sampled_from([d for d in _DAYS if d >= start])))
    if draw(st.booleans()):
        reason = draw(st.sampled_from(["sickness", "parental", "other"]))
        return ("exempt", reason, 0.0, start, end)
    return (draw(st.sampled_from(["jobbtorg", "studies"])), None,
            float(draw(st.sampled_from([0, 10, 15, 20, 25, 40]))), start, end)


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(_activity(), max_size=5), full_time=st.sampled_from([0.0, 20.0, 40.0]),
       first=st.sampled_from(["2026-01", "2026-02"]), last=st.sampled_from(["2026-03",
                                                                             "2026-04"]))
def test_the_months_of_a_case_classed_at_once_match_each_month_alone(rows, full_time, first,
                                                                      last) -> None:
    # The store keeps one exemption of a case per start day (activity_one_start).
    starts = [row[3] for row in rows if row[0] == "exempt"]
    if len(starts) != len(set(starts)):
        rows = [row for row in rows if row[0] != "exempt"]
    span = months_between(first, last)
    assert _from_masks(rows, span, full_time) == _reference(rows, span, full_time)
