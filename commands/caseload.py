"""``ekbist caseload [history|balance]``: cases per handler and FTE, by month, and fair moves."""

from __future__ import annotations

import click
from ekbist.commands.context import Env, pass_env
from ekbist.commands.params import DATE, MONTH, yes_option
from ekbist.commands.prompts import confirm, interactive
from ekbist.commands.render import (
    Column,
    emit,
    emit_machine,
    fmt_int,
    fmt_number,
    format_option,
    is_terminal,
    say,
)

from ekbist.codes import typable
from ekbist.i18n import N_, _, ngettext
from ekbist.number_text import round_half_away


class _Fte(Column):
    """FTE with two decimals: 0.75 must not read as 0.8."""

    def display(self, value) -> str:
        return fmt_number(value, 2)


class _RightText(Column):
    """Text already formatted, aligned right like the numbers it shows."""

    @property
    def right(self) -> bool:
        return True


BAR_WIDTH = 24

# The handler is the row; cases per FTE and the note (away, over the limit) are what the
# table is for, then the active cases; the comparison, the team and the FTE go first.
HANDLER_COLUMNS = [
    Column("id", N_("Handler"), role="key"), Column("name", N_("Name"), role="key"),
    Column("team", N_("Team"), "code:team", drop=3),
    _Fte("fte", N_("FTE"), "float", drop=4), Column("active", N_("Active"), "int", drop=6),
    Column("per_fte", N_("Per FTE"), "float"), Column("new_30d", N_("New 30 d"), "int", drop=5),
    Column("diff_text", N_("vs team mean"), drop=2), Column("status", N_("Note")),
]
CSV_COLUMNS = [
    Column("id", "id"), Column("name", "name"), Column("team", "team"), Column("fte", "fte"),
    Column("active", "active"), Column("per_fte", "per_fte"), Column("new_30d", "new_30d"),
    Column("diff", "diff"), Column("away", "away"), Column("flagged", "flagged"),
]
TEAM_COLUMNS = [
    Column("team", N_("Team"), "code:team"), Column("active", N_("Active"), "int"),
    _Fte("fte", N_("Full-time equivalents"), "float"),
    Column("mean_per_fte", N_("Mean per FTE"), "float"),
    Column("spread_per_fte", N_("Spread per FTE"), "float"),
    Column("needing_cover", N_("Needing cover"), "int"),
]
UNCOVERED_COLUMNS = [
    Column("case", N_("Case"), role="key"), Column("team", N_("Team"), "code:team", drop=1),
    Column("handler", N_("Handler")), Column("why_text", N_("Why")),
    Column("since", N_("Since"), "date"),
]
COVER_COLUMNS = [
    Column("case", N_("Case"), role="key"), Column("handler", N_("Covered by"), role="key"),
    Column("handler_name", N_("Name"), drop=2), Column("for_handler", N_("For handler")),
    Column("for_name", N_("For name"), drop=1), Column("until", N_("Until"), "date"),
]
WHY = {
    "left": N_("handler has left"),
    "away": N_("handler is away"),
    "not_started": N_("handler has not started"),
    "no_handler": N_("no handler"),
}


def _team_help() -> str:
    return _("Only this team: {codes}.").format(codes=", ".join(typable("team")))


def _signed(value: float | None) -> str:
    if value is None:
        return ""
    text = fmt_number(abs(value))
    if text.replace("0", "").strip(",. ") == "":
        return fmt_number(0.0)
    return ("+" if value > 0 else "-") + text


@click.group(invoke_without_command=True,
             help=_("Active cases per handler and FTE on a day, with each team's mean and spread."))
@click.option("--as-of", type=DATE, help=_("The day to count (default: today)."))
@click.option("--team", help=_team_help())
@format_option()
@click.pass_context
def caseload(ctx: click.Context, as_of, team: str | None, fmt: str) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from ekbist import caseload as load

    env: Env = ctx.find_object(Env)
    report = load.current(env.open(readonly=True), as_of or env.today, team=team)
    if fmt == "json":
        emit([], [], "json", payload=load.json_payload(report))
        return
    if fmt == "csv":
        rows = [{**h, "per_fte": round_half_away(h["per_fte"], 2),
                 "diff": None if h["diff"] is None else round_half_away(h["diff"], 2)}
                for h in report["handlers"]]
        emit(rows, CSV_COLUMNS, "csv")
        return
    _show_current(report)


