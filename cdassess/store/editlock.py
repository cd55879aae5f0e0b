"""The editing lock: one editor per assessment file, across processes, with a maintained library.

``filelock`` (pinned) takes the OS lock (``flock`` on Unix, ``LockFileEx``-style on Windows) on the sidecar
``.~lock.NAME#``; the OS releases it when the holder dies, so a killed window never blocks the file. Its lock
file is opened with ``O_NOFOLLOW`` and without truncation; cdassess refuses a lock path that is a symbolic
link before it is touched (a planted link must never be written through). The holder writes who it is
(user, machine, process, since) into the lock file through the locked descriptor, so a second editor can
say "already open by X on Y". Contents left in a lock file nobody holds were left by a process that is no
longer running: the lock is taken and that is said (``stale_note``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from cdassess.errors import AssessmentFileError, FileInUseError


def lock_path(path: Path) -> Path:
    """The sidecar lock file beside the assessment (LibreOffice style, hidden on Unix)."""
    return path.parent / f".~lock.{path.name}#"


def _now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def holder_info() -> dict[str, object]:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "user": os.environ.get("USER") or os.environ.get("USERNAME") or "?", "since": _now_iso()}


def describe_holder(raw: str) -> str:
    """`` by USER on HOST (process PID)`` from a lock file's contents ('' when unreadable)."""
    try:
        info = json.loads(raw)
    except ValueError:
        return ""
    if not isinstance(info, dict):
        return ""
    clean = {k: "".join(ch if ch.isprintable() else "?" for ch in str(info.get(k, "?")))[:80]
             for k in ("user", "host", "pid")}
    return f" by {clean['user']} on {clean['host']} (process {clean['pid']})"


@dataclass
class _Held:
    lock: FileLock
    inode: str
    count: int = 1
    stale_note: str = ""


_held: dict[str, _Held] = {}
_guard = threading.Lock()


def _refuse_symlink(path: Path, lp: Path) -> None:
    try:
        st = os.lstat(lp)
    except FileNotFoundError:
        return
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise AssessmentFileError(code="lock_symlink", params={"path": str(path), "lock": lp.name})
    if not stat.S_ISREG(st.st_mode):
        raise AssessmentFileError(f"{path}: its lock file {lp.name} is not a regular file; remove it, then open "
                                  "the file again")


def _read_holder(lp: Path) -> str:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(lp, flags)
    except OSError:
        return ""
    try:
        return os.read(fd, 4096).decode("utf-8", "replace")
    finally:
        os.close(fd)


def acquire(path: Path) -> str:
    """Take the editing lock of ``path`` for this process (re-entrant); returns a note about a stale lock."""
    key = str(path.resolve())
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return ""
        lp = lock_path(path)
        _refuse_symlink(path, lp)
        found: dict[str, str] = {}

        def on_acquired(fd: int) -> None:
            st = os.fstat(fd)
            found["inode"] = f"{st.st_dev}:{st.st_ino}"
            left = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() if hasattr(os, "pread") else ""
            if left:
                found["stale"] = left
            data = json.dumps(holder_info()).encode("utf-8")
            os.ftruncate(fd, 0)
            if hasattr(os, "pwrite"):
                os.pwrite(fd, data, 0)
            else:  # Windows
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, data)

        lock = FileLock(lp, timeout=0, blocking=False, thread_local=False, fallback_to_soft=False,
                        on_acquired=on_acquired)
        try:
            lock.acquire()
        except Timeout:
            who = describe_holder(_read_holder(lp))
            raise FileInUseError(code="file_in_use", params={"path": str(path), "who": who}) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP or os.path.islink(lp):
                raise AssessmentFileError(code="lock_symlink", params={"path": str(path), "lock": lp.name}) from None
            raise AssessmentFileError(f"{path}: cannot create the lock file {lp.name} ({exc.strerror or exc}); "
                                      "is the folder read-only?") from None
        note = ""
        if "stale" in found:
            note = (f"{path}: the editing lock{describe_holder(found['stale'])} was left by a process that is no "
                    "longer running; it was taken over")
        _held[key] = _Held(lock, found.get("inode", ""), 1, note)
        return note


def release(path: Path) -> None:
    key = str(path.resolve())
    with _guard:
        held = _held.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count:
            return
        del _held[key]
        # Remove the file while still holding its lock, then unlock: a waiter that locks the removed file finds
        # it unlinked (filelock checks) and tries again, so no two editors ever hold the lock at once. (The
        # reverse order, unlock then remove, let a second editor lock a new file while a third held the old.)
        lp = lock_path(path)
        with contextlib.suppress(OSError):
            st = os.lstat(lp)
            if sys.platform != "win32" and f"{st.st_dev}:{st.st_ino}" == held.inode:
                lp.unlink()
        held.lock.release(force=True)
