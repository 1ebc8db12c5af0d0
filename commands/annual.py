"""``ekbist report year`` and ``ekbist report month``: the annual report's figures and the
monthly key-figure sheet, as text, Markdown, JSON and workbooks."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

import click
from ekbist.commands.budget import month_name, month_short
from ekbist.commands.contact_report import sections as contact_sections
from ekbist.commands.context import Env, pass_env
from ekbist.commands.render import (
    fmt_fte,
    fmt_in_unit,
    fmt_int,
    fmt_kr,
    fmt_number,
    fmt_percent,
    fmt_target,
    format_option,
    prose_width,
    to_json,
)

from ekbist.codes import TOTAL
from ekbist.codes import label as code_label
from ekbist.i18n import _, ngettext
from ekbist.reports.completeness import month_words, running_note


@dataclass
class Section:
    """One part of a report: a title, a table of display strings and lines of notes."""

    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    right: set[int] = field(default_factory=set)  # right-aligned columns (numbers)
    notes: list[str] = field(default_factory=list)
    level: int = 2  # the Markdown heading level (a goal under a goal is one deeper)


TEXT_WIDTH = 80
NARROWEST_WRAPPED = 16


def _text_table(s: Section, width: int = TEXT_WIDTH) -> list[str]:
    """The table in at most ``width`` columns: when it is wider, its widest text column
    (a target's own wording, a name) wraps over lines."""
    widths = [max(len(r[i]) for r in [s.headers, *s.rows]) for i in range(len(s.headers))]
    over = sum(widths) + 2 * (len(widths) - 1) - width
    texts = [i for i in range(len(widths)) if i not in s.right]
    wrapped = max(texts, key=lambda i: widths[i]) if over > 0 and texts else None
    if wrapped is not None:
        widths[wrapped] = max(NARROWEST_WRAPPED, widths[wrapped] - over)

    def lines(values: list[str]) -> list[str]:
        cells = [textwrap.wrap(v, widths[i], break_on_hyphens=False) or [""]
                 if i == wrapped else [v] for i, v in enumerate(values)]
        return ["  ".join((c[k] if k < len(c) else "").rjust(w) if i in s.right
                          else (c[k] if k < len(c) else "").ljust(w)
                          for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()
                for k in range(max(map(len, cells)))]

    return [*lines(s.headers), "  ".join("-" * w for w in widths),
            *(line for r in s.rows for line in lines(r))]


def render_text(title: str, sections: list[Section], width: int = TEXT_WIDTH) -> str:
    def heading(text: str, rule: str) -> list[str]:
        lines = textwrap.wrap(text, width=width, break_on_hyphens=False) or [text]
        return [*lines, rule * max(map(len, lines))]

    out = heading(title, "=")
    for s in sections:
        out += ["", *heading(s.title, "-")]
        if s.headers:
            out += _text_table(s, width)
        out += [textwrap.fill(n, width=width, break_on_hyphens=False) for n in s.notes]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    """A heading or a table cell on one line: a line break in a goal's or an activity's
    text would end the heading or cut the table's row."""
    return " ".join(text.splitlines()).replace("|", "\\|")


# What starts a Markdown block (a heading, a quote, a list item, a table row).
_MD_BLOCK = re.compile(r"^(\s*)(#|>|[-+*](?=\s|$)|\d+(?=[.)])|\|)")


def _md_note(text: str) -> str:
    """A note as the text it is: a paragraph of an analysis that starts as a Markdown block
    does ('# …', '- …', '1. …') is escaped, never turned into a heading or a list."""
    def escaped(m: re.Match[str]) -> str:
        lead, mark = m.groups()  # '1.' is escaped at its dot, the others before the mark
        return lead + (mark + "\\" if mark[0].isdigit() else "\\" + mark)

    return _MD_BLOCK.sub(escaped, text)


def render_md(title: str, sections: list[Section]) -> str:
    out = [f"# {title}"]
    for s in sections:
        out += ["", f"{'#' * s.level} {_md_cell(s.title)}"]
        if s.headers or s.notes:
            out.append("")
        if s.headers:
            out.append("| " + " | ".join(_md_cell(h) for h in s.headers) + " |")
            out.append("|" + "|".join("---:" if i in s.right else "---"
                                      for i in range(len(s.headers))) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in s.rows]
            if s.notes:
                out.append("")
        notes = [_md_note(n) for n in s.notes]
        out += [f"{n}  " if i < len(notes) - 1 else n for i, n in enumerate(notes)]
    return "\n".join(out) + "\n"


def _ratio(value: float | None) -> str:
    """An average or a ratio: always one decimal (6,5 and 7,0, never 7)."""
    return "–" if value is None else fmt_number(value, 1)


def _fte(value: float | None) -> str:
    """Employment rates summed (årsarbetare): two decimals, as every screen shows them."""
    return "–" if value is None else fmt_fte(value)


def _num(value: float | None, decimals: int = 1) -> str:
    """A count as a whole number; a measured quantity (FTE-weighted days) always with
    ``decimals`` decimals, so that 195.0 reads "195.0" beside "194.8", never "195"."""
    if value is None:
        return "–"
    return fmt_int(value) if isinstance(value, int) else fmt_number(value, decimals)


def _pct(share: float | None) -> str:
    return "–" if share is None else fmt_percent(share)


def _part(part: int | None, whole: int | None) -> str:
    """A share shown from its counts, rounded once (172 of 416 is 41,3 %; its JSON 0,4135
    rounded again would read 41,4 %)."""
    from ekbist.reports.year import exact_share

    return _pct(exact_share(part, whole))


def _figure(value: Any, unit: str, key: str = "") -> str:
    from ekbist.reports.indicators import share_decimals

    if unit == "share":
        return "–" if value is None else fmt_percent(value, share_decimals(key))
    return _num(value)


def _met(met: bool | None) -> str:
    if met is None:
        return _("no outcome")
    return _("met") if met else _("not met")


def verdict(targets: dict[str, Any]) -> str:
    return ngettext("{n} of {m} target met.", "{n} of {m} targets met.", targets["total"]).format(
        n=targets["met"], m=targets["total"])


def year_sections(r: dict[str, Any], *, compact: bool = True) -> list[Section]:
    """The year report's parts in the annual report's order: the goals with their verdicts,
    then the figures (households, long-term, closures, plans, handling time, caseload,
    staff, budget) and the targets under no goal; ``compact`` (text) leaves out the target
    table's columns no row fills."""
    from ekbist.commands.goal_report import goal_sections, target_table

    y, last = r["year"], r["year"] - 1
    h = r["households"]
    households = Section(_("Households with assistance per month"),
                         [_("Month"), str(y), str(last)], right={1, 2})
    for m in h["months"]:
        households.rows.append([month_short(int(m["month"][5:])), _num(m["households"]),
                                _num(m["previous"])])
    households.rows.append([_("Average") + _months_covered(r), _ratio(h["average"]),
                            _ratio(h["previous_average"])])
    running = running_note(r["covers"])
    if running:
        households.notes.append(running)
    households.notes.append(_("Households during the year: {n} (last year {p}).").format(
        n=_num(h["total"]), p=_num(h["previous_total"])))

    c = r["closures"]
    closures = Section(_("Cases closed by reason"),
                       [_("Reason"), _("Closed"), _("Share"), str(last)], right={1, 2, 3})
    for row in c["by_reason"]:
        closures.rows.append([code_label("close_reason", row["reason"]), _num(row["closed"]),
                              _part(row["closed"], c["total"]), _num(row["previous"])])
    closures.rows.append([_(TOTAL), _num(c["total"]), "", _num(c["previous_total"])])

    long_term = Section(_("Long-term assistance and young adults"),
                        [_("Figure"), str(y), str(last)], right={1, 2})
    for f in r["long_term"]:
        long_term.rows.append([f["label"], _figure(f["value"], f["unit"], f["key"]),
                               _figure(f["previous"], f["unit"], f["key"])])

    p = r["plan_coverage"]
    plan = Section(_("Current change plan at the measurement date"))
    if p["measured"]:
        plan.notes.append(_("On {date}, {current} of {eligible} cases had a current change "
                            "plan: {share}.").format(date=p["as_of"], current=_num(p["current"]),
                                                     eligible=_num(p["eligible"]),
                                                     share=_part(p["current"], p["eligible"])))
    else:
        plan.notes.append(_("Measured on {date}, which has not come yet.").format(date=p["as_of"]))

    t = r["handling_time"]
    handling = Section(_("Decided within five working days"),
                       [_("Month"), _("Decided"), _("In time"), _("Share")], right={1, 2, 3})
    for m in t["months"]:
        handling.rows.append([month_short(int(m["month"][5:])), _num(m["decided"]),
                              _num(m["in_time"]), _part(m["in_time"], m["decided"])])
    handling.rows.append([_(TOTAL), _num(t["decided"]), _num(t["in_time"]),
                          _part(t["in_time"], t["decided"])])

    cl = r["caseload"]
    load = Section(_("Cases per FTE"), [_("Month"), _("Active cases"), _("Full-time equivalents"),
                                        _("Cases per FTE")], right={1, 2, 3})
    for m in cl["months"]:
        load.rows.append([month_short(int(m["month"][5:])), _num(m["active_cases"]),
                          _fte(m["fte"]), _ratio(m["cases_per_fte"])])
    load.notes.append(_("Monthly average{months}: {avg} cases per FTE.").format(
        avg=_ratio(cl["average_cases_per_fte"]), months=_months_covered(r)))
    if cl["lowest"]:
        load.notes.append(_("Lowest handler (monthly average): {n} ({name}).").format(
            n=_ratio(cl["lowest"]["cases_per_fte"]), name=cl["lowest"]["name"]))
        load.notes.append(_("Highest handler (monthly average): {n} ({name}).").format(
            n=_ratio(cl["highest"]["cases_per_fte"]), name=cl["highest"]["name"]))

    s = r["staff"]
    staff = Section(_("Staff"), [_("Team"), _("Sick leave"), _("Days 1–14")], right={1, 2})
    for team in s["teams"]:
        staff.rows.append([code_label("team", team["team"]), _pct(team["sick_leave_share"]),
                           _pct(team["sick_leave_day_1_14_share"])])
    staff.rows.append([_(TOTAL), _pct(s["sick_leave_share"]),
                       _pct(s["sick_leave_day_1_14_share"])])
    staff.notes.append(_("Sick leave: {sick} of {scheduled} scheduled working days "
                         "(FTE-weighted).").format(sick=_num(s["sick_days"]),
                                                   scheduled=_num(s["scheduled_days"])))
    staff.notes.append(_("Sick leave days 1–14 of each spell: {sick} of the scheduled "
                         "working days: {share}.").format(
        sick=_num(s["sick_days_1_14"]), share=_pct(s["sick_leave_day_1_14_share"])))
    staff.notes.append(_("Share of sick days in spells of 1–14 days: {share}.").format(
        share=_pct(s["short_spell_share"])))
    staff.notes.append(_("Staff turnover: {n} left, {avg} employed on average: {share}.").format(
        n=_num(s["leavers"]), avg=_fte(s["average_employed"]),
        share=_pct(s["turnover_share"])))

    b = r["budget"]
    budget = Section(_("Budget result (tkr)"))
    if b is None:
        budget.notes.append(_("No budget or actuals for {year}.").format(year=y))
    else:
        budget.headers = [_("Activity"), _("Net budget"), _("Net outcome"), _("Result")]
        budget.right = {1, 2, 3}
        for a in [*b["activities"], {**b["total"], "activity": _(TOTAL)}]:
            budget.rows.append([a["activity"], fmt_int(a["budget_net_tkr"]),
                                fmt_int(a["outcome_net_tkr"]), fmt_int(a["result_tkr"])])
        if b["basis"] == "actuals":
            budget.notes.append(_("From December's actuals. A positive result is a surplus."))
        elif b["basis"] == "saved_prognosis":
            budget.notes.append(_("From the prognosis as of {month} (saved {date}); December's "
                                  "actuals are not in. A positive result is a surplus.").format(
                month=month_name(b["month"]), date=b["saved_on"]))
        else:
            budget.notes.append(_("From a prognosis made now as of {month}; December's actuals "
                                  "are not in. A positive result is a surplus.").format(
                month=month_name(b["month"])))
        from ekbist.commands.prognosis_scores import tertial_accuracy_line

        accuracy = tertial_accuracy_line(b.get("prognosis_accuracy"))
        if accuracy:
            budget.notes.append(accuracy)

    tg = r["targets"]
    goals = r.get("goals", {}).get("goals", [])
    under_goal = {k for g in goals for k in g["targets"]}
    rest = [t for t in tg["targets"] if t["key"] not in under_goal]
    targets = Section(_("Other targets") if goals else _("Targets"))
    if rest:
        target_table(targets, rest, y, compact=compact)
        targets.notes.append(verdict({"met": sum(1 for t in rest if t["met"]),
                                      "total": len(rest)}))
    elif not tg["targets"]:
        targets.notes.append(_("No targets for {year} — set them with 'ekbist target set'.")
                             .format(year=y))
    for o in r["manual_outcomes"]:
        targets.notes.append(_("{label}: {value} (no target).").format(
            label=o["label"], value=fmt_in_unit(o["value"], "")))
    parts = [*goal_sections(r, Section, compact=compact), households, long_term, closures,
             barrier_section(r["barriers"]), readiness_section(r["activity_readiness"]),
             plan, handling, *contact_sections(r["contacts"], Section), load, staff,
             budget]
    return parts + [targets] if targets.headers or targets.notes else parts


def barrier_section(figures: dict[str, Any]) -> Section:
    """Households a month on average and kronor paid by barrier to self-support."""
    from ekbist.reports.barrier_figures import period_rows

    section = Section(_("Households by barrier to self-support"),
                      [_("Barrier"), _("Households"), _("Paid (kr)")], right={1, 2})
    rows = period_rows(figures)
    one_month = len(figures["months"]) == 1
    for row in rows:
        section.rows.append([row["label"], _num(row["household_months"]) if one_month
                             else _ratio(row["households_per_month"]), fmt_int(row["paid"])])
    if not rows:
        section.headers = []
        section.notes.append(_("No households with assistance."))
    elif not one_month:
        section.notes.append(_("Households: a month on average."))
    return section


def readiness_section(a: dict[str, Any]) -> Section:
    """Households with assistance per month by activity (``ekbist activities readiness``)."""
    from ekbist.commands.activities import _hours

    section = Section(_("Readiness for a full-time activity requirement"),
                      [_("Month"), _("Households"), _("Full time"), _("Part time"),
                       _("Exempt"), _("None")], right={1, 2, 3, 4, 5})
    for m in a["months"]:
        section.rows.append([m["month"], *(fmt_int(m[k]) for k in (
            "households", "full_time", "part_time", "exempt", "none"))])
    section.notes.append(_("Full time: activities of at least {hours} hours a week; the "
                           "households without activity or exemption, per handler: 'ekbist "
                           "activities readiness'.").format(hours=_hours(a["full_time_hours"])))
    return section


def _months_covered(r: dict[str, Any]) -> str:
    """' (Jan–Nov)' after an average of a year that is not over; '' for a whole year."""
    months = r["covers"]["months"]
    if r["complete"] or not months:
        return ""
    first, last = month_short(int(months[0][5:])), month_short(int(months[-1][5:]))
    return f" ({first})" if first == last else f" ({first}–{last})"


def year_title(r: dict[str, Any]) -> str:
    if r["complete"]:
        return _("Year report {year}").format(year=r["year"])
    return _("Year report {year}, up to {date} (preliminary)").format(year=r["year"],
                                                                      date=r["to"])


@click.command("year", help=_("The figure section of the annual report for YEAR, with the "
                              "target table and the verdict \"N of M targets met\"."))
@click.argument("year", metavar=_("YEAR"))
@format_option(formats=("table", "json", "md"),
               help=_("Output format; md is Markdown for the report document."))
@click.option("--xlsx", type=click.Path(dir_okay=False),
              help=_("Also write the report as a workbook, one sheet per part."))
@click.option("--force", is_flag=True, help=_("Replace the --xlsx file if it exists."))
@pass_env
def year(env: Env, year: str, fmt: str, xlsx: str | None, force: bool) -> None:
    from pathlib import Path

    from ekbist import files
    from ekbist.reports import year as year_lib

    if xlsx:
        files.check_new_workbook(Path(xlsx), force=force)  # before the work, not after
    data = year_lib.year_report(env.open(readonly=True), year, today=env.today)
    if xlsx:
        from ekbist.reports import workbooks

        workbooks.write_year(data, Path(xlsx), overwrite=force)
    if fmt == "json":
        click.echo(to_json(data))
        return
    if fmt == "md":
        click.echo(render_md(year_title(data), year_sections(data, compact=False)), nl=False)
    else:
        click.echo(render_text(year_title(data), year_sections(data), prose_width(TEXT_WIDTH)),
                   nl=False)
    if xlsx and fmt == "table":
        click.echo(_("Wrote {path}.").format(path=xlsx))


def month_sections(r: dict[str, Any]) -> list[Section]:
    y, m = r["year"], r["month"]
    h = r["households"]
    figures = Section(_("Key figures"), [_("Figure"), _("Value")], right={1})
    rows = [
        (_("Households with assistance, {month} {year}").format(month=month_short(m), year=y),
         _num(h["this_month"])),
        (_("Same month last year"), _num(h["same_month_last_year"])),
        (_("Assistance paid for the month"), fmt_kr(r['paid']['month'])),
        (_("Assistance paid, year to date"), fmt_kr(r['paid']['year_to_date'])),
        (_("Cases per FTE at the month's end"), _ratio(r["cases_per_fte"])),
        (_("Decided within five working days"), _pct(r["share_in_time"])),
        (_("Current change plan at the month's end"), _pct(r["plan_share"])),
    ]
    figures.rows = [list(x) for x in rows]
    if not r["complete"]:
        figures.notes.append(_("Preliminary: {month} is not over; the figures count its first "
                               "{days} of {in_month} days, the same month last year all of "
                               "them.").format(month=month_name(m), days=r["days"],
                                               in_month=r["days_in_month"]))
    p = r["prognosis"]
    money = Section(_("Prognosis (tkr)"))
    if p is None:
        money.notes.append(_("No prognosis: no saved prognosis for {month} and its actuals "
                             "are not in.").format(month=month_name(m)))
    else:
        money.headers = [_("Net budget"), _("Net prognosis"), _("Deviation")]
        money.right = {0, 1, 2}
        money.rows = [[fmt_int(p["budget_net_tkr"]), fmt_int(p["prognosis_net_tkr"]),
                       fmt_int(p["deviation_tkr"])]]
        money.notes.append(_("Saved {date}.").format(date=p["saved_on"]) if p["saved_on"] else
                           _("Not saved: made now with the default methods."))
        money.notes.append(_("A positive deviation is better than budget."))
    return [figures, *contact_sections(r["contacts"], Section), barrier_section(r["barriers"]),
            money]


@click.command("month", help=_("The one-page key-figure sheet of a month for the district "
                               "board."))
@click.argument("year", metavar=_("YEAR"))
@click.argument("month", metavar=_("MONTH"))
@format_option(formats=("table", "json", "md"),
               help=_("Output format: the sheet as text for people (80 columns on a pipe or in "
                      "a file, narrower on a narrower terminal), json for programs, or md "
                      "(Markdown) for the report document."))
@click.option("--xlsx", type=click.Path(dir_okay=False), help=_("Also write a workbook."))
@click.option("--force", is_flag=True, help=_("Replace the --xlsx file if it exists."))
@pass_env
def month(env: Env, year: str, month: str, fmt: str, xlsx: str | None, force: bool) -> None:
    from pathlib import Path

    from ekbist import files
    from ekbist.reports import month as month_lib

    if xlsx:
        files.check_new_workbook(Path(xlsx), force=force)  # before the work, not after
    data = month_lib.month_report(env.open(readonly=True), year, month, today=env.today)
    title = _("Key figures {month}").format(
        month=month_words(data["year"], data["month"], env.today))
    if xlsx:
        from ekbist.reports import workbooks

        workbooks.write_month(data, Path(xlsx), overwrite=force)
    if fmt == "json":
        click.echo(to_json(data))
        return
    if fmt == "md":
        click.echo(render_md(title, month_sections(data)), nl=False)
        return
    click.echo(render_text(title, month_sections(data), prose_width(TEXT_WIDTH)), nl=False)
    if xlsx:
        click.echo(_("Wrote {path}.").format(path=xlsx))
