"""What the demo unit needs for the key figures: birth years, first contacts, a population
(in total, and by age band and sex).

Drawn from its own ``random.Random`` (seeded from the demo's seed), after the cases
and applications are written, so the rest of the demo stays exactly as it was for a
seed. The distributions follow Socialstyrelsen's statistics on ekonomiskt bistånd
in outline: about a fifth of applicants are young adults (18–24), a few birth years
are unknown; a new applicant's first contact lies a few days to three weeks before
the application arrives; the population is sized so that the long-term adults are
about half a per cent of the adult population, as in the seed (0.57 %).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ekbist.store import Store

# Applicant age at the case's opening: (lowest, highest, weight).
AGE_BANDS = ((18, 24, 22), (25, 29, 14), (30, 39, 24), (40, 49, 18), (50, 64, 19), (65, 80, 3))
UNKNOWN_BIRTH_YEAR = 0.03
ADULTS_PER_HOUSEHOLD = 135  # inhabitants 18+ per household kept by the demo unit
CHILD_SHARE = 0.22  # children 0–17 among inhabitants
GROWTH = 1.008  # population growth a year
# The population by age band and sex, shaped like a Stockholm district's (SCB, Folkmängden
# efter ålder och kön): (first age, last age or None = and older, share of the adults or of
# the children, women's share of the band).
ADULT_BANDS = ((18, 24, 0.10, 0.48), (25, 64, 0.66, 0.50), (65, None, 0.24, 0.56))
CHILD_BANDS = ((0, 17, 1.0, 0.487),)


def fill(store: Store, *, seed: int, first_day: date, as_of: date, households: int) -> dict[str, int]:
    """Write birth years, first contacts and the population; returns the rows touched."""
    rng = random.Random(f"{seed}-indicators")
    births = []
    for case_id, opened in store.tuples("SELECT id, opened FROM cases ORDER BY id"):
        if rng.random() < UNKNOWN_BIRTH_YEAR:
            continue
        low, high, _w = rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
        births.append((int(opened[:4]) - rng.randint(low, high), case_id))
    store.executemany("UPDATE cases SET birth_year = ? WHERE id = ?", births)
    # The first application of every case opened during the demo is a new applicant's.
    firsts = store.tuples(
        """SELECT a.id, a.received FROM application a JOIN cases c ON c.id = a.case_id
           WHERE c.opened >= ? AND a.rowid = (SELECT b.rowid FROM application b
                                             WHERE b.case_id = a.case_id
                                             ORDER BY b.received, b.id LIMIT 1)
           ORDER BY a.id""", (first_day.isoformat(),)).fetchall()
    contacts = []
    for app_id, received in firsts:
        wait = rng.choices((0, rng.randint(1, 7), rng.randint(8, 21)), weights=(20, 50, 30))[0]
        contacts.append(((date.fromisoformat(received) - timedelta(days=wait)).isoformat(), app_id))
    store.executemany("UPDATE application SET first_contact = ? WHERE id = ?", contacts)
    rows = []
    for year in range(first_day.year - 1, as_of.year + 1):
        adults = round(households * ADULTS_PER_HOUSEHOLD * GROWTH ** (year - as_of.year))
        children = round(adults * CHILD_SHARE / (1 - CHILD_SHARE))
        rows.append((year, adults, children, adults + children))
    store.executemany(
        "INSERT OR REPLACE INTO population (year, adults, children, total) VALUES (?, ?, ?, ?)",
        rows)
    store.executemany(
        "INSERT OR REPLACE INTO population_band (year, gender, age_from, age_to, persons) "
        "VALUES (?, ?, ?, ?, ?)",
        [band for year, adults, children, _total in rows
         for band in _bands(year, adults, ADULT_BANDS) + _bands(year, children, CHILD_BANDS)])
    return {"population": len(rows)}


def _bands(year: int, people: int, shape: tuple) -> list[tuple]:
    """``people`` split over the bands of ``shape`` and the two sexes, summing exactly to it
    (the last band takes what rounding leaves)."""
    out, left = [], people
    for i, (low, high, part, women) in enumerate(shape):
        persons = left if i == len(shape) - 1 else round(people * part)
        left -= persons
        f = round(persons * women)
        out += [(year, "f", low, high, f), (year, "m", low, high, persons - f)]
    return out
