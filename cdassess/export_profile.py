"""Export profiles: what a report or workbook may contain when it leaves the assessment team.

The ``confidential`` profile leaves out named people (assessors, who locked the results, finding and claim
owners, who provided evidence, interviewees, the actors recorded on ratings and evidence), internal notes
(the assessor's rating notes and N/A justifications, the team's claim comments, interview notes), evidence
details (file names, descriptions and the team's evidence text and references) and the assessment's own file
name. The results themselves stay: ratings, claims,
levels, gaps, findings (observation and recommendation), and each evidence item's size, type, date and
SHA-256 (which names no content).

The redaction is a data transformation, so the renderers do not need to know about it:

* gap report: ``cdassess.reports.gap.write_gap_report(a, dest, profile=CONFIDENTIAL)``, which runs
  ``redact_report_data(build_report_data(a), profile)`` (cdassess.reports.data) before ``build_story``/``render``;
* workbooks: ``export_workbook(a, path, profile=CONFIDENTIAL)`` and ``export_gap_plan(..., profile=...)``
  export from ``redacted(a, profile)``, a read-only view that answers the same queries with redacted records
  (any other exporter that reads an Assessment can be given the view the same way).

Free text that happens to name someone (an observation saying "Zhang Wei said ...") cannot be recognised
and is kept; the assessor reviews observations before sharing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cdassess.errors import InvalidValueError
from cdassess.records import AssessmentMeta, Claim, Evidence, Finding, Interview, Rating
from cdassess.reportopts import ReportOptions
from cdassess.services import Assessment

WITHHELD = "—"
"""What a withheld person or note reads as, where a field cannot simply be left empty."""


@dataclass(frozen=True)
class ExportProfile:
    """Which kinds of sensitive content an export keeps (True) or leaves out (False)."""

    name: str
    people: bool = True
    notes: bool = True
    evidence_details: bool = True

    @property
    def redacts(self) -> bool:
        return not (self.people and self.notes and self.evidence_details)

    # ------------------------------------------------------------------------------------ records

    def meta(self, m: AssessmentMeta) -> AssessmentMeta:
        if self.people:
            return m
        return replace(m, assessors=(), locked_by=None)

    def rating(self, r: Rating) -> Rating:
        changes: dict[str, Any] = {}
        if not self.people and r.updated_by:
            changes["updated_by"] = ""
        if not self.notes:
            if r.note:
                changes["note"] = ""
            if r.justification:
                changes["justification"] = ""  # why something does not apply is the assessor's note too
        return replace(r, **changes) if changes else r  # (a rating with nothing to remove is kept as it is)

    def claim(self, c: Claim) -> Claim:
        changes: dict[str, Any] = {}
        if not self.people:
            changes["owner"] = ""
        if not self.notes:
            changes["comment"] = ""
        if not self.evidence_details:
            changes["evidence_text"] = ""
            changes["evidence_refs"] = ""
        if changes:
            changes["source"] = ""  # the source names the questionnaire file, often after a person
        return replace(c, **changes) if changes else c

    def finding(self, f: Finding) -> Finding:
        return f if self.people else replace(f, owner="")

    def interview(self, i: Interview) -> Interview:
        changes: dict[str, Any] = {}
        if not self.people:
            changes.update(interviewees=WITHHELD, interviewer="")
        if not self.notes:
            changes["notes"] = ""
        return replace(i, **changes) if changes else i

    def report_options(self, o: ReportOptions) -> ReportOptions:
        """The signature block keeps its roles and blank lines to sign, never the names (people); the cover
        text is the assessor's own free text and goes with the notes. The logo and the sections stay."""
        changes: dict[str, Any] = {}
        if not self.people:
            changes["signatures"] = tuple(replace(s, name="") for s in o.signatures)
        if not self.notes:
            changes["cover_text"] = ""
        return replace(o, **changes) if changes else o

    def evidence(self, e: Evidence) -> Evidence:
        changes: dict[str, Any] = {}
        if not self.people:
            changes.update(provided_by="", added_by="")
        if not self.evidence_details:
            changes.update(original_name=f"evidence-{e.id}", description="")
        return replace(e, **changes) if changes else e


