"""Team assessments in the file: a copy's origin, ancestor snapshots, merge bookkeeping, and merged writes.

The merge logic lives in :mod:`cdassess.team`; this module is the only place that knows the tables it reads
and writes. Every mergeable record is seen as ``(kind, key) -> fields``:

=========  ======================  ==============================================================
kind       key                     fields
=========  ======================  ==============================================================
rating     requirement id          status, note, justification, needs_review (absent = blank)
claim      requirement id          status, evidence_text, evidence_refs, owner, comment (absent = blank)
finding    finding uuid            req_id, observation, recommendation, owner, due_date, priority
interview  interview uuid          held_on, interviewees, interviewer, topic, notes
evidence   content SHA-256         description, provided_by, collected_on
link       SHA-256 "|" requirement (presence only)
details    "assessment"            organization, project, scope, assessors, target_level, start/end date, level rule
=========  ======================  ==============================================================
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.errors import AssessmentFileError, Problem
from cdassess.store import audit as audit_log
from cdassess.store import evidence as evidence_store
from cdassess.store.connection import make_durable, now_iso
from cdassess.store.db import Db

Key = tuple[str, str]
Fields = dict[str, Any]

FIELDS: dict[str, tuple[str, ...]] = {
    "rating": ("status", "note", "justification", "needs_review"),
    "claim": ("status", "evidence_text", "evidence_refs", "owner", "comment"),
    "finding": ("req_id", "observation", "recommendation", "owner", "due_date", "priority"),
    "interview": ("held_on", "interviewees", "interviewer", "topic", "notes"),
    "evidence": ("description", "provided_by", "collected_on"),
    "link": (),
    "details": ("organization", "project", "scope", "assessors", "target_level", "start_date", "end_date",
                "level_rule", "business_unit"),
}
BLANK: dict[str, Fields] = {
    "rating": {"status": "unrated", "note": "", "justification": "", "needs_review": False},
    "claim": {"status": "unrated", "evidence_text": "", "evidence_refs": "", "owner": "", "comment": ""},
    "finding": {"req_id": None, "observation": "", "recommendation": "", "owner": "", "due_date": "",
                "priority": "medium"},
    "interview": {"held_on": "", "interviewees": "", "interviewer": "", "topic": "", "notes": ""},
    "evidence": {"description": "", "provided_by": "", "collected_on": ""},
    "link": {},
    "details": {"organization": "", "project": "", "scope": "", "assessors": [], "target_level": 0,
                "start_date": None, "end_date": None, "level_rule": "strict", "business_unit": ""},
}
# Records that exist or not (added, removed); the others are always there, absent meaning blank.
EXISTENCE_KINDS = frozenset({"finding", "interview", "evidence", "link"})


@dataclass
class Rec:
    """One record: its mergeable fields, the other columns needed to insert it elsewhere, who and when."""

    fields: Fields
    extra: dict[str, Any] = field(default_factory=dict)
    who: str = ""
    when: str = ""


State = dict[Key, Rec]


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# ------------------------------------------------------------------------------------ reading a file's state


def read_state(db: Db, *, authors_since: int = 0) -> State:
    """Every mergeable record of the file; ``who``/``when`` from the records and the audit log after a seq."""
    st: State = {}
    for req, status, note, just, review, by, at in db.execute(
            "SELECT req_id, status, note, justification, needs_review, updated_by, updated_at FROM rating"):
        st[("rating", req)] = Rec({"status": status, "note": note, "justification": just,
                                   "needs_review": bool(review)}, {}, by, at)
    for req, status, text, refs, owner, comment, source, at in db.execute(
            "SELECT req_id, status, evidence_text, evidence_refs, owner, comment, source, updated_at FROM claim"):
        st[("claim", req)] = Rec({"status": status, "evidence_text": text, "evidence_refs": refs, "owner": owner,
                                  "comment": comment}, {"source": source}, "", at)
    for r in db.query("SELECT * FROM finding"):
        st[("finding", r["uuid"])] = Rec({f: r[f] for f in FIELDS["finding"]},
                                         {"_id": r["id"], "created_at": r["created_at"]}, "", r["updated_at"])
    for r in db.query("SELECT * FROM interview"):
        st[("interview", r["uuid"])] = Rec({f: r[f] for f in FIELDS["interview"]}, {"_id": r["id"]})
    sha_of: dict[int, str] = {}
    for r in db.query("SELECT id, sha256, size, original_name, media_type, collected_on, provided_by, description,"
                      " added_at, added_by FROM evidence WHERE sha256 NOT LIKE 'pending:%'"):
        sha_of[int(r["id"])] = r["sha256"]
        st[("evidence", r["sha256"])] = Rec(
            {f: r[f] for f in FIELDS["evidence"]},
            {"_id": r["id"], "size": r["size"], "original_name": r["original_name"], "media_type": r["media_type"],
             "added_at": r["added_at"], "added_by": r["added_by"]}, r["added_by"], r["added_at"])
    for eid, req_id, linked_at in db.execute("SELECT evidence_id, req_id, linked_at FROM evidence_link"):
        sha = sha_of.get(int(eid))
        if sha is not None:
            st[("link", f"{sha}|{req_id}")] = Rec({}, {"_id": eid, "linked_at": linked_at}, "", linked_at)
    a = next(db.query("SELECT * FROM assessment WHERE id = 1"))
    details = {f: a[f] for f in FIELDS["details"]}
    details["assessors"] = list(json.loads(a["assessors"] or "[]"))
    details["target_level"] = int(details["target_level"])
    st[("details", "assessment")] = Rec(details, {}, "", "")
    _authors(db, st, authors_since)
    return st


def _authors(db: Db, st: State, since: int) -> None:
    """Who changed each record last, and when, from the audit log (records without an author column)."""
    finding_uuid = {str(rec.extra["_id"]): k[1] for k, rec in st.items() if k[0] == "finding"}
    interview_uuid = {str(rec.extra["_id"]): k[1] for k, rec in st.items() if k[0] == "interview"}
    evidence_sha = {str(rec.extra["_id"]): k[1] for k, rec in st.items() if k[0] == "evidence"}
    for actor, at, action, target, old, new in db.execute(
            "SELECT actor, at, action, target, old, new FROM audit WHERE seq > ? ORDER BY seq", [since]):
        kind, _, local = str(target).partition(":")
        key: Key | None = None
        if kind == "requirement":
            key = ("claim" if action == "claim" else "rating", local)
            if key[0] == "rating" and key in st:
                continue  # the rating row has its own author and time
        elif kind == "finding" and local in finding_uuid:
            key = ("finding", finding_uuid[local])
        elif kind == "interview" and local in interview_uuid:
            key = ("interview", interview_uuid[local])
        elif kind == "evidence" and local in evidence_sha:
            if action in ("link_evidence", "unlink_evidence"):
                with contextlib.suppress(ValueError, AttributeError):
                    req = json.loads(new if action == "link_evidence" else old).get("req_id")
                    key = ("link", f"{evidence_sha[local]}|{req}")
            else:
                key = ("evidence", evidence_sha[local])
        elif kind == "assessment" and action == "update_meta":
            key = ("details", "assessment")
        if key is not None and key in st:
            st[key].who, st[key].when = str(actor), str(at)


def snapshot(st: State) -> dict[Key, Fields]:
    return {k: rec.fields for k, rec in st.items()}


def snapshot_text(rows: dict[Key, Fields]) -> str:
    """The snapshot as stored: canonical JSON, so its SHA-256 is its digest."""
    return canonical([[k, key, rows[(k, key)]] for (k, key) in sorted(rows)])


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_digest(rows: dict[Key, Fields]) -> str:
    return text_digest(snapshot_text(rows))


def _read_snapshot(db: Db, table: str, owner_col: str, owner: str) -> tuple[dict[Key, Fields], str] | None:
    row = db.execute(f"SELECT snapshot FROM {table} WHERE {owner_col} = ?", [owner]).fetchone()
    if row is None:
        return None
    text = str(row[0])
    return {(str(k), str(key)): f for k, key, f in json.loads(text)}, text_digest(text)


def read_ancestor(db: Db, ancestor: str) -> tuple[dict[Key, Fields], str] | None:
    """This copy's state when it was made, as seen from ``ancestor``, and its digest (None when there is none)."""
    return _read_snapshot(db, "team_ancestor", "ancestor", ancestor)


