"""Activities and exemptions of cases, the first meeting booked, and the Jobbtorg referral
check, counted by hand on the small unit of ``build_unit`` (C-1 … C-4, today 2026-11-25)."""

from __future__ import annotations

import json
import sqlite3

import pytest


def _counts(db) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("activity", "first_visit", "audit"))


def test_an_activity_and_an_exemption_are_listed(unit) -> None:
    out = unit.ok("activities", "add", "C-1", "--kind", "Jobbtorg", "--hours", "20",
                  "--provider", "Jobbtorg Söder", "--from", "2026-02-02").output
    assert "Activity 1: Jobbtorg for case C-1 from 2026-02-02." in out
    unit.ok("activities", "exempt", "C-2", "--reason", "vård av barn", "--from", "2026-03-01",
            "--to", "2026-08-31", lang="sv")
    rows = json.loads(unit.ok("activities", "list", "--format", "json").output)
    assert [(r["case"], r["kind"], r["exemption"], r["hours"], r["provider"], r["from_date"],
             r["to_date"], r["handler"]) for r in rows] == [
        ("C-1", "jobbtorg", None, 20.0, "Jobbtorg Söder", "2026-02-02", None, "bo"),
        ("C-2", "exempt", "parental", 0.0, "", "2026-03-01", "2026-08-31", "bo")]
    # On 2026-09-01 the exemption has ended (2026-08-31 was its last day); on 08-31 it runs.
    assert [r["case"] for r in json.loads(unit.ok(
        "activities", "list", "--as-of", "2026-09-01", "--format", "json").output)] == ["C-1"]
    assert [r["case"] for r in json.loads(unit.ok(
        "activities", "list", "--as-of", "2026-08-31", "--format", "json").output)] == [
        "C-1", "C-2"]
    unit.ok("activities", "end", "1", "--date", "2026-10-31")
    assert json.loads(unit.ok("activities", "list", "--case", "C-1", "--format", "json").output
                      )[0]["to_date"] == "2026-10-31"


@pytest.mark.parametrize(("args", "words"), [
    (("add", "C-1", "--kind", "dans", "--from", "2026-02-02"), "unknown activity kind 'dans'"),
    (("add", "C-1", "--kind", "sfi", "--from", "2026-01-09"), "opened on 2026-01-10"),
    (("add", "C-1", "--kind", "sfi", "--from", "2026-11-26"), "after today"),
    (("add", "C-1", "--kind", "sfi", "--from", "2026-02-02", "--to", "2026-02-01"),
     "ends (2026-02-01) before it starts"),
    (("add", "C-1", "--kind", "sfi", "--from", "2026-02-02", "--hours", "80.5"),
     "between 0 and 80"),
    (("add", "C-1", "--kind", "sfi", "--from", "2026-02-02", "--hours", "-1"),
     "between 0 and 80"),
    (("add", "C-1", "--kind", "exempt", "--from", "2026-02-02"), "activities exempt"),
    (("add", "C-9", "--kind", "sfi", "--from", "2026-02-02"), "unknown case 'C-9'"),
    (("add", "C-1", "--kind", "sfi", "--from", "2026-02-02", "--provider",
      "Kalle 19121212-1212"), "looks like a personnummer"),
    (("add", "C-1", "--kind", "sfi", "--from", "2026-02-02", "--note", "x" * 201),
     "too long"),
    (("exempt", "C-1", "--reason", "lat", "--from", "2026-02-02"),
     "unknown exemption reason 'lat'"),
    (("end", "99", "--date", "2026-02-02"), "unknown activity 99"),
    (("meeting", "C-1", "--date", "2026-01-09"), "opened on 2026-01-10"),
    (("meeting", "C-1", "--date", "2027-11-26"), "more than a year after today (2026-11-25)"),
])
def test_refusals_write_nothing(unit, args, words) -> None:
    before = _counts(unit.db)
    line = unit.fails("activities", *args)
    assert words in line
    assert "-1212" not in line
    assert _counts(unit.db) == before


