"""The promises of access in ``report month`` and ``report year``: two sections beside the
five-working-day rule (the figures are :mod:`ekbist.reports.contacts`')."""

from __future__ import annotations

from typing import Any

from ekbist.commands.budget import month_short
from ekbist.commands.render import fmt_int, fmt_number, fmt_percent

from ekbist.codes import TOTAL
from ekbist.i18n import _
from ekbist.reports.contacts import PROMISE_LABELS


def _days(value: float | None) -> str:
    return "–" if value is None else fmt_number(value, 1)


def _share(part: dict[str, Any]) -> str:
    return "–" if part["share_kept"] is None else fmt_percent(part["share_kept"])


def sections(figures: dict[str, Any], section: type) -> list[Any]:
    """The promises kept and the wait for a first visit, as ``section`` objects (the report's
    own Section class); month by month too when ``figures`` has ``months`` (the year)."""
    promises = section(_("Promises of access kept"),
                       [_("Promise"), _("Settled"), _("Kept"), _("Share")], right={1, 2, 3})
    for key, label in PROMISE_LABELS.items():
        part = figures["promises"][key]
        promises.rows.append([_(label), fmt_int(part["settled"]), fmt_int(part["kept"]),
                              _share(part)])
    promises.notes.append(_("A contact counts once it is settled: answered, or its deadline "
                            "passed unanswered. The deadlines are in the settings "
                            "(contacts.*)."))
    wait = section(_("Days from request to first visit"),
                   [_("Month"), _("Visits"), _("Mean"), _("Median"),
                    _("Children: mean / median")], right={1, 2, 3, 4})

    def row(name: str, fig: dict[str, Any]) -> list[str]:
        every, children = fig["first_visit"]["all"], fig["first_visit"]["children"]
        return [name, fmt_int(every["visits"]), _days(every["mean_days"]),
                _days(every["median_days"]),
                f"{_days(children['mean_days'])} / {_days(children['median_days'])}"]

    months = figures.get("months")
    for m in months or []:
        wait.rows.append(row(month_short(int(m["month"][5:])), m))
    # A month's report has one row: the month itself; a year's its months and the total.
    wait.rows.append(row(_(TOTAL) if months is not None else
                         month_short(int(figures["from"][5:7])), figures))
    wait.notes.append(_("Calendar days from the request to the visit held, for the visits "
                        "held in the period; {n} requests were still waiting on {date}.").format(
        n=fmt_int(figures["first_visit"]["waiting"]), date=figures["to"]))
    return [promises, wait]
