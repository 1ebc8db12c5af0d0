"""The tertial report's monthly adult share (issue 28: the seed's "från 0,85 % av den vuxna
befolkningen till 0,78 %", followed in December and at each tertial's end), counted by hand
on the small unit of tests/test_population_figures.py.

Adults on the cases with assistance in each month (A 1 adult 2026-01..12, B 2 adults
2026-03, C 1 adult 2026-04..08, D 1 adult 2025-12, E 1 adult 2026-08..12):

    2025-12  D          1    no population for 2025 or before: missing, not 0
    2026-01  A          1    1 / 2 000 = 0,05 %
    2026-02  A          1    0,05 %
    2026-03  A, B       3    0,15 %
    2026-04  A, C       2    0,10 %
    2026-05..07 A, C    2    0,10 %
    2026-08  A, C, E    3    0,15 %

2026's population is recorded by age band and sex only (2 000 adults 18+ from the bands).
"""

from __future__ import annotations

import json

import pytest
from test_population_figures import TODAY, unit_db  # noqa: F401 - the fixture

from ekbist import working_days
from ekbist.reports import population
from ekbist.store import Store
from helpers.procs import clean_env, run

ENV = clean_env(EKBIST_TODAY=TODAY.isoformat())

BY_HAND = [("2025-12", 1, None), ("2026-01", 1, 0.0005), ("2026-02", 1, 0.0005),
           ("2026-03", 3, 0.0015), ("2026-04", 2, 0.001), ("2026-05", 2, 0.001),
           ("2026-06", 2, 0.001), ("2026-07", 2, 0.001), ("2026-08", 3, 0.0015)]


@pytest.fixture
def tertial_db(unit_db):  # noqa: F811
    """The unit with the working-day calendar `ekbist init` builds (the report's
    five-day figure counts on it)."""
    with Store.open(unit_db) as store:
        working_days.ensure_index(store)
    return unit_db


def folded(text: str) -> str:
    """``text`` with its line breaks as spaces: the report's prose as written, whatever
    width it was wrapped at (a no-break space is never a place to wrap)."""
    return text.replace("\n", " ")


