"""Run one ``ekbist`` command at several widths of the pseudo-terminal it was started on, and
record how each table was laid out.

    python tests/helpers/table_spy.py RECORD-FILE WIDTHS ARGS…

For each width (comma-separated) the terminal is resized (as a user resizes the window), a
line ``@@@ width N @@@`` is printed, and ``ekbist ARGS`` runs in this process. Each table's
layout (its declared columns with their translated headers and roles, the columns kept and
left out, the group and the key cells) is written to RECORD-FILE as one JSON line. One
process per command and language keeps the test short; the rendering is ekbist's own.
"""

from __future__ import annotations

import fcntl
import json
import os
import struct
import sys
import termios


def main(record_file: str, widths: str, args: list[str]) -> int:
    from ekbist.commands import main as commands_main
    from ekbist.commands import render

    from ekbist.i18n import _

    real_layout = render.layout
    records: list[dict] = []
    current = {"width": 0}

    def spy(rows, columns, width, **kwargs):
        shape = real_layout(rows, columns, width, **kwargs)
        keys = render.key_columns(columns)
        group = render.group_column(columns)
        order = render.drop_order([c for c in columns if c is not group], kwargs.get("drop"))
        shown = {c.key for c in shape.columns}
        records.append({
            "terminal": current["width"],
            "width": width,
            "rich": kwargs.get("rich", True),
            "wide": kwargs.get("wide", False),
            "headers": {c.key: _(c.header) for c in columns},
            "columns": [c.key for c in columns],
            "keys": [c.key for c in keys],
            "first_value": order[-1].key if order else None,
            "kept": [c.key for c in shape.columns],
            "dropped": [c.key for c in shape.dropped],
            "group": shape.group.key if shape.group is not None else None,
            "group_key": group.key if group is not None else None,
            "cells": {c.key: [c.display(r.get(c.key)) for r in rows]
                      for c in [*keys, *([group] if group else [])] if c.key in shown
                      or (group is not None and c is group)},
            "shown_cells": {c.key: [c.display(r.get(c.key)) for r in rows] for c in shape.columns},
        })
        return shape

    render.layout = spy
    os.chdir(os.path.dirname(os.path.abspath(record_file)))  # files named in ARGS are here
    codes = []
    for width in (int(w) for w in widths.split(",")):
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", 60, width, 0, 0))
        current["width"] = width
        print(f"@@@ width {width} @@@", flush=True)
        try:
            commands_main.cli(list(args), prog_name="ekbist")
            codes.append(0)
        except SystemExit as exc:
            codes.append(exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1))
        sys.stdout.flush()
        sys.stderr.flush()
    with open(record_file, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return max(codes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
