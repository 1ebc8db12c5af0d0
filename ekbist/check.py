"""The morning check (``ekbist check``): one verdict on what needs the chief's attention today.

A scheduled job runs the check every working morning and mails the chief only
when something needs attention, so the check must agree with the commands the
chief would run to look closer. It therefore owns no rule of its own: every
finding comes from the public functions of the area that defines the rule
(:mod:`ekbist.handling_time`, :mod:`ekbist.plans`, :mod:`ekbist.caseload`,
:mod:`ekbist.prognosis`); this module only grades what they return, words it,
and sums it up. The one rule written here is when last month's prognosis is due
(working day ``budget.prognosis_due_workday`` of the month), which no other
area needs.

Everything is read in one snapshot (a read transaction), so a check that runs
while an import writes sees the store either before or after the import, never
half of it; in WAL mode the snapshot never waits on the writer. The check never
writes: the command opens the store read-only without migrating it.

The verdict follows the monitoring-plugin convention: OK, WARNING, CRITICAL, or
UNKNOWN when the check itself could not run.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from typing import Any

from ekbist import codes, settings
from ekbist.errors import EkbistError
from ekbist.exit_status import CheckExit
from ekbist.i18n import _, language, ngettext
from ekbist.number_text import format_fixed, format_percent
from ekbist.store import Store

# The checks in the order they run; their Swedish names are in ekbist.codes (--only takes both).
CHECKS = tuple(codes.CHECKS)


def check_name(name: str) -> str:
    """A check's name as the user types it in the active language."""
    return codes.swedish("check", name) if language() == "sv" else name


def check_names(names: Iterable[str] = CHECKS) -> str:
    return ", ".join(check_name(n) for n in names)

CRITICAL = "critical"
WARNING = "warning"
SEVERITIES = (CRITICAL, WARNING)

OK, STATUS_WARNING, STATUS_CRITICAL, UNKNOWN = "OK", "WARNING", "CRITICAL", "UNKNOWN"
EXIT_CODES = {OK: CheckExit.OK, STATUS_WARNING: CheckExit.WARNING,
              STATUS_CRITICAL: CheckExit.CRITICAL, UNKNOWN: CheckExit.UNKNOWN}

# Every kind of finding, in the order the summary line names them: criticals first.
KINDS: dict[str, tuple[str, str]] = {
    "application_overdue": ("handling-time", CRITICAL),
    "handler_left": ("caseload", CRITICAL),
    "no_handler": ("caseload", CRITICAL),
    "violence_overdue": ("contacts", CRITICAL),
    "application_due_today": ("handling-time", WARNING),
    "application_due_next": ("handling-time", WARNING),
    "application_incomplete": ("handling-time", WARNING),
    "followup_overdue": ("plans", WARNING),
    "no_change_plan": ("plans", WARNING),
    "no_housing_plan": ("plans", WARNING),
    "over_caseload_limit": ("caseload", WARNING),
    "without_cover": ("caseload", WARNING),
    "prognosis_worse": ("budget", WARNING),
    "prognosis_missing": ("budget", WARNING),
    "actuals_missing": ("budget", WARNING),
    "target_at_risk": ("targets", WARNING),
    "contact_overdue": ("contacts", WARNING),
    "contact_due_today": ("contacts", WARNING),
    "no_activity": ("activities", WARNING),
}
_CHECK_ORDER = {name: i for i, name in enumerate(CHECKS)}
# Severity, then check, then kind, as one number per kind (sorting thousands of findings).
_RANK = {
    kind: rank
    for rank, kind in enumerate(sorted(
        KINDS, key=lambda k: (SEVERITIES.index(KINDS[k][1]), _CHECK_ORDER[KINDS[k][0]],
                              list(KINDS).index(k))))
}

