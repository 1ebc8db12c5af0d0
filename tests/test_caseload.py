"""Caseload: counts on a day, the month-end history, the balance proposal and its CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ekbist import absence, balance, caseload, cases, handlers
from ekbist import settings as unit_settings
from ekbist.balance import Member, propose
from ekbist.errors import EkbistError
from ekbist.store import Store

TODAY = date(2026, 11, 25)
D = date.fromisoformat


def add(store: Store, hid: str, team: str = "investigation", fte: float = 1.0,
        start: str | None = None) -> None:
    handlers.add(store, hid, name=f"Name {hid}", team=team, fte=fte,
                 start=D(start) if start else None)


def open_cases(store: Store, handler: str, n: int, opened: str, prefix: str | None = None) -> list[str]:
    ids = []
    for i in range(n):
        case_id = f"{prefix or handler}-{i + 1}"
        cases.open_case(store, case_id, handler=handler, opened=D(opened), today=TODAY,
                        gender="f" if i % 2 else "m")
        ids.append(case_id)
    return ids


def by_id(report: dict) -> dict[str, dict]:
    return {h["id"]: h for h in report["handlers"]}


# -- counting on a day ---------------------------------------------------------------------
def test_counts_around_opening_closing_and_reassignment(store) -> None:
    add(store, "a")
    add(store, "b")
    cases.open_case(store, "K1", handler="a", opened=D("2026-03-10"), today=TODAY)
    cases.open_case(store, "K2", handler="a", opened=D("2026-03-12"), today=TODAY)
    cases.close_case(store, "K2", D("2026-03-12"), "work", today=TODAY)  # opened and closed same day
    cases.open_case(store, "K3", handler="a", opened=D("2026-03-01"), today=TODAY)
    cases.close_case(store, "K3", D("2026-03-20"), "moved", today=TODAY)
    cases.assign(store, "K1", "b", D("2026-04-01"), today=TODAY)

    def active(day: str) -> dict[str, int]:
        return {h["id"]: h["active"] for h in caseload.current(store, D(day))["handlers"]}

    assert active("2026-03-09") == {"a": 1, "b": 0}          # K3 only
    assert active("2026-03-10") == {"a": 2, "b": 0}          # K1 opened that day counts
    assert active("2026-03-12") == {"a": 2, "b": 0}          # K2 opened and closed: never active
    assert active("2026-03-19") == {"a": 2, "b": 0}
    assert active("2026-03-20") == {"a": 1, "b": 0}          # K3 closed that day: gone
    assert active("2026-03-31") == {"a": 1, "b": 0}
    assert active("2026-04-01") == {"a": 0, "b": 1}          # reassigned on the as-of date
    report = caseload.current(store, D("2026-04-01"))
    assert by_id(report)["b"]["new_30d"] == 1
    assert by_id(report)["a"]["new_30d"] == 2  # K1 and K2 within 30 days, K3 before
    assert caseload.json_payload(report)["unassigned"] == []


def test_new_in_the_last_30_days_window(store) -> None:
    add(store, "a")
    cases.open_case(store, "OLD", handler="a", opened=D("2026-10-26"), today=TODAY)  # 30 days before
    cases.open_case(store, "NEW", handler="a", opened=D("2026-10-27"), today=TODAY)  # 29 days before
    row = by_id(caseload.current(store, TODAY))["a"]
    assert (row["active"], row["new_30d"]) == (2, 1)


def test_part_time_team_mean_and_flags(store) -> None:
    add(store, "full", fte=1.0)
    add(store, "half", fte=0.5)
    add(store, "other", team="debt", fte=0.8)
    open_cases(store, "full", 30, "2026-01-05")
    open_cases(store, "half", 21, "2026-01-05")
    open_cases(store, "other", 4, "2026-01-05")
    unit_settings.put(store, "caseload.max_per_fte", "40")
    report = caseload.current(store, TODAY)
    rows = by_id(report)
    assert rows["half"]["per_fte"] == 42.0 and rows["half"]["flagged"]
    assert rows["full"]["per_fte"] == 30.0 and not rows["full"]["flagged"]
    teams = {t["team"]: t for t in report["teams"]}
    assert teams["investigation"]["active"] == 51
    assert teams["investigation"]["fte"] == 1.5
    assert teams["investigation"]["mean_per_fte"] == pytest.approx(34.0)
    assert teams["investigation"]["spread_per_fte"] == pytest.approx(12.0)
    assert rows["half"]["diff"] == pytest.approx(8.0)
    assert rows["other"]["per_fte"] == 5.0
    only = caseload.current(store, TODAY, team="utredning")  # Swedish team name accepted
    assert {h["id"] for h in only["handlers"]} == {"full", "half"}


def test_absent_and_left_handlers_cases_need_cover(store) -> None:
    add(store, "a")
    add(store, "b", fte=0.5)
    add(store, "c")
    open_cases(store, "a", 3, "2026-02-01")
    open_cases(store, "b", 2, "2026-02-01")
    open_cases(store, "c", 4, "2026-02-01")
    absence.away(store, "b", first=D("2026-11-01"), last=D("2026-11-25"), reason="sick leave")
    handlers.leave(store, "c", D("2026-11-20"))
    report = caseload.current(store, TODAY)
    rows = by_id(report)
    assert set(rows) == {"a", "b"}  # c has left
    assert rows["b"]["away"] and rows["b"]["active"] == 2 and rows["b"]["diff"] is None
    team = report["teams"][0]
    assert (team["active"], team["fte"], team["mean_per_fte"]) == (3, 1.0, 3.0)
    assert team["needing_cover"] == 6
    why = {c["case"]: c["why"] for c in report["uncovered"]}
    assert why == {"b-1": "away", "b-2": "away", **{f"c-{i}": "left" for i in range(1, 5)}}
    payload = caseload.json_payload(report)
    assert payload["unassigned"] == ["b-1", "b-2", "c-1", "c-2", "c-3", "c-4"]
    # The absence is inclusive: on its last day b is away, the next day back.
    assert not by_id(caseload.current(store, TODAY + timedelta(days=1)))["b"]["away"]
    # Before c left, c counted fully.
    before = caseload.current(store, D("2026-10-15"))
    assert before["uncovered"] == [] and before["teams"][0]["active"] == 9


def test_json_keys_are_exactly_the_contract(store) -> None:
    add(store, "a", fte=0.75)
    open_cases(store, "a", 3, "2026-05-01")
    payload = caseload.json_payload(caseload.current(store, TODAY))
    assert set(payload) == {"as_of", "handlers", "teams", "unassigned", "covers"}
    assert set(payload["handlers"][0]) == {"id", "name", "team", "fte", "active", "per_fte",
                                           "new_30d", "away", "covering", "covered"}
    assert set(payload["teams"][0]) == {"team", "active", "fte", "mean_per_fte"}
    assert payload["handlers"][0]["per_fte"] == 4.0
    assert "gender" not in json.dumps(payload)


# -- history ---------------------------------------------------------------------------
def test_history_hand_count(store) -> None:
    add(store, "a")
    add(store, "b", fte=0.5, start="2026-02-15")
    cases.open_case(store, "X1", handler="a", opened=D("2026-01-31"), today=TODAY)  # counts Jan
    cases.open_case(store, "X2", handler="a", opened=D("2026-01-10"), today=TODAY)
    cases.close_case(store, "X2", D("2026-01-31"), "work", today=TODAY)  # gone by Jan's end
    cases.open_case(store, "X3", handler="a", opened=D("2026-02-03"), today=TODAY)
    cases.assign(store, "X3", "b", D("2026-03-31"), today=TODAY)  # with b at March's end
    cases.open_case(store, "X4", handler="b", opened=D("2026-03-05"), today=TODAY)
    cases.close_case(store, "X4", D("2026-04-01"), "studies", today=TODAY)
    absence.away(store, "a", first=D("2026-04-30"), last=D("2026-05-02"), reason="vab")
    report = caseload.history(store, "2026-01", "2026-05")
    assert report["months"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    rows = {h["id"]: h for h in report["handlers"]}
    assert rows["a"]["active"] == [1, 2, 1, 1, 1]
    assert rows["b"]["active"] == [None, 0, 2, 1, 1]
    assert rows["a"]["away"] == [False, False, False, True, False]
    team = report["teams"][0]
    assert team["active"] == [1, 2, 3, 1, 2]
    assert team["needing_cover"] == [0, 0, 0, 1, 0]
    assert team["fte"] == [1.0, 1.5, 1.5, 0.5, 1.5]
    assert team["mean_per_fte"] == [1.0, 1.33, 2.0, 2.0, 1.33]


@pytest.mark.parametrize(("first", "last", "words"), [
    ("2026-05", "2026-01", "after"), ("2026-13", "2027-01", "not a month"),
    ("1990-01", "2060-12", "at most"),
])
def test_history_refuses_bad_ranges(store, first, last, words) -> None:
    with pytest.raises(EkbistError, match=words):
        caseload.history(store, first, last)


def test_history_matches_the_day_count_at_every_month_end(small_demo_db) -> None:
    store = Store.open(small_demo_db, readonly=True)
    try:
        report = caseload.history(store, "2026-04", "2026-11")
        for i, month in enumerate(report["months"]):
            year, mon = map(int, month.split("-"))
            end = (date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1))
            day = caseload.current(store, end)
            counted = {h["id"]: h["active"] for h in day["handlers"]}
            matrix = {h["id"]: h["active"][i] for h in report["handlers"]
                      if h["active"][i] is not None}
            assert matrix == {k: v for k, v in counted.items() if k in matrix}
            assert set(counted) <= set(matrix) | {k for k, v in counted.items() if v == 0}
            teams = {t["team"]: t for t in day["teams"]}
            for t in report["teams"]:
                if t["team"] in teams:
                    assert t["active"][i] == teams[t["team"]]["active"]
                    assert t["needing_cover"][i] == teams[t["team"]]["needing_cover"]
    finally:
        store.close()


def test_demo_shows_uneven_load_a_leaver_and_an_absence(small_demo_db) -> None:
    store = Store.open(small_demo_db, readonly=True)
    try:
        report = caseload.current(store, TODAY)
    finally:
        store.close()
    whys = {c["why"] for c in report["uncovered"]}
    assert {"left", "away"} <= whys
    assert any(h["away"] for h in report["handlers"])
    team = {t["team"]: t for t in report["teams"]}["investigation"]
    assert team["spread_per_fte"] >= 5


# -- the balance proposal ----------------------------------------------------------------
def test_propose_two_full_timers() -> None:
    p = propose([Member("a", "t", 1.0, 10, [f"a{i}" for i in range(10)]),
                 Member("b", "t", 1.0, 2, ["b0", "b1"])])
    assert [m.case for m in p.moves] == ["a0", "a1", "a2", "a3"]
    assert p.after == {"a": 6, "b": 6}
    assert (p.spread("t"), p.spread("t", p.after)) == (8.0, 0.0)


def test_propose_part_timer_gets_a_share_by_fte() -> None:
    # 9 cases on 1.0 FTE and none on 0.5: 6 and 3 give 6.0 per FTE each.
    p = propose([Member("a", "t", 1.0, 9, [f"a{i}" for i in range(9)]),
                 Member("b", "t", 0.5, 0, [])])
    assert p.after == {"a": 6, "b": 3}


def test_propose_odd_total_stops_when_no_move_narrows_the_gap() -> None:
    p = propose([Member("a", "t", 1.0, 7, list("abcdefg")), Member("b", "t", 1.0, 4, [])])
    assert p.after == {"a": 6, "b": 5} and len(p.moves) == 1


def test_propose_spreads_from_the_most_to_the_least_loaded() -> None:
    p = propose([
        Member("a", "t", 1.0, 12, [f"a{i}" for i in range(12)]),
        Member("b", "t", 1.0, 9, [f"b{i}" for i in range(9)]),
        Member("c", "t", 0.5, 1, ["c0"]),
        Member("d", "t", 1.0, 6, []),
    ])
    # 28 cases on 3.5 FTE = 8 per FTE: 8, 8, 4 (= 8 per FTE), 8.
    assert p.after == {"a": 8, "b": 8, "c": 4, "d": 8}
    assert p.moves[0].from_handler == "a"


def test_propose_respects_locked_cases_receivers_and_max_moves() -> None:
    members = [Member("a", "t", 1.0, 10, ["a1"]),  # only one case may move
               Member("b", "t", 1.0, 0, [], receives=False),  # leaving soon
               Member("c", "t", 1.0, 2, [])]
    p = propose(members)
    assert [(m.case, m.to_handler) for m in p.moves] == [("a1", "c")]
    limited = propose([Member("a", "t", 1.0, 10, [f"a{i}" for i in range(10)]),
                       Member("b", "t", 1.0, 0, [])], max_moves=2)
    assert len(limited.moves) == 2 and limited.after == {"a": 8, "b": 2}


def test_propose_moves_only_when_both_end_strictly_between_their_old_loads() -> None:
    # d holds 1 case on 0.5 FTE (2.0 per FTE), r none on 1.0: the move would leave d at 0,
    # no longer above what r had (0): no move, though the spread would narrow.
    assert propose([Member("d", "t", 0.5, 1, ["k"]), Member("r", "t", 1.0, 0, [])]).moves == []
    # d holds 3 on 1.0 FTE, r 1 on 0.6 (1.67 per FTE): taking one, r would reach 2 / 0.6 =
    # 3.33 per FTE, above d's 3.0: no move.
    assert propose([Member("d", "t", 1.0, 3, ["a", "b", "c"]),
                    Member("r", "t", 0.6, 1, [])]).moves == []


def test_propose_takes_first_from_the_most_loaded_per_fte_not_per_head() -> None:
    # a holds 4 on 1.0 FTE (4.0 per FTE), b 3 on 0.5 (6.0 per FTE): b gives first.
    p = propose([Member("a", "t", 1.0, 4, ["a1", "a2", "a3", "a4"]),
                 Member("b", "t", 0.5, 3, ["b1", "b2", "b3"]),
                 Member("r", "t", 1.0, 0, [])], max_moves=1)
    assert p.moves == [balance.Move("b1", "t", "b", "r")]


def test_propose_refuses_a_handler_twice_and_a_negative_limit() -> None:
    with pytest.raises(ValueError) as twice:
        propose([Member("a", "t", 1.0, 1, []), Member("a", "t", 1.0, 2, [])])
    assert str(twice.value) == "duplicate handler in proposal"
    with pytest.raises(ValueError) as negative:
        propose([Member("a", "t", 1.0, 1, [])], max_moves=-1)
    assert str(negative.value) == "max_moves must not be negative"


def test_forced_cases_no_one_can_take_are_all_listed() -> None:
    # No one in team t receives: both forced cases stay unplaced, not only the first.
    p = propose([Member("b", "t", 1.0, 2, [], receives=False), Member("c", "u", 1.0, 0, [])],
                forced=[("k1", "t"), ("k2", "t"), ("k3", "u")], rebalance=False)
    assert p.unplaced == [("k1", "t"), ("k2", "t")]
    assert p.moves == [balance.Move("k3", "u", "", "c")]


def test_propose_keeps_teams_apart() -> None:
    p = propose([Member("a", "x", 1.0, 10, [f"a{i}" for i in range(10)]),
                 Member("b", "y", 1.0, 0, [])])
    assert p.moves == []


def test_forced_cases_go_to_the_lowest_load_after_taking_them() -> None:
    p = propose([Member("b", "t", 1.0, 2, []), Member("c", "t", 1.0, 5, []),
                 Member("d", "t", 0.5, 1, [])],
                forced=[("k1", "t"), ("k2", "t"), ("k3", "t"), ("k4", "t")], rebalance=False)
    # k1: b→3 (3.0) beats c→6, d→2/0.5=4; k2: b→4 vs d 4.0: tie broken by lower load now (d 2.0
    # < b 3.0) → d; k3: b→4 (4.0) vs d→3/0.5=6 → b; k4: b→5, c→6, d→6 → b.
    assert [(m.case, m.to_handler) for m in p.moves] == [
        ("k1", "b"), ("k2", "d"), ("k3", "b"), ("k4", "b")]
    assert p.after == {"b": 5, "c": 5, "d": 2}
    nobody = propose([Member("b", "t", 1.0, 2, [], receives=False)], forced=[("k1", "t")],
                     rebalance=False)
    assert nobody.unplaced == [("k1", "t")] and nobody.moves == []


ftes = st.sampled_from([1.0, 0.8, 0.75, 0.5, 0.3, 0.6, 0.9])


@st.composite
def teams_of_members(draw):
    count = draw(st.integers(1, 12))
    members = []
    for i in range(count):
        load = draw(st.integers(0, 60))
        movable = draw(st.integers(0, load))
        members.append(Member(
            f"h{i}", draw(st.sampled_from(["x", "y", "z"])), draw(ftes), load,
            [f"h{i}-c{j}" for j in range(movable)], receives=draw(st.booleans()) or i % 3 == 0,
        ))
    return members


@settings(max_examples=250, deadline=None)
@given(teams_of_members(), st.one_of(st.none(), st.integers(0, 30)))
def test_proposal_properties(members, max_moves) -> None:
    p = propose(members, max_moves=max_moves)
    owner = {c: m.id for m in members for c in m.cases}
    receives = {m.id: m.receives for m in members}
    seen = set()
    for move in p.moves:
        assert p.team_of[move.from_handler] == p.team_of[move.to_handler] == move.team
        assert owner[move.case] == move.from_handler and move.case not in seen
        assert receives[move.to_handler]
        seen.add(move.case)
    for team in p.teams:
        assert p.spread(team, p.after) <= p.spread(team, p.before) + 1e-9
        in_team = [h for h, t in p.team_of.items() if t == team]
        assert sum(p.after[h] for h in in_team) == sum(p.before[h] for h in in_team)
        if max_moves is not None:
            assert sum(1 for m in p.moves if m.team == team) <= max_moves
    assert all(v >= 0 for v in p.after.values())
    if max_moves is None:
        # Finished: no single move from a handler with a movable case left to a receiver
        # would bring both strictly between their loads per FTE.
        left = {m.id: len(m.cases) - sum(1 for x in p.moves if x.from_handler == m.id)
                for m in members}
        for d in members:
            for r in members:
                if d.id == r.id or d.team != r.team or not left[d.id] or not r.receives:
                    continue
                a, b = p.after[d.id], p.after[r.id]
                fa, fb = Fraction(str(d.fte)), Fraction(str(r.fte))
                assert not ((b + 1) / fb < a / fa and (a - 1) / fa > b / fb)


# -- balance on a store ------------------------------------------------------------------
def test_balance_skips_recent_reassignments_and_prefers_short_holdings(store) -> None:
    add(store, "a")
    add(store, "b")
    add(store, "z")
    open_cases(store, "a", 4, "2025-01-10")                      # a-1..a-4 held since 2025
    cases.open_case(store, "NEWEST", handler="a", opened=D("2026-11-20"), today=TODAY)
    cases.open_case(store, "R-OLD", handler="z", opened=D("2025-02-01"), today=TODAY)
    cases.assign(store, "R-OLD", "a", D("2026-08-01"), today=TODAY)   # 116 days: movable
    cases.open_case(store, "R-NEW", handler="z", opened=D("2025-02-01"), today=TODAY)
    cases.assign(store, "R-NEW", "a", D("2026-10-01"), today=TODAY)   # 55 days: kept
    handlers.leave(store, "z", D("2026-11-01"))
    result = balance.balance(store, as_of=TODAY, today=TODAY)
    # a holds 7, b none: 3 move, newest holdings first, R-NEW never.
    assert [m["case"] for m in result["moves"]] == ["NEWEST", "R-OLD", "a-1"]
    assert result["teams"][0]["spread_before"] == 7.0
    assert result["teams"][0]["spread_after"] == 1.0
    assert not result["applied"]
    assert store.scalar("SELECT count(*) FROM assignment WHERE from_date = ?", (TODAY.isoformat(),)) == 0
    unit_settings.put(store, "caseload.keep_days", "30")
    result = balance.balance(store, as_of=TODAY, today=TODAY, max_moves=2)
    assert [m["case"] for m in result["moves"]] == ["NEWEST", "R-NEW"]


def test_balance_gives_absent_handlers_nothing_and_leaves_their_cases(store) -> None:
    add(store, "a")
    add(store, "away")
    add(store, "c")
    open_cases(store, "a", 8, "2026-01-01")
    open_cases(store, "away", 9, "2026-01-01")
    absence.away(store, "away", first=D("2026-11-01"), reason="parental leave")
    result = balance.balance(store, as_of=TODAY, today=TODAY)
    assert {(m["from"], m["to"]) for m in result["moves"]} == {("a", "c")}
    assert len(result["moves"]) == 4
    assert result["teams"][0]["needing_cover"] == 9


def test_balance_spares_handlers_leaving_or_going_away_soon(store) -> None:
    add(store, "a")
    add(store, "leaving")
    add(store, "soon_away")
    add(store, "later_away")
    open_cases(store, "a", 12, "2026-01-01")
    handlers.leave(store, "leaving", D("2027-01-31"))
    absence.away(store, "soon_away", first=D("2026-12-20"), reason="föräldraledighet")  # 25 days
    absence.away(store, "later_away", first=D("2027-01-05"), reason="kurs")  # 41 days ahead
    result = balance.balance(store, as_of=TODAY, today=TODAY)
    assert {m["to"] for m in result["moves"]} == {"later_away"}
    assert len(result["moves"]) == 6


@pytest.mark.parametrize(("first", "receives"), [
    ("2026-12-24", False), ("2026-12-25", False), ("2026-12-26", True)])
def test_balance_spares_an_absence_starting_within_30_days_and_not_after(store, first,
                                                                          receives) -> None:
    # 25 November + 30 days = 25 December: an absence starting then is "soon", one
    # starting on the 26th is not. a holds 6, b is going away: only b could receive.
    add(store, "a")
    add(store, "b")
    open_cases(store, "a", 6, "2026-01-01")
    absence.away(store, "b", first=D(first), reason="kurs")
    moves = balance.balance(store, as_of=TODAY, today=TODAY)["moves"]
    assert [(m["from"], m["to"]) for m in moves] == ([("a", "b")] * 3 if receives else [])


def test_caseload_lists_teams_in_the_units_order_and_names_the_team_asked_for(store) -> None:
    # The unit's order is intake, investigation, violence, debt, other — not the alphabet.
    add(store, "d1", team="debt")
    add(store, "v1", team="violence")
    add(store, "a1", team="intake")
    report = caseload.current(store, TODAY)
    assert [h["id"] for h in report["handlers"]] == ["a1", "v1", "d1"]
    assert [t["team"] for t in report["teams"]] == ["intake", "violence", "debt"]
    assert report["team"] is None
    # Asked for by its Swedish name, the team comes back as its code.
    only = caseload.current(store, TODAY, team="budget- och skuldrådgivning")
    assert only["team"] == "debt"
    assert [h["id"] for h in only["handlers"]] == ["d1"]


def test_a_teams_fte_is_summed_to_the_thousandth(store) -> None:
    # 0.7 + 0.1 is 0.7999999999999999 in floating point; the team shows 0.8. Two thirds
    # written 0.3333 each make 0.6666, shown to the thousandth as 0.667.
    add(store, "a", team="intake", fte=0.7)
    add(store, "b", team="intake", fte=0.1)
    add(store, "c", team="debt", fte=0.3333)
    add(store, "d", team="debt", fte=0.3333)
    teams = {t["team"]: t for t in caseload.current(store, TODAY)["teams"]}
    assert teams["intake"]["fte"] == 0.8
    assert teams["debt"]["fte"] == 0.667


def test_balance_apply_writes_assignments_in_one_audited_transaction(store) -> None:
    add(store, "a")
    add(store, "b")
    add(store, "d", team="debt")
    open_cases(store, "a", 6, "2026-01-01")
    open_cases(store, "d", 5, "2026-01-01")
    with pytest.raises(EkbistError, match="applying the moves takes effect from today"):
        balance.balance(store, as_of=D("2026-11-01"), today=TODAY, apply=True)
    audit_before = store.scalar("SELECT count(*) FROM audit")
    result = balance.balance(store, as_of=TODAY, today=TODAY, apply=True)
    assert result["applied"] and len(result["moves"]) == 3
    moved = [m["case"] for m in result["moves"]]
    for case_id in moved:
        history = cases.show(store, case_id)["assignments"]
        assert [(h["handler"], h["from_date"], h["to_date"]) for h in history] == [
            ("a", "2026-01-01", "2026-11-25"), ("b", "2026-11-25", None)]
    assert store.scalar("SELECT count(*) FROM audit") - audit_before == 6  # 3 updates + 3 inserts
    after = {h["id"]: h["active"] for h in caseload.current(store, TODAY)["handlers"]}
    assert after == {"a": 3, "b": 3, "d": 5}
    # Balanced now: nothing more to do, the recent moves are locked anyway.
    assert balance.balance(store, as_of=TODAY, today=TODAY)["moves"] == []


def test_leaver_redistribution(store) -> None:
    add(store, "leaver")
    add(store, "b")
    add(store, "c")
    add(store, "gone", start="2020-01-01")
    open_cases(store, "leaver", 4, "2026-06-01")
    open_cases(store, "b", 2, "2026-06-01")
    open_cases(store, "c", 5, "2026-06-01")
    handlers.leave(store, "gone", D("2026-10-01"))
    preview = balance.redistribute_leaver(store, "leaver", leave_on=D("2026-12-01"), today=TODAY)
    assert [(m["case"], m["from"], m["to"]) for m in preview["moves"]] == [
        ("leaver-1", "leaver", "b"), ("leaver-2", "leaver", "b"), ("leaver-3", "leaver", "b"),
        ("leaver-4", "leaver", "b")]
    assert handlers.get(store, "leaver")["end_date"] is None  # dry run: nothing written
    done = balance.redistribute_leaver(store, "leaver", leave_on=D("2026-12-01"), today=TODAY,
                                       apply=True)
    assert done["applied"]
    assert handlers.get(store, "leaver")["end_date"] == "2026-12-01"
    assert {h["id"]: h["active"] for h in caseload.current(store, TODAY)["handlers"]} == {
        "leaver": 0, "b": 6, "c": 5}
    with pytest.raises(EkbistError, match="already left"):
        balance.redistribute_leaver(store, "leaver", leave_on=D("2026-11-30"), today=TODAY)


# -- the command line ------------------------------------------------------------------
@pytest.fixture
def team(cli):
    cli.ok("init")
    cli.add_handlers(("anna", "Anna A", "investigation", "1", "2025-01-01"),
                     ("bo", "Bo B", "investigation", "0.5", "2025-01-01"),
                     ("cia", "Cia C", "investigation", "1", "2025-01-01"))
    for i in range(9):
        cli.ok("case", "open", f"A-{i}", "--handler", "anna", "--opened", "2026-09-01",
               "--gender", "f")
    cli.ok("case", "open", "B-0", "--handler", "bo", "--opened", "2026-09-01", "--gender", "m")
    return cli


def test_cli_caseload_table_json_csv(team) -> None:
    out = team.ok("caseload").output
    assert "Caseload on 2026-11-25" in out and "Anna A" in out
    assert "Every active case has a handler at work." in out
    data = json.loads(team.ok("caseload", "--format", "json").output)
    assert data["as_of"] == "2026-11-25"
    rows = {h["id"]: h for h in data["handlers"]}
    assert rows["bo"] == {"id": "bo", "name": "Bo B", "team": "investigation", "fte": 0.5,
                          "active": 1, "per_fte": 2.0, "new_30d": 0, "away": False,
                          "covering": 0, "covered": 0}
    assert data["teams"] == [{"team": "investigation", "active": 10, "fte": 2.5,
                              "mean_per_fte": 4.0}]
    csv_out = team.ok("caseload", "--format", "csv").output
    assert csv_out.splitlines()[0] == "id,name,team,fte,active,per_fte,new_30d,diff,away,flagged"
    for text in (out, csv_out, json.dumps(data)):
        assert "gender" not in text.lower() and "kvinna" not in text
    sv = team.ok("caseload", "--as-of", "2026-10-01", lang="sv").output
    assert "Ärendeantal 2026-10-01" in sv


def test_cli_caseload_errors(team) -> None:
    assert "unknown team" in team.fails("caseload", "--team", "nope")
    assert team("caseload", "--as-of", "2026-02-30").exit_code == 2
    assert "after" in team.fails("caseload", "history", "--from", "2026-05", "--to", "2026-01")
    # a bad month is bad input (the shared MONTH type): one error: line, exit 1, not usage
    assert team.fails("caseload", "history", "--from", "2026-13", "--to", "2027-01") == (
        "error: --from: '2026-13' is not a month (YYYY-MM)")
    assert "--apply" in team.fails("caseload", "balance", "--as-of", "2026-11-01", "--apply")
    assert team("caseload", "balance", "--max-moves", "-1").exit_code == 2


def test_cli_away_shows_and_balance_applies(team) -> None:
    team.ok("handler", "away", "cia", "--from", "2026-11-20", "--reason", "sjukskrivning")
    data = json.loads(team.ok("caseload", "--format", "json").output)
    assert {h["id"]: h["away"] for h in data["handlers"]}["cia"] is True
    preview = team.ok("caseload", "balance").output
    assert "Nothing was written" in preview and "cia" not in preview.split("Handlers whose")[1]
    assert json.loads(team.ok("caseload", "balance", "--format", "json").output)["moves"][0][
        "to"] == "bo"
    team.ok("handler", "back", "cia", "--date", "2026-11-25")
    applied = json.loads(team.ok("caseload", "balance", "--apply", "--format", "json").output)
    assert applied["applied"] and applied["teams"][0]["spread_after"] <= 2
    after = json.loads(team.ok("caseload", "--format", "json").output)
    assert {h["id"]: h["active"] for h in after["handlers"]} == {"anna": 4, "bo": 2, "cia": 4}
    audit = json.loads(team.ok("audit", "--table", "assignment", "--format", "json").output)
    assert sum(1 for row in audit if row["action"] == "update") == 5


def test_cli_history_and_workbook(team, tmp_path) -> None:
    team.ok("case", "assign", "A-0", "cia", "--date", "2026-10-15")
    out = team.ok("caseload", "history", "--from", "2026-08", "--to", "2026-11").output
    assert "2026-08" in out and "Mean per FTE" in out
    data = json.loads(team.ok("caseload", "history", "--from", "2026-08", "--to", "2026-11",
                              "--format", "json").output)
    rows = {h["id"]: h["active"] for h in data["handlers"]}
    assert rows == {"anna": [0, 9, 8, 8], "bo": [0, 1, 1, 1], "cia": [0, 0, 1, 1]}
    assert data["teams"][0]["mean_per_fte"] == [0.0, 4.0, 4.0, 4.0]
    book = tmp_path / "load.xlsx"
    out = team.ok("caseload", "history", "--from", "2026-08", "--to", "2026-11", "--xlsx",
                  str(book), lang="sv").output
    assert out.strip() == f"Skrev {book}."
    from openpyxl import load_workbook

    ws = load_workbook(book).active
    assert ws["A1"].value == "Handläggare" and ws["E1"].value == "2026-08"
    assert [c.value for c in ws[2]][:8] == ["anna", "Anna A", "utredning", 1, 0, 9, 8, 8]
    assert len(ws._charts) == 2
    assert "exists already" in team.fails("caseload", "history", "--from", "2026-08", "--to",
                                          "2026-11", "--xlsx", str(book))
    team.ok("caseload", "history", "--from", "2026-08", "--to", "2026-11", "--xlsx", str(book),
            "--force")
    ws = load_workbook(book).active  # replaced, now in English
    assert ws["A1"].value == "Handler"
    assert [c.value for c in ws[2]][:8] == ["anna", "Anna A", "investigation", 1, 0, 9, 8, 8]
    assert "the folder does not exist" in team.fails("caseload", "history", "--from", "2026-08", "--to",
                                        "2026-11", "--xlsx", str(tmp_path / "none" / "x.xlsx"))


def test_cli_leave_redistribute(team) -> None:
    out = team.ok("handler", "leave", "anna", "--date", "2026-12-01", "--redistribute").output
    assert "Nothing was written" in out and "not recorded" in out
    assert json.loads(team.ok("handler", "list", "--format", "json").output)[0]["end_date"] is None
    assert team("handler", "leave", "anna", "--date", "2026-12-01", "--apply").exit_code == 2
    data = json.loads(team.ok("handler", "leave", "anna", "--date", "2026-12-01",
                              "--redistribute", "--apply", "--format", "json").output)
    assert len(data["moves"]) == 9 and data["applied"]
    load = json.loads(team.ok("caseload", "--format", "json").output)
    assert {h["id"]: h["active"] for h in load["handlers"]} == {"anna": 0, "bo": 3, "cia": 7}
    assert "already left" in team.fails("handler", "leave", "anna", "--date", "2026-12-02",
                                        "--redistribute")


# -- the spreadsheet kind ----------------------------------------------------------------
def test_export_rows_match_the_caseload_sheet_declaration(small_demo_db) -> None:
    from ekbist.sheets import declarations
    from ekbist.sheets.exporter import SOURCES

    kind = declarations.get("caseload")
    assert not kind.importable and SOURCES["caseload"] is caseload.export_rows
    store = Store.open(small_demo_db, readonly=True)
    try:
        rows = caseload.export_rows(store, date_from=None, date_to=None, today=TODAY)
        ranged = caseload.export_rows(store, date_from=D("2026-09-01"), date_to="2026-10-31",
                                      today=TODAY)
        report = caseload.current(store, D("2026-10-31"))
    finally:
        store.close()
    assert {r["month"] for r in rows} == {"2025-12", *(f"2026-{m:02d}" for m in range(1, 12))}
    assert all(set(r) == {c.key for c in kind.columns} for r in rows)
    assert {r["month"] for r in ranged} == {"2026-09", "2026-10"}
    october = {r["handler"]: r["active"] for r in ranged if r["month"] == "2026-10"}
    assert october == {h["id"]: h["active"] for h in report["handlers"]}
    assert "gender" not in json.dumps(rows)


def test_cli_export_caseload_sheet(team, tmp_path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "caseload.xlsx"
    team.ok("export", "caseload", str(book), "--from", "2026-09-01", "--to", "2026-11-30")
    rows = list(load_workbook(book).worksheets[0].iter_rows(values_only=True))
    header = [h for h in rows[0] if h]
    assert header[:3] == ["Month", "Handler", "Name"]
    data = {(r[0], r[1]): r[5] for r in rows[1:] if r[0]}
    assert data[("2026-09", "anna")] == 9 and data[("2026-11", "bo")] == 1
    assert len(data) == 9  # three handlers, three months