def _json(db, tertial: str) -> dict:
    result = run(db, "report", "tertial", "--year", "2026", "--tertial", tertial,
                 "--format", "json", env=ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["key_figures"][
        "adults_with_assistance_share_of_population_monthly"]


def test_every_month_from_the_december_before_counted_by_hand(tertial_db):
    shares = _json(tertial_db, "2")
    assert [(e["month"], e["adults"], e["share"]) for e in shares] == BY_HAND
    # The months the seed follows: December and the tertials' ends.
    assert [e["month"] for e in shares if e["followed"]] == ["2025-12", "2026-04", "2026-08"]
    december = shares[0]
    assert (december["population_year"], december["missing"]) == (None, "no_population")
    assert all((e["population_year"], e["missing"]) == (2026, None) for e in shares[1:])
    first = _json(tertial_db, "1")
    assert [(e["month"], e["adults"], e["share"]) for e in first] == BY_HAND[:5]


def test_a_year_not_yet_published_uses_the_latest_population(tertial_db):
    """The 2025 population (totals only, 1 000 adults) gives December 2025 its share."""
    with Store.open(tertial_db) as store:
        population.set_population(store, 2025, adults=1000, children=200, total=1250)
    shares = _json(tertial_db, "1")
    assert (shares[0]["share"], shares[0]["population_year"], shares[0]["missing"]) == (
        0.001, 2025, None)
    # 2026 keeps its own (banded) population.
    assert shares[4]["share"] == 0.001 and shares[4]["population_year"] == 2026


def test_bands_that_leave_an_age_out_say_so(tertial_db):
    """With only 25+ recorded for 2026 the adults cannot be summed: the share is missing and
    the report says the bands are incomplete (2025-12 still has no population at all)."""
    with Store.open(tertial_db) as store, store.transaction():
        store.execute("DELETE FROM population_band WHERE year = 2026 AND age_from < 25")
    shares = _json(tertial_db, "1")
    assert [e["share"] for e in shares] == [None] * 5
    assert [e["missing"] for e in shares] == ["no_population"] + ["population_incomplete"] * 4
    text = run(tertial_db, "report", "tertial", "--year", "2026", "--tertial", "1", env=ENV)
    assert text.returncode == 0, text.stderr
    assert "does not cover every age" in folded(text.stdout)
    assert "0.00%" not in text.stdout and "0,00 %" not in text.stdout


def test_text_markdown_and_swedish(tertial_db):
    text = run(tertial_db, "report", "tertial", "--year", "2026", "--tertial", "2", env=ENV)
    assert text.returncode == 0, text.stderr
    out = folded(text.stdout)  # the prose is wrapped at 80 columns
    assert "Adults with assistance, share of the adult population" in out
    assert "December 2025: –; April 2026: 0.10%; August 2026: 0.15%" in out
    assert "No share for 2025: no population is recorded for 2025" in out
    md = run(tertial_db, "report", "tertial", "--year", "2026", "--tertial", "2", "--format", "md",
             env=ENV)
    assert md.returncode == 0, md.stderr
    assert "## Adults with assistance, share of the adult population" in md.stdout
    assert "| Mar 2026 | 3 | 0.15% | 2026 |" in md.stdout
    assert "| Dec 2025 | 1 | – | – |" in md.stdout
    sv = run(tertial_db, "--lang", "sv", "report", "tertial", "--year", "2026", "--tertial", "2",
             "--format", "md", env=ENV)
    assert sv.returncode == 0, sv.stderr
    assert "## Vuxna med bistånd, andel av den vuxna befolkningen" in sv.stdout
    assert "| mar 2026 | 3 | 0,15 % | 2026 |" in sv.stdout
    assert "december 2025: –; april 2026: 0,10 %; augusti 2026: 0,15 %" in sv.stdout
    assert "Ingen andel för 2025: ingen folkmängd är registrerad för 2025" in sv.stdout


def test_the_workbook_has_the_monthly_share(tertial_db, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "tertial.xlsx"
    result = run(tertial_db, "report", "tertial", "--year", "2026", "--tertial", "1",
                 "--xlsx", str(path), env=ENV)
    assert result.returncode == 0, result.stderr
    ws = load_workbook(path)["Nyckeltal"]
    rows = [[c.value for c in r] for r in ws.iter_rows(max_col=5)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Månad" and r[2] == "Andel")
    assert rows[start + 1:start + 6] == [
        # No share: an empty cell in the number column, the reason beside it.
        ["2025-12", 1, None, "–", "ingen folkmängd registrerad för året eller tidigare"],
        ["2026-01", 1, 0.0005, "2026", None], ["2026-02", 1, 0.0005, "2026", None],
        ["2026-03", 3, 0.0015, "2026", None], ["2026-04", 2, 0.001, "2026", None]]


def test_a_population_without_adults_is_named_not_divided(tertial_db):
    """A 2026 totals row with no adults (the totals row wins over the bands): no share, and
    the reason says so; December 2025 still has no population at all."""
    from ekbist.reports import population_figures

    with Store.open(tertial_db) as store:
        population.set_population(store, 2026, adults=0, children=10, total=10)
        shares = population_figures.adult_shares(store, "2025-12", "2026-01")
    assert [(e["adults"], e["share"], e["population_year"], e["missing"]) for e in shares] == [
        (1, None, None, "no_population"), (1, None, 2026, "no_adults")]
    text = run(tertial_db, "report", "tertial", "--year", "2026", "--tertial", "1", env=ENV)
    assert text.returncode == 0, text.stderr
    assert "No share for 2026: the population of 2026 has no adults." in text.stdout


def test_the_prose_is_wrapped_at_80_columns_on_a_pipe(tertial_db):
    """On a pipe (pasted into a document) every note is wrapped at 80 columns, in English
    and in Swedish; the tables keep their rows whole."""
    for lang in ("en", "sv"):
        text = run(tertial_db, "--lang", lang, "report", "tertial", "--year", "2026",
                   "--tertial", "2", env=ENV)
        assert text.returncode == 0, text.stderr
        lines = text.stdout.splitlines()
        start = next(i for i, x in enumerate(lines) if x.startswith(("Aug 2026", "aug 2026")))
        notes = lines[start + 1:]
        assert len(notes) >= 3 and all(len(x) <= 80 for x in notes), notes
        assert any(len(x) > 60 for x in notes)  # wrapped near 80, not one word a line
        # The long-term note under the key figures, too.
        long_term = next(i for i, x in enumerate(lines) if x.startswith(("Long-term", "Långvar")))
        assert len(lines[long_term]) <= 80 and lines[long_term + 1].strip()