# The summary phrase of each kind; ngettext with literals so the catalog sees both forms.
_PHRASES: dict[str, Callable[[int], str]] = {
    "application_overdue": lambda n: ngettext(
        "{n} overdue application", "{n} overdue applications", n),
    "handler_left": lambda n: ngettext(
        "{n} case whose handler has left", "{n} cases whose handler has left", n),
    "no_handler": lambda n: ngettext(
        "{n} active case without a handler", "{n} active cases without a handler", n),
    "application_due_today": lambda n: ngettext(
        "{n} application due today", "{n} applications due today", n),
    "application_due_next": lambda n: ngettext(
        "{n} application due the next working day",
        "{n} applications due the next working day", n),
    "application_incomplete": lambda n: ngettext(
        "{n} application incomplete too long", "{n} applications incomplete too long", n),
    "followup_overdue": lambda n: ngettext(
        "{n} plan follow-up overdue", "{n} plan follow-ups overdue", n),
    "no_change_plan": lambda n: ngettext(
        "{n} case without a change plan", "{n} cases without a change plan", n),
    "no_housing_plan": lambda n: ngettext(
        "{n} homeless case without a housing plan",
        "{n} homeless cases without a housing plan", n),
    "over_caseload_limit": lambda n: ngettext(
        "{n} handler over caseload limit", "{n} handlers over caseload limit", n),
    "without_cover": lambda n: ngettext(
        "{n} case without cover", "{n} cases without cover", n),
    "prognosis_worse": lambda n: ngettext(
        "{n} prognosis worse than budget", "{n} prognoses worse than budget", n),
    "prognosis_missing": lambda n: ngettext(
        "{n} prognosis not saved", "{n} prognoses not saved", n),
    "actuals_missing": lambda n: ngettext(
        "{n} month without actuals", "{n} months without actuals", n),
    "target_at_risk": lambda n: ngettext(
        "{n} yearly target at risk", "{n} yearly targets at risk", n),
    "violence_overdue": lambda n: ngettext(
        "{n} violence contact not answered in time", "{n} violence contacts not answered in time",
        n),
    "contact_overdue": lambda n: ngettext(
        "{n} contact not answered in time", "{n} contacts not answered in time", n),
    "contact_due_today": lambda n: ngettext(
        "{n} contact to answer today", "{n} contacts to answer today", n),
    "no_activity": lambda n: ngettext(
        "{n} household with assistance without activity or exemption",
        "{n} households with assistance without activity or exemption", n),
}


@dataclass(slots=True)
class Finding:
    """One thing that needs attention.

    ``handler`` is the id of the handler whose part of the mail it belongs to (None
    for the unit as a whole); ``subject`` what it is about (an application, a case,
    a handler or a month); ``due`` the day it was or is due, when it has one.
    ``kind`` drives the summary line and is not part of the JSON contract.
    """

    kind: str
    handler: str | None
    subject: str | None
    due: date | None
    message: str

    @property
    def check(self) -> str:
        return KINDS[self.kind][0]

    @property
    def severity(self) -> str:
        return KINDS[self.kind][1]

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "handler": self.handler,
            "subject": self.subject,
            "due": self.due.isoformat() if self.due else None,
            "message": self.message,
        }


@dataclass
class Report:
    """The result of one check: what ran, what was found, and who the handlers are."""

    as_of: date
    checks: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    handlers: dict[str, dict[str, Any]] = field(default_factory=dict)
    unknown: str | None = None  # why the check could not run

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for kind, n in Counter(f.kind for f in self.findings).items():
            counts[KINDS[kind][1]] += n
        return counts

    @property
    def status(self) -> str:
        if self.unknown is not None:
            return UNKNOWN
        counts = self.counts
        if counts[CRITICAL]:
            return STATUS_CRITICAL
        if counts[WARNING]:
            return STATUS_WARNING
        return OK

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


# The tables each check reads (besides those of every run, below), for the page probe of a
# run with ``--only``: it walks just these tables' pages and their indexes', so a check of the
# contacts alone does not wait for the pages of a million applications. None: the whole file
# (the yearly targets and the activity requirement read whole reports). The tests hold each
# check to its list by watching what it reads.
READS: dict[str, tuple[str, ...] | None] = {
    "handling-time": ("application", "assignment", "cover", "calendar_day", "workday", "cases",
                      "plan", "followup"),
    "plans": ("cases", "plan", "followup", "assignment", "cover"),
    "caseload": ("cases", "assignment", "cover"),
    "budget": ("budget", "budget_line", "actual", "prognosis", "calendar_day", "workday"),
    "targets": None,
    "contacts": ("contact", "calendar_day", "workday"),
    "activities": None,  # the readiness report's figures
}
# Read by every run: who the handlers are and whether they are away, and the settings.
EVERY_RUN_READS = ("handler", "absence", "settings")


