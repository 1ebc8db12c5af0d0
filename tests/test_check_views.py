"""``check --summary``, ``--handler`` and ``--new-since``: short views of the same findings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ekbist import check as checks
from ekbist.check_summary import SUMMARY_MAX_LINES, narrow, summary_lines
from ekbist.errors import EkbistError


@pytest.fixture
def morning(unit):
    """The small unit plus an overdue application (anna) and one due today (bo).

    anna: C-4 complete Mon 2026-11-16 -> deadline Fri 2026-11-20, overdue on the 25th.
    bo:   C-2 complete Thu 2026-11-19 -> deadline Wed 2026-11-25, due today.
    bo:   C-1 complete Wed 2026-11-25 -> deadline Tue 2026-12-01, fine (no finding).
    Plans: C-1, C-2 (bo) and C-3 (cia) have no change plan, C-3 no housing plan.
    """
    overdue = unit.ok("application", "add", "C-4", "--period", "2026-11", "--received", "2026-11-16",
                      "--completed", "2026-11-16").stdout.strip()
    today = unit.ok("application", "add", "C-2", "--period", "2026-11", "--received", "2026-11-19",
                    "--completed", "2026-11-19").stdout.strip()
    unit.ok("application", "add", "C-1", "--period", "2026-12", "--received", "2026-11-25",
            "--completed", "2026-11-25")
    unit.ids = (overdue, today)
    return unit


def test_summary_counts_per_check_and_one_line_per_handler(morning) -> None:
    overdue, today = morning.ids
    result = morning("check", "--summary")
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "EKBIST CRITICAL: 1 overdue application, 1 application due today, "
        "3 cases without a change plan, 1 homeless case without a housing plan",
        "As of 2026-11-25: 1 critical, 5 warnings (checks: handling-time, plans, caseload, budget).",
        "",
        "Check          Critical  Warnings",
        "handling-time         1         1",
        "plans                 0         4",
        "caseload              0         0",
        "budget                0         0",
        "",
        "Per handler, the most urgent first (all of one: ekbist check --handler ID):",
        f"  Anna Andersson (anna): 1 critical — overdue {overdue} (2026-11-20)",
        f"  Bo Berg (bo): 3 warnings — due today {today} (2026-11-25)",
        "  Cia Ceder (cia): 2 warnings — no change plan C-3",
    ]
    # the default output and the JSON are unchanged by the new options
    assert morning("check").stdout != result.stdout
    assert "findings" in morning("check", "--summary", "--format", "json").stdout


def test_handler_shows_one_handlers_part(morning) -> None:
    result = morning("check", "--handler", "bo")
    assert result.exit_code == 1  # bo has warnings only; anna's critical is not his
    assert "Bo Berg (bo, investigation)" in result.stdout
    assert "Anna" not in result.stdout and "Cia" not in result.stdout
    assert result.stdout.splitlines()[0] == (
        "EKBIST WARNING: 1 application due today, 2 cases without a change plan")
    unknown = morning("check", "--handler", "nobody")
    assert unknown.exit_code == 3
    assert unknown.stdout.strip() == "EKBIST UNKNOWN: no handler 'nobody'"


def test_new_since_keeps_what_came_due_on_or_after_the_day(morning) -> None:
    overdue, today = morning.ids
    since_21 = morning("check", "--new-since", "2026-11-21")
    assert since_21.exit_code == 1
    assert today in since_21.stdout and overdue not in since_21.stdout
    assert "change plan" not in since_21.stdout  # there before, no due day
    since_20 = morning("check", "--new-since", "2026-11-20")  # the overdue one's deadline
    assert since_20.exit_code == 2
    assert overdue in since_20.stdout and today in since_20.stdout
    quiet = morning("check", "--new-since", "2026-11-26", "--quiet")
    assert quiet.exit_code == 3  # after today: the check's own invocation is wrong
    calm = morning("--today", "2026-11-25", "check", "--new-since", "2026-11-25", "--only", "plans",
                   "--quiet")
    assert calm.exit_code == 0 and calm.stdout == ""
    bad = morning("check", "--new-since", "2026-13-01")
    assert bad.exit_code == 3


def _report(handlers: int) -> checks.Report:
    as_of = date(2026, 11, 25)
    report = checks.Report(as_of=as_of, checks=checks.CHECKS)
    for i in range(handlers):
        hid = f"h{i:03d}"
        report.handlers[hid] = {"id": hid, "name": f"Name {i:03d}", "team": "investigation",
                                "left": False, "not_started": False, "away": False}
        for k in range(3):
            report.findings.append(checks.Finding(
                "application_overdue" if k == 0 and i % 2 else "followup_overdue", hid,
                f"A{i:03d}{k}", as_of - timedelta(days=k + 1), "m"))
    report.findings.append(checks.Finding("prognosis_missing", None, "2026-10", as_of, "m"))
    return report


@pytest.mark.parametrize("handlers", [0, 1, 28, 29, 30, 250])
def test_summary_never_passes_forty_lines(handlers: int) -> None:
    lines = summary_lines(_report(handlers))
    assert len(lines) <= SUMMARY_MAX_LINES
    shown = [line for line in lines if line.startswith("  Name ")]
    more = [line for line in lines if line.startswith("  … and ")]
    unit = [line for line in lines if line.startswith("  Unit: ")]
    # every handler and the unit are either shown or counted in the "more" line
    counted = int(more[0].split()[2]) if more else 0
    assert len(shown) + len(unit) + counted == handlers + 1
    if handlers >= 30:
        assert more and len(lines) == SUMMARY_MAX_LINES


def test_narrow_refuses_an_unknown_handler_and_a_future_day() -> None:
    report = _report(2)
    with pytest.raises(EkbistError):
        narrow(report, handler="nobody")
    with pytest.raises(EkbistError):
        narrow(report, new_since=date(2026, 11, 26))
    assert [f.subject for f in narrow(report, handler="h001").findings] == ["A0010", "A0011", "A0012"]
    assert [f.subject for f in narrow(report, new_since=date(2026, 11, 24)).findings] == [
        "A0000", "A0010", "2026-10"]
