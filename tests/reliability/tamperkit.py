"""What the tamper tests share: an attacker's plain sqlite3 connection, and what `check` finds."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cdassess.services import Assessment


@contextmanager
def attacker(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection without cdassess, with the audit log's append-only triggers dropped while it
    works and put back afterwards (a careful attacker leaves the schema genuine)."""
    con = sqlite3.connect(path, isolation_level=None)
    triggers = con.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                           " AND name LIKE 'audit_append_only_%'").fetchall()  # the ones dropped below
    try:
        con.execute("DROP TRIGGER IF EXISTS audit_append_only_update")
        con.execute("DROP TRIGGER IF EXISTS audit_append_only_delete")
        yield con
    finally:
        for (sql,) in triggers:
            con.execute(sql)
        con.close()


def problems_of(path: Path) -> list[str]:
    """What `check` finds (it reads a file that is not genuine with only cdassess's own SQL allowed)."""
    with Assessment.open(path, readonly=True, unsafe=True) as a:
        return [str(p) for p in a.check()]
