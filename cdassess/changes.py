"""What an edit changed, as a small union of typed records (the UI and the importers decide what to refresh).

Every edit of :class:`cdassess.services.Assessment` returns one of these; each has ``req_ids`` (the
requirements whose display is affected, possibly none).
"""

from __future__ import annotations

from dataclasses import dataclass

from cdassess.records import AssessmentMeta, Claim, Evidence, Finding, Interview, Rating


@dataclass(frozen=True)
class RatingChange:
    req_id: str
    old: Rating
    new: Rating

    @property
    def req_ids(self) -> tuple[str, ...]:
        return (self.req_id,)


@dataclass(frozen=True)
class ClaimChange:
    req_id: str
    old: Claim
    new: Claim

    @property
    def req_ids(self) -> tuple[str, ...]:
        return (self.req_id,)


@dataclass(frozen=True)
class FindingChange:
    """A finding added (old None), changed, deleted (new None) or restored."""

    old: Finding | None
    new: Finding | None

    @property
    def req_ids(self) -> tuple[str, ...]:
        ids = [f.req_id for f in (self.old, self.new) if f is not None and f.req_id]
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class EvidenceChange:
    """Evidence linked, unlinked, described differently or removed; ``req_ids`` are the links touched."""

    evidence_id: int
    req_ids: tuple[str, ...]
    old: Evidence | None = None
    new: Evidence | None = None


@dataclass(frozen=True)
class InterviewChange:
    new: Interview

    @property
    def req_ids(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class MetaChange:
    """The assessment's details, its lock or its status changed."""

    old: AssessmentMeta
    new: AssessmentMeta

    @property
    def req_ids(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class ModelChange:
    """The assessment moved to another model (version); ``orphans`` are ids the new model lacks."""

    old: tuple[str, str]
    new: tuple[str, str]
    orphans: tuple[str, ...] = ()

    @property
    def req_ids(self) -> tuple[str, ...]:
        return self.orphans


Change = RatingChange | ClaimChange | FindingChange | EvidenceChange | InterviewChange | MetaChange | ModelChange
