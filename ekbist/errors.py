"""Exceptions the library raises for requests it refuses.

The command line turns an :class:`EkbistError` into one ``error: …`` line and
exit code 1; the message is already translated into the active language.

A refusal about one of the request's own values (a window, a period, a file that may be
replaced) names that value in the domain's words, so the message reads right wherever the
library is used: "the end of the period is before its start". Such a message is made with
:meth:`EkbistError.about`, which keeps a slot for each value; the command line fills the
slots with its flags instead ("--to is before --from"): a key is the flag's name
(``as_of`` is ``--as-of``), so ``ekbist.commands.errors.FLAGS`` follows from
:data:`SUBJECTS` and a new key is written once. The library never names a flag.
"""

from __future__ import annotations

from collections.abc import Mapping

from ekbist.i18n import N_, _

# The values a request carries, by key, in the domain's words. Each key is the name of the
# command line's flag for it (``as_of``: ``--as-of``), which the command line shows instead;
# a key not listed here is shown as it is (a field's own name).
SUBJECTS: dict[str, str] = {
    "within": N_("the warning window"),
    "from": N_("the start of the period"),
    "to": N_("the end of the period"),
    "as_of": N_("the reporting day"),
    "by": N_("the grouping"),
    "year": N_("the year asked for"),
    "force": N_("permission"),
    "new": N_("permission"),
    "amount": N_("the amount"),
    "amend": N_("an amendment"),
    "end": N_("the demo's last month"),
    "today": N_("today"),
    "name": N_("a name"),
    "team": N_("a team"),
    "fte": N_("an FTE"),
    "start": N_("a start date"),
    "kind": N_("the kind"),
    "label": N_("a label"),
    "new_since": N_("the day new findings start"),
    "max_moves": N_("the number of moves"),
    "apply": N_("applying the moves"),
    "method": N_("the method"),
    "set": N_("the figure"),
    "comment": N_("the comment"),
    "db": N_("its path"),
    "into": N_("filling in"),
    "out": N_("file name"),
    "years": N_("the years to test"),
    "partial": N_("a score as far as the actuals go"),
    "since": N_("the first day of late answers"),
    "until": N_("the last day of the cover"),
    "delete_missing": N_("deleting the missing rows"),
}


class EkbistError(Exception):
    """A request that cannot be carried out: bad input, unknown record, missing store."""

    template: str | None = None
    slots: Mapping[str, str] = {}
    values: Mapping[str, object] = {}

    @classmethod
    def about(cls, template: str, slots: Mapping[str, str], **values: object) -> EkbistError:
        """A refusal whose ``template`` has a slot for each of the request's values it names:
        ``slots`` maps a slot to the value's key in :data:`SUBJECTS`; the other fields of the
        template are filled from ``values``."""
        error = cls(template.format(**{s: subject(k) for s, k in slots.items()}, **values))
        error.template, error.slots, error.values = template, dict(slots), values
        return error

    def worded(self, names: Mapping[str, str]) -> str:
        """The message with every value that ``names`` has a word for named by that word
        (the command line's flags); the others keep their domain words."""
        if self.template is None:
            return str(self)
        words = {s: names.get(k) or subject(k) for s, k in self.slots.items()}
        return self.template.format(**words, **self.values)


def subject(key: str) -> str:
    """A request value's name in the active language (the key itself when it has none)."""
    return _(SUBJECTS[key]) if key in SUBJECTS else key


class NoDatabase(EkbistError):
    """The store file does not exist yet."""


class SchemaError(EkbistError):
    """The store was written by a newer ekbist, or could not be migrated."""


class ValidationErrors(EkbistError):
    """Several problems found at once (an import): all are reported, nothing is written.

    A problem is a line of text, or a refusal made with :meth:`EkbistError.about` when it
    names one of the request's values; ``problems`` holds them all in words.
    """

    def __init__(self, problems: list[str | EkbistError], total: int | None = None):
        self.refusals = list(problems)
        self.problems = [str(p) for p in problems]
        # How many problems were found: more than the lines when some are counted in a
        # line of their own ("… and 119 300 more problems of this kind").
        self.total = len(self.problems) if total is None else total
        super().__init__("\n".join(self.problems))

    def worded_lines(self, names: Mapping[str, str]) -> list[str]:
        """Every problem, with the values that ``names`` has a word for named by that word."""
        return [p.worded(names) if isinstance(p, EkbistError) else p for p in self.refusals]


class StoreBusy(EkbistError):
    """Another command holds the store's lock longer than ekbist waits."""


class StoreDamaged(EkbistError):
    """The store file is corrupt: only a backup brings it back."""


class StoreReadOnly(EkbistError):
    """The store (or its folder) cannot be written by this user."""
