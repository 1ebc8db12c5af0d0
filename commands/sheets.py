"""``ekbist import | export | template``: the unit's records as spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE
from ekbist.commands.render import Column, emit, fmt_int, to_json, say

from ekbist.errors import EkbistError
from ekbist.i18n import N_, _, ngettext

# A table lists this many changed records per kind; JSON lists them all.
SHOWN_CHANGES = 200


def _quoted(value: Any) -> str:
    """A value from the file or the store as an output line may quote it: through the
    secrecy gate's masking, with control characters as escapes (one change, one line)."""
    from ekbist.commands.errors import shown

    return shown(str(value))


def _shown(value: Any, kind: str, field: str) -> str:
    """A changed field's value in the reader's words, quoted (see :func:`_quoted`)."""
    from ekbist import codes
    from ekbist.sheets.declarations import kinds

    if value is None:
        return _("(empty)")
    declared = kinds().get(kind)
    column = next((c for c in declared.columns if c.key == field), None) if declared else None
    if column is not None and isinstance(value, int | float) and not isinstance(value, bool):
        if column.type in ("money", "integer") and column.key not in ("year", "month"):
            return fmt_int(value)
    if column is not None and column.codes in codes.KINDS and isinstance(value, str):
        return codes.label(column.codes, value)  # a code in the reader's words
    if column is not None and column.type == "boolean" and isinstance(value, bool | int):
        return _("yes") if value else _("no")
    return _quoted(value)


def _field_name(kind: str, field: str) -> str:
    """A changed field named by its column header in the reader's language."""
    from ekbist.sheets.declarations import kinds

    declared = kinds().get(kind)
    column = next((c for c in declared.columns if c.key == field), None) if declared else None
    return column.header() if column is not None else field


def _kind_name(kind: str) -> str:
    from ekbist.sheets.declarations import kinds

    return kinds()[kind].sheet() if kind in kinds() else kind


def _key_text(key: dict[str, Any]) -> str:
    return " ".join(_quoted(v) for v in key.values())


@click.command("import", help=_(
    "Import a workbook (.xlsx, .xls, .ods) or CSV file: every sheet whose header row names a "
    "known kind. All or nothing: any bad cell stops the import; every problem is counted and the "
    "first 200 of each kind are listed."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar=_("FILE"))
@click.option("--dry-run", is_flag=True, help=_("Show what would be added and changed; write nothing."))
@click.option("--year", type=click.IntRange(1990, 2100), metavar=_("YYYY"),
              help=_("The year of a budget or actuals sheet that does not say it."))
@click.option("--kind", "kind", metavar=_("KIND"),
              help=_("Read every sheet as this kind (e.g. actuals), whatever its title says."))
@click.option("--new", "new", is_flag=True,
              help=_("A budget or actuals activity that no year has is a new activity (without "
                     "it, such a name is refused as a likely typo)."))
@click.option("--rules", "rules", type=click.Path(dir_okay=False, path_type=Path),
              metavar=_("RULES"),
              help=_("Read FILE, an extract of the case-management system, through this source's "
                     "rules file (see docs/rules.md)."))
@click.option("--delete-missing", is_flag=True,
              help=_("With --rules: delete the records the last import of the same source and "
                     "months had and this extract lacks (without it they are listed)."))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help=_("Output format."))
@pass_env
def import_(env: Env, file: Path, dry_run: bool, year: int | None, kind: str | None,
            new: bool, rules: Path | None, delete_missing: bool, fmt: str) -> None:
    from ekbist.commands.render import working

    from ekbist.sheet_import import import_extract, import_file

    if delete_missing and rules is None:
        raise EkbistError(_("--delete-missing needs --rules: only an extract's source remembers "
                            "what it read"))
    if rules is not None and kind is not None:
        raise EkbistError(_("--kind and --rules cannot be used together: the rules file says "
                            "which kind the extract fills"))
    store = env.open(readonly=dry_run)
    with working(_("Importing {file}").format(file=file.name), fmt) as bar:
        def progress(step: int, steps: int, read: int | None = None,
                     written: int | None = None) -> None:
            if bar is None:
                return
            text = None
            if read is not None:
                text = _("Importing {file}: {n} rows read").format(file=file.name, n=fmt_int(read))
            elif written is not None:
                text = _("Importing {file}: {n} rows written").format(file=file.name,
                                                                      n=fmt_int(written))
            bar(step, steps, description=text)

        if rules is not None:
            report = import_extract(store, file, rules, today=env.today, dry_run=dry_run,
                                    year=year, new=new, delete_missing=delete_missing,
                                    progress=progress)
        else:
            report = import_file(store, file, today=env.today, dry_run=dry_run, year=year,
                                 kind=kind, new=new, progress=progress)
    from ekbist.commands.errors import say as warn

    for warning in report.warnings:
        warn(f"{_('warning')}: {warning}")
    if fmt == "json":
        click.echo(to_json(report.to_json()))
        return
    if dry_run:
        say(_("Dry run of {file} — nothing was written.").format(file=_quoted(file)))
    else:
        say(_("Imported {file}.").format(file=_quoted(file)))
    if report.new_activities:
        say(_("New activities (no year has them yet — check the spelling): {names}").format(
            names=", ".join(map(_quoted, report.new_activities))))
    from ekbist.sheets.declarations import kinds

    # The table names each kind by its sheet in the reader's language; JSON keeps the code.
    rows = [{"kind": kinds()[name].sheet() if name in kinds() else name, "added": k.added,
             "changed": k.changed, "unchanged": k.unchanged}
            for name, k in report.kinds.items()]
    emit(rows, [Column("kind", N_("Kind")), Column("added", N_("Added"), "int"),
                Column("changed", N_("Changed"), "int"), Column("unchanged", N_("Unchanged"), "int")],
         "table", empty=_("No rows of a known kind were found."))
    for name, kind in report.kinds.items():
        for change in kind.changes[:SHOWN_CHANGES]:
            fields = "; ".join(f"{_field_name(name, field)} {_shown(v['old'], name, field)} → "
                               f"{_shown(v['new'], name, field)}"
                               for field, v in change["fields"].items())
            say(f"  {_kind_name(name)} {_key_text(change['key'])} ({change['cell']}): {fields}")
        if kind.changed > SHOWN_CHANGES:
            say("  " + _("… and {n} more changes of {kind} (all of them: --format json)").format(
                n=fmt_int(kind.changed - SHOWN_CHANGES), kind=_kind_name(name)))
    _missing(report.missing, dry_run)
    _parts(report.parts)
    if dry_run:
        for name, kind in report.kinds.items():
            if kind.added:
                listed = ", ".join(_key_text(k) for k in kind.added_keys)
                more = kind.added - len(kind.added_keys)
                if more > 0:
                    listed += " " + _("… and {n} more").format(n=fmt_int(more))
                say(_("  {kind} to add: {keys}").format(kind=_kind_name(name), keys=listed))


