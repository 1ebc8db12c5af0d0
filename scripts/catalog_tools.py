"""Finding the messages that need a Swedish translation, and compiling the catalogs.

Used by ``scripts/catalogs.py`` (for translators) and by the test that fails
when a message has no Swedish translation or a compiled ``.mo`` is out of date.
Compiling needs Babel, which is a test/development dependency only, and reading
click's own messages needs click: a translators' tool, kept out of the ``ekbist``
library (which never imports click) and out of the installed package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ekbist.i18n import LOCALE_DIR


def _package_dir() -> Path:
    import ekbist

    return Path(ekbist.__file__).parent
MARKERS = {"_": 1, "N_": 1, "ngettext": 2}


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str | None
    where: str


def source_dirs() -> list[Path]:
    import ekbist.commands

    return [_package_dir(), Path(ekbist.commands.__file__).parent]


def extract(paths: list[Path] | None = None) -> list[Message]:
    """Every literal passed to ``_``, ``N_`` or ``ngettext`` in the sources."""
    found: list[Message] = []
    for directory in paths or source_dirs():
        for path in sorted(directory.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                arity = MARKERS.get(node.func.id)
                if not arity or len(node.args) < arity:
                    continue
                texts = [a.value for a in node.args[:arity] if isinstance(a, ast.Constant)]
                if len(texts) == arity and all(isinstance(t, str) for t in texts):
                    found.append(
                        Message(
                            texts[0], texts[1] if arity == 2 else None, f"{path.name}:{node.lineno}"
                        )
                    )
    return found


def po_files(language: str = "sv") -> list[Path]:
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


def read_po(path: Path):
    from babel.messages.pofile import read_po as babel_read_po

    with path.open("rb") as fh:
        return babel_read_po(fh, locale=path.parent.parent.name)


def forms(paths: Iterable[Path] | None = None) -> Iterator[tuple[list[str], list[str]]]:
    """Every message of the catalogs ``paths`` (all Swedish ones unless given) as its English
    forms (one, or singular and plural) and its translated forms, the header left out."""
    for path in po_files() if paths is None else paths:
        for message in read_po(path):
            if not message.id:
                continue
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = ([message.string] if isinstance(message.string, str)
                       else list(message.string))
            yield ids, strings


def translations(language: str = "sv") -> dict[str, object]:
    """msgid -> msgstr (a string, or a tuple for plurals) over all catalogs of ``language``."""
    merged: dict[str, object] = {}
    for path in po_files(language):
        for message in read_po(path):
            if message.id:
                key = message.id if isinstance(message.id, str) else message.id[0]
                merged.setdefault(key, message.string)
    return merged


def missing(language: str = "sv", paths: list[Path] | None = None) -> list[Message]:
    """The messages in ``paths`` (ekbist's sources unless given) without a translation."""
    known = translations(language)
    result, seen = [], set()
    for message in extract(paths):
        value = known.get(message.msgid)
        translated = all(value) if isinstance(value, tuple | list) else bool(value)
        if not translated and message.msgid not in seen:
            seen.add(message.msgid)
            result.append(message)
    return result


def unused(language: str = "sv") -> list[tuple[str, str]]:
    """(catalog, msgid) of every translation no source asks for any more (a message
    reworded, a command gone). click.po is left out: it follows click's own messages, which
    differ between the click versions ekbist runs on."""
    asked = {m.msgid for m in extract()}
    return [(po.name, ids[0]) for po in po_files(language) if po.name != "click.po"
            for ids, _strings in forms([po]) if ids[0] not in asked]


def duplicates(language: str = "sv") -> dict[str, list[str]]:
    """msgid -> the catalogs that each translate it, for every msgid in more than one: the
    first catalog loaded would win, so two translations of one text could differ unseen."""
    found: dict[str, list[str]] = {}
    for po in po_files(language):
        for ids, _strings in forms([po]):
            found.setdefault(ids[0], []).append(po.name)
    return {msgid: names for msgid, names in found.items() if len(names) > 1}


def click_missing(language: str = "sv") -> list[Message]:
    """click's own messages (of the installed version) without a translation.

    click looks them up through gettext; ekbist hands them its catalogs, so they belong
    in ``click.po`` like any other message.
    """
    import click

    return missing(language, [Path(click.__file__).parent])


def compiled_bytes(po_path: Path) -> bytes:
    import io

    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_po(po_path))
    return buffer.getvalue()


def compile_all(language: str = "sv") -> list[Path]:
    written = []
    for po in po_files(language):
        mo = po.with_suffix(".mo")
        data = compiled_bytes(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written
