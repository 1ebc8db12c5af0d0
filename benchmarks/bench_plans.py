"""Plans benchmarks on the city-scale demo: ``plans due``, ``plans missing``, ``plans coverage``
(one day and 60 month-ends), each timed as a whole process (median of several runs)."""

from __future__ import annotations

from pathlib import Path

import timing

TODAY = "2026-11-25"


def run(city_db: Path, workdir: Path) -> list[dict]:
    db, base = timing.city_command(city_db, workdir, TODAY)
    cases = [
        ("plans due", ["plans", "due"], 0.5, 11),
        ("plans due --format json", ["plans", "due", "--format", "json"], 0.5, 11),
        ("plans missing", ["plans", "missing"], 0.5, 11),
        ("plans coverage", ["plans", "coverage"], 0.5, 11),
        ("plans coverage --by handler", ["plans", "coverage", "--by", "handler"], 0.5, 11),
        ("plans coverage --monthly (60 months)",
         ["plans", "coverage", "--monthly", "--from", "2021-12", "--to", "2026-11"], 2.0, 7),
        ("plans coverage --monthly --by handler (60 months)",
         ["plans", "coverage", "--monthly", "--from", "2021-12", "--to", "2026-11", "--by",
          "handler"], 2.0, 5),
    ]
    rows = timing.timed_rows(base, cases)
    xlsx = workdir / "coverage.xlsx"
    seconds = timing.seconds([*base, "plans", "coverage", "--monthly", "--from", "2021-12", "--to",
                              "2026-11", "--xlsx", str(xlsx)])
    rows.append({"name": "plans coverage --monthly --xlsx (60 months, with chart)",
                 "seconds": seconds, "goal": "<= 3 s", "ok": seconds <= 3})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
