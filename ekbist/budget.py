"""Budget and actuals (utfall) per year, activity and budget line, in whole kronor.

The controller thinks in tkr, but every amount is stored in whole kronor so that
sums never drift: a sum is always built from kronor and rounded to tkr only when
it is shown (:func:`ekbist.money.round_div`, halves away from zero). Each budget line is a
revenue or a cost; the net of an activity is its costs minus its revenues, the
way the city's budget tables ("Summa netto") present it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.money import parse_amount
from ekbist.store import Store
from ekbist.validate import no_personnummer, parse_year

# The years a budget, actuals and a prognosis may be for.
YEARS = YEAR_MIN, YEAR_MAX = 2000, 2100
KINDS = ("revenue", "cost")

# The seeds' lines, in the order the city's budget tables list them.
DEFAULT_LINES: tuple[tuple[str, str], ...] = (
    ("Förvaltningsinterna intäkter", "revenue"),
    ("Bidrag", "revenue"),
    ("Försäljning av verksamhet", "revenue"),
    ("Övriga externa intäkter", "revenue"),
    ("Förvaltningsinterna kostnader", "cost"),
    ("Personalkostnader", "cost"),
    ("Övriga personalkostnader", "cost"),
    ("Lokalkostnader", "cost"),
    ("Entreprenader och köp av verksamhet", "cost"),
    ("Övriga kostnader", "cost"),
)


# -- years, months, activities, lines ----------------------------------------------
def check_year(year: Any) -> int:
    return parse_year(year, YEAR_MIN, YEAR_MAX)


def check_month(month: Any) -> int:
    try:
        number = int(str(month).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 12:
        raise EkbistError(_("'{value}' is not a month (1–12)").format(value=month))
    return number


def fold(value: Any) -> str:
    """Case and spacing folded, for matching names typed by people (and read from their
    workbooks: an empty cell folds to "")."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


def activity_name(text: Any) -> str:
    """A clean activity name: trimmed, single spaces, 1–80 characters, no personnummer."""
    name = " ".join(str(text or "").split())
    if not name or len(name) > 80:
        raise EkbistError(
            _("an activity name must be 1–80 characters, not '{value}'").format(value=text)
        )
    no_personnummer(name, _("activity"))
    return name


def lines(store: Store) -> list[dict[str, Any]]:
    """The budget lines (intäkts- och kostnadsslag) in their reporting order."""
    return store.query("SELECT name, kind, position FROM budget_line ORDER BY position, name")


def did_you_mean(text: Any, names: list[str]) -> str:
    """' — did you mean 'X'?' for the known name closest to a typo, or '' if none is close."""
    import difflib

    folded = {fold(name): name for name in names}
    close = difflib.get_close_matches(fold(text), list(folded), n=1, cutoff=0.6)
    return _(" — did you mean '{name}'?").format(name=folded[close[0]]) if close else ""


def resolve_line(known: list[dict[str, Any]], text: Any) -> dict[str, Any]:
    """The budget line ``text`` names (any case and spacing)."""
    wanted = fold(text)
    for line in known:
        if fold(line["name"]) == wanted:
            return line
    names = [line["name"] for line in known]
    raise EkbistError(
        _("unknown budget line '{value}'{hint} (known: {lines}; 'ekbist budget add-line' adds "
          "one)").format(value=text, hint=did_you_mean(text, names), lines=", ".join(names))
    )


def check_line_name(name: Any) -> str:
    """A clean budget line name: trimmed, single spaces, 1–80 characters without '=' or ':'
    (they separate activity and line in ``--method``), no personnummer."""
    clean = " ".join(str(name or "").split())
    if not clean or len(clean) > 80 or "=" in clean or ":" in clean:
        raise EkbistError(
            _("a budget line name must be 1–80 characters without '=' or ':', "
              "not '{value}'").format(value=name)
        )
    no_personnummer(clean, _("budget line"))
    return clean


def add_line(store: Store, name: str, kind: str, *, after: str | None = None) -> dict[str, Any]:
    """A unit's own budget line, placed after ``after`` (default: last of its kind)."""
    clean = check_line_name(name)
    kind = parse_kind(kind)
    known = lines(store)
    if any(fold(line["name"]) == fold(clean) for line in known):
        raise EkbistError(_("budget line '{name}' exists already").format(name=clean))
    if after is not None:
        anchor = resolve_line(known, after)
        if anchor["kind"] != kind:
            raise EkbistError(
                _("'{name}' is a {kind} line; place a new line among lines of its own kind").format(
                    name=anchor["name"], kind=kind_label(anchor["kind"])
                )
            )
    else:
        same = [line for line in known if line["kind"] == kind]
        anchor = same[-1] if same else None
    if anchor is None:
        position = 5 if kind == "revenue" else max((x["position"] for x in known), default=0) + 10
    else:
        later = [line["position"] for line in known if line["position"] > anchor["position"]]
        free = not later or min(later) > anchor["position"] + 1
        position = anchor["position"] + 1 if free else None
    with store.transaction():
        if position is None:
            # Make room: shift every later line one step on.
            store.execute(
                "UPDATE budget_line SET position = position + 10 WHERE position > ?",
                (anchor["position"],),
            )
            position = anchor["position"] + 1
        store.execute(
            "INSERT INTO budget_line (name, kind, position) VALUES (?, ?, ?)",
            (clean, kind, position),
        )
    return {"name": clean, "kind": kind, "position": position}