def probe_tables(checks: Sequence[str]) -> frozenset[str] | None:
    """The tables whose pages the integrity probe of a run of ``checks`` walks: None (the whole
    file) for the morning check itself, every check; else the tables those checks read.

    The whole check answers for the whole file: a damaged page anywhere makes it UNKNOWN.
    A check of some parts (``--only``) answers for what it reports on, so a damaged page of a
    table it reads makes it UNKNOWN, and damage elsewhere is left to the morning check.
    """
    if set(checks) >= set(CHECKS):
        return None
    tables = set(EVERY_RUN_READS)
    for name in checks:
        reads = READS[name]
        if reads is None:
            return None
        tables.update(reads)
    return frozenset(tables)


# -- options ---------------------------------------------------------------------------
def parse_only(values: Iterable[str] | str | None) -> tuple[str, ...]:
    """The checks named by ``--only`` ('plans,caseload', possibly repeated); all when empty."""
    if values is None:
        return CHECKS
    if isinstance(values, str):
        values = [values]
    wanted: set[str] = set()
    for value in values:
        for name in str(value).split(","):
            name = name.strip().lower()
            if not name:
                continue
            name = codes.find_code("check", name) or name
            if name not in CHECKS:
                raise EkbistError(
                    _("unknown check '{name}' (known: {known})").format(
                        name=name, known=check_names()
                    )
                )
            wanted.add(name)
    if values and not wanted:
        raise EkbistError(
            _("name at least one check (known: {known})").format(known=check_names())
        )
    return tuple(c for c in CHECKS if c in wanted) or CHECKS


# -- gathering ---------------------------------------------------------------------------
def run(store: Store, today: date, *, only: Sequence[str] | None = None) -> Report:
    """Every check (or those in ``only``) as of ``today``, read in one snapshot."""
    checks = parse_only(list(only) if only is not None else None)
    everything = checks == CHECKS
    if everything and not int(settings.get(store, "check.targets")):
        # The yearly-target check is off by default and then not part of the run at all.
        checks = tuple(c for c in checks if c != "targets")
    if everything and not store.scalar("SELECT EXISTS (SELECT 1 FROM contact)"):
        # A unit that records no contacts has no promises to keep: the part joins the run
        # with the first contact (``--only contacts`` runs it anyway).
        checks = tuple(c for c in checks if c != "contacts")
    if everything and not int(settings.get(store, "check.activity_requirement")):
        # The activity-requirement part is off by default, as the targets part.
        checks = tuple(c for c in checks if c != "activities")
    report = Report(as_of=today, checks=checks)
    gatherers = {
        "handling-time": _handling_time,
        "plans": _plans,
        "caseload": _caseload,
        "budget": _budget,
        "targets": _targets,
        "contacts": _contacts,
        "activities": _activities,
    }
    with store.snapshot():
        report.handlers = _handlers(store, today)
        parts = [partial(gatherers[name], today=today, handlers=report.handlers)
                 for name in checks]
        for found in _side_by_side(store, parts):
            report.findings.extend(found)
    report.findings.sort(key=_finding_order)
    return report