def read_merged(db: Db, copy_id: str) -> dict[Key, Fields] | None:
    """In a lead: the state of copy ``copy_id`` as it was last merged (None if it never was)."""
    got = _read_snapshot(db, "team_merged", "copy_id", copy_id)
    return got[0] if got else None


def _write_snapshot(db: Db, table: str, owner_col: str, owner: str, rows: dict[Key, Fields]) -> str:
    text = snapshot_text(rows)
    db.execute(f"INSERT OR REPLACE INTO {table} ({owner_col}, snapshot) VALUES (?, ?)", [owner, text])
    return text_digest(text)


# ------------------------------------------------------------------------------------ origin and copies


@dataclass(frozen=True)
class Origin:
    copy_id: str
    parent_id: str
    chain: tuple[dict[str, Any], ...]  # ancestors, root first: {id, seq, head, digest, assessor}
    assessor: str
    domains: tuple[str, ...]
    copied_at: str
    copied_by: str


def read_origin(db: Db) -> Origin | None:
    if not db.table_exists("copy_origin"):
        return None
    for r in db.query("SELECT * FROM copy_origin WHERE id = 1"):
        return Origin(r["copy_id"], r["parent_id"], tuple(json.loads(r["chain"])), r["assessor"],
                      tuple(json.loads(r["domains"])), r["copied_at"], r["copied_by"])
    return None