def test_the_edges_are_accepted(unit) -> None:
    # The opening day, today, 0 and 80 hours, a note of 200 characters.
    unit.ok("activities", "add", "C-1", "--kind", "sfi", "--from", "2026-01-10", "--hours", "0")
    unit.ok("activities", "add", "C-1", "--kind", "studies", "--from", "2026-11-25",
            "--hours", "80", "--note", "x" * 200)
    unit.ok("activities", "add", "C-1", "--kind", "sfi", "--from", "2026-02-02", "--to",
            "2026-02-02")  # one day
    assert "already has" in unit.fails("activities", "add", "C-1", "--kind", "SFI", "--from",
                                       "2026-02-02")
    assert len(json.loads(unit.ok("activities", "list", "--format", "json").output)) == 3


def test_a_provider_and_a_note_are_kept_on_one_line(unit) -> None:
    unit.ok("activities", "add", "C-1", "--kind", "sfi", "--from", "2026-02-02", "--provider",
            " SFI-skolan\n\tSöder ", "--note", "två\r\ndagar  i veckan")
    row = json.loads(unit.ok("activities", "list", "--format", "json").output)[0]
    assert (row["provider"], row["note"]) == ("SFI-skolan Söder", "två dagar i veckan")
    # A personnummer broken over lines is still one.
    line = unit.fails("activities", "add", "C-1", "--kind", "sfi", "--from", "2026-02-03",
                      "--note", "19121212\n-1212")
    assert "looks like a personnummer" in line and "-1212" not in line


def test_a_first_meeting_may_lie_a_year_ahead_and_no_more(unit) -> None:
    # Today is 2026-11-25: a year ahead is 2027-11-25 (the day after is refused, above).
    unit.ok("activities", "meeting", "C-1", "--date", "2027-11-25")
    data = json.loads(unit.ok("activities", "check", "--format", "json").output)
    # The check's own period reaches the month of that meeting: 2025-12 … 2027-11.
    assert (data["from"], data["to"], len(data["months"])) == ("2025-12", "2027-11", 24)


def test_the_unit_chooses_its_kinds(unit) -> None:
    unit.ok("settings", "set", "activities.kinds", "jobbtorg, sfi")
    assert "does not use the activity kind 'studies'" in unit.fails(
        "activities", "add", "C-1", "--kind", "studies", "--from", "2026-02-02")
    unit.ok("activities", "add", "C-1", "--kind", "sfi", "--from", "2026-02-02")
    unit.ok("activities", "exempt", "C-1", "--reason", "sickness", "--from", "2026-03-02")
    assert "at least one" in unit.fails("settings", "set", "activities.kinds", " , ")
    assert "unknown activity kind 'dans'" in unit.fails("settings", "set", "activities.kinds",
                                                        "sfi,dans")
    assert "exemption is always allowed" in unit.fails("settings", "set", "activities.kinds",
                                                       "sfi,exempt")


@pytest.fixture
def referral_unit(unit):
    """November 2026, four new applicants with a first meeting booked:
      N-1 unemployed (no benefit), Jobbtorg from 11-03, meeting 11-05   -> kept
      N-2 unemployed (waiting),    Jobbtorg from 11-12, meeting 11-12   -> kept (same day)
      N-3 unemployed (no benefit), Jobbtorg from 11-20, meeting 11-19   -> not kept (after)
      N-4 social reasons, no Jobbtorg, meeting 11-10                    -> not counted
      N-5 unemployed, meeting 2026-12-02, none                          -> December, not kept
    and N-6 in October: unemployment, meeting 10-20, Jobbtorg 10-19     -> kept.
    """
    for case, opened, barrier in (("N-1", "2026-11-02", "unemployed_no_benefit"),
                                  ("N-2", "2026-11-02", "unemployed_waiting"),
                                  ("N-3", "2026-11-02", "unemployed_no_benefit"),
                                  ("N-4", "2026-11-02", "social"),
                                  ("N-5", "2026-11-20", "unemployed_insufficient"),
                                  ("N-6", "2026-10-15", "unemployed_no_benefit")):
        unit.ok("case", "open", case, "--handler", "anna", "--opened", opened,
                "--barrier", barrier)
    for case, visit in (("N-1", "2026-11-03"), ("N-2", "2026-11-12"), ("N-3", "2026-11-20"),
                        ("N-6", "2026-10-19")):
        unit.ok("activities", "add", case, "--kind", "jobbtorg", "--from", visit,
                "--hours", "20")
    for case, day in (("N-1", "2026-11-05"), ("N-2", "2026-11-12"), ("N-3", "2026-11-19"),
                      ("N-4", "2026-11-10"), ("N-5", "2026-12-02"), ("N-6", "2026-10-20")):
        unit.ok("activities", "meeting", case, "--date", day)
    return unit


