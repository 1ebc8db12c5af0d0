"""``ekbist init | info | audit | backup``: the store itself."""

from __future__ import annotations

from pathlib import Path

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import Column, emit, format_option, say

from ekbist.i18n import N_, _


@click.command(help=_("Create the database, or bring an older one up to date."))
@pass_env
def init(env: Env) -> None:
    from ekbist import working_days

    existed = env.path.exists()
    env.demo_noted = True  # init says more than the note below
    store = env.open(create=True, migrate=True)  # a new store gets its day index on creation
    if store.demo_marker() is not None:
        click.echo(_("warning: {path} is a demo database made by 'ekbist demo': its handlers, "
                     "cases and budget are invented. To start with real data, run "
                     "'ekbist --db NEW-FILE.db init' (or move this file away and run "
                     "'ekbist init').").format(path=store.path), err=True)
    if existed:
        working_days.rebuild_index(store)  # after an upgrade, the holidays package may know more
    if existed:
        click.echo(
            _("Database {path} is at schema version {version}.").format(
                path=store.path, version=store.schema_version()
            )
        )
    else:
        click.echo(
            _("Created {path} (schema version {version}).").format(
                path=store.path, version=store.schema_version()
            )
        )


@click.command(help=_("Show the database: path, schema version, journal mode and row counts."))
@click.option("--check", "integrity", is_flag=True,
              help=_("Also read the whole file with SQLite's integrity check (slower)."))
@format_option()
@pass_env
def info(env: Env, integrity: bool, fmt: str) -> None:
    from ekbist.store import filesystem_type

    if integrity:
        from ekbist.store import wal_damage

        wal_damage(env.path)  # before SQLite opens the store and rewrites the log's index
    store = env.open(readonly=True)
    if integrity:
        store.ensure_sound()
    counts = store.counts()
    payload = {
        "path": str(store.path.resolve()),
        "schema_version": store.schema_version(),
        "journal_mode": store.journal_mode(),
        "filesystem": filesystem_type(store.path),
        "size_bytes": store.path.stat().st_size,
        "tables": counts,
    }
    if integrity:
        payload["integrity"] = "ok"
    if fmt == "json":
        emit([], [], "json", payload=payload)
        return
    rows = [{"table": t, "rows": n} for t, n in counts.items()]
    if fmt == "table":   # wrapped at the terminal: a store's path can be wider than it
        say(_("Database: {path}").format(path=payload["path"]))
        say(_("Schema version: {v}").format(v=payload["schema_version"]))
        say(_("Journal mode: {mode} (filesystem: {fs})").format(
            mode=payload["journal_mode"], fs=payload["filesystem"] or "?"))
        if integrity:
            say(_("Integrity check: ok"))
    emit(rows, [Column("table", N_("Table")), Column("rows", N_("Rows"), "int")], fmt)


@click.command(help=_("Show the audit trail: every insert, update and delete."))
@click.option("--since", metavar=_("YYYY-MM-DD"), help=_("Only changes on or after this day."))
@click.option("--table", "table", help=_("Only changes to this table."))
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=200,
    show_default=True,
    help=_("Show at most this many rows, newest last."),
)
@format_option()
@pass_env
def audit(env: Env, since: str | None, table: str | None, limit: int, fmt: str) -> None:
    from ekbist import audit as audit_log
    from ekbist.validate import parse_date

    store = env.open(readonly=True)
    rows = audit_log.entries(
        store, since=parse_date(since, "--since") if since else None, table=table, limit=limit
    )
    columns = [
        Column("at", N_("When")),
        Column("os_user", N_("User"), drop=4),
        Column("command", N_("Command"), drop=1),
        Column("tbl", N_("Table")),
        Column("key", N_("Key")),
        Column("action", N_("Action"), "code:audit_action"),
        Column("before", N_("Before"), drop=2),
        Column("after", N_("After"), drop=3),
    ]
    emit(rows, columns, fmt, empty=_("No changes recorded."))


@click.command(help=_("Copy the database with SQLite's online backup and check the copy."))
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path), metavar=_("DEST"))
@pass_env
def backup(env: Env, dest: Path) -> None:
    store = env.open(readonly=True)
    store.backup(dest)
    click.echo(_("Backup written to {path} (integrity check: ok).").format(path=dest))


@click.command(help=_("Put a backup back in the database's place: checked, all or nothing, "
                      "and the replaced database kept beside it."))
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path),
                metavar=_("BACKUP"))
@pass_env
def restore(env: Env, backup_file: Path) -> None:
    import shlex
    import sys

    from ekbist.restore import restore as put_back

    done = put_back(backup_file, env.path, command=shlex.join(["ekbist", *sys.argv[1:]]))
    click.echo(_("Restored {path} from {backup} (schema version {version}, integrity check: "
                 "ok).").format(path=done.path, backup=done.backup, version=done.schema_version))
    if done.kept is not None:
        click.echo(_("The replaced database is kept as {kept}.").format(kept=done.kept))
    if done.needs_upgrade:
        click.echo(_("The backup is from an older ekbist: run 'ekbist init' to bring it up "
                     "to date."))
