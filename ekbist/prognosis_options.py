"""How a prognosis is asked for: which rows a key names, methods, figures and comments.

``prognosis make --method KEY=METHOD --set KEY=AMOUNT --comment KEY=TEXT`` (and the
setting ``prognosis.line_methods``) name rows by line, ACTIVITY:LINE or ``*``; this reads
those keys against the year's rows and checks each value, so :mod:`ekbist.prognosis`
only computes.
"""

from __future__ import annotations

from typing import Any

from ekbist import budget as budget_store
from ekbist import codes, settings
from ekbist.budget import fold
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import no_personnummer

# The methods a prognosis computes, simplest first (their words: codes.FORECAST_METHODS).
METHODS = tuple(codes.FORECAST_METHODS)
MANUAL = "manual"
# ``--method best``: per line, the method with the lowest backtest error for the month of
# the year (:func:`ekbist.prognosis_backtest.best_methods`, handed in as ``choose_best``).
# Its words are those of the code ``method_choice`` 'best' (codes.METHOD_CHOICES).
BEST = "best"
# A tie in the backtest goes to the simpler method: the order of codes.FORECAST_METHODS.
SIMPLICITY = METHODS


def method_words() -> list[str]:
    """The method names to offer in the active language (:func:`codes.forecast_method_words`);
    any word of ``codes.PROGNOSIS_METHODS`` (code, label, Swedish word or short word) is
    accepted."""
    return codes.forecast_method_words()


COMMENT_MAX = 300


def split_assignment(text: str, option: str, *, bare: str | None = None) -> tuple[str, str]:
    """'KEY=VALUE' of a figure, method or comment set by hand (``option``: 'set', 'method'
    or 'comment'); KEY is LINE or ACTIVITY:LINE. With ``bare``, a VALUE alone means
    ``bare=VALUE`` (``--method best`` is ``--method '*=best'``)."""
    key, sep, value = str(text).partition("=")
    if not sep and bare is not None and str(text).strip():
        return bare, str(text).strip()
    if not sep or not key.strip():
        raise EkbistError.about(_("{option} wants LINE=VALUE or ACTIVITY:LINE=VALUE, not '{value}'"),
                                {"option": option}, value=text)
    return key.strip(), value.strip()


class Rows:
    """The (activity, line) rows of a prognosis, and how options name them."""

    def __init__(self, store: Store, year: int, month: int):
        self.known = budget_store.lines(store)
        self.kind = {line["name"]: line["kind"] for line in self.known}
        self.position = {line["name"]: line["position"] for line in self.known}
        self.activities = budget_store.activities(store, year)
        figures = store.query(
            "SELECT activity, line, sum(b) AS budget, sum(a) AS actual_ytd FROM ("
            " SELECT activity, line, amount AS b, 0 AS a FROM budget WHERE year = :y"
            " UNION ALL SELECT activity, line, 0, amount FROM actual"
            " WHERE year = :y AND month <= :m) GROUP BY activity, line",
            {"y": year, "m": month},
        )
        self.rows: dict[tuple[str, str], dict[str, Any]] = {
            (f["activity"], f["line"]): {"budget": f["budget"], "actual_ytd": f["actual_ytd"]}
            for f in figures
        }

    def add(self, activity: str, line: str) -> None:
        self.rows.setdefault((activity, line), {"budget": 0, "actual_ytd": 0})

    def ordered(self) -> list[tuple[str, str]]:
        order = {a: i for i, a in enumerate(self.activities)}
        return sorted(
            self.rows, key=lambda k: (order.get(k[0], 1_000_000), self.position[k[1]], k[1])
        )

    def _activity(self, text: str) -> str:
        for name in self.activities:
            if fold(name) == fold(text):
                return name
        raise EkbistError(
            _("no activity '{value}' in this year's budget or actuals (known: {known})").format(
                value=text, known=", ".join(self.activities)
            )
        )

    def targets(self, key: str, option: str, *, single: bool) -> list[tuple[str, str]]:
        """The rows ``key`` names: '*' (every row), LINE (every activity) or ACTIVITY:LINE.

        With ``single`` the key must name exactly one row (a figure or a comment).
        """
        if key == "*" and not single:
            return list(self.rows)
        if ":" in key:
            activity_text, _sep, line_text = key.rpartition(":")
            activity = self._activity(activity_text.strip())
            line = budget_store.resolve_line(self.known, line_text.strip())["name"]
            self.add(activity, line)
            return [(activity, line)]
        line = budget_store.resolve_line(self.known, key)["name"]
        found = [k for k in self.rows if k[1] == line]
        if single and len(found) > 1:
            raise EkbistError.about(
                _("{option} {line}: the line is in several activities ({activities}) — "
                  "write ACTIVITY:LINE"), {"option": option},
                line=line, activities=", ".join(a for a, _l in found))
        if not found:
            if len(self.activities) == 1:
                self.add(self.activities[0], line)
                return [(self.activities[0], line)]
            raise EkbistError(
                _("{option} {line}: no activity has this line this year — "
                  "write ACTIVITY:LINE").format(option=option, line=line)
            )
        return found