def test_the_referral_check_counts_by_hand(referral_unit) -> None:
    data = json.loads(referral_unit.ok("activities", "check", "--from", "2026-10", "--to",
                                       "2026-12", "--format", "json").output)
    assert data["months"] == [
        {"month": "2026-10", "applicants": 1, "jobbtorg_first": 1, "share": 1.0},
        {"month": "2026-11", "applicants": 3, "jobbtorg_first": 2, "share": 0.6667},
        {"month": "2026-12", "applicants": 1, "jobbtorg_first": 0, "share": 0.0}]
    assert data["missing"] == [
        {"case": "N-3", "handler": "anna", "barrier": "unemployed_no_benefit",
         "first_meeting": "2026-11-19"},
        {"case": "N-5", "handler": "anna", "barrier": "unemployed_insufficient",
         "first_meeting": "2026-12-02"}]
    # By default: the twelve months up to this month, or to the latest meeting booked.
    default = json.loads(referral_unit.ok("activities", "check", "--format", "json").output)
    assert (default["from"], default["to"]) == ("2025-12", "2026-12")
    table = referral_unit.ok("activities", "check", "--from", "2026-11", "--to", "2026-11",
                             lang="sv").output
    assert "66,7" in table and "N-3" in table and "N-5" not in table


def test_a_barrier_changed_to_unemployment_after_the_meeting_is_not_counted(unit) -> None:
    unit.ok("case", "open", "N-7", "--handler", "anna", "--opened", "2026-11-02",
            "--barrier", "social")
    unit.ok("activities", "meeting", "N-7", "--date", "2026-11-10")
    unit.ok("case", "barrier", "N-7", "unemployed_no_benefit", "--from", "2026-11-11")
    data = json.loads(unit.ok("activities", "check", "--from", "2026-11", "--to", "2026-11",
                              "--format", "json").output)
    assert data["months"][0]["applicants"] == 0
    unit.ok("case", "barrier", "N-7", "unemployed_waiting", "--from", "2026-11-10")
    data = json.loads(unit.ok("activities", "check", "--from", "2026-11", "--to", "2026-11",
                              "--format", "json").output)
    assert data["months"][0]["applicants"] == 1 and data["missing"][0]["case"] == "N-7"


def test_the_check_refuses_a_bad_period(unit) -> None:
    assert "--to is before --from" in unit.fails("activities", "check", "--from", "2026-11",
                                                 "--to", "2026-10")
    assert "go together" in unit.fails("activities", "check", "--from", "2026-11")
    assert "not a month" in unit.fails("activities", "check", "--from", "2026-13",
                                       "--to", "2026-12")


def test_the_check_takes_36_months_and_no_more(unit) -> None:
    # 2024-01 … 2026-12 is 3 × 12 = 36 months; one month earlier is 37.
    data = json.loads(unit.ok("activities", "check", "--from", "2024-01", "--to", "2026-12",
                              "--format", "json").output)
    assert len(data["months"]) == 36
    assert data["months"][0]["month"] == "2024-01" and data["months"][-1]["month"] == "2026-12"
    assert "at most 36 months" in unit.fails("activities", "check", "--from", "2023-12",
                                             "--to", "2026-12")


