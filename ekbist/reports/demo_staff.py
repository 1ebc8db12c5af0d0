"""What the demo unit needs for the staff figures and the year report: coded absences,
short and long sick spells, targets and the outcomes only the chief knows.

Drawn from its own ``random.Random`` (seeded from the demo's seed) after everything
else is written, so the rest of the demo stays exactly as it was for a seed. The
targets follow the seed's annual report: sick leave at most 4,4 % (the unit had 9 %),
22 municipal fixed-term jobs (16 were offered), 280 summer jobs, 100 contacts about
violence (96), a current change plan for half the cases (about 30 % were measured).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ekbist.store import Store

SHORT_SPELLS_A_YEAR = (2, 6)
LONG_SPELL_CHANCE = 0.4  # per handler and year
# (key, value, direction, label); shares in per cent, money in tkr.
TARGETS = (
    ("sick_leave", 4.4, "at_most", "Sjukfrånvaro högst 4,4 %"),
    ("plan_coverage", 50, "at_least", "Aktuell förändringsplan minst 50 %"),
    ("share_decided_in_time", 85, "at_least", "Beslut inom fem arbetsdagar minst 85 %"),
    ("cases_per_fte", 30, "at_most", "Högst 30 ärenden per årsarbetare"),
    ("long_term_share_of_households", 40, "at_most", "Långvarigt bistånd högst 40 %"),
    ("staff_turnover", 10, "at_most", "Personalomsättning högst 10 %"),
    ("budget_result", 0, "at_least", "Budget i balans"),
)
# (key, target, outcome in a whole year, label)
MANUAL = (
    ("municipal_jobs", 22, 16, "Kommunala visstidsanställningar"),
    ("summer_jobs", 280, 285, "Sommarjobb för ungdomar"),
    ("violence_contacts", 100, 96, "Kontakter med våldsutsatta"),
)


def _free(taken: list[tuple[date, date]], first: date, last: date) -> bool:
    return all(last < a or first > b for a, b in taken)


def fill(store: Store, *, seed: int, first_day: date, as_of: date) -> dict[str, int]:
    """Write the coded absences, targets and manual outcomes; returns the rows touched."""
    rng = random.Random(f"{seed}-staff")
    # The demo's own absences carry their kind in the note.
    store.execute("UPDATE absence SET kind = CASE reason WHEN 'Sjukskrivning' THEN 'sick'"
                  " WHEN 'Föräldraledighet' THEN 'parental' ELSE kind END")
    absences = {}
    for handler, a, b in store.tuples("SELECT handler, from_date, to_date FROM absence"):
        absences.setdefault(handler, []).append(
            (date.fromisoformat(a), date.fromisoformat(b) if b else date.max))
    rows = []
    handlers = store.query("SELECT id, start_date, end_date FROM handler ORDER BY id")
    for year in range(first_day.year, as_of.year + 1):
        for h in handlers:
            start = max(date(year, 1, 1), first_day,
                        date.fromisoformat(h["start_date"]) if h["start_date"] else date.min)
            end = min(date(year, 12, 31), as_of - timedelta(days=2),
                      date.fromisoformat(h["end_date"]) - timedelta(days=1) if h["end_date"]
                      else date.max)
            if end - start < timedelta(days=30):
                continue
            span = (end - start).days
            wanted = [rng.randint(1, 4) for _ in range(rng.randint(*SHORT_SPELLS_A_YEAR))]
            if rng.random() < LONG_SPELL_CHANCE:
                wanted.append(rng.randint(15, 45))
            taken = absences.setdefault(h["id"], [])
            for length in wanted:
                first = start + timedelta(days=rng.randint(0, max(0, span - length)))
                last = first + timedelta(days=length - 1)
                if last <= end and _free(taken, first, last):
                    taken.append((first, last))
                    rows.append((h["id"], first.isoformat(), last.isoformat(), "sick", ""))
    store.executemany("INSERT INTO absence (handler, from_date, to_date, kind, reason)"
                      " VALUES (?, ?, ?, ?, ?)", rows)
    targets, outcomes = [], []
    for year in range(first_day.year, as_of.year + 1):
        if first_day > date(year, 1, 31):
            continue  # a year the demo barely covers gets no targets
        share = 1.0 if year < as_of.year else (as_of.month - 1 + as_of.day / 31) / 12
        targets += [(year, *t) for t in TARGETS]
        for key, target, outcome, label in MANUAL:
            targets.append((year, key, target, "at_least", label))
            outcomes.append((year, key, round(outcome * share), label))
    store.executemany("INSERT INTO target (year, key, value, direction, label)"
                      " VALUES (?, ?, ?, ?, ?)", targets)
    store.executemany("INSERT INTO outcome (year, key, value, label) VALUES (?, ?, ?, ?)",
                      outcomes)
    return {"absence": len(rows), "target": len(targets), "outcome": len(outcomes)}
