"""``ekbist check``: severities, exit codes, output shapes, and that it only ever reads.

Small stores built through the command line give one situation each; a small
demo unit (built once for the module) gives the mixed picture of a real
morning; real processes show that the check never waits on a writer and never
sees half an import.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from helpers.procs import run, start

from ekbist import caseload, handling_time, plans, prognosis
from ekbist import check as checks
from ekbist.i18n import set_language
from ekbist.store import Store, latest_version

TODAY = date(2026, 11, 25)
ACTIVITY = "Ekonomiskt bistånd/handläggning"
LINE = "Övriga kostnader"


def run_json(cli, *args, **kwargs) -> tuple[int, dict]:
    result = cli("check", "--format", "json", *args, **kwargs)
    return result.exit_code, json.loads(result.stdout)


def kinds(store_path: Path, today: date = TODAY, only=None) -> list[tuple[str, str | None]]:
    """(kind, subject) of every finding, straight from the library."""
    with Store.open(store_path, readonly=True, migrate=False) as store:
        report = checks.run(store, today, only=only)
    return sorted((f.kind, f.subject) for f in report.findings)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- OK, WARNING, CRITICAL ---------------------------------------------------------------
def test_empty_store_is_ok_and_quiet_prints_nothing(cli) -> None:
    cli.ok("init")
    result = cli.ok("check")
    assert result.stdout == "EKBIST OK: nothing needs attention on 2026-11-25\n"
    assert cli.ok("check", "--quiet").stdout == ""
    assert cli.ok("check", "-q").stdout == ""
    status, payload = run_json(cli)
    assert status == 0
    assert payload == {"status": "OK", "as_of": "2026-11-25",
                       "counts": {"critical": 0, "warning": 0}, "findings": []}
    assert cli.ok("check", "--format", "json", "--quiet").stdout == ""


def assert_heading(result, exit_code: int, status: str, counts: str) -> list[str]:
    """The check's exit code, its status line and its counts line; the lines of its output."""
    assert result.exit_code == exit_code
    lines = result.stdout.splitlines()
    assert lines[0] == status
    assert lines[1] == counts
    return lines


def test_warning_store_lists_each_handlers_part(unit) -> None:
    # C-1, C-2 (bo) and C-3 (cia, homeless) are past the 90-day grace period without a plan.
    result = unit("check")
    assert_heading(
        result, 1,
        "EKBIST WARNING: 3 cases without a change plan, 1 homeless case without a housing plan",
        "As of 2026-11-25: 0 critical, 4 warnings (checks: handling-time, plans, caseload, "
        "budget).")
    text = result.stdout
    bo = text.index("Bo Berg (bo, investigation)")
    cia = text.index("Cia Ceder (cia, investigation)")
    assert bo < cia  # handlers by name when equally urgent
    bo_part = text[bo:cia]
    assert "case C-1, opened on 2026-01-10, has no change plan after 319 days" in bo_part
    assert "case C-2" in bo_part and "C-3" not in bo_part
    cia_part = text[cia:]
    assert "WARNING   homeless case C-3 has no housing plan" in cia_part
    assert "Anna" not in text  # C-4 is within its grace period
    # --quiet only silences OK.
    assert unit("check", "--quiet").stdout == result.stdout


