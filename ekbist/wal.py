"""What the store's ``-wal`` file holds, read byte by byte without SQLite.

In WAL mode a commit lands in ``STORE-wal`` first and reaches the database file only at
a checkpoint. SQLite trusts the ``-wal`` silently: a frame that fails its checksum ends
the log there (every commit after it is dropped without a word), a ``-wal`` of another
database is replayed or ignored, and a deleted ``-wal`` takes its commits with it. So
``ekbist check`` and ``info --check`` read the file themselves, before SQLite opens the
store and rewrites its index, and name what they find.

The format (https://www.sqlite.org/fileformat.html#the_write_ahead_log): a 32-byte header
(magic, version, page size, checkpoint sequence, two salts, two checksums), then frames of
a 24-byte header (page number, database size after a commit — 0 for other frames — the
two salts, two checksums) and one page each. The checksums run on from the header
through every frame. The ``-shm`` index says how many frames the last writer counted as
valid (``mxFrame``) and how many of them are in the database already (``nBackfill``).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

from ekbist.i18n import _, ngettext

WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_HEADER = 32
FRAME_HEADER = 24


@dataclass
class WalState:
    """What a ``-wal`` file (and its ``-shm`` index) hold."""

    wal: Path
    exists: bool = False
    size: int = 0
    header_ok: bool = True
    page_size: int = 0
    db_page_size: int = 0
    frames: int = 0           # frames that pass their checksum, in order
    log_frames: int = 0       # frames of this log (its salts), whatever their checksum
    committed_frames: int = 0  # of those, up to and including the last commit frame
    commits: int = 0
    leftover_frames: int = 0  # valid frames after the last commit: a write rolled back
    bad_frame: int | None = None  # the first frame (1-based) that fails its checksum
    commits_after_bad: int = 0    # commit frames of the same log after the bad one
    torn_bytes: int = 0           # bytes of an incomplete last frame
    index_frames: int | None = None  # mxFrame of the -shm index, when it matches this log
    index_backfilled: int | None = None
    foreign: bool = False  # the index describes another log, or a checkpointed page differs
    problems: list[str] = field(default_factory=list)

    @property
    def unapplied(self) -> bool:
        """Commits in the ``-wal`` that may not be in the database file yet."""
        if self.committed_frames == 0:
            return False
        if self.index_backfilled is not None and self.index_backfilled >= self.committed_frames:
            return False
        return True

    @property
    def leftover_bytes(self) -> int:
        return self.leftover_frames * (FRAME_HEADER + self.page_size)


def _checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum over ``data`` (a multiple of 8 bytes), continuing (s0, s1)."""
    words = struct.unpack((">" if big_endian else "<") + f"{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def db_page_size(path: Path) -> int:
    """The page size written in the database file's header (bytes 16–17; 1 means 65 536)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(18)
    except OSError:
        return 0
    if len(head) < 18:
        return 0
    size = struct.unpack(">H", head[16:18])[0]
    return 65536 if size == 1 else size


def inspect(path: Path | str) -> WalState:
    """Read ``PATH-wal`` and ``PATH-shm`` and say what they hold; never writes."""
    path = Path(path)
    state = WalState(wal=Path(f"{path}-wal"))
    state.db_page_size = db_page_size(path)
    index = _read_index(path)
    try:
        fh = open(state.wal, "rb")
    except FileNotFoundError:
        fh = None
    if fh is None or os.fstat(fh.fileno()).st_size == 0:
        state.exists = fh is not None
        if fh is not None:
            fh.close()
        if index is not None:
            state.index_frames, state.index_backfilled = index[0], index[1]
        _judge(state)
        return state
    with fh:
        _scan(fh, path, state, index)
    _judge(state)
    return state


def _scan(fh, path: Path, state: WalState, index: tuple[int, int, bytes] | None) -> None:
    state.exists = True
    state.size = os.fstat(fh.fileno()).st_size
    header = fh.read(WAL_HEADER)
    if len(header) < WAL_HEADER:
        state.header_ok = False
        return
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", header)
    big = magic == WAL_MAGIC[1]
    valid_size = 512 <= page_size <= 65536 and not page_size & (page_size - 1)
    if magic not in WAL_MAGIC or not valid_size or _checksum(header[:24], 0, 0, big) != (c1, c2):
        state.header_ok = False
        return
    state.page_size = page_size
    if index is not None:
        if index[2] == header[16:24]:
            state.index_frames, state.index_backfilled = index[0], index[1]
        elif index[0]:
            state.foreign = True  # the store's index describes another log
    backfilled = state.index_backfilled or 0
    last_backfilled: dict[int, int] = {}  # page -> offset of its last checkpointed frame
    s0, s1 = c1, c2
    frame_size = FRAME_HEADER + page_size
    number = 0
    broken = False
    gap: int | None = None  # a frame of other salts: the log's end, unless ours follow
    while True:
        offset = fh.tell()
        frame = fh.read(frame_size)
        if not frame:
            break
        if len(frame) < frame_size:
            state.torn_bytes = len(frame)
            break
        number += 1
        page, after, f_salt1, f_salt2, f1, f2 = struct.unpack(">6I", frame[:FRAME_HEADER])
        if (f_salt1, f_salt2) != (salt1, salt2):
            if gap is None and not broken:
                gap = number  # an older generation of the log — or a damaged header
            continue
        if gap is not None and not broken:
            # A frame of this log after one of other salts: that one was damaged, and SQLite
            # ends the log there.
            state.bad_frame, broken = gap, True
        state.log_frames = number
        if broken:
            if after:
                state.commits_after_bad += 1
            continue
        t0, t1 = _checksum(frame[:8], s0, s1, big)
        t0, t1 = _checksum(frame[FRAME_HEADER:], t0, t1, big)
        if (t0, t1) != (f1, f2) or page == 0:
            state.bad_frame = number
            broken = True
            if after:
                state.commits_after_bad += 1  # the bad frame itself closed a commit
            continue
        s0, s1 = t0, t1
        state.frames = number
        if number <= backfilled:
            last_backfilled[page] = offset + FRAME_HEADER
        if after:
            state.commits += 1
            state.committed_frames = number
    # After the last commit: a write that failed and was rolled back, or older frames the
    # next writes reuse. (A rolled-back write's frames may fail their checksum: SQLite
    # rewrites a page written twice in place and sums it only at commit.)
    whole = (state.size - WAL_HEADER) // frame_size
    state.leftover_frames = (whole if not state.commits_after_bad
                             else state.frames) - state.committed_frames
    if last_backfilled and not state.foreign and page_size == state.db_page_size:
        state.foreign = _differs_from_database(fh, path, page_size, last_backfilled)


def _differs_from_database(fh, path: Path, page_size: int, pages: dict[int, int]) -> bool:
    """A checkpoint copied these frames into the database: if a page there differs, the
    log was written for another file (a backup copied over the store, say)."""
    try:
        db = open(path, "rb")
    except OSError:
        return False
    with db:
        for page, offset in pages.items():
            fh.seek(offset)
            ours = fh.read(page_size)
            db.seek((page - 1) * page_size)
            theirs = db.read(page_size)
            if page == 1:  # the header's change counters may move at a checkpoint
                ours, theirs = ours[100:], theirs[100:]
            if ours != theirs:
                return True
    return False


def _read_index(path: Path) -> tuple[int, int, bytes] | None:
    """The -shm index's (mxFrame, nBackfill, salts as in the log's header), or None when
    there is no readable, settled index."""
    try:
        with open(f"{path}-shm", "rb") as fh:
            head = fh.read(136)
    except OSError:
        return None
    if len(head) < 136 or head[:48] != head[48:96]:
        return None  # being written, or not an index: no verdict from it
    version, = struct.unpack("=I", head[0:4])
    if version != 3007000:
        return None
    mx_frame, = struct.unpack("=I", head[16:20])
    backfilled, = struct.unpack("=I", head[96:100])
    return mx_frame, backfilled, head[32:40]


def _judge(state: WalState) -> None:
    wal = state.wal
    if state.exists and state.size and not state.header_ok:
        state.problems.append(_(
            "{wal} is not a valid log of this database (its header is damaged or another "
            "file's): SQLite ignores its {size} bytes, and any commit in them is lost").format(
                wal=wal, size=state.size))
        return
    if state.foreign:
        state.problems.append(_(
            "{wal} does not belong to this database: it is the log of another file (a copy "
            "put in the store's place?) — restore with 'ekbist restore', never by copying")
            .format(wal=wal))
    elif state.page_size and state.db_page_size and state.page_size != state.db_page_size:
        state.problems.append(_(
            "{wal} does not belong to this database: its pages are {wal_size} bytes, the "
            "database's {db_size}").format(wal=wal, wal_size=state.page_size,
                                           db_size=state.db_page_size))
    if state.bad_frame is not None and state.commits_after_bad:
        state.problems.append(ngettext(
            "{wal} fails its checksum at frame {frame}: {n} commit after it is lost",
            "{wal} fails its checksum at frame {frame}: {n} commits after it are lost",
            state.commits_after_bad).format(wal=wal, frame=state.bad_frame,
                                           n=state.commits_after_bad))
    if state.torn_bytes and state.index_frames is not None and \
            state.index_frames > state.frames:
        state.problems.append(_(
            "{wal} is cut short: it ends inside frame {frame}, and the index counts {n} "
            "frames").format(wal=wal, frame=state.frames + 1, n=state.index_frames))
    elif state.index_frames is not None and state.index_backfilled is not None and \
            state.index_frames > state.frames and state.index_frames > state.index_backfilled \
            and state.bad_frame is None:
        if not state.exists:
            state.problems.append(_(
                "{wal} is missing: {n} frames of commits the index counts are not in the "
                "database and are lost").format(
                    wal=wal, n=state.index_frames - state.index_backfilled))
        else:
            state.problems.append(_(
                "{wal} is shorter than its index says ({frames} of {n} frames): commits in "
                "it are lost").format(wal=wal, frames=state.frames, n=state.index_frames))


def free_bytes(folder: Path) -> int | None:
    """Free bytes for this user on the filesystem of ``folder`` (None where unknown)."""
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    return stats.f_bavail * stats.f_frsize


# A write needs room for its frames in the -wal and for the checkpoint: less than this is
# a full disk for any command that writes.
WRITE_ROOM = 4 * 1024 * 1024


def write_blocked(state: WalState, free: int | None) -> str | None:
    """The reason writes fail, when a ``-wal`` left by a failed write sits on a full disk."""
    if free is None or free >= WRITE_ROOM:
        return None
    if state.leftover_frames:
        return ngettext(
            "{wal} holds {size} of a write that failed and was rolled back, and the disk has "
            "{free} free: every write will fail until there is room ({n} frame)",
            "{wal} holds {size} of a write that failed and was rolled back, and the disk has "
            "{free} free: every write will fail until there is room ({n} frames)",
            state.leftover_frames).format(wal=state.wal, size=_bytes(state.leftover_bytes),
                                          free=_bytes(free), n=state.leftover_frames)
    return _("the disk holding {wal} has {free} free: every write will fail until there is "
             "room").format(wal=state.wal, free=_bytes(free))


def _bytes(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} B"


def _fingerprint(path: Path) -> tuple:
    """What a writer changes when it writes, commits, checkpoints or closes: the -wal's and
    the -shm's identity, size and time, and the index header."""
    marks: list[object] = []
    for name in (f"{path}-wal", f"{path}-shm", str(path)):
        try:
            st = os.stat(name)
            marks.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            marks.append(None)
    try:
        with open(f"{path}-shm", "rb") as fh:
            marks.append(fh.read(136))
    except OSError:
        marks.append(None)
    return tuple(marks)


