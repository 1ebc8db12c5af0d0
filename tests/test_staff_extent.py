"""Staff figures as Stockholm reports them (issue 28): absences with an extent for
part-time sick leave, and "sjukfrånvaro dag 1–14" beside total sick leave. Every value is
counted by hand on March 2025 (21 working days: 3–7, 10–14, 17–21, 24–28 and 31 March)."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from ekbist import absence, cases, handlers
from ekbist.errors import EkbistError
from ekbist.reports import targets
from ekbist.reports.staff import staff_figures
from ekbist.reports.year import year_report

TODAY = date(2026, 1, 15)
D = date.fromisoformat


@pytest.fixture
def march(store):
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    handlers.add(store, "b", name="Bert", team="intake", fte=0.5, start=D("2024-01-01"))
    # Alva: sick whole-time Monday 3 – Sunday 23 March, then at 50 % 24–31 March, back to
    # back: one spell of 29 days from 3 March. Days 1–14 of it are 3–16 March.
    absence.away(store, "a", first=D("2025-03-03"), last=D("2025-03-23"), kind="sick")
    absence.away(store, "a", first=D("2025-03-24"), last=D("2025-03-31"), kind="sick",
                 extent="50")
    # Bert: sick whole-time 20 February – 7 March (16 days: days 1–14 are 20 February –
    # 5 March), and at 50 % 10–14 March (5 days, a short spell).
    absence.away(store, "b", first=D("2025-02-20"), last=D("2025-03-07"), kind="sick")
    absence.away(store, "b", first=D("2025-03-10"), last=D("2025-03-14"), kind="sick",
                 extent="50 %")
    return store


def test_part_time_sick_leave_and_days_1_14_counted_by_hand(march) -> None:
    s = staff_figures(march, D("2025-03-01"), D("2025-03-31"))
    # Scheduled: Alva 21 × 1.0 + Bert 21 × 0.5 = 31.5.
    assert s["scheduled_days"] == 31.5
    # Sick: Alva 15 whole days (3–21 March) + 6 days at 50 % (24–28, 31) = 18;
    #       Bert 5 days (3–7 March) × 0.5 FTE = 2.5, + 5 days × 50 % × 0.5 FTE = 1.25.
    # 21.75 of 31.5 = 69.05 %.
    assert (s["sick_days"], s["sick_leave_share"]) == (21.75, 0.6905)
    # Days 1–14: Alva 3–16 March = 10 working days; Bert's first spell 20 Feb – 5 March:
    # 3, 4, 5 March = 3 × 0.5 = 1.5; his second spell is all in its days 1–14: 1.25.
    # 12.75 of 31.5 = 40.48 %.
    assert (s["sick_days_1_14"], s["sick_leave_day_1_14_share"]) == (12.75, 0.4048)
    # Spells of at most 14 days: Bert's 10–14 March only, 1.25 of 21.75 sick days.
    assert (s["short_spell_days"], s["short_spell_share"]) == (1.25, 0.0575)
    teams = {t["team"]: t for t in s["teams"]}
    assert (teams["investigation"]["sick_days"],
            teams["investigation"]["sick_leave_day_1_14_share"]) == (18.0, round(10 / 21, 4))
    assert teams["intake"]["sick_leave_day_1_14_share"] == round(2.75 / 10.5, 4)


def test_whole_time_is_the_default_and_the_other_side_of_the_extent(march) -> None:
    # Without the 50 % extents Alva's last week and Bert's short spell count whole:
    # sick 15 + 6 + 2.5 + 2.5 = 26 of 31.5; days 1–14 10 + 1.5 + 2.5 = 14.
    march.execute("UPDATE absence SET extent = 100")
    s = staff_figures(march, D("2025-03-01"), D("2025-03-31"))
    assert (s["sick_days"], s["sick_days_1_14"]) == (26.0, 14.0)


def test_a_part_time_absence_leaves_the_handler_at_work(march, cli) -> None:
    cases.open_case(march, "K-A", handler="a", opened=D("2025-01-02"), today=TODAY)
    cases.open_case(march, "K-B", handler="b", opened=D("2025-01-02"), today=TODAY)
    # 12 March: Alva sick whole-time (away, her case uncovered); Bert at 50 % (at work).
    load = json.loads(cli.ok("caseload", "--as-of", "2025-03-12", "--format", "json",
                             today=TODAY).output)
    assert load["unassigned"] == ["K-A"]
    # 26 March: Alva at 50 %: at work again, nobody uncovered.
    load = json.loads(cli.ok("caseload", "--as-of", "2025-03-26", "--format", "json",
                             today=TODAY).output)
    assert load["unassigned"] == []
    assert absence.away_on(march, D("2025-03-12")) == {"a"}
    assert absence.away_on(march, D("2025-03-26")) == set()


@pytest.mark.parametrize("extent", ["0", "101", "150 %", "50,5", "halv", "-50", ""])
def test_an_extent_outside_1_to_100_whole_per_cent_is_refused(store, cli, extent) -> None:
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    error = cli.fails("handler", "away", "a", "--from", "2025-03-03", "--kind", "sick",
                      "--extent", extent, today=TODAY)
    assert "the extent is a whole per cent from 1 to 100" in error
    assert store.scalar("SELECT count(*) FROM absence") == 0


def test_the_command_line_and_the_sheet_take_an_extent(store, cli, tmp_path) -> None:
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    handlers.add(store, "b", name="Bert", team="intake", fte=0.5, start=D("2024-01-01"))
    out = cli.ok("handler", "away", "a", "--from", "2025-03-03", "--to", "2025-03-14",
                 "--kind", "sick", "--extent", "25", lang="sv", today=TODAY).output
    assert "25 %" in out
    listed = json.loads(cli.ok("handler", "absences", "--format", "json", today=TODAY).output)
    assert [(r["handler"], r["extent"]) for r in listed] == [("a", 25)]
    path = tmp_path / "franvaro.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Frånvaro"
    ws.append(["Handläggare", "Frånvarande från", "Frånvarande till", "Slag", "Omfattning (%)"])
    ws.append(["b", "2025-03-10", "2025-03-14", "sjukfrånvaro", "50 %"])
    ws.append(["b", "2025-04-07", "2025-04-11", "sjukfrånvaro", None])  # empty: whole-time
    wb.save(path)
    cli.ok("import", str(path), today=TODAY)
    assert store.query("SELECT handler, from_date, extent FROM absence ORDER BY id") == [
        {"handler": "a", "from_date": "2025-03-03", "extent": 25},
        {"handler": "b", "from_date": "2025-03-10", "extent": 50},
        {"handler": "b", "from_date": "2025-04-07", "extent": 100}]
    ws.append(["b", "2025-05-05", "2025-05-09", "sjukfrånvaro", 150])
    wb.save(path)
    bad = cli("import", str(path), today=TODAY)
    assert bad.exit_code == 1 and "Frånvaro!E4" in bad.output
    assert store.scalar("SELECT count(*) FROM absence") == 3


def test_the_year_report_sets_days_1_14_beside_sick_leave_and_judges_it_low(march, cli) -> None:
    targets.set_target(march, 2025, "sick_leave_days_1_14", "2")
    assert targets.computed_figures()["sick_leave_days_1_14"].direction == "at_most"
    r = year_report(march, 2025, today=TODAY)
    staff = r["staff"]
    # The year: Alva 249 and Bert 249 × 0.5 working days of 2025 = 373.5 scheduled; the sick
    # days are March's (21.75) plus Bert's 20–28 February (7 working days × 0.5 = 3.5) =
    # 25.25; days 1–14: March's 12.75 plus Bert's 20–28 February, 3.5 = 16.25.
    assert (staff["scheduled_days"], staff["sick_days"], staff["sick_days_1_14"]) == (
        373.5, 25.25, 16.25)
    assert staff["sick_leave_day_1_14_share"] == round(16.25 / 373.5, 4)  # 4.35 %
    row = r["targets"]["targets"][0]
    assert (row["key"], row["outcome"], row["met"]) == ("sick_leave_days_1_14", 4.35, False)
    md = cli.ok("report", "year", "2025", "--format", "md", lang="sv", today=TODAY).output
    assert "| Totalt | 6,8 % | 4,4 % |" in md  # 25.25 / 373.5 = 6.76 %
    assert "Sjukfrånvaro dag 1–14 av varje sjukperiod: 16,3 av de schemalagda arbetsdagarna: 4,4 %." in md
    with pytest.raises(EkbistError, match="computes 'sick_leave_days_1_14' itself"):
        targets.set_outcome(march, 2025, "sick_leave_days_1_14", "3", label="x")
