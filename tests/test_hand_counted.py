"""Figures counted by hand on a tiny unit, where other tests compare one command with another."""

from __future__ import annotations

import json


def tiny_unit(cli, handlers: list[tuple[str, ...]], cases: list[tuple[str, str, str]],
              closed: list[tuple[str, str]], actuals_month: int) -> None:
    """A new store with ``handlers``, ``cases`` (id, handler, opened) of which ``closed``
    (id, day) are closed, and the 2026 staff budget with one month's actuals: enough for
    the month, tertial and year reports to run."""
    cli.ok("init")
    cli.add_handlers(*handlers)
    for case, handler, opened in cases:
        cli.ok("case", "open", case, "--handler", handler, "--opened", opened)
    for case, day in closed:
        cli.ok("case", "close", case, "--date", day, "--reason", "arbete")
    cli.ok("budget", "set", "2026", "Ekonomiskt bistånd/handläggning", "Personalkostnader", "1200000")
    cli.ok("actuals", "set", "2026", str(actuals_month), "Ekonomiskt bistånd/handläggning",
           "Personalkostnader", "100000")


def test_tertial_cases_per_fte_counted_by_hand(cli) -> None:
    tiny_unit(cli,
              [("anna", "Anna A", "intake", "1", "2026-01-01"),
               ("bo", "Bo B", "investigation", "0.5", "2026-01-01"),
               # Cia starts after the tertial: never counted in it.
               ("cia", "Cia C", "investigation", "1", "2026-05-01")],
              [("C-1", "bo", "2026-01-10"), ("C-2", "bo", "2026-03-01"),
               ("C-3", "anna", "2026-04-30"), ("C-5", "anna", "2026-02-01")],
              closed=[("C-5", "2026-03-31")], actuals_month=4)
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


def test_an_uncovered_case_is_an_active_case_in_every_report(cli) -> None:
    """The month, tertial and year reports count every active case, its handler at work or not."""
    tiny_unit(cli,
              [("anna", "Anna A", "intake", "1", "2026-01-01"),
               ("bo", "Bo B", "investigation", "0.5", "2026-01-01"),
               ("cia", "Cia C", "investigation", "1", "2026-01-01"),
               ("dan", "Dan D", "intake", "1", "2026-01-01")],
              [("C-1", "anna", "2026-08-03"), ("C-2", "bo", "2026-08-04"),
               ("C-3", "cia", "2026-08-05"), ("C-4", "dan", "2026-08-06"),
               ("C-5", "anna", "2026-08-07"), ("C-6", "bo", "2026-09-01")],
              closed=[("C-5", "2026-08-31")], actuals_month=8)
    # Cia is away over the month's end (the absence's last day is inclusive) ...
    cli.ok("handler", "away", "cia", "--from", "2026-08-20", "--to", "2026-09-10",
           "--kind", "vacation")
    # ... and Dan's first day gone is the 31st itself.
    cli.ok("handler", "leave", "dan", "--date", "2026-08-31")
    # On 31 August: C-1 (Anna), C-2 (Bo), C-3 (Cia, away) and C-4 (Dan, gone) are active: 4 cases,
    # two of them uncovered. C-5 closed on the 31st and C-6 opens in September: not counted.
    # FTE at work: Anna 1 + Bo 0.5 = 1.5 (Cia is away, Dan gone), so 4 ÷ 1.5 = 2.67 per FTE.
    month = json.loads(cli.ok("report", "month", "2026", "8", "--format", "json").output)
    assert (month["active_cases"], month["fte"], month["cases_per_fte"]) == (4, 1.5, 2.7)
    tertial = json.loads(cli.ok("report", "tertial", "--tertial", "2", "--year", "2026",
                                "--format", "json").output)
    august = tertial["key_figures"]["months"][-1]
    assert (august["month"], august["active_cases"], august["fte"], august["cases_per_fte"]) == (
        "2026-08", 4, 1.5, 2.67)
    year = json.loads(cli.ok("report", "year", "2026", "--format", "json").output)
    by_month = {m["month"]: m for m in year["caseload"]["months"]}
    assert (by_month["2026-08"]["active_cases"], by_month["2026-08"]["cases_per_fte"]) == (4, 2.67)
    # In July no case was open yet. On 30 September C-6 has come and Cia is back (her absence
    # ended on the 10th), Dan still gone: C-1, C-2, C-3, C-4, C-6 = 5 on 1 + 0.5 + 1 = 2.5 FTE.
    assert (by_month["2026-07"]["active_cases"], by_month["2026-07"]["cases_per_fte"]) == (0, 0.0)
    assert (by_month["2026-09"]["active_cases"], by_month["2026-09"]["cases_per_fte"]) == (5, 2.0)
    # The caseload itself still keeps the uncovered cases apart from the team's figures.
    load = json.loads(cli.ok("caseload", "--as-of", "2026-08-31", "--format", "json").output)
    assert sorted(load["unassigned"]) == ["C-3", "C-4"]
    assert sum(t["active"] for t in load["teams"]) == 2
