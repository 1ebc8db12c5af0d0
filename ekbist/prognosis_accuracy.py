"""How close each saved prognosis of a year came to the year's outcome.

Every month the chief sends the controller a full-year prognosis (:mod:`ekbist.prognosis`,
saved with ``prognosis make --save``). Once the year's twelve months of actuals are
booked, each saved prognosis is held against the outcome — per line, per activity's net
and for the unit's net — so a chief sees how early in the year the prognosis became good.

* error = prognosis − outcome (positive: the prognosis was too high);
* error share = error ÷ |outcome| (none when the outcome is 0);
* MAPE, the mean absolute percentage error = the mean of |error share| over the saved
  months; bias = the mean of the signed error shares (above 0: too high on average).

A year whose actuals are not all booked is refused, naming the missing months, unless
``partial``: then the outcome is what is booked so far and every result says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ekbist import budget as budget_store
from ekbist import prognosis as prognosis_lib
from ekbist.budget import check_year
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import MONTH_NAMES
from ekbist.number_text import round_half_away
from ekbist.prognosis_ledger import Ledger
from ekbist.store import Store


def _signed_share(error: int, outcome: int) -> float | None:
    # Four decimals, as every share in the reports' JSON (0.0188 = 1.88 %).
    return None if outcome == 0 else round_half_away(error / abs(outcome), 4)


def _scores(by_month: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """MAPE, bias and mean error (kr) over a row's saved months."""
    shares = [m["error_share"] for m in by_month if m["error_share"] is not None]
    return {
        "mape": round_half_away(sum(abs(s) for s in shares) / len(shares), 4) if shares else None,
        "bias": round_half_away(sum(shares) / len(shares), 4) if shares else None,
        "mean_error": round(sum(m["error"] for m in by_month) / len(by_month)) if by_month else None,
    }


def _scored(prognosis: int, outcome: int) -> dict[str, Any]:
    error = prognosis - outcome
    return {"prognosis": prognosis, "error": error, "error_share": _signed_share(error, outcome)}


def accuracy(store: Store, year: Any, *, partial: bool = False,
             months: Sequence[int] | None = None) -> dict[str, Any]:
    """Each saved prognosis of ``year`` (or of ``months`` of it) against the outcome.

    Raises when nothing is saved for the year, or when the year's actuals are not all
    booked and not ``partial``.
    """
    year = check_year(year)
    with store.snapshot():
        saved = prognosis_lib.history(store, year)["prognoses"]
        if months is not None:
            saved = [p for p in saved if p["month"] in months]
        if not saved:
            raise EkbistError(
                _("no prognosis saved for {year} — a prognosis is saved with "
                  "'ekbist prognosis make --save'").format(year=year))
        ledger = Ledger.read(store, [year])
    complete = ledger.complete(year)
    if not complete and not partial:
        missing = ledger.describe_missing(year) or _("{year}: no actuals").format(year=year)
        raise EkbistError.about(
            _("the outcome of {year} is not complete: no actuals booked for {missing} — "
              "book them, or ask for {partial}"), {"partial": "partial"},
            year=year, missing=missing)
    # Each saved prognosis figure by (activity, line) and month, and the rows in order: the
    # year's ledger first, then rows only a saved prognosis has.
    figures = {((r["activity"], r["line"]), p["month"]): r["prognosis"]
               for p in saved for r in p["lines"]}
    keys = list(dict.fromkeys([*ledger.keys(year), *(key for key, _m in figures)]))
    kinds = ledger.kinds

    lines = []
    for key in keys:
        outcome = ledger.outcome(key, year)
        by_month = [{"month": p["month"], **_scored(figures[key, p["month"]], outcome)}
                    for p in saved if (key, p["month"]) in figures]
        lines.append({"activity": key[0], "line": key[1], "kind": kinds.get(key[1], "cost"),
                      "outcome": outcome, "by_month": by_month, **_scores(by_month)})

    outcomes: dict[str, list[dict[str, Any]]] = {}
    for r in lines:
        outcomes.setdefault(r["activity"], []).append({"kind": r["kind"], "outcome": r["outcome"]})

    def net_outcome(activity: str | None) -> int:
        rows = ([r for rows in outcomes.values() for r in rows] if activity is None
                else outcomes.get(activity, []))
        return budget_store.net(rows, "outcome")[2]

    activities = []
    names = list(dict.fromkeys(k[0] for k in keys))
    nets = {(a["activity"], p["month"]): a["prognosis_net"] for p in saved for a in p["activities"]}
    for name in names:
        outcome_net = net_outcome(name)
        by_month = [{"month": p["month"], **_scored(nets.get((name, p["month"]), 0), outcome_net)}
                    for p in saved]
        activities.append({"activity": name, "outcome_net": outcome_net, "by_month": by_month,
                           **_scores(by_month)})
    outcome_net = net_outcome(None)
    total_months = [{"month": p["month"], "budget_net": p["total"]["budget_net"],
                     **_scored(p["total"]["prognosis_net"], outcome_net)} for p in saved]
    booked = max((ledger.booked_through(k, year) for k in keys), default=0)
    return {
        "year": year,
        "complete": complete,
        "outcome_through": 12 if complete else booked,
        "missing_actuals": ledger.missing.get(year, []),
        "months": [p["month"] for p in saved],
        "lines": lines,
        "activities": activities,
        "total": {"outcome_net": outcome_net, "by_month": total_months, **_scores(total_months)},
    }


def preliminary_note(year: int, through: int) -> str:
    """The note beside scores whose outcome is what is booked so far (``through``: the
    last month booked, 0 for none) — the same words on the screen and in the workbook."""
    month = _(MONTH_NAMES[through - 1]) if through else "–"
    return _("Preliminary: the outcome is the actuals booked through {month} {year}.").format(
        month=month, year=year)


# A prognosis is "good" within this share of the outcome (0.02 = 2 %): the one threshold
# the accuracy's messages and tables name.
GOOD_WITHIN = 0.02


def first_good_month(by_month: Sequence[dict[str, Any]],
                     within: float = GOOD_WITHIN) -> int | None:
    """The first saved month from which every later prognosis was within ``within``
    (a share: 0.02 = 2 %) of the outcome — when the prognosis "became good"."""
    good = None
    for m in by_month:
        share = m["error_share"]
        if share is not None and abs(share) <= within:
            good = good or m["month"]
        else:
            good = None
    return good



# The months a tertial report is made in (tertial 1 = January–April, 2 = January–August).
TERTIAL_MONTHS = (4, 8)


def tertial_scores(store: Store, year: int) -> dict[str, Any] | None:
    """April's and August's saved prognoses of ``year`` — the two the tertial reports sent
    — against the year's outcome, as far as it is booked (``complete`` says whether the
    year's twelve months are). None when neither was saved or nothing is booked."""
    try:
        found = accuracy(store, year, partial=True, months=TERTIAL_MONTHS)
    except EkbistError:
        return None
    total = found["total"]
    return {
        "year": year,
        "complete": found["complete"],
        "outcome_through": found["outcome_through"],
        "outcome_net": total["outcome_net"],
        "months": [{"month": m["month"], "prognosis_net": m["prognosis"], "error": m["error"],
                    "error_share": m["error_share"]} for m in total["by_month"]],
    }