def parse_kind(text: str) -> str:
    folded = fold(text)
    aliases = {"revenue": "revenue", "intäkt": "revenue", "intäkter": "revenue",
               "income": "revenue", "cost": "cost", "kostnad": "cost", "kostnader": "cost",
               "expense": "cost"}
    if folded not in aliases:
        raise EkbistError(_("'{value}' is not a line kind (revenue or cost)").format(value=text))
    return aliases[folded]


def kind_label(kind: str) -> str:
    return _("revenue") if kind == "revenue" else _("cost")


def activities(store: Store, year: int) -> list[str]:
    """The activities with a budget or actuals in ``year``, in the order they first came in."""
    rows = store.query(
        "SELECT activity, min(src) AS src, min(seq) AS seq FROM ("
        " SELECT activity, 0 AS src, rowid AS seq FROM budget WHERE year = :y"
        " UNION ALL SELECT activity, 1 AS src, rowid AS seq FROM actual WHERE year = :y"
        ") GROUP BY activity ORDER BY src, seq",
        {"y": year},
    )
    return [r["activity"] for r in rows]


def stored_activities(store: Store) -> list[str]:
    """Every activity any year has a budget or actuals for, by name."""
    return [r["activity"] for r in store.query(
        "SELECT activity FROM budget UNION SELECT activity FROM actual ORDER BY 1")]


def known_activities(store: Store) -> list[str]:
    """The names an amount may be set on without saying it is a new activity: every stored
    activity of any year, and the activity the prognosis driver forecasts (known before any
    amount is set on it)."""
    from ekbist import settings

    every = stored_activities(store)
    assistance = str(settings.get(store, "budget.assistance_activity"))
    if all(fold(name) != fold(assistance) for name in every):
        every.append(assistance)
    return every


def resolve_activity(store: Store, year: int, text: Any, *, new_ok: bool,
                     other_years: bool = False) -> str:
    """An activity of ``year`` named by ``text`` in any case; with ``other_years`` also one of
    another year (a new year's budget goes on with last year's activities); a name never
    seen only if ``new_ok``."""
    name = activity_name(text)
    for known in activities(store, year):
        if fold(known) == fold(name):
            return known
    every = stored_activities(store)
    if other_years:
        from ekbist import settings

        # The activity the prognosis driver forecasts is known before any amount is set;
        # and in a store with no activity yet there is nothing a name could be a typo of.
        assistance = str(settings.get(store, "budget.assistance_activity"))
        if not every or fold(assistance) == fold(name):
            every.append(assistance if fold(assistance) == fold(name) else name)
    if new_ok or other_years:
        # Same activity as another year's spelling, if there is one.
        other = next((a for a in every if fold(a) == fold(name)), None)
        if other is not None:
            return other
    if new_ok:
        return name
    known = activities(store, year)
    hint = did_you_mean(text, known or every)
    if other_years:
        raise EkbistError.about(
            _("no activity '{value}' in {year}{hint} (known: {known}; give {new} to add a new "
              "activity)"), {"new": "new"}, value=text, year=year, hint=hint,
            known=", ".join(known or every) or _("none"))
    raise EkbistError(
        _("no activity '{value}' in {year}{hint} (known: {known})").format(
            value=text, year=year, hint=hint, known=", ".join(known) or _("none")
        )
    )


# -- writing -----------------------------------------------------------------------
def set_budget(store: Store, year: Any, activity: Any, line: Any, amount: Any, *,
               new: bool = True) -> dict[str, Any]:
    """Set one budget amount (whole kronor); returns it with the amount it replaced.

    With ``new`` False an activity no year has is refused with the closest known name
    (a typo must not become an activity of its own); the command line passes its --new.
    """
    return _set_amount(store, "budget", {"year": check_year(year)}, activity, line, amount,
                       new=new)


def set_actual(
    store: Store, year: Any, month: Any, activity: Any, line: Any, amount: Any, *,
    new: bool = True,
) -> dict[str, Any]:
    """Set one month's actual amount (whole kronor); returns it with the amount it replaced."""
    period = {"year": check_year(year), "month": check_month(month)}
    return _set_amount(store, "actual", period, activity, line, amount, new=new)


