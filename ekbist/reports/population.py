"""The municipality's population per year (folkmängd den 31 december).

The key figures' population shares (Kolada's share of the adult population with
long-term assistance, N31001 cost per inhabitant) divide by the population on
31 December of the year, as Statistics Sweden publishes it. ekbist cannot know it,
so the chief records it once a year: in total (adults, children, everyone) and, for the
figures that need an age group or a sex, by age band and sex (``population_band``).
"""

from __future__ import annotations

import re
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store

YEAR_MIN, YEAR_MAX = 1900, 2200


def _check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise EkbistError(_("year {year} is outside {low}–{high}").format(
            year=year, low=YEAR_MIN, high=YEAR_MAX))


def check(year: int, adults: int, children: int, total: int) -> None:
    _check_year(year)
    if adults < 0 or children < 0 or total < 0:
        raise EkbistError(_("population figures cannot be negative"))
    if total < adults + children:
        raise EkbistError(
            _("the total {total} is less than adults and children together ({sum})").format(
                total=total, sum=adults + children))
    if total == 0:
        raise EkbistError(_("a population of 0 gives no shares"))


def set_population(store: Store, year: int, *, adults: int, children: int,
                   total: int) -> dict[str, Any]:
    """Record (or replace) the population of ``year``; the audit keeps the earlier figure."""
    check(year, adults, children, total)
    with store.transaction():
        store.execute(
            "INSERT INTO population (year, adults, children, total) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (year) DO UPDATE SET adults = excluded.adults, "
            "children = excluded.children, total = excluded.total",
            (year, adults, children, total))
    return get(store, year)


def get(store: Store, year: int) -> dict[str, Any] | None:
    return store.one("SELECT year, adults, children, total FROM population WHERE year = ?",
                     (year,))


def list_population(store: Store) -> list[dict[str, Any]]:
    """Every year whose population the figures divide by, with the numbers they use
    (:func:`totals`): as recorded in total, else summed from age bands that cover every
    age of both sexes. A year recorded by bands alone is listed, not hidden."""
    years = store.tuples("SELECT year FROM population UNION SELECT year FROM population_band "
                         "ORDER BY year").fetchall()
    return [{"year": y, **t} for (y,) in years if (t := totals(store, y))]


# -- by age band and sex ---------------------------------------------------------------------
# Statistics Sweden's table "Folkmängden efter region, ålder och kön" gives the population on
# 31 December by single year of age (0 år … 100+ år) and by sex; a unit may also record wider
# bands. The figures that divide by an age group (young adults 18–24, adults per sex) sum the
# bands that lie inside the group, and only when they cover it whole.
AGE_MAX = 130
ADULT_AGE = 18

_AGE = re.compile(r"^(\d{1,3})\s*(?:(\+)|[-–—]\s*(\d{1,3}))?$", re.ASCII)


def parse_age_band(text: Any) -> tuple[int, int | None]:
    """The ages a band covers, from how people and SCB write them: "18-24", "18–24",
    "18 år", "100+ år", "65+" (and older: ``age_to`` None). Ages are 0–130."""
    raw = " ".join(str(text if text is not None else "").split())
    cleaned = re.sub(r"\s*(?:år|years?)\s*", " ", raw, flags=re.IGNORECASE).strip()
    cleaned = re.sub(r"\s*\+\s*$", "+", cleaned)
    match = _AGE.match(cleaned)
    if not match:
        raise EkbistError(_("'{value}' is not an age band (write 18-24, 18 or 65+)").format(
            value=raw))
    low = int(match.group(1))
    high = None if match.group(2) else int(match.group(3) or low)
    if low > AGE_MAX or (high is not None and high > AGE_MAX):
        raise EkbistError(_("an age is at most {max}, not '{value}'").format(
            max=AGE_MAX, value=raw))
    if high is not None and high < low:
        raise EkbistError(_("the age band '{value}' ends before it starts").format(value=raw))
    return low, high


def band_text(age_from: int, age_to: int | None) -> str:
    """A band as SCB and the unit write it: 18-24, 18, 100+."""
    if age_to is None:
        return f"{age_from}+"
    return str(age_from) if age_to == age_from else f"{age_from}-{age_to}"


def _overlapping(store: Store, year: int, gender: str, age_from: int,
                 age_to: int | None) -> dict[str, Any] | None:
    """A recorded band of the same year and sex that shares an age with this one (the band
    starting at the same age is the one being replaced, not an overlap)."""
    return store.one(
        "SELECT age_from, age_to FROM population_band WHERE year = ? AND gender = ? "
        "AND age_from <> ? AND age_from <= coalesce(?, 999) AND ? <= coalesce(age_to, 999) "
        "ORDER BY age_from LIMIT 1", (year, gender, age_from, age_to, age_from))