def comment_text(text: str, where: str) -> str:
    clean = " ".join(str(text).split())
    if not clean:
        raise EkbistError.about(_("{comment} {line}: the comment is empty"),
                                {"comment": "comment"}, line=where)
    if len(clean) > COMMENT_MAX:
        raise EkbistError.about(_("{comment} {line}: at most {n} characters"),
                                {"comment": "comment"}, line=where, n=COMMENT_MAX)
    no_personnummer(clean, _("comment"))
    for word in clean.split():
        no_personnummer(word.strip(".,;:()"), _("comment"))
    return clean


def method_code(value: str, key: str) -> str:
    if codes.find_code("method_choice", fold(value)) == BEST:
        return BEST
    method = codes.forecast_method(fold(value))
    if method is None:  # a line set by hand is --set, not a method
        raise EkbistError.about(
            _("{method} {line}: unknown method '{value}' (known: {methods})"),
            {"method": "method"}, line=key, value=value,
            methods=", ".join([*method_words(), best_word()]))
    return method


def best_word() -> str:
    """'best' as the active language types it."""
    from ekbist.i18n import language

    return codes.swedish("method_choice", BEST) if language() == "sv" else BEST


def line_methods(store: Store) -> list[tuple[str, str]]:
    """The rows whose method the setting ``prognosis.line_methods`` fixes:
    'LINE=METHOD; ACTIVITY:LINE=METHOD' (empty or '-' for none)."""
    return settings.line_method_pairs(str(settings.get(store, "prognosis.line_methods")))


def method_targets(rows: Rows, key: str, origin: str | None) -> list[tuple[str, str]]:
    """The rows a --method key names; a key of the setting whose line exists but is not in
    this year's prognosis names none (a setting outlives a year's budget; a typo does not)."""
    if origin is None:
        return rows.targets(key, "method", single=False)
    try:
        return rows.targets(key, "prognosis.line_methods", single=False)
    except EkbistError:
        line = key.rpartition(":")[2].strip()
        try:
            budget_store.resolve_line(rows.known, line)  # an unknown line is an error
        except EkbistError as exc:
            raise EkbistError(_("setting prognosis.line_methods: {reason}").format(
                reason=exc)) from None
        return []


def best_usable(entry: dict[str, Any] | None, seasonal_ok: bool,
                 driver_ok: bool) -> tuple[str, float | None] | None:
    """The backtest's closest method for a row that can run now, and its error."""
    if entry is None:
        return None
    usable = {"run-rate": True, "budget": True, "seasonal": seasonal_ok, "driver": driver_ok}
    scored = sorted(
        (round(error, 9), SIMPLICITY.index(method), method)
        for method, error in entry["errors"].items() if error is not None and usable[method])
    return (scored[0][2], scored[0][0]) if scored else None
