"""SQLite failures sorted by their error code (``sqlite3.Error.sqlite_errorname``), never by message text.

Environment (the disk, the file system, another program, a damaged file): one clear message each, the user
can act on it. Everything else (a misused API, a constraint our own code broke, a syntax error) is a bug in
cdassess: the message says so and names the log file holding the details, never "your file is damaged".
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from cdassess.errors import CdassessError, FileInUseError, InternalError, StorageError

log = logging.getLogger("cdassess.store")

# error name prefix -> message code (cdassess.errors.MESSAGES)
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("SQLITE_FULL", "disk_full"),
    ("SQLITE_IOERR_NOMEM", "bug"),  # out of memory is not the disk's fault
    ("SQLITE_READONLY", "read_only"),
    ("SQLITE_BUSY", "busy"),
    ("SQLITE_LOCKED", "busy"),
    ("SQLITE_IOERR", "io_error"),
    ("SQLITE_CORRUPT", "corrupt"),
    ("SQLITE_NOTADB", "corrupt"),
    ("SQLITE_CANTOPEN", "cannot_open"),
    ("SQLITE_PERM", "permission"),
    ("SQLITE_AUTH", "permission"),
)


def error_name(exc: BaseException) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")


def code_of(exc: BaseException) -> str:
    """The message code for an SQLite exception: an environment code, or ``bug``."""
    name = error_name(exc)
    for prefix, code in ENVIRONMENT:
        if name == prefix or name.startswith(prefix + "_"):
            return code
    # SQLITE_ERROR ("no such column", a syntax error) and the rest: our SQL is wrong. A file lacking what
    # every cdassess file has is refused before any such query runs (store/genuine.py).
    return "bug"


def classify(path: Path, exc: BaseException) -> CdassessError:
    """One user-facing error for an SQLite exception raised while working on ``path``."""
    from cdassess import logsetup

    logsetup.install()
    code = code_of(exc)
    detail = str(exc) or error_name(exc) or type(exc).__name__
    if code == "bug":
        log.error("SQLite error %s on %s", error_name(exc) or type(exc).__name__, path, exc_info=exc)
        return InternalError(code="bug", params={"detail": f"{error_name(exc) or type(exc).__name__}: {detail}",
                                                 "log": str(logsetup.log_path()), "path": str(path)})
    log.warning("SQLite %s on %s: %s", error_name(exc), path, detail)
    params = {"path": str(path), "detail": detail, "sqlite": error_name(exc)}
    if code == "busy":
        return FileInUseError(code=code, params=params)
    return StorageError(code=code, params=params)


def is_environment(exc: sqlite3.Error) -> bool:
    return code_of(exc) != "bug"
