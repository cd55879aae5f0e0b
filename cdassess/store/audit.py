"""The append-only audit log: every edit is a row, and each row's hash covers the row before it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlite_utils import Database

from cdassess.errors import Problem
from cdassess.records import AuditEntry
from cdassess.store.connection import now_iso

GENESIS = "0" * 64


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(seq: int, at: str, actor: str, action: str, target: str, old: str | None, new: str | None,
             prev_hash: str) -> str:
    parts = [str(seq), at, actor, action, target, "\x00" if old is None else old,
             "\x00" if new is None else new, prev_hash]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def append(db: Database, actor: str, action: str, target: str, old: Any = None, new: Any = None) -> AuditEntry:
    """Append one entry; call inside the transaction that makes the change, so both commit together."""
    last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = now_iso()
    old_s, new_s = _canonical(old), _canonical(new)
    digest = row_hash(seq, at, actor, action, target, old_s, new_s, prev)
    db.execute(
        "INSERT INTO audit (seq, at, actor, action, target, old, new, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
        [seq, at, actor, action, target, old_s, new_s, prev, digest],
    )
    return AuditEntry(seq, at, actor, action, target, old_s, new_s, prev, digest)


def entries(db: Database, target_prefix: str | None = None, limit: int | None = None) -> list[AuditEntry]:
    sql = "SELECT seq, at, actor, action, target, old, new, prev_hash, hash FROM audit"
    params: list[Any] = []
    if target_prefix:
        sql += " WHERE target = ? OR target LIKE ?"
        params += [target_prefix, target_prefix + "%"]
    sql += " ORDER BY seq"
    if limit:
        sql = f"SELECT * FROM ({sql.replace(' ORDER BY seq', ' ORDER BY seq DESC')} LIMIT {int(limit)}) ORDER BY seq"
    return [AuditEntry(*row) for row in db.execute(sql, params).fetchall()]


def verify(db: Database) -> list[Problem]:
    """Recompute the chain; each broken, missing or altered row is named by its sequence number."""
    problems: list[Problem] = []
    prev = GENESIS
    expected_seq = 1
    for e in entries(db):
        where = f"audit log row {e.seq}"
        if e.seq != expected_seq:
            problems.append(Problem(where, f"rows {expected_seq}..{e.seq - 1} are missing"))
        if e.prev_hash != prev:
            problems.append(Problem(where, "does not link to the row before it"))
        if row_hash(e.seq, e.at, e.actor, e.action, e.target, e.old, e.new, e.prev_hash) != e.hash:
            problems.append(Problem(where, f"was altered after it was written ({e.action} {e.target} at {e.at})"))
        prev = e.hash
        expected_seq = e.seq + 1
    return problems


def head(db: Database) -> str:
    row = db.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return str(row[0]) if row else GENESIS