def identity(db: Db) -> str:
    """The name of "this file" in copy chains: its copy id when it is a copy, else the assessment's uuid."""
    origin = read_origin(db)
    if origin is not None:
        return origin.copy_id
    return str(db.execute("SELECT uuid FROM assessment WHERE id = 1").fetchone()[0])


def audit_position(db: Db) -> tuple[int, str]:
    row = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, audit_log.GENESIS)


def audit_hash_at(db: Db, seq: int) -> str | None:
    row = db.execute("SELECT hash FROM audit WHERE seq = ?", [seq]).fetchone()
    return str(row[0]) if row else None


def write_copy(source: sqlite3.Connection, dest: Path, *, actor: str, assessor: str,
               domains: Iterable[str]) -> tuple[Origin, int, str]:
    """Write a working copy of ``source`` to ``dest`` (never overwrites); returns (origin, parent seq, digest).

    The copy is the whole file (evidence included) taken with SQLite's backup API, so it is consistent even
    while the lead is being edited. It records where it came from (its ancestors and their audit positions)
    and a snapshot of every mergeable record as it was then (the common ancestor of a later merge).
    """
    dest = Path(dest)
    if dest.exists():
        raise AssessmentFileError(f"{dest}: already exists; cdassess never overwrites a file (choose a new name)")
    if not dest.parent.is_dir():
        raise AssessmentFileError(f"{dest}: the folder {dest.parent} does not exist")
    tmp = dest.parent / f".{dest.name}.copying-{uuid.uuid4().hex[:8]}"
    try:
        conn = sqlite3.connect(str(tmp))
        try:
            source.backup(conn)
            db = Db(conn)
            make_durable(conn)
            src = Db(source)
            parent_id = identity(src)
            seq, head = audit_position(src)
            parent_origin = read_origin(src)
            chain = list(parent_origin.chain) if parent_origin else []
            copy_id = str(uuid.uuid4())
            at = now_iso()
            state = snapshot(read_state(db))
            digest = snapshot_digest(state)  # equal to what _write_snapshot stores below
            chain.append({"id": parent_id, "seq": seq, "head": head, "digest": digest,
                          "assessor": parent_origin.assessor if parent_origin else ""})
            keep = [c["id"] for c in chain]
            origin = Origin(copy_id, parent_id, tuple(chain), assessor, tuple(domains), at, actor)
            with db.atomic():
                db.execute(f"DELETE FROM team_ancestor WHERE ancestor NOT IN ({','.join('?' * len(keep))})", keep)
                db.execute("DELETE FROM team_copy")
                db.execute("DELETE FROM team_merged")
                db.execute("DELETE FROM copy_origin")
                db.execute("INSERT INTO copy_origin (id, copy_id, parent_id, chain, assessor, domains, copied_at,"
                           " copied_by) VALUES (1,?,?,?,?,?,?,?)",
                           [copy_id, parent_id, canonical(chain), assessor, canonical(list(domains)), at, actor])
                _write_snapshot(db, "team_ancestor", "ancestor", parent_id, state)
                audit_log.append(db, actor, "copy_made", f"copy:{copy_id}", None,
                                 {"from": parent_id, "from_seq": seq, "from_head": head, "assessor": assessor,
                                  "domains": list(domains), "base_digest": digest})
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        try:
            os.link(tmp, dest)
        except FileExistsError:
            raise AssessmentFileError(f"{dest}: already exists; cdassess never overwrites a file") from None
        except OSError:
            if dest.exists():
                raise AssessmentFileError(f"{dest}: already exists; cdassess never overwrites a file") from None
            os.rename(tmp, dest)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(str(tmp) + suffix).unlink()
    return origin, seq, digest


