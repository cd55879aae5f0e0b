"""Records of assessment cycles inside the assessment file: the predecessor, last cycle's ratings, evidence review.

The only code besides the store that knows these tables' names. Every write is one audited transaction of the
store (``AssessmentStore.batch``/``_edit``), so the hash chain and ``check`` cover it like any other edit.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from cdassess.errors import NotFoundError

if TYPE_CHECKING:
    from cdassess.store import AssessmentStore

REVIEW_STATUSES = ("submitted", "accepted", "rejected", "expired")


@dataclass(frozen=True)
class Predecessor:
    """The assessment this one re-assesses, as it was when the new cycle started."""

    uuid: str
    file_name: str
    organization: str
    project: str
    model_id: str
    model_version: str
    target_level: int
    overall_level: int
    audit_seq: int
    audit_head: str
    status: str
    created_at: str


@dataclass(frozen=True)
class PreviousRating:
    """Last cycle's rating of a requirement, shown beside the new one until it is re-confirmed."""

    req_id: str
    status: str
    note: str = ""
    justification: str = ""
    rated_at: str = ""
    rated_by: str = ""
    reason: str = "reassess"  # reassess, or what the model upgrade changed: text_changed, moved, split, merged
    flagged_at: str = ""  # when it was flagged; a rating made after this re-confirms it


@dataclass(frozen=True)
class EvidenceReview:
    """Where a piece of evidence stands: submitted, accepted, rejected (with a reason) or expired."""

    evidence_id: int
    status: str = "submitted"
    reason: str = ""
    reviewer: str = ""
    reviewed_at: str = ""
    represents_date: str = ""
    valid_until: str = ""

    def effective_status(self, today: str) -> str:
        """``expired`` once the valid-until date has passed, whatever the review said."""
        if self.valid_until and self.valid_until < today and self.status != "rejected":
            return "expired"
        return self.status

    def as_audit(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "evidence_id"}


