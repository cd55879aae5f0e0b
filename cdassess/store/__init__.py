"""The assessment file: the only code that knows table names.

One :class:`AssessmentStore` is one open SQLite file. Every edit runs in its own transaction together with
its audit row, and is committed before the method returns. A locked assessment refuses edits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cdassess import __version__
from cdassess.errors import AssessmentFileError, CdassessError, InvalidValueError, LockedError, NotFoundError, Problem
from cdassess.records import AssessmentMeta, AuditEntry, Claim, Evidence, Finding, Interview, Rating
from cdassess.reportopts import ReportOptions
from cdassess.store import audit as audit_log
from cdassess.store import certificates as certificate_register
from cdassess.store import coverage, genuine
from cdassess.store import evidence as evidence_store
from cdassess.store import gate as open_files
from cdassess.store import report_options as report_options_table
from cdassess.store.certificates import CertificateRecord
from cdassess.store.connection import (
    WAL_SIZE_LIMIT,
    acquire_edit_lock,
    connect,
    damaged,
    guard_of,
    make_durable,
    now_iso,
    preflight,
    release_edit_lock,
)
from cdassess.store.db import Db
from cdassess.store.versions import (
    APPLICATION_ID,
    MIGRATION_NAMES,
    PAGE_SIZE,
    SCHEMA_VERSION,
)

__all__ = ["SCHEMA_VERSION", "AssessmentStore"]


class AssessmentStore:
    """An open assessment file. Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool, actor: str, locked: bool) -> None:
        self.path = path
        self.readonly = readonly
        self.actor = actor
        self._holds_lock = locked
        # execute_plugins=False: no scan of every installed package's entry points (~20 ms at a process's first
        # open) and no third-party sqlite-utils plugin touching the assessment's connection
        self.db = Db(conn)
        self._closed = False
        self.lock_note = ""
        self.not_genuine: list[Problem] = []  # only an unsafe read-only open keeps a file that is not genuine
        self._key = open_files.file_key(path)
        if self._key is not None:
            open_files.register(self._key)
        self._gate = open_files.gate_for(self._key)

    # ------------------------------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls, path: Path, meta: AssessmentMeta, model_json: str, *, actor: str) -> AssessmentStore:
        """Create a new file; never overwrites an existing one. On any failure nothing is left behind."""
        path = Path(path)
        if path.exists():
            raise AssessmentFileError(f"{path}: already exists; cdassess never overwrites a file (choose a new name)")
        if not path.parent.is_dir():
            raise AssessmentFileError(f"{path}: the folder {path.parent} does not exist")
        # Built under a temporary name and linked into place when complete: a crash while creating never
        # leaves a half-made file under the user's name, and an existing file is never replaced.
        _remove_abandoned_creations(path.parent)
        tmp = path.parent / f".{path.name}.creating-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            try:
                conn = connect(tmp, readonly=False)
            except AssessmentFileError:
                raise
            except (OSError, sqlite3.Error) as exc:
                raise AssessmentFileError(f"{path}: cannot create the file ({exc})") from None
            try:
                db = Db(conn)
                # Set before the first table: large pages halve the cost of writing evidence (fewer overflow
                # pages per chunk, fewer WAL frames to copy back at checkpoint).
                db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
                make_durable(conn)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                _apply_migrations(conn)
                genuine.warm_cache()  # sqlite-utils is loaded now: later opens need not import it
                with db.atomic():
                    row = cls._meta_row(meta)
                    row["app_version"] = __version__
                    db.insert("assessment", row)
                    db.execute("INSERT INTO model_snapshot (id, model_id, model_version, json) VALUES (1,?,?,?)",
                               [meta.model_id, meta.model_version, model_json])
                    # every field of the record, so that check can name a later change made outside cdassess
                    audit_log.append(db, actor, "create", "assessment", None,
                                     {"organization": meta.organization, "project": meta.project,
                                      "target_level": meta.target_level,
                                      "model": f"{meta.model_id} {meta.model_version}",
                                      "uuid": row["uuid"], "scope": row["scope"], "assessors": list(meta.assessors),
                                      "level_rule": row["level_rule"], "start_date": row["start_date"],
                                      "end_date": row["end_date"], "created_at": row["created_at"],
                                      "status": row["status"], "app_version": __version__,
                                      "business_unit": row["business_unit"],
                                      "model_sha256": _sha256(model_json)})
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                raise damaged(path, exc) from None
            finally:
                conn.close()
            _link_new(tmp, path)
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(str(tmp) + suffix).unlink()
        return cls.open(path, actor=actor)

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False, actor: str = "", unsafe: bool = False) -> AssessmentStore:
        """Open an existing assessment; refuse other files, damaged files and files of a newer version.

        A file whose schema is not cdassess's (:mod:`cdassess.store.genuine`) is refused, unless ``unsafe`` and
        ``readonly``: then it is read with only cdassess's own triggers allowed to run, and
        :attr:`not_genuine` lists its differences.
        """
        path = Path(path)
        if unsafe and not readonly:
            raise AssessmentFileError(f"{path}: an unsafe open is read-only; it can never edit the file")
        first_here = _preflight_once(path)
        lock_note = ""
        if not readonly:
            if not os.access(path, os.W_OK):
                raise AssessmentFileError(f"{path}: the file is read-only; changes cannot be saved "
                                          "(open it read-only, or change its permissions)")
            if not os.access(path.parent, os.W_OK):
                raise AssessmentFileError(f"{path}: its folder is read-only; changes cannot be saved")
            lock_note = acquire_edit_lock(path)
        conn: sqlite3.Connection | None = None
        store: AssessmentStore | None = None
        try:
            if not readonly:
                _probe(path)
            conn = connect(path, readonly=readonly)
            store = cls(path, conn, readonly=readonly, actor=actor, locked=not readonly)
            store.lock_note = lock_note  # a stale lock of a dead process was taken over: say so
            verdict = _verify(path, conn, unsafe=unsafe)
            store.not_genuine = verdict.problems
            store._check_record()
            pending = [n for n in MIGRATION_NAMES if n not in verdict.applied]
            if not readonly:
                store._prepare_for_edit(bool(pending), first_here)
            elif pending and not verdict.problems:  # (an unsafe read of a file that is not genuine goes on)
                raise AssessmentFileError(f"{path}: written by an older cdassess; open it for editing once to "
                                          "upgrade it")
        except BaseException as exc:
            if store is not None:
                store._unregister()
            if conn is not None:
                conn.close()
            if not readonly:
                release_edit_lock(path)
            if isinstance(exc, (sqlite3.DatabaseError, UnicodeDecodeError)):
                raise damaged(path, exc) from None
            raise
        return store

    def _prepare_for_edit(self, migrate: bool, first_here: bool) -> None:
        make_durable(self.db.conn)
        if migrate:
            _apply_migrations(self.db.conn)
            _verify(self.path, self.db.conn, unsafe=False)  # the upgraded schema, and its triggers trusted
        if first_here:  # staged evidence of a cancelled or killed attach (never of one under way here)
            self.discard_pending_evidence()

    def _check_record(self) -> None:
        has_record = self.db.table_exists("assessment") and \
            self.db.execute("SELECT count(*) FROM assessment").fetchone()[0] == 1 and \
            self.db.execute("SELECT 1 FROM assessment WHERE id = 1").fetchone() is not None  # a torn page
        if not has_record:
            raise AssessmentFileError(f"{self.path}: the assessment record is missing; the file is damaged")

    def schema_problems(self) -> list[Problem]:
        """Differences of the file's schema from cdassess's (re-read now; empty for a genuine file)."""
        verdict = genuine.verify_schema(self.db.conn)
        return verdict.problems

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if not self.readonly:
                with contextlib.suppress(sqlite3.DatabaseError):
                    self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.conn.close()
        finally:
            self._unregister()
            if self._holds_lock:
                release_edit_lock(self.path)

    def _unregister(self) -> None:
        if self._key is not None:
            open_files.unregister(self._key)
            self._key = None

    def __enter__(self) -> AssessmentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def _write_transaction(self) -> Iterator[None]:
        """Like ``db.atomic()``, but the outermost transaction takes the write lock at once (BEGIN IMMEDIATE).

        A deferred transaction that reads first and then writes fails at once with "database is locked",
        without waiting, when another connection (the UI's evidence worker) committed in between.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        with self._gate.edit(), self._immediate():
            yield

    @contextlib.contextmanager
    def _immediate(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any failure (of the block or of the commit)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        try:
            self.db.execute("COMMIT")
        except BaseException:
            self.db.rollback()
            raise

    @contextlib.contextmanager
    def _bulk_transaction(self, what: str) -> Iterator[None]:
        """One short transaction of a long job (staging evidence): waits for this process's edits first."""
        if self.readonly:
            raise AssessmentFileError(f"{self.path}: opened read-only; cannot {what}")
        try:
            with self._gate.bulk(), self._immediate():
                yield
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    @contextlib.contextmanager
    def _edit(self, what: str) -> Iterator[Db]:
        """One committed edit: refuses on a read-only or locked file, translates SQLite failures."""
        if self.readonly:
            raise AssessmentFileError(f"{self.path}: opened read-only; cannot {what}")
        try:
            with self._write_transaction():
                if self.db.execute("SELECT status FROM assessment WHERE id = 1").fetchone()[0] == "locked":
                    raise LockedError(f"{self.path}: the assessment is locked; unlock it with a reason "
                                      f"before you {what}")
                yield self.db
                self.db.execute("UPDATE assessment SET updated_at = ? WHERE id = 1", [now_iso()])
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None
        except UnicodeEncodeError as exc:  # an unpaired surrogate (broken pasted text) cannot be stored as UTF-8
            raise InvalidValueError(f"cannot {what}: the text holds a character that is not valid Unicode "
                                    f"({exc.object[exc.start:exc.end]!r}); remove it and try again") from None

    @contextlib.contextmanager
    def batch(self, what: str) -> Iterator[None]:
        """Group several edits into one all-or-nothing transaction (imports)."""
        with self._edit(what):
            yield

    def _upsert_or_delete(self, table: str, blank: bool, row: dict[str, Any]) -> None:
        """Per-requirement records: a blank record is no row at all, anything else replaces the row."""
        if blank:
            self.db.execute(f"DELETE FROM {table} WHERE req_id = ?", [row["req_id"]])
            return
        cols = list(row)
        updates = ", ".join(f"{c}=excluded.{c}" for c in cols if c != "req_id")
        self.db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                        f"ON CONFLICT(req_id) DO UPDATE SET {updates}", list(row.values()))

    def _audit(self, action: str, target: str, old: Any = None, new: Any = None) -> AuditEntry:
        return audit_log.append(self.db, self.actor or "unknown", action, target, old, new)

    # ------------------------------------------------------------------------------------ metadata

    @staticmethod
    def _meta_row(meta: AssessmentMeta) -> dict[str, Any]:
        return {
            "id": 1, "uuid": meta.uuid, "organization": meta.organization, "project": meta.project,
            "scope": meta.scope, "assessors": json.dumps(list(meta.assessors), ensure_ascii=False),
            "target_level": meta.target_level, "level_rule": meta.level_rule, "model_id": meta.model_id,
            "model_version": meta.model_version, "status": meta.status, "locked_at": meta.locked_at,
            "locked_by": meta.locked_by, "frozen_digest": meta.frozen_digest, "start_date": meta.start_date,
            "end_date": meta.end_date, "created_at": meta.created_at or now_iso(),
            "updated_at": meta.updated_at or now_iso(), "business_unit": meta.business_unit,
        }

    def meta(self) -> AssessmentMeta:
        row = next(self.db.query("SELECT * FROM assessment WHERE id = 1"), None)
        if row is None:
            raise AssessmentFileError(f"{self.path}: the assessment record is missing; the file is damaged")
        return AssessmentMeta(
            uuid=row["uuid"], organization=row["organization"], project=row["project"],
            target_level=int(row["target_level"]), model_id=row["model_id"], model_version=row["model_version"],
            scope=row["scope"], assessors=tuple(json.loads(row["assessors"] or "[]")),
            level_rule=row["level_rule"], status=row["status"], locked_at=row["locked_at"],
            locked_by=row["locked_by"], frozen_digest=row["frozen_digest"], start_date=row["start_date"],
            end_date=row["end_date"], created_at=row["created_at"], updated_at=row["updated_at"],
            business_unit=row.get("business_unit") or "",
        )

    def update_meta(self, **changes: Any) -> AssessmentMeta:
        old = self.meta()
        row = {k: (json.dumps(list(v), ensure_ascii=False) if k == "assessors" else v) for k, v in changes.items()}
        with self._edit("change the assessment details"):
            self.db.update("assessment", 1, row)
            self._audit("update_meta", "assessment", {k: _jsonable(getattr(old, k)) for k in changes},
                        {k: _jsonable(v) for k, v in changes.items()})
        return self.meta()

    def model_json(self) -> str:
        return str(self.db.execute("SELECT json FROM model_snapshot WHERE id = 1").fetchone()[0])

    def replace_model(self, model_id: str, version: str, model_json: str) -> None:
        meta = self.meta()
        with self._edit("replace the model"):
            self.db.execute("UPDATE model_snapshot SET model_id = ?, model_version = ?, json = ? WHERE id = 1",
                            [model_id, version, model_json])
            self.db.execute("UPDATE assessment SET model_id = ?, model_version = ? WHERE id = 1", [model_id, version])
            self._audit("replace_model", "model", f"{meta.model_id} {meta.model_version}",
                        {"model": f"{model_id} {version}", "model_sha256": _sha256(model_json)})

    def set_locked(self, locked: bool, *, reason: str = "", digest: str | None = None,
                   signer: Callable[[int, str], dict[str, Any]] | None = None) -> AssessmentMeta:
        """Lock (freeze) or unlock; the only edits allowed on a locked assessment are unlocking and registering
        a certificate. ``signer(seq, head)`` signs the lock: it gets the audit position before the lock row and
        returns what the lock row stores as ``signed``. Unlocking marks every valid certificate superseded."""
        if self.readonly:
            raise AssessmentFileError(f"{self.path}: opened read-only; cannot change the lock")
        try:
            with self._write_transaction():
                old = self.meta()
                if locked:
                    if old.locked:
                        raise LockedError(f"{self.path}: the assessment is already locked")
                    at = now_iso()
                    self.db.execute("UPDATE assessment SET status='locked', locked_at=?, locked_by=?, frozen_digest=?,"
                                    " updated_at=? WHERE id=1", [at, self.actor, digest, at])
                    new_value: dict[str, Any] = {"status": "locked", "frozen_digest": digest}
                    if signer is not None:
                        last = self.db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
                        new_value["signed"] = signer(int(last[0]) if last else 0,
                                                     str(last[1]) if last else audit_log.GENESIS)
                    self._audit("lock", "assessment", {"status": "draft"}, new_value)
                else:
                    if not old.locked:
                        raise LockedError(f"{self.path}: the assessment is not locked")
                    if not reason.strip():
                        raise CdassessError("unlocking needs a reason (it is written to the audit log)")
                    self.db.execute("UPDATE assessment SET status='draft', locked_at=NULL, locked_by=NULL, "
                                    "frozen_digest=NULL, updated_at=? WHERE id=1", [now_iso()])
                    self._audit("unlock", "assessment", {"status": "locked", "frozen_digest": old.frozen_digest},
                                {"status": "draft", "reason": reason.strip()})
                    at = now_iso()
                    for cert in certificate_register.records(self.db):
                        if not cert.superseded:
                            certificate_register.supersede(self.db, cert.number, at, reason.strip())
                            self._audit("supersede_certificate", f"certificate:{cert.number}",
                                        {"status": "valid"}, {"status": "superseded", "reason": reason.strip()})
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None
        return self.meta()

    # ------------------------------------------------------------------------------------ certificates

    def certificates(self) -> list[CertificateRecord]:
        """The certificate register, oldest first (empty for a file not yet upgraded)."""
        return certificate_register.records(self.db)

    def register_certificate(self, make: Callable[[int, str], CertificateRecord]) -> CertificateRecord:
        """Write a register row and its audit row; allowed on a locked assessment (issuing needs the lock).

        ``make(seq, head)`` builds the record from the audit position it is issued at.
        """
        if self.readonly:
            raise AssessmentFileError(f"{self.path}: opened read-only; cannot register a certificate")
        try:
            with self._write_transaction():
                last = self.db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
                rec = make(int(last[0]) if last else 0, str(last[1]) if last else audit_log.GENESIS)
                existing = certificate_register.record(self.db, rec.number)
                if existing is not None:
                    return existing
                certificate_register.insert(self.db, rec)
                self._audit("issue_certificate", f"certificate:{rec.number}", None,
                            {**rec.as_audit(), **certificate_register.fingerprints(rec)})
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None
        found = certificate_register.record(self.db, rec.number)
        assert found is not None
        return found

    # ------------------------------------------------------------------------------------ report options

    def report_options(self) -> ReportOptions:
        """The saved report options (defaults when none were saved or the file is not yet upgraded)."""
        return report_options_table.read(self.db)

    def set_report_options(self, options: ReportOptions) -> tuple[ReportOptions, ReportOptions]:
        """Save the report options with their audit row; allowed on a locked assessment (they are presentation,
        not results: the results digest does not cover them). Returns (old, new)."""
        if self.readonly:
            raise AssessmentFileError(f"{self.path}: opened read-only; cannot save the report options")
        if not report_options_table.has_table(self.db):
            raise AssessmentFileError(f"{self.path}: the file is of an older schema; open it for editing to "
                                      "upgrade it before saving report options")
        try:
            with self._write_transaction():
                old = report_options_table.read(self.db)
                at = now_iso()
                report_options_table.write(self.db, options, at, self.actor or "unknown")
                self._audit(report_options_table.ACTION, report_options_table.TARGET, old.as_audit(),
                            options.as_audit())
                self.db.execute("UPDATE assessment SET updated_at = ? WHERE id = 1", [at])
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None
        except UnicodeEncodeError as exc:
            raise InvalidValueError("cannot save the report options: the text holds a character that is not valid "
                                    f"Unicode ({exc.object[exc.start:exc.end]!r})") from None
        return old, report_options_table.read(self.db)

    # ------------------------------------------------------------------------------------ ratings

    def statuses(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT req_id, status FROM rating"))

    def ratings(self) -> dict[str, Rating]:
        return {
            r["req_id"]: Rating(r["req_id"], r["status"], r["note"], r["justification"],
                                bool(r["needs_review"]), r["updated_at"], r["updated_by"])
            for r in self.db.query("SELECT * FROM rating")
        }

    def rating(self, req_id: str) -> Rating:
        rows = list(self.db.query("SELECT * FROM rating WHERE req_id = ?", [req_id]))
        if not rows:
            return Rating(req_id)
        r = rows[0]
        return Rating(r["req_id"], r["status"], r["note"], r["justification"], bool(r["needs_review"]),
                      r["updated_at"], r["updated_by"])

    def put_rating(self, rating: Rating, *, action: str = "rate", restore: bool = False) -> tuple[Rating, Rating]:
        """Store a rating (a blank one deletes the row); returns (old, new).

        The rating's time and author are now and this store's actor, except: with ``restore`` (undo) the record's
        own ``updated_at``/``updated_by`` are put back; a change of the review flag alone keeps them (flagging
        a rating for review is not rating it).
        """
        with self._edit("change a rating"):
            old = self.rating(rating.req_id)
            review_only = (not old.is_blank and old.needs_review != rating.needs_review
                           and (old.status, old.note, old.justification)
                           == (rating.status, rating.note, rating.justification))
            kept = (restore and bool(rating.updated_at)) or review_only
            if kept:
                keep = rating if restore and rating.updated_at else old
                new = rating.with_changes(updated_at=keep.updated_at, updated_by=keep.updated_by)
            else:
                new = rating.with_changes(updated_at=now_iso(), updated_by=self.actor)
            self._upsert_or_delete("rating", rating.is_blank, {
                "req_id": new.req_id, "status": str(new.status), "note": new.note,
                "justification": new.justification, "needs_review": int(new.needs_review),
                "updated_at": new.updated_at, "updated_by": new.updated_by})
            # a kept author and time are written into the log row, so check's replay expects them
            logged = {**new.as_audit(), "updated_at": new.updated_at, "updated_by": new.updated_by} if kept \
                else new.as_audit()
            self._audit(action, f"requirement:{rating.req_id}", old.as_audit(), logged)
        return old, new

    # ------------------------------------------------------------------------------------ claims

    def claims(self) -> dict[str, Claim]:
        return {
            r["req_id"]: Claim(r["req_id"], r["status"], r["evidence_text"], r["evidence_refs"],
                               r["owner"], r["comment"], r["updated_at"], r["source"])
            for r in self.db.query("SELECT * FROM claim")
        }

    def claim(self, req_id: str) -> Claim:
        """One claim (a blank one when there is none); a single-row read, so bulk imports stay linear."""
        for r in self.db.query("SELECT * FROM claim WHERE req_id = ?", [req_id]):
            return Claim(r["req_id"], r["status"], r["evidence_text"], r["evidence_refs"], r["owner"],
                         r["comment"], r["updated_at"], r["source"])
        return Claim(req_id)

    def put_claim(self, claim: Claim, *, source: str = "") -> tuple[Claim, Claim]:
        """Store one self-assessment claim (a blank one deletes it); returns (old, new)."""
        with self._edit("change a self-assessment claim"):
            old = self.claim(claim.req_id)
            new = Claim(claim.req_id, claim.status, claim.evidence_text, claim.evidence_refs, claim.owner,
                        claim.comment, now_iso(), source or claim.source)
            self._upsert_or_delete("claim", new.is_blank, {
                "req_id": new.req_id, "status": str(new.status), "evidence_text": new.evidence_text,
                "evidence_refs": new.evidence_refs, "owner": new.owner, "comment": new.comment,
                "updated_at": new.updated_at, "source": new.source})
            self._audit("claim", f"requirement:{claim.req_id}", old.as_audit(), new.as_audit())
        return old, new

    def put_claims(self, claims: list[tuple[Claim, str]]) -> list[tuple[Claim, Claim]]:
        """Store many (claim, source) pairs in one edit, as ``put_claim`` one after another would (the same
        rows and audit entries), with one statement per table; returns (old, new) per claim."""
        from cdassess.store import bulk

        with self._edit("change self-assessment claims"):
            return bulk.put_claims(self.db, self.actor or "unknown", claims)

    # ------------------------------------------------------------------------------------ findings

    @staticmethod
    def _finding(r: dict[str, Any]) -> Finding:
        return Finding(r["id"], r["req_id"], r["observation"], r["recommendation"], r["owner"], r["due_date"],
                       r["priority"], r["created_at"], r["updated_at"])

    def findings(self, req_id: str | None = None) -> list[Finding]:
        if req_id is None:
            rows = self.db.query("SELECT * FROM finding ORDER BY id")
        else:
            rows = self.db.query("SELECT * FROM finding WHERE req_id = ? ORDER BY id", [req_id])
        return [self._finding(r) for r in rows]

    def finding(self, finding_id: int) -> Finding:
        rows = list(self.db.query("SELECT * FROM finding WHERE id = ?", [finding_id]))
        if not rows:
            raise NotFoundError(f"no finding {finding_id} in {self.path.name}")
        return self._finding(rows[0])

    def save_finding(self, finding: Finding) -> Finding:
        """Insert (id None) or update a finding; returns it as stored."""
        with self._edit("change a finding"):
            at = now_iso()
            values = [finding.req_id, finding.observation, finding.recommendation, finding.owner,
                      finding.due_date, finding.priority]
            if finding.id is None:
                cur = self.db.execute(
                    "INSERT INTO finding (req_id, observation, recommendation, owner, due_date, priority,"
                    " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", [*values, at, at])
                fid = int(cur.lastrowid or 0)
                self._audit("add_finding", f"finding:{fid}", None, finding.as_audit())
            else:
                old = self.finding(finding.id)
                self.db.execute(
                    "UPDATE finding SET req_id=?, observation=?, recommendation=?, owner=?, due_date=?, priority=?,"
                    " updated_at=? WHERE id=?", [*values, at, finding.id])
                fid = finding.id
                self._audit("update_finding", f"finding:{fid}", old.as_audit(), finding.as_audit())
            return self.finding(fid)

    def restore_finding(self, finding: Finding) -> Finding:
        """Re-insert a deleted finding under its old id (undo)."""
        assert finding.id is not None
        with self._edit("restore a finding"):
            self.db.execute(
                "INSERT INTO finding (id, req_id, observation, recommendation, owner, due_date, priority,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                [finding.id, finding.req_id, finding.observation, finding.recommendation, finding.owner,
                 finding.due_date, finding.priority, finding.created_at or now_iso(), now_iso()])
            self._audit("restore_finding", f"finding:{finding.id}", None, finding.as_audit())
            return self.finding(finding.id)

    def delete_finding(self, finding_id: int) -> Finding:
        with self._edit("delete a finding"):
            old = self.finding(finding_id)
            self.db.execute("DELETE FROM finding WHERE id = ?", [finding_id])
            self._audit("delete_finding", f"finding:{finding_id}", old.as_audit(), None)
        return old

    # ------------------------------------------------------------------------------------ interviews

    def interviews(self) -> list[Interview]:
        return [Interview(r["id"], r["held_on"], r["interviewees"], r["interviewer"], r["topic"], r["notes"])
                for r in self.db.query("SELECT * FROM interview ORDER BY held_on, id")]

    def add_interview(self, interview: Interview) -> Interview:
        with self._edit("record an interview"):
            cur = self.db.execute(
                "INSERT INTO interview (held_on, interviewees, interviewer, topic, notes) VALUES (?,?,?,?,?)",
                [interview.held_on, interview.interviewees, interview.interviewer, interview.topic, interview.notes])
            iid = int(cur.lastrowid or 0)
            self._audit("add_interview", f"interview:{iid}", None,
                        {"held_on": interview.held_on, "interviewees": interview.interviewees,
                         "topic": interview.topic, "interviewer": interview.interviewer, "notes": interview.notes})
        return Interview(iid, interview.held_on, interview.interviewees, interview.interviewer, interview.topic,
                         interview.notes)

    # ------------------------------------------------------------------------------------ evidence

    def evidence_list(self) -> list[Evidence]:
        links: dict[int, list[str]] = {}
        for eid, req_id in self.db.execute("SELECT evidence_id, req_id FROM evidence_link ORDER BY req_id"):
            links.setdefault(int(eid), []).append(str(req_id))
        return [self._evidence(r, links.get(int(r["id"]), [])) for r in
                self.db.query("SELECT * FROM evidence WHERE sha256 NOT LIKE 'pending:%' ORDER BY id")]

    @staticmethod
    def _evidence(r: dict[str, Any], req_ids: list[str]) -> Evidence:
        return Evidence(int(r["id"]), r["sha256"], int(r["size"]), r["original_name"], r["media_type"],
                        r["collected_on"], r["provided_by"], r["description"], r["added_at"], r["added_by"],
                        tuple(req_ids))

    def evidence(self, evidence_id: int) -> Evidence:
        rows = list(self.db.query("SELECT * FROM evidence WHERE id = ? AND sha256 NOT LIKE 'pending:%'",
                                  [evidence_id]))
        if not rows:
            raise NotFoundError(f"no evidence {evidence_id} in {self.path.name} (see 'cdassess evidence list')")
        req_ids = [r[0] for r in self.db.execute(
            "SELECT req_id FROM evidence_link WHERE evidence_id = ? ORDER BY req_id", [evidence_id])]
        return self._evidence(rows[0], req_ids)

    def evidence_for(self, req_id: str) -> list[Evidence]:
        ids = [r[0] for r in self.db.execute(
            "SELECT evidence_id FROM evidence_link WHERE req_id = ? ORDER BY evidence_id", [req_id])]
        return [self.evidence(i) for i in ids]

    def add_evidence(self, stream: BinaryIO, size: int, original_name: str, req_ids: list[str], *,
                     provided_by: str = "", collected_on: str = "", description: str = "",
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     before_publish: Callable[[], None] | None = None) -> tuple[Evidence, bool]:
        """Stream content in, hash it, deduplicate by hash and link it; returns (evidence, is_new).

        Staged: the content goes in as hidden ``pending:`` chunks, committed a few MB per transaction (the
        write lock is free between them, so the window's other edits commit at once); one short final
        transaction publishes the evidence row, its audit row and its links. A cancel, an error or a killed
        process leaves only staged chunks, which no reader shows and the next edit session removes.
        ``before_publish`` runs after the last byte is read and may refuse (the file changed meanwhile).
        """
        media_type = mimetypes.guess_type(original_name)[0] or "application/octet-stream"
        fields: dict[str, object] = {
            "original_name": original_name, "media_type": media_type, "collected_on": collected_on,
            "provided_by": provided_by, "description": description, "added_at": now_iso(),
            "added_by": self.actor,
        }
        if self.db.conn.in_transaction:  # inside an import's batch: one transaction, as before
            return self._add_evidence_at_once(stream, size, fields, req_ids, progress, cancelled, before_publish)
        with self._edit("add evidence"):  # refuses a locked assessment before any byte is read
            staged = evidence_store.stage_placeholder(self.db, fields)
        try:
            sha, done = self._stage_content(staged, stream, size, progress, cancelled)
            if before_publish is not None:
                before_publish()
            eid, is_new = self._publish_staged(staged, sha, done, req_ids)
            if not is_new:
                self._discard_staged(staged)
        except BaseException:
            with contextlib.suppress(sqlite3.DatabaseError, CdassessError):
                self._discard_staged(staged)
            raise
        if done >= WAL_SIZE_LIMIT:
            self._shrink_wal()
        return self.evidence(eid), is_new

    def _stage_content(self, staged: int, stream: BinaryIO, size: int,
                       progress: Callable[[int, int], None] | None,
                       cancelled: Callable[[], bool] | None) -> tuple[str, int]:
        """Read, hash and commit the content in stages; returns (sha256, bytes)."""
        digest = hashlib.sha256()
        read = [0]
        seq = stages = 0

        def on_read(n: int) -> None:
            read[0] += n
            if progress is not None:
                progress(read[0], max(size, read[0]))

        self.db.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints run between stages, not in a commit
        try:
            while chunks := evidence_store.read_stage(stream, digest, cancelled=cancelled, on_read=on_read):
                with self._bulk_transaction("add evidence"):
                    evidence_store.write_stage(self.db, staged, seq, chunks)
                seq += len(chunks)
                stages += 1
                if stages % 8 == 0:  # give the -wal file's pages back to the database without blocking edits
                    with contextlib.suppress(sqlite3.DatabaseError):
                        self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            with contextlib.suppress(sqlite3.DatabaseError):
                self.db.execute("PRAGMA wal_autocheckpoint = 1000")
        if cancelled is not None and cancelled():
            raise evidence_store.CancelledError("cancelled by the user; no evidence was added")
        return digest.hexdigest(), read[0]

    def _publish_staged(self, staged: int, sha: str, size: int, req_ids: list[str]) -> tuple[int, bool]:
        """The one short transaction that makes staged content evidence (or links the same content)."""
        with self._edit("add evidence"):
            existing = self.db.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha]).fetchone()
            if existing:
                eid, is_new = int(existing[0]), False
            else:
                self.db.execute("UPDATE evidence SET sha256 = ?, size = ? WHERE id = ?", [sha, size, staged])
                eid, is_new = staged, True
                self._audit("add_evidence", f"evidence:{eid}", None, self.evidence(eid).as_audit())
            for req_id in req_ids:
                self._link(eid, req_id)
        return eid, is_new

    def _add_evidence_at_once(self, stream: BinaryIO, size: int, fields: dict[str, object], req_ids: list[str],
                              progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
                              before_publish: Callable[[], None] | None) -> tuple[Evidence, bool]:
        with self._edit("add evidence"):
            staged = evidence_store.stage_placeholder(self.db, fields)
            digest = hashlib.sha256()
            read = [0]
            seq = 0

            def on_read(n: int) -> None:
                read[0] += n
                if progress is not None:
                    progress(read[0], max(size, read[0]))

            while chunks := evidence_store.read_stage(stream, digest, cancelled=cancelled, on_read=on_read):
                evidence_store.write_stage(self.db, staged, seq, chunks)
                seq += len(chunks)
            done = read[0]
            if before_publish is not None:
                before_publish()
            sha = digest.hexdigest()
            existing = self.db.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha]).fetchone()
            if existing:
                self.db.execute("DELETE FROM evidence WHERE id = ?", [staged])  # cascades to its chunks
                eid, is_new = int(existing[0]), False
            else:
                self.db.execute("UPDATE evidence SET sha256 = ?, size = ? WHERE id = ?", [sha, done, staged])
                eid, is_new = staged, True
                self._audit("add_evidence", f"evidence:{eid}", None, self.evidence(eid).as_audit())
            for req_id in req_ids:
                self._link(eid, req_id)
        return self.evidence(eid), is_new

    def _discard_staged(self, evidence_id: int) -> None:
        """Remove staged content in small transactions (a 2 GB cancel never holds the write lock long)."""
        done = False
        while not done:
            with self._bulk_transaction("remove staged evidence"):
                done = evidence_store.discard_step(self.db, evidence_id)

    def discard_pending_evidence(self) -> int:
        """Remove content left staged by an attach that was cancelled or killed; returns how many."""
        ids = evidence_store.pending_ids(self.db)
        for evidence_id in ids:
            self._discard_staged(evidence_id)
        if ids:
            self._shrink_wal()
        return len(ids)

    def _shrink_wal(self) -> None:
        """Give the disk space back now, not at close: the -wal file held a second copy of the content.

        A TRUNCATE checkpoint takes the write lock while it waits for readers, so it runs in the gaps
        between edits and gives up at once when a reader is busy (the next one, or close, does it)."""
        if self.db.conn.in_transaction:
            return
        with self._gate.bulk():
            try:
                self.db.execute("PRAGMA busy_timeout = 50")
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.DatabaseError:
                pass
            finally:
                with contextlib.suppress(sqlite3.DatabaseError):
                    self.db.execute("PRAGMA busy_timeout = 10000")

    def _link(self, evidence_id: int, req_id: str) -> bool:
        cur = self.db.execute("INSERT OR IGNORE INTO evidence_link (evidence_id, req_id, linked_at) VALUES (?,?,?)",
                              [evidence_id, req_id, now_iso()])
        if cur.rowcount:
            self._audit("link_evidence", f"evidence:{evidence_id}", None, {"req_id": req_id})
        return bool(cur.rowcount)

    def link_evidence(self, evidence_id: int, req_ids: list[str]) -> list[str]:
        """Link existing evidence to more requirements; returns the ids newly linked."""
        with self._edit("link evidence"):
            self.evidence(evidence_id)
            return [r for r in req_ids if self._link(evidence_id, r)]

    def unlink_evidence(self, evidence_id: int, req_id: str) -> bool:
        with self._edit("unlink evidence"):
            self.evidence(evidence_id)
            cur = self.db.execute("DELETE FROM evidence_link WHERE evidence_id = ? AND req_id = ?",
                                  [evidence_id, req_id])
            if cur.rowcount:
                self._audit("unlink_evidence", f"evidence:{evidence_id}", {"req_id": req_id}, None)
            return bool(cur.rowcount)

    def update_evidence(self, evidence_id: int, changes: dict[str, str]) -> tuple[Evidence, Evidence]:
        """Change an evidence record's description, provider or collection date (never its content)."""
        allowed = {"description", "provided_by", "collected_on"}
        with self._edit("change evidence details"):
            old = self.evidence(evidence_id)
            fields = {k: v for k, v in changes.items() if k in allowed and getattr(old, k) != v}
            if fields:
                sets = ", ".join(f"{k} = ?" for k in fields)
                self.db.execute(f"UPDATE evidence SET {sets} WHERE id = ?", [*fields.values(), evidence_id])
                self._audit("update_evidence", f"evidence:{evidence_id}", {k: getattr(old, k) for k in fields},
                            fields)
            return old, self.evidence(evidence_id)

    def remove_evidence(self, evidence_id: int) -> Evidence:
        """Delete evidence, its content and its links (the audit keeps its hash and name)."""
        with self._edit("remove evidence"):
            old = self.evidence(evidence_id)
            self.db.execute("DELETE FROM evidence WHERE id = ?", [evidence_id])
            self._audit("remove_evidence", f"evidence:{evidence_id}", {**old.as_audit(), "req_ids": old.req_ids},
                        None)
        return old

    def evidence_chunks(self, evidence_id: int) -> Iterator[bytes]:
        self.evidence(evidence_id)
        return evidence_store.iter_chunks(self.db, evidence_id)

    # ------------------------------------------------------------------------------------ audit, checks

    def audit_entries(self, target_prefix: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        return audit_log.entries(self.db, target_prefix, limit)

    def audit_head(self) -> str:
        return audit_log.head(self.db)

    def audit_entries_of(self, *actions: str) -> list[AuditEntry]:
        """The audit rows with one of ``actions``, in order (read without loading the rest of the log)."""
        return audit_log.of_actions(self.db, actions)

    def audit_entry(self, seq: int) -> AuditEntry | None:
        return audit_log.at_seq(self.db, seq)

    def audit_count(self) -> int:
        return audit_log.count(self.db)

    def check(self) -> list[Problem]:
        """SQLite integrity, foreign keys, every evidence hash and the audit chain."""
        problems: list[Problem] = []
        try:
            problems += self.schema_problems()
            for (msg,) in self.db.execute("PRAGMA integrity_check").fetchall():
                if msg != "ok":
                    problems.append(Problem("SQLite integrity", str(msg)))
            for row in self.db.execute("PRAGMA foreign_key_check").fetchall():
                problems.append(Problem(f"table {row[0]} row {row[1]}", f"refers to a missing {row[2]} row"))
            problems += evidence_store.verify_all(self.db)
            problems += evidence_store.verify_against_audit(self.db)
            problems += coverage.verify_log(self.db)  # records, every other field and the chain: one pass
            problems += certificate_register.verify(self.db)
            problems += report_options_table.verify(self.db)
        except AssessmentFileError as exc:  # the guard refused SQL of the file's own, or a runaway query
            problems.append(Problem("SQLite", str(exc)))
        except Exception as exc:
            # content a bit flip or a hidden edit made unreadable: named, the remaining checks skipped
            problems.append(Problem("SQLite", f"the file is damaged: {_short_error(exc)}"))
        return problems


def _preflight_once(path: Path) -> bool:
    """Check the header at this process's first open of the file; True if it was the first.

    Never open a file this process already has open outside SQLite: closing that descriptor would drop the
    process's locks on it (see store/gate.py). Its header was checked when it was first opened."""
    if open_files.is_open(path):
        return False
    preflight(path)
    return True


def _probe(path: Path) -> None:
    """Judge a file through a read-only connection before editing it: closing the last read-write connection
    of a refused file would checkpoint its planted -wal into it."""
    probe = connect(path, readonly=True)
    try:
        _verify(path, probe, unsafe=False)
    finally:
        probe.close()


def _verify(path: Path, conn: sqlite3.Connection, *, unsafe: bool) -> genuine.Verdict:
    """Identity and schema, before anything else is read; the file's own triggers run only if genuine."""
    db = Db(conn)
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise AssessmentFileError(f"{path}: an SQLite database of another application, not a cdassess assessment")
    verdict = genuine.verify_schema(conn)
    if verdict.newer:  # the applied schema steps (Migrations' table) are the file's version; nothing else
        unknown = [n for n in verdict.applied if n not in MIGRATION_NAMES]
        raise AssessmentFileError(
            f"{path}: written by a newer version of cdassess (its schema has step {', '.join(unknown[:3])}, "
            f"which this program does not know; it reads up to schema {SCHEMA_VERSION}, {MIGRATION_NAMES[-1]}); "
            "update cdassess to open it"
        )
    if verdict.problems and not unsafe:
        raise genuine.refusal(path, verdict.problems)
    guard = guard_of(conn)
    if guard is not None:
        guard.trusted = verdict.trusted
    return verdict


def _apply_migrations(conn: sqlite3.Connection) -> None:
    """Create or upgrade the schema with sqlite-utils' Migrations (imported only here: it is slow to import)."""
    from sqlite_utils import Database

    from cdassess.store.schema import migrations

    migrations.apply(Database(conn, execute_plugins=False))


def _link_new(tmp: Path, path: Path) -> None:
    """Give the finished file its name without ever replacing a file that appeared meanwhile."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise AssessmentFileError(f"{path}: already exists; cdassess never overwrites a file "
                                  "(choose a new name)") from None
    except OSError:  # file systems without hard links (FAT, some network shares)
        if path.exists():
            raise AssessmentFileError(f"{path}: already exists; cdassess never overwrites a file") from None
        os.rename(tmp, path)


def _remove_abandoned_creations(folder: Path) -> None:
    """Half-made files of a ``create`` that was killed: ``.NAME.creating-PID-XXXX`` whose process is gone (and
    older unnamed ones after an hour), with their SQLite companions."""
    import re
    import time

    pattern = re.compile(r"\..+\.creating-(?:(\d+)-)?[0-9a-f]{8}(?:-wal|-shm|-journal)?\Z")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = pattern.match(entry.name)
            if m is None or not entry.is_file(follow_symlinks=False):
                continue
            pid = int(m.group(1)) if m.group(1) else None
            if pid is not None and (pid == os.getpid() or _alive(pid)):
                continue
            if pid is None and time.time() - entry.stat(follow_symlinks=False).st_mtime < 3600:
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # no cheap check: leave it (a later create after a reboot finds a reused pid rarely)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _short_error(exc: BaseException) -> str:
    from cdassess.safetext import escape, shorten

    return shorten(escape(f"{type(exc).__name__}: {exc}" if not isinstance(exc, sqlite3.Error) else exc), 200)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def new_uuid() -> str:
    return str(uuid.uuid4())
