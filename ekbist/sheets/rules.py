"""Import rules a declaration cannot express, declared in code by kind in :data:`RULES`.

- :class:`CaseHistory` (kind assignments): the Cases sheet carries each case's
  current handler and the Assignments sheet its history. A new case without
  history rows gets its handler from the day it opened; an existing case whose
  handler differs (and has no history rows in the file) is handed over from
  today — the previous period ends today, as ``ekbist case assign`` does. The
  merged history of every case touched must not overlap, must not start before
  the case opened, and must end with the handler the Cases sheet names. After
  the history changes, the derived ``application.handler`` of the cases touched
  is recomputed in SQL (the handler on the day the clock started).
- :class:`Settings`: keys must be known settings, values are checked and
  normalised by :mod:`ekbist.settings`; a row equal to the value in force
  (including an unchanged default) changes nothing.
- :class:`ClosedDays`: closing a day changes the working-day index, so it is
  rebuilt in the same transaction.

The rules of the targets and outcomes sheets need the reports' figures, a floor above
the sheets: they are in :mod:`ekbist.reports.target_rows`, and :mod:`ekbist.sheet_import`
hands both tables to the importer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ekbist.day_conditions import handler_of_case
from ekbist.i18n import N_, _
from ekbist.number_text import parse_number
from ekbist.sheets.import_context import Context, Rules
from ekbist.store import Store

# The case's handler on the day the clock started (completed, else received); the same
# rule as the applications declaration's [write] handler (both ask day_conditions), over
# stored applications.
APPLICATION_HANDLER = handler_of_case(
    "application.case_id", "coalesce(application.completed, application.received)")


@dataclass
class Period:
    handler: str
    from_date: str
    to_date: str | None
    origin: str            # 'store', 'file' or 'implied'
    position: int | None   # record in the assignments batch (file) or cases batch (implied)
    stored_id: int | None = None


class CaseHistory(Rules):
    """Cases' current handler and assignment history, merged and checked as one."""

    reads = ("cases",)
    # Why a report of parts cannot bring cases (ekbist.sheet_import.refuse_parts).
    reads_whole = N_("the assignments' history is checked against every case row whole")

    def check(self, ctx: Context) -> None:
        cases = ctx.batches.get("cases")
        history = ctx.batches.get("assignments")
        ops: dict[str, list] = {"inserts": [], "updates": [], "changed_cases": set()}
        ctx.state["case_history"] = ops
        if not cases and not history:
            return
        store = ctx.store
        touched = 'SELECT id FROM temp."sheet_cases" UNION SELECT "case" FROM temp."sheet_assignments"'
        periods: dict[str, dict[str, Period]] = {}
        for row in store.query(
            f"SELECT id, case_id, handler, from_date, to_date FROM assignment "
            f"WHERE case_id IN ({touched}) AND (to_date IS NULL OR to_date > from_date) "
            "ORDER BY case_id, from_date, id"
        ):
            periods.setdefault(row["case_id"], {})[row["from_date"]] = Period(
                row["handler"], row["from_date"], row["to_date"], "store", None, row["id"])
        case_dates = {r["id"]: (r["opened"], r["closed"]) for r in store.query(
            f"SELECT id, opened, closed FROM cases WHERE id IN ({touched})")}
        # Cases whose history rows in the file differ from the store: their Cases row must
        # agree with that history. Unchanged history rows (an edited export) do not bind.
        in_history: set[str] = set()
        if history:
            # The temp table's rowid is the batch position + 1 (rows are loaded in order).
            status = dict(store.tuples(
                'SELECT rowid - 1, _status FROM temp."sheet_assignments"').fetchall())
            v = history.values
            for i in range(len(history)):
                case, start = v["case"][i], v["from_date"][i]
                if case is None or start is None:
                    continue
                if status.get(i) != "same":
                    in_history.add(case)
                stored = periods.setdefault(case, {}).get(start)
                periods[case][start] = Period(v["handler"][i], start, v["to_date"][i], "file", i,
                                              stored.stored_id if stored else None)
        case_rows: dict[str, int] = {}
        if cases:
            v = cases.values
            for i in range(len(cases)):
                case = v["id"][i]
                case_rows[case] = i
                case_dates[case] = (v["opened"][i], v["closed"][i])
                self._current_handler(ctx, ops, periods, in_history, case, i, v["handler"][i])
        for case, by_start in periods.items():
            self._check_case(ctx, case, sorted(by_start.values(), key=lambda p: p.from_date),
                             case_dates.get(case, (None, None))[0], case_rows.get(case))
        if history:
            ops["changed_cases"].update(
                r["c"] for r in store.query(
                    'SELECT DISTINCT "case" AS c FROM temp."sheet_assignments" '
                    "WHERE _status IN ('added', 'changed')"))

    def _current_handler(self, ctx: Context, ops: dict, periods: dict, in_history: set,
                         case: str, i: int, handler: str | None) -> None:
        by_start = periods.setdefault(case, {})
        if handler is None:
            if not by_start and (i, "handler") not in self._bad(ctx):
                ctx.problem("cases", i, "handler", None, _("a new case needs its first handler"))
            return
        ordered = sorted(by_start.values(), key=lambda p: p.from_date)
        if case in in_history:
            if ordered and ordered[-1].handler != handler:
                ctx.problem("cases", i, "handler", handler,
                            _("the assignments sheet, changed in this file, gives '{handler}' as the "
                              "latest handler — give the change of handler there").format(
                                handler=ordered[-1].handler))
            return
        opened, closed = ctx.batches["cases"].values["opened"][i], ctx.batches["cases"].values["closed"][i]
        if not ordered:
            if opened:
                by_start[opened] = Period(handler, opened, None, "implied", i)
                ops["inserts"].append((case, handler, opened, None, i))
                ops["changed_cases"].add(case)
            return
        last = ordered[-1]
        if last.handler == handler:
            return
        today = ctx.today.isoformat()
        if closed and closed <= today:
            ctx.problem("cases", i, "handler", handler,
                        _("the case is closed — give a closed case's handlers on the assignments sheet"))
            return
        if last.from_date > today:
            ctx.problem("cases", i, "handler", handler, _(
                "the current handler's period starts {date}, after today").format(date=last.from_date))
            return
        ops["changed_cases"].add(case)
        if last.from_date == today:
            ops["updates"].append(("handler", handler, last.stored_id, case, last.from_date, last.handler, i))
            last.handler = handler
            last.origin = "implied"
            last.position = i
            return
        if last.to_date is None:
            ops["updates"].append(("to_date", today, last.stored_id, case, last.from_date, None, i))
            last.to_date = today
        by_start[today] = Period(handler, today, None, "implied", i)
        ops["inserts"].append((case, handler, today, None, i))

    def _bad(self, ctx: Context) -> set[tuple[int, str]]:
        """(position, column) of cases cells that could not be read at all (computed once)."""
        if getattr(self, "_bad_cells", None) is None:
            cases = ctx.batches["cases"]
            positions = {origin: i for i, origin in enumerate(cases.origin)}
            self._bad_cells = {(positions[(src, local)], key) for src, local, key in ctx.bad_cells
                               if (src, local) in positions}
        return self._bad_cells

    def _check_case(self, ctx: Context, case: str, ordered: list[Period], opened: str | None,
                    case_row: int | None) -> None:
        def blame(period: Period, key: str, value: Any, reason: str) -> bool:
            if period.origin == "file":
                ctx.problem("assignments", period.position, key, value, reason)
                return True
            if period.origin == "implied":
                ctx.problem("cases", period.position, "handler", period.handler, reason)
                return True
            return False

        if ordered and opened and ordered[0].from_date < opened:
            first = ordered[0]
            reason = _("the handler period starts before the case was opened ({date})").format(date=opened)
            if not blame(first, "from_date", first.from_date, reason) and case_row is not None:
                ctx.problem("cases", case_row, "opened", opened, _(
                    "the case's first handler period starts earlier ({date})").format(date=first.from_date))
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.to_date is None or a.to_date > b.from_date:
                reason = _("overlaps the period of '{handler}' from {date}")
                if not blame(b, "from_date", b.from_date, reason.format(handler=a.handler, date=a.from_date)):
                    blame(a, "to_date", a.to_date, reason.format(handler=b.handler, date=b.from_date))

    def report(self, ctx: Context) -> None:
        ops = ctx.state.get("case_history")
        if not ops or not (ops["inserts"] or ops["updates"]):
            return
        report = ctx.report.kind("assignments")
        report.added += len(ops["inserts"])
        for case, handler, start, _end, _i in ops["inserts"]:
            if len(report.added_keys) < 20:
                report.added_keys.append({"case": case, "from_date": start, "handler": handler})
        cases = ctx.batches["cases"]
        for field, new, _stored_id, case, start, old, i in ops["updates"]:
            src, local = cases.origin[i]
            _order, where = ctx.sources[src].cell(local, "handler")
            report.changes.append({"key": {"case": case, "from_date": start}, "cell": where,
                                   "fields": {field: {"old": old, "new": new}}})

    def write(self, ctx: Context) -> None:
        ops = ctx.state.get("case_history")
        if not ops:
            return
        store = ctx.store
        for field in sorted({update[0] for update in ops["updates"]}):
            store.executemany(
                f'UPDATE assignment SET "{field}" = ? WHERE id = ?',
                [(new, stored_id) for name, new, stored_id, *_rest in ops["updates"] if name == field],
            )
        store.executemany(
            "INSERT INTO assignment (case_id, handler, from_date, to_date) VALUES (?, ?, ?, ?)",
            [(case, handler, start, end) for case, handler, start, end, _i in ops["inserts"]],
        )
        if ops["changed_cases"]:
            store.execute("CREATE TEMP TABLE IF NOT EXISTS sheet_changed_cases (id TEXT PRIMARY KEY)")
            store.execute("DELETE FROM temp.sheet_changed_cases")
            store.executemany("INSERT OR IGNORE INTO temp.sheet_changed_cases VALUES (?)",
                              [(c,) for c in ops["changed_cases"]])
            store.execute(
                f"UPDATE application SET handler = {APPLICATION_HANDLER} "
                "WHERE case_id IN (SELECT id FROM temp.sheet_changed_cases) "
                f"AND handler IS NOT {APPLICATION_HANDLER}"
            )
            store.execute("DROP TABLE temp.sheet_changed_cases")


