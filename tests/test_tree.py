"""The repository holds source: no binary package, archive or large file is tracked."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1024 * 1024
# Binary on purpose, and small: the compiled catalogs (the installed package reads them) and
# the real workbooks the import tests read (tests/fixtures/make_*.py writes most of them).
ALLOWED_BINARY = {"ekbist/locale/": (".mo",), "tests/fixtures/": (".xlsx", ".xls", ".ods")}


def tracked() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.decode().split("\0") if name]


def is_binary(path: Path) -> bool:
    head = path.read_bytes()[:8192]
    return b"\0" in head


def allowed(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return any(rel.startswith(folder) and rel.endswith(suffixes) for folder, suffixes in ALLOWED_BINARY.items())


def test_no_tracked_binary_or_large_file():
    offenders = []
    for path in tracked():
        if not path.is_file():
            continue
        if path.stat().st_size > LIMIT or (is_binary(path) and not allowed(path)):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == [], f"binary or over 1 MB: {offenders}"


def test_the_check_notices_a_wheel(tmp_path):
    wheel = tmp_path / "x.whl"
    wheel.write_bytes(b"PK\x03\x04\0\0binary")
    assert is_binary(wheel)
    mo = ROOT / "ekbist/locale/sv/LC_MESSAGES/core.mo"
    assert allowed(mo)
    assert not allowed(ROOT / "click-8.5.1-py3-none-any.whl")


def test_gitignore_covers_packages_and_caches():
    ignored = (ROOT / ".gitignore").read_text().split()
    for pattern in ("*.whl", "*.tar.gz", ".pytest_cache/", ".hypothesis/", ".ruff_cache/", "mutants/"):
        assert pattern in ignored
