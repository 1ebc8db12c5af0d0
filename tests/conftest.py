"""Shared fixtures: a real SQLite store in a temp dir and a CLI runner bound to it."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ekbist.commands.main import root

from ekbist.i18n import set_language
from ekbist.store import Store

# The translators' tools (scripts/catalog_tools.py) are not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _english_and_isolated(monkeypatch, tmp_path):
    """Every test starts in English with no ekbist environment leaking in."""
    for var in ("EKBIST_DB", "EKBIST_TODAY", "EKBIST_LANG", "EKBIST_JOURNAL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "unit.db"


@pytest.fixture
def store(db_path: Path):
    """An empty, initialised store."""
    from ekbist import working_days

    opened = Store.open(db_path, create=True)
    working_days.ensure_index(opened)  # initialising a store means both, as `ekbist init` does
    yield opened
    opened.close()


class DemoStores:
    """Demo units built by a real ``ekbist demo`` process as of 2026-11-25, each size (and
    seed) once per session: ``demo_stores()`` is the default unit, ``demo_stores(households=60,
    months=8)`` a smaller one. Read them, or copy them to write (:func:`demo_copy`,
    :meth:`copy`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.built: dict[tuple[int | None, int | None, int | None], Path] = {}

    def __call__(self, households: int | None = None, months: int | None = None,
                 seed: int | None = None) -> Path:
        key = (households, months, seed)
        if key not in self.built:
            from helpers import procs

            args = [*(("--households", str(households)) if households else ()),
                    *(("--months", str(months)) if months else ()),
                    *(("--seed", str(seed)) if seed else ())]
            # one word to a reader of the output (demo_60x8.db): no hyphen splits it
            name = "demo.db" if not args else (f"demo_{households or 480}x{months or 24}"
                                               f"{f'_seed{seed}' if seed else ''}.db")
            self.built[key] = procs.demo_store(self.folder / name, *args)
        return self.built[key]

    def copy(self, to: Path, **size: int) -> Path:
        """A copy at ``to`` of the demo unit of ``size``, to write to."""
        import shutil

        shutil.copyfile(self(**size), to)
        return to


@pytest.fixture(scope="session")
def demo_stores(tmp_path_factory) -> DemoStores:
    return DemoStores(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_db(demo_stores: DemoStores) -> Path:
    """The default demo unit (480 households, 24 months up to November 2026): read only."""
    return demo_stores()


@pytest.fixture(scope="session")
def small_demo_db(demo_stores: DemoStores) -> Path:
    """A small demo unit (60 households, 8 months: April to November 2026): read only."""
    return demo_stores(households=60, months=8)


@pytest.fixture(scope="session")
def year_demo_db(demo_stores: DemoStores) -> Path:
    """A small demo unit over a year (60 households, 12 months: December 2025 to November
    2026): read only."""
    return demo_stores(households=60, months=12)


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the default demo unit of this test's own (``unit.db``), to write to."""
    import shutil

    copy = tmp_path / "unit.db"
    shutil.copyfile(demo_db, copy)
    return copy


class Cli:
    """Runs ``ekbist --db DB --today TODAY --lang LANG ARGS`` in-process."""

    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def __call__(
        self, *args: str, today: date | str = TODAY, lang: str = "en", input: str | None = None
    ) -> Result:
        set_language(lang)
        result = self.runner.invoke(
            root,
            ["--db", str(self.db), "--today", str(today), "--lang", lang, *map(str, args)],
            input=input,
            catch_exceptions=False,
        )
        set_language("en")
        return result

    def ok(self, *args: str, **kwargs) -> Result:
        """Run and insist on exit code 0."""
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (result.output, result.stderr)
        return result

    def add_handlers(self, *handlers: tuple[str, str, str, str, str]) -> None:
        """Add each ``(id, name, team, fte, start)`` with ``handler add``, insisting on success."""
        for handler_id, name, team, fte, start in handlers:
            self.ok("handler", "add", handler_id, "--name", name, "--team", team, "--fte", fte,
                    "--start", start)

    def fails(self, *args: str, **kwargs) -> str:
        """Run, insist on exit 1 with one 'error: …' line, and return that line."""
        result = self(*args, **kwargs)
        assert result.exit_code == 1, (result.output, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert lines and lines[-1].startswith(("error: ", "fel: ")), result.stderr
        assert "Traceback" not in result.stderr
        return lines[-1]


@pytest.fixture
def cli(db_path: Path) -> Cli:
    return Cli(db_path)


def build_unit(cli: Cli) -> Cli:
    """A small initialised unit: three handlers in two teams and four cases."""
    cli.ok("init")
    cli.add_handlers(("anna", "Anna Andersson", "intake", "1", "2025-01-01"),
                     ("bo", "Bo Berg", "investigation", "0.5", "2025-01-01"),
                     ("cia", "Cia Ceder", "investigation", "1", "2025-01-01"))
    cli.ok("case", "open", "C-1", "--handler", "bo", "--opened", "2026-01-10")
    cli.ok("case", "open", "C-2", "--handler", "bo", "--opened", "2026-03-01", "--children", "2")
    cli.ok("case", "open", "C-3", "--handler", "cia", "--opened", "2026-05-04", "--homeless")
    cli.ok("case", "open", "C-4", "--handler", "anna", "--opened", "2026-11-02")
    return cli


@pytest.fixture
def unit(cli: Cli) -> Cli:
    """The small unit of ``build_unit``."""
    return build_unit(cli)


@pytest.fixture
def unit_store(unit: Cli):
    """The small unit of ``build_unit`` (anna, bo, cia; cases C-1 … C-4), opened through the
    library."""
    opened = Store.open(unit.db)
    yield opened
    opened.close()


def fill_budget_and_actuals(store: Store) -> None:
    """A 2026 budget and three months' actuals for two activities, as the prognosis tests use.

    Budget (kr): Ekonomiskt bistånd/handläggning: Bidrag 1 500 000, Personalkostnader
    16 800 000, Övriga kostnader 44 400 000; Arbetsmarknad: Bidrag 2 520 000,
    Personalkostnader 6 060 000. Actuals each month January to March: 125 500,
    1 400 000, 3 700 500; 210 000, 505 000.
    """
    from ekbist import budget

    assistance, labour = "Ekonomiskt bistånd/handläggning", "Arbetsmarknad"
    for activity, line, amount in [
        (assistance, "Bidrag", 1_500_000), (assistance, "Personalkostnader", 16_800_000),
        (assistance, "Övriga kostnader", 44_400_000), (labour, "Bidrag", 2_520_000),
        (labour, "Personalkostnader", 6_060_000),
    ]:
        budget.set_budget(store, 2026, activity, line, amount)
    for month in (1, 2, 3):
        budget.set_actual(store, 2026, month, assistance, "Bidrag", 125_500)
        budget.set_actual(store, 2026, month, assistance, "Personalkostnader", 1_400_000)
        budget.set_actual(store, 2026, month, assistance, "Övriga kostnader", 3_700_500)
        budget.set_actual(store, 2026, month, labour, "Bidrag", 210_000)
        budget.set_actual(store, 2026, month, labour, "Personalkostnader", 505_000)


@pytest.fixture
def march_prognosis(store: Store) -> Store:
    """The store of ``fill_budget_and_actuals`` with the prognosis made after March 2026
    saved on 7 April, with one comment on the assistance unit's other costs."""
    from ekbist import prognosis

    fill_budget_and_actuals(store)
    result = prognosis.make(store, 2026, 3, today=TODAY,
                            comments=[("Ekonomiskt bistånd/handläggning:Övriga kostnader",
                                       "Fler hushåll")])
    prognosis.save(store, result, today=date(2026, 4, 7))
    return store


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a missing LibreOffice is a failure, not a skip: CI installs it (.ci/run)."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI", "").lower() == "true":
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if "LibreOffice" in reason:
            report.outcome = "failed"
            report.longrepr = f"LibreOffice is required under CI=true: {reason}"