def test_critical_store_exit_2_and_criticals_first(unit) -> None:
    unit.ok("application", "add", "C-4", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16")
    result = unit("check")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("EKBIST CRITICAL: 1 overdue application, 3 cases without")
    anna = lines.index("Anna Andersson (anna, intake)")
    assert anna == 3  # the handler with a critical finding comes first
    assert lines[anna + 1] == (
        "  CRITICAL  application A0000001 (case C-4) is 3 working days late "
        "(deadline 2026-11-20)"
    )


def test_only_the_first_line_keeps_the_english_status_word_in_swedish(unit) -> None:
    result = unit("check", lang="sv")
    lines = assert_heading(
        result, 1,
        "EKBIST WARNING: 3 ärenden utan förändringsplan, 1 hemlöst hushåll utan boendeplan",
        "Per 2026-11-25: 0 kritiska, 4 varningar (kontroller: handläggningstid, planer, "
        "ärendeantal, budget).")
    assert "  VARNING   ärende C-3 (hemlöst hushåll) saknar boendeplan" in result.stdout
    assert "WARNING" not in "\n".join(lines[1:]) and "CRITICAL" not in result.stdout
    # The checks a Swedish user reads are the ones --only takes.
    only = unit("check", "--only", "planer,ärendeantal", lang="sv")
    assert "(kontroller: planer, ärendeantal)." in only.stdout
    wrong = unit("check", "--only", "plans,nope", lang="sv")
    assert wrong.exit_code == 3
    assert ("okänd kontroll 'nope' (kända: handläggningstid, planer, ärendeantal, budget, "
            "årsmål, kontakter, insatser)") in wrong.stdout
    cli_ok = unit("check", "--only", "budget", lang="sv")
    assert cli_ok.stdout == "EKBIST OK: inget behöver åtgärdas den 2026-11-25\n"


# -- each check ----------------------------------------------------------------------------
def test_the_only_help_names_every_check(cli) -> None:
    # --only's help is where a user learns which names it takes: every check, in each language.
    # (Words are compared as one line: the help wraps them, "comma-" at a line's end.)
    english = "".join(cli("check", "--help").stdout.split())
    assert ("--onlyNAME,...Onlythesechecks:handling-time,plans,caseload,budget,targets,"
            "contacts,activities(comma-separated).") in english
    # In a process of its own: the options' help is translated as the command is declared.
    swedish = "".join(run(cli.db, "--lang", "sv", "check", "--help").stdout.split())
    assert ("Baradessakontroller:handläggningstid,planer,ärendeantal,budget,årsmål,"
            "kontakter,insatser(kommaseparerade).") in swedish


def test_handling_time_severities(unit, db_path) -> None:
    add = ["application", "add", "--period", "2026-11"]
    unit.ok(*add, "C-1", "--received", "2026-11-16", "--completed", "2026-11-16", "--id", "A-late")
    unit.ok(*add, "C-1", "--received", "2026-11-19", "--completed", "2026-11-19", "--id", "A-today")
    unit.ok(*add, "C-2", "--received", "2026-11-20", "--completed", "2026-11-20", "--id", "A-next")
    unit.ok(*add, "C-2", "--received", "2026-11-24", "--completed", "2026-11-24", "--id", "A-ok")
    unit.ok(*add, "C-3", "--received", "2026-11-06", "--id", "A-waiting")  # 14 working days
    unit.ok(*add, "C-3", "--received", "2026-11-20", "--id", "A-new")  # incomplete, 4 days
    status, payload = run_json(unit, "--only", "handling-time")
    assert status == 2
    found = {f["subject"]: f for f in payload["findings"]}
    assert set(found) == {"A-late", "A-today", "A-next", "A-waiting"}
    assert found["A-late"]["severity"] == "critical"
    assert found["A-late"]["due"] == "2026-11-20"
    assert found["A-late"]["handler"] == "bo"
    assert found["A-today"]["severity"] == "warning"
    assert found["A-today"]["due"] == "2026-11-25"
    assert found["A-next"]["severity"] == "warning"
    assert found["A-next"]["due"] == "2026-11-26"
    assert found["A-waiting"]["severity"] == "warning"
    assert found["A-waiting"]["due"] is None
    assert "incomplete for 14 working days since it arrived on 2026-11-06 (limit 10)" in (
        found["A-waiting"]["message"])
    assert payload["counts"] == {"critical": 1, "warning": 3}
    # The limit is the unit's setting.
    unit.ok("settings", "set", "handling.incomplete_flag_days", "20")
    _status, payload = run_json(unit, "--only", "handling-time")
    assert "A-waiting" not in {f["subject"] for f in payload["findings"]}
    # Deciding the late one leaves warnings only.
    unit.ok("application", "decide", "A-late", "--date", "2026-11-25", "--decision", "granted",
            "--amount", "5000")
    status, _payload = run_json(unit, "--only", "handling-time")
    assert status == 1
    # The check agrees with `ekbist handling-time check` on every status it reports.
    ht = json.loads(unit.ok("handling-time", "check", "--format", "json").stdout)
    urgent = {a["id"] for a in ht["applications"]
              if a["status"] in ("overdue", "due_today", "due_next") or a["flagged"]}
    assert {s for k, s in kinds(db_path, only=["handling-time"])} == urgent


def test_plan_severities(unit, db_path) -> None:
    unit.ok("plan", "add", "C-1", "--made", "2026-05-01", "--next", "2026-08-01")
    unit.ok("plan", "add", "C-2", "--made", "2026-10-01")  # current
    unit.ok("plan", "add", "C-3", "--made", "2026-06-01", "--next", "2026-12-01")
    unit.ok("plan", "add", "C-3", "--kind", "housing", "--made", "2026-06-01",
            "--next", "2026-12-01")
    unit.ok("plan", "end", "C-3", "--kind", "housing", "--date", "2026-10-15")
    status, payload = run_json(unit, "--only", "plans")
    assert status == 1
    assert len(payload["findings"]) == 2
    followup = next(f for f in payload["findings"] if f["subject"] == "C-1")
    assert followup == {
        "check": "plans", "severity": "warning", "handler": "bo", "subject": "C-1",
        "due": "2026-08-01",
        "message": "the change plan of case C-1 was due for follow-up on 2026-08-01, 116 days ago",
    }
    housing = next(f for f in payload["findings"] if f["subject"] == "C-3")
    assert housing["message"] == (
        "homeless case C-3 has no housing plan since the last one ended on 2026-10-15")
    # A lapsed housing plan is one overdue follow-up, not also a missing housing plan.
    unit.ok("plan", "add", "C-3", "--kind", "housing", "--made", "2026-10-20",
            "--next", "2026-11-20")
    found = kinds(db_path, only=["plans"])
    assert found == [("followup_overdue", "C-1"), ("followup_overdue", "C-3")]
    # The same rows as `ekbist plans due`: overdue follow-ups there are findings here.
    with Store.open(db_path, readonly=True) as store:
        overdue = plans.overdue_followups(store, as_of=TODAY)
    assert sorted((r["case"], r["kind"]) for r in overdue) == [("C-1", "change"),
                                                               ("C-3", "housing")]
    text = unit("check", "--only", "plans").stdout
    assert "the housing plan of case C-3 was due for follow-up on 2026-11-20, 5 days ago" in text


def test_grace_period_is_the_setting(unit, db_path) -> None:
    unit.ok("settings", "set", "plans.grace_days", "300")
    assert [s for k, s in kinds(db_path) if k == "no_change_plan"] == ["C-1"]


def test_caseload_severities(unit, db_path) -> None:
    assert kinds(db_path, only=["caseload"]) == []
    unit.ok("settings", "set", "caseload.max_per_fte", "3")  # bo: 2 cases on 0.5 FTE = 4
    status, payload = run_json(unit, "--only", "caseload")
    assert status == 1
    assert payload["findings"] == [{
        "check": "caseload", "severity": "warning", "handler": "bo", "subject": "bo",
        "due": None, "message": "Bo Berg has 2 active cases, 4.0 per FTE (limit 3)",
    }]
    unit.ok("handler", "away", "cia", "--from", "2026-11-01", "--reason", "parental leave")
    unit.ok("handler", "leave", "bo", "--date", "2026-11-20")
    status, payload = run_json(unit, "--only", "caseload")
    assert status == 2
    by_subject = {f["subject"]: f for f in payload["findings"]}
    assert set(by_subject) == {"C-1", "C-2", "C-3"}  # bo left: no longer counted over limit
    assert by_subject["C-1"]["severity"] == "critical"
    assert by_subject["C-1"]["message"] == "case C-1 is still with Bo Berg, who left on 2026-11-20"
    assert by_subject["C-3"]["severity"] == "warning"
    assert by_subject["C-3"]["message"] == "case C-3 has no cover while Cia Ceder is away"
    text = unit("check", "--only", "caseload").stdout
    assert "Bo Berg (bo, investigation) — left on 2026-11-20" in text
    assert "Cia Ceder (cia, investigation) — away" in text
    assert text.index("Bo Berg") < text.index("Cia Ceder")  # criticals first
    # The check lists exactly the cases `ekbist caseload` says need cover.
    with Store.open(db_path, readonly=True) as store:
        uncovered = caseload.current(store, TODAY)["uncovered"]
    assert sorted(r["case"] for r in uncovered) == ["C-1", "C-2", "C-3"]


def test_cover_comes_back_with_the_handler(unit, db_path) -> None:
    unit.ok("handler", "away", "cia", "--from", "2026-11-01", "--to", "2026-11-24",
            "--reason", "sick leave")
    assert ("without_cover", "C-3") not in kinds(db_path)
    assert ("without_cover", "C-3") in kinds(db_path, today=date(2026, 11, 24))


def _budget_unit(cli, monthly: int = 110_000) -> None:
    cli.ok("init")
    cli.ok("budget", "set", "2026", ACTIVITY, LINE, "1200000")
    for month in range(1, 11):
        cli.ok("actuals", "set", "2026", str(month), ACTIVITY, LINE, str(monthly))


def test_budget_prognosis_due_on_the_fifth_working_day(cli, db_path) -> None:
    _budget_unit(cli)
    # November 2026: working day 5 is Friday the 6th; the check warns from the day after.
    with Store.open(db_path, readonly=True) as store:
        assert checks.prognosis_due(store, date(2026, 11, 25)) == date(2026, 11, 6)
    assert cli("check", today="2026-11-06").exit_code == 0
    status, payload = run_json(cli, today="2026-11-09")
    assert status == 1
    assert payload["findings"] == [{
        "check": "budget", "severity": "warning", "handler": None, "subject": "2026-10",
        "due": "2026-11-06", "message": "no prognosis saved for 2026-10; it was due on 2026-11-06",
    }]
    # A closed day moves the due day.
    cli.ok("workdays", "close", "2026-11-04", "--reason", "staff day")
    assert cli("check", today="2026-11-09").exit_code == 0
    cli.ok("settings", "set", "budget.prognosis_due_workday", "3")
    assert cli("check", today="2026-11-09").exit_code == 1


def test_budget_prognosis_worse_than_budget(cli) -> None:
    _budget_unit(cli)  # run-rate: 1 320 000 against 1 200 000, 10 % worse
    cli.ok("prognosis", "make", "--year", "2026", "--month", "10", "--save", today="2026-11-03")
    status, payload = run_json(cli)
    assert status == 1
    assert payload["findings"] == [{
        "check": "budget", "severity": "warning", "handler": None, "subject": "2026-10",
        "due": None,
        "message": "the prognosis for 2026-10 ends 120 tkr worse than the net budget of "
                   "1,200 tkr (10.0%, limit 2.0%)",
    }]
    sv = cli("check", lang="sv").stdout
    assert "(10,0 %, gräns 2,0 %)" in sv and "1\u00a0200 tkr" in sv
    assert "Unit\n  WARNING   the prognosis" in cli("check").stdout
    cli.ok("settings", "set", "budget.warn_deviation_pct", "10")  # exactly 10 %: not more
    assert cli("check").exit_code == 0


def test_budget_silent_without_a_budget_or_when_better(cli) -> None:
    cli.ok("init")
    assert kinds(cli.db, only=["budget"]) == []
    cli.ok("budget", "set", "2026", ACTIVITY, LINE, "1200000")
    for month in range(1, 11):
        cli.ok("actuals", "set", "2026", str(month), ACTIVITY, LINE, "90000")
    cli.ok("prognosis", "make", "--year", "2026", "--month", "10", "--save", today="2026-11-03")
    assert kinds(cli.db, only=["budget"]) == []


# -- --only, --format, usage -----------------------------------------------------------------
def test_only_limits_the_checks(unit) -> None:
    unit.ok("application", "add", "C-4", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16")
    assert unit("check").exit_code == 2
    result = unit("check", "--only", "plans")
    assert result.exit_code == 1
    assert "(checks: plans)" in result.stdout
    assert "overdue application" not in result.stdout
    assert unit("check", "--only", "budget,caseload").exit_code == 0
    assert unit("check", "--only", "caseload", "--only", "budget").exit_code == 0
    both = unit("check", "--only", " Plans , handling-time ")
    assert both.exit_code == 2
    assert "(checks: handling-time, plans)" in both.stdout


@pytest.mark.parametrize("args", [
    ("--only", "plans,foo"),
    ("--only", "budget", "--only", "nope"),
    ("--format", "xml"),
    ("--only", " , "),
    ("--bogus",),
])
def test_usage_errors_are_unknown_not_critical(unit, args) -> None:
    result = unit("check", *args)
    assert result.exit_code == 3
    # One status line on stdout, where monitoring reads it, like any other UNKNOWN.
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith("EKBIST UNKNOWN: ")
    assert result.stderr == ""
    if "foo" in args:
        assert ("unknown check 'foo' (known: handling-time, plans, caseload, budget, targets)"
                in result.stdout)


def test_json_shape(unit) -> None:
    unit.ok("application", "add", "C-4", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16")
    status, payload = run_json(unit)
    assert status == 2
    assert list(payload) == ["status", "as_of", "counts", "findings"]
    assert payload["status"] == "CRITICAL"
    assert payload["as_of"] == "2026-11-25"
    assert payload["counts"] == {"critical": 1, "warning": 4}
    for finding in payload["findings"]:
        assert list(finding) == ["check", "severity", "handler", "subject", "due", "message"]
        assert finding["check"] in checks.CHECKS
        assert finding["severity"] in ("critical", "warning")
        assert finding["due"] is None or date.fromisoformat(finding["due"])
        assert isinstance(finding["message"], str) and finding["message"]
    assert payload["findings"][0]["severity"] == "critical"  # most urgent first
    # Swedish changes the messages, never the keys or the codes.
    status, sv = run_json(unit, lang="sv")
    assert [(f["check"], f["severity"], f["subject"]) for f in sv["findings"]] == [
        (f["check"], f["severity"], f["subject"]) for f in payload["findings"]]
    assert sv["status"] == "CRITICAL"


# -- UNKNOWN -----------------------------------------------------------------------------------
def test_missing_database_is_unknown(cli, db_path) -> None:
    result = cli("check")
    assert result.exit_code == 3
    assert result.stdout == f"EKBIST UNKNOWN: no database at {db_path} — run 'ekbist init'\n"
    assert result.stderr == ""
    assert not db_path.exists()  # not created
    # --quiet never hides UNKNOWN; JSON says why in its one finding.
    assert cli("check", "--quiet").stdout.startswith("EKBIST UNKNOWN: ")
    assert json.loads(cli("check", "--quiet", "--format", "json").stdout)["status"] == "UNKNOWN"
    status, payload = run_json(cli)
    assert status == 3
    assert payload["status"] == "UNKNOWN"
    assert payload["counts"] == {"critical": 0, "warning": 0}
    assert payload["findings"] == [{
        "check": "check", "severity": "unknown", "handler": None, "subject": None, "due": None,
        "message": f"no database at {db_path} — run 'ekbist init'",
    }]


def check_after(cli, db_path, statement: str):
    """``ekbist check`` on a new store after ``statement`` was run straight on its file."""
    cli.ok("init")
    conn = sqlite3.connect(db_path)
    conn.execute(statement)
    conn.close()
    return cli("check")


def test_newer_database_is_unknown(cli, db_path) -> None:
    result = check_after(cli, db_path, f"PRAGMA user_version = {latest_version() + 1}")
    assert result.exit_code == 3
    assert result.stdout.startswith("EKBIST UNKNOWN: the database ")
    assert "newer than this ekbist knows" in result.stdout
    assert len(result.stdout.splitlines()) == 1


def test_older_database_is_unknown_and_left_alone(cli, db_path) -> None:
    cli.ok("init")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    before = sha256(db_path)
    result = cli("check")
    assert result.exit_code == 3
    assert result.stdout.strip().endswith("needs an upgrade — run 'ekbist init'")
    assert sha256(db_path) == before  # never migrated by the check
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_not_a_database_is_unknown(cli, db_path) -> None:
    db_path.write_bytes(b"this is not a database, it is a mail\n" * 100)
    result = cli("check")
    assert result.exit_code == 3
    assert result.stdout.startswith(f"EKBIST UNKNOWN: {db_path} is not an ekbist database")
    assert len(result.stdout.splitlines()) == 1


def test_broken_store_is_unknown_in_one_line(cli, db_path) -> None:
    result = check_after(cli, db_path, "DROP TABLE followup")
    assert result.exit_code == 3
    assert result.stdout == f"EKBIST UNKNOWN: database error in {db_path}: no such table: followup\n"
    assert "Traceback" not in result.stderr
    # The checks that do not need the table still run.
    assert cli("check", "--only", "caseload").exit_code == 0


def test_date_outside_the_calendar_is_unknown(cli) -> None:
    cli.ok("init")
    result = cli("check", today="2070-01-02")
    assert result.exit_code == 3
    assert result.stdout.startswith("EKBIST UNKNOWN: 2070-01-02 is outside the calendar")


# -- the library --------------------------------------------------------------------------------
def test_library_report_and_wording(unit, db_path) -> None:
    unit.ok("application", "add", "C-4", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16")
    with Store.open(db_path, readonly=True, migrate=False) as store:
        report = checks.run(store, TODAY)
        plans_only = checks.run(store, TODAY, only=("plans",))
    assert report.status == "CRITICAL" and report.exit_code == 2
    assert report.counts == {"critical": 1, "warning": 4}
    assert checks.status_line(report) == (
        "EKBIST CRITICAL: 1 overdue application, 3 cases without a change plan, "
        "1 homeless case without a housing plan")
    assert plans_only.checks == ("plans",) and plans_only.status == "WARNING"
    groups = checks.groups(report)
    assert [g.handler for g in groups] == ["anna", "bo", "cia"]
    assert groups[0].heading == "Anna Andersson (anna, intake)"
    set_language("sv")
    try:
        assert checks.groups(report)[0].heading == "Anna Andersson (anna, mottagning)"
    finally:
        set_language("en")
    failed = checks.unknown(TODAY, "no database\nat all")
    assert failed.status == "UNKNOWN" and failed.exit_code == 3
    assert checks.status_line(failed) == "EKBIST UNKNOWN: no database at all"


def test_parse_only() -> None:
    assert checks.parse_only(None) == checks.CHECKS
    assert checks.parse_only(()) == checks.CHECKS
    assert checks.parse_only("budget,plans") == ("plans", "budget")
    assert checks.parse_only(["caseload", "caseload,"]) == ("caseload",)
    with pytest.raises(checks.EkbistError, match="unknown check 'x'"):
        checks.parse_only("plans,x")
    with pytest.raises(checks.EkbistError, match="name at least one check"):
        checks.parse_only(",")


def test_unit_findings_come_last(cli) -> None:
    _budget_unit(cli)
    cli.ok("handler", "add", "bo", "--name", "Bo Berg", "--team", "investigation", "--fte", "1",
           "--start", "2025-01-01")
    cli.ok("case", "open", "C-1", "--handler", "bo", "--opened", "2026-01-10")
    text = cli("check").stdout
    assert text.index("Bo Berg (bo") < text.index("\nUnit\n")


# -- it only reads -----------------------------------------------------------------------------
def test_check_never_writes(unit, db_path) -> None:
    unit.ok("application", "add", "C-4", "--period", "2026-11", "--received", "2026-11-16",
            "--completed", "2026-11-16")
    with Store.open(db_path) as store:
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        audit = store.scalar("SELECT count(*) FROM audit")
    before = sha256(db_path)
    mtime = db_path.stat().st_mtime_ns
    # The application received and completed Monday 16 November is past its fifth working day
    # (20 November) on the 25th: CRITICAL; the budget check alone has nothing to say.
    for args, code in (((), 2), (("--format", "json"), 2), (("--only", "budget"), 0)):
        assert unit("check", *args).exit_code == code, args
    assert sha256(db_path) == before
    assert db_path.stat().st_mtime_ns == mtime
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with Store.open(db_path, readonly=True) as store:
        assert store.scalar("SELECT count(*) FROM audit") == audit


def test_a_reader_that_stops_early_gets_no_error(cli, db_path) -> None:
    # Enough findings to overflow a pipe: `ekbist check | head -n 1` in a mail subject.
    cli.ok("init")
    cli.ok("handler", "add", "bo", "--name", "Bo Berg", "--team", "investigation", "--fte", "1",
           "--start", "2025-01-01")
    with Store.open(db_path) as store, store.transaction():
        store.executemany("INSERT INTO cases (id, opened) VALUES (?, '2025-01-01')",
                          [(f"C{i:05d}",) for i in range(3000)])
        store.executemany("INSERT INTO assignment (case_id, handler, from_date) "
                          "VALUES (?, 'bo', '2025-01-01')", [(f"C{i:05d}",) for i in range(3000)])
    proc = start(db_path, "check")
    first = proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=30) == 1
    assert first.startswith("EKBIST WARNING: 3000 cases without a change plan")
    assert proc.stderr.read() == ""


# -- the demo unit -----------------------------------------------------------------------------


def test_demo_store_has_warnings_and_criticals(small_demo_db) -> None:
    result = run(small_demo_db, "check")
    assert result.returncode == 2, result.stderr
    assert result.stdout.startswith("EKBIST CRITICAL: ")
    assert result.stderr == ""
    status = run(small_demo_db, "check", "--format", "json")
    payload = json.loads(status.stdout)
    assert status.returncode == 2
    assert payload["counts"]["critical"] > 0 and payload["counts"]["warning"] > 0
    assert {f["check"] for f in payload["findings"]} >= {"handling-time", "plans", "caseload"}
    assert {f["severity"] for f in payload["findings"]} == {"critical", "warning"}
    # Never the applicant's gender: no finding mentions it, in either language.
    sv = run(small_demo_db, "--lang", "sv", "check").stdout
    for text in (result.stdout, sv, status.stdout):
        for word in ("gender", "woman", "kvinna", "kön"):
            assert word not in text.lower()
    # One heading per handler part; every finding line sits under a heading.
    parts = result.stdout.split("\n\n")[1:]
    assert parts and all(not p.startswith(" ") for p in parts)
    assert sum(len(p.splitlines()) - 1 for p in parts) == len(payload["findings"])


def test_demo_store_agrees_with_the_other_commands(small_demo_db) -> None:
    with Store.open(small_demo_db, readonly=True, migrate=False) as store:
        report = checks.run(store, TODAY)
        rows = handling_time.open_applications(store, TODAY)
        counts = handling_time.count_statuses(rows)
        overdue_plans = plans.overdue_followups(store, as_of=TODAY)
        never = plans.cases_past_grace_without_plan(store, as_of=TODAY)
        load = caseload.current(store, TODAY)
    per_kind: dict[str, int] = {}
    for f in report.findings:
        per_kind[f.kind] = per_kind.get(f.kind, 0) + 1
    assert per_kind.get("application_overdue", 0) == counts["overdue"]
    assert per_kind.get("application_due_today", 0) == counts["due_today"]
    assert per_kind.get("application_due_next", 0) == counts["due_next"]
    assert per_kind.get("application_incomplete", 0) == sum(r["flagged"] for r in rows)
    assert sorted((f.subject, f.due.isoformat(), f.handler) for f in report.findings
                  if f.kind == "followup_overdue") == sorted(
        (r["case"], r["next_followup"], r["handler"]) for r in overdue_plans)
    assert sorted(f.subject for f in report.findings if f.kind == "no_change_plan") == sorted(
        r["case"] for r in never)
    assert per_kind.get("over_caseload_limit", 0) == sum(h["flagged"] for h in load["handlers"])
    assert (per_kind.get("handler_left", 0) + per_kind.get("no_handler", 0)
            + per_kind.get("without_cover", 0)) == len(load["uncovered"])
    # The demo saves each month's prognosis on its due working day: none is missing today.
    # The latest, October's, ends 67 476 kr worse than the 9 159 836 kr net budget (the
    # demo's budget in the seed's proportions; its actuals from January, the controller's
    # ledger being older than the cases): 0.74 %, within the 2 % of
    # budget.warn_deviation_pct, so there is nothing to warn about (the edge itself:
    # tests/test_rule_edges.py).
    assert "prognosis_missing" not in per_kind
    with Store.open(small_demo_db, readonly=True, migrate=False) as store:
        latest = prognosis.latest_saved(store, up_to=TODAY)
    assert (latest["month"], latest["total"]["budget_net"], latest["total"]["deviation"]) == (
        10, 9_159_836, -67_476)
    assert "prognosis_worse" not in per_kind


def test_demo_prognosis_missing_after_its_due_day(small_demo_db) -> None:
    # November's prognosis is due on working day 5 of December (Monday the 7th).
    on_time = run(small_demo_db, "--today", "2026-12-07", "check", "--only", "budget")
    late = run(small_demo_db, "--today", "2026-12-08", "check", "--only", "budget", "--format", "json")
    assert "prognosis not saved" not in on_time.stdout
    assert "without actuals" not in on_time.stdout
    assert late.returncode == 1
    # The demo books actuals up to October: November's prognosis waits for its actuals, and
    # the check says so rather than asking for a prognosis that would be made of gaps.
    findings = json.loads(late.stdout)["findings"]
    assert {"check": "budget", "severity": "warning", "handler": None, "subject": "2026-11",
            "due": "2026-12-07",
            "message": "no actuals booked for November 2026 (Ekonomiskt bistånd/handläggning, "
                       "Arbetsmarknad); the prognosis waits for them"} in findings
    assert not any("no prognosis saved" in f["message"] for f in findings)


def test_demo_quiet_on_a_calm_day(small_demo_db, tmp_path) -> None:
    # Before any case exists nothing needs attention: a cron run is silent.
    result = run(small_demo_db, "--today", "2020-01-02", "check", "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# -- two processes --------------------------------------------------------------------------
WRITER = textwrap.dedent("""
    import sys
    from ekbist.store import Store
    store = Store.open(sys.argv[1])
    mode = sys.argv[2]
    if mode == "hold":
        store.execute("BEGIN IMMEDIATE")
        store.execute("INSERT INTO cases (id, opened) VALUES ('K-held', '2026-01-01')")
        store.execute("INSERT INTO assignment (case_id, handler, from_date) "
                      "VALUES ('K-held', 'gone', '2026-01-01')")
        print("holding", flush=True)
        sys.stdin.readline()
        store.execute("COMMIT")
        print("committed", flush=True)
    else:
        # An import that keeps writing until told to stop (a line on stdin): each transaction
        # adds one case still with the leaver, its overdue application and (being old) its
        # missing change plan, together. "writing" comes after the first commit.
        import threading
        stop = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
        i = 0
        while not stop.is_set():
            i += 1
            with store.transaction():
                store.execute("INSERT INTO cases (id, opened) VALUES (?, '2026-01-01')",
                              (f"K{i}",))
                store.execute("INSERT INTO assignment (case_id, handler, from_date) "
                              "VALUES (?, 'gone', '2026-01-01')", (f"K{i}",))
                store.execute("INSERT INTO application (id, case_id, period, received, "
                              "completed, handler) VALUES (?, ?, '2026-11', '2026-11-02', "
                              "'2026-11-02', 'gone')", (f"A{i}", f"K{i}"))
            if i == 1:
                print("writing", flush=True)
        print(i, flush=True)
""")


@pytest.fixture
def leaver_store(cli, db_path) -> Path:
    cli.ok("init")
    cli.ok("handler", "add", "gone", "--name", "Gun Gone", "--team", "intake", "--fte", "1",
           "--start", "2025-01-01")
    cli.ok("handler", "leave", "gone", "--date", "2026-06-01")
    return db_path


def _writer(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(db), *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_check_does_not_wait_for_a_writer(leaver_store) -> None:
    writer = _writer(leaver_store, "hold")
    try:
        assert writer.stdout.readline().strip() == "holding"
        # The writer holds its transaction until told to commit, below. Had the check needed
        # the write lock it would have given up after the busy timeout with UNKNOWN (exit 3).
        result = run(leaver_store, "check", "--format", "json", timeout=30)
        assert result.returncode == 0, result.stdout + result.stderr
        assert json.loads(result.stdout)["status"] == "OK"  # the uncommitted case is unseen
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "committed"
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
    result = run(leaver_store, "check", "--format", "json")
    assert result.returncode == 2
    assert {f["subject"] for f in json.loads(result.stdout)["findings"]} == {"K-held"}


def test_check_during_an_import_sees_all_of_a_transaction_or_none(leaver_store) -> None:
    writer = _writer(leaver_store, "import")
    seen: list[int] = []
    try:
        assert writer.stdout.readline().strip() == "writing"  # at least one case is committed
        # Check while the writer runs, until three different states were seen (the bound only
        # keeps a stuck writer from hanging the test).
        for _ in range(200):
            if len(set(seen)) >= 3:
                break
            result = run(leaver_store, "check", "--format", "json", timeout=30)
            assert result.returncode == 2, result.stdout + result.stderr
            payload = json.loads(result.stdout)
            per_kind: dict[str, set] = {"overdue": set(), "left": set(), "plan": set()}
            for f in payload["findings"]:
                if f["check"] == "handling-time":
                    per_kind["overdue"].add(f["message"].split("(case ")[1].split(")")[0])
                elif f["check"] == "caseload":
                    per_kind["left"].add(f["subject"])
                elif f["check"] == "plans":
                    per_kind["plan"].add(f["subject"])
            # One snapshot: the three queries saw the same committed transactions.
            assert per_kind["overdue"] == per_kind["left"] == per_kind["plan"]
            # The cases committed so far, and no gap: K1 … Kn.
            assert per_kind["left"] == {f"K{i}" for i in range(1, len(per_kind["left"]) + 1)}
            seen.append(len(per_kind["left"]))
    finally:
        written = int(writer.communicate("stop\n", timeout=30)[0].strip())
    assert written >= max(seen) >= 1
    assert len(set(seen)) >= 3, seen  # the import really was running during the checks


# -- the order of findings, cases no one holds, and January's prognosis ----------------------------
def test_findings_of_one_kind_come_by_due_day_then_by_subject(unit, db_path) -> None:
    add = ["application", "add", "--period", "2026-11"]
    # A-1 complete Tuesday 10 November: day 5 is Monday the 16th. A-2 complete Monday the
    # 2nd: day 5 is Friday the 6th. Both are late; the earlier deadline comes first.
    unit.ok(*add, "C-1", "--received", "2026-11-10", "--completed", "2026-11-10", "--id", "A-1")
    unit.ok(*add, "C-2", "--received", "2026-11-02", "--completed", "2026-11-02", "--id", "A-2")
    # C-0 (cia, opened 1 January) and C-1, C-2 (bo), C-3 (cia) are past the grace period
    # without a change plan; C-3 is homeless without a housing plan.
    unit.ok("case", "open", "C-0", "--handler", "cia", "--opened", "2026-01-01")
    with Store.open(db_path, readonly=True) as store:
        report = checks.run(store, TODAY)
    assert [(f.kind, f.subject, f.due) for f in report.findings] == [
        ("application_overdue", "A-2", date(2026, 11, 6)),
        ("application_overdue", "A-1", date(2026, 11, 16)),
        ("no_change_plan", "C-0", None), ("no_change_plan", "C-1", None),
        ("no_change_plan", "C-2", None), ("no_change_plan", "C-3", None),
        ("no_housing_plan", "C-3", None),
    ]
    # 1 January to 25 November 2026: 304 days to the end of October, then 24 more.
    assert report.findings[2].message == (
        "case C-0, opened on 2026-01-01, has no change plan after 328 days (grace period 90 days)")


def test_a_case_no_one_holds_is_critical_and_one_waiting_for_its_handler_a_warning(
        unit, db_path) -> None:
    # C-4's handling ended on 20 November with no one after (a gap an imported case history
    # can leave): critical, and the unit's own part of the mail.
    with Store.open(db_path) as store:
        store.execute("UPDATE assignment SET to_date = '2026-11-20' WHERE case_id = 'C-4'")
    status, payload = run_json(unit, "--only", "caseload")
    assert status == 2
    assert payload["findings"] == [{
        "check": "caseload", "severity": "critical", "handler": None, "subject": "C-4",
        "due": None, "message": "active case C-4 has no handler",
    }]
    # Anna's start moved to December: her new case waits for her, a warning.
    unit.ok("case", "assign", "C-4", "anna", "--date", "2026-11-24")
    unit.ok("handler", "edit", "anna", "--start", "2026-12-01")
    status, payload = run_json(unit, "--only", "caseload")
    assert status == 1
    assert payload["findings"] == [{
        "check": "caseload", "severity": "warning", "handler": "anna", "subject": "C-4",
        "due": None, "message": "case C-4 has no cover until Anna Andersson starts",
    }]


def test_in_january_the_prognosis_due_is_decembers(cli) -> None:
    _budget_unit(cli)
    for month in (11, 12):
        cli.ok("actuals", "set", "2026", str(month), ACTIVITY, LINE, "110000")
    # January 2027: 1 nyårsdagen, 4 (working day 1), 5 (2), 6 trettondedag jul, 7 (3),
    # 8 (4), 11 (5): December's prognosis is due on the 11th, missing from the 12th.
    assert cli("check", "--only", "budget", today="2027-01-11").exit_code == 0
    status, payload = run_json(cli, "--only", "budget", today="2027-01-12")
    assert status == 1
    assert payload["findings"] == [{
        "check": "budget", "severity": "warning", "handler": None, "subject": "2026-12",
        "due": "2027-01-11", "message": "no prognosis saved for 2026-12; it was due on 2027-01-11",
    }]


def test_the_targets_check_runs_when_named_though_it_is_off_by_default(unit) -> None:
    # Off by default, it is left out of a full run, but runs (and finds nothing) when named.
    assert "(checks: handling-time, plans, caseload, budget)." in unit("check").stdout
    assert "(checks: plans, targets)." in unit("check", "--only", "plans,targets").stdout


# -- the parts side by side ------------------------------------------------------------
def _closed_days(store: Store) -> tuple[bool, int]:
    """A part that says what it sees: whether it ran on a connection of its own, and how
    many closed days the store holds."""
    return store is not _closed_days.main, store.scalar(
        "SELECT count(*) FROM closed_day")


def test_the_parts_run_side_by_side_on_one_state_of_the_store(unit, db_path) -> None:
    with Store.open(db_path, readonly=True, migrate=False) as store, store.snapshot():
        _closed_days.main = store
        days = store.scalar("SELECT count(*) FROM closed_day")
        # The first part on the caller's connection, the others each on one of their own.
        assert checks._side_by_side(store, [_closed_days] * 3) == [
            (False, days), (True, days), (True, days)]


def test_a_write_while_the_parts_open_their_connections_runs_them_on_one(
        unit, db_path, monkeypatch) -> None:
    # A day closed (and audited) between the caller's snapshot and the others': some parts
    # would see it and some not, so every part runs on the caller's connection, which
    # does not see it.
    opened = Store.reader
    written = []

    def reader_after_a_write(self: Store) -> Store:
        if not written:
            unit.ok("workdays", "close", "2027-03-03", "--reason", "staff day")
            written.append(True)
        return opened(self)

    monkeypatch.setattr(Store, "reader", reader_after_a_write)
    with Store.open(db_path, readonly=True, migrate=False) as store, store.snapshot():
        _closed_days.main = store
        days = store.scalar("SELECT count(*) FROM closed_day")
        assert checks._side_by_side(store, [_closed_days] * 3) == [(False, days)] * 3
    with Store.open(db_path, readonly=True, migrate=False) as store:
        assert store.scalar("SELECT count(*) FROM closed_day") == days + 1


def test_a_part_that_fails_on_its_own_connection_fails_the_run(unit, db_path) -> None:
    def broken(store: Store) -> list:
        return store.scalar("SELECT no_such_column FROM closed_day")

    with Store.open(db_path, readonly=True, migrate=False) as store, store.snapshot():
        _closed_days.main = store
        with pytest.raises(sqlite3.OperationalError, match="no such column: no_such_column"):
            checks._side_by_side(store, [_closed_days, broken])
