"""A demo store knows it is one, says so, and never becomes the unit's store unseen."""

from __future__ import annotations

import json

from helpers.procs import clean_env, run


def test_a_demo_store_says_so_on_stderr_only(tmp_path):
    db = tmp_path / "demo.db"
    made = run(db, "demo", "--households", "20", "--months", "3")
    assert made.returncode == 0 and made.stderr == ""
    note = (f"note: {db} is a demo database — its data is invented; keep the unit's real data "
            "in another file\n")
    listing = run(db, "handler", "list")
    assert listing.returncode == 0 and listing.stderr == note
    # Machine formats carry data only: no note to confuse a reader of JSON or CSV.
    as_json = run(db, "handler", "list", "--format", "json")
    assert as_json.stderr == "" and json.loads(as_json.stdout)
    assert run(db, "handler", "list", "--format", "csv").stderr == ""
    # A real store says nothing.
    real = tmp_path / "real.db"
    assert run(real, "init").stderr == ""
    assert run(real, "handler", "list").stderr == ""


def test_init_on_a_demo_store_says_how_to_start_clean(tmp_path):
    db = tmp_path / "demo.db"
    assert run(db, "demo", "--households", "20", "--months", "3").returncode == 0
    result = run(db, "init")
    assert result.returncode == 0
    assert result.stderr.startswith(f"warning: {db} is a demo database made by 'ekbist demo'")
    assert "'ekbist --db NEW-FILE.db init'" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_demo_writes_only_a_new_file_and_never_the_default_store(tmp_path):
    real = tmp_path / "real.db"
    assert run(real, "init").returncode == 0
    refused = run(real, "demo", "--households", "20", "--months", "3")
    assert refused.returncode == 1
    assert refused.stderr == (f"error: {real} exists already — the demo writes only a new "
                              "database; give another file, e.g. ekbist --db demo.db demo\n")
    xdg = tmp_path / "xdg"
    default = run(None, "demo", "--households", "20", "--months", "3",
                  env=clean_env(XDG_DATA_HOME=str(xdg)))
    assert default.returncode == 1
    assert default.stderr.startswith("error: give the demo a file of its own: ekbist --db demo.db "
                                     "demo (the default database ")
    assert not xdg.exists()
    # An empty file (made for it) is fine, and becomes private.
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert run(empty, "demo", "--households", "20", "--months", "3").returncode == 0
