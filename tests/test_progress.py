"""Progress for long commands: on a terminal, on stderr, gone when done; never on a pipe or in JSON."""

from __future__ import annotations

from pathlib import Path

from helpers import procs


def raw_terminal(args: list[str], db: Path) -> str:
    code, text = procs.on_terminal(args, procs.terminal_env(db))
    assert code == 0, text
    return text


def test_export_and_import_show_progress_on_a_terminal(small_demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "enhet.xlsx"
    text = raw_terminal(["export", "all", str(target)], small_demo_db)
    assert "Writing enhet.xlsx" in text  # the bar was drawn …
    tail = text[text.rindex("Wrote "):]  # the last thing shown (wrapped at the terminal's width)
    assert tail.startswith(f"Wrote {target}:") and "━" not in tail  # … and cleared
    text = raw_terminal(["import", str(target), "--dry-run"], small_demo_db)
    assert "Importing enhet.xlsx" in text and "Dry run of" in text


def test_no_progress_on_a_pipe_or_in_json(small_demo_db: Path, tmp_path: Path) -> None:
    env = procs.clean_env(EKBIST_DB=str(small_demo_db))
    target = tmp_path / "e.xlsx"
    done = procs.run(None, "export", "all", str(target), env=env)
    # The one line on stderr is the note that this is a demo store, no bar.
    assert done.returncode == 0 and done.stderr.count("\n") == 1 and "demo database" in done.stderr
    assert done.stdout.startswith(f"Wrote {target}:")
    done = procs.run(None, "import", str(target), "--dry-run", "--format", "json", env=env)
    assert done.returncode == 0 and done.stderr == "" and done.stdout.startswith("{")
    text = raw_terminal(["import", str(target), "--dry-run", "--format", "json"], small_demo_db)
    assert "Importing" not in text


def test_library_reports_progress(small_demo_db: Path, tmp_path: Path) -> None:
    from datetime import date

    from ekbist.sheet_import import import_file
    from ekbist.sheets.exporter import export
    from ekbist.sheets.importer import IMPORT_STEPS
    from ekbist.store import Store

    calls: list[tuple[int, int]] = []
    with Store.open(small_demo_db, readonly=True, migrate=False) as store:
        written = export(store, "all", tmp_path / "a.xlsx", today=date(2026, 11, 25),
                         progress=lambda done, total: calls.append((done, total)))
        rows = sum(w["rows"] for w in written)
        assert calls[-1] == (rows, rows) and all(total == rows for _, total in calls)
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)
        steps: list[tuple[int, int]] = []
        import_file(store, tmp_path / "a.xlsx", today=date(2026, 11, 25), dry_run=True,
                    progress=lambda step, total, **counts: steps.append((step, total)))
    # Every step in order (step 0 once more after each sheet piece read, with its row count).
    assert sorted(set(steps)) == [(i, IMPORT_STEPS) for i in range(IMPORT_STEPS)]
    assert [step for step, _total in steps] == sorted(step for step, _total in steps)
