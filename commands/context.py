"""What every command gets: the store path, the as-of date, a way to open the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ekbist.store import Store


def demo_note(path: Path) -> str:
    from ekbist.i18n import _

    return _("note: {path} is a demo database — its data is invented; keep the unit's real "
             "data in another file").format(path=path)


@dataclass
class Env:
    db_path: str | None
    today: date
    demo_noted: bool = False

    @property
    def path(self) -> Path:
        from ekbist.store import default_path

        return Path(self.db_path).expanduser() if self.db_path else default_path()

    def open(self, *, create: bool = False, readonly: bool = False, migrate: bool = False) -> Store:
        """Open the store for this command; it is closed when the command ends.

        Only ``init`` passes ``create`` and ``migrate``, and ``demo`` ``create``: every other
        command refuses a missing, empty, older or foreign file and leaves it as it was.
        """
        from ekbist.store import Store

        store = Store.open(self.path, create=create, readonly=readonly, migrate=migrate)
        if not readonly:
            # The store knows nothing of the calendar; whoever opens it for writing makes
            # sure its working-day index exists (a new store gets it here, on creation).
            from ekbist import working_days

            working_days.ensure_index(store)
        click.get_current_context().call_on_close(store.close)
        ctx = click.get_current_context()
        machine = ctx.params.get("fmt") in ("json", "csv")  # their readers get data only
        if not self.demo_noted and not machine and store.demo_marker() is not None:
            self.demo_noted = True
            from ekbist.commands.render import say

            say(demo_note(store.path), err=True)  # wrapped at a terminal's width
        return store


pass_env = click.make_pass_decorator(Env)
