"""``ekbist check``: the cron-ready morning check, with monitoring-plugin exit codes.

0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Unlike the other commands, nothing may
escape as exit 1 or a traceback: whatever stops the check itself (no database,
a newer or older schema, an unreadable file, an unexpected error, even a
mistyped option) is UNKNOWN, exit 3, with one line saying why — so a scheduler
can never mistake a broken check for a WARNING or a CRITICAL.
"""

from __future__ import annotations

import os

import click
from ekbist.commands.context import Env

from ekbist.i18n import N_, _, ngettext


class _CheckCommand(click.Command):
    """A command whose usage errors exit 3 (UNKNOWN), as monitoring plugins do, not 2
    (which would read as CRITICAL)."""

    def make_context(self, info_name, args, parent=None, **extra):
        from ekbist.commands.errors import CheckUsageError

        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise CheckUsageError(exc.format_message()) from None

    def invoke(self, ctx: click.Context):
        from ekbist.commands.errors import CheckUsageError

        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise CheckUsageError(exc.format_message()) from None


def _only(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]):
    from ekbist import check as checks
    from ekbist.errors import EkbistError

    try:
        return checks.parse_only(values)
    except EkbistError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _("'{value}' is not a date (YYYY-MM-DD)").format(value=value), ctx, param
        ) from None


@click.command(
    cls=_CheckCommand,
    help=_(
        "What needs attention today: overdue applications, plan follow-ups, caseload and "
        "budget. Exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the check could not run)."
    ),
)
@click.option(
    "--only",
    multiple=True,
    metavar=_("NAME,..."),
    callback=_only,
    help=_("Only these checks: handling-time, plans, caseload, budget, targets, contacts, "
           "activities (comma-separated)."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=_("Output format."),
)
@click.option("--quiet", "-q", is_flag=True, help=_("Print nothing when the result is OK."))
@click.option(
    "--summary",
    is_flag=True,
    help=_("Short: the counts per check and one line per handler (at most 40 lines)."),
)
@click.option("--handler", "handler", metavar="ID", help=_("Only this handler's findings."))
@click.option(
    "--new-since",
    metavar=_("YYYY-MM-DD"),
    callback=_date_option,
    help=_("Only what became due on or after this day (e.g. the last working day)."),
)
@click.pass_context
def check(ctx: click.Context, only: tuple[str, ...], fmt: str, quiet: bool, summary: bool,
          handler: str | None, new_since) -> None:
    from ekbist import check as checks

    env: Env = ctx.find_object(Env)
    try:
        report = _run(env, only)
        if handler is not None or new_since is not None:
            from ekbist.check_summary import narrow

            report = narrow(report, handler=handler, new_since=new_since)
    except (click.exceptions.Exit, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the contract is UNKNOWN in one line
        if os.environ.get("EKBIST_DEBUG") and isinstance(exc, Exception):
            raise
        from ekbist.commands.errors import reason

        report = checks.unknown(env.today, reason(exc), only=only)
    if quiet and report.status == checks.OK:
        pass  # silence is the message: cron mails nothing
    elif fmt == "json":
        import json

        # Compact: at city scale the indented form costs a tenth of a second for nothing.
        _emit(json.dumps(checks.payload(report), ensure_ascii=False))
    elif summary:
        from ekbist.check_summary import summary_lines

        _emit("\n".join(summary_lines(report)))
    else:
        _emit(_text(report))
    ctx.exit(report.exit_code)


def _emit(text: str) -> None:
    """Print the report; a reader that stops early (``ekbist check | head -n 1``) is fine.

    The verdict is in the exit code, so a closed pipe is not an error worth a line
    on stderr in the chief's mail.
    """
    import sys

    try:
        click.echo(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush at exit


def _run(env: Env, only: tuple[str, ...]):
    from ekbist import check as checks
    from ekbist.store import Store, wal_damage

    wal_damage(env.path)  # a damaged or foreign -wal, lost commits, a disk too full
    # Read-only and never migrated: an older file is refused rather than written to.
    store = Store.open(env.path, readonly=True)
    try:
        # A damaged file must not pass for a normal morning. The page probe runs on its own
        # connection beside the check's queries, so it costs the slower of the two.
        # With --only, the probe walks the pages of the tables those checks read.
        probe = store.probe_integrity(checks.probe_tables(only))
        try:
            report = checks.run(store, env.today, only=only)
        except Exception:
            probe.ensure_sound()  # a damaged file often fails a query first: name the cause
            raise
        except BaseException:
            probe.cancel()
            raise
        probe.ensure_sound()
        return report
    finally:
        store.close()


# The severity word on each finding's line; only the first line keeps the English
# status word that monitoring systems parse.
SEVERITY_LABELS = {"critical": N_("CRITICAL"), "warning": N_("WARNING")}


def _text(report) -> str:
    from ekbist import check as checks

    lines = [checks.status_line(report)]
    if report.status in (checks.OK, checks.UNKNOWN):
        return "\n".join(lines)
    counts = report.counts
    lines.append(
        _("As of {date}: {critical}, {warning} (checks: {checks}).").format(
            date=report.as_of.isoformat(),
            critical=ngettext("{n} critical", "{n} critical", counts[checks.CRITICAL]).format(
                n=counts[checks.CRITICAL]
            ),
            warning=ngettext("{n} warning", "{n} warnings", counts[checks.WARNING]).format(
                n=counts[checks.WARNING]
            ),
            checks=checks.check_names(report.checks),
        )
    )
    for group in checks.groups(report):
        lines.append("")
        lines.append(group.heading)
        for finding in group.findings:
            lines.append(f"  {_(SEVERITY_LABELS[finding.severity]):<8}  {finding.message}")
    return "\n".join(lines)