def _side_by_side(store: Store, parts: Sequence[Callable[..., list[Finding]]]
                  ) -> list[list[Finding]]:
    """Each part's findings, the first part on ``store`` and every other on a read-only
    connection of its own in a thread, side by side (a city's plans and caseload each take
    a few tenths of a second of SQLite, which lets go of Python's lock while it reads).

    The parts must read one state of the store: each connection's read transaction begins
    before any part starts, and if a write was committed between the first and the last
    (their :meth:`Store.state` differ), every part runs on ``store`` alone, one after the
    other, as on a store that is not a file. An interrupt stops every part.
    """
    if len(parts) < 2 or not store.path.is_file():
        return [part(store) for part in parts]
    import threading

    readers: list[Store] = []
    try:
        for _part in parts[1:]:
            reader = store.reader()
            readers.append(reader)
            reader.conn.execute("BEGIN")
        state = store.state()
        if any(reader.state() != state for reader in readers):
            return [part(store) for part in parts]
        results: list[Any] = [None] * len(parts)

        def work(index: int, on: Store) -> None:
            try:
                results[index] = (True, parts[index](on))
            except BaseException as exc:  # handed to the caller's thread below
                results[index] = (False, exc)

        threads = [threading.Thread(target=work, args=(i + 1, reader), daemon=True,
                                    name=f"ekbist-check-{i + 1}")
                   for i, reader in enumerate(readers)]
        for thread in threads:
            thread.start()
        try:
            work(0, store)
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.1)   # a signal is heard between the waits
        except BaseException:
            for reader in readers:
                reader.conn.interrupt()
            for thread in threads:
                thread.join(1)
            raise
        found = []
        for ok, value in results:
            if not ok:
                raise value
            found.append(value)
        return found
    finally:
        for reader in readers:
            try:
                reader.close()
            except sqlite3.Error:
                pass


def unknown(as_of: date, reason: str, *, only: Sequence[str] | None = None) -> Report:
    """The report of a check that could not run, saying why in one line."""
    reason = " ".join(str(reason).split()) or _("unknown error")
    return Report(as_of=as_of, checks=tuple(only or CHECKS), unknown=reason)


def _finding_order(f: Finding) -> tuple:
    return (_RANK[f.kind], f.due or date.max, f.subject or "")


def _handlers(store: Store, today: date) -> dict[str, dict[str, Any]]:
    """Every handler with what the mail says about them today: gone, not started, away."""
    from ekbist.day_conditions import handler_away, handler_left, handler_not_started

    rows = store.query(
        f"""SELECT id, name, team, start_date, end_date, {handler_left(':d')} AS "left",
                   {handler_not_started(':d')} AS not_started, {handler_away(':d')} AS away
            FROM handler h""",
        {"d": today.isoformat()},
    )
    return {row["id"]: {**row, "left": bool(row["left"]), "not_started": bool(row["not_started"]),
                        "away": bool(row["away"])} for row in rows}


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _name(handlers: dict[str, dict[str, Any]], handler: str | None) -> str:
    row = handlers.get(handler or "")
    return row["name"] if row else (handler or "")


def _number(value: float, decimals: int = 0) -> str:
    """A number in a message as the active language writes it ('5 111', '2,4')."""
    return format_fixed(value, decimals, swedish=language() == "sv")


def _percent(value: float) -> str:
    """A percentage with one decimal in a message: '2.4%', in Swedish '2,4 %'."""
    return format_percent(value, 1, swedish=language() == "sv")


def _handling_time(store: Store, today: date, handlers: dict) -> list[Finding]:
    from ekbist import handling_time

    flag_days = int(settings.get(store, "handling.incomplete_flag_days"))
    found = []
    for row in handling_time.open_applications(store, today):
        ids = {"id": row["id"], "case": row["case"]}
        status = row["status"]
        if status == "overdue":
            late = -int(row["working_days_left"])
            kind = "application_overdue"
            message = ngettext(
                "application {id} (case {case}) is {n} working day late (deadline {due})",
                "application {id} (case {case}) is {n} working days late (deadline {due})",
                late,
            ).format(n=_number(late), due=row["deadline"], **ids)
        elif status == "due_today":
            kind = "application_due_today"
            message = _("application {id} (case {case}) must be decided today").format(**ids)
        elif status == "due_next":
            kind = "application_due_next"
            message = _(
                "application {id} (case {case}) must be decided by {due}, the next working day"
            ).format(due=row["deadline"], **ids)
        elif status == "incomplete" and row["flagged"]:
            waited = int(row["working_days_since_arrival"])
            kind = "application_incomplete"
            message = ngettext(
                "application {id} (case {case}) has been incomplete for {n} working day since "
                "it arrived on {received} (limit {limit})",
                "application {id} (case {case}) has been incomplete for {n} working days since "
                "it arrived on {received} (limit {limit})",
                waited,
            ).format(n=_number(waited), received=row["received"], limit=flag_days, **ids)
        else:
            continue
        found.append(Finding(kind, row["handler"], row["id"], _d(row["deadline"]), message))
    return found