def _missing(missing: dict[str, Any] | None, dry_run: bool) -> None:
    """The records an extract's source read last time for the same months and no longer has."""
    if not missing or not missing["keys"]:
        return
    keys = ", ".join(_quoted(k) for k in missing["keys"][:SHOWN_CHANGES])
    more = len(missing["keys"]) - SHOWN_CHANGES
    if more > 0:
        keys += " " + _("… and {n} more").format(n=fmt_int(more))
    if missing["deleted"]:
        text = _("Deleted, missing since the last import of {source} ({months}): {keys}") \
            if not dry_run else _("To delete, missing since the last import of {source} "
                                  "({months}): {keys}")
    else:
        text = _("Missing since the last import of {source} ({months}), not deleted "
                 "(--delete-missing deletes them): {keys}")
    say(text.format(source=_quoted(missing["source"]), months=", ".join(missing["months"]),
                    keys=keys))


def _parts(parts: dict[str, Any] | None) -> None:
    """Reports that bring part of a record: the parts joined now, and those still waiting
    for the report that brings their record (listed, never guessed into a record)."""
    if not parts:
        return
    say_joined(parts["joined"])
    for source, keys in parts["waiting"].items():
        listed = ", ".join(_quoted(k) for k in keys[:SHOWN_CHANGES])
        if len(keys) > SHOWN_CHANGES:
            listed += " " + _("… and {n} more").format(n=fmt_int(len(keys) - SHOWN_CHANGES))
        say(ngettext("Waiting: {n} row of {source} waits for its record, which no report has "
                     "brought yet: {keys}",
                     "Waiting: {n} rows of {source} wait for their records, which no report has "
                     "brought yet: {keys}", len(keys)).format(
            n=fmt_int(len(keys)), source=_quoted(source), keys=listed))


def say_joined(joined: dict[str, int], *, err: bool = False) -> None:
    """The parts of records joined into their records now, by source: an import's lines,
    and ``application add``'s (on stderr there, since its output is the new id)."""
    for source, n in joined.items():
        say(ngettext("Joined: {n} row of {source} filled into its record.",
                     "Joined: {n} rows of {source} filled into their records.", n).format(
            n=fmt_int(n), source=_quoted(source)), err=err)


def _kinds_help() -> str:
    from ekbist.sheets.declarations import kind_words

    return ", ".join(kind_words())


@click.command(help=_("Write one kind of record (or all) to a new .xlsx file, one sheet per kind "
                      "(continued on 'Name (2)' … beyond a sheet's 1 048 576 rows), or one kind "
                      "to a .csv file. Kinds: {kinds}.").format(kinds=_kinds_help()))
@click.argument("kind", metavar=_("KIND"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar=_("FILE"))
@click.option("--from", "date_from", type=DATE, help=_("Only records from this day (the kind's main date)."))
@click.option("--to", "date_to", type=DATE, help=_("Only records up to this day."))
@pass_env
def export(env: Env, kind: str, file: Path, date_from, date_to) -> None:
    from ekbist.commands.render import working

    from ekbist.sheets.exporter import export as write

    with working(_("Writing {file}").format(file=file.name)) as progress:
        written = write(env.open(readonly=True), kind, file, date_from=date_from,
                        date_to=date_to, today=env.today, progress=progress)
    parts = ", ".join(_written_part(w) for w in written)
    say(_("Wrote {file}: {parts}.").format(file=file, parts=parts))


def _written_part(written: dict) -> str:
    """'Applications 12,319', or a kind on several sheets with each sheet named."""
    part = f"{written['sheet']} {fmt_int(written['rows'])}"
    if len(written["sheets"]) > 1:
        part += " (" + ", ".join(f"{sheet} {fmt_int(rows)}" for sheet, rows in written["sheets"]) + ")"
    return part


@click.command(help=_("Write an empty workbook to fill in for one kind (or all): headers, "
                      "formats, drop-down lists and a sheet explaining every column. "
                      "Kinds: {kinds}.").format(kinds=_kinds_help()))
@click.argument("kind", metavar=_("KIND"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar=_("FILE"))
@pass_env
def template(env: Env, kind: str, file: Path) -> None:
    from ekbist.sheets.templates import template as write

    lookups: dict[str, list[str]] = {}
    if env.path.exists():
        store = env.open(readonly=True)
        from ekbist.budget import lines

        lookups["budget_line.name"] = [r["name"] for r in lines(store)]
    sheets = write(kind, file, lookups=lookups)
    say(_("Wrote {file}: {sheets}.").format(file=file, sheets=", ".join(sheets)))


__all__ = ["import_", "export", "template"]
