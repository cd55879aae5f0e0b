"""The append-only audit log: every edit is a row, and each row's hash covers the row before it."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from cdassess.errors import Problem
from cdassess.records import AuditEntry
from cdassess.store.connection import now_iso
from cdassess.store.db import Db

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


def append(db: Db, actor: str, action: str, target: str, old: Any = None, new: Any = None) -> AuditEntry:
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


# While ``check`` runs, the whole log is read once and each row hashed once: every verifier asks for it.
_ONE_PASS: dict[int, tuple[list[AuditEntry], dict[int, bool]]] = {}


@contextlib.contextmanager
def one_pass(db: Db) -> Iterator[None]:
    """Within this block, the full log is read once and each row's hash computed once (``check``)."""
    if id(db) in _ONE_PASS:
        yield
        return
    _ONE_PASS[id(db)] = (_read(db, None, None), {})
    try:
        yield
    finally:
        _ONE_PASS.pop(id(db), None)


def intact(db: Db, e: AuditEntry) -> bool:
    """The row's hash covers its fields and the previous row's hash (memoized inside :func:`one_pass`)."""
    memo = _ONE_PASS.get(id(db))
    if memo is not None and e.seq in memo[1]:
        return memo[1][e.seq]
    ok = row_hash(e.seq, e.at, e.actor, e.action, e.target, e.old, e.new, e.prev_hash) == e.hash
    if memo is not None:
        memo[1][e.seq] = ok
    return ok


def entries(db: Db, target_prefix: str | None = None, limit: int | None = None) -> list[AuditEntry]:
    memo = _ONE_PASS.get(id(db))
    if memo is not None and target_prefix is None and limit is None:
        return memo[0]
    return _read(db, target_prefix, limit)


def _read(db: Db, target_prefix: str | None, limit: int | None) -> list[AuditEntry]:
    sql = "SELECT seq, at, actor, action, target, old, new, prev_hash, hash FROM audit"
    params: list[Any] = []
    if target_prefix:
        sql += " WHERE target = ? OR target LIKE ?"
        params += [target_prefix, target_prefix + "%"]
    sql += " ORDER BY seq"
    if limit:
        sql = f"SELECT * FROM ({sql.replace(' ORDER BY seq', ' ORDER BY seq DESC')} LIMIT {int(limit)}) ORDER BY seq"
    return [AuditEntry(*row) for row in db.execute(sql, params).fetchall()]


def verify(db: Db) -> list[Problem]:
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
        if not intact(db, e):
            problems.append(Problem(where, f"was altered after it was written ({e.action} {e.target} at {e.at})"))
        prev = e.hash
        expected_seq = e.seq + 1
    return problems


def head(db: Db) -> str:
    row = db.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return str(row[0]) if row else GENESIS


_RATING_FIELDS = ("status", "note", "justification", "needs_review")
_CLAIM_FIELDS = ("status", "evidence_text", "evidence_refs", "owner", "comment")
_FINDING_FIELDS = ("req_id", "observation", "recommendation", "owner", "due_date", "priority")


