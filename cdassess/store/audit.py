"""The append-only audit log: every edit is a row, and each row's hash covers the row before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

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


def intact(db: Db, e: AuditEntry) -> bool:
    """The row's hash covers its fields and the previous row's hash."""
    return row_hash(e.seq, e.at, e.actor, e.action, e.target, e.old, e.new, e.prev_hash) == e.hash


def entries(db: Db, target_prefix: str | None = None, limit: int | None = None) -> list[AuditEntry]:
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


def of_actions(db: Db, actions: Sequence[str]) -> list[AuditEntry]:
    """The rows with one of ``actions``, in order (SQLite filters: nothing else is read into Python)."""
    marks = ", ".join("?" * len(actions))
    return [AuditEntry(*row) for row in db.execute(
        f"SELECT seq, at, actor, action, target, old, new, prev_hash, hash FROM audit WHERE action IN ({marks}) "
        "ORDER BY seq", list(actions))]


def at_seq(db: Db, seq: int) -> AuditEntry | None:
    row = db.execute("SELECT seq, at, actor, action, target, old, new, prev_hash, hash FROM audit WHERE seq = ?",
                     [seq]).fetchone()
    return AuditEntry(*row) if row else None


def count(db: Db) -> int:
    return int(db.execute("SELECT count(*) FROM audit").fetchone()[0])


class LogRow(NamedTuple):
    """One audit row as ``check``'s pass hands it on (the fields of :class:`AuditEntry`; a tuple: cheap to make)."""

    seq: int
    at: str
    actor: str
    action: str
    target: str
    old: str | None
    new: str | None
    prev_hash: str
    hash: str


class Replay(Protocol):
    """A check that replays the log: it is given each intact row it asks for, in order, and keeps only bounded
    state (per record, never per row)."""

    actions: frozenset[str] | None  # the rows' actions it wants (None: any)
    kinds: frozenset[str] | None  # the kinds of target (``requirement`` of ``requirement:ID``; None: any)

    def feed(self, e: LogRow, kind: str, key: str) -> None: ...


@dataclass
class Scan:
    """What one pass over the log found besides its problems."""

    rows: int = 0
    last_at: str | None = None  # the time of the last intact row
    tainted: set[str] = field(default_factory=set)  # targets of altered rows (reported by the chain check)


_ROUTES_MAX = 4096  # distinct (action, kind) pairs remembered (a crafted log cannot grow it further)


def scan(db: Db, replays: Sequence[Replay] = ()) -> tuple[list[Problem], Scan]:
    """One pass over the log in order: the chain recomputed (each row hashed once) and every intact row handed
    to the replays that want it. Rows are read from a cursor and dropped: memory does not grow with the log.

    Returns the chain's problems (each broken, missing or altered row named by its sequence number)."""
    problems: list[Problem] = []
    info = Scan()
    prev = GENESIS
    expected_seq = 1
    rows = 0
    last_at: str | None = None
    routes: dict[tuple[str, str], tuple[Replay, ...]] = {}
    sha256, join, nul, make = hashlib.sha256, "\x1f".join, "\x00", tuple.__new__
    cursor = db.execute("SELECT seq, at, actor, action, target, old, new, prev_hash, hash FROM audit ORDER BY seq")
    for row in cursor:
        seq, at, actor, action, target, old, new, prev_hash, digest = row
        # row_hash, inline: a million calls are a second
        ok = sha256(join((str(seq), at, actor, action, target, nul if old is None else old,
                          nul if new is None else new, prev_hash)).encode("utf-8")).hexdigest() == digest
        if seq != expected_seq or prev_hash != prev or not ok:
            where = f"audit log row {seq}"
            if seq != expected_seq:
                problems.append(Problem(where, f"rows {expected_seq}..{seq - 1} are missing"))
            if prev_hash != prev:
                problems.append(Problem(where, "does not link to the row before it"))
            if not ok:
                problems.append(Problem(where, f"was altered after it was written ({action} {target} at {at})"))
                info.tainted.add(target)
        prev = digest
        expected_seq = seq + 1
        rows += 1
        if not ok:
            continue
        last_at = at
        kind, _, key = target.partition(":")
        route = routes.get((action, kind))
        if route is None:
            route = tuple(r for r in replays if (r.actions is None or action in r.actions)
                          and (r.kinds is None or kind in r.kinds))
            if len(routes) < _ROUTES_MAX:
                routes[(action, kind)] = route
        if route:
            e = make(LogRow, row)
            for r in route:
                r.feed(e, kind, key)
    info.rows, info.last_at = rows, last_at
    return problems, info


def verify(db: Db) -> list[Problem]:
    """Recompute the chain; each broken, missing or altered row is named by its sequence number."""
    return scan(db)[0]


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
    replay = RecordReplay()
    info = scan(db, [replay])[1]
    return replay.finish(db, info.tainted)


class RecordReplay:
    """Ratings, claims, findings and evidence links as the log left them (state per record, not per row).

    A rating's or claim's row is decoded only when it is the record's last: in a log of a million re-ratings
    only the last row of each requirement counts."""

    actions: frozenset[str] | None = None
    kinds: frozenset[str] | None = frozenset({"requirement", "finding", "evidence"})

    def __init__(self) -> None:
        self.ratings: dict[str, str] = {}  # requirement -> the JSON text of its last rating row
        self.claims: dict[str, str] = {}
        self.findings: dict[str, dict[str, Any] | None] = {}
        self.links: set[tuple[str, str]] = set()
        self.tainted: set[str] = set()  # records with an unreadable row: nothing to compare

    def feed(self, e: LogRow, kind: str, key: str) -> None:
        new = e.new
        if kind == "requirement":
            if new is not None and new[:1] == "{":
                (self.claims if e.action == "claim" else self.ratings)[key] = new
            elif new is not None and not _decodes(new):
                self.tainted.add(e.target)
            return
        try:
            value = json.loads(new) if new is not None else None
        except ValueError:
            self.tainted.add(e.target)
            return
        if kind == "finding":
            if value is None or isinstance(value, dict):
                self.findings[key] = value
        elif e.action == "link_evidence":
            self.links.add((key, str(_obj(new).get("req_id"))))
        elif e.action == "unlink_evidence":
            self.links.discard((key, str(_obj(e.old).get("req_id"))))
        elif e.action == "remove_evidence":
            self.links = {link for link in self.links if link[0] != key}

    def _decoded(self, texts: dict[str, str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key, text in texts.items():
            try:
                value = json.loads(text)
            except ValueError:
                self.tainted.add(f"requirement:{key}")
                continue
            if isinstance(value, dict):
                out[key] = value
        return out

    def finish(self, db: Db, altered: set[str]) -> list[Problem]:
        ratings, claims = self._decoded(self.ratings), self._decoded(self.claims)
        tainted = self.tainted | altered
        problems: list[Problem] = _verify_links(db, self.links, tainted)
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
        findings = self.findings
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


def _decodes(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _verify_links(db: Db, logged: set[tuple[str, str]], tainted: set[str]) -> list[Problem]:
    """Evidence-to-requirement links as the log's link, unlink and remove rows left them."""
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
