"""``check`` beyond ratings, claims, findings and evidence: every other record an assessor can change.

The audit log is replayed for the assessment record (details, status and lock, level rule, dates, uuid, model),
the model snapshot (its SHA-256), interviews, the cycle records, and the actor and time fields written with each
edit (``updated_by``, ``added_by``, ``locked_by``, the ``*_at`` times). A value that differs from what the log
says is named: "assessment.organization was changed outside cdassess (audit says 'X', file has 'Y')".

What a log row does not record cannot be compared: files made before a field was logged (for example the uuid
and scope, recorded in the ``create`` row since this version) are compared on the fields their log holds.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from cdassess.errors import Problem
from cdassess.store import audit as audit_log
from cdassess.store.audit import LogRow
from cdassess.store.db import Db

# A time written with an edit is within this many seconds of its audit row's time (both are taken in the same
# transaction; an evidence file's added_at is taken before its content is read, so it may be earlier).
TIME_SLACK = 120.0
ATTACH_SLACK = 6 * 3600.0
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?\Z")

ASSESSMENT_FIELDS = ("uuid", "organization", "project", "scope", "assessors", "target_level", "level_rule",
                     "model_id", "model_version", "status", "locked_by", "frozen_digest", "start_date", "end_date",
                     "created_at", "app_version", "business_unit")
_MIGRATION_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2})?\Z")
_VERSION = re.compile(r"\d+(\.\d+)*([.+-]?[a-z0-9]+)*\Z")
INTERVIEW_FIELDS = ("held_on", "interviewees", "interviewer", "topic", "notes")


def shown(value: Any, limit: int = 60) -> str:
    """A value for a one-line message: quoted, control characters escaped, long text cut with its length."""
    from cdassess.safetext import quoted

    return quoted(value, limit)


def _changed(record: str, field: str, logged: Any, stored: Any) -> Problem:
    return Problem(record, f"{field} was changed outside cdassess (audit says {shown(logged)}, "
                           f"file has {shown(stored)})")


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not _TIME.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _near(stored: Any, logged_at: str, *, before: float = TIME_SLACK, after: float = TIME_SLACK) -> bool:
    """``stored`` is a valid time no more than ``before`` seconds before and ``after`` after ``logged_at``."""
    a, b = _time(stored), _time(logged_at)
    if a is None or b is None:
        return False
    delta = (a - b).total_seconds()
    return -before <= delta <= after


def _obj(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def replays(db: Db) -> list[Any]:
    """The replays of :func:`verify_all`, to run in one pass over the log (``audit.scan``) with others."""
    return [AssessmentReplay(), SnapshotReplay(), InterviewReplay(), ActorReplay(db), CycleReplay()]


def finish_all(db: Db, replays_: list[Any], info: audit_log.Scan) -> list[Problem]:
    problems: list[Problem] = []
    for r in replays_:
        problems += r.finish(db, info)
    problems += verify_schema_record(db)
    return problems


def verify_log(db: Db) -> list[Problem]:
    """Everything ``check`` compares with the audit log, in one pass over it (each row read and hashed once,
    memory bounded by the number of records, not of rows): ratings, claims, findings and links
    (``audit.RecordReplay``), every other record (this module), then the chain itself."""
    records = audit_log.RecordReplay()
    others = replays(db)
    chain, info = audit_log.scan(db, [records, *others])
    return records.finish(db, info.tainted) + finish_all(db, others, info) + chain


def verify_all(db: Db) -> list[Problem]:
    found = replays(db)
    info = audit_log.scan(db, found)[1]
    return finish_all(db, found, info)


def verify_schema_record(db: Db) -> list[Problem]:
    """The applied-migrations table: names are judged when the file is opened; their times must be times."""
    problems: list[Problem] = []
    for name, at in db.execute("SELECT name, applied_at FROM _sqlite_migrations ORDER BY rowid"):
        if not isinstance(at, str) or not _MIGRATION_TIME.match(at):
            problems.append(Problem("schema record", f"the time migration {shown(name)} was applied is damaged "
                                                     f"({shown(at)})"))
    row = db.execute("SELECT app_version FROM assessment WHERE id = 1").fetchone()
    if row is not None and not (isinstance(row[0], str) and _VERSION.match(row[0])):
        problems.append(Problem("assessment", f"assessment.app_version is damaged ({shown(row[0])})"))
    return problems


# ------------------------------------------------------------------------------------ the assessment record


class AssessmentReplay:
    """The assessment record's fields as the log left them, and the time of the lock."""

    actions: frozenset[str] | None = frozenset({"create", "update_meta", "lock", "unlock", "replace_model"})
    kinds: frozenset[str] | None = None

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}
        self.locked_at: str | None = None

    def feed(self, e: LogRow, kind: str, key: str) -> None:
        state = self.state
        new = _obj(e.new)
        if e.action == "create" and e.target == "assessment" and isinstance(new, dict):
            self.state = state = {k: v for k, v in new.items() if k in ASSESSMENT_FIELDS}
            model = new.get("model")
            if isinstance(model, str) and " " in model:
                state["model_id"], state["model_version"] = model.split(" ", 1)
            for field, first in (("status", "draft"), ("locked_by", None), ("frozen_digest", None)):
                state.setdefault(field, first)
        elif e.action == "update_meta" and isinstance(new, dict):
            state.update({k: v for k, v in new.items() if k in ASSESSMENT_FIELDS})
        elif e.action == "lock" and isinstance(new, dict):
            state.update(status="locked", frozen_digest=new.get("frozen_digest"), locked_by=e.actor)
            self.locked_at = e.at
        elif e.action == "unlock":
            state.update(status="draft", frozen_digest=None, locked_by=None)
            self.locked_at = None
        elif e.action == "replace_model":
            model = new.get("model") if isinstance(new, dict) else new
            if isinstance(model, str) and " " in model:
                state["model_id"], state["model_version"] = model.split(" ", 1)

    def finish(self, db: Db, info: audit_log.Scan) -> list[Problem]:
        return verify_assessment(db, self.state, self.locked_at, info.last_at)


