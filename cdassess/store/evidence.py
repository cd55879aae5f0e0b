"""Evidence content inside the assessment file: streamed in and out in chunks, SHA-256, deduplicated."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from typing import BinaryIO

from cdassess.errors import CdassessError, Problem
from cdassess.store.db import Db

CHUNK_SIZE = 1 << 20

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


class CancelledError(CdassessError):
    """The user cancelled a long operation; nothing was written."""


def store_stream(db: Db, stream: BinaryIO, total: int, fields: dict[str, object],
                 progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> tuple[int, bool]:
    """Store the stream as evidence; return (evidence id, True if new / False if the same content existed).

    Must run inside a transaction: a cancel or error rolls back every chunk written.
    """
    placeholder = "pending:" + uuid.uuid4().hex
    cur = db.execute(
        "INSERT INTO evidence (sha256, size, original_name, media_type, collected_on, provided_by, description,"
        " added_at, added_by) VALUES (?,?,?,?,?,?,?,?,?)",
        [placeholder, 0, fields["original_name"], fields["media_type"], fields["collected_on"],
         fields["provided_by"], fields["description"], fields["added_at"], fields["added_by"]],
    )
    evidence_id = int(cur.lastrowid or 0)
    digest = hashlib.sha256()
    done = seq = 0
    while True:
        if cancelled is not None and cancelled():
            raise CancelledError("cancelled by the user; no evidence was added")
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            break
        digest.update(chunk)
        db.execute("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?,?,?)", [evidence_id, seq, chunk])
        seq += 1
        done += len(chunk)
        if progress is not None:
            progress(done, max(total, done))
    sha = digest.hexdigest()
    existing = db.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha]).fetchone()
    if existing:
        db.execute("DELETE FROM evidence WHERE id = ?", [evidence_id])  # cascades to its chunks
        return int(existing[0]), False
    db.execute("UPDATE evidence SET sha256 = ?, size = ? WHERE id = ?", [sha, done, evidence_id])
    return evidence_id, True


def iter_chunks(db: Db, evidence_id: int) -> Iterator[bytes]:
    """The stored bytes in order, one chunk at a time (memory stays bounded by the chunk size)."""
    for _seq, chunk in _chunks_with_seq(db, evidence_id):
        yield chunk


def verify_all(db: Db) -> list[Problem]:
    """Recompute every evidence hash from its chunks."""
    problems: list[Problem] = []
    rows = db.execute("SELECT id, sha256, size, original_name FROM evidence ORDER BY id").fetchall()
    for evidence_id, sha, size, name in rows:
        digest = hashlib.sha256()
        n = 0
        seqs: list[int] = []
        for chunk_seq, chunk in _chunks_with_seq(db, evidence_id):
            seqs.append(chunk_seq)
            digest.update(chunk)
            n += len(chunk)
        where = f"evidence {evidence_id} ({name})"
        if seqs != list(range(len(seqs))):
            problems.append(Problem(where, "stored chunks are missing or out of order"))
        if n != size:
            problems.append(Problem(where, f"stored size {n} bytes differs from the recorded {size} bytes"))
        if digest.hexdigest() != sha:
            problems.append(Problem(where, f"content does not match its SHA-256 {sha[:12]}… (altered or damaged)"))
    return problems


AUDITED_FIELDS = ("sha256", "size", "original_name", "provided_by", "collected_on", "description")


def verify_against_audit(db: Db) -> list[Problem]:
    """Compare each evidence record with the audit row that recorded it (a rewritten hash or name shows)."""
    import json

    recorded: dict[int, dict[str, object]] = {}
    # in log order: SQLite reuses the id of removed evidence for the next one added
    for action, target, new in db.execute("SELECT action, target, new FROM audit WHERE action IN "
                                          "('add_evidence', 'update_evidence', 'remove_evidence') ORDER BY seq"):
        try:
            evidence_id = int(str(target).partition(":")[2])
            if action == "add_evidence":
                recorded[evidence_id] = json.loads(new or "{}")
            elif action == "update_evidence":  # details edited through cdassess: the newest values count
                recorded.setdefault(evidence_id, {}).update(json.loads(new or "{}"))
            else:
                recorded.pop(evidence_id, None)
        except ValueError:
            continue  # an altered audit row is reported by the audit chain check
    problems: list[Problem] = []
    columns = ", ".join(AUDITED_FIELDS)
    rows = db.execute(f"SELECT id, {columns} FROM evidence ORDER BY id").fetchall()
    for gone in sorted(recorded.keys() - {int(r[0]) for r in rows}):
        problems.append(Problem(f"evidence {gone} ({recorded[gone].get('original_name')})",
                                "is in the audit log but missing from the file (deleted behind cdassess)"))
    for evidence_id, *values in rows:
        where = f"evidence {evidence_id} ({values[2]})"
        entry = recorded.get(int(evidence_id))
        if entry is None:
            problems.append(Problem(where, "has no add_evidence row in the audit log (inserted behind cdassess)"))
            continue
        changed = [f for f, v in zip(AUDITED_FIELDS, values, strict=True) if entry.get(f) != v]
        if changed:
            verb = "differs" if len(changed) == 1 else "differ"
            problems.append(Problem(where, f"{', '.join(changed)} {verb} from the audit log's record of it "
                                           "(altered after it was added)"))
    return problems


def _chunks_with_seq(db: Db, evidence_id: int) -> Iterator[tuple[int, bytes]]:
    keys = db.execute("SELECT rowid, seq FROM evidence_chunk WHERE evidence_id = ? ORDER BY seq",
                      [evidence_id]).fetchall()
    for rowid, seq in keys:
        row = db.execute("SELECT data FROM evidence_chunk WHERE rowid = ?", [rowid]).fetchone()
        yield int(seq), bytes(row[0])
