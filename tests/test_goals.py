"""Goals as the annual report holds them: the hierarchy, verdicts, the proposal, the
conclusion that counts unit goals, and the seed's own 2016 goals as a golden report."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ekbist.errors import EkbistError
from ekbist.reports import goals, targets
from ekbist.reports.year import year_report
from ekbist.sheet_import import import_file
from ekbist.sheets.importer import ValidationErrors

SEED = Path(__file__).parent / "fixtures" / "seed_2016"
AFTER_2016 = date(2017, 3, 1)
# A personnummer with a valid check digit (the secrecy gate's own test number).
PNR = "19121212-1212"


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _seed(cli) -> None:
    cli.ok("init")
    for name in ("goals", "activities", "outcomes", "targets"):
        cli.ok("import", str(SEED / f"{name}.csv"), today=AFTER_2016)


def _goal_part(md: str) -> str:
    """The report from its title to the first figure section."""
    return md.split("\n## Bidragshushåll per månad")[0] + "\n"


# -- the seed's own 2016 goals --------------------------------------------------------------
def test_the_seed_report_concludes_as_the_seed_does(cli) -> None:
    _seed(cli)
    md = cli.ok("report", "year", "2016", "--format", "md", lang="sv", today=AFTER_2016).output
    golden = (SEED / "year_2016_goals.md").read_text(encoding="utf-8")
    assert _goal_part(md) == golden
    # The seed: "Bedömningen är att enheten uppnår alla mål utom två." — 15 unit goals, two
    # judged partly, while five of the twelve indicator targets are missed.
    assert "Bedömningen är att enheten uppnår alla mål utom två." in md
    data = json.loads(cli.ok("report", "year", "2016", "--format", "json",
                             today=AFTER_2016).output)
    assert data["goals"]["conclusion"] == {"unit_goals": 15, "met": 13, "partly": 2,
                                           "not_met": 0, "unjudged": 0}
    judged = [t["met"] for t in data["targets"]["targets"]]
    assert (len(judged), judged.count(True), judged.count(False)) == (12, 7, 5)
    # The figure sections follow the goals, in the annual report's order.
    order = [line for line in md.splitlines() if line.startswith("## ")]
    assert order[:4] == ["## Måluppfyllelse", "## Bidragshushåll per månad",
                         "## Långvarigt bistånd och unga vuxna",
                         "## Avslutade ärenden efter orsak"]


def test_the_conclusion_follows_the_chief_not_the_indicators(cli) -> None:
    _seed(cli)
    cli.ok("goal", "judge", "2016", "e9", "helt", "--reason", "Rehab-arbetet gav resultat.",
           today=AFTER_2016)
    md = cli.ok("report", "year", "2016", "--format", "md", lang="sv", today=AFTER_2016).output
    assert "Bedömningen är att enheten uppnår alla mål utom ett." in md
    cli.ok("goal", "judge", "2016", "e1", "uppfylls helt", "--reason", "Planer i alla ärenden.",
           today=AFTER_2016)
    text = cli.ok("report", "year", "2016", lang="en", today=AFTER_2016).output
    assert "The assessment is that the unit meets all its goals.\n" in text
    cli.ok("goal", "unjudge", "2016", "e1", today=AFTER_2016)
    text = cli.ok("report", "year", "2016", lang="en", today=AFTER_2016).output
    assert "1 of the 15 unit goals is not judged yet." in text
    assert "meets all its goals." in text


def test_a_verdict_unlike_the_proposal_is_shown_beside_it_with_its_reason(cli) -> None:
    _seed(cli)
    # 3.3 has seven indicators, three missed: ekbist proposes "uppfylls delvis".
    cli.ok("goal", "judge", "2016", "3.3", "helt", "--reason", "Målen för sommarjobb nåddes.",
           today=AFTER_2016)
    md = cli.ok("report", "year", "2016", "--format", "md", lang="sv", today=AFTER_2016).output
    assert ("Bedömning: uppfylls helt (ekbist föreslår uppfylls delvis utifrån indikatorerna; "
            "motivering: Målen för sommarjobb nåddes.)") in md
    # The same verdict as the proposal shows no proposal.
    cli.ok("goal", "judge", "2016", "1.1", "helt", "--reason", "1 % mot 1,3 %.", today=AFTER_2016)
    section = md.split("1.1 Alla barn")[1].split("####")[0]
    assert "föreslår" in section  # before the verdict: a proposal only
    md = cli.ok("report", "year", "2016", "--format", "md", lang="sv", today=AFTER_2016).output
    section = md.split("1.1 Alla barn")[1].split("####")[0]
    assert "Bedömning: uppfylls helt." in section and "föreslår" not in section


def test_a_goals_texts_stay_text_in_the_markdown_report(cli) -> None:
    # Texts keep their paragraphs; in Markdown a heading and a table row are one line, and
    # a paragraph that starts like a heading or a list is still a paragraph.
    cli.ok("init")
    cli.ok("goal", "set", "2025", "u1", "--level", "unit", "--wording",
           "Fler i arbete\noch egen försörjning", "--analysis",
           "Första stycket.\n# Inte en rubrik\n- inte en lista\n1. inte heller\n"
           "2024 var ett | bra år")
    cli.ok("goal", "activity", "2025", "u1", "Ring\nvarje vecka")
    md = cli.ok("report", "year", "2025", "--format", "md", today=date(2026, 3, 1)).output
    lines = md.splitlines()
    start = lines.index("### Unit goal: Fler i arbete och egen försörjning")
    assert lines[start + 1:start + 8] == [
        "", "Verdict: not judged yet.  ", "Analysis: Första stycket.  ",
        "\\# Inte en rubrik  ", "\\- inte en lista  ", "1\\. inte heller  ",
        "2024 var ett | bra år"]
    assert "| Ring varje vecka |  |  | planned |" in lines


def test_the_seed_report_as_a_workbook_and_at_80_columns(cli, tmp_path) -> None:
    _seed(cli)
    path = tmp_path / "year.xlsx"
    text = cli.ok("report", "year", "2016", "--xlsx", str(path), lang="sv",
                  today=AFTER_2016).output
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:4] == ["Måluppfyllelse", "Åtgärder", "Mål", "Bidragshushåll"]
    # the goals' activities (åtgärder) and the cases' activities against the requirement
    # (the readiness sheet) are two sheets with two names
    assert "Aktivitetskrav" in wb.sheetnames and "Åtgärder1" not in wb.sheetnames
    ws = wb["Måluppfyllelse"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    unit = [r for r in rows if r[0] == "enhet"]
    assert len(unit) == 15 and [r[2] for r in unit].count("uppfylls delvis") == 2
    assert ws["A1"].value == "Måluppfyllelse 2016"
    assert any("alla mål utom två" in str(c.value) for r in ws.iter_rows() for c in r)
    targets_ws = wb["Mål"]
    header = [c.value for c in targets_ws[3]]
    assert header[6:] == ["Mål-id", "Män", "Kvinnor", "2015", "KF:s årsmål", "Period"]
    homeless = next(r for r in targets_ws.iter_rows(min_row=4, values_only=True)
                    if r[0] == "Antal hemlösa")
    assert homeless[3] == 174 and homeless[6:] == ("1.2", 116, 58, None, None, "2016")


# -- the library: the hierarchy's rules, both sides ---------------------------------------
def test_levels_hang_under_the_same_or_a_higher_level(store) -> None:
    goals.set_goal(store, 2016, "KF1", level="stad", wording="Ett Stockholm som håller samman")
    goals.set_goal(store, 2016, "1.1", level="city", parent="kf1", wording="Alla barn")
    goals.set_goal(store, 2016, "n1", level="nämnd", parent="1.1", wording="Nämndmål")
    goals.set_goal(store, 2016, "e1", level="enhetsmål", parent="n1", wording="Enhetsmål")
    goals.set_goal(store, 2016, "e2", level="unit", parent="kf1", wording="Direkt under KF")
    assert [(g["key"], g["depth"]) for g in goals.list_goals(store, 2016)] == [
        ("kf1", 0), ("1.1", 1), ("n1", 2), ("e1", 3), ("e2", 1)]
    with pytest.raises(EkbistError, match="a board goal cannot hang under a unit goal"):
        goals.set_goal(store, 2016, "n2", level="board", parent="e1", wording="Fel")
    with pytest.raises(EkbistError, match="a city goal cannot hang under a board goal"):
        goals.set_goal(store, 2016, "k2", level="city", parent="n1", wording="Fel")
    with pytest.raises(EkbistError, match="which hangs under it"):
        goals.set_goal(store, 2016, "kf1", parent="e1")
    with pytest.raises(EkbistError, match="no goal 'x9' for 2016"):
        goals.set_goal(store, 2016, "e3", level="unit", parent="x9", wording="Saknad förälder")
    with pytest.raises(EkbistError, match="no goal 'kf1' for 2017"):
        goals.set_goal(store, 2017, "e3", level="unit", parent="kf1", wording="Annat år")
    # 1.1 has the board goal n1 under it: it may become a board goal, never a unit goal.
    with pytest.raises(EkbistError, match="'1.1' has goals under it at a higher level than unit"):
        goals.set_goal(store, 2016, "1.1", level="unit")
    assert goals.set_goal(store, 2016, "1.1", level="board")["level"] == "board"
    assert store.scalar("SELECT count(*) FROM goal") == 5


def test_a_goal_key_text_and_the_secrecy_gate(store) -> None:
    for bad in ("", "a b", "-x", "å1", "x" * 41):
        with pytest.raises(EkbistError, match="is not a goal key"):
            goals.set_goal(store, 2016, bad, level="unit", wording="Mål")
    with pytest.raises(EkbistError, match="needs its level"):
        goals.set_goal(store, 2016, "e1", wording="Mål")
    with pytest.raises(EkbistError, match="needs its wording"):
        goals.set_goal(store, 2016, "e1", level="unit")
    with pytest.raises(EkbistError, match="the wording is empty"):
        goals.set_goal(store, 2016, "e1", level="unit", wording="   ")
    with pytest.raises(EkbistError, match="too long"):
        goals.set_goal(store, 2016, "e1", level="unit", wording="x" * 501)
    for spelling in (PNR, "121212-1212", "19121212 1212", "191212121212"):
        with pytest.raises(EkbistError):
            goals.set_goal(store, 2016, "e1", level="unit", wording=f"Klient {spelling}")
    goals.set_goal(store, 2016, "e1", level="unit", wording="Mål", analysis="Analys")
    with pytest.raises(EkbistError):
        goals.judge(store, 2016, "e1", "helt", reason=f"Se {PNR}")
    with pytest.raises(EkbistError):
        goals.set_activity(store, 2016, "e1", f"Ring {PNR}")
    assert store.one("SELECT verdict, reason FROM goal") == {"verdict": None, "reason": None}
    assert store.scalar("SELECT count(*) FROM goal_activity") == 0


def test_judging_needs_a_known_verdict_and_a_reason_and_is_audited(store) -> None:
    goals.set_goal(store, 2016, "e1", level="unit", wording="Mål")
    for word, code in (("helt", "met"), ("DELVIS", "partly"), ("uppfylls ej", "not_met"),
                       ("partly", "partly"), ("fulfilled in full", "met"), ("ej", "not_met")):
        assert goals.judge(store, 2016, "e1", word, reason="Skäl")["verdict"] == code
    for bad in ("nej", "", "halvt"):
        with pytest.raises(EkbistError, match="unknown verdict"):
            goals.judge(store, 2016, "e1", bad, reason="Skäl")
    with pytest.raises(EkbistError, match="the reason is empty"):
        goals.judge(store, 2016, "e1", "helt", reason="  ")
    with pytest.raises(EkbistError, match="no goal 'e2' for 2016"):
        goals.judge(store, 2016, "e2", "helt", reason="Skäl")
    audited = store.query("SELECT action, after FROM audit WHERE tbl = 'goal' ORDER BY id")
    assert [a["action"] for a in audited] == ["insert"] + ["update"] * 6
    assert '"verdict": "not_met"' in audited[-1]["after"].replace('":"', '": "')


def test_the_proposal_rule(store) -> None:
    def rows(*met):
        return [{"met": m} for m in met]

    assert goals.propose(rows()) is None
    assert goals.propose(rows(None, None)) is None  # no outcome yet: nothing to propose
    assert goals.propose(rows(True, True, None)) == "met"
    assert goals.propose(rows(True, False)) == "partly"
    assert goals.propose(rows(False, None, False)) == "not_met"


def test_a_goal_with_goals_or_targets_under_it_stays(store) -> None:
    goals.set_goal(store, 2016, "n1", level="board", wording="Nämndmål")
    goals.set_goal(store, 2016, "e1", level="unit", parent="n1", wording="Enhetsmål")
    targets.set_target(store, 2016, "summer_jobs", 280, label="Sommarjobb", goal="e1")
    goals.set_activity(store, 2016, "e1", "Rekrytera", start="2016-01-01", end="2016-06-30")
    with pytest.raises(EkbistError, match="still has goals or targets"):
        goals.remove_goal(store, 2016, "n1")
    with pytest.raises(EkbistError, match="still has goals or targets"):
        goals.remove_goal(store, 2016, "e1")
    with pytest.raises(EkbistError, match="no goal 'e9' for 2016"):
        targets.set_target(store, 2016, "summer_jobs", 280, goal="e9")
    targets.set_target(store, 2016, "summer_jobs", 270, no_goal=True)
    assert store.one("SELECT value, goal, label FROM target") == {
        "value": 270.0, "goal": None, "label": "Sommarjobb"}
    goals.remove_goal(store, 2016, "e1")
    assert store.scalar("SELECT count(*) FROM goal_activity") == 0
    with pytest.raises(EkbistError, match="before it starts"):
        goals.set_activity(store, 2016, "n1", "Baklänges", start="2016-05-01", end="2016-04-30")


def test_the_report_proposes_from_the_goals_own_indicators(store) -> None:
    goals.set_goal(store, 2016, "e1", level="unit", wording="Jobb")
    targets.set_target(store, 2016, "summer_jobs", 280, label="Sommarjobb", goal="e1",
                       city_value=8000, period="2016")
    targets.set_target(store, 2016, "municipal_jobs", 22, label="Kommunala jobb", goal="e1")
    targets.set_outcome(store, 2016, "summer_jobs", 290, label="Sommarjobb", men=140, women=150)
    targets.set_outcome(store, 2015, "summer_jobs", 260, label="Sommarjobb")
    report = year_report(store, 2016, today=AFTER_2016)
    (goal,) = report["goals"]["goals"]
    # One met, one without an outcome: the outcome there is met, so "in full".
    assert goal["proposal"] == "met" and goal["verdict"] is None
    row = next(t for t in report["targets"]["targets"] if t["key"] == "summer_jobs")
    assert (row["outcome"], row["men"], row["women"], row["previous"], row["city_target"],
            row["period"], row["goal"]) == (290, 140, 150, 260, 8000, "2016", "e1")
    targets.set_outcome(store, 2016, "municipal_jobs", 16, label="Kommunala jobb")
    report = year_report(store, 2016, today=AFTER_2016)
    assert report["goals"]["goals"][0]["proposal"] == "partly"


# -- the command line: every bad input one line, the store unchanged ----------------------
def test_next_years_goals_are_listed_before_the_year_begins(cli) -> None:
    # Goals and targets are set in the autumn for the year to come.
    cli.ok("init")
    autumn = date(2026, 10, 15)
    cli.ok("goal", "set", "2027", "u1", "--level", "unit", "--wording", "Fler i arbete",
           today=autumn)
    cli.ok("target", "set", "2027", "municipal_jobs", "22", "--goal", "u1", "--label",
           "Kommunala jobb", today=autumn)
    cli.ok("target", "set", "2027", "share_decided_in_time", "90", "--goal", "u1",
           today=autumn)
    data = json.loads(cli.ok("goal", "list", "2027", "--format", "json", today=autumn).output)
    [goal] = data["goals"]
    assert (data["year"], goal["key"], goal["targets"], goal["proposal"], goal["verdict"]) == (
        2027, "u1", ["municipal_jobs", "share_decided_in_time"], None, None)
    assert data["conclusion"] == {"unit_goals": 1, "met": 0, "partly": 0, "not_met": 0,
                                  "unjudged": 1}
    assert "Fler i arbete" in cli.ok("goal", "list", "2027", today=autumn).output
    # The year report of a year not begun is still refused.
    assert "2027 has not begun" in cli.fails("report", "year", "2027", today=autumn)


def test_goal_commands_refuse_bad_input_and_write_nothing(cli, db_path) -> None:
    cli.ok("init")
    cli.ok("goal", "set", "2016", "e1", "--level", "enhet", "--wording", "Planering")
    before = _rows(db_path, "SELECT * FROM goal")
    audit = _rows(db_path, "SELECT count(*) FROM audit")
    for args, reason in [
        (("goal", "judge", "2016", "e1", "nej", "--reason", "x"), "unknown verdict 'nej'"),
        (("goal", "judge", "2016", "e2", "helt", "--reason", "x"), "no goal 'e2' for 2016"),
        (("goal", "judge", "2016", "e1", "helt", "--reason", f"Se {PNR}"), "personnummer"),
        (("goal", "set", "2016", "e2", "--level", "enhet"), "needs its wording"),
        (("goal", "set", "2016", "e1", "--parent", "e1"), "hangs under it"),
        (("goal", "set", "2016", "e1", "--parent", "x", "--no-parent"), "not both"),
        (("goal", "set", "1800", "e1", "--level", "unit", "--wording", "x"), "not a year"),
        (("goal", "activity", "2016", "e1", "Ring", "--start", "2016-13-01"), "not a date"),
        (("goal", "activity", "2016", "e1", "Ring", "--status", "klar-ish"),
         "unknown activity status"),
        (("goal", "remove", "2016", "e9"), "no goal 'e9' for 2016"),
        (("target", "set", "2016", "summer_jobs", "280", "--label", "S", "--goal", "e9"),
         "no goal 'e9' for 2016"),
        (("target", "set", "2016", "summer_jobs", "280", "--label", "S", "--period", "x" * 41),
         "the period is too long"),
        (("outcome", "set", "2016", "summer_jobs", "270", "--label", "S", "--men", "många"),
         "is not a number"),
    ]:
        line = cli.fails(*args)
        assert reason in line, (args, line)
        assert PNR not in line
    assert _rows(db_path, "SELECT * FROM goal") == before
    assert _rows(db_path, "SELECT count(*) FROM audit") == audit
    assert _rows(db_path, "SELECT count(*) FROM target") == [(0,)]
    # In Swedish, the same refusal in Swedish words.
    line = cli.fails("goal", "judge", "2016", "e2", "helt", "--reason", "x", lang="sv")
    assert line == "fel: inget mål 'e2' för 2016"


# -- the sheets: import, export and every refusal ------------------------------------------
def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("rows, reason", [
    ("2016,a,enhet,b,A,,,,\n2016,b,enhet,a,B,,,,\n", "hang under itself"),
    ("2016,a,enhet,a,A,,,,\n", "hang under itself"),
    ("2016,a,enhet,,A,,,,\n2016,b,nämnd,a,B,,,,\n", "same or a higher level"),
    ("2016,a,enhet,x,A,,,,\n", "no goal with this id"),
    ("2016,a,enhet,,A,,,uppfylls helt,\n", "a verdict needs a reason"),
    ("2016,a,enhet,,A,,,,Skäl utan bedömning\n", "a verdict needs a reason"),
    ("2016,A B,enhet,,A,,,,\n", "a goal id is"),
    ("2016,a,mellan,,A,,,,\n", "unknown value"),
    (f"2016,a,enhet,,Klient {PNR},,,,\n", "personnummer"),
])
def test_a_goals_sheet_is_refused_whole(store, tmp_path, rows, reason) -> None:
    header = "År,Mål-id,Nivå,Hänger under,Mål,Förväntat resultat,Analys,Bedömning,Motivering\n"
    path = _csv(tmp_path, "goals.csv", header + "2016,ok,stad,,Stadens mål,,,,\n" + rows)
    with pytest.raises((ValidationErrors, EkbistError)) as caught:
        import_file(store, path, today=AFTER_2016)
    assert reason in str(caught.value) or any(reason in str(p) for p in getattr(
        caught.value, "problems", []))
    assert store.scalar("SELECT count(*) FROM goal") == 0


def test_a_goals_sheet_moves_a_goal_down_only_above_the_goals_under_it(store, tmp_path) -> None:
    # The store: the city goal c1 with the board goal n1 under it.
    goals.set_goal(store, 2016, "c1", level="city", wording="Stadens mål")
    goals.set_goal(store, 2016, "n1", level="board", parent="c1", wording="Nämndens mål")
    header = "År,Mål-id,Nivå,Hänger under,Mål,Förväntat resultat,Analys,Bedömning,Motivering\n"
    # A unit goal over the board goal n1 is refused, and the store keeps c1 a city goal.
    down = _csv(tmp_path, "down.csv", header + "2016,c1,enhet,,Stadens mål,,,,\n")
    with pytest.raises(ValidationErrors, match="has goals under it at a higher level"):
        import_file(store, down, today=AFTER_2016)
    assert store.scalar("SELECT level FROM goal WHERE key = 'c1'") == "city"
    # A board goal over a board goal is what the rule accepts.
    board = _csv(tmp_path, "board.csv", header + "2016,c1,nämnd,,Stadens mål,,,,\n")
    import_file(store, board, today=AFTER_2016)
    assert store.scalar("SELECT level FROM goal WHERE key = 'c1'") == "board"
    # The same sheet may move n1 out from under c1 and then make c1 a unit goal.
    moved = _csv(tmp_path, "moved.csv", header + "2016,c1,enhet,,Stadens mål,,,,\n"
                 "2016,n1,nämnd,,Nämndens mål,,,,\n")
    import_file(store, moved, today=AFTER_2016)
    assert list(store.tuples("SELECT key, level, parent FROM goal ORDER BY key")) == [
        ("c1", "unit", None), ("n1", "board", None)]


def test_activities_and_targets_name_goals_that_exist(store, tmp_path) -> None:
    acts = _csv(tmp_path, "a.csv", "År,Mål-id,Åtgärd,Startdatum,Slutdatum,Status\n"
                "2016,e9,Ring,2016-01-01,2016-12-31,genomförd\n")
    with pytest.raises(ValidationErrors, match="no goal with this id"):
        import_file(store, acts, today=AFTER_2016)
    tgts = _csv(tmp_path, "t.csv", "År,Mått,Målvärde,Riktning,Benämning,Mål-id\n"
                "2016,summer_jobs,280,minst,Sommarjobb,e9\n")
    with pytest.raises(ValidationErrors, match="no goal with this id"):
        import_file(store, tgts, today=AFTER_2016)
    assert store.scalar("SELECT count(*) FROM target") == 0
    backwards = _csv(tmp_path, "b.csv", "År,Mål-id,Aktivitet,Startdatum,Slutdatum,Status\n"
                     "2016,e9,Ring,2016-05-01,2016-04-01,\n")
    with pytest.raises(ValidationErrors, match="ends before it starts"):
        import_file(store, backwards, today=AFTER_2016)


def test_goals_go_out_and_come_back(cli, tmp_path) -> None:
    _seed(cli)
    out = tmp_path / "goals.xlsx"
    cli.ok("export", "all", str(out), today=AFTER_2016)
    again = type(cli)(tmp_path / "again.db")
    again.ok("init")
    again.ok("import", str(out), today=AFTER_2016)
    first = json.loads(cli.ok("report", "year", "2016", "--format", "json",
                              today=AFTER_2016).output)
    second = json.loads(again.ok("report", "year", "2016", "--format", "json",
                                 today=AFTER_2016).output)
    assert first["goals"] == second["goals"]
    assert first["targets"] == second["targets"]
