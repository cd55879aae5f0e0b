"""The window never dies silently: uncaught exceptions (main thread or any other) go to the log and a dialog.

``sys.excepthook`` and ``threading.excepthook`` write the traceback to the rotating log
(:mod:`cdassess.logsetup`) and show "this is a bug in cdassess" with the log's path. A bug in a slot does not
end the event loop; the user can save nothing more than is already saved (every edit commits), and is told so.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from cdassess import logsetup

ShowFn = Callable[[str, str], None]


class _Relay(QObject):
    """Carries a crash report from any thread to the main thread (a dialog may only open there)."""

    crashed = Signal(str, str)  # summary, log path


_state: dict[str, object] = {}


def _default_show(summary: str, log: str) -> None:
    from ui import messages

    messages.error(None, QCoreApplication.translate("Crash", "cdassess ran into a problem"),
                   QCoreApplication.translate(
                       "Crash", "This is a bug in cdassess: %1\n\nEvery edit made so far was saved. The details "
                       "are in the log file:\n%2").replace("%1", summary).replace("%2", log))


def report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str) -> Path:
    path = logsetup.log_exception(f"uncaught exception in {where}", exc_type, exc, tb)
    relay = _state.get("relay")
    summary = f"{exc_type.__name__}: {exc}"[:500]
    if isinstance(relay, _Relay):
        relay.crashed.emit(summary, str(path))
    else:
        print(f"cdassess: this is a bug in cdassess ({summary}); details are in {path}", file=sys.stderr)
    return path


def install(show: ShowFn | None = None, *, log_now: bool = True) -> None:
    """Install the hooks (once; again to replace ``show``, as tests do). ``log_now`` False: the log file is
    set up by the caller later (the window does it once it is painted); a crash before that sets it up
    itself (:func:`cdassess.logsetup.log_exception`)."""
    if log_now:
        logsetup.install()
    relay = _state.get("relay")
    if not isinstance(relay, _Relay):
        relay = _Relay()
        _state["relay"] = relay
    fn = show or _default_show
    _state["show"] = fn

    @Slot(str, str)
    def on_crash(summary: str, log: str) -> None:
        shown = _state.get("show")
        if callable(shown):
            shown(summary, log)

    old = _state.get("slot")
    if old is not None:
        with contextlib.suppress(RuntimeError, TypeError):
            relay.crashed.disconnect(old)
    relay.crashed.connect(on_crash, Qt.ConnectionType.QueuedConnection)
    _state["slot"] = on_crash

    def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report(exc_type, exc, tb, "the window")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        report(args.exc_type, args.exc_value, args.exc_traceback,
               f"thread {args.thread.name if args.thread else '?'}")

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
