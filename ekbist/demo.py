"""A deterministic synthetic unit, modelled on the seeds, for trying ekbist and for benchmarks.

The demo unit has intake (mottagning), investigation (utredning), violence and
debt teams; households flow in and out so that about ``households`` are active;
every active household applies each month, most decisions keep the five-day
rule, some are late, a few applications are never completed; change plans are
made for some cases only and some lapse, so coverage stays well below 100 %;
and a budget with monthly actuals follows the payments.

Everything is drawn from one ``random.Random(seed)``: the same options give the
same database. Generation works on day numbers (``date.toordinal``) and the
store's working-day index, so city scale (20 000 households, 60 months) stays
fast; rows are written month by month with ``executemany`` in one transaction.
Per-row audit is switched off for this synthetic bulk load: the audit table
gets one summary row per table instead.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ekbist.errors import EkbistError, StoreBusy, StoreDamaged, StoreReadOnly
from ekbist.i18n import _
from ekbist.months import month_add, month_end
from ekbist.store import Store

Progress = Callable[[int, int], None]

ASSISTANCE_ACTIVITY = "Ekonomiskt bistånd/handläggning"
LABOUR_ACTIVITY = "Arbetsmarknad"
DEMO_MARKER = "store.demo"  # the settings row that marks a demo store
# The largest demo offered: a whole city in one file (DESIGN: 20 000 households), the size
# the benchmarks build and the documented city command asks for.
MAX_HOUSEHOLDS = 20_000

# The seed's 2014 budget in tkr (business plan, "Budget 2014"), per activity and line. The
# assistance payments (46 349 tkr ≈ 481 households × 7 643 kr × 12) sit on Entreprenader och
# köp av verksamhet; the demo puts its own payments there and scales the rest to them.
PAYMENTS_LINE = "Entreprenader och köp av verksamhet"
SEED_PAYMENTS = 46_349_000
# How many years before the as-of year the controller's ledger (budget and monthly
# actuals) reaches back to, at the least: three finished years for the backtest of the
# prognosis methods and the year before them for the seasonal method (see ledger_start).
LEDGER_YEARS = 4
# The year's shape of some lines, month by month: staff costs dip in July (holidays), other
# costs peak in December (the year's invoices), and the labour-market activity's wage
# subsidies peak over the summer jobs (feriearbete) of June–August. Except the July dip,
# each shape averages 1 over the year, so the budget still holds.
_SEASONS: dict[tuple[str | None, str], dict[int, float]] = {
    (None, "Övriga kostnader"): {**{m: (12 - 1.55) / 11 for m in range(1, 12)}, 12: 1.55},
    (LABOUR_ACTIVITY, "Bidrag"): {m: 1.45 if m in (6, 7, 8) else (12 - 3 * 1.45) / 9
                                  for m in range(1, 13)},
}


def _season(activity: str, line: str, month: int) -> float:
    if line.startswith("Personal") and month == 7:
        return 0.62
    shape = _SEASONS.get((activity, line)) or _SEASONS.get((None, line))
    return shape[month] if shape else 1.0


SEED_BUDGET: dict[str, dict[str, int]] = {
    ASSISTANCE_ACTIVITY: {
        "Förvaltningsinterna intäkter": 619, "Bidrag": 1_500,
        "Förvaltningsinterna kostnader": 100, "Personalkostnader": 16_849,
        "Övriga personalkostnader": 200, "Lokalkostnader": 2_629, "Övriga kostnader": 3_400,
    },
    LABOUR_ACTIVITY: {
        "Bidrag": 2_516, "Försäljning av verksamhet": 184,
        "Förvaltningsinterna kostnader": 387, "Personalkostnader": 6_068,
        "Övriga personalkostnader": 20, "Lokalkostnader": 134,
        "Entreprenader och köp av verksamhet": 168,
    },
}

FIRST_NAMES = (
    "Anna",
    "Erik",
    "Maria",
    "Johan",
    "Sara",
    "Ahmed",
    "Fatima",
    "Karin",
    "Lars",
    "Elin",
    "Mohammed",
    "Eva",
    "Per",
    "Lina",
    "Nils",
    "Amina",
    "Jonas",
    "Sofia",
    "Oskar",
    "Hanna",
    "Ali",
    "Ida",
    "Mikael",
    "Emma",
    "Leila",
    "Anders",
    "Maja",
    "Daniel",
    "Sanna",
    "Yusuf",
)
LAST_NAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Hassan",
    "Lindberg",
    "Lindström",
    "Axelsson",
    "Berg",
    "Holm",
    "Sandberg",
    "Ali",
    "Forsberg",
    "Lund",
    "Ek",
    "Strand",
)


@dataclass(frozen=True)
class DemoOptions:
    households: int = 480
    months: int = 24
    end: str | None = None  # 'YYYY-MM'; default: the month of ``today``
    seed: int = 1


@dataclass
class _Handler:
    id: str
    name: str
    team: str
    fte: float
    start: int  # day number
    end: int | None = None
    away_from: int | None = None
    weight: float = 1.0

    def available(self, day: int) -> bool:
        return (
            self.start <= day
            and (self.end is None or day < self.end)
            and (self.away_from is None or day < self.away_from)
        )


@dataclass
class _Case:
    id: str
    opened: int
    adults: int
    children: int
    gender: str
    homeless: bool
    segments: list[tuple[str, int]] = field(default_factory=list)  # (handler, from day)
    closed: int | None = None
    close_reason: str | None = None
    transfer: int | None = None  # day the intake handler hands the case on
    team_after: str = "investigation"  # the team that takes over from intake

    def handler_on(self, day: int) -> str:
        current = self.segments[0][0]
        for handler, start in self.segments:
            if start <= day:
                current = handler
        return current


class _Days:
    """Day numbers, ISO strings and working-day numbers over the store's index."""

    def __init__(self, store: Store, first: date, last: date):
        rows = store.tuples(
            "SELECT day, is_workday, workday_no FROM calendar_day WHERE day BETWEEN ? AND ? ORDER BY day",
            (first.isoformat(), last.isoformat()),
        ).fetchall()
        self.base = first.toordinal()
        self.iso = [r[0] for r in rows]
        self.is_workday = [bool(r[1]) for r in rows]
        self.workday_no = [r[2] for r in rows]
        self.workday_day = {no: self.base + i for i, (_, w, no) in enumerate(rows) if w}

    def text(self, day: int) -> str:
        return self.iso[day - self.base]

    def day1(self, day: int) -> int:
        """The first working day on or after ``day`` as a working-day number."""
        i = day - self.base
        return self.workday_no[i] + (0 if self.is_workday[i] else 1)

    def workday(self, number: int) -> int | None:
        return self.workday_day.get(number)


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def plan_months(options: DemoOptions, today: date) -> tuple[list[tuple[int, int]], date]:
    """The demo's months and its as-of day (today, or the end month's last day if earlier)."""
    if options.households < 10:
        raise EkbistError(_("the demo needs at least 10 households"))
    if options.households > MAX_HOUSEHOLDS:
        raise EkbistError(_("the demo holds at most {n} households (a whole city)").format(
            n=f"{MAX_HOUSEHOLDS:,}".replace(",", " ")))
    if not 1 <= options.months <= 240:
        raise EkbistError(_("the demo covers 1 to 240 months"))
    if options.end:
        from ekbist.validate import parse_month

        year, month = map(int, parse_month(options.end, "end").split("-"))
    else:
        year, month = today.year, today.month
    end_day = month_end(f"{year:04d}-{month:02d}")
    as_of = min(today, end_day)
    first = month_add(date(year, month, 1), -(options.months - 1))
    if as_of < first:
        raise EkbistError.about(_("{end} is after {today}: the demo would hold no data"),
                                {"end": "end", "today": "today"})
    months = [
        ((first.year * 12 + first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1)
        for i in range(options.months)
    ]
    return months, as_of


def build(
    store: Store, options: DemoOptions, today: date, progress: Progress | None = None
) -> dict:
    """Fill an empty store with the demo unit; returns the row counts written."""
    if store.scalar("SELECT count(*) FROM handler") or store.scalar("SELECT count(*) FROM cases"):
        raise EkbistError(_("the database already holds data — the demo needs an empty database"))
    months, as_of = plan_months(options, today)
    generator = _Generator(store, options, months, as_of)
    with store.transaction():
        store.set_audit(False)
        # Rows are written in the order they are generated (applications before their
        # cases); foreign keys are checked at commit instead of per statement.
        store.execute("PRAGMA defer_foreign_keys = ON")
        try:
            counts = generator.run(progress)
            for table, n in counts.items():
                store.audit_note(
                    table, "*", "insert", json.dumps({"demo_rows": n, "seed": options.seed})
                )
        finally:
            store.set_audit(True)
        # The store knows it is a demo: every command on it says so (see Store.demo_marker).
        store.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (DEMO_MARKER, json.dumps({"seed": options.seed, "households": options.households,
                                      "months": options.months, "as_of": as_of.isoformat()})),
        )
    return counts