FULL = ExportProfile("full")
CONFIDENTIAL = ExportProfile("confidential", people=False, notes=False, evidence_details=False)
PROFILES = {p.name: p for p in (FULL, CONFIDENTIAL)}


def profile_named(name: str) -> ExportProfile:
    """The profile called ``name`` (for a --profile option or a settings value)."""
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        raise InvalidValueError(f"unknown export profile {name!r} (accepted: {', '.join(PROFILES)})") from None


class RedactedAssessment(Assessment):
    """A read-only view of an open assessment whose queries return records with ``profile`` applied.

    It shares the open file with the assessment it was made from; closing the view does not close it.
    Editing through it is refused, so a redacted record can never be written back.
    """

    def __init__(self, source: Assessment, profile: ExportProfile) -> None:
        super().__init__(source.store, source.model)
        self.source = source
        self.profile = profile

    @property
    def meta(self) -> AssessmentMeta:
        return self.profile.meta(self.source.meta)

    def ratings(self) -> dict[str, Rating]:
        return {k: self.profile.rating(r) for k, r in self.source.ratings().items()}

    def rating(self, req_id: str) -> Rating:
        return self.profile.rating(self.source.rating(req_id))

    def claims(self) -> dict[str, Claim]:
        return {k: self.profile.claim(c) for k, c in self.source.claims().items()}

    def findings(self, req_id: str | None = None) -> list[Finding]:
        return [self.profile.finding(f) for f in self.source.findings(req_id)]

    def evidence_list(self) -> list[Evidence]:
        return [self.profile.evidence(e) for e in self.source.evidence_list()]

    def evidence_for(self, req_id: str) -> list[Evidence]:
        return [self.profile.evidence(e) for e in self.source.evidence_for(req_id)]

    def interviews(self) -> list[Interview]:
        return [self.profile.interview(i) for i in self.source.interviews()]

    def statuses(self) -> dict[str, str]:
        return self.source.statuses()

    def report_options(self) -> ReportOptions:
        return self.profile.report_options(self.source.report_options())

    def results_digest(self, **records: Any) -> str:
        return self.source.results_digest()  # of the records themselves: the given ones are redacted

    def check(self, keys: Any = None) -> list[Any]:
        return self.source.check(keys)

    def extract_evidence(self, evidence_id: int, dest: str | Path, *, overwrite: bool = False,
                         progress: Callable[[int, int], None] | None = None) -> Path:
        return self.source.extract_evidence(evidence_id, dest, overwrite=overwrite, progress=progress)

    def close(self) -> None:
        """The view owns nothing; the assessment it came from stays open."""

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_") and name not in _READS:
            # a whitelist: an edit method added to Assessment later is refused here without being listed
            raise InvalidValueError(f"a {object.__getattribute__(self, 'profile').name} export view is read-only; "
                                    f"edit the assessment itself ({name} refused)")
        if name == "store":
            return _ReadOnlyStore(super().__getattribute__("store"), object.__getattribute__(self, "profile").name)
        return super().__getattribute__(name)


_READS = frozenset({
    "path", "readonly", "meta", "rule", "model", "source", "profile", "store", "ratings", "rating", "statuses",
    "claims", "findings", "evidence_list", "evidence_for", "interviews", "levels", "gaps", "explain", "what_if",
    "progress", "orphaned_by", "results_digest", "check", "extract_evidence", "close", "report_options",
})
# nothing that returns a person or a note: those are read through the view's redacting queries
_STORE_READS = frozenset({"path", "readonly", "audit_head", "model_json", "evidence_chunks"})


class _ReadOnlyStore:
    """The store as an export view shows it: reads of content that the view's own queries do not redact."""

    def __init__(self, store: Any, profile_name: str) -> None:
        self._store = store
        self._profile_name = profile_name

    def __getattr__(self, name: str) -> Any:
        if name not in _STORE_READS:
            raise InvalidValueError(f"a {self._profile_name} export view is read-only; the file cannot be "
                                    f"changed through it ({name} refused)")
        return getattr(self._store, name)


def redacted(a: Assessment, profile: ExportProfile) -> Assessment:
    """``a`` itself for a profile that keeps everything, else a read-only redacted view of it."""
    return a if not profile.redacts else RedactedAssessment(a, profile)

