"""Temporary cover: a dated record that comes back by itself, counted on who carries the case.

Every date below is counted by hand on the calendar: 2025-01-03 is a Friday, 2025-01-06
(trettondedag jul) a Monday holiday; 2026-03-31 is a Tuesday and the end of March.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from ekbist import absence, caseload, cases, cover, day, handlers, handling_time
from ekbist.errors import EkbistError
from ekbist.store import Store

D = date.fromisoformat
TODAY = date(2026, 11, 25)


def add(store: Store, hid: str, start: str = "2024-01-01", end: str | None = None,
        team: str = "investigation") -> None:
    handlers.add(store, hid, name=f"Name {hid}", team=team, fte=1.0, start=D(start))
    if end:
        handlers.leave(store, hid, D(end))


@pytest.fixture
def unit(store: Store) -> Store:
    """Handlers own (K1, K2), mate and other; both cases opened 2024-06-01."""
    for hid in ("own", "mate", "other"):
        add(store, hid)
    for case_id in ("K1", "K2"):
        cases.open_case(store, case_id, handler="own", opened=D("2024-06-01"), today=TODAY)
    return store


def carried(store: Store, on: str) -> dict[str, int]:
    return {h["id"]: h["active"] for h in caseload.current(store, D(on))["handlers"]}


def covers_of(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.tuples(
        "SELECT case_id, handler, from_date, to_date FROM cover ORDER BY id")]


# -- who carries the case, day by day ------------------------------------------------------
def test_a_cover_ending_on_a_friday_before_a_holiday_returns_the_case_the_next_day(unit):
    cover.cover(unit, "K1", "mate", first=D("2024-12-30"), last=D("2025-01-03"))
    assert carried(unit, "2024-12-29") == {"own": 2, "mate": 0, "other": 0}   # the day before
    assert carried(unit, "2024-12-30") == {"own": 1, "mate": 1, "other": 0}   # its first day
    assert carried(unit, "2025-01-03") == {"own": 1, "mate": 1, "other": 0}   # Friday, last day
    assert carried(unit, "2025-01-04") == {"own": 2, "mate": 0, "other": 0}   # Saturday: back
    assert carried(unit, "2025-01-07") == {"own": 2, "mate": 0, "other": 0}   # after the holiday
    # the assignment never moved: the case's own handler stays
    assert [a["handler"] for a in cases.show(unit, "K1")["assignments"]] == ["own"]


def test_an_application_of_a_covered_case_is_the_coverers_then_comes_back(unit):
    """Completed on Thursday 2025-01-02 during the cover: the five working days are Thu 2
    (day 1), Fri 3, Tue 7, Wed 8, Thu 9 (Sat 4, Sun 5 and Monday's holiday left out): due
    2025-01-09, with the coverer on Friday and with the case's own handler from Tuesday."""
    cover.cover(unit, "K1", "mate", first=D("2024-12-30"), last=D("2025-01-03"))
    with unit.transaction():
        unit.execute("INSERT INTO application (id, case_id, period, received, completed, handler)"
                      " VALUES ('A1', 'K1', '2025-01', '2025-01-02', '2025-01-02', 'mate')")
    on_friday = handling_time.open_applications(unit, D("2025-01-03"))
    assert [(a["id"], a["handler"], a["deadline"]) for a in on_friday] == [
        ("A1", "mate", "2025-01-09")]
    assert [a["id"] for a in day.working_day(unit, D("2025-01-03"), handler="mate")["due"]] == []
    after = handling_time.open_applications(unit, D("2025-01-07"))
    assert [(a["id"], a["handler"]) for a in after] == [("A1", "own")]
    assert handling_time.open_applications(unit, D("2025-01-07"), handler="mate") == []


def test_the_day_lists_a_covered_case_once_under_its_cover_and_only_for_the_coverer(unit):
    """own is away from Monday 2026-03-02; K1 is handed over to other that day; mate covers
    K1 (for other) and K2 (for own) from 2026-03-10 to 2026-03-20."""
    absence.away(unit, "own", first=D("2026-03-02"), kind="sick")
    cases.assign(unit, "K1", "other", D("2026-03-02"), today=TODAY)

    def covering(on: str, handler: str | None = None) -> list[tuple]:
        return [(c["case"], c["handler"], c["for_handler"], c["since"], c["until"])
                for c in day.working_day(unit, D(on), handler=handler)["covering"]]

    assert covering("2026-03-09") == [("K1", "other", "own", "2026-03-02", None)]
    cover.cover(unit, "K1", "mate", first=D("2026-03-10"), last=D("2026-03-20"))
    cover.cover(unit, "K2", "mate", first=D("2026-03-10"), last=D("2026-03-20"))
    under_cover = [("K1", "mate", "other", "2026-03-10", "2026-03-20"),
                   ("K2", "mate", "own", "2026-03-10", "2026-03-20")]
    assert covering("2026-03-10") == under_cover          # K1 once: under its cover
    assert covering("2026-03-20", "mate") == under_cover  # the cover's last day
    assert covering("2026-03-16", "other") == []          # other carries K1 again on the 21st
    assert covering("2026-03-21", "other") == [("K1", "other", "own", "2026-03-02", None)]
    assert covering("2026-03-21", "mate") == []


def test_the_caseload_says_who_covers_and_whose_cases_are_covered(unit):
    cover.cover(unit, "K2", "mate", first=D("2026-03-10"), last=D("2026-03-20"))
    report = caseload.current(unit, D("2026-03-15"))
    rows = {h["id"]: (h["active"], h["covering"], h["covered"]) for h in report["handlers"]}
    assert rows == {"own": (1, 0, 1), "mate": (1, 1, 0), "other": (0, 0, 0)}
    assert [(c["case"], c["handler"], c["for_handler"], c["until"]) for c in report["covers"]] == [
        ("K2", "mate", "own", "2026-03-20")]
    assert caseload.json_payload(report)["covers"][0]["case"] == "K2"


@pytest.mark.parametrize(("last", "march", "april"), [
    ("2026-03-30", {"own": 2, "mate": 0}, {"own": 2, "mate": 0}),   # back on the 31st
    ("2026-03-31", {"own": 1, "mate": 1}, {"own": 2, "mate": 0}),   # last day is the month end
    ("2026-04-03", {"own": 1, "mate": 1}, {"own": 2, "mate": 0}),   # over the month end
    ("2026-04-30", {"own": 1, "mate": 1}, {"own": 1, "mate": 1}),   # to April's end too
])
def test_a_cover_over_the_month_end_counts_on_the_coverer_at_that_month_end(unit, last, march,
                                                                            april):
    cover.cover(unit, "K1", "mate", first=D("2026-03-25"), last=D(last))
    report = caseload.history(unit, "2026-02", "2026-05")
    cells = {h["id"]: h["active"] for h in report["handlers"]}
    assert cells["own"] == [2, march["own"], april["own"], 2]
    assert cells["mate"] == [0, march["mate"], april["mate"], 0]
    covering = {h["id"]: h["covering"] for h in report["handlers"]}["mate"]
    assert covering == [0, march["mate"], april["mate"], 0]
    # the month-end history agrees with the day count at each month's end
    for month_end, i in (("2026-03-31", 1), ("2026-04-30", 2)):
        assert carried(unit, month_end)["mate"] == cells["mate"][i]


def test_a_cover_beginning_on_the_month_end_counts_and_the_next_day_does_not(unit):
    cover.cover(unit, "K1", "mate", first=D("2026-03-31"), last=D("2026-04-02"))
    cover.cover(unit, "K2", "other", first=D("2026-04-01"), last=D("2026-04-02"))
    cells = {h["id"]: h["active"] for h in caseload.history(unit, "2026-03", "2026-03")["handlers"]}
    assert cells == {"own": [1], "mate": [1], "other": [0]}


def test_a_cover_whose_case_closes_during_it_stops_counting_on_the_closing_day(unit):
    cover.cover(unit, "K1", "mate", first=D("2026-03-10"), last=D("2026-04-20"))
    cases.close_case(unit, "K1", D("2026-03-15"), "work", today=TODAY)
    assert carried(unit, "2026-03-14") == {"own": 1, "mate": 1, "other": 0}
    assert carried(unit, "2026-03-15") == {"own": 1, "mate": 0, "other": 0}
    cells = {h["id"]: h["active"] for h in caseload.history(unit, "2026-02", "2026-04")["handlers"]}
    assert cells == {"own": [2, 1, 1], "mate": [0, 0, 0], "other": [0, 0, 0]}
    # a cover cannot begin on the closing day, but can on the day before
    with pytest.raises(EkbistError, match="closed on 2026-03-15"):
        cover.cover(unit, "K1", "other", first=D("2026-04-21"), last=D("2026-04-22"))
    cover.cover(unit, "K2", "other", first=D("2026-04-21"), last=D("2026-04-22"))


# -- what is refused --------------------------------------------------------------------
def test_overlapping_covers_of_one_case_are_refused_on_their_shared_day(unit):
    cover.cover(unit, "K1", "mate", first=D("2026-03-10"), last=D("2026-03-20"))
    with pytest.raises(EkbistError, match="already covered by 'mate' from 2026-03-10 to 2026-03-20"):
        cover.cover(unit, "K1", "other", first=D("2026-03-20"), last=D("2026-03-25"))
    with pytest.raises(EkbistError, match="already covered"):
        cover.cover(unit, "K1", "other", first=D("2026-03-01"), last=D("2026-03-10"))
    cover.cover(unit, "K1", "other", first=D("2026-03-21"), last=D("2026-03-25"))  # the day after
    cover.cover(unit, "K1", "other", first=D("2026-03-01"), last=D("2026-03-09"))  # the day before
    cover.cover(unit, "K2", "other", first=D("2026-03-10"), last=D("2026-03-20"))  # another case
    assert len(covers_of(unit)) == 4


@pytest.mark.parametrize(("first", "longest"), [
    ("2026-03-01", "2027-02-28"),   # a year: to the day before 1 March next year
    ("2026-11-25", "2027-11-24"),
    ("2028-02-29", "2029-02-27"),   # a leap day: a year on is 28 February, the day before is in
])
def test_a_cover_lasts_at_most_a_year_and_a_day_more_is_refused(unit, first, longest):
    day_more = D(longest).toordinal() + 1
    with pytest.raises(EkbistError, match="a cover lasts at most a year.*case assign"):
        cover.cover(unit, "K1", "mate", first=D(first), last=date.fromordinal(day_more))
    with pytest.raises(EkbistError, match="at most a year"):
        cover.cover(unit, "K1", "mate", first=D(first), last=D("2099-12-31"))
    assert covers_of(unit) == []
    cover.cover(unit, "K1", "mate", first=D(first), last=D(longest))
    assert covers_of(unit) == [("K1", "mate", first, longest)]


def test_an_absence_cover_is_held_to_the_year_and_until_further_notice_stays_open(unit):
    with pytest.raises(EkbistError, match="at most a year"):
        cover.away_covered(unit, "own", "mate", first=D("2026-03-10"), last=D("2027-03-10"),
                           kind="sick")
    assert covers_of(unit) == [] and absence.list_absences(unit, "own") == []
    cover.away_covered(unit, "own", "mate", first=D("2026-03-10"), last=D("2027-03-09"),
                       kind="sick")
    assert [c[3] for c in covers_of(unit)] == ["2027-03-09", "2027-03-09"]


def test_a_coverer_away_during_the_cover_is_refused_and_a_part_time_absence_is_not(unit):
    absence.away(unit, "mate", first=D("2026-03-15"), last=D("2026-03-17"), kind="sick")
    with pytest.raises(EkbistError, match="'mate' is away from 2026-03-15 to 2026-03-17"):
        cover.cover(unit, "K1", "mate", first=D("2026-03-10"), last=D("2026-03-15"))
    with pytest.raises(EkbistError, match="away"):
        cover.cover(unit, "K1", "mate", first=D("2026-03-17"), last=D("2026-03-20"))
    cover.cover(unit, "K1", "mate", first=D("2026-03-10"), last=D("2026-03-14"))
    cover.cover(unit, "K1", "mate", first=D("2026-03-18"), last=D("2026-03-20"))
    absence.away(unit, "other", first=D("2026-03-01"), last=D("2026-03-31"), kind="sick",
                 extent=50)
    cover.cover(unit, "K2", "other", first=D("2026-03-10"), last=D("2026-03-20"))
    assert len(covers_of(unit)) == 3


def test_a_coverer_not_yet_employed_or_gone_is_refused_on_both_sides_of_the_edge(unit):
    add(unit, "new", start="2026-03-10")
    add(unit, "gone", end="2026-03-20")   # first day gone
    with pytest.raises(EkbistError, match="'new' starts on 2026-03-10"):
        cover.cover(unit, "K1", "new", first=D("2026-03-09"), last=D("2026-03-12"))
    cover.cover(unit, "K1", "new", first=D("2026-03-10"), last=D("2026-03-12"))
    with pytest.raises(EkbistError, match="'gone' leaves on 2026-03-20"):
        cover.cover(unit, "K2", "gone", first=D("2026-03-10"), last=D("2026-03-20"))
    cover.cover(unit, "K2", "gone", first=D("2026-03-10"), last=D("2026-03-19"))
    assert len(covers_of(unit)) == 2
    # A cover beginning on or after the first day gone: they left before it begins.
    with pytest.raises(EkbistError, match="'gone' left on 2026-03-20, before the cover begins"):
        cover.cover(unit, "K1", "gone", first=D("2026-03-20"), last=D("2026-03-25"))
    with pytest.raises(EkbistError, match="'gone' leaves on 2026-03-20, before the cover ends"):
        cover.cover(unit, "K1", "gone", first=D("2026-03-19"), last=D("2026-03-25"))


def test_a_case_cannot_be_covered_by_its_own_handler_nor_before_it_opens(unit):
    with pytest.raises(EkbistError, match="with 'own' already"):
        cover.cover(unit, "K1", "own", first=D("2026-03-10"), last=D("2026-03-12"))
    with pytest.raises(EkbistError, match="opened on 2024-06-01"):
        cover.cover(unit, "K1", "mate", first=D("2024-05-31"), last=D("2024-06-02"))
    with pytest.raises(EkbistError, match="unknown case"):
        cover.cover(unit, "K9", "mate", first=D("2026-03-10"), last=D("2026-03-12"))
    with pytest.raises(EkbistError, match="unknown handler"):
        cover.cover(unit, "K1", "nobody", first=D("2026-03-10"), last=D("2026-03-12"))
    with pytest.raises(EkbistError, match="before"):
        cover.cover(unit, "K1", "mate", first=D("2026-03-12"), last=D("2026-03-11"))
    cover.cover(unit, "K1", "mate", first=D("2024-06-01"), last=D("2024-06-01"))  # one day
    assert covers_of(unit) == [("K1", "mate", "2024-06-01", "2024-06-01")]


# -- shortening and cancelling ------------------------------------------------------------
def test_uncover_shortens_a_cover_and_on_its_first_day_cancels_it(unit):
    cover.cover(unit, "K1", "mate", first=D("2026-03-10"), last=D("2026-03-20"))
    ended = cover.end(unit, "K1", D("2026-03-15"))
    assert (ended["cancelled"], ended["to_date"]) == (False, "2026-03-14")
    assert carried(unit, "2026-03-14")["mate"] == 1
    assert carried(unit, "2026-03-15")["mate"] == 0
    with pytest.raises(EkbistError, match="not covered on 2026-03-15"):
        cover.end(unit, "K1", D("2026-03-15"))
    assert cover.end(unit, "K1", D("2026-03-10"))["cancelled"] is True
    assert covers_of(unit) == []
    audited = unit.query("SELECT action FROM audit WHERE tbl = 'cover' ORDER BY id")
    assert [a["action"] for a in audited] == ["insert", "update", "delete"]


def test_handler_away_with_cover_by_covers_every_case_and_back_ends_the_covers(unit):
    row, covered = cover.away_covered(unit, "own", "mate", first=D("2026-03-10"), kind="sick")
    assert row["to_date"] is None
    assert [c["case"] for c in covered] == ["K1", "K2"]
    assert carried(unit, "2026-06-01") == {"own": 0, "mate": 2, "other": 0}
    assert caseload.current(unit, D("2026-06-01"))["uncovered"] == []
    absence.back(unit, "own", D("2026-06-02"))
    assert covers_of(unit) == [("K1", "mate", "2026-03-10", "2026-06-01"),
                               ("K2", "mate", "2026-03-10", "2026-06-01")]
    assert carried(unit, "2026-06-02") == {"own": 2, "mate": 0, "other": 0}


def test_a_cancelled_absence_takes_its_covers_with_it_and_a_refused_cover_leaves_no_absence(unit):
    cover.away_covered(unit, "own", "mate", first=D("2026-03-10"), last=D("2026-03-20"),
                       kind="vacation")
    absence.back(unit, "own", D("2026-03-10"))
    assert covers_of(unit) == []
    assert unit.scalar("SELECT count(*) FROM absence") == 0
    absence.away(unit, "mate", first=D("2026-04-01"), last=D("2026-04-02"), kind="sick")
    with pytest.raises(EkbistError, match="'mate' is away"):
        cover.away_covered(unit, "own", "mate", first=D("2026-03-30"), last=D("2026-04-05"),
                           kind="vacation")
    assert unit.scalar("SELECT count(*) FROM absence WHERE handler = 'own'") == 0
    with pytest.raises(EkbistError, match="part-time"):
        cover.away_covered(unit, "own", "mate", first=D("2026-05-01"), kind="sick", extent=50)
    assert unit.scalar("SELECT count(*) FROM absence WHERE handler = 'own'") == 0


# -- the command line ---------------------------------------------------------------------
@pytest.fixture
def unit_cli(cli):
    cli.ok("init")
    cli.add_handlers(("own", "Olle Own", "investigation", "1", "2025-01-01"),
                     ("mate", "Maja Mate", "investigation", "1", "2025-01-01"),
                     ("late", "Lisa Late", "investigation", "1", "2026-12-01"))
    cli.ok("case", "open", "K1", "--handler", "own", "--opened", "2026-01-10")
    cli.ok("case", "open", "K2", "--handler", "own", "--opened", "2026-01-10")
    return cli


def _covers(cli) -> list[dict]:
    return json.loads(cli.ok("case", "covers", "--all", "--format", "json").output)


@pytest.mark.parametrize(("args", "says"), [
    (("K1", "--by", "late", "--from", "2026-11-25", "--until", "2026-12-02"), "starts on 2026-12-01"),
    (("K1", "--by", "mate", "--from", "2026-12-02", "--until", "2026-12-01"),
     "--until 2026-12-01 is before --from 2026-12-02"),
    (("K1", "--by", "own", "--from", "2026-12-01", "--until", "2026-12-02"), "already"),
    (("K7", "--by", "mate", "--from", "2026-12-01", "--until", "2026-12-02"), "unknown case 'K7'"),
    (("K2", "--by", "mate", "--from", "2026-12-01", "--until", "2099-12-31"),
     "a cover lasts at most a year: --until 2099-12-31 is a year or more after --from "
     "2026-12-01; move the case for good with ekbist case assign"),
])
def test_case_cover_refuses_with_one_error_line_and_writes_nothing(unit_cli, args, says):
    unit_cli.ok("case", "cover", "K1", "--by", "mate", "--from", "2026-11-26", "--until",
                "2026-11-27")
    before = _covers(unit_cli)
    line = unit_cli.fails("case", "cover", *args)
    assert says in line
    assert _covers(unit_cli) == before


@pytest.mark.parametrize("args", [
    ("K1", "--by", "mate", "--from", "2026-12-01", "--until", "2026-12-40"),
    ("K1", "--by", "mate", "--from", "2026-12-01"),
])
def test_case_cover_refuses_a_bad_or_missing_date_as_a_usage_error(unit_cli, args):
    result = unit_cli("case", "cover", *args)
    assert result.exit_code == 2 and "--until" in result.stderr
    assert _covers(unit_cli) == []


def test_case_cover_in_swedish_and_the_day_shows_the_cover(unit_cli):
    out = unit_cli.ok("case", "cover", "K1", "--by", "mate", "--from", "2026-11-25", "--until",
                      "2026-12-04", lang="sv").output
    assert "K1" in out and "2026-12-05" in out and "mate" in out
    assert "bevakas av mate" in out
    day_out = unit_cli.ok("day", "--handler", "mate", "--format", "json").output
    covering = json.loads(day_out)["covering"]
    assert [(c["case"], c["for_handler"], c["until"]) for c in covering] == [
        ("K1", "own", "2026-12-04")]
    shown = unit_cli.ok("caseload").output
    assert "covers 1 case" in shown and "1 case covered" in shown
    ended = unit_cli.ok("case", "uncover", "K1", "--date", "2026-11-30").output
    assert "2026-11-29" in ended
    assert [(c["case"], c["to_date"]) for c in _covers(unit_cli)] == [("K1", "2026-11-29")]


def test_handler_away_cover_by_from_the_command_line(unit_cli):
    out = unit_cli.ok("handler", "away", "own", "--from", "2026-11-25", "--to", "2026-12-04",
                      "--kind", "vacation", "--cover-by", "mate").output
    assert "2 cases are covered by mate" in out
    line = unit_cli.fails("handler", "away", "mate", "--from", "2026-12-10", "--cover-by", "mate")
    assert "own cases" in line
    assert unit_cli.fails("handler", "away", "mate", "--from", "2026-12-10", "--cover-by",
                          "late").startswith("error: ")
    absences = unit_cli.ok("handler", "absences", "mate", "--format", "json").output
    assert json.loads(absences) == []
    load = json.loads(unit_cli.ok("caseload", "--format", "json").output)
    assert {h["id"]: h["active"] for h in load["handlers"]} == {"own": 0, "mate": 2}
    assert load["unassigned"] == []


# -- the balance: covers never moved for good, newcomers ramped up -------------------------
@pytest.fixture
def veteran(store: Store) -> Store:
    """Veteran v (full time, 20 cases opened 2026-01-05) and newcomer n (full time, started
    2026-08-15, no cases), both in investigation."""
    add(store, "v")
    add(store, "n", start="2026-08-15")
    for i in range(20):
        cases.open_case(store, f"V{i + 1:02}", handler="v", opened=D("2026-01-05"), today=TODAY)
    return store


def _after(store: Store, on: str) -> dict[str, int]:
    from ekbist import balance

    result = balance.balance(store, as_of=D(on), today=TODAY)
    return {h["id"]: h["after"] for h in result["handlers"]}


@pytest.mark.parametrize(("on", "after", "share"), [
    # 20 cases over per FTE loads with n's FTE times the share: the last move is the one
    # after which n stays below v per (ramped) FTE — month 1 (25 %): 4/0.25 = 16 = v's 16.
    ("2026-08-15", {"v": 16, "n": 4}, 0.25),    # the first day
    ("2026-09-14", {"v": 16, "n": 4}, 0.25),    # the last day of month 1
    ("2026-09-15", {"v": 14, "n": 6}, 0.5),     # month 2 begins: 6/0.5 = 12 < 14
    ("2026-10-14", {"v": 14, "n": 6}, 0.5),
    ("2026-10-15", {"v": 12, "n": 8}, 0.75),    # month 3: 8/0.75 = 10.7 < 12
    ("2026-11-14", {"v": 12, "n": 8}, 0.75),
    ("2026-11-15", {"v": 10, "n": 10}, None),   # a full caseload from month 4
])
def test_balance_gives_a_newcomer_their_months_share_and_no_more(veteran, on, after, share):
    from ekbist import balance

    assert _after(veteran, on) == after
    rows = {h["id"]: h for h in balance.balance(veteran, as_of=D(on), today=TODAY)["handlers"]}
    assert rows["n"]["ramp_up"] == share
    assert rows["v"]["ramp_up"] is None


def test_the_ramp_up_is_a_setting_refused_when_it_is_not_shares(veteran):
    from ekbist import settings as unit_settings

    unit_settings.put(veteran, "caseload.ramp_up", "50 %, 100 %")
    assert _after(veteran, "2026-08-20") == {"v": 14, "n": 6}    # 50 % in month 1
    assert _after(veteran, "2026-09-20") == {"v": 10, "n": 10}   # 100 %: full in month 2
    for bad in ("0 50", "50 101", "half", "25 50.5"):
        with pytest.raises(EkbistError, match="not a ramp-up"):
            unit_settings.put(veteran, "caseload.ramp_up", bad)
    assert unit_settings.get(veteran, "caseload.ramp_up") == "50 100"


def test_a_ramp_up_share_of_100_is_a_full_caseload_and_99_is_not(veteran):
    from ekbist import balance
    from ekbist import settings as unit_settings

    def ramp_on(on: str) -> dict:
        result = balance.balance(veteran, as_of=D(on), today=TODAY)
        return {h["id"]: h["ramp_up"] for h in result["handlers"]}

    unit_settings.put(veteran, "caseload.ramp_up", "99 100")
    # Month 1 (99 %): n counts 0.99 FTE. 20 cases: after 9/11, (9+1)/0.99 = 10.1 < 11 moves
    # one more; at 10/10, 10/0.99 = 10.1 is not below 9, so no 11th: 10 and 10.
    assert _after(veteran, "2026-08-20") == {"v": 10, "n": 10}
    assert ramp_on("2026-08-20") == {"v": None, "n": 0.99}
    # Month 2 (100 %) and after the shares: no ramp-up at all, shown as none (not 100 %).
    assert ramp_on("2026-09-20") == {"v": None, "n": None}
    assert ramp_on("2026-10-20") == {"v": None, "n": None}
    assert _after(veteran, "2026-09-20") == {"v": 10, "n": 10}


def test_balance_never_moves_a_covered_case_now_or_planned(veteran):
    from ekbist import balance

    add(veteran, "c", team="intake")
    for i in range(1, 6):   # V01–V05 covered by c on the day of the balance
        cover.cover(veteran, f"V{i:02}", "c", first=D("2026-11-20"), last=D("2026-11-30"))
    for i in (6, 7):        # V06, V07 covered from next week
        cover.cover(veteran, f"V{i:02}", "c", first=D("2026-12-01"), last=D("2026-12-10"))
    result = balance.balance(veteran, as_of=TODAY, today=TODAY, team="investigation",
                             apply=True)
    loads = {h["id"]: (h["before"], h["after"]) for h in result["handlers"]}
    assert loads == {"v": (15, 8), "n": (0, 7)}    # v carries 15 today: 7 go, (7+1) < 15-7
    moved = {m["case"] for m in result["moves"]}
    assert len(moved) == 7
    assert not moved & {f"V{i:02}" for i in range(1, 8)}
    held_by_v = {r[0] for r in veteran.tuples(
        "SELECT case_id FROM assignment WHERE handler = 'v' AND to_date IS NULL")}
    assert {f"V{i:02}" for i in range(1, 8)} <= held_by_v


def test_the_balance_question_names_the_handlers_whose_cases_move(veteran, tmp_path):
    from helpers import procs

    db = tmp_path / "copy.db"
    with sqlite3.connect(db) as copy:
        veteran.conn.backup(copy)
    code, text = procs.on_terminal(["caseload", "balance", "--apply"], procs.terminal_env(db),
                                   answer="n\n")
    assert code == 0
    assert "Cases move from Name v to Name n." in text
    assert "V01" in text                      # the case numbers, never a client's name
    assert "Nothing was written." in text
