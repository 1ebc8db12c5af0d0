"""Shorter views of the morning check: one handler's part, what is new, and a summary.

A unit's full check runs to hundreds of lines (thousands in a city); nobody acts on
that. These views read the same :class:`~ekbist.check.Report`, so they never disagree
with the full list, and keep its order (the rank of :mod:`ekbist.check`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ekbist import check as checks
from ekbist.errors import EkbistError
from ekbist.i18n import N_, _, ngettext

# A summary never grows past this many lines, whatever the store.
SUMMARY_MAX_LINES = 40

# The few words that say what a finding is about, for the one line per handler.
SHORT: dict[str, str] = {
    "application_overdue": N_("overdue"),
    "handler_left": N_("case of a leaver"),
    "no_handler": N_("no handler"),
    "application_due_today": N_("due today"),
    "application_due_next": N_("due next working day"),
    "application_incomplete": N_("incomplete too long"),
    "followup_overdue": N_("follow-up overdue"),
    "no_change_plan": N_("no change plan"),
    "no_housing_plan": N_("no housing plan"),
    "over_caseload_limit": N_("over caseload limit"),
    "without_cover": N_("no cover"),
    "prognosis_worse": N_("prognosis worse than budget"),
    "prognosis_missing": N_("prognosis not saved"),
    "violence_overdue": N_("violence contact late"),
    "contact_overdue": N_("contact late"),
    "contact_due_today": N_("contact due today"),
}


def narrow(report: checks.Report, *, handler: str | None = None,
           new_since: date | None = None) -> checks.Report:
    """The report cut down to one handler's findings and/or to what came due on or after
    ``new_since`` (findings without a due day were there before and are left out)."""
    if report.unknown is not None:
        return report
    if new_since is not None and new_since > report.as_of:
        raise EkbistError.about(_("{new_since} {date} is after today ({today})"),
                                {"new_since": "new_since"}, date=new_since.isoformat(),
                                today=report.as_of.isoformat())
    if handler is not None and handler not in report.handlers:
        raise EkbistError(_("no handler '{id}'").format(id=handler))
    findings = [
        f for f in report.findings
        if (handler is None or f.handler == handler)
        and (new_since is None or (f.due is not None and f.due >= new_since))
    ]
    return replace(report, findings=findings)


def counts_line(report: checks.Report) -> str:
    counts = report.counts
    return _("{critical}, {warning}").format(
        critical=ngettext("{n} critical", "{n} critical", counts[checks.CRITICAL]).format(
            n=counts[checks.CRITICAL]),
        warning=ngettext("{n} warning", "{n} warnings", counts[checks.WARNING]).format(
            n=counts[checks.WARNING]),
    )


def top(finding: checks.Finding) -> str:
    """The most urgent finding of a part in a few words: 'overdue A0011820 (2026-11-17)'."""
    text = _(SHORT[finding.kind])
    if finding.subject:
        text += f" {finding.subject}"
    if finding.due:
        text += f" ({finding.due.isoformat()})"
    return text


def summary_lines(report: checks.Report) -> list[str]:
    """The status line, the counts per check, then one line per handler (most urgent first),
    never more than :data:`SUMMARY_MAX_LINES` lines."""
    lines = [checks.status_line(report)]
    if report.status in (checks.OK, checks.UNKNOWN):
        return lines
    lines.append(_("As of {date}: {counts} (checks: {checks}).").format(
        date=report.as_of.isoformat(), counts=counts_line(report), checks=checks.check_names(report.checks)))
    lines.append("")
    per_check = {name: dict.fromkeys(checks.SEVERITIES, 0) for name in report.checks}
    for finding in report.findings:
        per_check[finding.check][finding.severity] += 1
    width = max(len(checks.check_name(name)) for name in report.checks)
    header_critical, header_warning = _("Critical"), _("Warnings")
    width = max(width, len(_("Check")))
    wc, ww = max(8, len(header_critical)), max(8, len(header_warning))
    lines.append(f"{_('Check'):<{width}}  {header_critical:>{wc}}  {header_warning:>{ww}}")
    for name in report.checks:
        c = per_check[name]
        lines.append(f"{checks.check_name(name):<{width}}  {c[checks.CRITICAL]:>{wc}}  {c[checks.WARNING]:>{ww}}")
    lines.append("")
    parts = checks.groups(report)
    room = SUMMARY_MAX_LINES - len(lines) - 2  # the heading, and the "more" line if needed
    lines.append(_("Per handler, the most urgent first (all of one: ekbist check --handler ID):"))
    shown = parts if len(parts) <= room + 1 else parts[:room]
    for part in shown:
        if part.handler is None:
            who = _("Unit")
        else:
            row = report.handlers.get(part.handler)
            who = f"{row['name']} ({part.handler})" if row else part.handler
        critical = sum(1 for f in part.findings if f.severity == checks.CRITICAL)
        warning = len(part.findings) - critical
        counts = [ngettext("{n} critical", "{n} critical", critical).format(n=critical)] if critical else []
        if warning:
            counts.append(ngettext("{n} warning", "{n} warnings", warning).format(n=warning))
        lines.append(f"  {who}: {', '.join(counts)} — {top(part.findings[0])}")
    if len(shown) < len(parts):
        rest = len(parts) - len(shown)
        lines.append("  " + ngettext("… and {n} more handler", "… and {n} more handlers", rest)
                     .format(n=rest))
    return lines
