"""ekbist rules: try a source's rules file on an extract before importing it."""

from __future__ import annotations

from pathlib import Path

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, fmt_int, say, to_json
from ekbist.errors import EkbistError
from ekbist.i18n import N_, _, ngettext


@click.group(help=_("Rules files: how a case-management system's extract is read "
                    "(see docs/rules.md)."))
def rules() -> None:
    pass


def _cell(value: object, codes: str | None) -> str:
    """A mapped value as the table shows it: a code by its word in the reader's language."""
    from ekbist.codes import find_code, label

    code = find_code(codes, value) if codes and isinstance(value, str) else None
    if code:
        return label(codes, code)
    return "" if value is None else str(value)


@rules.command("check", help=_(
    "Read FILE through the rules file RULES without importing it: what each column fills, "
    "the first rows as they map, every column and value the rules do not know. Exits 1 when "
    "the rules would refuse the file."))
@click.argument("rules_file", type=click.Path(dir_okay=False, path_type=Path), metavar=_("RULES"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar=_("FILE"))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help=_("Output format."))
@pass_env
def check(env: Env, rules_file: Path, file: Path, fmt: str) -> None:
    from ekbist.commands.errors import say as warn
    from ekbist.sheets.extract import check as check_extract
    from ekbist.sheets.extract import problem_lines
    from ekbist.sheets.extract_rules import load

    from ekbist.sheet_import import refuse_parts

    source = load(rules_file)
    refuse_parts(source, rules_file.name)
    extract = check_extract(source, file)
    problems = problem_lines(extract)
    if fmt == "json":
        click.echo(to_json({
            "kind": source.kind.name, "source": source.source, "fills": list(source.fills),
            "rows": extract.rows,
            "skipped": extract.skipped, "columns": extract.columns, "ignored": extract.ignored,
            "preview": [{"row": number, "fields": values} for number, values in extract.preview],
            "problems": problems}))
    else:
        say(_("{rules} reads {file} as {kind}: {rows} rows, {skipped} skipped by the rules.")
            .format(rules=rules_file.name, file=file.name, kind=source.kind.sheet(),
                    rows=fmt_int(extract.rows), skipped=fmt_int(extract.skipped)))
        if extract.ignored:
            say(_("Ignored: {columns}").format(columns=", ".join(extract.ignored)))
        if source.fills:
            kind = source.kind
            say(_("Fills {fields} of {kind} another report brings, joined on {key}: a row "
                  "whose record is not in the store yet waits for it.").format(
                fields=", ".join(kind.column(f).header() for f in source.fills),
                kind=kind.sheet(), key=kind.column(kind.key[0]).header()))
        rows = []
        for rule in source.fields:
            row = {"field": rule.column.header(), "from": extract.columns.get(rule.key, "")
                   or (_("(constant)") if not rule.from_column else "")}
            for i, (_number, values) in enumerate(extract.preview):
                row[f"row{i}"] = _cell(values.get(rule.key), rule.column.codes)
            rows.append(row)
        columns = [Column("field", N_("Field"), role="key"), Column("from", N_("Column"))]
        columns += [Column(f"row{i}", _("Row {n}").format(n=number))
                    for i, (number, _values) in enumerate(extract.preview)]
        emit(rows, columns, "table")
    for line in problems:
        warn(line)
    if problems:
        raise EkbistError(ngettext("the rules would refuse {file}: {n} problem",
                                   "the rules would refuse {file}: {n} problems",
                                   len(problems)).format(file=file.name, n=len(problems)))
