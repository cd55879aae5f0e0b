"""The certificate register: every certificate issued from an assessment file, and whether it still holds.

A row is written when a certificate is issued (with its audit row, in one transaction); unlocking the
assessment marks the certificates issued on the frozen results superseded. The table is only read and written
here; the store calls these functions inside its own transactions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cdassess.errors import Problem
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


def fingerprints(rec: CertificateRecord) -> dict[str, str]:
    """Hashes of the parts of a row its audit row does not spell out (the signed code, the results kept)."""
    import hashlib

    results = json.dumps(rec.results, ensure_ascii=False, sort_keys=True)
    return {"code_sha256": hashlib.sha256(rec.code.encode("utf-8")).hexdigest(),
            "results_sha256": hashlib.sha256(results.encode("utf-8")).hexdigest()}


_AUDIT_COLUMNS = {"number": "number", "level": "level", "scope": "scope", "issued": "issued",
                  "valid_until": "valid_until", "digest": "digest", "audit_seq": "audit_seq",
                  "audit_head": "audit_head", "key": "key_id"}


def _logged(db: Db) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per certificate number: (issue row, its values) and (the supersede row after it, its values)."""
    from cdassess.store import audit as audit_log

    issued: dict[str, Any] = {}
    superseded: dict[str, Any] = {}
    for e in audit_log.entries(db, "certificate:"):
        if not audit_log.intact(db, e):
            continue  # an altered row is reported by the chain check
        number = e.target.partition(":")[2]
        try:
            new = json.loads(e.new or "{}")
        except ValueError:
            new = {}
        if not isinstance(new, dict):
            continue
        if e.action == "issue_certificate":
            issued[number] = (e, new)
            superseded.pop(number, None)
        elif e.action == "supersede_certificate":
            superseded[number] = (e, new)
    return issued, superseded


def verify(db: Db) -> list[Problem]:
    """Each register row as its issue and supersede audit rows left it (``check``): a row changed, added or
    deleted with another SQLite tool is named with the field that differs."""
    if not has_table(db):
        return []
    issued, superseded = _logged(db)
    rows = {str(r["number"]): r for r in db.query(f"SELECT * FROM {TABLE}")}
    recs = {r.number: r for r in records(db)}
    problems: list[Problem] = []
    for number in sorted(rows.keys() | issued.keys()):
        where = f"certificate {number}"
        row, logged = rows.get(number), issued.get(number)
        if row is None:
            problems.append(Problem(where, "is in the audit log but missing from the register (deleted outside "
                                           "cdassess)"))
        elif logged is None:
            problems.append(Problem(where, "is in the register but has no audit log row (added outside cdassess)"))
        else:
            problems += _compare_issue(where, row, recs[number], *logged)
            problems += _compare_status(where, row, superseded.get(number))
    return problems


def _compare_issue(where: str, row: dict[str, Any], rec: CertificateRecord, entry: Any,
                   new: dict[str, Any]) -> list[Problem]:
    from cdassess.store.coverage import _changed, _near

    problems = [_changed(where, f"certificate.{column}", new[key], row[column])
                for key, column in _AUDIT_COLUMNS.items() if key in new and new[key] != row[column]]
    for key, value in fingerprints(rec).items():
        if key in new and new[key] != value:
            problems.append(Problem(where, f"certificate.{key.removesuffix('_sha256')} was changed outside "
                                           "cdassess (its SHA-256 differs from the audit log's)"))
    if (row["issued_by"] or "unknown") != entry.actor:
        problems.append(_changed(where, "certificate.issued_by", entry.actor, row["issued_by"]))
    if not _near(row["issued_at"], entry.at):
        problems.append(_changed(where, "certificate.issued_at", entry.at, row["issued_at"]))
    return problems


def _compare_status(where: str, row: dict[str, Any], sup: Any) -> list[Problem]:
    from cdassess.store.coverage import _changed, _near

    problems: list[Problem] = []
    want_status = "superseded" if sup is not None else "valid"
    if row["status"] != want_status:
        problems.append(_changed(where, "certificate.status", want_status, row["status"]))
    if sup is None:
        if row["superseded_at"] is not None or row["superseded_reason"]:
            problems.append(_changed(where, "certificate.superseded_at", None, row["superseded_at"]))
        return problems
    s_entry, s_new = sup
    if "reason" in s_new and s_new["reason"] != row["superseded_reason"]:
        problems.append(_changed(where, "certificate.superseded_reason", s_new["reason"], row["superseded_reason"]))
    if not _near(row["superseded_at"], s_entry.at):
        problems.append(_changed(where, "certificate.superseded_at", s_entry.at, row["superseded_at"]))
    return problems