def _show_current(report: dict) -> None:
    handlers = report["handlers"]
    limit = report["max_per_fte"]
    for row in handlers:
        row["diff_text"] = _signed(row["diff"])
        notes = []
        if row["away"]:
            notes.append(_("away"))
        if row["flagged"]:
            notes.append(_("over {max} per FTE").format(max=limit))
        if row["leaves"]:
            notes.append(_("leaves {date}").format(date=row["leaves"]))
        if row["covering"]:
            notes.append(ngettext("covers {n} case", "covers {n} cases",
                                  row["covering"]).format(n=row["covering"]))
        if row["covered"]:
            notes.append(ngettext("{n} case covered", "{n} cases covered",
                                  row["covered"]).format(n=row["covered"]))
        row["status"] = ", ".join(notes)
    title = _("Caseload on {date}").format(date=report["as_of"])
    if not handlers:
        say(_("No handlers employed on {date}.").format(date=report["as_of"]))
    elif is_terminal():
        _rich_current(report, title)
    else:
        emit(handlers, HANDLER_COLUMNS, "table", title=title)
    if report["teams"]:
        click.echo()
        emit(report["teams"], TEAM_COLUMNS, "table", title=_("Teams (handlers at work)"))
    click.echo()
    if report["uncovered"]:
        for row in report["uncovered"]:
            row["why_text"] = _(WHY[row["why"]])
        emit(report["uncovered"], UNCOVERED_COLUMNS, "table",
             title=_("Active cases needing cover: {n}").format(n=len(report["uncovered"])))
    else:
        say(_("Every active case has a handler at work."))
    if report["covers"]:
        click.echo()
        emit(report["covers"], COVER_COLUMNS, "table",
             title=_("Cases covered for a while: {n}").format(n=len(report["covers"])))


def _rich_current(report: dict, title: str) -> None:
    from ekbist.commands.render import print_rich, rich_table

    handlers = report["handlers"]
    limit = report["max_per_fte"]
    top = max([limit * 1.25, *(h["per_fte"] for h in handlers)])
    mark = round(limit / top * BAR_WIDTH) if top else 0
    for row in handlers:
        width = round(row["per_fte"] / top * BAR_WIDTH) if top else 0
        row["bar"] = "█" * width + (" " * (mark - width) + "│" if width < mark else "")
    # The bar goes first when the terminal is narrow (then as HANDLER_COLUMNS says).
    columns = [*HANDLER_COLUMNS, Column("bar", N_("Load"), "bool", drop=1)]
    columns = [c if c.key == "bar" or not c.drop else _ranked(c, c.drop + 1) for c in columns]

    def style(row: dict) -> str:
        return "dim" if row["away"] else ("red" if row["flagged"] else "green")

    print_rich(rich_table(handlers, columns, title, styles={"bar": style}))


def _ranked(column: Column, drop: int) -> Column:
    from dataclasses import replace

    return replace(column, drop=drop)


# -- history -----------------------------------------------------------------------------------
@caseload.command(
    help=_("Active cases per handler at each month's end, with the team mean per FTE."))
@click.option("--from", "first", type=MONTH, required=True, help=_("First month (YYYY-MM)."))
@click.option("--to", "last", type=MONTH, required=True, help=_("Last month (YYYY-MM)."))
@click.option("--team", help=_team_help())
@click.option("--xlsx", type=click.Path(dir_okay=False),
              help=_("Also write a workbook with a line chart."))
