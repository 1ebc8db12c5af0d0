"""Barriers to self-support (försörjningshinder) of a case, over time.

Socialstyrelsen's monthly statistics (HSLF-FS 2015:30, appendix 1) count households and
payments by the reason the adults cannot support themselves, and the unit organises its
work by it ("alla bidragssökande som har arbetslöshet som försörjningshinder får en
besökstid på Jobbtorg"). A case's barrier is recorded from a day on and changes by a new
row, so the history answers "what was the barrier then": the barrier on day D is the row
with the latest ``from_date`` on or before D.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist import cases, codes
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import not_after

# The barriers that count as unemployment (arbetslöshet) for the Jobbtorg referral: the
# three "arbetslös" categories. Those in the establishment programme have their plan with
# Arbetsförmedlingen and are left out.
UNEMPLOYMENT = ("unemployed_no_benefit", "unemployed_insufficient", "unemployed_waiting")

# The stable key of a household with assistance and no barrier recorded.
NOT_RECORDED = "not_recorded"


def sql_barrier_on(case: str, day: str) -> str:
    """SQL: the barrier code of ``case`` (an expression) on ``day`` (an ISO date expression),
    NULL when none was recorded by then. The one definition of "the barrier on a day"."""
    return (f"(SELECT b.code FROM barrier b WHERE b.case_id = {case} AND b.from_date <= {day} "
            f"ORDER BY b.from_date DESC LIMIT 1)")


def set_barrier(store: Store, case_id: str, code: str, *, from_date: date,
                today: date) -> dict[str, Any]:
    """Record ``code`` as the case's barrier from ``from_date`` on (the history is kept).

    Refused before the case was opened, after it was closed, after today, and when the
    barrier from that day is already recorded (the same code: nothing to change)."""
    case = cases.get(store, case_id)
    barrier = codes.parse_code("barrier", code)
    not_after(from_date, today, _("barrier date"))
    day = from_date.isoformat()
    if day < case["opened"]:
        raise EkbistError(_("case '{id}' was opened on {date}; a barrier cannot start before "
                            "that").format(id=case_id, date=case["opened"]))
    if case["closed"] and day >= case["closed"]:
        raise EkbistError(_("case '{id}' was closed on {date}").format(id=case_id,
                                                                      date=case["closed"]))
    with store.transaction():
        current = store.scalar("SELECT " + sql_barrier_on("?", "?"), (case_id, day))
        if current == barrier:
            raise EkbistError(_("case '{id}' already has the barrier {barrier} on {date}").format(
                id=case_id, barrier=codes.label("barrier", barrier), date=day))
        store.execute(
            "INSERT INTO barrier (case_id, from_date, code) VALUES (?, ?, ?) "
            "ON CONFLICT (case_id, from_date) DO UPDATE SET code = excluded.code",
            (case_id, day, barrier))
    return {"case": case_id, "from_date": day, "barrier": barrier}