def verify_assessment(db: Db, state: dict[str, Any], locked_at: str | None, last_at: str | None) -> list[Problem]:
    row = next(db.query("SELECT * FROM assessment WHERE id = 1"), None)
    if row is None:
        return [Problem("assessment", "the record is missing")]
    problems: list[Problem] = []
    for field in ASSESSMENT_FIELDS:
        if field not in state:
            continue  # an older file's log does not record it
        logged, stored = state[field], row.get(field)
        if field == "assessors":
            stored = _obj(stored) if isinstance(stored, str) else stored
            logged = list(logged) if isinstance(logged, (list, tuple)) else logged
        if field == "locked_by" and logged is not None and stored in ("", None) and logged == "unknown":
            continue
        if logged != stored and not (field == "locked_by" and logged == "unknown" and stored == ""):
            problems.append(_changed("assessment", f"assessment.{field}", logged, stored))
    if row.get("status") == "locked" and locked_at is not None and not _near(row.get("locked_at"), locked_at):
        problems.append(_changed("assessment", "assessment.locked_at", locked_at, row.get("locked_at")))
    if row.get("status") != "locked" and row.get("locked_at") is not None:
        problems.append(_changed("assessment", "assessment.locked_at", None, row.get("locked_at")))
    if last_at is not None and not _near(row.get("updated_at"), last_at, before=TIME_SLACK, after=600.0):
        problems.append(Problem("assessment", f"assessment.updated_at was changed outside cdassess (the last audit "
                                              f"row is of {last_at}, the file says {shown(row.get('updated_at'))})"))
    if "created_at" not in state and _time(row.get("created_at")) is None:
        problems.append(Problem("assessment", f"assessment.created_at is not a valid time "
                                              f"({shown(row.get('created_at'))})"))
    return problems


class SnapshotReplay:
    """The model snapshot's SHA-256 as the last create or replace_model row recorded it."""

    actions: frozenset[str] | None = frozenset({"create", "replace_model"})
    kinds: frozenset[str] | None = None

    def __init__(self) -> None:
        self.digest: str | None = None

    def feed(self, e: LogRow, kind: str, key: str) -> None:
        new = _obj(e.new)
        if isinstance(new, dict):
            self.digest = new.get("model_sha256") if isinstance(new.get("model_sha256"), str) else None
        elif e.action == "replace_model":
            self.digest = None  # an older file's row names the model only

    def finish(self, db: Db, info: audit_log.Scan) -> list[Problem]:
        return verify_model_snapshot(db, self.digest)


