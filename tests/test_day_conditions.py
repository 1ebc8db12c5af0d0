"""The day-D conditions, at their edges, and their one home.

Each condition is asked of a real store on the days around its edges; then the
source is searched for the same condition written out again by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ekbist import day_conditions as on

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def facts(store):
    """A case open 2026-03-02 to 2026-03-31 (closed that day), its two assignments, a handler
    employed 2026-02-01 to 2026-06-30 away 2026-03-10 to 2026-03-12, an application received
    2026-03-03 and decided 2026-03-09, and a case and absence still open."""
    with store.transaction():
        store.executemany(
            "INSERT INTO handler (id, name, team, fte, start_date, end_date) VALUES (?, ?, ?, 1, ?, ?)",
            [("h", "Hanna", "intake", "2026-02-01", "2026-07-01"),
             ("k", "Karl", "intake", None, None)])
        store.execute("INSERT INTO cases (id, opened, closed, close_reason) VALUES"
                      " ('C-1', '2026-03-02', '2026-03-31', 'work'), ('C-2', '2026-03-05', NULL, NULL)")
        store.execute("INSERT INTO assignment (case_id, handler, from_date, to_date) VALUES"
                      " ('C-1', 'h', '2026-03-02', '2026-03-16'), ('C-1', 'k', '2026-03-16', NULL)")
        store.execute("INSERT INTO absence (handler, from_date, to_date, reason, kind) VALUES"
                      " ('h', '2026-03-10', '2026-03-12', 'x', 'sick'), ('k', '2026-05-01', NULL, 'x', 'sick')")
        store.execute("INSERT INTO application (id, case_id, period, received, decided, decision)"
                      " VALUES ('A-1', 'C-1', '2026-03', '2026-03-03', '2026-03-09', 'rejected'),"
                      " ('A-2', 'C-2', '2026-03', '2026-03-05', NULL, NULL)")
    return store


def _ids(store, sql: str, day: str) -> list[str]:
    return [r[0] for r in store.tuples(sql, {"d": day})]


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-03-01", []), ("2026-03-02", ["C-1"]), ("2026-03-05", ["C-1", "C-2"]),
    ("2026-03-30", ["C-1", "C-2"]), ("2026-03-31", ["C-2"]), ("2099-01-01", ["C-2"]),
])
def test_a_case_is_active_from_its_opening_to_the_day_before_it_closes(facts, day, expected):
    assert _ids(facts, f"SELECT c.id FROM cases c WHERE {on.case_active(':d')} ORDER BY c.id",
                day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-03-01", None), ("2026-03-02", "h"), ("2026-03-15", "h"), ("2026-03-16", "k"),
    ("2030-01-01", "k"),
])
def test_the_handler_of_a_case_on_a_day_is_the_assignment_covering_it(facts, day, expected):
    assert facts.scalar(f"SELECT {on.handler_of_case(':c', ':d')}", {"c": "C-1", "d": day}) == expected
    covering = _ids(facts, "SELECT a.handler FROM assignment a WHERE a.case_id = 'C-1' "
                           f"AND {on.assignment_covers(':d')}", day)
    assert covering == ([expected] if expected else [])


@pytest.mark.parametrize(("case", "day", "last", "covering"), [
    ("C-1", "2026-03-01", None, None), ("C-1", "2026-03-02", "h", "h"),
    ("C-1", "2026-03-16", "k", "k"), ("C-2", "2026-03-04", None, None),
    ("C-2", "2026-03-19", "h", "h"), ("C-2", "2026-03-20", "h", None),
    ("C-2", "2027-01-01", "h", None),
])
def test_the_last_handler_of_a_case_outlives_its_assignment(facts, case, day, last, covering):
    # C-2's only assignment (Hanna) ends on 2026-03-20 with no one after her: looking back,
    # the case is still hers; on the day, no one holds it.
    facts.execute("INSERT INTO assignment (case_id, handler, from_date, to_date)"
                  " VALUES ('C-2', 'h', '2026-03-05', '2026-03-20')")
    params = {"c": case, "d": day}
    assert facts.scalar(f"SELECT {on.last_handler_of_case(':c', ':d')}", params) == last
    assert facts.scalar(f"SELECT {on.handler_of_case(':c', ':d')}", params) == covering


def test_the_handler_of_a_case_reads_the_callers_own_aliases(facts):
    # A sheet's imported row is ``s``, a listing's application ``a``: the sub-query's own
    # alias must not hide them.
    for alias in ("s", "a", "own_row"):
        for case, expected in (("C-1", "k"), ("C-2", None)):  # C-2 has no assignment
            assert facts.scalar(
                f"SELECT {on.handler_of_case(f'{alias}.case_id', f'{alias}.day')} FROM "
                f"(SELECT '{case}' AS case_id, '2026-03-16' AS day) {alias}") == expected


@pytest.mark.parametrize(("day", "employed", "at_work"), [
    ("2026-01-31", ["k"], ["k"]), ("2026-02-01", ["h", "k"], ["h", "k"]),
    ("2026-03-09", ["h", "k"], ["h", "k"]), ("2026-03-10", ["h", "k"], ["k"]),
    ("2026-03-12", ["h", "k"], ["k"]), ("2026-03-13", ["h", "k"], ["h", "k"]),
    ("2026-05-01", ["h", "k"], ["h"]), ("2026-06-30", ["h", "k"], ["h"]),
    ("2026-07-01", ["k"], []),
])
def test_employed_and_at_work(facts, day, employed, at_work):
    # Employment ends the day before end_date; an absence covers its last day; the open one
    # (no end known) covers every day from its start.
    assert _ids(facts, f"SELECT h.id FROM handler h WHERE {on.handler_employed(':d')} ORDER BY h.id",
                day) == employed
    assert _ids(facts, f"SELECT h.id FROM handler h WHERE {on.handler_at_work(':d')} ORDER BY h.id",
                day) == at_work
    away = _ids(facts, f"SELECT h.id FROM handler h WHERE {on.handler_away(':d')} ORDER BY h.id", day)
    assert away == sorted(set(employed) - set(at_work))


@pytest.mark.parametrize(("day", "not_started", "left"), [
    ("2026-01-31", ["h"], []), ("2026-02-01", [], []), ("2026-06-30", [], []),
    ("2026-07-01", [], ["h"]), ("2099-01-01", [], ["h"]),
])
def test_a_handler_not_employed_has_either_not_started_or_left(facts, day, not_started, left):
    # Hanna starts 2026-02-01 (her first day) and end_date 2026-07-01 is her first day gone;
    # Karl, with neither known, is always employed.
    assert _ids(facts, f"SELECT h.id FROM handler h WHERE {on.handler_not_started(':d')}",
                day) == not_started
    assert _ids(facts, f"SELECT h.id FROM handler h WHERE {on.handler_left(':d')}", day) == left
    employed = _ids(facts, f"SELECT h.id FROM handler h WHERE {on.handler_employed(':d')} "
                           "ORDER BY h.id", day)
    assert employed == sorted({"h", "k"} - set(not_started) - set(left))


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-03-02", []), ("2026-03-03", ["A-1"]), ("2026-03-08", ["A-1", "A-2"]),
    ("2026-03-09", ["A-2"]), ("2027-01-01", ["A-2"]),
])
def test_an_application_is_open_from_arrival_until_its_decision(facts, day, expected):
    assert _ids(facts, f"SELECT a.id FROM application a WHERE {on.application_open(':d')} "
                       "ORDER BY a.id", day) == expected


# The conditions as they would be written out again by hand: the same day on both sides.
_REWRITTEN = {
    "case active": r"opened\s*<=?\s*(\S+)\s+AND\s+\(\s*[\w.]*closed IS NULL OR [\w.]*closed\s*>\s*\1\s*\)",
    "assignment or absence covers": (
        r"from_date\s*<=\s*(\S+)\s+AND\s+\(\s*[\w.]*to_date IS NULL OR [\w.]*to_date\s*>=?\s*\1\s*\)"),
    "handler employed": (
        r"start_date\s*<=\s*(\S+)\s*\)\s*AND\s*\(\s*[\w.]*end_date IS NULL OR [\w.]*end_date\s*>\s*\1"),
    "handler left": r"end_date IS NOT NULL AND [\w.]*end_date\s*<=",
    "handler not started": r"start_date IS NOT NULL AND [\w.]*start_date\s*>\s",
    "application open": r"decided IS NULL OR [\w.]*decided\s*>\s*(\S+?)\)\s*AND\s+[\w.]*received\s*<=\s*\1",
}


def test_every_day_condition_has_one_home() -> None:
    found = []
    for path in sorted([*(ROOT / "ekbist").rglob("*.py"), *(ROOT / "commands").rglob("*.py")]):
        if path.name == "day_conditions.py":
            continue
        text = " ".join(path.read_text(encoding="utf-8").split())
        for name, pattern in _REWRITTEN.items():
            if re.search(pattern, text):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    assert found == []


@pytest.mark.parametrize("written", [
    "c.opened <= :d AND (c.closed IS NULL OR c.closed > :d)",
    "a.from_date <= :day AND (a.to_date IS NULL OR a.to_date > :day)",
    "ab.from_date <= :d AND (ab.to_date IS NULL OR ab.to_date >= :d)",
    "(h.start_date IS NULL OR h.start_date <= ?) AND (h.end_date IS NULL OR h.end_date > ?)",
    "WHERE (decided IS NULL OR decided > :today) AND received <= :today",
    "WHEN h.end_date IS NOT NULL AND h.end_date <= :d THEN 'left'",
    "WHEN h.start_date IS NOT NULL AND h.start_date > :d THEN 'not_started'",
])
def test_the_search_finds_a_condition_written_by_hand(written) -> None:
    # The patterns above catch the ways the conditions were written before they had a home.
    text = " ".join(written.split())
    if "?" in text:
        text = text.replace("?", ":d")
    assert any(re.search(p, text) for p in _REWRITTEN.values())


def test_a_sheet_declaration_calls_a_day_condition_by_name_or_is_refused() -> None:
    from ekbist.sheets.declarations import kinds, parse_declaration

    assert kinds()["applications"].write["handler"] == on.handler_of_case(
        's."case"', "coalesce(s.completed, s.received)")
    base = {"kind": "x", "sheet_sv": "X", "sheet_en": "X", "table": "application"}
    for wrong in ({"load_extension": ["'evil'"]}, {"handler_of_case": "s.case"},
                  {"handler_of_case": ["s.case", 1]}, ["handler_of_case"], 7):
        with pytest.raises(ValueError, match=r"\[write\] handler is neither SQL text"):
            parse_declaration({**base, "write": {"handler": wrong}})
