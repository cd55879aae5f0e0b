"""Opening an assessment file safely: checks before SQLite touches it, pragmas, the editing lock.

Nothing here creates a file unless asked to, and every refusal names the file and says what to do.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import time
from datetime import UTC, datetime
from pathlib import Path

from cdassess.errors import AssessmentFileError

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


def connect(path: Path, *, readonly: bool) -> HardenedConnection:
    """A hardened connection (see :func:`harden`) with foreign keys on; it writes nothing to the file."""
    if readonly:
        immutable = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
        uri = path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    else:
        uri = path.resolve().as_uri() + "?mode=rwc"
    conn = sqlite3.connect(uri, uri=True, timeout=10.0, check_same_thread=True, factory=HardenedConnection)
    assert isinstance(conn, HardenedConnection)
    try:
        harden(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise damaged(path, exc) from None
    return conn


# ------------------------------------------------------------------------------------ hardening

# Limits a genuine file and cdassess's own statements stay far below; a crafted file meets them first.
LIMITS: dict[int, int] = {
    sqlite3.SQLITE_LIMIT_LENGTH: 256 * 2**20,  # one string or blob (evidence chunks are 1 MiB, notes a few MB)
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 1_000_000,  # one statement's text (also each CREATE in the schema)
    sqlite3.SQLITE_LIMIT_COLUMN: 500,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 1_000_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 100,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # no other file joins an assessment's connection
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 10_000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 10,
}
# The progress handler runs every PROGRESS_STEP virtual-machine instructions; one statement may run at most
# STATEMENT_BUDGET of them. Scanning a million audit rows takes about 15 million, the checks of a 2 GB file
# a few million (hashing and integrity checks run outside the counted instructions): a hundredfold margin.
PROGRESS_STEP = 100_000
STATEMENT_BUDGET = 2_000_000_000
# A pause this long between two progress calls means SQLite went idle: a new statement's budget starts.
IDLE_RESET_SECONDS = 1.0
RUNAWAY_MESSAGE = "interrupted"

_DENIED_PRAGMAS = frozenset({"writable_schema", "trusted_schema", "cell_size_check", "legacy_alter_table",
                             "ignore_check_constraints"})


class Guard:
    """The progress budget and the authorizer of one connection.

    ``trusted`` holds the (lower-case) names of the triggers and views cdassess itself created in this file:
    SQL from any other trigger or view is refused when a statement is prepared, so it never runs, even if
    the schema check were wrong. Until the schema is verified nothing from the file is trusted.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.trusted: set[str] = set()
        self.budget = STATEMENT_BUDGET // PROGRESS_STEP
        self.used = 0
        self.last = 0.0
        self.tripped = False
        self.denied: str | None = None

    def reset(self) -> None:
        self.used = 0
        self.tripped = False
        self.denied = None

    def explain(self, exc: sqlite3.DatabaseError) -> AssessmentFileError | None:
        """The user-facing error for a statement this guard stopped (None: not ours)."""
        if self.path is None or not (self.tripped or self.denied):
            return None
        return damaged(self.path, exc)

    def progress(self) -> int:
        now = time.monotonic()
        if now - self.last > IDLE_RESET_SECONDS:
            self.used = 0
        self.last = now
        self.used += 1
        if self.used > self.budget:
            self.tripped = True
            return 1
        return 0

    def authorize(self, action: int, arg1: str | None, arg2: str | None, db_name: str | None,
                  source: str | None) -> int:
        if source is not None and source.lower() not in self.trusted:
            self.denied = source
            return sqlite3.SQLITE_DENY
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_CREATE_VTABLE):
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _DENIED_PRAGMAS and arg2 is not None:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK


class HardenedConnection(sqlite3.Connection):
    """An assessment's connection: carries its :class:`Guard`."""

    guard: Guard


def harden(conn: HardenedConnection, path: Path | None = None) -> None:
    """Distrust the file's own SQL: ``trusted_schema=OFF``, defensive mode where Python offers it, limits,
    a per-statement instruction budget and an authorizer that lets only cdassess's own triggers run.

    Python 3.11's sqlite3 cannot switch on SQLite's defensive mode (``Connection.setconfig`` is new in 3.12):
    there it is set when available, and the authorizer refuses what defensive mode exists to stop (writing the
    schema, ``writable_schema``, attaching files, virtual tables).
    """
    guard = Guard(path)
    conn.guard = guard
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    setconfig = getattr(conn, "setconfig", None)
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if setconfig is not None and defensive is not None:
        setconfig(defensive, True)
        trusted = getattr(sqlite3, "SQLITE_DBCONFIG_TRUSTED_SCHEMA", None)
        if trusted is not None:
            setconfig(trusted, False)
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    conn.set_progress_handler(guard.progress, PROGRESS_STEP)
    conn.set_authorizer(guard.authorize)


def guard_of(conn: sqlite3.Connection) -> Guard | None:
    return getattr(conn, "guard", None)


WAL_SIZE_LIMIT = 64 * 2**20


def make_durable(conn: sqlite3.Connection) -> None:
    """WAL and synchronous=FULL; only after the file is known to be ours (switching to WAL writes the header)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    # a -wal file grown by one big transaction (a 1 GB evidence file) shrinks back when it is next reset
    conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")


def damaged(path: Path, exc: BaseException) -> AssessmentFileError:
    if isinstance(exc, UnicodeDecodeError):
        return AssessmentFileError(f"{path}: the file is damaged (text in it is not valid UTF-8); restore it from "
                                   "a copy")
    text = str(exc)
    if "Could not decode to UTF-8" in text:
        return AssessmentFileError(f"{path}: the file is damaged (text in it is not valid UTF-8); restore it from "
                                   "a copy")
    if text == RUNAWAY_MESSAGE:
        return AssessmentFileError(f"{path}: a query on the file ran far longer than any genuine file needs and "
                                   "was stopped; the file may be crafted to make cdassess hang")
    if "not authorized" in text:
        return AssessmentFileError(f"{path}: the file holds SQL that cdassess did not write (refused to run it); "
                                   "it is not a genuine cdassess file")
    if "too big" in text or "too many" in text or "too large" in text:
        return AssessmentFileError(f"{path}: the file holds a value or statement beyond cdassess's limits ({text}); "
                                   "it is damaged or crafted")
    from cdassess.store.sqlerrors import classify

    err = classify(path, exc)  # by SQLite's error code (store/sqlerrors.py), never by message text
    if isinstance(err, AssessmentFileError):
        return err
    raise err from None  # a bug in cdassess: not "your file is damaged"


# ------------------------------------------------------------------------------------ the editing lock


def lock_path(path: Path) -> Path:
    """The sidecar lock file beside the assessment (LibreOffice style, hidden on Unix)."""
    from cdassess.store.editlock import lock_path as sidecar

    return sidecar(path)


def acquire_edit_lock(path: Path) -> str:
    """Take the per-file editing lock for this process (re-entrant within the process); see store/editlock.py.

    Returns a note when a lock left by a process that is no longer running was taken over ('' otherwise)."""
    from cdassess.store.editlock import acquire

    return acquire(path)


def release_edit_lock(path: Path) -> None:
    from cdassess.store.editlock import release

    release(path)