def set_band(store: Store, year: int, *, age: str, gender: str, persons: int) -> dict[str, Any]:
    """Record (or replace) the inhabitants of one age band and sex on 31 December of ``year``.

    Refused: a year outside 1900–2200, a sex other than women and men (Statistics Sweden
    counts those two), a negative count, and a band that shares an age with another band
    of the same year and sex (the sums would count those people twice)."""
    from ekbist import codes

    _check_year(year)
    sex = codes.parse_code("population_gender", gender)
    age_from, age_to = parse_age_band(age)
    if persons < 0:
        raise EkbistError(_("population figures cannot be negative"))
    with store.transaction():
        other = _overlapping(store, year, sex, age_from, age_to)
        if other is not None:
            raise EkbistError(
                _("the ages {band} overlap the band {other} already recorded for {year} "
                  "({sex})").format(band=band_text(age_from, age_to),
                                    other=band_text(other["age_from"], other["age_to"]),
                                    year=year, sex=codes.label("population_gender", sex)))
        store.execute(
            "INSERT INTO population_band (year, gender, age_from, age_to, persons) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (year, gender, age_from) DO UPDATE SET "
            "age_to = excluded.age_to, persons = excluded.persons",
            (year, sex, age_from, age_to, persons))
    return {"year": year, "gender": sex, "age": band_text(age_from, age_to),
            "age_from": age_from, "age_to": age_to, "persons": persons}


def list_bands(store: Store, year: int | None = None) -> list[dict[str, Any]]:
    """The recorded bands, by year, sex and age."""
    where, params = ("WHERE year = ?", (year,)) if year is not None else ("", ())
    return [{**r, "age": band_text(r["age_from"], r["age_to"])} for r in store.query(
        f"SELECT year, gender, age_from, age_to, persons FROM population_band {where} "
        f"ORDER BY year, gender, age_from", params)]


def persons_aged(bands: list[tuple], low: int, high: int | None,
                 gender: str | None = None) -> int | None:
    """Inhabitants aged ``low`` to ``high`` (None = and older) of ``gender`` (None = both)
    from ``bands`` (``gender, age_from, age_to, persons`` of one year). None unless the
    bands inside the ages cover every one of them for each sex asked: a band that straddles
    the edge (15–19 for 18–24) cannot be split, and a missing age is not 0 people."""
    total = 0
    for sex in ((gender,) if gender else ("f", "m")):
        inside = sorted((b for b in bands if b[0] == sex and b[1] >= low
                         and (high is None or (b[2] is not None and b[2] <= high))),
                        key=lambda b: b[1])
        expected = low
        for _sex, age_from, age_to, persons in inside:
            if age_from != expected:
                return None
            total += persons
            if age_to is None:
                expected = None
                break
            expected = age_to + 1
        if high is None and expected is not None:
            return None
        if high is not None and expected != high + 1:
            return None
    return total


def year_bands(store: Store, year: int) -> list[tuple]:
    """The bands of ``year`` as ``gender, age_from, age_to, persons`` tuples."""
    return store.tuples("SELECT gender, age_from, age_to, persons FROM population_band "
                        "WHERE year = ?", (year,)).fetchall()


def totals(store: Store, year: int) -> dict[str, int] | None:
    """Adults, children and the total of ``year``: as recorded with ``population set
    --adults/--children/--total`` (or the Folkmängd sheet), else summed from the age bands
    when they cover every age of both sexes; None when neither is there."""
    row = get(store, year)
    if row is not None:
        return {"adults": row["adults"], "children": row["children"], "total": row["total"]}
    bands = year_bands(store, year)
    adults = persons_aged(bands, ADULT_AGE, None)
    children = persons_aged(bands, 0, ADULT_AGE - 1)
    if adults is None or children is None or adults + children == 0:
        return None
    return {"adults": adults, "children": children, "total": adults + children}


def latest_totals(store: Store, year: int) -> tuple[int, dict[str, int]] | None:
    """The year and :func:`totals` of ``year``, or of the latest year before it whose
    population is known (recorded in total or by bands that cover every age): a tertial
    comes before Statistics Sweden's figure for its year. None when no year is known."""
    recorded = [y for (y,) in store.tuples(
        "SELECT year FROM population WHERE year <= ? UNION "
        "SELECT year FROM population_band WHERE year <= ? ORDER BY year DESC", (year, year))]
    return next(((y, t) for y in recorded if (t := totals(store, y))), None)