@click.option("--force", is_flag=True, help=_("Overwrite the --xlsx file if it exists."))
@format_option()
@pass_env
def history(env: Env, first: str, last: str, team: str | None, xlsx: str | None, force: bool,
            fmt: str) -> None:
    from ekbist.commands.render import working

    from ekbist import caseload as load
    from ekbist import files
    from ekbist.reports import series_workbooks

    if xlsx:
        files.check_new_workbook(xlsx, force=force)
    with working(_("Counting the caseload month by month"), fmt):
        report = load.history(env.open(readonly=True), first, last, team=team)
        if xlsx:
            series_workbooks.write_caseload_history(report, xlsx, overwrite=force)
    months = report["months"]
    rows = [
        {"id": h["id"], "name": h["name"], "team": h["team"], "fte": h["fte"],
         **dict(zip(months, h["active"], strict=True))}
        for h in report["handlers"]
    ]
    # The latest month matters most; the team, the FTE and the earliest months go first.
    columns = [Column("id", N_("Handler"), role="key"), Column("name", N_("Name"), role="key"),
               Column("team", N_("Team"), "code:team", drop=1),
               _Fte("fte", N_("FTE"), "float", drop=2),
               *(Column(m, m, "int", drop=i + 3 if i < len(months) - 1 else 0)
                 for i, m in enumerate(months))]
    from ekbist.reports.completeness import running_note, span_state

    covers = span_state(months[0], months[-1], env.today) if months else None
    if fmt == "json":
        payload = {k: v for k, v in report.items() if k != "team"}
        if covers is not None:
            payload.update(complete=covers["complete"], covers=covers)
        emit([], [], "json", payload=payload)
    elif fmt == "csv":
        emit(rows, columns, "csv")
    elif not xlsx:  # with a workbook asked for, the table is in the workbook
        emit(rows, columns, "table",
             title=_("Active cases at month end, {first} to {last}").format(first=first, last=last),
             empty=_("No handlers in that period."))
        note = running_note(covers) if covers else None
        if note:
            import textwrap

            from ekbist.commands.render import prose_width

            click.echo(textwrap.fill(note, prose_width()))
        covering = [f"{h['id']} {m}: {n}" for h in report["handlers"]
                    for m, n in zip(months, h["covering"], strict=True) if n]
        if covering:
            say(_("Covered cases count on the handler covering them at the month's end "
                  "(handler month: cases): {list}.").format(list="; ".join(covering)))
        if report["teams"]:
            team_rows = []
            for t in report["teams"]:
                team_rows.append({"what": _("Mean per FTE"), "team": t["team"],
                                  **{m: fmt_number(v) for m, v in zip(months, t["mean_per_fte"],
                                                                      strict=True)}})
                team_rows.append({"what": _("Needing cover"), "team": t["team"],
                                  **{m: fmt_int(v) for m, v in zip(months, t["needing_cover"],
                                                                   strict=True)}})
            click.echo()
            emit(team_rows, [Column("team", N_("Team"), "code:team", role="key"),
                             Column("what", N_("Figure"), role="key"),
                             *(_RightText(m, m, drop=i + 1 if i < len(months) - 1 else 0)
                               for i, m in enumerate(months))], "table",
                 title=_("Teams (handlers at work)"))
    if xlsx:
        say(_("Wrote {path}.").format(path=xlsx), err=fmt != "table")


# -- balance -----------------------------------------------------------------------------------
# A move is a case going from one person to another: the case and both names are the row.
MOVE_COLUMNS = [
    Column("case", N_("Case"), role="key"), Column("team", N_("Team"), "code:team", drop=1),
    Column("from", N_("From"), drop=2), Column("from_name", N_("Name"), role="key"),
    Column("to", N_("To")), Column("to_name", N_("Name"), role="key"),
]
BALANCE_TEAM_COLUMNS = [
    Column("team", N_("Team"), "code:team"), Column("moves", N_("Moves"), "int"),
    Column("spread_before", N_("Spread per FTE before"), "float"),
    Column("spread_after", N_("Spread per FTE after"), "float"),
    Column("needing_cover", N_("Needing cover"), "int"),
]
BALANCE_HANDLER_COLUMNS = [
    Column("id", N_("Handler"), role="key"), Column("name", N_("Name"), role="key"),
    Column("team", N_("Team"), "code:team", drop=1),
    _Fte("fte", N_("FTE"), "float", drop=2), Column("before", N_("Before"), "int", drop=4),
    Column("after", N_("After"), "int", drop=3),
    Column("per_fte_before", N_("Per FTE before"), "float", drop=5),
    Column("per_fte_after", N_("Per FTE after"), "float"),
    Column("ramp_up", N_("Ramp-up"), "percent", drop=6),
]


APPLY_YES = yes_option(
    _("With --apply: do not ask for confirmation (for scripts; without a terminal nothing is "
      "asked anyway)."))


@caseload.command(help=_("Propose moving cases within a team from the most to the least loaded "
                         "per FTE; --apply makes the moves."))
