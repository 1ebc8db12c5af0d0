"""Both languages: every message translated, catalogs compiled, Swedish number formatting."""

from __future__ import annotations

import gettext
import io
import re

import catalog_tools as catalogs
import pytest
from ekbist.commands.render import fmt_int, fmt_percent, fmt_tkr

from ekbist.i18n import _, detect_language, set_language
from ekbist.money import round_div


def test_every_message_has_a_swedish_translation() -> None:
    missing = [f"{m.where}: {m.msgid!r}" for m in catalogs.missing()]
    assert not missing, "untranslated (run scripts/catalogs.py missing):\n" + "\n".join(missing)


def test_no_translation_is_left_over() -> None:
    # A reworded message leaves its old translation behind; kept, it reads as the catalog's
    # word for a text ekbist no longer writes (and the glossary test counts its words).
    stale = [f"{catalog}: {msgid!r}" for catalog, msgid in catalogs.unused()]
    assert not stale, "no source asks for (run scripts/catalogs.py unused):\n" + "\n".join(stale)


def test_a_left_over_translation_is_found(tmp_path, monkeypatch) -> None:
    po = catalogs.po_files()[0]
    planted = tmp_path / "sv" / "LC_MESSAGES" / po.name
    planted.parent.mkdir(parents=True)
    planted.write_text(po.read_text(encoding="utf-8")
                       + '\nmsgid "A message no command writes"\nmsgstr "Ett meddelande"\n',
                       encoding="utf-8")
    monkeypatch.setattr(catalogs, "po_files", lambda language="sv": [planted])
    assert catalogs.unused() == [(po.name, "A message no command writes")]


def test_each_message_is_translated_in_one_catalog() -> None:
    # The catalogs are chained: the first one loaded would win, and a second translation of
    # the same text in another catalog could differ without anyone seeing it.
    twice = [f"{', '.join(names)}: {msgid!r}" for msgid, names in catalogs.duplicates().items()]
    assert not twice, "in more than one catalog (scripts/catalogs.py duplicates):\n" + "\n".join(twice)


def test_a_message_in_two_catalogs_is_found(tmp_path, monkeypatch) -> None:
    first, second = catalogs.po_files()[:2]
    folder = tmp_path / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / first.name).write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / second.name).write_text(second.read_text(encoding="utf-8")
                                      + '\nmsgid "No cases."\nmsgstr "Inga fall."\n',
                                      encoding="utf-8")
    monkeypatch.setattr(catalogs, "po_files", lambda language="sv": sorted(folder.glob("*.po")))
    assert catalogs.duplicates() == {}  # "No cases." is in core.po, not among these two
    (folder / first.name).write_text(first.read_text(encoding="utf-8")
                                     + '\nmsgid "No cases."\nmsgstr "Inga ärenden."\n',
                                     encoding="utf-8")
    assert catalogs.duplicates() == {"No cases.": [first.name, second.name]}


@pytest.mark.parametrize("po", catalogs.po_files(), ids=lambda p: p.name)
def test_compiled_catalogs_are_up_to_date(po) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.name} missing: run scripts/catalogs.py compile"
    fresh = gettext.GNUTranslations(io.BytesIO(catalogs.compiled_bytes(po)))
    shipped = gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    # Compare the messages and the plural rule, never the header: its "Generated-By"
    # line names whichever Babel version compiled it.
    assert messages(shipped) == messages(fresh), f"{mo.name} is out of date: run scripts/catalogs.py compile"
    assert [shipped.plural(n) for n in range(200)] == [fresh.plural(n) for n in range(200)]


def messages(translations: gettext.GNUTranslations) -> dict:
    return {key: text for key, text in translations._catalog.items() if key != ""}


def test_catalog_comparison_sees_a_changed_message() -> None:
    po = catalogs.po_files()[0]
    compiled = gettext.GNUTranslations(io.BytesIO(catalogs.compiled_bytes(po)))
    other = gettext.GNUTranslations(io.BytesIO(catalogs.compiled_bytes(po)))
    assert "" not in messages(compiled)  # the header (whatever wrote it) is no message
    key = next(k for k in other._catalog if k != "")
    other._catalog[key] = "changed"
    assert messages(other) != messages(compiled)


def test_translations_keep_their_placeholders() -> None:
    # Each form against its own English form: a plural may name a placeholder its singular
    # does not ("1 was given" / "{len} were given").
    wrong = []
    for ids, strings in catalogs.forms():
        for i, text in enumerate(strings):
            english = ids[min(i, len(ids) - 1)]
            if text and set(re.findall(r"{\w*}", english)) != set(re.findall(r"{\w*}", text)):
                wrong.append((english, text))
    assert not wrong


def test_catalog_forms_give_every_message_with_its_plural() -> None:
    # The walk the placeholder and glossary tests share: a message that it skipped would
    # never be checked.
    core = [p for p in catalogs.po_files() if p.name == "core.po"]
    found = list(catalogs.forms(core))
    assert (["No cases."], ["Inga ärenden."]) in found
    assert (["{n} problem found — nothing was written", "{n} problems found — nothing was written"],
            ["{n} problem hittades — inget skrevs", "{n} problem hittades — inget skrevs"]) in found
    assert all(ids[0] for ids, _strings in found)  # the header is no message
    assert len(list(catalogs.forms())) > len(found)  # every catalog unless told


def test_swedish_is_used_when_asked() -> None:
    set_language("sv")
    assert _("No cases.") == "Inga ärenden."
    set_language("en")
    assert _("No cases.") == "No cases."


def test_language_from_the_environment() -> None:
    assert detect_language({"EKBIST_LANG": "sv"}) == "sv"
    assert detect_language({"LANG": "sv_SE.UTF-8"}) == "sv"
    assert detect_language({"LANG": "en_GB.UTF-8"}) == "en"
    assert detect_language({"EKBIST_LANG": "en", "LANG": "sv_SE.UTF-8"}) == "en"
    assert detect_language({}) == "en"


def test_swedish_number_formatting() -> None:
    set_language("sv")
    assert fmt_tkr(5_111_000) == "5\u00a0111 tkr"  # a no-break space: never broken apart
    assert fmt_percent(0.0078, 2) == "0,78 %"
    assert fmt_int(-44) == "-44"
    set_language("en")
    assert fmt_tkr(5_111_000) == "5,111 tkr"
    assert fmt_percent(0.9993, 2) == "99.93%"


def test_tkr_rounding_is_half_up_from_kronor() -> None:
    assert round_div(1_500, 1000) == 2
    assert round_div(1_499, 1000) == 1
    assert round_div(-1_500, 1000) == -2
    assert fmt_tkr(499) == "0 tkr"
