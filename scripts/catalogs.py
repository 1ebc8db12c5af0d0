"""Translator's aid: list untranslated messages, or compile the .po catalogs to .mo.

python scripts/catalogs.py missing          # messages without a Swedish translation
python scripts/catalogs.py compile          # write the .mo files next to the .po files
python scripts/catalogs.py click            # click's own messages (installed version) not in click.po
python scripts/catalogs.py unused           # translations no source asks for any more
python scripts/catalogs.py duplicates       # messages translated in more than one catalog
"""

import sys

import catalog_tools as catalogs


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else "missing"
    if verb in ("missing", "click"):
        for message in catalogs.missing() if verb == "missing" else catalogs.click_missing():
            print(f"#: {message.where}")
            print(f"msgid {escape(message.msgid)}")
            if message.plural:
                print(f"msgid_plural {escape(message.plural)}")
                print('msgstr[0] ""\nmsgstr[1] ""\n')
            else:
                print('msgstr ""\n')
        return 0
    if verb == "unused":
        for catalog, msgid in catalogs.unused():
            print(f"{catalog}: {escape(msgid)}")
        return 0
    if verb == "duplicates":
        for msgid, names in catalogs.duplicates().items():
            print(f"{', '.join(names)}: {escape(msgid)}")
        return 0
    if verb == "compile":
        for path in catalogs.compile_all():
            print(f"wrote {path}")
        return 0
    print(__doc__)
    return 2


def escape(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
