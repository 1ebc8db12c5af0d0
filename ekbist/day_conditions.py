"""What holds on day D, said once: the conditions every command and report asks of a day.

Each rule below is an SQL building block (a condition or a scalar sub-query) over
a table alias and a day expression, so that every caller — the caseload, the plans,
the check, the day list, the reports, the balance — means the same by "active":

* a **case is active** on D when it was opened on or before D and not closed on or
  before D (``closed`` is the first day it is no longer active);
* an **assignment covers** D when it started on or before D and has not ended on or
  before D (``to_date`` is the next assignment's start, exclusive); looking back, a
  case's **last handler** on D is that of its last assignment begun by D, ended or not;
* a **handler is employed** on D when they had started (or no start is known) and had
  not left (``end_date`` is the first day no longer employed); one not employed has
  either **not started** or **left**;
* a **handler is away** on D when one of their whole-time absences (extent 100 %) covers D
  (``to_date`` is the last day away, inclusive; NULL while the end is not known); a
  part-time absence (sick leave at 50 %) leaves the handler at work with their cases, and
  counts only in the staff figures;
* a **handler is at work** on D when employed and not away;
* an **application is open** on D when it had arrived and was not yet decided;
* a **cover covers** D when it began on or before D and its last day (``to_date``,
  inclusive; NULL until further notice) is not before D;
* the **carrier** of a case on D (who carries it that day) is the covering handler while
  a cover covers D, else the handler of its assignment: the one answer to "who carries
  case C on day D" for the caseload, the day, the handling time and the reports.

An uncovered case (its handler away or gone, or none) is still an active case.
Day expressions are SQL (``":d"``, ``"d.day"``, ``"a.decided"``), never a value
pasted into the text. Nothing here reads the store: this is a foundation, like
:mod:`ekbist.months`. The hledger counterpart is Hledger/Query.hs.
"""

from __future__ import annotations


def case_active(day: str, case: str = "c") -> str:
    """True when case ``case`` (an alias of ``cases``) is active on ``day``."""
    return f"({case}.opened <= {day} AND ({case}.closed IS NULL OR {case}.closed > {day}))"


def case_open(case: str = "c") -> str:
    """True when case ``case`` has not been closed (active now, whatever the day)."""
    return f"({case}.closed IS NULL)"


def assignment_covers(day: str, assignment: str = "a") -> str:
    """True when assignment ``assignment`` is the case's assignment on ``day``."""
    return (f"({assignment}.from_date <= {day} "
            f"AND ({assignment}.to_date IS NULL OR {assignment}.to_date > {day}))")


def assignment_open(assignment: str = "a") -> str:
    """True when assignment ``assignment`` has not ended (the case's current one)."""
    return f"({assignment}.to_date IS NULL)"


def cover_covers(day: str, cover: str = "cv") -> str:
    """True when cover ``cover`` (an alias of ``cover``) covers ``day`` (its last day included)."""
    return (f"({cover}.from_date <= {day} "
            f"AND ({cover}.to_date IS NULL OR {cover}.to_date >= {day}))")


def cover_of_case(case: str, day: str) -> str:
    """A scalar sub-query: the handler covering case ``case`` (an id expression) on ``day``,
    or NULL when no cover covers it. Covers of one case never overlap when kept by the
    rules; if written around them, the one begun last wins."""
    return (f"(SELECT cov.handler FROM cover cov WHERE cov.case_id = {case} "
            f"AND {cover_covers(day, 'cov')} "
            "ORDER BY cov.from_date DESC, cov.id DESC LIMIT 1)")


def assigned_handler_of_case(case: str, day: str) -> str:
    """A scalar sub-query: the handler of case ``case``'s assignment on ``day`` (its own
    handler, a cover left aside), or NULL.

    Assignments of one case do not overlap when kept by the rules; if written
    around them, the one started last (then entered last) wins.
    """
    # An alias of its own: the caller's ``case`` and ``day`` may name an ``s`` or an ``a``.
    return (f"(SELECT own.handler FROM assignment own WHERE own.case_id = {case} "
            f"AND {assignment_covers(day, 'own')} "
            "ORDER BY own.from_date DESC, own.id DESC LIMIT 1)")


def handler_of_case(case: str, day: str) -> str:
    """A scalar expression: who carries case ``case`` (an id expression) on ``day`` — the
    covering handler while a cover covers the day, else the handler of its assignment;
    NULL when neither."""
    return f"coalesce({cover_of_case(case, day)}, {assigned_handler_of_case(case, day)})"


def carrier(day: str, assignment_handler: str, case: str) -> str:
    """The carrier of a case on ``day`` when the caller has already joined its assignment:
    the covering handler, else ``assignment_handler`` (an expression)."""
    return f"coalesce({cover_of_case(case, day)}, {assignment_handler})"


