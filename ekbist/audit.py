"""Reading the audit trail (the rows themselves are written by the store's triggers)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import WHOLE_STORE, Store


def entries(
    store: Store, *, since: date | None = None, table: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The newest ``limit`` audit rows matching the filters, oldest first."""
    where, params = [], []
    if since:
        where.append("at >= ?")
        params.append(since.isoformat())
    if table:
        if table != WHOLE_STORE and table not in store.tables():
            raise EkbistError(_("unknown table '{table}'").format(table=table))
        where.append("tbl = ?")
        params.append(table)
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    rows = store.query(
        f"SELECT id, at, os_user, command, tbl, key, action, before, after FROM audit {clause} "
        "ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    return rows[::-1]