class Settings(Rules):
    """Settings are checked by ekbist.settings; a row equal to the value in force is a no-op."""

    def prepare(self, ctx: Context) -> None:
        from ekbist import settings
        from ekbist.errors import EkbistError

        batch = ctx.batches.get("settings")
        if not batch:
            return
        stored = {r["key"]: r["value"] for r in ctx.store.query("SELECT key, value FROM settings")}
        keep: list[int] = []
        keys, values = batch.values["key"], batch.values["value"]
        for i, (key, text) in enumerate(zip(keys, values, strict=True)):
            if key is None or text is None:
                continue
            setting = settings.SETTINGS.get(key)
            if setting is None:
                ctx.problem("settings", i, "key", key, _("unknown setting (known: {keys})").format(
                    keys=", ".join(settings.SETTINGS)))
                continue
            raw = text
            if setting.type is not str:
                number = parse_number(text.rstrip().rstrip("%"))
                raw = text if number is None else str(number)
            try:
                value = settings.parse_value(key, raw)
            except EkbistError as exc:
                ctx.problem("settings", i, "value", text, str(exc))
                continue
            values[i] = str(value)
            in_force = settings.parse_value(key, stored[key]) if key in stored else setting.default
            if key not in stored and value == in_force:
                ctx.report.kind("settings").unchanged += 1
                continue
            keep.append(i)
        for column in batch.values:
            batch.values[column] = [batch.values[column][i] for i in keep]
        batch.origin = [batch.origin[i] for i in keep]