def record_hand_out(db: Db, actor: str, origin: Origin, file_name: str, seq: int, digest: str) -> None:
    """In the lead (inside its transaction): the copy handed out, for the record and for checks at merge."""
    db.execute("INSERT INTO team_copy (copy_id, assessor, domains, file_name, handed_out_at, handed_out_seq,"
               " base_digest) VALUES (?,?,?,?,?,?,?)",
               [origin.copy_id, origin.assessor, canonical(list(origin.domains)), file_name, origin.copied_at,
                seq, digest])
    audit_log.append(db, actor, "hand_out_copy", f"copy:{origin.copy_id}", None,
                     {"assessor": origin.assessor, "domains": list(origin.domains), "file": file_name,
                      "at_seq": seq, "base_digest": digest})


@dataclass(frozen=True)
class CopyRecord:
    """What a lead knows about one of its copies."""

    copy_id: str
    assessor: str
    domains: tuple[str, ...]
    file_name: str
    handed_out_at: str | None
    handed_out_seq: int | None
    base_digest: str | None
    merged_seq: int | None
    merged_head: str | None
    merged_at: str | None


def copies(db: Db) -> list[CopyRecord]:
    if not db.table_exists("team_copy"):
        return []
    return [CopyRecord(r["copy_id"], r["assessor"], tuple(json.loads(r["domains"])), r["file_name"],
                       r["handed_out_at"], r["handed_out_seq"], r["base_digest"], r["merged_seq"],
                       r["merged_head"], r["merged_at"])
            for r in db.query("SELECT * FROM team_copy ORDER BY handed_out_at, copy_id")]


def record_merged(db: Db, origin: Origin, file_name: str, seq: int, head: str, state: State) -> None:
    """In the lead: copy ``origin`` merged up to its audit ``seq``; its state then is the next merge's base."""
    at = now_iso()
    db.execute("INSERT INTO team_copy (copy_id, assessor, domains, file_name, merged_seq, merged_head, merged_at)"
               " VALUES (?,?,?,?,?,?,?) ON CONFLICT(copy_id) DO UPDATE SET merged_seq = excluded.merged_seq,"
               " merged_head = excluded.merged_head, merged_at = excluded.merged_at,"
               " file_name = excluded.file_name",
               [origin.copy_id, origin.assessor, canonical(list(origin.domains)), file_name, seq, head, at])
    _write_snapshot(db, "team_merged", "copy_id", origin.copy_id, snapshot(state))


