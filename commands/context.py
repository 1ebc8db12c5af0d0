"""What every command gets: the store path, the as-of date, a way to open the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ekbist.store import Store


@dataclass
class Env:
    db_path: str | None
    today: date

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
        click.get_current_context().call_on_close(store.close)
        return store


pass_env = click.make_pass_decorator(Env)
