"""Opening an assessment file safely: checks before SQLite touches it, pragmas, the editing lock.

Nothing here creates a file unless asked to, and every refusal names the file and says what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import struct
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from cdassess.errors import AssessmentFileError, FileInUseError

SQLITE_MAGIC = b"SQLite format 3\x00"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def preflight(path: Path) -> None:
    """Refuse files that are clearly not an assessment before SQLite opens them."""
    if not path.exists():
        raise AssessmentFileError(f"{path}: no such file")
    if path.is_dir():
        raise AssessmentFileError(f"{path}: is a directory, not an assessment file")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except PermissionError:
        raise AssessmentFileError(f"{path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise AssessmentFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not header:
        raise AssessmentFileError(f"{path}: the file is empty, not an assessment file")
    if not header.startswith(SQLITE_MAGIC):
        raise AssessmentFileError(f"{path}: not an assessment file (not an SQLite database)")
    if len(header) < 100:
        raise AssessmentFileError(f"{path}: the file is truncated (only {len(header)} bytes)")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", header[28:32])[0]
    size = path.stat().st_size
    # A process killed during a WAL checkpoint leaves page 1 (with the new page count) written before the
    # later pages; the -wal file still holds them and SQLite finishes the checkpoint on the next open.
    wal = Path(str(path) + "-wal")
    hot_wal = wal.exists() and wal.stat().st_size > 0
    if page_count and page_size and not hot_wal and size < page_count * page_size:
        raise AssessmentFileError(
            f"{path}: the file is truncated ({size} bytes, its header says {page_count * page_size}); "
            "restore it from a copy"
        )


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection with foreign keys on; it writes nothing to the file."""
    if readonly:
        immutable = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
        uri = path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    else:
        uri = path.resolve().as_uri() + "?mode=rwc"
    conn = sqlite3.connect(uri, uri=True, timeout=10.0, check_same_thread=True)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise damaged(path, exc) from None
    return conn


WAL_SIZE_LIMIT = 64 * 2**20


def make_durable(conn: sqlite3.Connection) -> None:
    """WAL and synchronous=FULL; only after the file is known to be ours (switching to WAL writes the header)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    # a -wal file grown by one big transaction (a 1 GB evidence file) shrinks back when it is next reset
    conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")


def damaged(path: Path, exc: BaseException) -> AssessmentFileError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return AssessmentFileError(f"{path}: the file is read-only; changes cannot be saved")
    if "locked" in text or "busy" in text:
        return FileInUseError(f"{path}: the file is busy in another program; try again in a moment")
    if "disk is full" in text or "full" in text:
        return AssessmentFileError(f"{path}: the disk is full; free space and try again (nothing was saved)")
    return AssessmentFileError(f"{path}: the file is damaged or not an assessment ({text}); restore it from a copy")


# ------------------------------------------------------------------------------------ the editing lock


def lock_path(path: Path) -> Path:
    """The sidecar lock file beside the assessment (LibreOffice style, hidden on Unix)."""
    return path.parent / f".~lock.{path.name}#"


class _Held:
    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.count = 1


_held: dict[str, _Held] = {}
_held_guard = threading.Lock()


def _try_lock(fh: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def acquire_edit_lock(path: Path) -> None:
    """Take the per-file editing lock for this process (re-entrant within the process)."""
    key = str(path.resolve())
    with _held_guard:
        if key in _held:
            _held[key].count += 1
            return
        lp = lock_path(path)
        try:
            fh = open(lp, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the whole session
        except OSError as exc:
            raise AssessmentFileError(f"{path}: cannot create the lock file {lp.name} ({exc.strerror or exc}); "
                                      "is the folder read-only?") from None
        if not _try_lock(fh):
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            who = ""
            with contextlib.suppress(ValueError):
                info = json.loads(holder)
                who = f" by {info.get('user', '?')} on {info.get('host', '?')} (process {info.get('pid', '?')})"
            raise FileInUseError(
                f"{path}: already open for editing in another cdassess window or command{who}; "
                "close it there, or open this file read-only"
            )
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                             "user": os.environ.get("USER") or os.environ.get("USERNAME") or "?",
                             "since": now_iso()}))
        fh.flush()
        _held[key] = _Held(fh)


def release_edit_lock(path: Path) -> None:
    key = str(path.resolve())
    with _held_guard:
        held = _held.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count:
            return
        del _held[key]
        with contextlib.suppress(OSError):
            lock_path(path).unlink()
        held.fh.close()