def verify_model_snapshot(db: Db, digest: str | None) -> list[Problem]:
    snap = db.execute("SELECT model_id, model_version, json FROM model_snapshot WHERE id = 1").fetchone()
    meta = db.execute("SELECT model_id, model_version FROM assessment WHERE id = 1").fetchone()
    if snap is None:
        return [Problem("model snapshot", "is missing; the file is damaged")]
    problems: list[Problem] = []
    if meta is not None and (snap[0], snap[1]) != (meta[0], meta[1]):
        problems.append(Problem("model snapshot", f"is of model {shown(snap[0])} {shown(snap[1])}, the assessment "
                                                  f"says {shown(meta[0])} {shown(meta[1])} (changed outside cdassess)"))
    text = snap[2] if isinstance(snap[2], str) else ""
    if digest is not None and hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() != digest:
        problems.append(Problem("model snapshot", "its text was changed outside cdassess (its SHA-256 differs from "
                                                  "the audit log's)"))
    return problems


# ------------------------------------------------------------------------------------ interviews


class InterviewReplay:
    actions: frozenset[str] | None = None
    kinds: frozenset[str] | None = frozenset({"interview"})

    def __init__(self) -> None:
        self.logged: dict[str, dict[str, Any] | None] = {}

    def feed(self, e: LogRow, kind: str, key: str) -> None:
        new = _obj(e.new)
        logged = self.logged
        if e.action.startswith(("delete", "remove")):
            logged[key] = None
        elif e.action.startswith("update") and isinstance(new, dict):
            logged.setdefault(key, {}).update(new)  # type: ignore[union-attr]
        elif isinstance(new, dict):
            logged[key] = dict(new)

    def finish(self, db: Db, info: audit_log.Scan) -> list[Problem]:
        return verify_interviews(db, self.logged)


def verify_interviews(db: Db, logged: dict[str, dict[str, Any] | None]) -> list[Problem]:
    rows = {str(r["id"]): r for r in db.query("SELECT * FROM interview")}
    problems: list[Problem] = []
    for key in sorted(rows.keys() | {k for k, v in logged.items() if v is not None}, key=_num):
        row, entry = rows.get(key), logged.get(key)
        where = f"interview {key}"
        if row is None:
            problems.append(Problem(where, "is in the audit log but missing from the file (deleted outside cdassess)"))
        elif entry is None:
            problems.append(Problem(where, "has no audit log row (added outside cdassess)"))
        else:
            for field in INTERVIEW_FIELDS:
                if field in entry and entry[field] != row[field]:
                    problems.append(_changed(where, f"interview.{field}", entry[field], row[field]))
    return problems


# ------------------------------------------------------------------------------------ who and when


class ActorReplay:
    """Each record's actor and time fields against the log rows of its changes.

    State per record, not per row: a rating keeps its last row and whether one of its rows is by its author (and
    one by its author at its time); the table's author and time are read before the pass for that."""

    actions: frozenset[str] | None = None
    kinds: frozenset[str] | None = frozenset({"requirement", "finding", "evidence"})

    def __init__(self, db: Db) -> None:
        self.rated = {str(r): (by or "unknown", _time(at)) for r, by, at in
                      db.execute("SELECT req_id, updated_by, updated_at FROM rating")}
        self.claimed = {str(r): _time(at) for r, at in db.execute("SELECT req_id, updated_at FROM claim")}
        self.last_rating: dict[str, LogRow] = {}
        self.by_author: set[str] = set()  # ratings with a row by their author
        self.matched: set[str] = set()  # ... at their time
        self.last_claim: dict[str, LogRow] = {}
        self.claim_matched: set[str] = set()
        self.finding_last: dict[str, LogRow] = {}
        self.finding_added: dict[str, LogRow] = {}
        self.evidence_added: dict[str, LogRow] = {}
        self.links: dict[tuple[str, str], LogRow] = {}

    def feed(self, e: LogRow, kind: str, key: str) -> None:
        if kind == "requirement":
            if e.action == "claim":
                self.last_claim[key] = e
                if key not in self.claim_matched and key in self.claimed and \
                        _near_time(self.claimed[key], e.at):
                    self.claim_matched.add(key)
                return
            self.last_rating[key] = e
            if key in self.matched:
                return
            stored = self.rated.get(key)
            if stored is not None and e.actor == stored[0]:
                self.by_author.add(key)
                if _near_time(stored[1], e.at):
                    self.matched.add(key)
        elif kind == "finding":
            self.finding_last[key] = e
            if e.action == "add_finding":
                self.finding_added[key] = e
        elif e.action == "add_evidence":
            self.evidence_added[key] = e
        elif e.action == "link_evidence":
            req = _obj(e.new)
            if isinstance(req, dict):
                self.links[(key, str(req.get("req_id")))] = e

    def finish(self, db: Db, info: audit_log.Scan) -> list[Problem]:
        return _ratings_and_claims(db, self) + _findings(db, self) + _evidence(db, self)


