"""Evidence content inside the assessment file: streamed in and out in chunks, SHA-256, deduplicated."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from cdassess.errors import CdassessError, Problem
from cdassess.store.db import Db

CHUNK_SIZE = 1 << 20

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


class CancelledError(CdassessError):
    """The user cancelled a long operation; nothing was written."""


PENDING_PREFIX = "pending:"
STAGE_BYTES = 4 * CHUNK_SIZE  # content committed per staging transaction: the write lock is held ~10-50 ms
DISCARD_ROWS = 64  # chunks deleted per transaction when staged content is thrown away


def stage_placeholder(db: Db, fields: dict[str, object]) -> int:
    """Insert the hidden evidence row the staged chunks hang on (its sha256 says ``pending:``)."""
    cur = db.execute(
        "INSERT INTO evidence (sha256, size, original_name, media_type, collected_on, provided_by, description,"
        " added_at, added_by) VALUES (?,?,?,?,?,?,?,?,?)",
        [PENDING_PREFIX + uuid.uuid4().hex, 0, fields["original_name"], fields["media_type"],
         fields["collected_on"], fields["provided_by"], fields["description"], fields["added_at"],
         fields["added_by"]],
    )
    return int(cur.lastrowid or 0)


def read_stage(stream: BinaryIO, digest: Any, limit: int = STAGE_BYTES, cancelled: CancelledFn | None = None,
               on_read: Callable[[int], None] | None = None) -> list[bytes]:
    """The next chunks of the stream (up to ``limit`` bytes), hashed on the way; [] at the end.

    ``on_read`` gets each chunk's length as it is read (progress)."""
    chunks: list[bytes] = []
    n = 0
    while n < limit:
        if cancelled is not None and cancelled():
            raise CancelledError("cancelled by the user; no evidence was added")
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            break
        digest.update(chunk)
        chunks.append(chunk)
        n += len(chunk)
        if on_read is not None:
            on_read(len(chunk))
    return chunks


def write_stage(db: Db, evidence_id: int, first_seq: int, chunks: list[bytes]) -> None:
    db.conn.executemany("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?,?,?)",
                        [(evidence_id, first_seq + i, c) for i, c in enumerate(chunks)])


def pending_ids(db: Db) -> list[int]:
    return [int(r[0]) for r in db.execute("SELECT id FROM evidence WHERE sha256 LIKE 'pending:%' ORDER BY id")]


def discard_step(db: Db, evidence_id: int) -> bool:
    """Delete some staged chunks of ``evidence_id`` (and the row once none are left); True when done."""
    cur = db.execute("DELETE FROM evidence_chunk WHERE rowid IN (SELECT rowid FROM evidence_chunk "
                     f"WHERE evidence_id = ? LIMIT {DISCARD_ROWS})", [evidence_id])
    if cur.rowcount:
        return False
    db.execute("DELETE FROM evidence WHERE id = ? AND sha256 LIKE 'pending:%'", [evidence_id])
    return True


def iter_chunks(db: Db, evidence_id: int) -> Iterator[bytes]:
    """The stored bytes in order, one chunk at a time (memory stays bounded by the chunk size)."""
    for _seq, chunk in _chunks_with_seq(db, evidence_id):
        yield chunk


def verify_all(db: Db) -> list[Problem]:
    """Recompute every evidence hash from its chunks."""
    problems: list[Problem] = []
    rows = db.execute("SELECT id, sha256, size, original_name FROM evidence WHERE sha256 NOT LIKE 'pending:%' "
                      "ORDER BY id").fetchall()
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
    # staged content of an attach under way (or killed: removed at the next edit) is not evidence yet
    rows = db.execute(f"SELECT id, {columns} FROM evidence WHERE sha256 NOT LIKE 'pending:%' ORDER BY id").fetchall()
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
