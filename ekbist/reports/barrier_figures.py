"""Households and paid amounts by barrier to self-support (försörjningshinder), per month.

Socialstyrelsen's monthly statistics (HSLF-FS 2015:30, appendix 1) count the barrier at
each application ("vid varje ansökningstillfälle"). So here: a household with assistance
in month M (the atom of every key figure, :data:`ekbist.reports.household_months.SQL_PAYING`)
has the barrier recorded on its case on the day its last paying application for M was
decided (:func:`ekbist.barriers.sql_barrier_on`), ``not_recorded`` when none was; its
paid amount for M is the sum of its paying applications for M. So each month's
households and kronor by barrier add up to the month's households and kronor.

The JSON contract (the ``barriers`` key of ``ekbist indicators`` and of the month and
year reports): ``{"definition", "codes": [...], "months": [{"month", "by_barrier":
{code: {"households", "paid"}}}], "total": {code: {"household_months", "paid"}}}``,
every code always present (0 when none), in the order of ``codes``.
"""

from __future__ import annotations

from typing import Any

from ekbist.barriers import NOT_RECORDED, sql_barrier_on
from ekbist.codes import BARRIERS
from ekbist.i18n import N_, _
from ekbist.months import months_between
from ekbist.store import Store

# Every key of the figures, in the order shown: the national categories, then none recorded.
CODES: tuple[str, ...] = (*BARRIERS, NOT_RECORDED)

DEFINITION = N_("Households with assistance in the month (granted or partly granted, amount "
                "above 0, for that month) by the barrier to self-support recorded on their "
                "case on the day the last such application was decided (HSLF-FS 2015:30, "
                "appendix 1); paid = the kronor granted for the month.")


def sql_by_barrier(first: str = ":first", last: str = ":last") -> str:
    """SQL: (month, barrier code or NULL, households, kronor) for the months ``first`` to
    ``last``. The paying condition is the key figures' own (``SQL_PAYING``)."""
    from ekbist.reports.household_months import SQL_PAYING

    # The barrier is looked up once per household and month: named in the GROUP BY and the
    # SELECT of one query, SQLite would run its subquery twice a row.
    return f"""
        WITH pay AS (
            SELECT a.case_id, a.period, sum(a.amount) AS paid, max(a.decided) AS decided
            FROM application a
            WHERE {SQL_PAYING} AND a.period BETWEEN {first} AND {last}
            GROUP BY a.case_id, a.period),
        coded AS MATERIALIZED (
            SELECT p.period, {sql_barrier_on("p.case_id", "p.decided")} AS barrier, p.paid
            FROM pay p)
        SELECT c.period, c.barrier, count(*) AS households, sum(c.paid) AS paid
        FROM coded c GROUP BY 1, 2"""


def label(code: str) -> str:
    """A barrier code of these figures in the reader's words."""
    from ekbist.codes import label as code_label

    return _("not recorded") if code == NOT_RECORDED else code_label("barrier", code)


def by_barrier(store: Store, first: str, last: str) -> dict[str, Any]:
    """Households and kronor by barrier for each month ``first`` to ``last`` ('YYYY-MM'),
    and over the whole period (household-months: a household counts once a month)."""
    months = months_between(first, last)
    table = {m: {code: {"households": 0, "paid": 0} for code in CODES} for m in months}
    for month, code, households, paid in store.tuples(sql_by_barrier(),
                                                     {"first": first, "last": last}):
        cell = table[month][code or NOT_RECORDED]
        cell["households"] += households
        cell["paid"] += paid
    total = {code: {"household_months": sum(table[m][code]["households"] for m in months),
                    "paid": sum(table[m][code]["paid"] for m in months)} for code in CODES}
    return {"definition": _(DEFINITION), "codes": list(CODES),
            "months": [{"month": m, "by_barrier": table[m]} for m in months],
            "total": total}


def period_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per barrier with households in the period: the mean households per month and
    the kronor, the largest first (then in the order of the codes); for tables and sheets."""
    months = len(figures["months"]) or 1
    rows = [{"barrier": code, "label": label(code),
             "households_per_month": cell["household_months"] / months,
             "household_months": cell["household_months"], "paid": cell["paid"]}
            for code, cell in figures["total"].items() if cell["household_months"]]
    order = {code: i for i, code in enumerate(CODES)}
    rows.sort(key=lambda r: (-r["household_months"], order[r["barrier"]]))
    return rows