def test_activities_and_barriers_go_out_and_come_back(unit, tmp_path) -> None:
    import openpyxl
    from helpers.workbooks import workbook

    unit.ok("case", "barrier", "C-1", "social", "--from", "2026-02-01")
    unit.ok("activities", "add", "C-1", "--kind", "sfi", "--hours", "12.5", "--provider",
            "SFI-skolan", "--from", "2026-02-02")
    unit.ok("activities", "exempt", "C-2", "--reason", "sickness", "--from", "2026-03-01")
    out = tmp_path / "out.xlsx"
    unit.ok("export", "all", str(out))
    book = openpyxl.load_workbook(out)
    rows = list(book["Case activities"].iter_rows(values_only=True))
    from datetime import datetime

    assert rows[1][:7] == ("C-1", "SFI (Swedish for immigrants)", datetime(2026, 2, 2), None,
                           12.5, None, "SFI-skolan")
    assert rows[2][1] == "exempt (no activity)" and rows[2][5] == "sickness"
    assert len(rows) == 3 and len(list(book["Barriers"].iter_rows())) == 2
    before = _counts(unit.db)[:2]
    unit.ok("import", str(out))
    assert _counts(unit.db)[:2] == before
    # A Swedish sheet of new rows: one activity, one exemption, one barrier.
    new = workbook(tmp_path / "ny.xlsx", {
        "Insatser": [["Ärende", "Insatstyp", "Från och med", "Till och med", "Timmar per vecka",
                      "Skäl till undantag", "Anordnare"],
                     ["C-3", "Jobbtorg", "2026-06-01", "2026-09-30", "20", None, "Jobbtorg"],
                     ["C-3", "undantag", "2026-10-01", None, None, "vård av närstående", None]],
        "Försörjningshinder": [["Ärende", "Från och med", "Försörjningshinder"],
                               ["C-3", "2026-05-04", "arbetslös – ingen ersättning"]]})
    unit.ok("import", str(new))
    listed = json.loads(unit.ok("activities", "list", "--case", "C-3", "--format",
                                "json").output)
    assert [(r["kind"], r["exemption"], r["hours"], r["to_date"]) for r in listed] == [
        ("jobbtorg", None, 20.0, "2026-09-30"), ("exempt", "care_of_relative", 0.0, None)]
    shown = json.loads(unit.ok("case", "show", "C-3", "--format", "json").output)
    assert shown["barriers"][0]["barrier"] == "unemployed_no_benefit"


@pytest.mark.parametrize(("row", "words"), [
    (["C-3", "undantag", "2026-10-01", None, None, None], "an exemption needs its reason"),
    (["C-3", "sfi", "2026-10-01", None, None, "sjukdom"], "goes with the kind exempt only"),
    (["C-3", "undantag", "2026-10-01", None, "5", "sjukdom"], "an exemption has no hours"),
    (["C-3", "sfi", "2026-05-03", None, None, None], "before the case was opened"),
    (["C-3", "sfi", "2026-10-01", "2026-09-30", None, None], "ends before it starts"),
    (["C-3", "sfi", "2026-10-01", None, "81", None], "80"),
    (["C-3", "studies", "2026-10-01", None, None, None], "does not use this activity kind"),
])
def test_an_import_of_a_bad_activity_writes_nothing(unit, tmp_path, row, words) -> None:
    from helpers.workbooks import workbook

    unit.ok("settings", "set", "activities.kinds", "sfi, jobbtorg")
    before = _counts(unit.db)
    bad = workbook(tmp_path / "bad.xlsx", {"Case activities": [
        ["Case", "Kind", "From", "To", "Hours a week", "Exemption reason"], row]})
    result = unit("import", str(bad))
    assert result.exit_code == 1 and words in result.stderr
    assert _counts(unit.db) == before