class CycleRecords:
    """Cycle records of one open store."""

    def __init__(self, store: AssessmentStore) -> None:
        self.store = store
        self.db = store.db

    # ------------------------------------------------------------------ predecessor

    def predecessor(self) -> Predecessor | None:
        row = self.db.execute("SELECT json FROM cycle_predecessor WHERE id = 1").fetchone()
        if row is None:
            return None
        return Predecessor(**json.loads(row[0]))

    def set_predecessor(self, pred: Predecessor) -> None:
        with self.store.batch("record the previous assessment"):
            payload = json.dumps(asdict(pred), ensure_ascii=False, sort_keys=True)
            self.db.execute("INSERT INTO cycle_predecessor (id, json) VALUES (1, ?) "
                            "ON CONFLICT(id) DO UPDATE SET json = excluded.json", [payload])
            self.store._audit("set_predecessor", "assessment", None, asdict(pred))

    # ------------------------------------------------------------------ previous ratings

    def previous_ratings(self) -> dict[str, PreviousRating]:
        return {r[0]: PreviousRating(*r) for r in self.db.execute(
            "SELECT req_id, status, note, justification, rated_at, rated_by, reason, flagged_at "
            "FROM previous_rating")}

    def put_previous(self, prev: PreviousRating) -> None:
        """Inside a batch: store last cycle's rating of one requirement (audited)."""
        self.db.execute(
            "INSERT INTO previous_rating (req_id, status, note, justification, rated_at, rated_by, reason,"
            " flagged_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(req_id) DO UPDATE SET status=excluded.status,"
            " note=excluded.note, justification=excluded.justification, rated_at=excluded.rated_at,"
            " rated_by=excluded.rated_by, reason=excluded.reason, flagged_at=excluded.flagged_at",
            [prev.req_id, prev.status, prev.note, prev.justification, prev.rated_at, prev.rated_by, prev.reason,
             prev.flagged_at])
        self.store._audit("carry_rating", f"req:{prev.req_id}", None, dict(vars(prev)))  # flat: asdict's result

    # ------------------------------------------------------------------ evidence review

    def review(self, evidence_id: int) -> EvidenceReview:
        row = self.db.execute(
            "SELECT status, reason, reviewer, reviewed_at, represents_date, valid_until FROM evidence_review "
            "WHERE evidence_id = ?", [evidence_id]).fetchone()
        return EvidenceReview(evidence_id, *row) if row else EvidenceReview(evidence_id)

    def reviews(self) -> dict[int, EvidenceReview]:
        return {int(r[0]): EvidenceReview(int(r[0]), *r[1:]) for r in self.db.execute(
            "SELECT evidence_id, status, reason, reviewer, reviewed_at, represents_date, valid_until "
            "FROM evidence_review")}

    def put_review(self, review: EvidenceReview) -> tuple[EvidenceReview, EvidenceReview]:
        """Store an evidence review record as given (one audited edit); returns (old, new)."""
        with self.store._edit("review evidence"):
            if self.db.execute("SELECT 1 FROM evidence WHERE id = ? AND sha256 NOT LIKE 'pending:%'",
                               [review.evidence_id]).fetchone() is None:
                raise NotFoundError(f"no evidence {review.evidence_id} in {self.store.path.name} "
                                    "(see 'cdassess evidence list')")
            old = self.review(review.evidence_id)
            if old == review:
                return old, review
            self.db.execute(
                "INSERT INTO evidence_review (evidence_id, status, reason, reviewer, reviewed_at, represents_date,"
                " valid_until) VALUES (?,?,?,?,?,?,?) ON CONFLICT(evidence_id) DO UPDATE SET status=excluded.status,"
                " reason=excluded.reason, reviewer=excluded.reviewer, reviewed_at=excluded.reviewed_at,"
                " represents_date=excluded.represents_date, valid_until=excluded.valid_until",
                [review.evidence_id, review.status, review.reason, review.reviewer, review.reviewed_at,
                 review.represents_date, review.valid_until])
            self.store._audit("review_evidence", f"evidence:{review.evidence_id}", old.as_audit(),
                              review.as_audit())
        return old, review

    # ------------------------------------------------------------------ model upgrade

    def move_records(self, old_id: str, new_ids: tuple[str, ...]) -> None:
        """Inside a batch: re-key one requirement's rating, claim, findings and evidence links to ``new_ids``.

        Every step is an ordinary audited edit (so ``check``'s replay of the log still matches the file): each
        new id gets the rating, the claim and every evidence link; the first new id takes the findings.
        """
        from dataclasses import replace

        store = self.store
        rating, claim = store.rating(old_id), store.claim(old_id)
        stays = old_id in new_ids  # a split that keeps the old id for one of its parts
        new_ids = tuple(i for i in new_ids if i != old_id)
        for new_id in new_ids:
            if not rating.is_blank:
                store.put_rating(replace(rating, req_id=new_id), action="move_rating")
            if not claim.is_blank:
                store.put_claim(replace(claim, req_id=new_id), source=claim.source)
        if not new_ids:
            return
        links = [int(r[0]) for r in self.db.execute("SELECT evidence_id FROM evidence_link WHERE req_id = ?",
                                                    [old_id])]
        for eid in links:
            store.link_evidence(eid, list(new_ids))
            if not stays:
                store.unlink_evidence(eid, old_id)
        if stays:
            return
        if not rating.is_blank:
            store.put_rating(type(rating)(old_id), action="move_rating")
        if not claim.is_blank:
            store.put_claim(type(claim)(old_id), source=claim.source)
        for f in store.findings(old_id):
            store.save_finding(replace(f, req_id=new_ids[0]))

    # ------------------------------------------------------------------ bulk copy into a new file

    def copy_evidence(self, ev: Any, chunks: Iterator[bytes], req_ids: list[str]) -> int:
        """Inside a batch: store evidence as another assessment file holds it, and link it; returns its id.

        The content is copied chunk by chunk (memory stays bounded) with the SHA-256 it was stored under, not
        hashed again: a re-assessment copies hundreds of megabytes at the speed of a file copy, and ``check``
        recomputes every hash. Audited as an ordinary attach, so the log still replays to the file.
        """
        from cdassess.store.connection import now_iso

        db, store = self.db, self.store
        row = db.execute("SELECT id FROM evidence WHERE sha256 = ?", [ev.sha256]).fetchone()
        if row is not None:
            eid = int(row[0])
        else:
            cur = db.execute(
                "INSERT INTO evidence (sha256, size, original_name, media_type, collected_on, provided_by,"
                " description, added_at, added_by) VALUES (?,?,?,?,?,?,?,?,?)",
                [ev.sha256, ev.size, ev.original_name, ev.media_type, ev.collected_on, ev.provided_by,
                 ev.description, now_iso(), store.actor])
            eid = int(cur.lastrowid or 0)
            guard = getattr(db.conn, "guard", None)
            if guard is not None:  # the statement budget starts afresh, as for every Db.execute
                guard.reset()
            db.conn.executemany("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?,?,?)",
                                ((eid, seq, chunk) for seq, chunk in enumerate(chunks)))
            store._audit("add_evidence", f"evidence:{eid}", None, store.evidence(eid).as_audit())
        store.link_evidence(eid, req_ids)
        return eid

    @contextlib.contextmanager
    def bulk_fill(self) -> Iterator[None]:
        """Write a file that nobody else has yet (built under a temporary name) without the WAL's second copy
        and without a sync per transaction; the caller syncs the file once before giving it its name."""
        self.db.execute("PRAGMA journal_mode = DELETE")
        self.db.execute("PRAGMA synchronous = OFF")
        try:
            yield
        finally:
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA journal_mode = WAL")