def merge_check(db: Db, since: int, head_at_since: str, st: State, base: dict[Key, Fields]) -> list[Problem]:
    """What a merge must know of a copy before it takes anything from it; each problem named.

    SQLite's structure (``quick_check``) and foreign keys; the audit chain after the common ancestor (the
    rows up to it are proved to be the lead's own by the hash they end in); every evidence record against the
    audit log; and every rating, claim, finding and evidence link the copy changed since the ancestor against
    its last audit row (a change made behind cdassess has none). Evidence content is not re-hashed here: the
    content a merge takes is hashed while it is streamed in (a mismatch aborts the merge). This is ``check``
    restricted to what the merge reads, so merging four large copies stays well under a second.
    """
    problems: list[Problem] = []
    try:
        for (msg,) in db.execute("PRAGMA quick_check").fetchall():
            if msg != "ok":
                problems.append(Problem("SQLite integrity", str(msg)))
        for row in db.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(Problem(f"table {row[0]} row {row[1]}", f"refers to a missing {row[2]} row"))
        problems += _verify_chain_from(db, since, head_at_since)
        problems += evidence_store.verify_against_audit(db)
        problems += _unlogged_changes(db, since, st, base)
    except sqlite3.DatabaseError as exc:
        problems.append(Problem("SQLite", f"the file is damaged: {exc}"))
    return problems


def _verify_chain_from(db: Db, since: int, prev: str) -> list[Problem]:
    problems: list[Problem] = []
    expected = since + 1
    for e in db.execute("SELECT seq, at, actor, action, target, old, new, prev_hash, hash FROM audit WHERE seq > ?"
                        " ORDER BY seq", [since]):
        seq = int(e[0])
        where = f"audit log row {seq}"
        if seq != expected:
            problems.append(Problem(where, f"rows {expected}..{seq - 1} are missing"))
        if e[7] != prev:
            problems.append(Problem(where, "does not link to the row before it"))
        if audit_log.row_hash(seq, *e[1:8]) != e[8]:
            problems.append(Problem(where, f"was altered after it was written ({e[3]} {e[4]} at {e[1]})"))
        prev, expected = str(e[8]), seq + 1
    return problems


def _unlogged_changes(db: Db, since: int, st: State, base: dict[Key, Fields]) -> list[Problem]:
    """Records that differ from the ancestor with no audit row after it leaving them so."""
    finding_uuid = {str(rec.extra["_id"]): k[1] for k, rec in st.items() if k[0] == "finding"}
    sha_of = {str(rec.extra["_id"]): k[1] for k, rec in st.items() if k[0] == "evidence"}
    logged: dict[Key, Any] = {}
    for action, target, old, new in db.execute("SELECT action, target, old, new FROM audit WHERE seq > ?"
                                               " ORDER BY seq", [since]):
        kind, _, local = str(target).partition(":")
        try:
            value = json.loads(new) if new is not None else None
            before = json.loads(old) if old is not None else None
        except ValueError:
            continue  # an altered row is reported by the chain check
        if kind == "requirement" and isinstance(value, dict):
            logged[("claim" if action == "claim" else "rating", local)] = value
        elif kind == "finding" and local in finding_uuid:
            logged[("finding", finding_uuid[local])] = value
        elif kind == "evidence" and local in sha_of and action in ("link_evidence", "unlink_evidence"):
            side = value if action == "link_evidence" else before
            req = side.get("req_id") if isinstance(side, dict) else None
            logged[("link", f"{sha_of[local]}|{req}")] = action == "link_evidence"
    problems: list[Problem] = []
    for k in sorted(set(base) | set(st)):
        kind = k[0]
        if kind not in ("rating", "claim", "finding", "link"):
            continue
        blank = None if kind in EXISTENCE_KINDS else BLANK[kind]
        cur = st[k].fields if k in st else blank
        if cur == base.get(k, blank) or (kind == "finding" and cur is None):
            continue
        entry = logged.get(k)
        if kind == "link":
            ok = entry is (k in st)
        else:
            ok = isinstance(entry, dict) and cur is not None and all(
                entry.get(f, BLANK[kind][f]) == cur[f] for f in FIELDS[kind])
        if not ok:
            what = {"rating": "rating of", "claim": "self-assessment claim of", "finding": "finding",
                    "link": "evidence link"}[kind]
            problems.append(Problem(f"{what} {k[1]}", "differs from the audit log (changed behind cdassess)"))
    return problems


