"""Prose on a pipe (a file, a mail, `less`) keeps within 80 columns, as the year and month
reports' notes do: the demo's closing line and the prose lines of `ekbist day`, in English
and Swedish. Nothing is lost in the wrapping: the lines joined are the sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import procs


def _lines(result) -> list[str]:
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


# Counted by hand: the first line ends at the last word within 80 columns.
DEMO = {
    "en": ["Demo unit written to north-district/demo-2026.db: 20 handlers, 11 cases, 10",
           "applications, 3 plans."],
    "sv": ["Demoenheten skrevs till north-district/demo-2026.db: 20 handläggare, 11 ärenden,",
           "10 ansökningar, 3 planer."],
}


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_demo_closing_line_wraps_at_80_columns(tmp_path, lang) -> None:
    (tmp_path / "north-district").mkdir()
    lines = _lines(procs.run(Path("north-district/demo-2026.db"), "demo", "--households",
                             "10", "--months", "1", env=procs.clean_env(EKBIST_LANG=lang),
                             cwd=tmp_path))
    assert lines == DEMO[lang]
    # The sentence a pipe got whole before (98 and 106 columns), nothing lost.
    assert len(" ".join(lines)) == {"en": 98, "sv": 106}[lang]


# h010 of the default demo on 2026-11-25: no follow-up due by Sunday, six overdue; h004:
# one due (a table under its title), one overdue. A pipe got these lines whole before
# (82 to 102 columns); a "--handler" that does not fit goes to the next line whole.
DAY = {
    "en": {"h010": ["The working day of Mohammed Lindström (h010), 2026-11-25 — 4 working days left",
                    "this month"],
           "h010 plans": ["Plan follow-ups due by 2026-11-29: none — and 6 overdue: ekbist plans due",
                          "--handler h010"],
           "h004": ["The working day of Sanna Forsberg (h004), 2026-11-25 — 4 working days left this",
                    "month"],
           "h004 plans": ["Plan follow-ups due by 2026-11-29 (1) — and 1 overdue: ekbist plans due",
                          "--handler h004", "Case     Plan         Follow-up"]},
    "sv": {"h010": ["Arbetsdagen för Mohammed Lindström (h010), 2026-11-25 — 4 arbetsdagar kvar i",
                    "månaden"],
           "h010 plans": ["Planuppföljningar till och med 2026-11-29: inga — och 6 försenade: ekbist plans",
                          "due --handler h010"],
           # 80 columns exactly: the edge, kept on one line.
           "h004": ["Arbetsdagen för Sanna Forsberg (h004), 2026-11-25 — 4 arbetsdagar kvar i månaden",
                    ""],
           "h004 plans": ["Planuppföljningar till och med 2026-11-29 (1) — och 1 försenad: ekbist plans due",
                          "--handler h004", "Ärende   Plan             Uppföljning"]},
}


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_day_of_a_handler_wraps_its_prose_at_80_columns(demo_db, lang) -> None:
    env = procs.clean_env(EKBIST_LANG=lang)
    for handler in ("h010", "h004"):
        lines = _lines(procs.run(demo_db, "day", "--handler", handler, env=env))
        assert all(len(line) <= 80 for line in lines), [x for x in lines if len(x) > 80]
        assert lines[:2] == DAY[lang][handler]
        plans = DAY[lang][f"{handler} plans"]
        at = lines.index(plans[0])
        assert lines[at:at + len(plans)] == plans
    assert len(DAY["sv"]["h004"][0]) == 80
