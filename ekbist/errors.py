"""Exceptions the library raises for requests it refuses.

The command line turns an :class:`EkbistError` into one ``error: …`` line and
exit code 1; the message is already translated into the active language.
"""


class EkbistError(Exception):
    """A request that cannot be carried out: bad input, unknown record, missing store."""


class NoDatabase(EkbistError):
    """The store file does not exist yet."""


class SchemaError(EkbistError):
    """The store was written by a newer ekbist, or could not be migrated."""


class ValidationErrors(EkbistError):
    """Several problems found at once (an import): all are reported, nothing is written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class StoreBusy(EkbistError):
    """Another command holds the store's lock longer than ekbist waits."""


class StoreDamaged(EkbistError):
    """The store file is corrupt: only a backup brings it back."""


class StoreReadOnly(EkbistError):
    """The store (or its folder) cannot be written by this user."""
