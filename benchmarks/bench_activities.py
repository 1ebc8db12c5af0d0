"""Activities on the city-scale store (issue 30): ``activities check`` (the Jobbtorg referral
before the first meeting) and the readiness for a full-time activity requirement, one
month and the default twelve, text and JSON; and the check's ``activities`` part switched
on (``check --only activities``, which lists every household without an activity).

Goal: each <= 0.5 s (median of whole processes, as of 2026-11-25) for ``activities check``
and the readiness; the check's part is timed for reference. Beside them, measured in the
same run, the floors: ``ekbist --version`` and the readiness's own statements as the
library writes them, in a bare process (twelve months).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import timing

TODAY = "2026-11-25"
GOAL = 0.5


def floor(db: Path, first: str, last: str) -> dict:
    """The readiness's SQL for ``first`` to ``last``, bare: the households per month, the
    running activities with their cases' months of assistance, the last month's households
    and the handler of those without an activity (the ids the library found)."""
    from datetime import date

    from ekbist.day_conditions import handler_of_case
    from ekbist.months import month_end, month_index
    from ekbist.reports import readiness
    from ekbist.store import Store

    with Store.open(db, readonly=True) as store:
        without = [r["case"] for r in readiness.readiness(
            store, first, last, today=date.fromisoformat(TODAY))["without"]["cases"]]
    span = {"first": first, "last": last, "base": month_index(first),
            "first_day": f"{first}-01", "last_day": month_end(last).isoformat()}
    handlers = (f"SELECT c.id, {handler_of_case('c.id', ':on')} FROM cases c WHERE c.id IN "
                "(SELECT value FROM json_each(:ids))", {"on": TODAY, "ids": json.dumps(without)})
    return timing.sql_floor(db, f"the readiness's statements {first}–{last}", [
        (readiness.sql_households(), span), (readiness.sql_running(), span),
        (readiness.sql_last_month(), {"last": last}), handlers])


def run(city_db: Path, workdir: Path) -> list[dict]:
    db, base = timing.city_command(city_db, workdir, TODAY, "city-activities.db")
    subprocess.run([*base, "settings", "set", "check.activity_requirement", "1"], check=True,
                   stdout=subprocess.DEVNULL)
    month = TODAY[:7]
    cases = [
        ("activities check", ["activities", "check"], GOAL, 11),
        ("activities check --format json", ["activities", "check", "--format", "json"], GOAL,
         7),
        (f"activities readiness --from {month} --to {month}",
         ["activities", "readiness", "--from", month, "--to", month], GOAL, 11),
        ("activities readiness (twelve months)", ["activities", "readiness"], GOAL, 11),
        ("activities readiness --format json (twelve months)",
         ["activities", "readiness", "--format", "json"], GOAL, 7),
    ]
    rows = timing.timed_rows(base, cases, cpu=True)
    # The check's exit status says what it found (1: warnings), so it runs under a shell
    # that always answers 0 (the shell's own few milliseconds included).
    rows += timing.timed_rows(["sh", "-c", '"$@"; exit 0', "sh", *base], [
        ("check --only activities, the part switched on (reference)",
         ["check", "--only", "activities"], 1.0, 5)], cpu=True)
    rows.append(timing.version_floor())
    from ekbist.months import month_add

    rows.append(floor(db, month_add(month, -11), month))
    return rows


if __name__ == "__main__":
    timing.standalone(run)
