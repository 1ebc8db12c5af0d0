"""Every file ekbist writes appears whole or not at all, readable only by its owner.

The one way to write a file: the content goes to a temporary name in the target's
folder (mode 0600, as :func:`tempfile.mkstemp` makes it), is flushed to disk, and is
then renamed into place. A crash, a full disk or an interrupt leaves either the old
state or the complete new file, never a half-written one; a failure removes the
temporary file. An existing file is replaced only when the caller says so (``force``):
a person's own workbook is never written over by accident.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.interrupts import commit_point

FILE_MODE = 0o600
TEMP_PREFIX = ".ekbist-"


FOLDER_MODE = 0o700
# The longest name SQLite adds to a store's own (``-journal``), which must fit too.
SQLITE_SUFFIX = "-journal"


def odd_path(path: Path | str, *, suffix: str = "") -> EkbistError | None:
    """The refusal for a path whose name is too long for its folder's filesystem (with
    ``suffix`` added, as SQLite adds ``-journal``) or that is a symbolic link pointing
    nowhere; None for an ordinary path. Named by its cause, not by the error the
    operating system would give later ("folder not writable", "File exists")."""
    path = Path(path)
    name_max = _name_max(path.parent)
    if len(os.fsencode(path.name + suffix)) > name_max:
        return EkbistError(
            _("{path}: the name is too long — this folder takes names of at most {n} bytes"
              "{room}").format(
                path=path, n=name_max,
                room=_(", with room for '{suffix}'").format(suffix=suffix) if suffix else ""))
    if path.is_symlink() and not path.exists():
        return EkbistError(
            _("{path} is a symbolic link to {target}, which does not exist — give the file "
              "itself, or remove the link").format(path=path, target=os.readlink(path)))
    return None


def _name_max(folder: Path) -> int:
    """The longest file name (in bytes) the filesystem of ``folder`` takes (255 if unknown)."""
    probe = folder
    while not probe.is_dir() and probe != probe.parent:
        probe = probe.parent
    try:
        return os.pathconf(probe, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def make_folder(folder: Path | str) -> None:
    """Create ``folder`` and any missing parents readable only by their owner (0700),
    whatever the umask: the unit's data and its copies are nobody else's to list."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # made meanwhile by another command
        os.chmod(created, FOLDER_MODE)


def check_new(path: Path | str, *, force: bool = False) -> Path:
    """Refuse a target in a missing folder, or existing (unless ``force``)."""
    path = Path(path)
    problem = odd_path(path)
    if problem is not None:
        raise problem
    if path.exists() and not force:
        raise _exists(path)
    if path.exists() and not path.is_file():
        raise EkbistError(_("{path} is not a file").format(path=path))
    if not path.parent.is_dir():
        raise EkbistError(_("{path}: the folder does not exist").format(path=path.parent))
    return path


def _exists(path: Path) -> EkbistError:
    return EkbistError.about(
        _("{path} exists already — choose a new file name, or give {force} to replace it"),
        {"force": "force"}, path=path)


def check_new_workbook(path: Path | str, *, template: Path | str | None = None,
                       force: bool = False) -> Path:
    """Refuse a workbook target that is not .xlsx, is the ``template`` it was made from
    (a person's own workbook is never saved over, not even with ``force``), or that
    :func:`check_new` refuses. Called before the work, so that nothing is computed for a
    file that cannot be written."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise EkbistError(_("{path}: write an .xlsx workbook").format(path=path))
    if template is not None:
        template = Path(template)
        same = path.resolve() == template.resolve() or (
            path.exists() and os.path.samefile(path, template))
        if same:
            raise EkbistError.about(
                _("{path} is the template itself — ekbist never saves over the controller's "
                  "workbook; choose another {out}"), {"out": "out"}, path=path)
    return check_new(path, force=force)


@contextlib.contextmanager
def temporary_beside(path: Path | str, suffix: str = ".part") -> Iterator[Path]:
    """A temporary file name (mode 0600) in ``path``'s folder, removed unless renamed."""
    import tempfile  # here, not at the top: every command opening the store imports this
    # module, and tempfile brings shutil, random and the compressors (a few ms of each run)

    path = Path(path)
    try:
        handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=path.parent)
    except PermissionError:
        raise EkbistError(
            _("cannot write {path}: the folder {folder} is not writable").format(
                path=path, folder=path.parent)
        ) from None
    except OSError as exc:  # a read-only filesystem, a full disk, no such folder
        raise EkbistError(
            _("could not write {path}: {reason} — nothing was written").format(
                path=path, reason=exc.strerror or exc)
        ) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        for leftover in (temp, Path(f"{temp}-journal"), Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def put_in_place(temp: Path, path: Path | str, *, force: bool = False) -> None:
    """Flush ``temp`` to disk and rename it to ``path``: the one step that makes it appear.

    Without ``force`` the rename never replaces a file that appeared meanwhile (a hard
    link fails if the name is taken); on a filesystem without hard links it checks first.
    """
    path = Path(path)
    os.chmod(temp, FILE_MODE)
    with open(temp, "rb") as fh:
        os.fsync(fh.fileno())
    with commit_point():
        if force:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise _exists(path) from None
            except OSError:
                if path.exists():
                    raise _exists(path) from None
                os.replace(temp, path)
            else:
                os.unlink(temp)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def writing(path: Path | str, *, force: bool = False, mode: str = "wb") -> Iterator[IO[Any]]:
    """An open file to write ``path``'s content into; it appears at ``path`` when the block
    ends without an error, and not at all otherwise."""
    path = check_new(path, force=force)
    with temporary_beside(path) as temp:
        try:
            with open(temp, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as fh:
                yield fh
        except OSError as exc:  # a full disk, a quota, a vanished folder: name the file
            raise EkbistError(
                _("could not write {path}: {reason} — nothing was written").format(
                    path=path, reason=exc.strerror or exc)
            ) from exc
        put_in_place(temp, path, force=force)


def save_workbook(workbook: Any, path: Path | str, *, force: bool = False,
                  keep_formulas: bool = False) -> Path:
    """Save an openpyxl workbook to ``path``, whole or not at all.

    Formula-like text becomes a text cell (no live formula leaves ekbist), unless
    ``keep_formulas``: a user's own workbook written into, whose formulas are theirs and
    whose cells ekbist filled were made text one by one.
    """
    if not keep_formulas:
        from ekbist.textcells import workbook_as_text

        workbook_as_text(workbook)
    path = Path(path)
    with writing(path, force=force) as fh:
        workbook.save(fh)
    return path
