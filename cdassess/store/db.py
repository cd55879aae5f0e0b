"""The small part of sqlite-utils' ``Database`` the store uses on every open, without importing sqlite-utils.

Importing sqlite-utils costs about 50 ms (it loads click, pluggy and dateutil): a sixth of the window's
start-up. Its ``Migrations`` still own the schema (``schema.py``), imported only when a file is created or
upgraded; this class has the same transaction semantics as ``Database.atomic()`` (savepoints when nested).
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any


class Db:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # each statement gets the full instruction budget of a hardened connection (store/connection.py)
        self._guard = getattr(conn, "guard", None)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        guard = self._guard
        if guard is None:
            return self.conn.execute(sql, params)
        guard.reset()
        try:
            return self.conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:  # SQL of the file's own that the guard refused to run
            error = guard.explain(exc)
            if error is None:
                raise
            raise error from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dictionaries of column name to value."""
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def table_exists(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 [name]).fetchone() is not None

    def insert(self, table: str, row: dict[str, Any]) -> None:
        cols = list(row)
        self.conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                          list(row.values()))

    def update(self, table: str, pk: int, row: dict[str, Any]) -> None:
        sets = ", ".join(f"{c} = ?" for c in row)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), pk])

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Db]:
        """A transaction; nested blocks are savepoints (as sqlite-utils' ``Database.atomic``)."""
        if self.conn.in_transaction:
            name = f"cdassess_{secrets.token_hex(8)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # an error such as RAISE(ROLLBACK) may have ended it already
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
