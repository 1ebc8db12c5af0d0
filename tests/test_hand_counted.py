"""Figures counted by hand on a tiny unit, where other tests compare one command with another."""

from __future__ import annotations

import json


def test_tertial_cases_per_fte_counted_by_hand(cli) -> None:
    cli.ok("init")
    cli.add_handlers(("anna", "Anna A", "intake", "1", "2026-01-01"),
                     ("bo", "Bo B", "investigation", "0.5", "2026-01-01"),
                     # Cia starts after the tertial: never counted in it.
                     ("cia", "Cia C", "investigation", "1", "2026-05-01"))
    cli.ok("case", "open", "C-1", "--handler", "bo", "--opened", "2026-01-10")
    cli.ok("case", "open", "C-2", "--handler", "bo", "--opened", "2026-03-01")
    cli.ok("case", "open", "C-3", "--handler", "anna", "--opened", "2026-04-30")
    cli.ok("case", "open", "C-5", "--handler", "anna", "--opened", "2026-02-01")
    cli.ok("case", "close", "C-5", "--date", "2026-03-31", "--reason", "arbete")
    cli.ok("budget", "set", "2026", "Ekonomiskt bistånd/handläggning", "Personalkostnader", "1200000")
    cli.ok("actuals", "set", "2026", "4", "Ekonomiskt bistånd/handläggning", "Personalkostnader",
           "100000")
    data = json.loads(cli.ok("report", "tertial", "--tertial", "1", "--year", "2026",
                             "--format", "json").output)
    months = data["key_figures"]["months"]
    # Month ends, FTE 1 + 0.5 = 1.5 throughout (Cia starts in May):
    #   January  C-1                     1 case  → 1 ÷ 1.5 = 0.67
    #   February C-1, C-5                2 cases → 1.33
    #   March    C-1, C-2 (C-5 closed on the 31st, no longer active) → 1.33
    #   April    C-1, C-2, C-3 (opened on the 30th)                   → 3 ÷ 1.5 = 2.0
    assert [(m["active_cases"], m["fte"], m["cases_per_fte"]) for m in months] == [
        (1, 1.5, 0.67), (2, 1.5, 1.33), (2, 1.5, 1.33), (3, 1.5, 2.0)]
    assert data["key_figures"]["cases_per_fte"] == 2.0
    # Per team at the end of April: intake C-3 on 1 FTE, investigation C-1 and C-2 on 0.5 FTE.
    assert data["key_figures"]["teams"] == [
        {"team": "intake", "active": 1, "fte": 1.0, "mean_per_fte": 1.0},
        {"team": "investigation", "active": 2, "fte": 0.5, "mean_per_fte": 4.0},
    ]
