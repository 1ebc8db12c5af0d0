"""The demo unit's barriers to self-support (försörjningshinder), activities, exemptions
and first meetings.

Drawn from generators of their own (seeded from the demo's seed) after the cases are
written, so the rest of the demo stays exactly as it was for a seed. The shares follow
Socialstyrelsen's statistics on barriers in outline (about half of the adults with
assistance are unemployed, social reasons next, then sickness); a few cases have none
recorded, and about a quarter change barrier once while they are open.

Activities are shaped like the seed's unit: a new applicant with unemployment as barrier
gets a Jobbtorg visit a few days before the first meeting (most of them: some meetings are
booked without one), and Jobbtorg goes on for some months; others study, take SFI or a
programme at Arbetsförmedlingen, or are in rehabilitation; the sick and those caring for a
child are exempt.

Attendance is shaped like the seed's monthly control: for most activity months the handler
records it before the application for the next month is decided, in hours or as a share
present; some are recorded a few days after the decision, and some never.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ekbist.store import Store

BARRIER_WEIGHTS = {
    "unemployed_no_benefit": 30, "unemployed_insufficient": 8, "unemployed_waiting": 5,
    "establishment": 5, "sick_certified": 13, "sickness_comp": 4, "social": 15, "parental": 4,
    "working_full": 2, "working_part": 5, "pension": 2, "other": 4,
}
NOT_RECORDED = 0.03
CHANGED = 0.25


def fill(store: Store, *, seed: int, first_day: date, as_of: date) -> dict[str, int]:
    """Write the barriers, activities and first meetings; returns the rows written by table."""
    rng = random.Random(f"{seed}-barriers")
    codes, weights = list(BARRIER_WEIGHTS), list(BARRIER_WEIGHTS.values())
    rows = []
    for case_id, opened, closed in store.tuples(
            "SELECT id, opened, closed FROM cases ORDER BY id").fetchall():
        if rng.random() < NOT_RECORDED:
            continue
        first = rng.choices(codes, weights)[0]
        rows.append((case_id, opened, first))
        end = date.fromisoformat(closed) if closed else as_of
        start = date.fromisoformat(opened)
        if rng.random() < CHANGED and (end - start).days > 60:
            day = start + timedelta(days=rng.randint(30, (end - start).days - 1))
            second = rng.choices(codes, weights)[0]
            if second != first:
                rows.append((case_id, day.isoformat(), second))
    store.executemany("INSERT INTO barrier (case_id, from_date, code) VALUES (?, ?, ?)", rows)
    counts = {"barrier": len(rows)}
    counts.update(_activities(store, seed=seed, first_day=first_day, as_of=as_of))
    counts.update(_attendance(store, seed=seed, as_of=as_of))
    return counts


UNEMPLOYED = ("unemployed_no_benefit", "unemployed_insufficient", "unemployed_waiting")
JOBBTORG_FIRST = 0.85  # new unemployed applicants sent to Jobbtorg before the first meeting
# Barrier -> (activity kind or exempt, exemption reason, hours a week (low, high), share).
OTHERS = {
    "establishment": ("af_programme", None, (20, 40), 0.9),
    "social": ("rehabilitation", None, (8, 20), 0.6),
    "sick_certified": ("exempt", "sickness", (0, 0), 0.8),
    "sickness_comp": ("exempt", "disability", (0, 0), 0.7),
    "parental": ("exempt", "parental", (0, 0), 0.9),
    "working_part": ("studies", None, (10, 20), 0.3),
    "other": ("sfi", None, (15, 25), 0.5),
}


def _activities(store: Store, *, seed: int, first_day: date, as_of: date) -> dict[str, int]:
    rng = random.Random(f"{seed}-activities")
    meetings, activities = [], []
    cases = store.tuples(
        """SELECT c.id, c.opened, c.closed,
                  (SELECT b.code FROM barrier b WHERE b.case_id = c.id
                   ORDER BY b.from_date DESC LIMIT 1)
           FROM cases c ORDER BY c.id""").fetchall()
    for case_id, opened, closed, barrier in cases:
        start = date.fromisoformat(opened)
        end = date.fromisoformat(closed) - timedelta(days=1) if closed else None
        last = min(end, as_of) if end else as_of
        if barrier in UNEMPLOYED:
            if start >= first_day:
                meeting = start + timedelta(days=rng.randint(3, 10))
                meetings.append((case_id, meeting.isoformat()))
                visit = (meeting - timedelta(days=rng.randint(1, 3)) if rng.random() <
                         JOBBTORG_FIRST else meeting + timedelta(days=rng.randint(1, 14)))
            else:
                visit = start + timedelta(days=rng.randint(1, 20))
            if visit <= last:
                stop = visit + timedelta(days=rng.randint(60, 240))
                activities.append((case_id, "jobbtorg", None, "Jobbtorg", rng.choice(
                    (20, 30, 40, 40)), visit.isoformat(),
                    stop.isoformat() if stop <= last else (end.isoformat() if end else None)))
        elif barrier in OTHERS and rng.random() < OTHERS[barrier][3]:
            kind, reason, (low, high), _share = OTHERS[barrier]
            begin = start + timedelta(days=rng.randint(0, 30))
            if begin <= last:
                provider = {"af_programme": "Arbetsförmedlingen", "rehabilitation": "Rehabteamet",
                            "studies": "Komvux", "sfi": "SFI-skolan"}.get(kind, "")
                activities.append((case_id, kind, reason, provider, rng.randint(low, high),
                                   begin.isoformat(), end.isoformat() if end else None))
    store.executemany("INSERT INTO first_visit (case_id, day) VALUES (?, ?)", meetings)
    store.executemany(
        "INSERT INTO activity (case_id, kind, exemption, provider, hours, from_date, to_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", activities)
    return {"first_visit": len(meetings), "activity": len(activities)}


ATTENDANCE_IN_TIME = 0.88  # recorded before the next month's decision
ATTENDANCE_LATE = 0.05  # recorded a few days after it; the rest never
AS_SHARE = 0.3  # recorded as the share present rather than hours
WEEKS_A_MONTH = 4.33


def _attendance(store: Store, *, seed: int, as_of: date) -> dict[str, int]:
    """Attendance for each month an activity ran, up to last month (its own generator)."""
    from ekbist.months import month_add, month_end

    rng = random.Random(f"{seed}-attendance")
    this_month = as_of.isoformat()[:7]
    decided = {(c, p): d for c, p, d in store.tuples(
        "SELECT case_id, period, min(decided) FROM application "
        "WHERE decision IN ('granted', 'partly', 'rejected') GROUP BY case_id, period")}
    rows = []
    for activity, case_id, hours, start, stop in store.tuples(
            "SELECT id, case_id, hours, from_date, to_date FROM activity "
            "WHERE kind <> 'exempt' ORDER BY id").fetchall():
        month, last = start[:7], min((stop or as_of.isoformat())[:7], month_add(this_month, -1))
        while month <= last:
            draw = rng.random()
            after = month_add(month, 1)
            decision = decided.get((case_id, after))
            if draw < ATTENDANCE_IN_TIME:
                if decision is not None:
                    day = date.fromisoformat(decision) - timedelta(days=rng.randint(0, 3))
                else:
                    day = date.fromisoformat(f"{after}-01") + timedelta(days=rng.randint(0, 6))
            elif draw < ATTENDANCE_IN_TIME + ATTENDANCE_LATE and decision is not None:
                day = date.fromisoformat(decision) + timedelta(days=rng.randint(1, 6))
            else:
                day = None
            day = None if day is None else max(day, date.fromisoformat(f"{month}-01"))
            if day is not None and day <= as_of:
                present = rng.uniform(0.5, 1.0)
                if rng.random() < AS_SHARE:
                    rows.append((activity, month, None, round(present, 2), day.isoformat()))
                else:
                    weeks = (month_end(month).day / 7) if month != start[:7] else (
                        (month_end(month) - date.fromisoformat(start)).days + 1) / 7
                    rows.append((activity, month, round(min(400.0, hours * min(
                        weeks, WEEKS_A_MONTH) * present), 1), None, day.isoformat()))
            month = after
    store.executemany("INSERT INTO attendance (activity_id, month, hours, share, recorded) "
                      "VALUES (?, ?, ?, ?, ?)", rows)
    return {"attendance": len(rows)}
