"""Evidence files from hostile places: only regular files, never a blocking open, never a torn copy.

A FIFO opened for reading blocks until a writer appears (``evidence add`` hung forever); ``/dev/zero`` never
ends. So the path is examined with ``stat`` first, then opened with ``O_NONBLOCK`` and examined again through
the descriptor (the same inode, still a regular file). The size and modification time are read before the
first byte and compared after the last one: a file rewritten or truncated meanwhile is refused.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cdassess.errors import CdassessError, InvalidValueError

DEFAULT_MAX_EVIDENCE_BYTES = 4 * 2**30  # 4 GiB per file; CDASSESS_MAX_EVIDENCE_MB or --max-size changes it
SPACE_MARGIN = 128 * 2**20  # the -wal file holds up to 32 MB of content between checkpoints, plus headroom

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def evidence_size_limit() -> int:
    """The per-file limit: ``CDASSESS_MAX_EVIDENCE_MB`` when set, else 4 GiB."""
    raw = os.environ.get("CDASSESS_MAX_EVIDENCE_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_EVIDENCE_BYTES
    try:
        mb = float(raw)
    except ValueError:
        raise InvalidValueError(f"CDASSESS_MAX_EVIDENCE_MB={raw!r} is not a number of megabytes") from None
    if mb <= 0:
        raise InvalidValueError(f"CDASSESS_MAX_EVIDENCE_MB={raw!r} must be more than 0")
    return int(mb * 2**20)


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def _kind(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


@dataclass
class EvidenceSource:
    path: Path
    fh: BinaryIO
    size: int
    mtime_ns: int
    inode: tuple[int, int]

    def __enter__(self) -> EvidenceSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()

    def verify_unchanged(self) -> None:
        """Refuse when the file changed while it was read (size, time, inode, or bytes read)."""
        try:
            now = os.fstat(self.fh.fileno())
            by_name = os.stat(self.path)
        except OSError:
            raise CdassessError(code="evidence_changed", params={"path": str(self.path)}) from None
        read = self.fh.tell()
        same = (now.st_size == self.size == read and now.st_mtime_ns == self.mtime_ns
                and (by_name.st_dev, by_name.st_ino) == self.inode and by_name.st_size == self.size
                and by_name.st_mtime_ns == self.mtime_ns)
        if not same:
            raise CdassessError(code="evidence_changed", params={"path": str(self.path)})


def open_regular_file(p: Path, assessment: Path, max_bytes: int | None = None) -> EvidenceSource:
    """Open ``p`` for attaching, or refuse it with a message that says why."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise CdassessError(f"{p}: no such file") from None
    except PermissionError:
        raise CdassessError(f"{p}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise CdassessError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    kind = _kind(st.st_mode)
    if kind == "a folder":
        raise CdassessError(f"{p}: is a folder; attach files, not folders")
    if kind is not None:
        raise CdassessError(code="evidence_not_regular", params={"path": str(p), "kind": kind})
    _check_size_and_space(p, st.st_size, assessment, max_bytes)
    return _open_checked(p, st)


def _check_size_and_space(p: Path, size: int, assessment: Path, max_bytes: int | None) -> None:
    limit = evidence_size_limit() if max_bytes is None else max_bytes
    if size > limit:
        raise CdassessError(code="evidence_too_large", params={"path": str(p), "size": human_size(size),
                                                               "limit": human_size(limit)})
    needed = size + SPACE_MARGIN
    try:
        free = shutil.disk_usage(assessment.parent).free
    except OSError:
        free = needed
    if free < needed:
        raise CdassessError(code="evidence_no_space", params={"path": str(p), "size": human_size(size),
                                                              "needed": human_size(needed),
                                                              "free": human_size(free)})


def _open_checked(p: Path, st: os.stat_result) -> EvidenceSource:
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except PermissionError:
        raise CdassessError(f"{p}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise CdassessError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    try:
        fst = os.fstat(fd)
        kind = _kind(fst.st_mode)
        if kind is not None:  # swapped for a FIFO or device between stat and open
            raise CdassessError(code="evidence_not_regular", params={"path": str(p), "kind": kind})
        if (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino):
            raise CdassessError(code="evidence_changed", params={"path": str(p)})
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return EvidenceSource(p, fh, fst.st_size, fst.st_mtime_ns, (fst.st_dev, fst.st_ino))
