"""The unit's vocabulary (schemas/glossary.toml): one Swedish term per concept.

The glossary is data so that the catalogs can be checked against it: a Swedish
text that uses a replaced term names a concept with a word the unit has agreed
not to use, and the test over every catalog fails on it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Term:
    concept: str
    code: str
    en: str
    sv: str
    replaced: tuple[str, ...]


def terms() -> list[Term]:
    text = resources.files("ekbist.schemas").joinpath("glossary.toml").read_text(encoding="utf-8")
    return [
        Term(t["concept"], t["code"], t["en"], t["sv"], tuple(t.get("replaced", ())))
        for t in tomllib.loads(text)["term"]
    ]


@dataclass(frozen=True)
class Quotation:
    text: str
    source: str


def quotations() -> list[Quotation]:
    """National terms quoted as their source writes them (kept even when a term replaced them)."""
    text = resources.files("ekbist.schemas").joinpath("glossary.toml").read_text(encoding="utf-8")
    return [Quotation(q["text"], q["source"]) for q in tomllib.loads(text).get("quotation", [])]


def _pattern(word: str) -> re.Pattern[str]:
    # A whole word or phrase: no letter (or '-', '/', '.') right before or after it, so
    # "aktivitet" does not match "aktivitetsersättning" nor "sjuk-/aktivitet...".
    return re.compile(r"(?<![\w\-/.])" + re.escape(word) + r"(?![\w\-])", re.IGNORECASE)


def replaced_terms_in(text: str, glossary: list[Term] | None = None) -> list[tuple[str, Term]]:
    """The replaced terms ``text`` uses, each with the glossary entry that replaced it."""
    text = re.sub(r"\{\w*\}", " ", text)  # placeholders are names in code, not Swedish
    for quotation in quotations():
        text = text.replace(quotation.text, " ")  # the source's own words
    found = []
    for term in glossary if glossary is not None else terms():
        for word in term.replaced:
            if _pattern(word).search(text):
                found.append((word, term))
    return found
