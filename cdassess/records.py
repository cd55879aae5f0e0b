"""Plain records of an assessment, shared by the store, the services, the CLI and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cdassess.scale import UNRATED

PRIORITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class AssessmentMeta:
    uuid: str
    organization: str
    project: str
    target_level: int
    model_id: str
    model_version: str
    scope: str = ""
    assessors: tuple[str, ...] = ()
    level_rule: str = "strict"
    status: str = "draft"  # draft | locked
    locked_at: str | None = None
    locked_by: str | None = None
    frozen_digest: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    created_at: str = ""
    updated_at: str = ""
    business_unit: str = ""  # the business unit or division the project belongs to (catalogue, portfolio)

    @property
    def locked(self) -> bool:
        return self.status == "locked"


EDITABLE_META = ("organization", "project", "scope", "assessors", "target_level", "start_date", "end_date",
                 "level_rule", "business_unit")


@dataclass(frozen=True)
class Rating:
    """The assessor's verdict on one requirement."""

    req_id: str
    status: str = UNRATED
    """An option id of the model's rating scale, or "unrated"."""
    note: str = ""
    justification: str = ""
    needs_review: bool = False
    updated_at: str = ""
    updated_by: str = ""

    def as_audit(self) -> dict[str, Any]:
        return {"status": str(self.status), "note": self.note, "justification": self.justification,
                "needs_review": self.needs_review}

    def with_changes(self, **changes: Any) -> Rating:
        return replace(self, **changes)

    @property
    def is_blank(self) -> bool:
        return (self.status == UNRATED and not self.note and not self.justification
                and not self.needs_review)


@dataclass(frozen=True)
class Claim:
    """The assessed team's self-assessment of one requirement (from the questionnaire)."""

    req_id: str
    status: str = UNRATED
    evidence_text: str = ""
    evidence_refs: str = ""
    owner: str = ""
    comment: str = ""
    updated_at: str = ""
    source: str = ""

    def as_audit(self) -> dict[str, Any]:
        return {"status": str(self.status), "evidence_text": self.evidence_text,
                "evidence_refs": self.evidence_refs, "owner": self.owner, "comment": self.comment}

    @property
    def is_blank(self) -> bool:
        return (self.status == UNRATED and not self.evidence_text and not self.evidence_refs
                and not self.owner and not self.comment)


@dataclass(frozen=True)
class Finding:
    id: int | None
    req_id: str | None
    observation: str
    recommendation: str = ""
    owner: str = ""
    due_date: str = ""
    priority: str = "medium"
    created_at: str = ""
    updated_at: str = ""

    def as_audit(self) -> dict[str, Any]:
        return {"req_id": self.req_id, "observation": self.observation, "recommendation": self.recommendation,
                "owner": self.owner, "due_date": self.due_date, "priority": self.priority}


@dataclass(frozen=True)
class Evidence:
    id: int
    sha256: str
    size: int
    original_name: str
    media_type: str
    collected_on: str = ""
    provided_by: str = ""
    description: str = ""
    added_at: str = ""
    added_by: str = ""
    req_ids: tuple[str, ...] = field(default=())

    def as_audit(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size, "original_name": self.original_name,
                "provided_by": self.provided_by, "collected_on": self.collected_on,
                "description": self.description, "media_type": self.media_type}


@dataclass(frozen=True)
class Interview:
    id: int | None
    held_on: str
    interviewees: str
    interviewer: str = ""
    topic: str = ""
    notes: str = ""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    old: str | None
    new: str | None
    prev_hash: str
    hash: str
