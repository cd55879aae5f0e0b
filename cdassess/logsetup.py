"""The log file: a rotating file in the user data folder, so a crash of the no-console build leaves a trace.

The window and the CLI call :func:`install` once; tracebacks of bugs go here, never to the user's screen in
full. ``CDASSESS_LOG`` overrides the file (tests).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from types import TracebackType

LOG_NAME = "cdassess.log"
MAX_BYTES = 1 << 20
BACKUPS = 3

_state: dict[str, logging.Handler] = {}
_lock = threading.Lock()


def log_dir() -> Path:
    override = os.environ.get("CDASSESS_LOG")
    if override:
        return Path(override).parent
    from cdassess.paths import user_data_dir

    d = user_data_dir() / "logs"
    d.mkdir(parents=True, exist_ok=True)
    return d


def log_path() -> Path:
    override = os.environ.get("CDASSESS_LOG")
    return Path(override) if override else log_dir() / LOG_NAME


def install(level: int = logging.INFO) -> Path | None:
    """Send the ``cdassess`` loggers to the rotating log file (once per process); returns its path."""
    with _lock:
        path = log_path()
        installed = _state.get("handler")
        if installed is not None and getattr(installed, "baseFilename", None) == str(path):
            return path
        import logging.handlers  # here, not at import: the window's start does not wait for it (socket, ...)

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        except OSError:
            return None  # a read-only home: no log, but never a crash because of it
        handler.setFormatter(_EscapingFormatter("%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: "
                                                "%(message)s"))
        root = logging.getLogger("cdassess")
        if installed is not None:
            root.removeHandler(installed)
            installed.close()
        root.addHandler(handler)
        root.setLevel(level)
        _state["handler"] = handler
        return path


class _EscapingFormatter(logging.Formatter):
    """Control characters in a logged value (an evidence name, a lock file's text) are written escaped."""

    def format(self, record: logging.LogRecord) -> str:
        from cdassess.safetext import escape_terminal

        return escape_terminal(super().format(record))


def log_exception(what: str, exc_type: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> Path:
    """Write one uncaught exception with its traceback to the log; returns the log's path."""
    install()
    logging.getLogger("cdassess.crash").critical("%s: %s", what, exc_type.__name__, exc_info=(exc_type, exc, tb))
    for h in logging.getLogger("cdassess").handlers:
        h.flush()
    return log_path()


def cli_bug_line(exc: BaseException) -> str:
    """The one line the CLI prints for a bug: what happened and where the traceback went."""
    path = log_exception("cdassess command failed", type(exc), exc, exc.__traceback__)
    return f"cdassess: this is a bug in cdassess ({type(exc).__name__}: {exc}); details are in {path}"


def print_cli_bug(exc: BaseException) -> None:
    print(cli_bug_line(exc), file=sys.stderr)
