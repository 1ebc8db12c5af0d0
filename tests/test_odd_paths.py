"""Odd paths are refused by their cause, and folders ekbist makes are private."""

from __future__ import annotations

import os
import stat

from helpers import procs
from helpers.procs import one_error


def test_a_store_name_too_long_for_the_folder_is_named_so(tmp_path):
    # 247 + '.db' = 250 bytes fit the folder (255) but not with '-journal' after them.
    long = tmp_path / ("a" * 247 + ".db")
    line = one_error(procs.run(long, "init"))
    assert line == (f"error: {long}: the name is too long — this folder takes names of at "
                    "most 255 bytes, with room for '-journal'")
    assert list(tmp_path.iterdir()) == []
    # Just short enough: 244 + '.db' + '-journal' = 255 bytes.
    fits = tmp_path / ("a" * 244 + ".db")
    assert procs.run(fits, "init").returncode == 0


def test_a_written_file_name_too_long_is_named_so(tmp_path):
    db = tmp_path / "unit.db"
    assert procs.run(db, "init").returncode == 0
    target = tmp_path / ("b" * 252 + ".xlsx")  # 257 bytes
    line = one_error(procs.run(db, "export", "handlers", str(target)))
    assert line == (f"error: {target}: the name is too long — this folder takes names of at "
                    "most 255 bytes")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("unit.db")) == []


def test_a_dangling_link_is_named_as_one(tmp_path):
    db = tmp_path / "unit.db"
    assert procs.run(db, "init").returncode == 0
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "gone.db")
    for args in (("init",), ("info",), ("handler", "list")):
        line = one_error(procs.run(link, *args))
        assert line == (f"error: {link} is a symbolic link to {tmp_path / 'gone.db'}, which "
                        "does not exist — give the file itself, or remove the link"), args
    out = tmp_path / "out.xlsx"
    out.symlink_to("nowhere.xlsx")
    line = one_error(procs.run(db, "export", "handlers", str(out)))
    assert "is a symbolic link to nowhere.xlsx, which does not exist" in line
    assert "File exists" not in line
    assert not (tmp_path / "gone.db").exists() and not (tmp_path / "nowhere.xlsx").exists()
    # A link to an existing store is the store.
    good = tmp_path / "good.db"
    good.symlink_to(db)
    assert procs.run(good, "info").returncode == 0


def test_folders_init_and_demo_make_are_private_whatever_the_umask(tmp_path):
    for command in (["init"], ["demo", "--households", "10", "--months", "1"]):
        top = tmp_path / command[0]
        db = top / "a" / "b" / "unit.db"
        result = procs.run(db, *command, timeout=300, preexec_fn=lambda: os.umask(0))
        assert result.returncode == 0, result.stderr
        for folder in (top, top / "a", top / "a" / "b"):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, (command, folder)
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
