"""Money: amounts read as whole kronor or refused, rounded to tkr halves away from zero."""

from __future__ import annotations

import pytest

from ekbist import money
from ekbist.errors import EkbistError


@pytest.mark.parametrize(
    ("kronor", "tkr"),
    [(0, 0), (499, 0), (500, 1), (1499, 1), (1500, 2), (2500, 3), (-500, -1), (-2500, -3),
     (-2499, -2), (5_111_000, 5111), (5_111_499, 5111), (5_111_500, 5112)],
)
def test_tkr_rounds_halves_away_from_zero(kronor, tkr):
    assert money.to_tkr(kronor) == tkr


@pytest.mark.parametrize(
    ("text", "kronor"),
    [("5 111 000", 5_111_000), ("7 643,00", 7643), ("-44", -44), ("\u221244", -44),
     ("12 tkr", 12_000), ("1,5 tkr", 1500), ("5111000", 5_111_000), (1200, 1200), (1200.0, 1200),
     ("66,4 mnkr", 66_400_000), ("1,234,567", 1_234_567), ("3 000 kr", 3000)],
)
def test_parse_amount_accepts_swedish_and_english_text(text, kronor):
    assert money.parse_amount(text, "amount") == kronor


def test_parse_amount_in_tkr_and_float_noise():
    assert money.parse_amount(3650.123, "x", factor=1000) == 3_650_123
    assert money.parse_amount("3 650,123", "x", factor=1000) == 3_650_123
    assert money.parse_amount(1234.0000000000002, "x") == 1234


@pytest.mark.parametrize("text", ["12,5", 12.5, "1,2345 tkr", "abc", "", "12 kronor x", True])
def test_parse_amount_refuses_what_is_not_whole_kronor(text):
    with pytest.raises(EkbistError) as err:
        money.parse_amount(text, "Utfall!D7")
    assert str(err.value).startswith("Utfall!D7: ")


def test_not_whole_kronor_message():
    with pytest.raises(EkbistError, match="Utfall!D7: '12,5' — not whole kronor"):
        money.parse_amount("12,5", "Utfall!D7")