@click.option("--team", help=_team_help())
@click.option("--as-of", type=DATE, help=_("Plan from the caseload on this day (default: today)."))
@click.option("--max-moves", type=click.IntRange(0),
              help=_("At most this many moves in each team."))
@click.option("--apply", is_flag=True,
              help=_("Make the moves, dated today (else nothing is written)."))
@APPLY_YES
@format_option()
@pass_env
def balance(env: Env, team, as_of, max_moves, apply: bool, yes: bool, fmt: str) -> None:
    from ekbist import balance as balancing

    store = env.open() if apply else env.open(readonly=True)

    def run(write: bool) -> dict:
        return balancing.balance(store, as_of=as_of or env.today, today=env.today, team=team,
                                 max_moves=max_moves, apply=write)

    from ekbist.commands.render import working

    def run_working(write: bool) -> dict:
        with working(_("Weighing the moves"), fmt):
            return run(write)

    if apply:
        apply_confirmed(run_working, fmt, yes)
    else:
        show_moves(run_working(False), fmt)


def apply_confirmed(run, fmt: str, yes: bool) -> dict | None:
    """Show the moves and ask before making them, when a person is at a terminal.

    ``run(write)`` proposes (False) or makes (True) the moves. Without a terminal, with
    ``--yes`` or when there is nothing to move, the moves are made at once. Returns the
    result written, or None when the answer was no.
    """
    if yes or not interactive():
        result = run(True)
        show_moves(result, fmt)
        return result
    proposal = run(False)
    n = len(proposal["moves"])
    if not n:
        result = run(True)
        show_moves(result, fmt)
        return result
    if fmt == "table":
        show_moves(proposal, fmt, ask=False)
        click.echo()
    say(whose_cases_move(proposal["moves"]), err=fmt != "table")
    question = ngettext("Make this move, dated {date}?", "Make these {n} moves, dated {date}?", n)
    if not confirm(question.format(n=n, date=proposal["as_of"]), err=fmt != "table"):
        say(_("Nothing was written."), err=fmt != "table")
        return None
    result = run(True)
    if fmt != "table" or result["moves"] != proposal["moves"]:
        # Someone changed the caseload in between: show what was really done.
        show_moves(result, fmt)
    else:
        say(ngettext("Made {n} move, dated {date}.", "Made {n} moves, dated {date}.", n)
                   .format(n=n, date=result["as_of"]))
    return result


def whose_cases_move(moves: list[dict]) -> str:
    """The handlers (never the clients) whose cases move, by name, for the question asked."""
    def names(side: str) -> str:
        seen = dict.fromkeys(m[f"{side}_name"] or m[side] for m in moves)
        return ", ".join(seen)

    return _("Cases move from {givers} to {takers}.").format(givers=names("from"),
                                                             takers=names("to"))


def show_moves(result: dict, fmt: str, *, ask: bool = True) -> None:
    """Moves, the spread before and after, and whether anything was written.

    Shared with ``handler leave --redistribute``, so both read the same."""
    if emit_machine(fmt, result, result["moves"], MOVE_COLUMNS):
        return
    if result["moves"]:
        title = (_("Moves made on {date}") if result["applied"]
                 else _("Proposed moves (caseload on {date})")).format(date=result["as_of"])
        emit(result["moves"], MOVE_COLUMNS, "table", title=title)
    else:
        say(_("No move would even out the load."))
    if result["teams"]:
        click.echo()
        emit(result["teams"], BALANCE_TEAM_COLUMNS, "table")
    if result["moves"]:
        click.echo()
        moved = {m["from"] for m in result["moves"]} | {m["to"] for m in result["moves"]}
        rows = [h for h in result["handlers"] if h["id"] in moved]
        emit(rows, BALANCE_HANDLER_COLUMNS, "table", title=_("Handlers whose load changes"))
    if result["unplaced"]:
        click.echo()
        say(_("No one in the team can take: {cases}").format(
            cases=", ".join(result["unplaced"])))
    if result["applied"]:
        n = len(result["moves"])
        click.echo()
        say(ngettext("Made {n} move, dated {date}.", "Made {n} moves, dated {date}.", n)
                   .format(n=n, date=result["as_of"]))
    elif result["moves"] and ask:
        click.echo()
        say(_("Nothing was written — add --apply to make these moves."))
