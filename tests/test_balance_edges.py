"""Edges of the balance proposal that its mutation run found untested: a leaver's cases
(``forced``) placed team by team, and each to the receiver lowest per FTE after taking it."""

from __future__ import annotations

from ekbist.balance import Member, Move, propose


def test_a_team_without_receivers_leaves_its_case_unplaced_and_the_next_team_goes_on() -> None:
    members = [Member("a", "t1", 1.0, 0, [], receives=False),  # leaving soon: takes nothing
               Member("b", "t2", 1.0, 3, [])]
    p = propose(members, forced=[("k1", "t1"), ("k2", "t2")], rebalance=False)
    assert p.unplaced == [("k1", "t1")]
    # the whole move: a forced case comes from no handler the proposal knows ("from": "")
    assert p.moves == [Move("k2", "t2", "", "b")]
    assert p.after == {"a": 0, "b": 4}


def test_a_forced_case_goes_to_the_lowest_load_per_fte_after_taking_it() -> None:
    # a: 0 cases on 0.5 FTE, 2.0 per FTE with the case; b: 1 on 1.0, also 2.0 with it. The tie
    # goes to the lower load per FTE before (a: 0.0, b: 1.0).
    p = propose([Member("a", "t", 0.5, 0, []), Member("b", "t", 1.0, 1, [])],
                forced=[("k", "t")], rebalance=False)
    assert [(m.case, m.to_handler) for m in p.moves] == [("k", "a")]
    # a with 1 case already would reach 4.0 per FTE, b 2.0: b takes it.
    p = propose([Member("a", "t", 0.5, 1, []), Member("b", "t", 1.0, 1, [])],
                forced=[("k", "t")], rebalance=False)
    assert [(m.case, m.to_handler) for m in p.moves] == [("k", "b")]