def _plans(store: Store, today: date, handlers: dict) -> list[Finding]:
    """Overdue follow-ups, cases past the grace period without a change plan, and homeless
    cases without a housing plan, from one call of :func:`ekbist.plans.missing`.

    Its ``lapsed`` rows (change plans, and housing plans under ``no_housing_plan``) are
    the open plans whose follow-up date has passed — the rows of
    :func:`ekbist.plans.overdue_followups` (the tests hold the two to each other) — so
    one pass over the cases answers all three at city scale.
    """
    from ekbist import plans

    found = []
    grace = plans.grace_days(store)
    # A city's thousands of findings name a few hundred day counts and two plan kinds:
    # each is worded once.
    number, plan_label = cache(_number), cache(partial(codes.label, "plan_kind"))
    for row in plans.missing(store, as_of=today, groups=("never", "lapsed", "no_housing_plan")):
        case = row["case"]
        if row["reason"] == "lapsed":
            days = int(row["days"])
            found.append(Finding(
                "followup_overdue", row["handler"], case, _d(row["next_followup"]),
                ngettext(
                    "the {plan} of case {case} was due for follow-up on {due}, {n} day ago",
                    "the {plan} of case {case} was due for follow-up on {due}, {n} days ago",
                    days,
                ).format(plan=plan_label(row["kind"]), case=case,
                         due=row["next_followup"], n=number(days)),
            ))
        elif row["group"] == "never":
            found.append(Finding(
                "no_change_plan", row["handler"], case, None,
                ngettext(
                    "case {case}, opened on {opened}, has no change plan after {n} day "
                    "(grace period {grace} days)",
                    "case {case}, opened on {opened}, has no change plan after {n} days "
                    "(grace period {grace} days)",
                    int(row["days_open"]),
                ).format(case=case, opened=row["opened"], n=number(int(row["days_open"])),
                         grace=grace),
            ))
        elif row["group"] == "no_housing_plan":
            # Never made, or ended without a new one (a lapsed one is an overdue follow-up).
            if row["reason"] == "ended":
                message = _(
                    "homeless case {case} has no housing plan since the last one ended on {ended}"
                ).format(case=case, ended=row["ended"])
            else:
                message = _("homeless case {case} has no housing plan").format(case=case)
            found.append(Finding("no_housing_plan", row["handler"], case, None, message))
    return found


def _caseload(store: Store, today: date, handlers: dict) -> list[Finding]:
    from ekbist import caseload

    report = caseload.current(store, today)
    limit = report["max_per_fte"]
    found = []
    for row in report["handlers"]:
        if row["flagged"]:
            found.append(Finding(
                "over_caseload_limit", row["id"], row["id"], None,
                ngettext(
                    "{name} has {n} active case, {per_fte} per FTE (limit {limit})",
                    "{name} has {n} active cases, {per_fte} per FTE (limit {limit})",
                    int(row["active"]),
                ).format(name=row["name"], n=_number(row["active"]), per_fte=_number(row["per_fte"], 1),
                         limit=limit),
            ))
    for row in report["uncovered"]:
        why, case, handler = row["why"], row["case"], row["handler"]
        name = row["name"] or handler
        if why == "left":
            end = handlers.get(handler, {}).get("end_date")
            found.append(Finding("handler_left", handler, case, None, _(
                "case {case} is still with {name}, who left on {date}"
            ).format(case=case, name=name, date=end)))
        elif why == "no_handler":
            found.append(Finding("no_handler", None, case, None, _(
                "active case {case} has no handler").format(case=case)))
        elif why == "away":
            found.append(Finding("without_cover", handler, case, None, _(
                "case {case} has no cover while {name} is away").format(case=case, name=name)))
        else:  # not_started
            found.append(Finding("without_cover", handler, case, None, _(
                "case {case} has no cover until {name} starts").format(case=case, name=name)))
    return found