# A live writer changes the files while they are read (a commit, a checkpoint, the -wal
# deleted as the last connection closes): a verdict needs files that stood still while
# they were read, and damage is damage only if it is still there a moment later.
SETTLE_TRIES = 20
SETTLE_PAUSE = 0.05


def settled_inspect(path: Path) -> WalState | None:
    """:func:`inspect` of files that did not change while they were read, and whose
    problems (if any) are still the same a moment later; None while a writer keeps them
    moving (a store being written is not a damaged one)."""
    import time

    for _try in range(SETTLE_TRIES):
        before = _fingerprint(path)
        state = inspect(path)
        if _fingerprint(path) != before:
            time.sleep(SETTLE_PAUSE)
            continue
        if not state.problems:
            return state
        time.sleep(SETTLE_PAUSE)
        if _fingerprint(path) == before:
            return state
    return None


def problems(path: Path | str) -> list[str]:
    """Everything wrong with the store's ``-wal`` that SQLite would not say: damage, a
    foreign log, lost commits, and a full disk that blocks every write."""
    path = Path(path)
    state = settled_inspect(path)
    if state is None:
        return []
    found = list(state.problems)
    blocked = write_blocked(state, free_bytes(path.resolve().parent))
    if blocked:
        found.append(blocked)
    return found