# ------------------------------------------------------------------------------------ writing merged records


class ContentMismatchError(Exception):
    """Evidence content streamed from a copy does not match its SHA-256."""


def _audit_fields(kind: str, f: Fields) -> Fields:
    return {k: f[k] for k in FIELDS[kind]}


def write_record(db: Db, kind: str, key: str, old: Rec | None, new: Rec | None, *, merge_id: str,
                 source: Db | None = None) -> None:
    """Write one merged record into the lead (inside its transaction) with its audit row.

    The record keeps its original author and time (``new.who``/``new.when``); the audit row is written by
    that author and names the merge. ``source`` is the copy that evidence content is streamed from.
    """
    who = (new.who if new is not None else "") or "unknown"
    when = (new.when if new is not None else "") or now_iso()
    tag = {"merge": merge_id, "authored_at": when}
    if kind in ("rating", "claim"):
        _write_requirement_record(db, kind, key, old, new, who, when, tag)
    elif kind == "finding":
        _write_finding(db, key, old, new, who, when, tag)
    elif kind == "interview":
        _write_interview(db, key, old, new, who, when, tag)
    elif kind == "evidence":
        _write_evidence(db, key, old, new, who, when, tag, source)
    elif kind == "link":
        _write_link(db, key, old, new, who, when, tag)
    elif kind == "details" and new is not None and old is not None:
        changed = {k: v for k, v in new.fields.items() if old.fields.get(k) != v}
        if changed:
            row = {k: (canonical(v) if k == "assessors" else v) for k, v in changed.items()}
            sets = ", ".join(f"{k} = ?" for k in row)
            db.execute(f"UPDATE assessment SET {sets} WHERE id = 1", list(row.values()))
            _append(db, when, who, "update_meta", "assessment", {k: old.fields.get(k) for k in changed},
                             {**changed, **tag})


def _write_requirement_record(db: Db, kind: str, key: str, old: Rec | None, new: Rec | None, who: str, when: str,
                              tag: Fields) -> None:
    blank = BLANK[kind]
    nf = new.fields if new is not None else dict(blank)
    of = old.fields if old is not None else dict(blank)
    if nf == blank:
        db.execute(f"DELETE FROM {kind} WHERE req_id = ?", [key])
    elif kind == "rating":
        db.execute("INSERT INTO rating (req_id, status, note, justification, needs_review, updated_at,"
                   " updated_by) VALUES (?,?,?,?,?,?,?) ON CONFLICT(req_id) DO UPDATE SET status=excluded.status,"
                   " note=excluded.note, justification=excluded.justification,"
                   " needs_review=excluded.needs_review, updated_at=excluded.updated_at,"
                   " updated_by=excluded.updated_by",
                   [key, nf["status"], nf["note"], nf["justification"], int(bool(nf["needs_review"])), when, who])
    else:
        source_name = (new.extra.get("source") if new is not None else "") or ""
        db.execute("INSERT INTO claim (req_id, status, evidence_text, evidence_refs, owner, comment, updated_at,"
                   " source) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(req_id) DO UPDATE SET status=excluded.status,"
                   " evidence_text=excluded.evidence_text, evidence_refs=excluded.evidence_refs,"
                   " owner=excluded.owner, comment=excluded.comment, updated_at=excluded.updated_at,"
                   " source=excluded.source",
                   [key, nf["status"], nf["evidence_text"], nf["evidence_refs"], nf["owner"], nf["comment"], when,
                    source_name])
    action = "claim" if kind == "claim" else "rate"
    _append(db, when, who, action, f"requirement:{key}", _audit_fields(kind, of),
                     {**_audit_fields(kind, nf), **tag})