def application_handler(day: str, application: str = "a") -> str:
    """A scalar expression: who answers on ``day`` for application ``application`` (an alias
    with ``case_id``, ``completed`` and ``handler``) while it is open — the handler covering
    its case that day; else the handler its clock started with, unless that handler was
    only covering then (the case has come back: its own handler); else the case's own
    handler that day."""
    t = application
    return (f"coalesce({cover_of_case(f'{t}.case_id', day)}, "
            f"CASE WHEN {t}.completed IS NOT NULL AND NOT EXISTS ("
            f"SELECT 1 FROM cover cw WHERE cw.case_id = {t}.case_id AND cw.handler = {t}.handler "
            f"AND {cover_covers(f'{t}.completed', 'cw')}) THEN {t}.handler "
            f"ELSE {assigned_handler_of_case(f'{t}.case_id', day)} END)")


def last_handler_of_case(case: str, day: str) -> str:
    """A scalar sub-query: who answers for case ``case`` looked back on from ``day`` — the
    covering handler when a cover covers ``day``, else the handler of the last assignment
    begun on or before ``day``, covering it or ended before it (NULL when none had begun).

    A household counted over a window keeps the handler it had last, even when that
    assignment has ended. The order is :func:`handler_of_case`'s, so on a covered day
    the two agree.
    """
    return (f"coalesce({cover_of_case(case, day)}, "
            f"(SELECT own.handler FROM assignment own WHERE own.case_id = {case} "
            f"AND own.from_date <= {day} "
            "ORDER BY own.from_date DESC, own.id DESC LIMIT 1))")


def handler_not_started(day: str, handler: str = "h") -> str:
    """True when handler ``handler`` (an alias of ``handler``) starts after ``day``."""
    return f"({handler}.start_date IS NOT NULL AND {handler}.start_date > {day})"


def handler_left(day: str, handler: str = "h") -> str:
    """True when handler ``handler`` had left by ``day`` (``end_date`` is their first day gone)."""
    return f"({handler}.end_date IS NOT NULL AND {handler}.end_date <= {day})"


def handler_employed(day: str, handler: str = "h") -> str:
    """True when handler ``handler`` (an alias of ``handler``) is employed on ``day``:
    started (or no start known) and not yet left — neither of the two above."""
    return (f"(NOT {handler_not_started(day, handler)} "
            f"AND NOT {handler_left(day, handler)})")


def absence_covers(day: str, absence: str = "ab") -> str:
    """True when absence ``absence`` covers ``day`` (its last day included)."""
    return (f"({absence}.from_date <= {day} "
            f"AND ({absence}.to_date IS NULL OR {absence}.to_date >= {day}))")


def absence_whole_time(absence: str = "ab") -> str:
    """True when absence ``absence`` takes all of the handler's time (extent 100 %)."""
    return f"({absence}.extent = 100)"


def handler_away(day: str, handler_id: str = "h.id") -> str:
    """True when the handler whose id is ``handler_id`` is away on ``day``: a whole-time
    absence covers it (a part-time one leaves them at work)."""
    return (f"EXISTS (SELECT 1 FROM absence ab WHERE ab.handler = {handler_id} "
            f"AND {absence_covers(day, 'ab')} AND {absence_whole_time('ab')})")


def handler_at_work(day: str, handler: str = "h") -> str:
    """True when handler ``handler`` is employed and not away on ``day``."""
    return f"({handler_employed(day, handler)} AND NOT {handler_away(day, f'{handler}.id')})"


def application_open(day: str, application: str = "a") -> str:
    """True when application ``application`` had arrived by ``day`` and was not decided by then."""
    return (f"({application}.received <= {day} "
            f"AND ({application}.decided IS NULL OR {application}.decided > {day}))")


def carrier_spans() -> str:
    """A SELECT of who carries each case over spans of days, for the series that count by
    intervals instead of day by day: rows ``(case_id, handler, from_date, to_date)``, with
    ``to_date`` exclusive (NULL while it lasts), that together say what :func:`handler_of_case`
    says of each day — a cover's days go to the covering handler, and the case's own
    assignment keeps the days before, between and after its covers.

    Covers of one case never overlap when kept by the rules; nor do assignments.
    """
    far = "'9999-12-31'"
    return f"""
        SELECT a.case_id, a.handler, a.from_date, a.to_date FROM assignment a
        WHERE NOT EXISTS (SELECT 1 FROM cover x WHERE x.case_id = a.case_id)
        UNION ALL
        SELECT a.case_id, a.handler, max(a.from_date, g.s),
               nullif(min(coalesce(a.to_date, {far}), g.t), {far})
        FROM assignment a JOIN (
            -- the days of each covered case that no cover takes: before, between, after
            SELECT case_id, coalesce(lag(e) OVER w, '0000-01-01') AS s, from_date AS t
            FROM (SELECT case_id, from_date,
                         coalesce(date(to_date, '+1 day'), {far}) AS e FROM cover)
            WINDOW w AS (PARTITION BY case_id ORDER BY from_date, e)
            UNION ALL
            SELECT case_id, max(coalesce(date(to_date, '+1 day'), {far})), {far}
            FROM cover GROUP BY case_id
        ) g ON g.case_id = a.case_id
        WHERE max(a.from_date, g.s) < min(coalesce(a.to_date, {far}), g.t)
        UNION ALL
        SELECT cv.case_id, cv.handler, cv.from_date, date(cv.to_date, '+1 day') FROM cover cv
    """