def prognosis_due(store: Store, today: date) -> date:
    """The day last month's prognosis is due: working day ``budget.prognosis_due_workday``
    of ``today``'s month (the unit's closed days counted as days off)."""
    from ekbist.working_days import sql_deadline

    first = today.replace(day=1)
    due = store.scalar(
        f"SELECT {sql_deadline(':first', ':n')}",
        {"first": first.isoformat(), "n": int(settings.get(store, "budget.prognosis_due_workday"))},
    )
    if due is None:
        raise EkbistError(
            _("{day} is outside the calendar of working days").format(day=today.isoformat())
        )
    return date.fromisoformat(due)


def _budget(store: Store, today: date, handlers: dict) -> list[Finding]:
    from ekbist import prognosis
    from ekbist.months import month_add, month_of

    period = month_add(today.isoformat()[:7], -1)  # the month that ended last
    year, month = int(period[:4]), int(period[5:])
    in_use = store.scalar(
        "SELECT EXISTS (SELECT 1 FROM budget WHERE year = :y)"
        " OR EXISTS (SELECT 1 FROM actual WHERE year = :y)",
        {"y": year},
    )
    found = []
    if in_use:
        due = prognosis_due(store, today)
        # A prognosis saved without all its actuals (--allow-missing-actuals) is not the one due.
        saved = store.scalar(
            "SELECT count(*) > 0 AND count(missing_actuals) = 0 FROM prognosis "
            "WHERE year = ? AND month = ?", (year, month)
        )
        missing = prognosis.missing_actuals(store, year, month) if today > due else []
        by_month: dict[int, list[str]] = {}
        for row in missing:
            by_month.setdefault(row["month"], []).append(row["activity"])
        for m, names in sorted(by_month.items()):
            found.append(Finding("actuals_missing", None, month_of(year, m), due, _(
                "no actuals booked for {month} ({activities}); the prognosis waits for them"
            ).format(month=prognosis.month_label(year, m), activities=", ".join(names))))
        if today > due and not saved and not missing:
            found.append(Finding("prognosis_missing", None, period, due, _(
                "no prognosis saved for {period}; it was due on {due}"
            ).format(period=period, due=due.isoformat())))
    latest = prognosis.latest_saved(store, up_to=today)
    if latest is not None and latest["year"] >= year:
        total = latest["total"]
        budget_net, worse = total["budget_net"], -total["deviation"]
        limit = float(settings.get(store, "budget.warn_deviation_pct"))
        if budget_net and worse > 0 and worse * 100 > limit * abs(budget_net):
            share = worse * 100 / abs(budget_net)
            saved_period = month_of(latest["year"], latest["month"])
            found.append(Finding("prognosis_worse", None, saved_period, None, _(
                "the prognosis for {period} ends {amount} tkr worse than the net budget "
                "of {budget} tkr ({share}, limit {limit})"
            ).format(period=saved_period, amount=_number(worse / 1000),
                     budget=_number(budget_net / 1000), share=_percent(share),
                     limit=_percent(limit))))
    return found


def _targets(store: Store, today: date, handlers: dict) -> list[Finding]:
    """Yearly targets heading for a miss; off unless the unit turns check.targets on."""
    if not int(settings.get(store, "check.targets")):
        return []
    from ekbist.reports.year import at_risk

    return [Finding("target_at_risk", None, t["key"], date(today.year, 12, 31), _(
        "target {year} '{label}': {direction} {target}, heading for {projected}"
    ).format(year=today.year, label=t["label"],
             direction=_("at least") if t["direction"] == "at_least" else _("at most"),
             target=_number(t["target"], 1), projected=_number(t["projected"], 1)))
        for t in at_risk(store, today)]


