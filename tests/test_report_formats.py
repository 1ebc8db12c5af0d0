"""One --format vocabulary for every report: table, json and md (Markdown), the older
"text" read as "table" (issue 25)."""

from __future__ import annotations

import json

from conftest import Cli


def test_the_tertial_report_as_markdown(year_demo_db) -> None:
    cli = Cli(year_demo_db)
    md = cli.ok("report", "tertial", "--year", "2026", "--tertial", "2", "--format", "md").stdout
    lines = md.splitlines()
    assert lines[0] == "# Tertial report 2 2026: prognosis as of August (tkr)"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Prognosis (tkr)", "## Key figures January–August 2026",
                        "## Adults with assistance, share of the adult population"]
    assert ("| Activity | Line | Budget | Actual YTD | Prognosis | Deviation | Method | Comment |"
            in lines)
    assert ("| Month | Households | Decided | Within 5 working days | Current plan | "
            "Active cases | Cases per FTE |") in lines
    # Eight months and the total row, each a row of the Markdown table.
    key_rows = [line for line in md.split("## Key figures")[1].split("\n## ")[0].splitlines()
                if line.startswith("| ") and not line.startswith("| Month")]
    assert len(key_rows) == 9 and key_rows[-1].startswith("| Total |")
    data = json.loads(cli.ok("report", "tertial", "--year", "2026", "--tertial", "2",
                             "--format", "json").stdout)
    decided = sum(m["decided"] for m in data["key_figures"]["months"])
    assert key_rows[-1].split(" | ")[2] == f"{decided:,}"
    # In Swedish, Swedish words and numbers.
    sv = cli.ok("report", "tertial", "--year", "2026", "--tertial", "2", "--format", "md",
                lang="sv").stdout
    assert sv.startswith("# Tertialrapport 2 2026")
    assert f"| {decided:,} |".replace(",", "\u00a0") in sv or f"| {decided:,} |".replace(
        ",", " ") in sv


def test_every_report_takes_the_same_words(year_demo_db) -> None:
    cli = Cli(year_demo_db)
    for args in (("report", "tertial", "--year", "2026", "--tertial", "1"),
                 ("report", "month", "2026", "10"), ("report", "year", "2026")):
        table = cli.ok(*args).stdout
        assert cli.ok(*args, "--format", "table").stdout == table
        assert cli.ok(*args, "--format", "text").stdout == table  # the older spelling
        assert cli.ok(*args, "--format", "md").stdout.startswith("# ")
        json.loads(cli.ok(*args, "--format", "json").stdout)
        refused = cli(*args, "--format", "markdown")
        assert refused.exit_code == 2 and "markdown" in refused.stderr


def test_the_month_sheet_as_markdown(year_demo_db) -> None:
    cli = Cli(year_demo_db)
    md = cli.ok("report", "month", "2026", "10", "--format", "md").stdout
    assert md.startswith("# Key figures October 2026\n\n## Key figures\n\n| Figure | Value |")
    assert "## Prognosis (tkr)" in md
