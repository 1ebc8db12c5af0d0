"""The house's number formats: one per kind of number, in every workbook ekbist writes.

A workbook keeps numbers as numbers; the format only decides how Excel shows them. The
codes are Excel's locale-independent ones: a Swedish Excel shows ``#,##0`` as "1 000"
and ``0.0 %`` as "87,8 %". One form per kind of number, so that a share never reads
"8,67 %" in one sheet and "13,7 %" in the next (docs/glossary.md, "Numbers").
tests/test_glossary_output.py opens every workbook and fails on any other format.
"""

from __future__ import annotations

PERCENT = "0.0 %"
"""A share: one decimal, a space before the sign (87,8 %)."""

POPULATION_PERCENT = "0.00 %"
"""A share of the municipality's population: two decimals, as Kolada writes them (0,57 %)."""

COUNT = "#,##0"
"""A count (households, cases, days, applications): whole, grouped (1 619)."""

DECIMAL = "#,##0.0"
"""An average or a ratio (114,5 households a month, 6,5 cases per FTE, 4,2 working days)."""

FTE = "0.00"
"""An employment rate or a sum of them (0,75; 17,25 årsarbetare): two decimals."""

KR = "#,##0"
"""Money in whole kronor."""

TKR = "#,##0"
"""Money in thousands of kronor (the controller's sheets)."""

PLAIN = "General"
"""Years, months and values in a unit of their own (a setting, a target): never grouped."""

TARGET_PERCENTS = (PERCENT, PERCENT, POPULATION_PERCENT, "0.000 %", "0.0000 %")
"""A target or an outcome on a share, by the decimals it is shown with beside its target
(:func:`ekbist.reports.targets.outcome_decimals`): 0,59 % beside ≤ 0,5 %, never 0,6 %."""

HOUSE = frozenset({PERCENT, POPULATION_PERCENT, COUNT, DECIMAL, FTE, KR, TKR, PLAIN,
                   *TARGET_PERCENTS})
"""Every format ekbist writes on a number."""