def _write_link(db: Db, key: str, old: Rec | None, new: Rec | None, who: str, when: str, tag: Fields) -> None:
    sha, _, req_id = key.partition("|")
    row = db.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha]).fetchone()
    if row is None:
        return  # the evidence itself is not in the lead (removed there); nothing to link
    eid = int(row[0])
    if new is not None and old is None:
        cur = db.execute("INSERT OR IGNORE INTO evidence_link (evidence_id, req_id, linked_at) VALUES (?,?,?)",
                         [eid, req_id, when])
        if cur.rowcount:
            _append(db, when, who, "link_evidence", f"evidence:{eid}", None, {"req_id": req_id, **tag})
    elif new is None and old is not None:
        cur = db.execute("DELETE FROM evidence_link WHERE evidence_id = ? AND req_id = ?", [eid, req_id])
        if cur.rowcount:
            _append(db, None, who, "unlink_evidence", f"evidence:{eid}", {"req_id": req_id, **tag}, None)


def _write_finding(db: Db, key: str, old: Rec | None, new: Rec | None, who: str, when: str, tag: Fields) -> None:
    if new is None:
        if old is None:
            return
        fid = int(old.extra["_id"])
        db.execute("DELETE FROM finding WHERE id = ?", [fid])
        _append(db, None, who, "delete_finding", f"finding:{fid}", {**_audit_fields("finding", old.fields), **tag},
                         None)
        return
    f = new.fields
    values = [f["req_id"], f["observation"], f["recommendation"], f["owner"], f["due_date"], f["priority"]]
    if old is None:
        created = new.extra.get("created_at") or when
        cur = db.execute("INSERT INTO finding (req_id, observation, recommendation, owner, due_date, priority,"
                         " created_at, updated_at, uuid) VALUES (?,?,?,?,?,?,?,?,?)", [*values, created, when, key])
        fid = int(cur.lastrowid or 0)
        _append(db, created, who, "add_finding", f"finding:{fid}", None, {**_audit_fields("finding", f), **tag})
        if created != when:  # added, then changed later in the copy: the log says both, each at its time
            _append(db, when, who, "update_finding", f"finding:{fid}", _audit_fields("finding", f),
                    {**_audit_fields("finding", f), **tag})
    else:
        fid = int(old.extra["_id"])
        db.execute("UPDATE finding SET req_id=?, observation=?, recommendation=?, owner=?, due_date=?, priority=?,"
                   " updated_at=? WHERE id=?", [*values, when, fid])
        _append(db, when, who, "update_finding", f"finding:{fid}", _audit_fields("finding", old.fields),
                         {**_audit_fields("finding", f), **tag})


def _write_interview(db: Db, key: str, old: Rec | None, new: Rec | None, who: str, when: str, tag: Fields) -> None:
    if new is None:
        if old is None:
            return
        iid = int(old.extra["_id"])
        db.execute("DELETE FROM interview WHERE id = ?", [iid])
        _append(db, None, who, "delete_interview", f"interview:{iid}",
                         {**_audit_fields("interview", old.fields), **tag}, None)
        return
    f = new.fields
    values = [f["held_on"], f["interviewees"], f["interviewer"], f["topic"], f["notes"]]
    if old is None:
        cur = db.execute("INSERT INTO interview (held_on, interviewees, interviewer, topic, notes, uuid)"
                         " VALUES (?,?,?,?,?,?)", [*values, key])
        iid = int(cur.lastrowid or 0)
        _append(db, when, who, "add_interview", f"interview:{iid}", None,
                         {"held_on": f["held_on"], "interviewees": f["interviewees"], "topic": f["topic"], **tag})
    else:
        iid = int(old.extra["_id"])
        db.execute("UPDATE interview SET held_on=?, interviewees=?, interviewer=?, topic=?, notes=? WHERE id=?",
                   [*values, iid])
        _append(db, when, who, "update_interview", f"interview:{iid}", _audit_fields("interview", old.fields),
                         {**_audit_fields("interview", f), **tag})


