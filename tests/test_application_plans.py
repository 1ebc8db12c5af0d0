"""A plan at every application: the flag of `handling-time check` and `day`, and the share
of decided applications that came in with a current change plan (`plans coverage`).

The unit below is counted by hand. Grace period 90 days (the default): a case opened on
2026-07-09 needs a plan on 2026-10-08 (91 days), one opened on 2026-07-10 does not yet (90).
Every case is opened 2026-01-05 unless said. Applications come in on 2026-10-08 (a Thursday):

  case        its change plans                                     on 10-08     flagged
  END-NEXT    made 06-01, next 12-01, ended 10-09                  current      no
  END-SAME    made 06-01, next 12-01, ended 10-08                  not current  yes
  START-NEXT  made 10-09                                           not yet      yes
  START-SAME  made 10-08                                           current      no
  REPLACED    made 06-01 ended 09-30; a new one made 10-01         current      no
              (and an application on 09-30: neither plan then)                  yes
  DUE         made 06-01, next follow-up 10-08 (due that day)      current      no
  LAPSED      made 06-01, next follow-up 10-07                     lapsed       yes
  FOLLOWED    made 06-01, next 09-01, followed up late on 10-08    current      no
  GRACE-90    opened 07-10, no plan (still within grace)           not needed   no
  GRACE-91    opened 07-09, no plan                                missing      yes
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import Cli

from ekbist import applications, cases, day, handlers, handling_time, plan_coverage, plans
from ekbist.store import Store

D = date.fromisoformat
TODAY = D("2026-10-12")
FLAGGED = {"A-END-SAME", "A-START-NEXT", "A-REPLACED-0930", "A-LAPSED", "A-GRACE-91"}
NOT_FLAGGED = {"A-END-NEXT", "A-START-SAME", "A-REPLACED", "A-DUE", "A-FOLLOWED", "A-GRACE-90"}


def _plan(store: Store, case: str, made: str, *, next_: str | None = None,
          ended: str | None = None) -> None:
    plans.add(store, case, made=D(made), today=TODAY,
              next_followup=D(next_) if next_ else None)
    if ended:
        plans.end(store, case, on=D(ended), today=TODAY)


def build(store: Store) -> Store:
    handlers.add(store, "h1", name="Hanna Ek", team="investigation", fte=1.0,
                 start=D("2025-01-01"))
    for case in ("END-NEXT", "END-SAME", "START-NEXT", "START-SAME", "REPLACED", "DUE",
                 "LAPSED", "FOLLOWED"):
        cases.open_case(store, case, handler="h1", opened=D("2026-01-05"), today=TODAY)
    cases.open_case(store, "GRACE-90", handler="h1", opened=D("2026-07-10"), today=TODAY)
    cases.open_case(store, "GRACE-91", handler="h1", opened=D("2026-07-09"), today=TODAY)
    _plan(store, "END-NEXT", "2026-06-01", next_="2026-12-01", ended="2026-10-09")
    _plan(store, "END-SAME", "2026-06-01", next_="2026-12-01", ended="2026-10-08")
    _plan(store, "START-NEXT", "2026-10-09")
    _plan(store, "START-SAME", "2026-10-08")
    _plan(store, "REPLACED", "2026-06-01", next_="2026-12-01", ended="2026-09-30")
    _plan(store, "REPLACED", "2026-10-01")
    _plan(store, "DUE", "2026-06-01", next_="2026-10-08")
    _plan(store, "LAPSED", "2026-06-01", next_="2026-10-07")
    _plan(store, "FOLLOWED", "2026-06-01", next_="2026-09-01")
    plans.follow_up(store, "FOLLOWED", on=D("2026-10-08"), today=TODAY)
    for case in ("END-NEXT", "END-SAME", "START-NEXT", "START-SAME", "REPLACED", "DUE",
                 "LAPSED", "FOLLOWED", "GRACE-90", "GRACE-91"):
        applications.add(store, case, period="2026-10", received=D("2026-10-08"),
                         app_id=f"A-{case}", today=TODAY)
    applications.add(store, "REPLACED", period="2026-09", received=D("2026-09-30"),
                     app_id="A-REPLACED-0930", today=TODAY)
    return store


@pytest.fixture
def unit(store: Store) -> Store:
    return build(store)


def test_the_check_flags_each_application_on_its_own_side_of_the_plan_edges(unit):
    rows = handling_time.open_applications(unit, TODAY)
    flags = {r["id"]: r["without_plan"] for r in rows}
    assert {a for a, f in flags.items() if f} == FLAGGED
    assert {a for a, f in flags.items() if not f} == NOT_FLAGGED
    payload = handling_time.check(unit, TODAY)
    assert payload["without_plan"] == 5
    assert {a["id"] for a in payload["applications"] if a["without_plan"]} == FLAGGED


def test_a_decided_application_leaves_the_check_and_the_day(unit):
    applications.decide(unit, "A-GRACE-91", TODAY, "rejected", today=TODAY)
    assert handling_time.check(unit, TODAY)["without_plan"] == 4
    assert "A-GRACE-91" not in {r["id"] for r in handling_time.open_applications(unit, TODAY)}


def test_a_plan_made_later_does_not_unflag_an_application_received_before_it(unit):
    # The flag is about the day the application came in: a plan made after it (as
    # START-NEXT's on 10-09) does not count, however current it is today.
    assert plans.list_plans(unit, as_of=TODAY, case="START-NEXT")[0]["status"] == "current"
    assert {r["id"]: r["without_plan"] for r in
            handling_time.open_applications(unit, TODAY)}["A-START-NEXT"] is True


def test_the_day_carries_the_flag_on_each_application_it_lists(unit):
    for app_id in ("A-END-SAME", "A-END-NEXT"):
        applications.complete(unit, app_id, D("2026-10-08"), today=TODAY)
    # Complete on Thursday 2026-10-08: working day 5 is Wednesday 10-14, the next working
    # day after Tuesday 10-13; so on 10-13 both are due next working day.
    payload = day.working_day(unit, D("2026-10-13"), handler="h1")
    due = {a["id"]: a["without_plan"] for a in payload["due"]}
    assert due == {"A-END-SAME": True, "A-END-NEXT": False}
    incomplete = {a["id"]: a["without_plan"] for a in payload["incomplete"]}
    assert incomplete == {}  # none past the flag limit yet


def _decide_all(store: Store) -> None:
    """Decide on 10-12 all October applications but START-SAME's (not yet decided) and
    DUE's (withdrawn: no decision); REPLACED's September one on 09-30."""
    for case in ("END-NEXT", "END-SAME", "START-NEXT", "REPLACED", "LAPSED", "FOLLOWED",
                 "GRACE-90", "GRACE-91"):
        applications.decide(store, f"A-{case}", TODAY, "rejected", today=TODAY)
    applications.decide(store, "A-DUE", TODAY, "withdrawn", today=TODAY)
    applications.decide(store, "A-REPLACED-0930", D("2026-09-30"), "rejected", today=TODAY)


def test_the_share_of_decided_applications_with_a_current_plan_counted_by_hand(unit):
    _decide_all(unit)
    # October 1-12: 8 decided (START-SAME undecided, DUE withdrawn); GRACE-90 needed no
    # plan, so 7 needed one; END-NEXT, REPLACED and FOLLOWED had one: 3 of 7.
    october = plan_coverage.applications_with_plan(unit, first=D("2026-10-01"), last=TODAY)
    assert october == {"from": "2026-10-01", "to": "2026-10-12", "decided": 8, "eligible": 7,
                       "current": 3, "share": 0.4286}
    # A day earlier than the decisions: nothing decided in October yet.
    before = plan_coverage.applications_with_plan(unit, first=D("2026-10-01"),
                                                  last=D("2026-10-11"))
    assert (before["decided"], before["eligible"], before["share"]) == (0, 0, None)
    # The month of --as-of, up to it; and the series month by month.
    assert plan_coverage.coverage(unit, as_of=TODAY, today=TODAY)["applications"] == october
    series = plan_coverage.coverage_monthly(unit, first="2026-09", last="2026-10", today=TODAY)
    september, october_series = (m["applications"] for m in series["months"])
    assert september == {"from": "2026-09-01", "to": "2026-09-30", "decided": 1, "eligible": 1,
                         "current": 0, "share": 0.0}
    assert october_series == october


def test_the_long_series_counts_the_same_applications(unit):
    _decide_all(unit)
    # More months than the one-day method takes: the interval method, same applications.
    series = plan_coverage.coverage_monthly(unit, first="2025-11", last="2026-10", today=TODAY)
    assert len(series["months"]) == 12
    by_month = {m["month"]: m["applications"] for m in series["months"]}
    assert (by_month["2026-10"]["eligible"], by_month["2026-10"]["current"]) == (7, 3)
    assert by_month["2026-09"]["decided"] == 1
    assert all(by_month[m]["decided"] == 0 for m in by_month if m < "2026-09")


def _edge_store(store: Store) -> Store:
    """Plans and applications written straight into the store, as an old import could: the
    edges the long series' spans of days meet and the one-by-one look-up does not.

      case     change plans                                        received  needs  current
      TWO      A made 09-01 next 09-20, ended 09-25; B made 09-10  09-15     yes    yes (A and B: once)
               next 10-05, ended 10-20 (overlaps C too); C made    10-06     yes    no
               10-07 next 11-01                                    10-07     yes    yes (C, made that day)
      SAMEDAY  made 06-01 next 09-01; two follow-ups on 10-03:     10-04     yes    yes
               next 11-01, then (the later entry) next 10-04       10-05     yes    no (the later counts)
      NOPLAN   none                                                10-06     yes    no
      KEY      made 06-01 next 12-01                               10-06     yes    yes
      key      none ('key' is another case than 'KEY')             10-06     yes    no
      KEY_     none ('KEY ' with a space: another case again)      10-06     yes    no
      CLOSED   made 06-01 next 12-01; the case closed 10-06        10-05     yes    yes
                                                                   10-06     no     -
    All opened 2026-01-05 and decided (rejected) 10-12: 11 decided, 10 needed a plan, 5 had one.
    """
    handlers.add(store, "h1", name="Hanna Ek", team="investigation", fte=1.0,
                 start=D("2025-01-01"))
    keys = ["TWO", "SAMEDAY", "NOPLAN", "KEY", "key", "KEY ", "CLOSED"]
    with store.transaction():
        store.executemany("INSERT INTO cases (id, opened) VALUES (?, '2026-01-05')",
                          [(k,) for k in keys])
        store.execute("UPDATE cases SET closed = '2026-10-06', close_reason = 'work' "
                      "WHERE id = 'CLOSED'")
        store.executemany(
            "INSERT INTO plan (id, case_id, kind, made, next_followup, ended) "
            "VALUES (?, ?, 'change', ?, ?, ?)",
            [(1, "TWO", "2026-09-01", "2026-09-20", "2026-09-25"),
             (2, "TWO", "2026-09-10", "2026-10-05", "2026-10-20"),
             (3, "TWO", "2026-10-07", "2026-11-01", None),
             (4, "SAMEDAY", "2026-06-01", "2026-09-01", None),
             (5, "KEY", "2026-06-01", "2026-12-01", None),
             (6, "CLOSED", "2026-06-01", "2026-12-01", None)])
        store.executemany(
            "INSERT INTO followup (id, plan_id, date, next_followup) VALUES (?, 4, '2026-10-03', ?)",
            [(1, "2026-11-01"), (2, "2026-10-04")])
        store.executemany(
            "INSERT INTO application (id, case_id, period, received, decided, decision) "
            "VALUES (?, ?, '2026-10', ?, '2026-10-12', 'rejected')",
            [("A1", "TWO", "2026-10-06"), ("A2", "TWO", "2026-10-07"),
             ("A3", "SAMEDAY", "2026-10-04"), ("A4", "SAMEDAY", "2026-10-05"),
             ("A5", "NOPLAN", "2026-10-06"), ("A6", "KEY", "2026-10-06"),
             ("A7", "key", "2026-10-06"), ("A8", "KEY ", "2026-10-06"),
             ("A9", "CLOSED", "2026-10-05"), ("A10", "CLOSED", "2026-10-06"),
             ("A11", "TWO", "2026-09-15")])
    return store


@pytest.mark.parametrize("method", ["spans", "one by one"])
def test_both_ways_of_counting_the_share_meet_the_edges_counted_by_hand(store, monkeypatch,
                                                                         method):
    _edge_store(store)
    monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 0 if method == "spans" else 100)
    series = plan_coverage.coverage_monthly(store, first="2026-08", last="2026-10", today=TODAY)
    by_month = {m["month"]: m["applications"] for m in series["months"]}
    assert by_month["2026-10"] == {"from": "2026-10-01", "to": "2026-10-12", "decided": 11,
                                   "eligible": 10, "current": 5, "share": 0.5}
    assert by_month["2026-09"] == {"from": "2026-09-01", "to": "2026-09-30", "decided": 0,
                                   "eligible": 0, "current": 0, "share": None}
    # Day by day: the same applications as the flag of one application at a time.
    assert plan_coverage.applications_with_plan(store, first=D("2026-10-01"),
                                                last=TODAY) == by_month["2026-10"]


def test_the_spans_and_the_one_by_one_count_agree_on_every_month_of_the_hand_unit(unit):
    _decide_all(unit)
    months = [(D("2026-09-01"), D("2026-09-30")), (D("2026-10-01"), TODAY)]
    spans = plan_coverage._application_series_counts(unit, months, 90)
    assert spans == plan_coverage._application_counts(unit, months, 90)
    assert [(m["decided"], m["eligible"], m["current"]) for m in spans] == [(1, 1, 0), (8, 7, 3)]
    with pytest.raises(ValueError):  # the spans count whole consecutive months only
        plan_coverage._application_series_counts(unit, [(D("2026-09-02"), D("2026-09-30"))], 90)


def test_a_changed_grace_period_moves_the_edge_for_the_flag_and_the_share(unit):
    from ekbist import settings

    settings.put(unit, "plans.grace_days", "91")
    flags = {r["id"]: r["without_plan"] for r in handling_time.open_applications(unit, TODAY)}
    assert flags["A-GRACE-91"] is False   # 91 days is now within grace
    assert flags["A-LAPSED"] is True


# -- the command line ---------------------------------------------------------------------
@pytest.fixture
def unit_cli(unit: Store, cli: Cli) -> Cli:
    return cli


def test_handling_time_check_shows_the_flag_in_text_json_csv_and_swedish(unit_cli):
    text = unit_cli.ok("handling-time", "check", today=TODAY).output
    lines = {line.split()[1]: line for line in text.splitlines()
             if line.split()[1:2] and line.split()[1].startswith("A-")}
    assert all(lines[a].rstrip().endswith("missing") for a in FLAGGED)
    assert not any(lines[a].rstrip().endswith("missing") for a in NOT_FLAGGED)
    assert "5 on a case without a current change plan" in text
    payload = json.loads(unit_cli.ok("handling-time", "check", "--format", "json",
                                     today=TODAY).output)
    assert payload["without_plan"] == 5
    assert {a["id"] for a in payload["applications"] if a["without_plan"]} == FLAGGED
    csv = unit_cli.ok("handling-time", "check", "--format", "csv", today=TODAY).output
    header, *rows = csv.splitlines()
    assert header.endswith(",flagged,without_plan")
    flagged_rows = {row.split(",")[1] for row in rows if row.split(",")[-1] in ("true", "True")}
    assert flagged_rows == FLAGGED
    swedish = unit_cli.ok("handling-time", "check", today=TODAY, lang="sv").output
    assert "saknas" in swedish and "utan aktuell förändringsplan" in swedish


def test_handling_time_check_fits_80_columns(unit_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for lang in ("en", "sv"):
        text = unit_cli.ok("handling-time", "check", today=TODAY, lang=lang).output
        # The tables (the summary line is prose, wrapped by the terminal, not on a pipe).
        *tables, summary = text.strip().splitlines()
        assert summary.startswith(("As of", "Per "))
        assert max(len(line) for line in tables) <= 80
        assert "missing" in text or "saknas" in text


def test_day_json_and_text_carry_the_flag(unit_cli):
    Store.open(unit_cli.db).close()
    unit_cli.ok("application", "complete", "A-END-SAME", "--date", "2026-10-08", today=TODAY)
    payload = json.loads(unit_cli.ok("day", "--handler", "h1", "--format", "json",
                                     today="2026-10-13").output)
    assert [(a["id"], a["without_plan"]) for a in payload["due"]] == [("A-END-SAME", True)]
    text = unit_cli.ok("day", "--handler", "h1", today="2026-10-13").output
    row = next(line for line in text.splitlines() if line.startswith("A-END-SAME"))
    assert row.rstrip().endswith("missing")


def test_plans_coverage_reports_the_share_in_text_json_csv_and_swedish(unit_cli):
    store = Store.open(unit_cli.db)
    _decide_all(store)
    store.close()
    text = unit_cli.ok("plans", "coverage", today=TODAY).output
    assert ("Of the 7 applications decided from 2026-10-01 to 2026-10-12 on cases that needed "
            "a change plan, 3 came in with a current plan (42.9%).") in " ".join(text.split())
    payload = json.loads(unit_cli.ok("plans", "coverage", "--format", "json",
                                     today=TODAY).output)
    assert payload["applications"] == {"from": "2026-10-01", "to": "2026-10-12", "decided": 8,
                                       "eligible": 7, "current": 3, "share": 0.4286}
    earlier = json.loads(unit_cli.ok("plans", "coverage", "--as-of", "2026-09-30",
                                     "--format", "json", today=TODAY).output)
    assert (earlier["applications"]["decided"], earlier["applications"]["current"]) == (1, 0)
    monthly = unit_cli.ok("plans", "coverage", "--from", "2026-09", "--to", "2026-10",
                          "--format", "csv", today=TODAY).output.splitlines()
    assert monthly[0].split(",")[-4:] == ["applications_decided", "applications_eligible",
                                          "applications_current", "applications_share"]
    assert monthly[2].split(",")[-4:-1] == ["8", "7", "3"]
    swedish = " ".join(unit_cli.ok("plans", "coverage", today=TODAY, lang="sv").output.split())
    assert "Av de 7 ansökningar som beslutades 2026-10-01–2026-10-12" in swedish
    assert "kom 3 in med en aktuell förändringsplan (42,9 %)" in swedish


def test_plans_coverage_says_so_when_no_application_needed_a_plan(unit_cli):
    text = unit_cli.ok("plans", "coverage", "--as-of", "2026-08-31", today=TODAY).output
    assert ("No application decided from 2026-08-01 to 2026-08-31 was on a case that needed "
            "a change plan.") in " ".join(text.split())


def test_plans_coverage_monthly_fits_80_columns(unit_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for lang in ("en", "sv"):
        text = unit_cli.ok("plans", "coverage", "--monthly", today=TODAY, lang=lang).output
        assert max(len(line) for line in text.splitlines()) <= 80