def _contacts(store: Store, today: date, handlers: dict) -> list[Finding]:
    """The promises of :mod:`ekbist.contacts`: a contact due today is a warning, one past
    its deadline too, and a victim of violence not contacted in time is critical."""
    from ekbist import contacts

    found = []
    for row in contacts.due(store, today):
        if row["status"] == "due_today":
            kind = "contact_due_today"
            text = _("contact {id} ({kind}, received {received}) must be answered today")
        else:
            kind = "violence_overdue" if row["kind"] == "violence" else "contact_overdue"
            text = _("contact {id} ({kind}, received {received}) was to be answered by "
                     "{deadline}")
        found.append(Finding(kind, row["handler"], str(row["id"]), _d(row["deadline"]),
                             text.format(id=row["id"], received=row["received"],
                                         deadline=row["deadline"],
                                         kind=codes.label("contact_kind", row["kind"]))))
    return found


def _activities(store: Store, today: date, handlers: dict) -> list[Finding]:
    """Households with assistance this month with no activity and no exemption (the
    readiness for a full-time activity requirement, :mod:`ekbist.reports.readiness`)."""
    from ekbist.reports.readiness import readiness

    month = today.isoformat()[:7]
    return [Finding("no_activity", row["handler"], row["case"], None, _(
        "case {case} has assistance for {month} and no activity or exemption").format(
            case=row["case"], month=month))
        for row in readiness(store, month, month, today=today)["without"]["cases"]]


# -- wording -----------------------------------------------------------------------------
def summary(report: Report) -> str:
    """What was found, by kind, as one phrase list: '3 overdue applications, …'."""
    if report.unknown is not None:
        return report.unknown
    if not report.findings:
        return _("nothing needs attention on {date}").format(date=report.as_of.isoformat())
    per_kind: dict[str, int] = {}
    for finding in report.findings:
        per_kind[finding.kind] = per_kind.get(finding.kind, 0) + 1
    return ", ".join(
        _PHRASES[kind](per_kind[kind]).format(n=per_kind[kind])  # monitoring line: digits only
        for kind in KINDS if kind in per_kind
    )


def status_line(report: Report) -> str:
    """The first line: ``EKBIST CRITICAL: 3 overdue applications, …``.

    The status word stays English, as monitoring plugins write it; the rest follows
    the active language.
    """
    return f"EKBIST {report.status}: {summary(report)}"


def payload(report: Report) -> dict[str, Any]:
    """The JSON contract: exactly status, as_of, counts and findings.

    An UNKNOWN report carries its reason as the one finding, of severity ``unknown``,
    so a machine reading the JSON learns why as well.
    """
    findings = [f.as_json() for f in report.findings]
    if report.unknown is not None:
        findings = [{"check": "check", "severity": "unknown", "handler": None, "subject": None,
                     "due": None, "message": report.unknown}]
    return {
        "status": report.status,
        "as_of": report.as_of.isoformat(),
        "counts": report.counts,
        "findings": findings,
    }


@dataclass
class Group:
    """The findings of one handler (or of the unit, ``handler`` None), to forward as a part."""

    handler: str | None
    heading: str
    findings: list[Finding]


def groups(report: Report) -> list[Group]:
    """Findings per handler, the handlers with the most urgent findings first, then by name;
    the unit's own findings (budget, cases without a handler) come last."""
    by_handler: dict[str | None, list[Finding]] = {}
    for finding in report.findings:
        by_handler.setdefault(finding.handler, []).append(finding)
    result = []
    for handler, findings in by_handler.items():
        if handler is None:
            heading = _("Unit")
        else:
            row = report.handlers.get(handler)
            if row is None:
                heading = handler
            else:
                heading = f"{row['name']} ({handler}, {codes.label('team', row['team'])})"
                if row["left"]:
                    heading += " — " + _("left on {date}").format(date=row["end_date"])
                elif row["not_started"]:
                    heading += " — " + _("starts on {date}").format(date=row["start_date"])
                elif row["away"]:
                    heading += " — " + _("away")
        result.append(Group(handler, heading, findings))
    result.sort(key=lambda g: (
        g.handler is None,
        min(SEVERITIES.index(f.severity) for f in g.findings),
        _name(report.handlers, g.handler).casefold(),
        g.handler or "",
    ))
    return result