def _set_amount(store: Store, table: str, period: dict[str, int], activity: Any, line: Any,
                amount: Any, *, new: bool) -> dict[str, Any]:
    """Upsert one amount of ``table`` (budget or actual) keyed by period, activity and line."""
    line_row = resolve_line(lines(store), line)
    kronor = parse_amount(amount, _("amount"))
    name = resolve_activity(store, period["year"], activity, new_ok=new, other_years=True)
    key = {**period, "activity": name, "line": line_row["name"]}
    columns = ", ".join(key)
    match = " AND ".join(f"{column} = :{column}" for column in key)
    with store.transaction():
        previous = store.scalar(f"SELECT amount FROM {table} WHERE {match}", key)
        store.execute(
            f"INSERT INTO {table} ({columns}, amount) VALUES (:{', :'.join(key)}, :amount) "
            f"ON CONFLICT ({columns}) DO UPDATE SET amount = excluded.amount "
            "WHERE amount IS NOT excluded.amount",
            {**key, "amount": kronor},
        )
    return {**key, "kind": line_row["kind"], "amount": kronor, "previous": previous}


# -- reading -----------------------------------------------------------------------
def net(rows: list[dict[str, Any]], key: str) -> tuple[int, int, int]:
    """(revenues, costs, net) over ``rows`` — sums of kronor, net = costs − revenues."""
    revenues = sum(r[key] for r in rows if r["kind"] == "revenue")
    costs = sum(r[key] for r in rows if r["kind"] == "cost")
    return revenues, costs, costs - revenues


def budget_report(store: Store, year: Any, *, activity: Any = None) -> dict[str, Any]:
    """The year's budget per activity and line, with revenues, costs and net in kronor."""
    year = check_year(year)
    wanted = resolve_activity(store, year, activity, new_ok=False) if activity is not None else None
    rows = store.query(
        "SELECT b.activity, b.line, l.kind, b.amount FROM budget b "
        "JOIN budget_line l ON l.name = b.line WHERE b.year = ? ORDER BY l.position, l.name",
        (year,),
    )
    result = []
    for name in activities(store, year):
        if wanted is not None and name != wanted:
            continue
        mine = [r for r in rows if r["activity"] == name]
        if not mine:
            continue
        revenues, costs, net_ = net(mine, "amount")
        result.append({
            "activity": name,
            "lines": [{"line": r["line"], "kind": r["kind"], "amount": r["amount"]} for r in mine],
            "revenues": revenues, "costs": costs, "net": net_,
        })
    total = {
        "revenues": sum(a["revenues"] for a in result),
        "costs": sum(a["costs"] for a in result),
        "net": sum(a["net"] for a in result),
    }
    return {"year": year, "activities": result, "total": total}


def actuals_report(store: Store, year: Any, *, activity: Any = None) -> dict[str, Any]:
    """The year's actuals per activity, line and month (None where nothing is booked)."""
    year = check_year(year)
    wanted = resolve_activity(store, year, activity, new_ok=False) if activity is not None else None
    rows = store.query(
        "SELECT a.activity, a.line, l.kind, a.month, a.amount FROM actual a "
        "JOIN budget_line l ON l.name = a.line WHERE a.year = ? "
        "ORDER BY l.position, l.name, a.month",
        (year,),
    )
    last_month = max((r["month"] for r in rows), default=0)
    result = []
    for name in activities(store, year):
        if wanted is not None and name != wanted:
            continue
        by_line: dict[str, dict[str, Any]] = {}
        for r in rows:
            if r["activity"] != name:
                continue
            entry = by_line.setdefault(
                r["line"], {"line": r["line"], "kind": r["kind"], "months": [None] * 12, "total": 0}
            )
            entry["months"][r["month"] - 1] = r["amount"]
            entry["total"] += r["amount"]
        if not by_line:
            continue
        line_list = list(by_line.values())
        sums = {"revenues": [0] * 12, "costs": [0] * 12}
        for entry in line_list:
            target = sums["revenues" if entry["kind"] == "revenue" else "costs"]
            for i, value in enumerate(entry["months"]):
                target[i] += value or 0
        result.append({
            "activity": name,
            "lines": line_list,
            "revenues": sums["revenues"],
            "costs": sums["costs"],
            "net": [c - r for c, r in zip(sums["costs"], sums["revenues"], strict=True)],
        })
    total_net = [sum(a["net"][i] for a in result) for i in range(12)]
    return {"year": year, "last_month": last_month or None, "activities": result,
            "total": {"net": total_net, "net_ytd": sum(total_net)}}


def latest_actual_month(store: Store, year: int) -> int | None:
    return store.scalar("SELECT max(month) FROM actual WHERE year = ?", (year,))
