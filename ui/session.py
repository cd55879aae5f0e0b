"""The open assessment as the UI sees it: the engine's Assessment plus cached state and change signals.

Every edit goes straight to the engine service (which commits it) and then says what changed, so the views
repaint only the affected rows. The cache keeps the tree and filters fast on large models.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from cdassess.cycles import (
    EvidenceReview,
    PreviousRating,
    evidence_reviews,
    predecessor,
    previous_ratings,
    reconfirm_queue,
    restore_review,
    review_evidence,
)
from cdassess.records import Claim, Evidence, Finding, Rating
from cdassess.scale import UNRATED
from cdassess.scoring import LevelReport, LiveLevels
from cdassess.services import Assessment


class AssessmentSession(QObject):
    """One open assessment file and what the views need to draw it."""

    ratingsChanged = Signal(list)  # requirement ids  # noqa: N815 - Qt signal naming
    evidenceChanged = Signal(list)  # requirement ids whose evidence changed  # noqa: N815
    findingsChanged = Signal(list)  # requirement ids  # noqa: N815
    metaChanged = Signal()  # noqa: N815
    reloaded = Signal()
    saved = Signal(str)  # the time of the last committed edit, HH:MM:SS

    def __init__(self, assessment: Assessment, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.assessment = assessment
        self.model = assessment.model
        self.ratings: dict[str, Rating] = {}
        self.claims: dict[str, Claim] = {}
        self.evidence_count: dict[str, int] = {}
        self.live: LiveLevels  # levels, gaps, blockers (recomputed per rating along its path): set by _load
        self.report: LevelReport
        self.last_saved = ""
        self.previous: dict[str, PreviousRating] = {}  # last cycle's ratings (re-assessment, model upgrade)
        self.reconfirm: set[str] = set()  # requirements still to re-confirm
        self.evidence_state: dict[str, str] = {}  # requirement -> "to_review" / "expired" (worst linked)
        self._records_text: dict[str, list[tuple[str, str]]] | None = None  # search over recorded text
        self._records_joined: dict[str, str] | None = None
        self._load()

    # ------------------------------------------------------------------------------------ state

    def _load(self) -> None:
        self._records_text = self._records_joined = None
        self.ratings = self.assessment.ratings()
        self.claims = self.assessment.claims()
        self.previous = previous_ratings(self.assessment)
        self.reconfirm = set(reconfirm_queue(self.assessment)) if self.previous else set()
        self._count_evidence()
        self._recompute()

    def _count_evidence(self) -> None:
        counts: dict[str, int] = {}
        states: dict[str, str] = {}
        reviews = evidence_reviews(self.assessment)
        today = time.strftime("%Y-%m-%d")
        for ev in self.assessment.evidence_list():
            state = reviews[ev.id].effective_status(today) if ev.id in reviews else "submitted"
            for r in ev.req_ids:
                counts[r] = counts.get(r, 0) + 1
                if state in ("expired", "rejected"):
                    states[r] = "expired" if state == "expired" or states.get(r) == "expired" else "rejected"
                elif state == "submitted":
                    states.setdefault(r, "to_review")
        self.evidence_count = counts
        self.evidence_state = states

    def _recompute(self) -> None:
        self.live = LiveLevels(self.model, self.statuses(), self.assessment.rule)
        self.report = self.live.report

    def _rerate(self, req_ids: Iterable[str]) -> None:
        """Some ratings changed: the engine recomputes the levels of their items and ancestors only."""
        self.live.rate({rid: self.status(rid) for rid in req_ids})
        self.report = self.live.report

    def reload(self) -> None:
        """Re-read everything from the file (after an import or another bulk change)."""
        self.assessment._changed_meta()
        self._load()
        self.reloaded.emit()

    def statuses(self) -> dict[str, str]:
        return {k: r.status for k, r in self.ratings.items()}

    def status(self, req_id: str) -> str:
        r = self.ratings.get(req_id)
        return r.status if r is not None else UNRATED

    def kind(self, req_id: str) -> str:
        """How the rating looks (icons, colours): met, partial, not_met, na or unrated."""
        return self.model.scale.kind(self.status(req_id))

    def label(self, status: str) -> str:
        from ui.labels import status_label

        return status_label(status, self.model.scale)

    def rating(self, req_id: str) -> Rating:
        return self.ratings.get(req_id) or Rating(req_id)

    def claim(self, req_id: str) -> Claim | None:
        return self.claims.get(req_id)

    def claim_differs(self, req_id: str) -> bool:
        """The team claimed something other than the assessor's rating (both given)."""
        c = self.claims.get(req_id)
        if c is None or str(c.status) == "unrated":
            return False
        status = str(self.status(req_id))
        return status != "unrated" and status != str(c.status)

    # ------------------------------------------------------------------------------------ search

    def search_records(self, req_id: str, terms: list[str]) -> str | None:
        """Where every search term occurs in what was recorded about a requirement (notes, justification,
        findings, the team's claim, evidence, interviews naming it), or None."""
        joined = self.records_joined().get(req_id)
        if joined is None or not all(t in joined for t in terms):
            return None  # most requirements fail here, in one test
        assert self._records_text is not None
        for where, text in self._records_text.get(req_id, ()):
            if all(t in text for t in terms):
                return where
        return None

    def records_joined(self) -> dict[str, str]:
        """Requirement -> everything recorded about it, casefolded, in one string (search's first test)."""
        if self._records_text is None or self._records_joined is None:
            if self._records_text is None:
                self._records_text = self._collect_records_text()
            self._records_joined = {rid: "\n".join(t for _, t in entries)
                                    for rid, entries in self._records_text.items()}
        return self._records_joined

    def _collect_records_text(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}

        def add(req_id: str | None, where: str, *texts: str) -> None:
            text = " ".join(t for t in texts if t).casefold()
            if req_id and text:
                out.setdefault(req_id, []).append((where, text))

        note = QCoreApplication.translate("Session", "note")
        justification = QCoreApplication.translate("Session", "N/A justification")
        for rid, r in self.ratings.items():
            if r.note:
                add(rid, note, r.note)
            if r.justification:
                add(rid, justification, r.justification)
        claim = QCoreApplication.translate("Session", "team's claim")
        for rid, c in self.claims.items():
            add(rid, claim, c.evidence_text, c.evidence_refs, c.owner, c.comment)
        finding = QCoreApplication.translate("Session", "finding")
        for f in self.assessment.findings():
            add(f.req_id, finding, f.observation, f.recommendation, f.owner)
        evidence = QCoreApplication.translate("Session", "evidence")
        for ev in self.assessment.evidence_list():
            for rid in ev.req_ids:
                add(rid, evidence, ev.original_name, ev.description, ev.provided_by)
        interview = QCoreApplication.translate("Session", "interview")
        for iv in self.assessment.interviews():
            text = " ".join((iv.interviewees, iv.interviewer, iv.topic, iv.notes))
            folded = text.casefold()
            for rid in self.model.requirements:
                if rid.casefold() in folded:
                    add(rid, interview, text)
        return out

    def _rating_text_changed(self, rating: Rating) -> None:
        """One rating's note or justification changed: update what search looks through for it only."""
        if self._records_text is None:
            return
        note = QCoreApplication.translate("Session", "note")
        justification = QCoreApplication.translate("Session", "N/A justification")
        kept = [(where, text.casefold()) for where, text in ((note, rating.note),
                                                              (justification, rating.justification)) if text]
        kept += [e for e in self._records_text.get(rating.req_id, ()) if e[0] not in (note, justification)]
        if kept:
            self._records_text[rating.req_id] = kept
        else:
            self._records_text.pop(rating.req_id, None)
        if self._records_joined is not None:
            if kept:
                self._records_joined[rating.req_id] = "\n".join(t for _, t in kept)
            else:
                self._records_joined.pop(rating.req_id, None)

    def records_changed(self) -> None:
        """Notes, findings, claims or evidence changed: the next search reads them again."""
        self._records_text = self._records_joined = None

    @property
    def target(self) -> int:
        return self.assessment.meta.target_level

    @property
    def locked(self) -> bool:
        return self.assessment.meta.locked

    @property
    def readonly(self) -> bool:
        return self.assessment.readonly

    @property
    def editable(self) -> bool:
        return not self.readonly and not self.locked

    def _saved(self, *, records: bool = True) -> None:
        if records:
            self._records_text = self._records_joined = None  # what search looks through may have changed
        self.last_saved = time.strftime("%H:%M:%S")
        self.saved.emit(self.last_saved)

    # ------------------------------------------------------------------------------------ ratings

    def set_rating(self, rating: Rating, *, restore: bool = False) -> Rating:
        """Store a whole rating (commits); returns the old one. ``restore`` (undo) keeps its author and time."""
        change = self.assessment.set_rating(rating, restore=restore)
        old: Rating = change.old
        new: Rating = change.new
        if new.is_blank:
            self.ratings.pop(new.req_id, None)
        else:
            self.ratings[new.req_id] = new
        if old.status != new.status:
            self._rerate([new.req_id])
        if new.req_id in self.previous:
            self._update_reconfirm(new.req_id)
        self._rating_text_changed(new)
        self._saved(records=False)
        self.ratingsChanged.emit([new.req_id])
        return old

    def previous_file(self) -> Path | None:
        """Last cycle's assessment file, when it is where it was (beside this one, by its name)."""
        pred = predecessor(self.assessment)
        if pred is None:
            return None
        candidate = self.assessment.path.with_name(pred.file_name)
        return candidate if candidate.is_file() and candidate != self.assessment.path else None

    def accept_claims(self, req_ids: list[str]) -> list[Rating]:
        """The team's claims become the assessor's ratings (one transaction); returns the old ratings."""
        changes = self.assessment.accept_claims(req_ids)
        olds: list[Rating] = []
        for change in changes:
            old: Rating = change.old
            new: Rating = change.new
            olds.append(old)
            self.ratings[new.req_id] = new
            if new.req_id in self.previous:
                self._update_reconfirm(new.req_id)
        if changes:
            self._rerate([c.req_ids[0] for c in changes])
            for change in changes:
                self._rating_text_changed(change.new)
            self._saved(records=False)
            self.ratingsChanged.emit([c.req_ids[0] for c in changes])
        return olds

    def _update_reconfirm(self, req_id: str) -> None:
        prev, r = self.previous[req_id], self.ratings.get(req_id)
        if prev.reason == "reassess":
            pending = r is None or str(r.status) == "unrated"
        else:
            pending = r is None or r.updated_at == prev.rated_at  # not rated since it was carried
        if pending:
            self.reconfirm.add(req_id)
        else:
            self.reconfirm.discard(req_id)

    # ------------------------------------------------------------------------------------ evidence review

    def review_evidence(self, evidence_id: int, **fields: str | None) -> EvidenceReview:
        """Change an evidence's review (status, reason, dates); returns the old review for undo."""
        old, _new = review_evidence(self.assessment, evidence_id, **fields)
        self._after_review(evidence_id)
        return old

    def restore_review(self, review: EvidenceReview) -> None:
        restore_review(self.assessment, review)
        self._after_review(review.evidence_id)

    def _after_review(self, evidence_id: int) -> None:
        self._count_evidence()
        self._saved()
        self.evidenceChanged.emit(list(self.assessment.store.evidence(evidence_id).req_ids))

    # ------------------------------------------------------------------------------------ findings

    def findings(self, req_id: str) -> list[Finding]:
        return self.assessment.findings(req_id)

    def save_finding(self, finding: Finding) -> tuple[Finding | None, Finding]:
        change = self.assessment.save_finding(finding)
        self._saved()
        self.findingsChanged.emit(list(change.req_ids))
        assert change.new is not None
        return change.old, change.new

    def delete_finding(self, finding_id: int) -> Finding:
        change = self.assessment.delete_finding(finding_id)
        self._saved()
        self.findingsChanged.emit(list(change.req_ids))
        assert change.old is not None
        return change.old

    def restore_finding(self, finding: Finding) -> Finding:
        change = self.assessment.restore_finding(finding)
        self._saved()
        self.findingsChanged.emit(list(change.req_ids))
        assert change.new is not None
        return change.new

    # ------------------------------------------------------------------------------------ evidence

    def evidence_for(self, req_id: str) -> list[Evidence]:
        return self.assessment.evidence_for(req_id)

    def evidence_list(self) -> list[Evidence]:
        return self.assessment.evidence_list()

    def link_evidence(self, evidence_id: int, req_ids: Iterable[str]) -> list[str]:
        change = self.assessment.link_evidence(evidence_id, req_ids)
        self.evidence_added(list(change.req_ids))
        return list(change.req_ids)

    def unlink_evidence(self, evidence_id: int, req_id: str) -> bool:
        change = self.assessment.unlink_evidence(evidence_id, req_id)
        self.evidence_added(list(change.req_ids))
        return bool(change.req_ids)

    def remove_evidence(self, evidence_id: int) -> Evidence:
        change = self.assessment.remove_evidence(evidence_id)
        self.evidence_added(list(change.req_ids))
        assert change.old is not None
        return change.old

    def update_evidence(self, evidence_id: int, **fields: str) -> dict[str, str]:
        """Change what is said about evidence (description, provided_by, collected_on); returns the old values
        of the fields given. Its content and hash never change."""
        change = self.assessment.update_evidence(evidence_id, **fields)
        old = change.old
        assert old is not None
        self._saved()
        self.evidenceChanged.emit(list(change.req_ids))
        return {k: str(getattr(old, k)) for k in fields}

    def evidence_added(self, req_ids: list[str]) -> None:
        """Evidence links changed (here or in a worker's connection): recount and tell the views."""
        self._count_evidence()
        self._saved()
        self.evidenceChanged.emit(req_ids)

    # ------------------------------------------------------------------------------------ details

    def update_details(self, **changes: Any) -> dict[str, Any]:
        """Change assessment details (organization, target level, ...); returns the old values."""
        old = self.assessment.meta
        self.assessment.update_details(**changes)
        self._recompute()
        self._saved()
        self.metaChanged.emit()
        return {k: getattr(old, k) for k in changes}

    # ------------------------------------------------------------------------------------ lock

    def lock(self) -> None:
        self.assessment.lock()
        self._saved()
        self.metaChanged.emit()

    def unlock(self, reason: str) -> None:
        self.assessment.unlock(reason)
        self._saved()
        self.metaChanged.emit()

    def close(self) -> None:
        self.assessment.close()