def settings_rows(store: Store, *, date_from: date | None = None, date_to: date | None = None,
                  today: date | None = None) -> list[dict[str, Any]]:
    """Every setting with the value in force, its default and what it controls (export)."""
    from ekbist import settings

    return [
        {"key": row["key"], "value": row["value"], "default": row["default"], "help": _(row["help"])}
        for row in settings.all_settings(store)
    ]


class ClosedDays(Rules):
    """Closed days must lie in the calendar; any change rebuilds the working-day index."""

    def prepare(self, ctx: Context) -> None:
        from ekbist.working_days import FIRST_DAY, LAST_DAY

        batch = ctx.batches.get("closed_days")
        if not batch:
            return
        for i, day in enumerate(batch.values["day"]):
            if day and not FIRST_DAY.isoformat() <= day <= LAST_DAY.isoformat():
                ctx.problem("closed_days", i, "day", day, _(
                    "outside the calendar ({first} to {last})").format(
                    first=FIRST_DAY.year, last=LAST_DAY.year))

    def write(self, ctx: Context) -> None:
        from ekbist import working_days

        report = ctx.report.kinds.get("closed_days")
        if report and (report.added or report.changed):
            working_days.rebuild_index(ctx.store)


# The kinds whose import runs rules of this module, by kind name (schemas/sheets/<kind>.toml).
RULES: dict[str, type[Rules]] = {
    "assignments": CaseHistory,
    "closed_days": ClosedDays,
    "settings": Settings,
}
