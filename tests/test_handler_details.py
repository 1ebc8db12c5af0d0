"""Handlers: FTE shown as typed, accepted as sheets accept it; no --start means today."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("typed", ["0.75", "0,75", "75 %", "75%"])
def test_fte_is_accepted_as_sheets_accept_it_and_shown_with_two_decimals(cli, typed):
    cli.ok("init")
    cli.ok("handler", "add", "h1", "--name", "Anna A", "--team", "intake", "--fte", typed)
    data = json.loads(cli.ok("handler", "list", "--format", "json").output)
    assert data[0]["fte"] == 0.75
    table = cli.ok("handler", "list").output
    assert " 0.75 " in table and " 0.8 " not in table
    assert " 0,75 " in cli.ok("handler", "list", lang="sv").output


def test_whole_fte_and_refusals(cli):
    cli.ok("init")
    cli.ok("handler", "add", "h1", "--name", "Anna A", "--team", "intake", "--fte", "100 %")
    row = cli.ok("handler", "list").output.splitlines()[-1]
    assert row.split()[4] == "1.00"  # an employment rate always with two decimals
    for bad, reason in (("75 procent", "is not an employment rate"),
                        ("120 %", "fte must be above 0 and at most 1"),
                        ("0", "fte must be above 0 and at most 1")):
        assert reason in cli.fails("handler", "add", "h2", "--name", "Bo", "--team", "intake",
                                   "--fte", bad)
    cli.ok("handler", "edit", "h1", "--fte", "50 %")
    assert json.loads(cli.ok("handler", "list", "--format", "json").output)[0]["fte"] == 0.5


def test_a_handler_added_without_start_starts_today(cli):
    cli.ok("init")
    cli.ok("handler", "add", "h1", "--name", "Anna A", "--team", "intake", "--fte", "1",
           today="2026-11-25")
    data = json.loads(cli.ok("handler", "list", "--format", "json").output)
    assert data[0]["start_date"] == "2026-11-25"
    # So a report of an earlier month does not count her: not yet employed in October.
    cli.ok("handler", "add", "h2", "--name", "Bo B", "--team", "intake", "--fte", "1",
           "--start", "2026-01-01")
    october = json.loads(cli.ok("handler", "list", "--format", "json", today="2026-10-15").output)
    assert [h["id"] for h in october] == ["h2"]