def _write_evidence(db: Db, sha: str, old: Rec | None, new: Rec | None, who: str, when: str, tag: Fields,
                    source: Db | None) -> None:
    if new is None:
        if old is None:
            return
        eid = int(old.extra["_id"])
        links = [str(r[0]) for r in db.execute("SELECT req_id FROM evidence_link WHERE evidence_id = ? ORDER BY"
                                               " req_id", [eid])]
        db.execute("DELETE FROM evidence WHERE id = ?", [eid])
        _append(db, None, who, "remove_evidence", f"evidence:{eid}",
                         {**_evidence_audit(sha, old), "req_ids": links, **tag}, None)
        return
    if old is None:
        existing = db.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha]).fetchone()
        if existing is not None:
            return
        if source is None:
            raise ContentMismatchError(f"evidence {new.extra.get('original_name')}: no copy to read its content from")
        src = source.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha]).fetchone()
        if src is None:
            raise ContentMismatchError(f"evidence {new.extra.get('original_name')} is missing from the copy")
        e = new.extra
        cur = db.execute("INSERT INTO evidence (sha256, size, original_name, media_type, collected_on, provided_by,"
                         " description, added_at, added_by) VALUES (?,?,?,?,?,?,?,?,?)",
                         [sha, e["size"], e["original_name"], e["media_type"], new.fields["collected_on"],
                          new.fields["provided_by"], new.fields["description"], e.get("added_at") or when,
                          e.get("added_by") or who])
        eid = int(cur.lastrowid or 0)
        digest = hashlib.sha256()
        size = 0
        for seq, chunk in enumerate(evidence_store.iter_chunks(source, int(src[0]))):
            digest.update(chunk)
            size += len(chunk)
            db.execute("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?,?,?)", [eid, seq, chunk])
        if digest.hexdigest() != sha or size != int(e["size"]):
            raise ContentMismatchError(f"evidence {e['original_name']} in the copy is damaged: its content does not "
                                  f"match its SHA-256 {sha[:12]}…")
        _append(db, e.get("added_at") or when, e.get("added_by") or who, "add_evidence", f"evidence:{eid}", None,
                         {**_evidence_audit(sha, new), **tag})
        return
    eid = int(old.extra["_id"])
    changed = {k: v for k, v in new.fields.items() if old.fields.get(k) != v}
    if changed:
        sets = ", ".join(f"{k} = ?" for k in changed)
        db.execute(f"UPDATE evidence SET {sets} WHERE id = ?", [*changed.values(), eid])
        _append(db, when, who, "update_evidence", f"evidence:{eid}", {k: old.fields[k] for k in changed},
                         {**changed, **tag})


def _evidence_audit(sha: str, rec: Rec) -> Fields:
    return {"sha256": sha, "size": rec.extra["size"], "original_name": rec.extra["original_name"],
            "provided_by": rec.fields["provided_by"], "collected_on": rec.fields["collected_on"],
            "description": rec.fields["description"]}


def append_audit(db: Db, actor: str, action: str, target: str, old: Any = None, new: Any = None) -> None:
    audit_log.append(db, actor, action, target, old, new)


def _append(db: Db, at: str | None, actor: str, action: str, target: str, old: Any = None,
            new: Any = None) -> None:
    """An audit row like :func:`audit.append`, dated ``at``: a merged edit is logged at the time it was made
    in the copy (its record keeps that time, and ``check`` holds records to their log row's time); the merge's
    own rows, written last, carry the time of the merge."""
    if at is None:
        audit_log.append(db, actor, action, target, old, new)
        return
    last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, audit_log.GENESIS)
    old_s = None if old is None else canonical(old)
    new_s = None if new is None else canonical(new)
    digest = audit_log.row_hash(seq, at, actor, action, target, old_s, new_s, prev)
    db.execute("INSERT INTO audit (seq, at, actor, action, target, old, new, prev_hash, hash)"
               " VALUES (?,?,?,?,?,?,?,?,?)", [seq, at, actor, action, target, old_s, new_s, prev, digest])


def iter_rows(rows: dict[Key, Fields]) -> Iterator[tuple[Key, Fields]]:
    yield from rows.items()
