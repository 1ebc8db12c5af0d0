"""Personnummer through every door: the quick seeded subset of the fault injection in
tests/hostile/personnummer.py (the long run: ``python -m tests.hostile.personnummer
--cases 5000``, figures in docs/testing.md).

Every door is run with a spelling of a valid number and everything the case left — stdout,
stderr, the store (audit included, and its raw bytes), the names of the files it made —
must hold no ten digits of it in a row, whatever separates them.
"""

from __future__ import annotations

import pytest

from ekbist.exit_status import Exit

from . import personnummer as pn

QUICK_CASES = 2 * len(pn.DOORS)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return pn.template_store(tmp_path_factory.mktemp("pnr"))


def test_the_oracle_finds_every_spelling_and_not_the_masked_form() -> None:
    # The scan does not ask the gate: every spelling of the generator holds the digits,
    # the masked form and the neighbouring numbers do not.
    for twelve in pn.FIXED:
        for name, value in pn.spellings(twelve):
            text = value if isinstance(value, str) else str(int(value))
            assert pn.leaked(text, twelve), name
    assert not pn.leaked("error: --reason: 'Klient 811218\\t****'", "198112189876")
    assert not pn.leaked("8112189875 8112189877", "198112189876")


def test_every_door_is_planned_and_every_spelling_is_a_number() -> None:
    from ekbist.secrecy import looks_like_personnummer

    plan = pn.cases(QUICK_CASES, seed=7)
    assert {door for door, *_ in plan} == set(pn.DOORS)
    for twelve in pn.FIXED:
        spelled = pn.spellings(twelve)
        assert len(spelled) > 90
        missed = [name for name, value in spelled if not looks_like_personnummer(value)]
        assert missed == []


@pytest.mark.parametrize("door", sorted(pn.DOORS))
def test_a_door_leaks_nothing(door, template, tmp_path) -> None:
    """Each door with two spellings of a fixed number (seeded): exit as the contract says,
    no traceback, no ten digits anywhere."""
    import random

    rng = random.Random(door)
    twelve = pn.FIXED[rng.randrange(len(pn.FIXED))]
    spelled = pn.spellings(twelve)
    ran = 0
    for name, value in rng.sample(spelled, 6):
        result = pn.run_case(door, name, value, twelve, template, tmp_path)
        if not result.ran:
            continue
        ran += 1
        assert result.problems == [], (door, name, result.problems)
        if ran == 2:
            break
    assert ran >= 1, door


@pytest.mark.parametrize("door", ["arg case id (read)", "arg setting value"])
def test_a_negative_number_as_an_argument_is_refused_and_leaks_nothing(
        door, template, tmp_path) -> None:
    # Found by the 5 000-case run of seed 5: -195105830797 as a case id read as the
    # option '-1…' (click: exit 2, "No such option '-1'."). A negative number where an
    # argument goes is now that argument (ekbist.commands.params.numbers_as_arguments), so
    # the secrecy gate sees it and refuses it (exit 1), and the number is not on any output.
    for name, value in [("negative-int", -8112189876), ("negative-int12", -198112189876)]:
        result = pn.run_case(door, name, value, "198112189876", template, tmp_path)
        assert result.ran and result.exit_code == Exit.REFUSED, (door, name)
        assert result.problems == [], (door, name, result.problems)
