"""Year and month report benchmarks on the city-scale demo (about 1.3 million applications).

``report year 2025`` (every part of the annual report's figure section and the target
table; goal: median <= 2 s) and ``report month 2026 10`` (the one-page sheet; goal:
median <= 1 s), each timed as a whole process; the Markdown form and the workbook for
reference; beside them, measured in the same run, the floors: ``ekbist --version`` and the
key figures' bare SQL (see bench_indicators). The city store is copied and brought to the current schema first; a store
built before targets existed gets a handful of targets so the target table is judged, and
a store without goals a small goal hierarchy (a city goal, a board goal, a unit goal with
an activity, a verdict and the municipal-jobs target under it) so the report opens with it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import timing

TODAY = "2026-11-25"


def _prepare(city_db: Path, workdir: Path) -> list[str]:
    """The command line on a private copy of the city store, with targets for 2025."""
    _, base = timing.city_command(city_db, workdir, TODAY, "city-reports.db")
    listed = subprocess.run([*base, "target", "list", "2025", "--format", "json"], check=True,
                            capture_output=True, text=True).stdout
    if listed.strip() == "[]":
        for args in (["sick_leave", "4.4"], ["plan_coverage", "50"],
                     ["share_decided_in_time", "85"], ["budget_result", "0"],
                     ["municipal_jobs", "22", "--label", "Kommunala visstidsanställningar"]):
            subprocess.run([*base, "target", "set", "2025", *args], check=True,
                           stdout=subprocess.DEVNULL)
    goals = subprocess.run([*base, "goal", "list", "2025", "--format", "json"], check=True,
                           capture_output=True, text=True).stdout
    if '"goals": []' in goals:
        for args in (["set", "2025", "kf3", "--level", "city", "--wording",
                      "3. Ett ekonomiskt hållbart Stockholm"],
                     ["set", "2025", "n3", "--level", "board", "--parent", "kf3", "--wording",
                      "Andelen av befolkningen som behöver ekonomiskt bistånd ska minska"],
                     ["set", "2025", "e4", "--level", "unit", "--parent", "n3", "--wording",
                      "Den enskilde får stöd som kan leda till egen försörjning."],
                     ["activity", "2025", "e4", "Stockholmsjobb", "--status", "done"],
                     ["judge", "2025", "e4", "delvis", "--reason", "Färre jobb än målet."]):
            subprocess.run([*base, "goal", *args], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*base, "target", "set", "2025", "municipal_jobs", "22", "--goal", "e4"],
                       check=True, stdout=subprocess.DEVNULL)
    return base


def run(city_db: Path, workdir: Path) -> list[dict]:
    base = _prepare(city_db, workdir)
    cases = [
        ("report year 2025", ["report", "year", "2025"], 2.0, 5),
        ("report year 2025 --format md", ["report", "year", "2025", "--format", "md"], 2.0, 5),
        ("report year 2026 (in progress)", ["report", "year", "2026"], 2.0, 5),
        ("report month 2026 10", ["report", "month", "2026", "10"], 1.0, 7),
        ("report month 2026 10 --format json",
         ["report", "month", "2026", "10", "--format", "json"], 1.0, 7),
    ]
    rows = timing.timed_rows(base, cases, cpu=True)
    from bench_indicators import floors

    rows += floors(Path(base[2]), 2025)
    xlsx = workdir / "year.xlsx"
    xlsx.unlink(missing_ok=True)
    seconds = timing.seconds([*base, "report", "year", "2025", "--xlsx", str(xlsx)])
    rows.append({"name": "report year 2025 --xlsx (9 sheets, 2 charts)", "seconds": seconds,
                 "goal": "<= 3 s", "ok": seconds <= 3})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
