"""What this process has open, and who writes next.

Two facts of SQLite on POSIX shape this module:

* A process's ``fcntl`` locks on a file vanish when *any* descriptor of that file in the process is closed.
  SQLite keeps its own descriptors open for that reason, but a plain ``open(path).read(100); close()`` in
  the same process (the header check of :func:`cdassess.store.connection.preflight` when the window's
  evidence worker opened its own connection) silently drops the SHARED lock the window's connection holds
  on the database file. Other processes then see no one using the file. So a file this process already has
  open is never opened again outside SQLite: :func:`is_open` tells the store to skip the header check.
* Two connections of one process (the window and its evidence worker) both wait on SQLite's busy handler,
  which polls with sleeps of up to 100 ms and is not fair. :class:`WriteGate` orders them inside the
  process instead: an edit waits at most for the one short chunk transaction under way, and a bulk writer
  (attaching evidence) steps aside between its transactions while an edit is waiting.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

_guard = threading.Lock()
_open_counts: dict[tuple[int, int], int] = {}
_gates: dict[tuple[int, int], WriteGate] = {}


def file_key(path: Path) -> tuple[int, int] | None:
    """The file's identity (device, inode), or None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def is_open(path: Path) -> bool:
    """True if a connection of this process has the file open (then do not open it outside SQLite)."""
    key = file_key(path)
    with _guard:
        return key is not None and _open_counts.get(key, 0) > 0


def open_count(path: Path) -> int:
    key = file_key(path)
    with _guard:
        return 0 if key is None else _open_counts.get(key, 0)


def register(key: tuple[int, int]) -> None:
    with _guard:
        _open_counts[key] = _open_counts.get(key, 0) + 1


def unregister(key: tuple[int, int]) -> None:
    with _guard:
        n = _open_counts.get(key, 0) - 1
        if n > 0:
            _open_counts[key] = n
        else:
            _open_counts.pop(key, None)
            _gates.pop(key, None)


class WriteGate:
    """A per-file, per-process write order: edits first, bulk chunks in the gaps."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._edits_waiting = 0

    @contextlib.contextmanager
    def edit(self) -> Iterator[None]:
        """Held around one edit's transaction; waits at most for the transaction under way."""
        with self._cond:
            self._edits_waiting += 1
            try:
                while self._busy:
                    self._cond.wait()
            finally:
                self._edits_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Held around one short transaction of a long job; yields to every waiting edit first."""
        with self._cond:
            while self._busy or self._edits_waiting:
                self._cond.wait()
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()

    def held(self) -> bool:
        with self._cond:
            return self._busy


def gate_for(key: tuple[int, int] | None) -> WriteGate:
    if key is None:
        return WriteGate()
    with _guard:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = WriteGate()
        return gate
