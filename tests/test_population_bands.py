"""The population by age band and sex: `population set --age`, the Folkmängd efter ålder
sheet (Statistics Sweden's table as it is), and the sums the figures take from the bands."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import procs
from helpers.workbooks import workbook

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.reports import population
from ekbist.sheet_import import import_file
from ekbist.sheets.sheet_kind import title_kind
from ekbist.store import Store

TODAY = date(2026, 11, 25)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "unit.db"
    Store.open(path, create=True).close()
    return path


def _bands(db) -> list[tuple]:
    with Store.open(db, readonly=True) as store:
        return store.tuples("SELECT year, gender, age_from, age_to, persons FROM population_band "
                            "ORDER BY year, gender, age_from").fetchall()


def _audit(db) -> int:
    with Store.open(db, readonly=True) as store:
        return store.scalar("SELECT count(*) FROM audit WHERE tbl = 'population_band'")


@pytest.mark.parametrize(("text", "band"), [
    ("18-24", (18, 24)), ("18–24", (18, 24)), ("18 - 24", (18, 24)), ("18—24", (18, 24)),
    ("18", (18, 18)), ("18 år", (18, 18)), ("0 år", (0, 0)), ("100+ år", (100, None)),
    ("65+", (65, None)), ("65 +", (65, None)), (" 25-64 år ", (25, 64)), ("130", (130, 130)),
])
def test_ages_as_people_and_statistics_sweden_write_them(text, band):
    assert population.parse_age_band(text) == band


@pytest.mark.parametrize("text", ["", "abc", "24-18", "131", "18-131", "-5", "18-", "1 8",
                                  "18,5", "+65", "18-24-30", "٢٠", "１８"])
def test_what_is_not_an_age_band(text):
    with pytest.raises(EkbistError):
        population.parse_age_band(text)


def test_persons_aged_sums_only_bands_that_cover_the_ages():
    bands = [("f", 0, 17, 240), ("m", 0, 17, 260), ("f", 18, 18, 10), ("f", 19, 24, 90),
             ("m", 18, 24, 100), ("f", 25, None, 900), ("m", 25, 64, 700), ("m", 65, None, 200)]
    assert population.persons_aged(bands, 18, 24) == 200
    assert population.persons_aged(bands, 18, 24, "f") == 100
    assert population.persons_aged(bands, 18, None) == 2000
    assert population.persons_aged(bands, 0, 17) == 500
    # 18–30 would need 25–30 alone; 25+ straddles it.
    assert population.persons_aged(bands, 18, 30) is None
    # A gap: no band for 19–24 of women.
    gap = [b for b in bands if b[1] != 19]
    assert population.persons_aged(gap, 18, 24, "f") is None
    assert population.persons_aged(gap, 18, 24, "m") == 100
    # Men without an open top band: 18+ is not covered for them.
    assert population.persons_aged([b for b in bands if b[1] != 65], 18, None) is None
    assert population.persons_aged([], 18, 24) is None


def test_totals_from_the_bands_unless_recorded(db):
    with Store.open(db) as store:
        assert population.totals(store, 2026) is None
        for age, sex, n in (("0-17", "f", 240), ("0-17", "m", 260), ("18+", "f", 1000)):
            population.set_band(store, 2026, age=age, gender=sex, persons=n)
        assert population.totals(store, 2026) is None  # the men 18+ are missing
        population.set_band(store, 2026, age="18+", gender="m", persons=1100)
        assert population.totals(store, 2026) == {"adults": 2100, "children": 500, "total": 2600}
        population.set_population(store, 2026, adults=2000, children=600, total=2700)
        assert population.totals(store, 2026) == {"adults": 2000, "children": 600, "total": 2700}


def test_population_list_shows_a_year_recorded_by_bands_alone(db):
    """The list shows the numbers the figures divide by: 2024 as recorded, 2026 summed from
    its bands (children 240 + 260, adults 1 000 + 1 100); 2025's bands miss the men, so
    2025 has no population and is not listed."""
    with Store.open(db) as store:
        population.set_population(store, 2024, adults=2000, children=600, total=2700)
        for age, sex, n in (("0-17", "f", 240), ("0-17", "m", 260), ("18+", "f", 1000),
                            ("18+", "m", 1100)):
            population.set_band(store, 2026, age=age, gender=sex, persons=n)
        population.set_band(store, 2025, age="0+", gender="f", persons=1300)
    listed = procs.run(db, "population", "list", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["year,adults,children,total", "2024,2000,600,2700",
                                          "2026,2100,500,2600"]


def test_population_set_a_band_from_the_command_line(db):
    result = procs.run(db, "population", "set", "2026", "--age", "18–24", "--gender", "kvinnor",
                       "--persons", "3110")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Population 2026, women aged 18-24: 3,110 inhabitants.\n"
    # The same first age replaces the band (a corrected count, or a wider band).
    result = procs.run(db, "--lang", "sv", "population", "set", "2026", "--age", "18-25",
                       "--gender", "f", "--persons", "3500")
    assert result.stdout == "Folkmängd 2026, kvinnor 18-25 år: 3\u00a0500 invånare.\n"
    procs.run(db, "population", "set", "2026", "--age", "26+", "--gender", "m", "--persons", "9")
    assert _bands(db) == [(2026, "f", 18, 25, 3500), (2026, "m", 26, None, 9)]
    listed = procs.run(db, "population", "bands", "--format", "json")
    assert '"age": "18-25"' in listed.stdout and '"age": "26+"' in listed.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--age", "20-30", "--gender", "f", "--persons", "1"],
     "error: the ages 20-30 overlap the band 18-24 already recorded for 2026 (women)"),
    (["--age", "0-18", "--gender", "f", "--persons", "1"],
     "error: the ages 0-18 overlap the band 18-24 already recorded for 2026 (women)"),
    (["--age", "10+", "--gender", "f", "--persons", "1"],
     "error: the ages 10+ overlap the band 18-24 already recorded for 2026 (women)"),
    (["--age", "25", "--gender", "x", "--persons", "1"],
     "error: unknown sex 'x' (expected one of: f, m)"),
    (["--age", "25", "--gender", "annat", "--persons", "1"],
     "error: unknown sex 'annat' (expected one of: f, m)"),
    (["--age", "25", "--gender", "f", "--persons", "-1"],
     "error: population figures cannot be negative"),
    (["--age", "24-18", "--gender", "f", "--persons", "1"],
     "error: the age band '24-18' ends before it starts"),
    (["--age", "25", "--gender", "f"], "error: an age band needs --persons"),
    (["--age", "25", "--gender", "f", "--persons", "1", "--total", "5"],
     "error: give either --adults, --children and --total or --age, --gender and --persons, "
     "not both"),
    (["--adults", "5"], "error: give --children, --total (or an age band with --age, --gender "
                        "and --persons)"),
])
def test_population_set_refuses_bad_bands_and_writes_nothing(db, args, message):
    procs.run(db, "population", "set", "2026", "--age", "18-24", "--gender", "f", "--persons",
              "100")
    before, audit = _bands(db), _audit(db)
    assert procs.one_error(procs.run(db, "population", "set", "2026", *args)) == message
    assert _bands(db) == before and _audit(db) == audit


@pytest.mark.parametrize("year", ["1899", "2201"])
def test_a_year_out_of_range(db, year):
    result = procs.run(db, "population", "set", year, "--age", "18", "--gender", "m",
                       "--persons", "1")
    assert procs.one_error(result) == f"error: year {year} is outside 1900–2200"
    assert _bands(db) == []


def test_the_other_sex_and_the_other_year_do_not_overlap(db):
    with Store.open(db) as store:
        population.set_band(store, 2026, age="18-24", gender="f", persons=1)
        population.set_band(store, 2026, age="18-24", gender="m", persons=2)
        population.set_band(store, 2025, age="20-30", gender="f", persons=3)
        population.set_band(store, 2026, age="25", gender="f", persons=4)  # touches, no overlap
    assert len(_bands(db)) == 4


def test_the_sheet_title_names_the_longest_kind():
    assert title_kind("Folkmängd efter ålder").name == "population_bands"
    assert title_kind("Folkmängd efter ålder (2)").name == "population_bands"
    assert title_kind("Population by age").name == "population_bands"
    assert title_kind("Folkmängd").name == "population"
    assert title_kind("Folkmängd 2026").name == "population"


def test_statistics_swedens_table_imports_as_it_is(db, tmp_path):
    path = workbook(tmp_path / "scb.xlsx", {"Folkmängd efter ålder": [
        ["Folkmängden efter region, ålder och kön. År 2026"],
        ["År", "Kön", "Ålder", "Folkmängd"],
        [2026, "kvinnor", "18 år", 410],
        [2026, "män", "18 år", 420],
        [2026, "kvinnor", "19-24", 2500],
        [2026, "män", "100+ år", 3],
    ]})
    with Store.open(db) as store:
        import_file(store, path, today=TODAY)
    assert _bands(db) == [(2026, "f", 18, 18, 410), (2026, "f", 19, 24, 2500),
                          (2026, "m", 18, 18, 420), (2026, "m", 100, None, 3)]
    # Exported and imported again: nothing changes.
    out = tmp_path / "out.xlsx"
    assert procs.run(db, "export", "population_bands", str(out)).returncode == 0
    again = procs.run(db, "import", str(out))
    assert again.returncode == 0, again.stderr
    assert "0        0          4" in again.stdout
    assert _bands(db)[0] == (2026, "f", 18, 18, 410)


def test_a_bad_sheet_is_refused_whole(db, tmp_path):
    with Store.open(db) as store:
        population.set_band(store, 2026, age="18-24", gender="f", persons=100)
    path = workbook(tmp_path / "bad.xlsx", {"Folkmängd efter ålder": [
        ["År", "Kön", "Ålder", "Folkmängd"],
        [2026, "kvinnor", "20-30", 5],     # overlaps the stored 18–24
        [2026, "x", "5", 420],
        [2026, "män", "abc", 1],
        [2026, "män", "", 1],
        [2026, "män", "7", -1],
        [2026, "män", "40-49", 7],         # fine on its own
        [2026, "män", "45", 7],            # overlaps the row above
    ]})
    before, audit = _bands(db), _audit(db)
    with Store.open(db) as store, pytest.raises(ValidationErrors) as refused:
        import_file(store, path, today=TODAY)
    joined = "\n".join(refused.value.problems)
    assert "C2" in joined and "overlap" in joined
    assert "B3" in joined
    assert "'abc' is not an age band" in joined and joined.count("C4") == 1
    assert "C5" in joined and "the age is missing" in joined
    assert "D6" in joined
    assert "C8" in joined
    assert "C7" in joined  # both rows of an overlap within the file are named
    assert _bands(db) == before and _audit(db) == audit


def test_an_export_with_age_and_its_first_and_last_ages_must_agree(db, tmp_path):
    """The exported sheet carries Age and the first and last age; an edited file that makes
    them disagree is refused at the Age cell, and one that agrees (an open band's empty last
    age included) is taken."""
    headers = ["År", "Kön", "Ålder", "Från ålder", "Till ålder", "Folkmängd"]
    agreeing = workbook(tmp_path / "ok.xlsx", {"Folkmängd efter ålder": [
        headers,
        [2026, "kvinnor", "18-24", 18, 24, 100],
        [2026, "kvinnor", "65+", 65, None, 50],
    ]})
    with Store.open(db) as store:
        import_file(store, agreeing, today=TODAY)
    assert _bands(db) == [(2026, "f", 18, 24, 100), (2026, "f", 65, None, 50)]
    disagreeing = workbook(tmp_path / "bad.xlsx", {"Folkmängd efter ålder": [
        headers,
        [2026, "män", "18-24", 18, 30, 100],   # the last age says otherwise
        [2026, "män", "65+", 65, 70, 50],      # an open band with a last age
        [2026, "män", "25", 26, 26, 9],        # the first age says otherwise
    ]})
    before, audit = _bands(db), _audit(db)
    with Store.open(db) as store, pytest.raises(ValidationErrors) as refused:
        import_file(store, disagreeing, today=TODAY)
    joined = "\n".join(refused.value.problems)
    for cell in ("C2", "C3", "C4"):
        assert cell in joined
    assert joined.count("the first and last age columns otherwise") == 3
    assert _bands(db) == before and _audit(db) == audit
