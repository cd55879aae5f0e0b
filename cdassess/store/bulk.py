"""Many claims written in one statement per table: what an import of a 1,000-row questionnaire commits.

Writing them one by one (``put_claim``) costs a savepoint, a read of the old claim, an upsert and an audit row
with a query for the log's head per claim: 0.1 s for 1,000 rows. Here the old claims are read once, the rows
go in with ``executemany``, and the audit rows are chained in memory from the head read once. The log rows
are exactly what ``put_claim`` writes one by one (action ``claim``, old and new as their audit dictionaries),
so ``check`` replays them the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cdassess.records import Claim
from cdassess.store.audit import GENESIS, row_hash
from cdassess.store.connection import now_iso
from cdassess.store.db import Db

_UPSERT = ("INSERT INTO claim (req_id, status, evidence_text, evidence_refs, owner, comment, updated_at, source) "
           "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(req_id) DO UPDATE SET status=excluded.status, "
           "evidence_text=excluded.evidence_text, evidence_refs=excluded.evidence_refs, owner=excluded.owner, "
           "comment=excluded.comment, updated_at=excluded.updated_at, source=excluded.source")
_AUDIT = "INSERT INTO audit (seq, at, actor, action, target, old, new, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)"
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
"""``audit._canonical`` without building an encoder per call (``json.dumps`` with options does): same text."""
_CHUNK = 500
"""Requirement IDs per ``IN (...)`` query (below SQLite's parameter limit)."""


def _many(db: Db, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """``executemany`` with the statement budget of the hardened connection started afresh (as ``Db.execute``)."""
    guard = getattr(db.conn, "guard", None)
    if guard is not None:
        guard.reset()
    db.conn.executemany(sql, rows)


def _old_claims(db: Db, req_ids: Sequence[str]) -> dict[str, Claim]:
    out: dict[str, Claim] = {}
    unique = list(dict.fromkeys(req_ids))
    for i in range(0, len(unique), _CHUNK):
        part = unique[i:i + _CHUNK]
        cur = db.execute("SELECT req_id, status, evidence_text, evidence_refs, owner, comment, updated_at, source "
                         f"FROM claim WHERE req_id IN ({','.join('?' * len(part))})", part)
        for r in cur:
            out[r[0]] = Claim(*r)
    return out


def put_claims(db: Db, actor: str, claims: Sequence[tuple[Claim, str]]) -> list[tuple[Claim, Claim]]:
    """Store each (claim, source) in order (a blank claim deletes its row); returns (old, new) per claim.
    Call inside the transaction of the edit (``AssessmentStore._edit``)."""
    current = _old_claims(db, [c.req_id for c, _ in claims])
    at = now_iso()
    upserts: list[tuple[Any, ...]] = []
    deletes: list[tuple[str]] = []
    audit: list[tuple[Any, ...]] = []
    out: list[tuple[Claim, Claim]] = []
    last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    for claim, source in claims:
        rid = claim.req_id
        old = current.get(rid) or Claim(rid)
        new = Claim(rid, claim.status, claim.evidence_text, claim.evidence_refs, claim.owner, claim.comment, at,
                    source or claim.source)
        current[rid] = new
        if new.is_blank:
            deletes.append((rid,))
        else:
            upserts.append((rid, str(new.status), new.evidence_text, new.evidence_refs, new.owner, new.comment,
                            at, new.source))
        seq += 1
        target = f"requirement:{rid}"
        old_s, new_s = _CANONICAL(old.as_audit()), _CANONICAL(new.as_audit())
        digest = row_hash(seq, at, actor, "claim", target, old_s, new_s, prev)
        audit.append((seq, at, actor, "claim", target, old_s, new_s, prev, digest))
        prev = digest
        out.append((old, new))
    # one requirement twice in a batch: the statements keep their order, so the last write wins as one by one
    if deletes and upserts and len({u[0] for u in upserts} & {d[0] for d in deletes}):
        for (claim, _), (_, new) in zip(claims, out, strict=True):
            if new.is_blank:
                db.execute("DELETE FROM claim WHERE req_id = ?", [claim.req_id])
            else:
                db.execute(_UPSERT, [new.req_id, str(new.status), new.evidence_text, new.evidence_refs, new.owner,
                                     new.comment, at, new.source])
    else:
        if deletes:
            _many(db, "DELETE FROM claim WHERE req_id = ?", deletes)
        if upserts:
            _many(db, _UPSERT, upserts)
    _many(db, _AUDIT, audit)
    return out