def build_file(
    path: Path, options: DemoOptions, today: date, *, replace: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Build the demo into a new store file at ``path`` (a missing folder is made, 0700).

    It is built under a temporary name beside ``path`` and renamed into place at the end:
    a demo that fails or is interrupted leaves no file behind, and the next run starts
    clean. ``replace`` lets it take the place of an empty file.
    """
    from ekbist import files, interrupts, working_days

    problem = files.odd_path(path, suffix=files.SQLITE_SUFFIX)  # a store every command opens
    if problem is not None:
        raise problem
    files.make_folder(path.parent)
    path = files.check_new(path, force=replace)
    with files.temporary_beside(path, suffix=".db") as temp:
        with interrupts.provisional():  # its commits are not the user's until the rename
            try:
                store = Store.open(temp, create=True)
                try:
                    working_days.ensure_index(store)
                    counts = build(store, options, today, progress)
                finally:
                    store.close()
            except (sqlite3.Error, OSError, *StoreError) as exc:
                raise EkbistError(_("could not build the demo in {path}: {reason} — nothing "
                                    "was written").format(path=path, reason=_reason(exc))) from exc
        files.put_in_place(temp, path, force=replace)
    return counts


# Store errors a failed build may end in (a full disk surfaces as any of them).
StoreError = (StoreBusy, StoreDamaged, StoreReadOnly)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


class _Generator:
    def __init__(
        self, store: Store, options: DemoOptions, months: list[tuple[int, int]], as_of: date
    ):
        self.store = store
        self.options = options
        self.months = months
        self.as_of = as_of
        self.as_of_day = as_of.toordinal()
        self.rng = random.Random(options.seed)
        self.scale = max(1.0, options.households / 480)
        self.first_day = _month_start(*months[0])
        self.handlers: list[_Handler] = []
        self.cases: list[_Case] = []
        self.counts: dict[str, int] = {}
        self.next_case = 1
        self.next_application = 1

    # -- orchestration -------------------------------------------------------------
    def run(self, progress: Progress | None) -> dict[str, int]:
        self._closed_days()
        self.days = _Days(
            self.store, self.first_day - timedelta(days=1200), self.as_of + timedelta(days=400)
        )
        self._handlers()
        self._initial_cases()
        steps = len(self.months) + 3
        for i, (year, month) in enumerate(self.months):
            self._month(year, month)
            if progress:
                progress(i + 1, steps)
        self._write_cases()
        self._key_figure_data()
        if progress:
            progress(len(self.months) + 1, steps)
        self._plans()
        if progress:
            progress(len(self.months) + 2, steps)
        self._budget_and_actuals()
        self._staff_and_targets()
        self._barriers_and_activities()
        self._contacts()
        self._covers()
        if progress:
            progress(steps, steps)
        return self.counts

    def _staff_and_targets(self) -> None:
        """Coded absences with sick spells, targets and manual outcomes (their own generator)."""
        from ekbist.reports import demo_staff

        self._count_all(demo_staff.fill(self.store, seed=self.options.seed,
                                        first_day=self.first_day, as_of=self.as_of))

    def _barriers_and_activities(self) -> None:
        """Barriers to self-support, activities and first meetings (their own generators)."""
        from ekbist import demo_activities

        self._count_all(demo_activities.fill(self.store, seed=self.options.seed,
                                             first_day=self.first_day, as_of=self.as_of))

    def _contacts(self) -> None:
        """Call-backs, first visits, violence and debt advice (a generator of their own)."""
        from ekbist.reports import demo_contacts

        self._count_all(demo_contacts.fill(
            self.store, seed=self.options.seed, first_day=self.first_day, as_of=self.as_of,
            households=self.options.households))

    def _covers(self) -> None:
        """Colleagues covering for a few days (their own generator, after everything else)."""
        from ekbist import demo_covers

        self._count_all(demo_covers.fill(self.store, seed=self.options.seed, as_of=self.as_of))

    def _key_figure_data(self) -> None:
        """Birth years, first contacts and a population, from a generator of their own."""
        from ekbist.reports import demo_data

        self._count_all(demo_data.fill(
            self.store, seed=self.options.seed, first_day=self.first_day, as_of=self.as_of,
            households=self.options.households))

    def _count(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n

    def _count_all(self, counts: dict[str, int]) -> None:
        """Add the rows a generator of its own wrote, by table."""
        for table, n in counts.items():
            self._count(table, n)

    # -- calendar --------------------------------------------------------------------
    def _closed_days(self) -> None:
        """Two local closed days a year (planning day in March, staff day in August)."""
        from ekbist.working_days import rebuild_index

        rows = []
        for year in sorted({y for y, _m in self.months}):
            for month, reason in ((3, "Planeringsdag"), (8, "Personaldag")):
                day = date(year, month, 14)
                while day.weekday() != 2:  # a Wednesday
                    day += timedelta(days=1)
                rows.append((day.isoformat(), reason))
        self.store.executemany("INSERT OR IGNORE INTO closed_day (day, reason) VALUES (?, ?)", rows)
        self._count("closed_day", len(rows))
        rebuild_index(self.store)

    # -- handlers ----------------------------------------------------------------------
    def _handlers(self) -> None:
        rng = self.rng
        sizes = {"intake": 3, "investigation": 13, "debt": 2, "violence": 2}
        long_ago = self.first_day.toordinal() - 4 * 365
        number = 0
        for team, size in sizes.items():
            for _i in range(max(1, round(size * self.scale)) if self.scale > 1 else size):
                number += 1
                fte = rng.choices((1.0, 0.75, 0.5, 0.8), weights=(75, 10, 8, 7))[0]
                name = (
                    f"{FIRST_NAMES[(number * 7) % len(FIRST_NAMES)]} "
                    f"{LAST_NAMES[(number * 11 + number // 30) % len(LAST_NAMES)]}"
                )
                self.handlers.append(
                    _Handler(
                        f"h{number:03d}",
                        name,
                        team,
                        fte,
                        long_ago - rng.randrange(0, 2000),
                        weight=fte * rng.uniform(0.6, 1.5),
                    )
                )
        investigation = [h for h in self.handlers if h.team == "investigation"]
        # One newcomer, started two months ago: few cases so far.
        self.joiner = investigation[-1]
        self.joiner.start = self.as_of_day - 60
        self.joiner.fte = 1.0
        self.joiner.weight = 1.6  # newcomers are handed new cases first
        # One who leaves three weeks before the as-of day, one on long leave since six weeks.
        self.leaver = investigation[0]
        self.leaver.end = self.as_of_day - 20
        self.absent = investigation[1]
        self.absent.away_from = self.as_of_day - 45
        self.store.executemany(
            "INSERT INTO handler (id, name, team, fte, start_date, end_date) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    h.id,
                    h.name,
                    h.team,
                    h.fte,
                    self.days_text(h.start),
                    None if h.end is None else self.days_text(h.end),
                )
                for h in self.handlers
            ],
        )
        self.store.execute(
            "INSERT INTO absence (handler, from_date, to_date, reason) VALUES (?, ?, NULL, ?)",
            (self.absent.id, self.days.text(self.absent.away_from), "Sjukskrivning"),
        )
        short = investigation[2]
        self.store.execute(
            "INSERT INTO absence (handler, from_date, to_date, reason) VALUES (?, ?, ?, ?)",
            (
                short.id,
                self.days.text(self.as_of_day - 120),
                self.days.text(self.as_of_day - 100),
                "Föräldraledighet",
            ),
        )
        self._count("handler", len(self.handlers))
        self._count("absence", 2)

    def days_text(self, day: int) -> str:
        return date.fromordinal(day).isoformat()

    def _pick(self, team: str, day: int) -> str:
        pool = [h for h in self.handlers if h.team == team and h.available(day)]
        return self.rng.choices(pool, weights=[h.weight for h in pool])[0].id

    # -- cases ---------------------------------------------------------------------------
    def _new_case(self, opened: int, *, established: bool) -> _Case:
        rng = self.rng
        adults = 2 if rng.random() < 0.28 else 1
        children = rng.choices((0, 1, 2, 3, 4), weights=(52, 18, 16, 9, 5))[0]
        case = _Case(
            id=f"C{self.next_case:06d}",
            opened=opened,
            adults=adults,
            children=children,
            gender=rng.choices(("f", "m", "x"), weights=(48, 51, 1))[0],
            homeless=rng.random() < 0.06,
        )
        self.next_case += 1
        team = rng.choices(("investigation", "violence", "debt"), weights=(92, 5, 3))[0]
        if established:
            case.segments.append(
                (self._pick(team, max(opened, self.first_day.toordinal())), opened)
            )
        else:
            case.segments.append((self._pick("intake", opened), opened))
            case.transfer = opened + rng.randrange(21, 36)
            case.team_after = team
        self.cases.append(case)
        return case

    def _initial_cases(self) -> None:
        start = self.first_day.toordinal()
        self.active: list[_Case] = []
        for _i in range(self.options.households):
            opened = start - 1 - int(self.rng.expovariate(1 / 300)) % 1100
            self.active.append(self._new_case(opened, established=True))

    def _month(self, year: int, month: int) -> None:
        rng = self.rng
        first = _month_start(year, month).toordinal()
        last = min(month_end(f"{year:04d}-{month:02d}").toordinal(), self.as_of_day)
        if first > self.as_of_day:
            return
        span = last - first + 1
        # Transfers from intake to the investigating team.
        for case in self.active:
            if case.transfer is not None and case.transfer <= last and case.closed is None:
                case.segments.append((self._pick(case.team_after, case.transfer), case.transfer))
                case.transfer = None
        if self.leaver.end is not None and first <= self.leaver.end <= last:
            self._spread_leavers_cases()
        # Outflow: about 4.5 % a month, more in summer (jobs) and January (studies).
        rate = 0.045 * (1.25 if month in (6, 8) else 1.0) * (1.15 if month == 1 else 1.0)
        staying = []
        for case in self.active:
            if rng.random() < rate and case.opened < last:
                closed = max(case.opened + 1, first + rng.randrange(span))
                if closed <= last:
                    case.closed = closed
                    case.close_reason = rng.choices(
                        ("work", "studies", "sickness_comp", "other_benefit", "moved", "other"),
                        weights=(34, 11, 9, 16, 15, 15),
                    )[0]
                    if case.transfer is not None and case.transfer >= closed:
                        case.transfer = None
                    continue
            staying.append(case)
        # Inflow keeps about the target number of households.
        target = self.options.households
        inflow = max(
            0, round(target * rate * rng.uniform(0.9, 1.1) + (target - len(staying)) * 0.3)
        )
        for _i in range(inflow):
            staying.append(self._new_case(first + rng.randrange(span), established=False))
        closing = [c for c in self.active if c.closed is not None]
        self.active = staying
        self._applications(year, month, first, last, [*closing, *staying])

    # -- applications ---------------------------------------------------------------------
    def _applications(
        self, year: int, month: int, first: int, last: int, cases: list[_Case]
    ) -> None:
        rng, days = self.rng, self.days
        period = f"{year:04d}-{month:02d}"
        inflation = 1.02 ** (year - 2026)
        rows = []
        for case in cases:
            received = max(case.opened, first + rng.randrange(0, 20))
            if received > last or (case.closed is not None and received >= case.closed):
                continue
            roll = rng.random()
            if roll < 0.8:
                completed: int | None = received
            elif roll < 0.975:
                completed = received + rng.randrange(1, 13)
            else:
                completed = None  # never complete
            decided = decision = amount = None
            if completed is not None:
                start_no = days.day1(completed)
                if rng.random() < 0.86:
                    offset = rng.choices((0, 1, 2, 3, 4), weights=(10, 20, 28, 24, 18))[0]
                else:
                    offset = rng.randrange(5, 13)
                decided_day = days.workday(start_no + offset)
                if completed > self.as_of_day:
                    completed = None
            else:
                decided_day = received + rng.randrange(12, 40)
            if decided_day is not None and decided_day <= self.as_of_day:
                decided = days.text(decided_day)
                if completed is None:
                    decision = rng.choice(("withdrawn", "rejected"))
                else:
                    decision = rng.choices(
                        ("granted", "partly", "rejected", "withdrawn"), weights=(86, 7, 6, 1)
                    )[0]
                if decision in ("granted", "partly"):
                    need = (
                        3_100
                        + 2_100 * (case.adults - 1)
                        + 1_600 * case.children
                        + rng.randrange(2_000, 5_500)
                    ) * inflation
                    amount = round(
                        need * (rng.uniform(0.45, 0.85) if decision == "partly" else 1.0)
                    )
            clock = completed if completed is not None else received
            rows.append(
                (
                    f"A{self.next_application:07d}",
                    case.id,
                    period,
                    days.text(received),
                    None if completed is None else days.text(completed),
                    decided,
                    decision,
                    amount,
                    case.handler_on(clock),
                )
            )
            self.next_application += 1
        if last == self.as_of_day:
            self._pin_every_status(rows, {c.id: c for c in cases})
        self.store.executemany(
            "INSERT INTO application (id, case_id, period, received, completed, decided, decision, "
            "amount, handler) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._count("application", len(rows))

    def _pin_every_status(self, rows: list[tuple], cases: dict[str, _Case]) -> None:
        """Pin six open applications so the as-of morning check shows every status.

        By chance alone a small demo may have nothing due today. Each pin arrives complete
        N working days before the as-of day (deadline = day 5): 6 → overdue by 2, 4 → due
        today, 3 → due the next working day, 1 → ok; two never complete, one flagged
        (13 working days waiting) and one not.
        """
        days = self.days
        today_no = days.day1(self.as_of_day)
        pins = [(6, True), (4, True), (3, True), (1, True), (12, False), (1, False)]
        for i, row in enumerate(rows):
            if not pins:
                break
            back, complete = pins[0]
            arrived = days.workday(today_no - back)
            case = cases[row[1]]
            if (
                arrived is None
                or case.opened > arrived
                or (case.closed is not None and case.closed <= self.as_of_day)
            ):
                continue
            pins.pop(0)
            text = days.text(arrived)
            rows[i] = (
                row[0],
                row[1],
                row[2],
                text,
                text if complete else None,
                None,
                None,
                None,
                case.handler_on(arrived),
            )

    # -- the leaver --------------------------------------------------------------------------
    def _spread_leavers_cases(self) -> None:
        """Spread the leaver's cases on the leaving day, but for six still waiting for a handler."""
        leave_day = self.leaver.end
        assert leave_day is not None
        theirs = [c for c in self.active if c.segments[-1][0] == self.leaver.id]
        for case in theirs[6:]:
            case.segments.append((self._pick("investigation", leave_day), leave_day))

    def _write_cases(self) -> None:
        case_rows, assignment_rows = [], []
        for case in self.cases:
            if case.opened > self.as_of_day:
                continue
            case_rows.append(
                (
                    case.id,
                    self.days_text(case.opened),
                    None if case.closed is None else self.days_text(case.closed),
                    case.close_reason,
                    case.adults,
                    case.children,
                    case.gender,
                    int(case.homeless),
                )
            )
            segments = [s for s in case.segments if s[1] <= self.as_of_day]
            for i, (handler, start) in enumerate(segments):
                until = segments[i + 1][1] if i + 1 < len(segments) else None
                assignment_rows.append(
                    (
                        case.id,
                        handler,
                        self.days_text(start),
                        None if until is None else self.days_text(until),
                    )
                )
        self.store.executemany(
            "INSERT INTO cases (id, opened, closed, close_reason, adults, children, gender, homeless) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            case_rows,
        )
        self.store.executemany(
            "INSERT INTO assignment (case_id, handler, from_date, to_date) VALUES (?, ?, ?, ?)",
            assignment_rows,
        )
        self._count("cases", len(case_rows))
        self._count("assignment", len(assignment_rows))

    # -- plans -----------------------------------------------------------------------------------
    def _plans(self) -> None:
        """Change plans for some cases, follow-ups that sometimes lapse; housing plans for some homeless."""
        rng = self.rng
        renew = random.Random(f"{self.options.seed}-plans")
        plan_rows: list[tuple] = []
        followups: list[tuple] = []
        plan_id = 0
        for case in self.cases:
            end = min(case.closed if case.closed is not None else self.as_of_day, self.as_of_day)
            kinds = [("change", 0.55)] + ([("housing", 0.6)] if case.homeless else [])
            for kind, chance in kinds:
                if rng.random() >= chance:
                    continue
                made = case.opened + rng.randrange(10, 160)
                if made > end:
                    continue
                plan_id += 1
                next_day = month_add(date.fromordinal(made), 3).toordinal()
                plan_rows.append(
                    (
                        plan_id,
                        case.id,
                        kind,
                        self.days_text(made),
                        self.days_text(next_day),
                        None
                        if case.closed is None or case.closed > self.as_of_day
                        else self.days_text(case.closed),
                    )
                )
                next_day = self._follow_ups(rng, plan_id, next_day, end, followups)
                # Förnyelse: a lapsed change plan is often ended at a later meeting and a new one
                # made, mostly the same day. A second generator (same seed) draws this, so that
                # everything drawn after the plans stays as it was.
                closed = plan_rows[-1][5]
                while kind == "change" and renew.random() < 0.5:
                    ended = next_day + renew.randrange(7, 120)
                    if ended > end:
                        break
                    plan_rows[-1] = (*plan_rows[-1][:5], self.days_text(ended))
                    made = ended + (0 if renew.random() < 0.7 else renew.randrange(1, 90))
                    if made >= end:
                        break
                    plan_id += 1
                    next_day = month_add(date.fromordinal(made), 3).toordinal()
                    plan_rows.append((plan_id, case.id, kind, self.days_text(made),
                                      self.days_text(next_day), closed))
                    next_day = self._follow_ups(renew, plan_id, next_day, end, followups)
        self.store.executemany(
            "INSERT INTO plan (id, case_id, kind, made, next_followup, ended) VALUES (?, ?, ?, ?, ?, ?)",
            plan_rows,
        )
        self.store.executemany(
            "INSERT INTO followup (plan_id, date, next_followup) VALUES (?, ?, ?)", followups
        )
        self._count("plan", len(plan_rows))
        self._count("followup", len(followups))

    # -- budget and actuals ------------------------------------------------------------------------

    def _follow_ups(self, draw: random.Random, plan_id: int, next_day: int, end: int,
                    followups: list[tuple]) -> int:
        """A plan's follow-ups, each held near its due day, until one lapses or the case
        ends; returns the next follow-up day (an ordinal) the last one set."""
        while draw.random() < 0.8:
            held = next_day + draw.randrange(-7, 28)
            if held > end:
                break
            next_day = month_add(date.fromordinal(held), 3).toordinal()
            followups.append((plan_id, self.days_text(held), self.days_text(next_day)))
        return next_day

    def ledger_start(self) -> tuple[int, int]:
        """The first month of the demo's budget and actuals: the demo's first month, or
        January :data:`LEDGER_YEARS` years before the as-of year if that is earlier.

        The controller's ledger is older than the unit's case records in ekbist: a default
        demo (24 months) still has three finished years to backtest the prognosis methods
        on, and the year before them that the seasonal method carries on.
        """
        return min(self.months[0], (self.as_of.year - LEDGER_YEARS, 1))

    def _earlier_payments(self, paid: dict[str, int]) -> dict[str, int]:
        """The assistance payments booked before the demo's first month (the ledger's
        months without cases in ekbist): the demo's first twelve months' mean, 2 % a year
        less for each year further back, ±3 % month to month. Drawn from a generator of
        their own, so the demo's other figures do not move with the ledger's reach."""
        start = self.ledger_start()
        first = date(*self.months[0], 1)
        last_full = month_add(date(self.as_of.year, self.as_of.month, 1), -1)
        known = [paid[p] for p in (f"{y:04d}-{m:02d}" for y, m in self.months[:12]
                                   if date(y, m, 1) <= last_full) if paid.get(p)]
        if start >= self.months[0] or not known:
            return {}
        mean = sum(known) / len(known)
        draw = random.Random(f"{self.options.seed}:ledger")
        earlier = {}
        month = date(*start, 1)
        while month < first:
            back = (first.year - month.year) * 12 + first.month - month.month
            earlier[f"{month.year:04d}-{month.month:02d}"] = round(
                mean * 1.02 ** (-back / 12) * draw.uniform(0.97, 1.03))
            month = month_add(month, 1)
        return earlier

    def _budget_and_actuals(self) -> None:
        """A budget per year and monthly actuals; assistance actuals are the granted payments
        (before the demo's first month, :meth:`_earlier_payments`)."""
        rng, store = self.rng, self.store
        last_full = month_add(date(self.as_of.year, self.as_of.month, 1), -1)
        paid = {
            row[0]: row[1]
            for row in store.tuples(
                "SELECT period, sum(amount) FROM application WHERE decision IN ('granted', 'partly') "
                "GROUP BY period"
            )
        }
        paid.update(self._earlier_payments(paid))
        start = self.ledger_start()
        years = sorted({y for y, _m in self.months} | set(range(start[0], self.months[0][0])))
        # The draws of the months before the demo's come from their own generator: the
        # demo's months keep the figures they had before the ledger reached further back.
        earlier_draw = random.Random(f"{self.options.seed}:ledger-lines")
        s = self.scale
        budget_rows, actual_rows = [], []
        for year in years:
            inflation = 1.02 ** (year - 2026)
            year_paid = [paid.get(f"{year:04d}-{m:02d}") for m in range(1, 13)]
            known = [p for p in year_paid if p]
            assistance_budget = round(sum(known) / len(known) * 12 * 0.985) if known else 0
            # Every other line keeps the seed's 2014 budget's proportion to the payments
            # (46 349 tkr of payments on Entreprenader och köp av verksamhet).
            ratio = assistance_budget / SEED_PAYMENTS if assistance_budget else s
            lines = {
                activity: {line: tkr * 1000 * ratio for line, tkr in seed.items() if tkr}
                for activity, seed in SEED_BUDGET.items()
            }
            for activity, amounts in lines.items():
                for line, amount in amounts.items():
                    yearly = round(amount * inflation)
                    budget_rows.append((year, activity, line, yearly))
                    for month in range(1, 13):
                        if date(year, month, 1) > last_full or (year, month) < start:
                            continue
                        season = _season(activity, line, month)
                        noise = (rng if (year, month) >= self.months[0] else earlier_draw)
                        actual_rows.append(
                            (
                                year,
                                month,
                                activity,
                                line,
                                round(yearly / 12 * season * noise.uniform(0.94, 1.07)),
                            )
                        )
            budget_rows.append((year, ASSISTANCE_ACTIVITY, PAYMENTS_LINE, assistance_budget))
            for month in range(1, 13):
                if date(year, month, 1) > last_full or (year, month) < start:
                    continue
                actual_rows.append(
                    (
                        year,
                        month,
                        ASSISTANCE_ACTIVITY,
                        PAYMENTS_LINE,
                        paid.get(f"{year:04d}-{month:02d}", 0),
                    )
                )
        store.executemany(
            "INSERT INTO budget (year, activity, line, amount) VALUES (?, ?, ?, ?)", budget_rows
        )
        store.executemany(
            "INSERT INTO actual (year, month, activity, line, amount) VALUES (?, ?, ?, ?, ?)",
            actual_rows,
        )
        self._count("budget", len(budget_rows))
        self._count("actual", len(actual_rows))
        self._saved_prognoses()

    def _saved_prognoses(self) -> None:
        """This year's monthly prognoses so far and those of every earlier year the demo
        holds from January, each saved on the working day it was due (setting
        budget.prognosis_due_workday), with a comment on the assistance line — so a finished
        year's prognoses can be scored."""
        from ekbist import prognosis, settings

        store = self.store
        due = int(settings.get(store, "budget.prognosis_due_workday"))
        key = (str(settings.get(store, "budget.assistance_activity")),
               str(settings.get(store, "budget.assistance_line")))
        whole_years = {y for y, m in self.months if m == 1} | {self.as_of.year}
        saved = 0
        for y, month in self.months:
            if y not in whole_years or (y, month) >= (self.as_of.year, self.as_of.month):
                continue
            year = y
            following = month_add(date(y, month, 1), 1).isoformat()
            day = store.scalar("SELECT day FROM workday WHERE day >= ? ORDER BY day LIMIT 1 OFFSET ?",
                               (following, due - 1))
            if day is None or day > self.as_of.isoformat():
                continue
            result = prognosis.make(store, year, month)
            for row in result["lines"]:
                if (row["activity"], row["line"]) == key:
                    row["comment"] = ("Fler hushåll än budgeterat" if row["deviation"] < 0
                                      else "Färre hushåll än budgeterat")
            saved += prognosis.save(store, result, today=date.fromisoformat(day))
        self._count("prognosis", saved)
