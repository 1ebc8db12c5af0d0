"""`plans coverage --by handler|team` counts a covered case on who carries it that day.

Counted by hand: handlers own (investigation), mate (violence), other (debt); cases K and L,
both own's, opened 2026-01-05 (past the 90-day grace from 2026-04-06). K has a change plan
current throughout (made 2026-06-01, next follow-up 2027-01-01); L has none.

  K: covered by mate 2026-08-10 … 2026-08-31, by other 2026-09-01 … 2026-09-30
  L: covered by mate 2026-08-10 … 2026-09-30 (a Wednesday, the end of September)

  day          own            mate           other
  2026-08-09   K L  2 / 1     -              -
  2026-08-10   -              K L  2 / 1     -
  2026-08-31   -              K L  2 / 1     -
  2026-09-01   -              L    1 / 0     K  1 / 1
  2026-09-30   -              L    1 / 0     K  1 / 1
  2026-10-01   K L  2 / 1     -              -        (both back with their own handler)
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import Cli

from ekbist import cases, cover, handlers, plan_coverage, plans
from ekbist.store import Store

D = date.fromisoformat
TODAY = D("2026-11-25")


@pytest.fixture
def unit(store: Store) -> Store:
    for hid, team in (("own", "investigation"), ("mate", "violence"), ("other", "debt")):
        handlers.add(store, hid, name=f"Name {hid}", team=team, fte=1.0, start=D("2024-01-01"))
    for case in ("K", "L"):
        cases.open_case(store, case, handler="own", opened=D("2026-01-05"), today=TODAY)
    plans.add(store, "K", made=D("2026-06-01"), next_followup=D("2027-01-01"), today=TODAY)
    cover.cover(store, "K", "mate", first=D("2026-08-10"), last=D("2026-08-31"))
    cover.cover(store, "K", "other", first=D("2026-09-01"), last=D("2026-09-30"))
    cover.cover(store, "L", "mate", first=D("2026-08-10"), last=D("2026-09-30"))
    return store


def _by(result: dict, key: str = "handler") -> dict:
    return {g[key]: (g["eligible"], g["current"]) for g in result["by"]}


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-08-09", {"own": (2, 1)}),
    ("2026-08-10", {"mate": (2, 1)}),
    ("2026-08-31", {"mate": (2, 1)}),
    ("2026-09-01", {"mate": (1, 0), "other": (1, 1)}),
    ("2026-09-30", {"mate": (1, 0), "other": (1, 1)}),
    ("2026-10-01", {"own": (2, 1)}),
])
def test_a_covered_case_counts_on_its_coverer_for_the_cover_and_comes_back(unit, day, expected):
    result = plan_coverage.coverage(unit, as_of=D(day), today=TODAY, by="handler")
    assert _by(result) == expected
    # The unit's own figures do not move with who carries the case.
    assert (result["eligible"], result["current"]) == (2, 1)


def test_the_team_follows_the_carrier_too(unit):
    result = plan_coverage.coverage(unit, as_of=D("2026-09-15"), today=TODAY, by="team")
    assert _by(result, "team") == {"violence": (1, 0), "debt": (1, 1)}


@pytest.mark.parametrize("threshold", [0, 100])  # the interval method and day by day
def test_the_monthly_series_by_handler_counts_the_carrier_at_each_month_end(
        unit, monkeypatch, threshold):
    monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", threshold)
    series = plan_coverage.coverage_monthly(unit, first="2026-07", last="2026-11", today=TODAY,
                                            by="handler")
    got = {m["month"]: _by(m) for m in series["months"]}
    assert got == {"2026-07": {"own": (2, 1)}, "2026-08": {"mate": (2, 1)},
                   "2026-09": {"mate": (1, 0), "other": (1, 1)},
                   "2026-10": {"own": (2, 1)}, "2026-11": {"own": (2, 1)}}


def test_an_open_ended_cover_keeps_the_case_on_the_coverer(unit, monkeypatch):
    # A cover until further notice (as `handler away --cover-by` writes): never comes back
    # in the series while it lasts, in both methods.
    with unit.transaction():
        unit.execute("INSERT INTO cover (case_id, handler, from_date, to_date) "
                     "VALUES ('L', 'other', '2026-10-15', NULL)")
    for threshold in (0, 100):
        monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", threshold)
        series = plan_coverage.coverage_monthly(unit, first="2026-07", last="2026-11",
                                                today=TODAY, by="handler")
        got = {m["month"]: _by(m) for m in series["months"]}
        assert got["2026-10"] == got["2026-11"] == {"own": (1, 1), "other": (1, 0)}
        assert got["2026-09"] == {"mate": (1, 0), "other": (1, 1)}


def test_the_command_line_shows_the_coverer(unit, cli: Cli):
    payload = json.loads(cli.ok("plans", "coverage", "--as-of", "2026-09-15", "--by", "handler",
                                "--format", "json").output)
    assert [(g["handler"], g["eligible"], g["current"]) for g in payload["by"]] == [
        ("mate", 1, 0), ("other", 1, 1)]
    text = cli.ok("plans", "coverage", "--as-of", "2026-10-01", "--by", "handler").output
    assert "Name own" in text and "Name mate" not in text