def _near_time(stored: datetime | None, logged_at: str, *, before: float = TIME_SLACK,
               after: float = TIME_SLACK) -> bool:
    """:func:`_near` with the stored time already parsed."""
    b = _time(logged_at)
    if stored is None or b is None:
        return False
    try:
        delta = (stored - b).total_seconds()
    except TypeError:  # one time with an offset, the other without
        return False
    return -before <= delta <= after


def _ratings_and_claims(db: Db, last: ActorReplay) -> list[Problem]:
    """A rating's author and time are those of one of its audit rows: the last one that rated it, or an earlier
    one a review flag kept or an undo put back (store.put_rating)."""
    problems: list[Problem] = []
    for req_id, by, at in db.execute("SELECT req_id, updated_by, updated_at FROM rating ORDER BY req_id"):
        e = last.last_rating.get(str(req_id))
        if e is None:
            continue  # reported by the rating replay
        logged = _obj(e.new)
        kept = isinstance(logged, dict) and "updated_at" in logged  # undo or a review flag kept author and time
        if kept:
            want_by, want_at = str(logged.get("updated_by")), logged.get("updated_at")
            if (by or "unknown") != want_by:
                problems.append(_changed(f"rating of {req_id}", "rating.updated_by", want_by, by))
            if at != want_at:
                problems.append(_changed(f"rating of {req_id}", "rating.updated_at", want_at, at))
            continue
        # a file from before kept times were logged: one of its rows' author and time
        if str(req_id) in last.matched:
            continue
        if str(req_id) not in last.by_author:
            problems.append(_changed(f"rating of {req_id}", "rating.updated_by", e.actor, by))
        else:
            problems.append(_changed(f"rating of {req_id}", "rating.updated_at", e.at, at))
    for req_id, at in db.execute("SELECT req_id, updated_at FROM claim ORDER BY req_id"):
        e = last.last_claim.get(str(req_id))
        if e is not None and str(req_id) not in last.claim_matched:
            problems.append(_changed(f"self-assessment claim of {req_id}", "claim.updated_at", e.at, at))
    return problems


def _findings(db: Db, last: ActorReplay) -> list[Problem]:
    problems: list[Problem] = []
    for fid, created, updated in db.execute("SELECT id, created_at, updated_at FROM finding ORDER BY id"):
        final = last.finding_last.get(str(fid))
        if final is None:
            continue
        if not _near(updated, final.at):
            problems.append(_changed(f"finding {fid}", "finding.updated_at", final.at, updated))
        first = last.finding_added.get(str(fid))  # the last add_finding row
        if first is not None and final.action != "restore_finding" and not _near(created, first.at):
            problems.append(_changed(f"finding {fid}", "finding.created_at", first.at, created))
    return problems


