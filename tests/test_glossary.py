"""The glossary: every Swedish catalog uses the one Swedish term of each concept."""

from __future__ import annotations

from pathlib import Path

import catalog_tools as catalogs
import pytest

from ekbist import glossary
from ekbist.i18n import LOCALE_DIR

REQUIRED = {
    "ärendeantal", "tjänstgöringsgrad", "årsarbetare", "per årsarbetare", "verksamhet",
    "bidragshushåll", "sista beslutsdag", "arbetsdagar", "aktuell förändringsplan",
    "inaktuell förändringsplan", "ska följas upp senast", "omfördelning",
    "ärende utan handläggare i tjänst", "bifall", "delvis bifall", "avslag", "återkallad",
    "linjär framskrivning", "tertial 1 = januari–april", "tertial 2 = januari–augusti",
}


def swedish_catalogs() -> list[Path]:
    # Every catalog there is, including those added later: no list of names here.
    return sorted((LOCALE_DIR / "sv" / "LC_MESSAGES").glob("*.po"))


def msgstrs(po: Path) -> list[tuple[str, str]]:
    return [(ids[0], s) for ids, strings in catalogs.forms([po]) for s in strings if s]


def test_the_glossary_holds_the_agreed_terms() -> None:
    terms = glossary.terms()
    assert REQUIRED <= {t.sv for t in terms}
    codes = [t.code for t in terms]
    assert len(codes) == len(set(codes)), "a code names two concepts"
    for term in terms:
        assert term.concept and term.en and term.sv
        # A term cannot replace itself, nor the term of another concept.
        assert not glossary.replaced_terms_in(term.sv, terms), term


def test_every_catalog_is_checked() -> None:
    names = {p.name for p in swedish_catalogs()}
    assert {"core.po", "caseload.po", "check.po", "plans.po", "handling.po", "budget.po"} <= names


@pytest.mark.parametrize("po", swedish_catalogs(), ids=lambda p: p.name)
def test_no_swedish_text_uses_a_replaced_term(po: Path) -> None:
    terms = glossary.terms()
    wrong = [
        f"{msgid!r}: {text!r} uses {word!r}, say {term.sv!r}"
        for msgid, text in msgstrs(po)
        for word, term in glossary.replaced_terms_in(text, terms)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_finds_a_planted_term_and_spares_longer_words(tmp_path: Path) -> None:
    po = tmp_path / "sv" / "LC_MESSAGES" / "planted.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Caseload"\nmsgstr "Ärendemängd"\n\n'
        'msgid "Reason"\nmsgstr "sjuk-/aktivitetsersättning"\n',
        encoding="utf-8",
    )
    found = [(word, text) for _, text in msgstrs(po) for word, _t in glossary.replaced_terms_in(text)]
    assert found == [("ärendemängd", "Ärendemängd")]
    assert glossary.replaced_terms_in("Aktivitet: Arbetsmarknad")[0][1].sv == "verksamhet"
    assert glossary.replaced_terms_in("Verksamhet: Arbetsmarknad") == []


def test_the_docs_page_lists_every_term() -> None:
    page = (Path(__file__).parent.parent / "docs" / "glossary.md").read_text(encoding="utf-8")
    for term in glossary.terms():
        assert f"| **{term.sv}** |" in page, term.sv
        for word in term.replaced:
            assert word in page, word


def swedish_texts_of_the_sheet_declarations() -> list[tuple[str, str, str]]:
    """Every Swedish text a sheet declaration holds (sheet names, headers, help, messages)."""
    import tomllib

    found = []

    def walk(value, where: str, name: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}", name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]", name)
        elif isinstance(value, str) and where.endswith("_sv"):
            found.append((name, where, value))

    directory = Path(__file__).parent.parent / "schemas" / "sheets"
    for path in sorted(directory.glob("*.toml")):
        walk(tomllib.loads(path.read_text(encoding="utf-8")), "", path.name)
    return found


def test_the_sheet_declarations_use_the_glossary_terms() -> None:
    texts = swedish_texts_of_the_sheet_declarations()
    assert len(texts) > 100 and any(t[2] == "Ärendeantal" for t in texts)
    wrong = [(name, where, text, [w for w, _t in glossary.replaced_terms_in(text)])
             for name, where, text in texts if glossary.replaced_terms_in(text)]
    assert not wrong, wrong
