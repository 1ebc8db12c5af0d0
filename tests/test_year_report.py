"""The year report on a hand-made year where every line is known, targets at their edges,
the month sheet, and the workbooks."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import date

import openpyxl
import pytest

from ekbist import absence, applications, budget, cases, handlers, plans
from ekbist.errors import EkbistError
from ekbist.reports import targets
from ekbist.reports.month import month_report
from ekbist.reports.year import year_report

TODAY = date(2026, 1, 15)
D = date.fromisoformat
K1_RECEIVED = ["2025-01-15", "2025-02-14", "2025-03-14", "2025-04-15", "2025-05-15",
               "2025-06-16", "2025-07-15", "2025-08-15", "2025-09-15", "2025-10-15"]
ACTIVITY, LINE = "Ekonomiskt bistånd/handläggning", "Övriga kostnader"


def _app(store, case_id, period, received, decided, decision="granted", amount=5000):
    app = applications.add(store, case_id, period=period, received=D(received),
                           completed=D(received), today=TODAY)
    applications.decide(store, app["id"], D(decided), decision,
                        amount=amount if decision != "rejected" else None, today=TODAY)


@pytest.fixture
def year_store(store):
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    handlers.add(store, "b", name="Bert", team="intake", fte=0.5, start=D("2024-01-01"))
    # K1: assistance January–October (10 months: long-term), all decided the day they came.
    cases.open_case(store, "K1", handler="a", opened=D("2024-12-01"), today=TODAY)
    for received in K1_RECEIVED:
        _app(store, "K1", received[:7], received, received)
    # K2: March and April; April decided on working day 10 (late); closed for work in May.
    cases.open_case(store, "K2", handler="b", opened=D("2025-03-03"), today=TODAY)
    _app(store, "K2", "2025-03", "2025-03-03", "2025-03-03", amount=4000)
    _app(store, "K2", "2025-04", "2025-04-01", "2025-04-14", amount=4000)
    cases.close_case(store, "K2", D("2025-05-15"), "work", today=TODAY)
    # K3: rejected in January (no assistance), moved away 1 February.
    cases.open_case(store, "K3", handler="a", opened=D("2025-01-10"), today=TODAY)
    _app(store, "K3", "2025-01", "2025-01-13", "2025-01-13", decision="rejected")
    cases.close_case(store, "K3", D("2025-02-01"), "moved", today=TODAY)
    # A plan for K1 in April: the next follow-up is 1 July, so it is current on 30 June.
    plans.add(store, "K1", made=D("2025-04-01"), today=TODAY)
    # Sick Thursday 17 April to Tuesday 22 April 2025: Good Friday, the weekend and Easter
    # Monday in between leave 2 sick working days.
    absence.away(store, "a", first=D("2025-04-17"), last=D("2025-04-22"), kind="sick")
    handlers.leave(store, "b", D("2026-01-01"))  # last day 31 December 2025
    budget.set_budget(store, 2025, ACTIVITY, LINE, 120_000)
    for month in range(1, 13):
        budget.set_actual(store, 2025, month, ACTIVITY, LINE, 9_000)
    return store


def test_every_line_of_the_hand_made_year(year_store) -> None:
    r = year_report(year_store, 2025, today=TODAY)
    assert r["complete"] is True
    assert [m["households"] for m in r["households"]["months"]] == [1, 1, 2, 2, 1, 1, 1, 1, 1,
                                                                      1, 0, 0]
    assert r["households"]["average"] == 1.0  # 12 household-months / 12
    # The store's applications begin in January 2025: 2024 is absent, not a year of zeros.
    assert r["households"]["previous_average"] is None
    assert r["households"]["total"] == 2
    closed = {row["reason"]: row["closed"] for row in r["closures"]["by_reason"]}
    assert closed == {"work": 1, "studies": 0, "sickness_comp": 0, "other_benefit": 0,
                      "moved": 1, "other": 0}
    long_term = {f["key"]: f["value"] for f in r["long_term"]}
    assert long_term["long_term_households_calendar"] == 1
    assert long_term["long_term_share_of_households"] == 0.5
    # On 30 June only K1 is eligible (K2 closed, and too new); its plan is current.
    assert r["plan_coverage"] == {"as_of": "2025-06-30", "measured": True, "eligible": 1,
                                  "current": 1, "share": 1.0}
    handled = r["handling_time"]
    assert (handled["decided"], handled["in_time"]) == (13, 12)
    april = handled["months"][3]
    assert (april["decided"], april["in_time"]) == (2, 1)
    # Active cases at month ends: Jan 2 (K1, K3), Feb 1, Mar 2, Apr 2, then 1; FTE 1.5.
    load = [m["active_cases"] for m in r["caseload"]["months"]]
    assert load == [2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
    assert r["caseload"]["average_cases_per_fte"] == 0.8
    staff = r["staff"]
    assert staff["scheduled_days"] == 373.5  # 249 working days in 2025 × (1 + 0.5)
    assert staff["sick_days"] == 2
    assert staff["sick_leave_share"] == 0.0054
    assert staff["short_spell_share"] == 1.0
    assert (staff["leavers"], staff["average_employed"], staff["turnover_share"]) == (1, 2.0, 0.5)
    assert r["budget"]["basis"] == "actuals"
    assert r["budget"]["total"]["budget_net_tkr"] == 120
    assert r["budget"]["total"]["outcome_net_tkr"] == 108
    assert r["budget"]["total"]["result_tkr"] == 12


def test_targets_met_and_missed_at_the_edge(year_store) -> None:
    s = year_store
    targets.set_target(s, 2025, "sick_leave", "0,54")  # outcome 0.54 %: exactly at → met
    # 12/13 = 92.3077 % (judged from the counts, rounded once to 92.3077): 92.30 is met.
    targets.set_target(s, 2025, "share_decided_in_time", "92.30")
    targets.set_target(s, 2025, "households_per_month_avg", "1", direction="at_most")  # met
    targets.set_target(s, 2025, "budget_result", "13")  # +12 tkr < 13 → not met
    targets.set_target(s, 2025, "municipal_jobs", "22", label="Kommunala visstidsanställningar")
    targets.set_outcome(s, 2025, "municipal_jobs", "16", label=None)  # the target's label
    targets.set_target(s, 2025, "summer_jobs", "280", label="Sommarjobb")  # no outcome
    targets.set_outcome(s, 2025, "violence_contacts", "96", label="Kontakter våld")
    r = year_report(s, 2025, today=TODAY)
    verdicts = {t["key"]: t["met"] for t in r["targets"]["targets"]}
    assert verdicts == {"sick_leave": True, "share_decided_in_time": True,
                        "households_per_month_avg": True, "budget_result": False,
                        "municipal_jobs": False, "summer_jobs": None}
    assert (r["targets"]["met"], r["targets"]["total"]) == (3, 6)
    assert r["manual_outcomes"] == [{"key": "violence_contacts", "label": "Kontakter våld",
                                     "value": 96.0}]
    # One hundredth past the edge turns the verdict.
    targets.set_target(s, 2025, "sick_leave", "0.53")
    targets.set_target(s, 2025, "share_decided_in_time", "92.31")  # 92.3077 < 92.31
    targets.set_target(s, 2025, "budget_result", "12")
    r = year_report(s, 2025, today=TODAY)
    verdicts = {t["key"]: t["met"] for t in r["targets"]["targets"]}
    assert (verdicts["sick_leave"], verdicts["share_decided_in_time"],
            verdicts["budget_result"]) == (False, False, True)


def test_is_met_on_both_sides() -> None:
    assert targets.is_met("at_least", 22, 22) and not targets.is_met("at_least", 22, 21.99)
    assert targets.is_met("at_most", 4.4, 4.4) and not targets.is_met("at_most", 4.4, 4.41)
    assert targets.is_met("at_most", 4.4, 0.044 * 100)  # 4.3999999… is 4.4
    assert targets.is_met("at_least", 1, None) is None


def test_target_refusals_leave_the_store_as_it_was(year_store) -> None:
    s = year_store
    targets.set_target(s, 2025, "sick_leave", "4.4")
    before = s.query("SELECT * FROM target")
    for args, kwargs, message in [
        ((2025, "sik_leave", "3"), {}, "not a figure ekbist computes"),
        ((2025, "sick_leave", "abc"), {}, "not a number"),
        ((2025, "sick_leave", "nan"), {}, "not a number"),
        (("20x5", "sick_leave", "3"), {}, "not a year"),
        ((2025, "Bad Key!", "3"), {"label": "x"}, "not a figure key"),
        ((2025, "jobs", "3"), {"label": "jobb 19850101-2382"}, "personnummer"),
    ]:
        with pytest.raises(EkbistError, match=message):
            targets.set_target(s, *args, **kwargs)
    with pytest.raises(EkbistError, match="computes 'sick_leave' itself"):
        targets.set_outcome(s, 2025, "sick_leave", "3", label="x")
    with pytest.raises(EkbistError, match="needs a label"):
        targets.set_outcome(s, 2025, "new_thing", "3", label=None)
    with pytest.raises(EkbistError, match="no target on 'cases_per_fte'"):
        targets.remove_target(s, 2025, "cases_per_fte")
    assert s.query("SELECT * FROM target") == before
    assert s.scalar("SELECT count(*) FROM outcome") == 0


def test_report_year_on_the_command_line(cli, year_store, tmp_path) -> None:
    cli.ok("target", "set", "2025", "sick_leave", "4,4", "--label", "Sjukfrånvaro högst 4,4 %",
           today=TODAY)
    cli.ok("target", "set", "2025", "municipal_jobs", "22", "--at-least", "--label",
           "Kommunala visstidsanställningar", today=TODAY)
    cli.ok("outcome", "set", "2025", "municipal_jobs", "16", today=TODAY)
    listed = json.loads(cli.ok("target", "list", "2025", "--format", "json", today=TODAY).output)
    assert [(t["key"], t["value"], t["direction"]) for t in listed] == [
        ("sick_leave", 4.4, "at_most"), ("municipal_jobs", 22.0, "at_least")]
    text = cli.ok("report", "year", "2025", today=TODAY).output
    assert "1 of 2 targets met." in text
    outcomes = json.loads(cli.ok("outcome", "list", "--format", "json", today=TODAY).output)
    assert outcomes == [{"year": 2025, "key": "municipal_jobs",
                         "label": "Kommunala visstidsanställningar", "value": 16.0,
                         "men": None, "women": None}]
    keys = json.loads(cli.ok("target", "keys", "--format", "json", today=TODAY).output)
    assert {"sick_leave", "plan_coverage", "budget_result", "households_per_month_avg"} <= {
        k["key"] for k in keys}
    cli.ok("target", "set", "2025", "budget_result", "0", today=TODAY)
    cli.ok("target", "remove", "2025", "budget_result", today=TODAY)
    assert "no target on 'budget_result'" in cli.fails("target", "remove", "2025",
                                                      "budget_result", today=TODAY)
    cli.ok("outcome", "set", "2025", "summer_jobs", "270", "--label", "Sommarjobb", today=TODAY)
    cli.ok("outcome", "remove", "2025", "summer_jobs", today=TODAY)
    assert "no outcome on 'summer_jobs'" in cli.fails("outcome", "remove", "2025",
                                                     "summer_jobs", today=TODAY)
    md = cli.ok("report", "year", "2025", "--format", "md", lang="sv", today=TODAY).output
    assert md.startswith("# ")
    # One decimal more than the target's: 0,54 %, never 0,5 % (issue 28).
    assert "| Sjukfrånvaro högst 4,4 % | 0,54 % |  |  |  | ≤ 4,4 % |  |  | uppnått |" in md
    assert "1 av 2 mål uppnådda." in md
    data = json.loads(cli.ok("report", "year", "2025", "--format", "json", today=TODAY).output)
    assert list(data) == ["year", "to", "complete", "covers", "households", "closures", "long_term",
                          "plan_coverage", "handling_time", "contacts", "caseload", "staff",
                          "budget", "barriers", "activity_readiness", "targets", "goals",
                          "manual_outcomes"]
    path = tmp_path / "year.xlsx"
    cli.ok("report", "year", "2025", "--xlsx", str(path), today=TODAY)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Targets"
    ws = wb["Targets"]
    assert [ws.cell(row=r, column=5).value for r in (4, 5)] == [1, 0]
    assert ws.conditional_formatting  # the verdicts are coloured
    assert len(wb["Households"]._charts) == 1 and len(wb["Closures"]._charts) == 1
    assert "exists already" in cli.fails("report", "year", "2025", "--xlsx", str(path),
                                         today=TODAY)
    assert "has not begun" in cli.fails("report", "year", "2027", today=TODAY)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ekbist-")]


def test_report_month(cli, year_store, tmp_path) -> None:
    r = month_report(year_store, 2025, 4, today=TODAY)
    # April 2024 is before the store's first application: absent, shown "–", not 0.
    assert r["households"] == {"this_month": 2, "same_month_last_year": None}
    assert r["paid"] == {"month": 9000, "year_to_date": 5000 * 4 + 4000 * 2}
    assert (r["decided"], r["in_time"]) == (2, 1)
    assert r["active_cases"] == 2 and r["cases_per_fte"] == round(2 / 1.5, 1)
    assert r["prognosis"]["budget_net_tkr"] == 120
    out = cli.ok("report", "month", "2025", "4", today=TODAY).output
    assert "Key figures April 2025" in out and "50.0%" in out
    path = tmp_path / "month.xlsx"
    cli.ok("report", "month", "2025", "4", "--xlsx", str(path), today=TODAY)
    ws = openpyxl.load_workbook(path).active
    # Absent, not 0: an empty cell in the number column, and the sheet says why.
    assert ws["B4"].value == 2 and ws["B5"].value is None
    assert any(str(c.value).startswith("An empty cell has no figure") for c in ws["A"])
    assert "has not come yet" in cli.fails("report", "month", "2026", "2", today=TODAY)
    # January 2026 has no actuals and no saved prognosis: no prognosis, rather than a wrong one.
    assert month_report(year_store, 2026, 1, today=TODAY)["prognosis"] is None
    assert "its actuals are not in" in cli.ok("report", "month", "2026", "1", today=TODAY).output
    assert "13" in cli.fails("report", "month", "2025", "13", today=TODAY)


def test_check_warns_of_a_target_heading_for_a_miss(year_store, cli) -> None:
    from ekbist import check as checks
    from ekbist import settings

    s = year_store
    july = date(2025, 7, 1)  # 6 + 1/31 months have passed
    targets.set_target(s, 2025, "municipal_jobs", "22", label="Kommunala visstidsanställningar")
    targets.set_target(s, 2025, "sick_leave", "4.4")  # 0.5 % so far: on course
    targets.set_outcome(s, 2025, "municipal_jobs", "11", label=None)  # → 21.9 by year end
    assert checks.run(s, july, only=["targets"]).findings == []  # off by default
    settings.put(s, "check.targets", "1")
    found = checks.run(s, july, only=["targets"]).findings
    assert [(f.kind, f.subject) for f in found] == [("target_at_risk", "municipal_jobs")]
    assert "heading for 21.9" in found[0].message
    targets.set_outcome(s, 2025, "municipal_jobs", "12", label=None)  # → 23.9: on course
    assert checks.run(s, july, only=["targets"]).findings == []
    targets.set_target(s, 2025, "sick_leave", "0.1")  # the current share is judged as it is
    assert [f.subject for f in checks.run(s, july, only=["targets"]).findings] == ["sick_leave"]
    result = cli("check", "--only", "targets", today="2025-07-01")
    assert result.exit_code == 1 and "1 yearly target at risk" in result.output


def test_the_demo_year_report_has_targets_outcomes_and_sick_leave(cli, demo_stores) -> None:
    demo_stores.copy(cli.db, households=60, months=14)
    data = json.loads(cli.ok("report", "year", "2026", "--format", "json",
                             today="2026-11-25").output)
    assert data["targets"]["total"] == 10
    assert 0 < data["targets"]["met"] < data["targets"]["total"]
    assert data["staff"]["sick_days"] > 0
    manual = {t["key"]: t["outcome"] for t in data["targets"]["targets"] if t["manual"]}
    assert set(manual) == {"municipal_jobs", "summer_jobs", "violence_contacts"}
    md = cli.ok("report", "year", "2026", "--format", "md", today="2026-11-25").output
    assert f"{data['targets']['met']} of 10 targets met." in md
    for line in cli.ok("report", "year", "2026", today="2026-11-25").stdout.splitlines():
        assert len(line) <= 80, line


def test_targets_and_outcomes_import_from_a_workbook(cli, year_store, tmp_path) -> None:
    path = tmp_path / "mal.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Årsmål"
    ws.append(["Årsmål 2025"])
    ws.append(["År", "Mått", "Målvärde", "Riktning", "Benämning"])
    ws.append([2025, "sick_leave", "4,4", "högst", None])
    ws.append([2025, "municipal_jobs", 22, "minst", "Kommunala visstidsanställningar"])
    own = wb.create_sheet("Egna utfall")
    own.append(["År", "Mått", "Utfall", "Benämning"])
    own.append([2025, "municipal_jobs", 16, "Kommunala visstidsanställningar"])
    wb.save(path)
    result = cli("import", str(path), today=TODAY)
    assert result.exit_code == 0, result.output
    r = year_report(year_store, 2025, today=TODAY)
    assert [(t["key"], t["target"], t["direction"], t["outcome"], t["met"])
            for t in r["targets"]["targets"]] == [
        ("sick_leave", 4.4, "at_most", 0.54, True),
        ("municipal_jobs", 22.0, "at_least", 16.0, False)]
    ws.append([2025, "bad key", 1, "sometimes", None])
    wb.save(path)
    bad = cli("import", str(path), today=TODAY)
    assert bad.exit_code == 1 and "Årsmål!B5" in bad.output


def test_the_year_report_fits_80_columns_with_a_long_target(cli, year_store) -> None:
    wording = ("Sjukfrånvaron i enheten ska under hela året vara högst 4,4 procent enligt "
               "verksamhetsplanen och personalpolicyn")
    cli.ok("target", "set", "2025", "sick_leave", "4,4", "--label", wording, today=TODAY)
    for lang in ("en", "sv"):
        text = cli.ok("report", "year", "2025", today=TODAY, lang=lang).output
        assert max(len(line) for line in text.splitlines()) <= 80
        table = text[text.index("Sjukfrånvaron"):].split("\n")
        # the wording wraps in its own column; the value, outcome and verdict stay on its line
        first = table[0]
        assert first.startswith("Sjukfrånvaron i enheten ska") and ("4.4%" in first or "4,4 %" in first)
        rows = table[:next(i for i, line in enumerate(table) if re.match(r"\d+ (of|av) \d+", line))]
        assert " ".join(line.split("  ")[0] for line in rows) == wording
    md = cli.ok("report", "year", "2025", "--format", "md", today=TODAY).output
    assert f"| {wording} |" in md  # Markdown keeps it whole: the document wraps it


def test_negative_values_and_one_direction(cli, year_store) -> None:
    cli.ok("target", "set", "2025", "budget_result", "-500", today=TODAY)
    cli.ok("outcome", "set", "2025", "summer_jobs", "-3", "--label", "Sommarjobb", today=TODAY)
    assert year_store.scalar("SELECT value FROM target WHERE key = 'budget_result'") == -500
    assert year_store.scalar("SELECT value FROM outcome WHERE key = 'summer_jobs'") == -3
    line = cli.fails("target", "set", "2025", "budget_result", "100", "--at-least", "--at-most",
                     today=TODAY)
    assert line == "error: give --at-least or --at-most, not both"
    assert year_store.query("SELECT value, direction FROM target") == [
        {"value": -500, "direction": "at_least"}]
    cli.ok("target", "set", "2025", "budget_result", "100", "--at-most", today=TODAY)
    assert year_store.scalar("SELECT direction FROM target") == "at_most"


def test_a_share_target_in_per_cent_reads_the_same_typed_and_imported(cli, year_store,
                                                                       tmp_path) -> None:
    cli.ok("target", "set", "2025", "sick_leave", "4,4 %", today=TODAY)
    cli.ok("target", "set", "2025", "staff_turnover", "0,54", today=TODAY)  # a small target
    csv = tmp_path / "Årsmål.csv"
    csv.write_text("År;Mått;Målvärde;Riktning;Benämning\n"
                   "2026;sick_leave;4,4 %;högst;\n"
                   "2026;staff_turnover;0,54;högst;\n"
                   "2026;budget_result;5 %;minst;\n", encoding="utf-8")
    result = cli("import", str(csv), today=TODAY)
    assert result.exit_code == 0, result.output
    assert year_store.query("SELECT year, key, value FROM target ORDER BY year, rowid") == [
        {"year": 2025, "key": "sick_leave", "value": 4.4},
        {"year": 2025, "key": "staff_turnover", "value": 0.54},
        {"year": 2026, "key": "sick_leave", "value": 4.4},
        {"year": 2026, "key": "staff_turnover", "value": 0.54},
        {"year": 2026, "key": "budget_result", "value": 5}]
    # 0,54 on a share may be a fraction from a cell formatted as per cent: said, not guessed.
    assert ("Årsmål!C3: 0.54 on a share reads as 0.54 % — if 54 % is meant, write 54"
            in result.stderr)
    assert "Årsmål!C2" not in result.stderr and "Årsmål!C4" not in result.stderr


def test_a_targets_sheet_keeps_the_rules_of_target_set(cli, year_store, tmp_path) -> None:
    path = tmp_path / "mal.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Årsmål"
    ws.append(["År", "Mått", "Målvärde", "Riktning", "Benämning"])
    ws.append([2025, "sick_leave", "4,4", "högst", None])
    ws.append([2025, "sick_leeve", 5, "högst", None])             # a typo, no label
    ws.append([2025, "municipal_jobs", 22, "minst", None])        # labelled by its outcome
    own = wb.create_sheet("Egna utfall")
    own.append(["År", "Mått", "Utfall", "Benämning"])
    own.append([2025, "municipal_jobs", 16, "Kommunala visstidsanställningar"])
    own.append([2025, "plan_coverage", 80, "Planer"])             # ekbist computes it
    wb.save(path)
    bad = cli("import", str(path), today=TODAY)
    assert bad.exit_code == 1
    assert "Årsmål!B3: 'sick_leeve' — not a figure ekbist computes" in bad.stderr
    assert "'Egna utfall'!B3: 'plan_coverage' — ekbist computes this figure itself" in bad.stderr
    assert "Årsmål!B4" not in bad.stderr and "Egna utfall'!B2" not in bad.stderr
    assert year_store.scalar("SELECT count(*) FROM target") == 0
    assert year_store.scalar("SELECT count(*) FROM outcome") == 0
    ws["B3"] = "sick_leave_days"
    ws["E3"] = "Sjukdagar"
    own.delete_rows(3)
    wb.save(path)
    cli.ok("import", str(path), today=TODAY)
    assert year_store.query("SELECT key, value FROM target ORDER BY rowid") == [
        {"key": "sick_leave", "value": 4.4}, {"key": "sick_leave_days", "value": 5},
        {"key": "municipal_jobs", "value": 22}]


def test_plan_coverage_is_rounded_once_in_the_section_and_the_target_table(cli) -> None:
    # 172 of 416 is 41.35 %: rounded to two decimals first, it showed as 41.4 % in the
    # target table while the plan section said 41.3 %.
    cli.ok("demo", today="2026-11-25")
    data = json.loads(cli.ok("report", "year", "2025", "--format", "json",
                             today="2026-11-25").stdout)
    plan = data["plan_coverage"]
    shown = f"{100 * plan['current'] / plan['eligible']:.1f}%"
    md = cli.ok("report", "year", "2025", "--format", "md", today="2026-11-25").stdout
    section = next(line for line in md.splitlines() if "had a current change plan" in line)
    target = next(line for line in md.splitlines() if line.startswith("| Aktuell förändringsplan"))
    assert section.endswith(f": {shown}.")
    assert f"| {shown} |" in target


def test_every_report_takes_one_format_vocabulary(unit) -> None:
    # table, json and md; 'text', the year and month reports' old word for the table, still
    # works and prints the table.
    unit.ok("budget", "set", "2026", "Ekonomiskt bistånd/handläggning", "Personalkostnader",
            "1200000")
    unit.ok("actuals", "set", "2026", "4", "Ekonomiskt bistånd/handläggning",
            "Personalkostnader", "100000")
    for command in (("report", "year", "2025"), ("report", "month", "2026", "10"),
                    ("report", "tertial", "--tertial", "1", "--year", "2026")):
        table = unit.ok(*command, "--format", "table").output
        assert unit.ok(*command).output == table
        assert unit.ok(*command, "--format", "text").output == table
        assert unit.ok(*command, "--format", "TEXT").output == table
        json.loads(unit.ok(*command, "--format", "json").output)
        assert unit(*command, "--format", "xml").exit_code == 2
        assert unit.ok(*command, "--format", "md").output.startswith("# ")


def test_every_report_names_the_years_it_can_count(unit) -> None:
    # The working-day calendar covers 1990–2060, budgets 2000–2100: a report needs both.
    for year in ("1950", "1999", "2061", "2100"):
        for command in (("report", "year", year), ("report", "month", year, "1"),
                        ("report", "tertial", "--tertial", "1", "--year", year)):
            assert unit.fails(*command) == f"error: '{year}' is not a year (2000–2060)"
    # At the edges the year itself is accepted: 2000 is counted, 2060 has not come yet.
    assert unit(*("report", "year", "2000")).exit_code == 0
    assert "has not come yet" in unit.fails("report", "month", "2060", "12")
    # The budget commands keep the budget's own range.
    assert unit.fails("budget", "set", "1999", "A", "Personalkostnader", "1") == (
        "error: '1999' is not a year (2000–2100)")


def test_fte_weighted_days_keep_their_decimal_when_whole(cli, year_store) -> None:
    # Alva (1.0 FTE) was sick 2 working days: 2 FTE-weighted days, a measured quantity shown
    # with the one decimal such days always have ("2.0", as "194.8" elsewhere), not as a count.
    # Scheduled: 2025 has 261 weekdays less 12 holidays and eves on weekdays = 249 working
    # days, at 1.0 FTE (Alva) and 0.5 FTE (Bert): 249 + 124.5 = 373.5.
    text = cli.ok("report", "year", "2025", today=TODAY).output
    assert "Sick leave: 2.0 of 373.5 scheduled working days (FTE-weighted)." in " ".join(
        text.split())
    sv = cli.ok("report", "year", "2025", lang="sv", today=TODAY).output
    assert "2,0 av 373,5" in " ".join(sv.split())


# Last year's outcome in the target table (issue 28): the whole of 2025, whether 2026 is
# over or not; never the same months of 2025. Counted by hand from ``year_store``:
#   long-term share   whole 2025: K1 has 10 months, K2 2 → 1 of 2 = 50 %;
#                     January–March 2025: nobody has 10 months yet → 0 of 2 = 0 %.
#   households/month  whole 2025: 12 household-months / 12 = 1.0;
#                     January–March 2025: (1 + 1 + 2) / 3 = 1.3.
#   decided in time   whole 2025: 12 of 13 (K2's April late) = 92.3077 %; Jan–Mar: 5 of 5.
#   sick leave        whole 2025: 2 of 373.5 days = 0.54 % (0.0054); Jan–Mar: none (April).
#   plan coverage     2025's measurement on 30 June: 1 of 1 = 100 %.
#   cases per FTE 0.8, turnover 1 of 2.0 = 50 %, budget result +12 tkr (all of 2025).
LAST_YEAR_2025 = {"long_term_share_of_households": 50.0, "households_per_month_avg": 1.0,
                  "share_decided_in_time": 92.3077, "sick_leave": 0.54,
                  "plan_coverage": 100.0, "cases_per_fte": 0.8, "staff_turnover": 50.0,
                  "budget_result": 12, "municipal_jobs": 16.0}


def _targets_for_2026(s) -> None:
    for key, value in (("long_term_share_of_households", "40"),
                       ("households_per_month_avg", "2"), ("share_decided_in_time", "85"),
                       ("sick_leave", "4.4"), ("plan_coverage", "50"), ("cases_per_fte", "30"),
                       ("staff_turnover", "10"), ("budget_result", "0")):
        targets.set_target(s, 2026, key, value)
    targets.set_target(s, 2026, "municipal_jobs", "22", label="Kommunala visstidsanställningar")
    targets.set_outcome(s, 2025, "municipal_jobs", "16", label=None)


@pytest.mark.parametrize("today", [date(2026, 3, 15), date(2027, 1, 15)],
                         ids=["2026 in progress", "2026 over"])
def test_last_year_is_last_years_whole_year_outcome(year_store, today) -> None:
    s = year_store
    _targets_for_2026(s)
    r = year_report(s, 2026, today=today)
    assert r["complete"] is (today.year == 2027)
    previous = {t["key"]: t["previous"] for t in r["targets"]["targets"]}
    assert previous == LAST_YEAR_2025
    # It is what the 2025 report says of 2025.
    targets_2025 = {k: v for k, v in LAST_YEAR_2025.items() if k != "municipal_jobs"}
    for key, value in targets_2025.items():
        targets.set_target(s, 2025, key, "1")
    outcomes_2025 = {t["key"]: t["outcome"]
                     for t in year_report(s, 2025, today=today)["targets"]["targets"]}
    assert outcomes_2025 == targets_2025
    if today.year == 2026:
        # The figure section still compares with the same months of 2025 (Jan–Mar).
        long_term = {f["key"]: f["previous"] for f in r["long_term"]}
        assert long_term["long_term_share_of_households"] == 0.0
        assert r["households"]["previous_average"] == 1.3


def test_last_year_is_blank_where_the_store_does_not_reach_back(year_store) -> None:
    s = year_store
    # The store's first application is for January 2025: all of 2025 is known, not 2024.
    for key in ("sick_leave", "plan_coverage", "long_term_share_of_households"):
        targets.set_target(s, 2025, key, "1")
    targets.set_target(s, 2025, "municipal_jobs", "22", label="Kommunala visstidsanställningar")
    targets.set_outcome(s, 2024, "municipal_jobs", "18", label=None)
    r = year_report(s, 2025, today=TODAY)
    # A manual figure's last year is the outcome recorded for 2024; the computed ones are
    # blank, not 0 (a sick leave of 2024 would count days the store knows nothing of).
    assert {t["key"]: t["previous"] for t in r["targets"]["targets"]} == {
        "sick_leave": None, "plan_coverage": None, "long_term_share_of_households": None,
        "municipal_jobs": 18.0}


def test_only_the_targets_set_get_a_last_year(year_store) -> None:
    from ekbist.reports import year as year_lib

    s = year_store
    targets.set_target(s, 2026, "sick_leave", "4.4")
    assert year_lib.last_year_outcomes(s, 2026, date(2026, 3, 15), {"figures": []}) == {
        "sick_leave": 0.54}
    # Every computed figure outside the key figures has its part of the report.
    own = {f.key for f in targets.OWN_FIGURES}
    assert own == set(year_lib.PART_OF)


def test_last_year_in_the_text_markdown_and_workbook(cli, year_store, tmp_path) -> None:
    _targets_for_2026(year_store)
    text = cli.ok("report", "year", "2026", today="2026-03-15").output
    # Last year's outcome shown as an outcome beside the target: 0.54 % beside ≤ 4.4 %,
    # 0.8 cases beside ≤ 30 (never 1).
    rows = {line[:38].strip(): line[38:].split() for line in text.splitlines()}
    assert rows["Sick leave"] == ["0.00%", "0.54%", "≤", "4.4%", "met"]
    assert rows["Cases per FTE, monthly average"] == ["1", "0.8", "≤", "30", "met"]
    assert rows["Budget result (surplus positive)"] == ["–", "12", "tkr", "≥", "0", "tkr",
                                                        "no", "outcome"]
    md = cli.ok("report", "year", "2026", "--format", "md", lang="sv",
                today="2026-03-15").output
    header = next(line for line in md.splitlines() if line.startswith("| Indikator"))
    assert header.split(" | ")[4] == "2025"
    assert ("| Andel ärenden med aktuell förändringsplan vid mätningen | – |  |  | 100,0 % "
            "| ≥ 50,0 % |") in md
    path = tmp_path / "year.xlsx"
    cli.ok("report", "year", "2026", "--xlsx", str(path), today="2026-03-15")
    ws = openpyxl.load_workbook(path)["Targets"]
    assert ws.cell(row=3, column=10).value == "2025"
    by_label = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=10).value
                for r in range(4, 4 + 9)}
    assert by_label["Sick leave"] == 0.0054 and by_label["Staff turnover"] == 0.5
    assert by_label["Budget result (surplus positive)"] == 12


def test_the_barrier_table_in_the_month_and_year_workbooks(cli, year_store, tmp_path) -> None:
    from ekbist import barriers

    # K1 (5 000 kr a month, January–October) is unable to work for social reasons until
    # May, sick with a certificate from June; K2 (4 000 kr in March and April) has none.
    barriers.set_barrier(year_store, "K1", "social", from_date=D("2024-12-01"), today=TODAY)
    barriers.set_barrier(year_store, "K1", "sick_certified", from_date=D("2025-06-01"),
                         today=TODAY)
    social, sick = "unable to work for social reasons", "sick with a doctor's certificate"

    def sheet(args, lang="en"):
        path = tmp_path / f"{'-'.join(args)}-{lang}.xlsx"
        data = json.loads(cli.ok("report", *args, "--format", "json", "--xlsx", str(path),
                                 lang=lang, today=TODAY).output)
        wb = openpyxl.load_workbook(path)
        name = "Barriers to self-support" if lang == "en" else "Försörjningshinder"
        ws = wb[name]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
        return data, ws, rows

    # The year: K1 social 5 months (Jan–May), sick 5 (Jun–Oct), K2 not recorded 2; a
    # month on average over 12 months: 0.4, 0.4, 0.2; a tie goes in the codes' order.
    data, ws, rows = sheet(["year", "2025"])
    assert ws["A1"].value == "Households by barrier to self-support"
    assert rows[:4] == [["Barrier", "Households", "Paid (kr)"], [sick, 0.4, 25_000],
                        [social, 0.4, 25_000], ["not recorded", 0.2, 8_000]]
    assert rows[5][0] == "Households: a month on average."
    total = data["barriers"]["total"]
    assert [total[c]["household_months"] for c in ("sick_certified", "social",
                                                   "not_recorded")] == [5, 5, 2]
    assert [total[c]["paid"] for c in ("sick_certified", "social",
                                       "not_recorded")] == [r[2] for r in rows[1:4]]
    assert ws["B4"].number_format == "#,##0.0" and ws["C4"].number_format == "#,##0"

    # April: K1 (social, 5 000 kr) and K2 (none, 4 000 kr), one household each.
    data, ws, rows = sheet(["month", "2025", "4"])
    assert rows == [["Barrier", "Households", "Paid (kr)"], [social, 1, 5000],
                    ["not recorded", 1, 4000]]
    april = data["barriers"]["months"][0]["by_barrier"]
    assert (april["social"], april["not_recorded"]) == ({"households": 1, "paid": 5000},
                                                         {"households": 1, "paid": 4000})
    # December: nobody has assistance; the sheet says so, as the text does.
    _, ws, rows = sheet(["month", "2025", "12"])
    assert rows == [["Barrier", "Households", "Paid (kr)"], [None, None, None],
                    ["No households with assistance.", None, None]]

    # In Swedish, the headers of the text report and the glossary's words.
    _, ws, rows = sheet(["month", "2025", "4"], lang="sv")
    md = cli.ok("report", "month", "2025", "4", "--format", "md", lang="sv",
                today=TODAY).output
    assert f"| {' | '.join(rows[0])} |" in md
    assert rows[0][0] == "Försörjningshinder" and ws["A1"].value == "Hushåll efter försörjningshinder"
    assert rows[1] == ["arbetshinder – sociala skäl", 1, 5000]
