"""Edges of the secrecy gate that its mutation run found untested: every separator the gate
names in its own tables is read as the separator it is, never as a letter that keeps two
digit groups apart; and the other side, a letter between them is no separator."""

from __future__ import annotations

import pytest

from ekbist.secrecy import looks_like_personnummer, mask

# The dashes the gate names because Unicode does not call them dashes (or NFKC keeps them).
DASHES = ["\u2212", "\u2052", "\u2796", "\ufe63", "\uff0d", "\u02d7", "\u2043", "\ufffd"]
# The dots it names: each joins digit groups as '.' does.
DOTS = ["\u2024", "\u2027", "\u00b7", "\u2219", "\u22c5", "\uff0e", "\u3002"]
# ASCII DEL, a control character outside range(0x20): it ends a word as a space does.
DEL = "\x7f"


@pytest.mark.parametrize("sep", [*DASHES, *DOTS, DEL], ids=lambda s: f"U+{ord(s):04X}")
def test_each_named_separator_is_read_as_one(sep: str) -> None:
    assert looks_like_personnummer(f"811218{sep}9876")
    assert looks_like_personnummer(f"ref 19811218{sep}9876 x")
    # the same digits with a wrong check digit are no number, whatever joins them
    assert not looks_like_personnummer(f"811218{sep}9875")


@pytest.mark.parametrize("sep", [*DASHES, DEL], ids=lambda s: f"U+{ord(s):04X}")
def test_a_number_behind_a_named_separator_is_masked(sep: str) -> None:
    shown = mask(f"klient 811218{sep}9876")
    assert shown.endswith("****") and "9876" not in shown
    assert shown.startswith("klient 811218")


@pytest.mark.parametrize("between", ["x", "Ä", "\u00e5", "\u03b1"])
def test_a_letter_between_the_groups_is_no_separator(between: str) -> None:
    assert not looks_like_personnummer(f"811218{between}9876")
    assert mask(f"811218{between}9876") == f"811218{between}9876"


@pytest.mark.parametrize("control", ["\x80", "\x9f"], ids=["U+0080", "U+009F"])
def test_a_control_character_outside_ascii_ends_a_word_as_a_space_does(control: str) -> None:
    # C1 controls are no spaces to Python (str.isspace), but the gate reads them as one.
    assert not control.isspace()
    assert looks_like_personnummer(f"811218{control}9876")
    assert not looks_like_personnummer(f"811218{control}9875")
    assert "9876" not in mask(f"klient 811218{control}9876")


def test_an_enclosing_mark_between_the_groups_is_invisible() -> None:
    # U+20DD COMBINING ENCLOSING CIRCLE (category Me) is dropped, as a combining mark is.
    assert looks_like_personnummer("811218\u20dd9876")
    assert not looks_like_personnummer("811218\u20dd9875")


def test_a_mis_encoded_dash_joins_and_a_mis_encoded_space_splits() -> None:
    # An en dash written as UTF-8 and read as Windows-1252 ("â€“") is a dash …
    assert looks_like_personnummer("811218\u00e2\u20ac\u20139876")
    assert not looks_like_personnummer("811218\u00e2\u20ac\u20139875")
    # … and a no-break space read so ("Â" + NBSP) is a space: it ends a word, so the number
    # must end in a word of four digits alone ("9876", not "9876-1"), as with a real space.
    assert looks_like_personnummer("811218\u00c2\u00a09876")
    assert not looks_like_personnummer("811218\u00c2\u00a09876-1")
    assert not looks_like_personnummer("811218 9876-1")
    assert looks_like_personnummer("811218-9876-1")  # the other side: a dash joins


def test_a_twelve_digit_number_names_its_century_and_only_these_three() -> None:
    rest = "8112189876"  # valid check digit
    for century in ("18", "19", "20"):
        assert looks_like_personnummer(century + rest)
    for century in ("17", "21", "00"):
        assert not looks_like_personnummer(century + rest)


def test_29_february_of_a_year_that_is_no_leap_year_in_any_century() -> None:
    from hostile.personnummer import check_digit

    # 1902, 2002 and 1802 are no leap years: 020229 is no birth date, check digit or not.
    nine = "020229123"
    assert not looks_like_personnummer(nine + check_digit(nine))
    # 2004 (and 1904) is one: 040229 is.
    nine = "040229123"
    assert looks_like_personnummer(nine + check_digit(nine))


@pytest.mark.parametrize(("text", "shown"), [
    ("2026 811218-9876", "2026 811218-****"),              # a spaced group before it
    ("811218-9876 12", "811218-**** 12"),                  # a spaced group after it
    ("ärende 12 811218-9876 25", "ärende 12 811218-**** 25"),
])
def test_a_number_between_other_spaced_digit_groups_is_read(text: str, shown: str) -> None:
    # Only spaces inside the number decide whether it may span words; a space before its
    # first group (or after its last) belongs to the words around it.
    assert looks_like_personnummer(text)
    assert mask(text) == shown
    # the other side: the same digits with a wrong check digit pass, and are shown whole
    wrong = text.replace("9876", "9875")
    assert not looks_like_personnummer(wrong)
    assert mask(wrong) == wrong


def test_a_number_spanning_words_ends_in_four_digits_alone_whatever_follows() -> None:
    # "9876" is a word alone when a space follows it, as at the end of the text.
    assert looks_like_personnummer("811218 9876 12")
    assert mask("811218 9876 12") == "811218 **** 12"
    # the other side: "9876-5" is no word of four digits alone, whatever comes before it
    assert not looks_like_personnummer("811218 9876-5")
    assert not looks_like_personnummer("12 811218 9876-5")
    assert mask("12 811218 9876-5") == "12 811218 9876-5"


def test_a_number_in_bytes_is_read_as_utf_8_with_bad_bytes_replaced() -> None:
    # A BLOB value: its bytes read as UTF-8 ("–" is three bytes) …
    assert looks_like_personnummer(b"811218-9876")
    assert looks_like_personnummer("klient 811218\u20139876".encode())
    assert not looks_like_personnummer(b"811218-9875")
    # … and a byte that is no UTF-8 becomes U+FFFD, which the gate reads as a dash.
    assert looks_like_personnummer(b"811218\xff9876")
    assert not looks_like_personnummer(b"811218\xff9875")
    assert not looks_like_personnummer(b"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6")


def test_text_with_a_lone_surrogate_is_read_not_refused_with_an_error() -> None:
    # A lone surrogate (a file name read with surrogateescape) cannot be encoded as UTF-8:
    # the short-text check counts it as a replaced byte instead of failing.
    assert not looks_like_personnummer("x\udcff")
    assert mask("x\udcff") == "x\udcff"
    assert looks_like_personnummer("8112189876\udcff")
    assert mask("8112189876\udcff") == "811218****\udcff"


def test_nothing_is_masked_as_empty_text() -> None:
    assert mask(None) == ""
    assert mask("") == ""


def test_mask_keeps_the_text_as_written_unless_the_reading_changed_its_length() -> None:
    # Same length: only the four digits change; the no-break space and the minus stay.
    assert mask("a\u00a0811218\u22129876") == "a\u00a0811218\u2212****"
    # A mis-encoded en dash ("â€–", three characters read as one '-'): the reading is shown,
    # masked at its own positions, so no digit of the four is left.
    assert mask("klient 811218\u00e2\u20ac\u20139876 x") == "klient 811218-**** x"
    assert mask("klient 811218\u20dd9876 x") == "klient 811218**** x"
