"""Sum rows ('Summa', 'Totalt', 'Netto' …): which rows are totals, and when a total agrees.

People close their sheets with totals: a subtotal per activity, 'Summa intäkter', 'Summa
netto', a grand total. ekbist never imports such a row; it checks it against the rows
above it, so that a sheet whose figures do not add up is refused before anything is
written. Both layouts the importer reads follow this one rule: the declared (long)
sheets of :mod:`ekbist.sheets.importer` and the controller's wide sheets of
:mod:`ekbist.sheets.wide_sheet`.

* A row is a total when its label starts with one of :data:`SUM_WORDS` (any case and
  spacing): 'Summa …', 'Total …'/'Totalt', 'Sum …', 'Netto …'/'Net …', 'Resultat …'.
  On a long sheet the label is the row's first filled cell, on a wide sheet its line or
  activity cell.
* A stated total agrees with its lines when it is within half a unit of one of the sums it
  may stand for (:func:`agrees`): a total may be rounded to the unit the sheet's figures
  are written in, never more. A wide sheet in tkr may thus state a total to the whole
  tkr (half a tkr either way); the long sheets carry their figures as they are (kronor,
  FTE), so there the unit is a hundredth (:data:`HUNDREDTH`) and only the noise of
  decimal fractions is forgiven. A total that differs by more than rounding is refused.

Where the two checkers differed before they met here, the decision was: the wider words
of the controller's sheets for both (a 'Netto' or 'Resultat' row on a long budget sheet
is a total, as it is on a wide one), and half a unit of the figures as written as the
tolerance for both. Which sums a total may stand for (the rows since the previous total,
the activity's block, the whole sheet; gross, revenues, costs or net) is the layout's
to say, since only the layout knows its blocks and the kinds of its lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SUM_WORDS = ("summa", "total", "sum ", "netto", "net ", "resultat")
# The first letters of the words, for a reader that looks at millions of cells: only a
# cell starting with one of these can be a total's label.
SUM_INITIALS = frozenset(w[0] for w in SUM_WORDS) | frozenset(w[0].upper() for w in SUM_WORDS)
HUNDREDTH = 0.01


def is_sum_label(text: object) -> bool:
    """Whether a cell's text marks its row as a total ('Summa netto', ' TOTALT', 'Resultat')."""
    if not isinstance(text, str):
        return False
    label = " ".join(text[:40].split()).casefold()
    return label.startswith(SUM_WORDS) or label in ("sum", "net")


_NET = re.compile(r"netto|\bnet\b|resultat")
_REVENUE = re.compile(r"intäkt|revenue|income")
_COST = re.compile(r"kostnad|cost|expense")


def sum_kind(text: str) -> str | None:
    """What a total's label says it sums: 'net' (costs − revenues: 'Summa netto',
    'Nettokostnad', 'Resultat'), 'revenue' ('Summa intäkter'), 'cost' ('Summa kostnader'),
    or None for a plain 'Summa'/'Totalt'. A net cost is a net, not a cost."""
    label = " ".join(str(text).split()).casefold()
    for kind, words in (("net", _NET), ("revenue", _REVENUE), ("cost", _COST)):
        if words.search(label):
            return kind
    return None


def agrees(stated: float, totals: Iterable[float], *, unit: float) -> bool:
    """Whether ``stated`` is one of ``totals`` rounded to ``unit`` (all in the same unit):
    within half a unit of it, the half included, as rounding half up gives."""
    return any(2 * abs(stated - total) <= unit for total in totals)