def _evidence(db: Db, last: ActorReplay) -> list[Problem]:
    problems: list[Problem] = []
    for eid, by, at, name, media in db.execute("SELECT id, added_by, added_at, original_name, media_type "
                                               "FROM evidence ORDER BY id"):
        e = last.evidence_added.get(str(eid))
        if e is None:
            continue  # reported by the evidence check
        where = f"evidence {eid} ({shown(name, 40)[1:-1]})"
        logged = _obj(e.new)
        if isinstance(logged, dict) and "media_type" in logged and logged["media_type"] != media:
            problems.append(_changed(where, "evidence.media_type", logged["media_type"], media))
        if (by or "unknown") != e.actor:
            problems.append(_changed(where, "evidence.added_by", e.actor, by))
        if not _near(at, e.at, before=ATTACH_SLACK, after=TIME_SLACK):
            problems.append(_changed(where, "evidence.added_at", e.at, at))
    for eid, req, at in db.execute("SELECT evidence_id, req_id, linked_at FROM evidence_link"):
        link = last.links.get((str(eid), str(req)))
        if link is not None and not _near(at, link.at):
            problems.append(_changed(f"evidence {eid}", f"link to {req}: linked_at", link.at, at))
    return problems


# ------------------------------------------------------------------------------------ cycle records


class CycleReplay:
    """The predecessor, carried ratings and evidence reviews (schema 0002) as their log rows left them."""

    actions: frozenset[str] | None = frozenset({"set_predecessor", "carry_rating", "review_evidence",
                                                "remove_evidence"})
    kinds: frozenset[str] | None = None

    def __init__(self) -> None:
        self.predecessor: Any = None
        self.previous: dict[str, dict[str, Any]] = {}
        self.reviews: dict[str, dict[str, Any]] = {}

    def feed(self, e: LogRow, kind: str, key: str) -> None:
        if e.action == "remove_evidence":
            if kind == "evidence":
                self.reviews.pop(key, None)
            return
        new = _obj(e.new)
        if e.action == "set_predecessor":
            self.predecessor = new
        elif e.action == "carry_rating" and isinstance(new, dict):
            self.previous[key] = new
        elif e.action == "review_evidence" and isinstance(new, dict):
            self.reviews[key] = new

    def finish(self, db: Db, info: audit_log.Scan) -> list[Problem]:
        return verify_cycle_records(db, self.predecessor, self.previous, self.reviews)


def verify_cycle_records(db: Db, predecessor: Any, previous: dict[str, dict[str, Any]],
                         reviews: dict[str, dict[str, Any]]) -> list[Problem]:
    if not db.table_exists("previous_rating"):
        return []
    problems: list[Problem] = []
    row = db.execute("SELECT json FROM cycle_predecessor WHERE id = 1").fetchone()
    stored = _obj(row[0]) if row else None
    if stored != predecessor:
        problems.append(_changed("previous assessment", "cycle_predecessor", predecessor, stored))
    cols = ("status", "note", "justification", "rated_at", "rated_by", "reason", "flagged_at")
    rows = {str(r[0]): dict(zip(cols, r[1:], strict=False)) for r in db.execute(
        f"SELECT req_id, {', '.join(c for c in cols if _has_column(db, 'previous_rating', c))} FROM previous_rating")}
    problems += _compare_keyed("last cycle's rating of", rows, previous)
    review_cols = ("status", "reason", "reviewer", "reviewed_at", "represents_date", "valid_until")
    rows = {str(r[0]): dict(zip(review_cols, r[1:], strict=True)) for r in db.execute(
        f"SELECT evidence_id, {', '.join(review_cols)} FROM evidence_review")}
    problems += _compare_keyed("review of evidence", rows, reviews)
    return problems


def _has_column(db: Db, table: str, column: str) -> bool:
    return any(r[1] == column for r in db.execute(f"PRAGMA table_info({table})"))


def _compare_keyed(what: str, rows: dict[str, dict[str, Any]], logged: dict[str, dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    for key in sorted(rows.keys() | logged.keys(), key=_num):
        row, entry = rows.get(key), logged.get(key)
        if row is None:
            problems.append(Problem(f"{what} {key}", "is in the audit log but missing from the file "
                                                     "(deleted outside cdassess)"))
        elif entry is None:
            problems.append(Problem(f"{what} {key}", "has no audit log row (added outside cdassess)"))
        else:
            for field, value in row.items():
                if field in entry and entry[field] != value:
                    problems.append(_changed(f"{what} {key}", field, entry[field], value))
    return problems


def _num(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (-1, key)
