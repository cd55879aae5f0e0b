"""The ``report_options`` table (schema 0007): one row, absent until options are first saved.

Read and written only here; the store calls :func:`write` inside its own transaction with the audit row.
``verify`` (run by ``check``) replays the audit rows of the options and compares the row, and the logo's bytes
with the SHA-256 the row and the log record.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cdassess.errors import Problem
from cdassess.records import AuditEntry
from cdassess.reportopts import Logo, ReportOptions, Signatory
from cdassess.store.db import Db

TABLE = "report_options"
ACTION = "report_options"
TARGET = "report_options"


def has_table(db: Db) -> bool:
    return db.table_exists(TABLE)


def _list(text: Any) -> list[Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def read(db: Db) -> ReportOptions:
    if not has_table(db):
        return ReportOptions()
    row = next(db.query(f"SELECT * FROM {TABLE} WHERE id = 1"), None)
    if row is None:
        return ReportOptions()
    logo = None
    if isinstance(row["logo"], bytes) and row["logo"]:
        width = height = 0
        try:
            from cdassess.reportopts import read_logo

            checked = read_logo(row["logo"])
            width, height = checked.width, checked.height
        except Exception:  # a damaged logo is reported by check; the report leaves it out
            logo = None
        else:
            logo = Logo(row["logo"], str(row["logo_type"] or checked.media_type), width, height)
    sigs = tuple(Signatory(str(s[0]), str(s[1])) for s in _list(row["signatures"])
                 if isinstance(s, list) and len(s) == 2)
    return ReportOptions(omitted=tuple(str(x) for x in _list(row["omitted"])), cover_text=str(row["cover_text"]),
                         signatures=sigs, logo=logo)


def write(db: Db, options: ReportOptions, at: str, actor: str) -> None:
    logo = options.logo
    db.execute(
        f"INSERT INTO {TABLE} (id, omitted, cover_text, signatures, logo, logo_sha256, logo_type, updated_at,"
        " updated_by) VALUES (1,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET omitted=excluded.omitted,"
        " cover_text=excluded.cover_text, signatures=excluded.signatures, logo=excluded.logo,"
        " logo_sha256=excluded.logo_sha256, logo_type=excluded.logo_type, updated_at=excluded.updated_at,"
        " updated_by=excluded.updated_by",
        [json.dumps(list(options.omitted)), options.cover_text,
         json.dumps([[s.name, s.role] for s in options.signatures], ensure_ascii=False),
         None if logo is None else logo.data, None if logo is None else logo.sha256,
         None if logo is None else logo.media_type, at, actor])


def verify(db: Db) -> list[Problem]:
    """The row as the last options row of the audit log left it; the logo's bytes against its hash."""
    if not has_table(db):
        return []
    from cdassess.store import audit as audit_log

    last: AuditEntry | None = None
    for e in audit_log.entries(db, TARGET):
        if not audit_log.intact(db, e):
            continue  # an altered row is reported by the chain check
        if e.action == ACTION and e.target == TARGET:
            last = e
    row = next(db.query(f"SELECT * FROM {TABLE} WHERE id = 1"), None)
    where = "report options"
    if row is None:
        if last is not None:
            return [Problem(where, "are in the audit log but missing from the file (deleted outside cdassess)")]
        return []
    if last is None:
        return [Problem(where, "have no audit log row (added outside cdassess)")]
    try:
        logged = json.loads(last.new or "{}")
    except ValueError:
        logged = {}
    if not isinstance(logged, dict):
        logged = {}
    from cdassess.store.coverage import _changed, _near

    problems = _compare_fields(where, row, logged)
    if (row["updated_by"] or "unknown") != last.actor:
        problems.append(_changed(where, "report_options.updated_by", last.actor, row["updated_by"]))
    if not _near(row["updated_at"], last.at):
        problems.append(_changed(where, "report_options.updated_at", last.at, row["updated_at"]))
    return problems


def _compare_fields(where: str, row: dict[str, Any], logged: dict[str, Any]) -> list[Problem]:
    from cdassess.store.coverage import _changed

    problems: list[Problem] = []
    fields = {"omitted": _list(row["omitted"]) if isinstance(row["omitted"], str) else row["omitted"],
              "cover_text": row["cover_text"],
              "signatures": _list(row["signatures"]) if isinstance(row["signatures"], str) else row["signatures"]}
    for key, stored in fields.items():
        if key in logged and logged[key] != stored:
            problems.append(_changed(where, f"report_options.{key}", logged[key], stored))
    stored_logo = row["logo"] if isinstance(row["logo"], bytes) and row["logo"] else None
    want = logged.get("logo") if isinstance(logged.get("logo"), dict) else None
    want_sha = want.get("sha256") if want else None
    if row["logo_sha256"] != want_sha:
        problems.append(_changed(where, "report_options.logo_sha256", want_sha, row["logo_sha256"]))
    if stored_logo is None and want_sha is not None:
        problems.append(Problem(where, "the logo is in the audit log but missing from the file"))
    elif stored_logo is not None and hashlib.sha256(stored_logo).hexdigest() != want_sha:
        problems.append(Problem(where, "the logo's bytes were changed outside cdassess (their SHA-256 differs from "
                                       "the audit log's)"))
    if want and row["logo_type"] != want.get("media_type"):
        problems.append(_changed(where, "report_options.logo_type", want.get("media_type"), row["logo_type"]))
    return problems