def verify_records(db: Db) -> list[Problem]:
    """Replay the log: each rating, claim and finding must be as its last audit row left it.

    An edit made with another SQLite tool (no audit row) shows here, named by its record and field.
    """
    ratings: dict[str, dict[str, Any]] = {}
    claims: dict[str, dict[str, Any]] = {}
    findings: dict[str, dict[str, Any] | None] = {}
    tainted: set[str] = set()  # records with an altered log row: verify() reports the row, nothing to compare
    valid: list[AuditEntry] = []
    for e in entries(db):
        kind, _, key = e.target.partition(":")
        try:
            if not intact(db, e):
                raise ValueError(e.seq)
            value = json.loads(e.new) if e.new is not None else None
        except ValueError:
            tainted.add(e.target)
            continue
        valid.append(e)
        action = e.action
        if kind == "requirement" and isinstance(value, dict):
            (claims if action == "claim" else ratings)[key] = value
        elif kind == "finding" and (value is None or isinstance(value, dict)):
            findings[key] = value
    problems: list[Problem] = _verify_links(db, valid, tainted)
    blank_rating = {"status": "unrated", "note": "", "justification": "", "needs_review": False}
    blank_claim = {"status": "unrated", "evidence_text": "", "evidence_refs": "", "owner": "", "comment": ""}
    rows = {r[0]: {"status": r[1], "note": r[2], "justification": r[3], "needs_review": bool(r[4])} for r in
            db.execute("SELECT req_id, status, note, justification, needs_review FROM rating")}
    rows = {k: v for k, v in rows.items() if f"requirement:{k}" not in tainted}
    ratings = {k: v for k, v in ratings.items() if f"requirement:{k}" not in tainted}
    claims = {k: v for k, v in claims.items() if f"requirement:{k}" not in tainted}
    problems += _compare("rating of", rows, ratings, _RATING_FIELDS, blank_rating)
    rows = {r[0]: dict(zip(_CLAIM_FIELDS, r[1:], strict=True)) for r in
            db.execute("SELECT req_id, status, evidence_text, evidence_refs, owner, comment FROM claim")}
    rows = {k: v for k, v in rows.items() if f"requirement:{k}" not in tainted}
    problems += _compare("self-assessment claim of", rows, claims, _CLAIM_FIELDS, blank_claim)
    frows = {str(r[0]): dict(zip(_FINDING_FIELDS, r[1:], strict=True)) for r in
             db.execute("SELECT id, req_id, observation, recommendation, owner, due_date, priority FROM finding")}
    keys = (frows.keys() | {k for k, v in findings.items() if v is not None}) - {t[8:] for t in tainted
                                                                                if t.startswith("finding:")}
    for fid in sorted(keys, key=_num):
        logged, row = findings.get(fid), frows.get(fid)
        if row is None:
            problems.append(Problem(f"finding {fid}", "is in the audit log but missing from the file "
                                                      "(deleted behind cdassess)"))
        elif logged is None:
            problems.append(Problem(f"finding {fid}", "has no audit log row (added behind cdassess)"))
        else:
            changed = [f for f in _FINDING_FIELDS if logged.get(f) != row[f]]
            if changed:
                problems.append(Problem(f"finding {fid}", f"{_differ(changed)} from the audit log "
                                                          "(changed behind cdassess)"))
    return problems


def _verify_links(db: Db, log: list[AuditEntry], tainted: set[str]) -> list[Problem]:
    """Evidence-to-requirement links as the log's link, unlink and remove rows left them."""
    logged: set[tuple[str, str]] = set()
    for e in log:
        kind, _, key = e.target.partition(":")
        if kind != "evidence":
            continue
        if e.action == "link_evidence":
            logged.add((key, str(_obj(e.new).get("req_id"))))
        elif e.action == "unlink_evidence":
            logged.discard((key, str(_obj(e.old).get("req_id"))))
        elif e.action == "remove_evidence":
            logged = {link for link in logged if link[0] != key}
    stored = {(str(r[0]), str(r[1])) for r in db.execute("SELECT evidence_id, req_id FROM evidence_link")}
    problems: list[Problem] = []
    for eid, req in sorted((stored ^ logged), key=lambda link: (_num(link[0]), link[1])):
        if f"evidence:{eid}" in tainted:
            continue
        how = "added" if (eid, req) in stored else "removed"
        problems.append(Problem(f"evidence {eid}", f"link to {req} was {how} behind cdassess (not in the audit log)"))
    return problems


def _obj(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _compare(what: str, rows: dict[str, dict[str, Any]], logged: dict[str, dict[str, Any]],
             fields: tuple[str, ...], blank: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for key in sorted(rows.keys() | logged.keys()):
        row, entry = rows.get(key, blank), logged.get(key, blank)
        changed = [f for f in fields if entry.get(f, blank[f]) != row[f]]
        if changed:
            problems.append(Problem(f"{what} {key}", f"{_differ(changed)} from the audit log "
                                                     "(changed behind cdassess)"))
    return problems


def _differ(fields: list[str]) -> str:
    return f"{', '.join(fields)} {'differs' if len(fields) == 1 else 'differ'}"


def _num(key: str) -> int:
    return int(key) if key.isdigit() else -1
