"""The certificate register: every certificate issued from an assessment file, and whether it still holds.

A row is written when a certificate is issued (with its audit row, in one transaction); unlocking the
assessment marks the certificates issued on the frozen results superseded. The table is only read and written
here; the store calls these functions inside its own transactions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cdassess.store.db import Db

TABLE = "certificate"


@dataclass(frozen=True)
class CertificateRecord:
    """One issued certificate as the file remembers it."""

    number: str
    level: int
    scope: str
    issued: str
    valid_until: str
    digest: str
    audit_seq: int
    audit_head: str
    key_id: str
    code: str
    results: dict[str, Any]
    status: str = "valid"  # valid | superseded
    superseded_at: str | None = None
    superseded_reason: str = ""
    issued_at: str = ""
    issued_by: str = ""

    @property
    def superseded(self) -> bool:
        return self.status == "superseded"

    def as_audit(self) -> dict[str, Any]:
        return {"number": self.number, "level": self.level, "scope": self.scope, "issued": self.issued,
                "valid_until": self.valid_until, "digest": self.digest, "audit_seq": self.audit_seq,
                "audit_head": self.audit_head, "key": self.key_id}

    def as_json(self) -> dict[str, Any]:
        return {**self.as_audit(), "status": self.status, "superseded_at": self.superseded_at,
                "superseded_reason": self.superseded_reason, "issued_at": self.issued_at,
                "issued_by": self.issued_by}


def has_table(db: Db) -> bool:
    return db.table_exists(TABLE)


def records(db: Db) -> list[CertificateRecord]:
    if not has_table(db):
        return []
    out = []
    for r in db.query(f"SELECT * FROM {TABLE} ORDER BY issued_at, number"):
        try:
            results = json.loads(r["results"] or "{}")
        except ValueError:
            results = {}
        out.append(CertificateRecord(
            r["number"], int(r["level"]), r["scope"], r["issued"], r["valid_until"], r["digest"],
            int(r["audit_seq"]), r["audit_head"], r["key_id"], r["code"], results if isinstance(results, dict)
            else {}, r["status"], r["superseded_at"], r["superseded_reason"], r["issued_at"], r["issued_by"]))
    return out


def record(db: Db, number: str) -> CertificateRecord | None:
    for rec in records(db):
        if rec.number == number:
            return rec
    return None


def insert(db: Db, rec: CertificateRecord) -> bool:
    """Add a row; False when the same number is already registered (the same facts issued again)."""
    cur = db.execute(
        f"INSERT OR IGNORE INTO {TABLE} (number, level, scope, issued, valid_until, digest, audit_seq, audit_head,"
        " key_id, code, results, status, issued_at, issued_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [rec.number, rec.level, rec.scope, rec.issued, rec.valid_until, rec.digest, rec.audit_seq, rec.audit_head,
         rec.key_id, rec.code, json.dumps(rec.results, ensure_ascii=False, sort_keys=True), "valid",
         rec.issued_at, rec.issued_by])
    return bool(cur.rowcount)


def supersede(db: Db, number: str, at: str, reason: str) -> None:
    db.execute(f"UPDATE {TABLE} SET status = 'superseded', superseded_at = ?, superseded_reason = ? "
               "WHERE number = ?", [at, reason, number])
