"""The facts a report prints, gathered from an open assessment through the services in one pass.

Building the data is separate from laying it out, so the layout code never touches the store and the same
data could feed another renderer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from cdassess.errors import InvalidValueError
from cdassess.records import AssessmentMeta, Claim, Evidence, Finding, Rating
from cdassess.reportopts import ReportOptions
from cdassess.scale import UNRATED
from cdassess.scoring import DomainGaps, Explanation, LevelReport, Progress

if TYPE_CHECKING:
    from cdassess.export_profile import ExportProfile
    from cdassess.model import Model, Requirement
    from cdassess.services import Assessment

LANGS = ("zh", "en", "both")


@dataclass(frozen=True)
class ReportData:
    """Everything the gap report shows, as plain values."""

    meta: AssessmentMeta
    model: Model
    lang: str
    target: int
    levels: LevelReport
    ratings: dict[str, Rating]
    claims: dict[str, Claim]
    findings: dict[str | None, list[Finding]]
    evidence: list[Evidence]
    gaps: list[DomainGaps]
    next_level: Explanation | None
    progress_all: Progress
    progress_target: Progress
    disagreements: list[Requirement]
    results_digest: str
    generated_on: str = field(default_factory=lambda: date.today().isoformat())
    file_name: str = ""
    confidential: bool = False  # a redacted copy (export profile): said on the cover and in the footer
    options: ReportOptions = field(default_factory=ReportOptions)  # saved per assessment (cdassess.reportopts)

    def status(self, req_id: str) -> str:
        r = self.ratings.get(req_id)
        return r.status if r is not None else UNRATED

    def claim_status(self, req_id: str) -> str:
        c = self.claims.get(req_id)
        return c.status if c is not None else UNRATED

    @property
    def gap_count(self) -> int:
        return sum(len(g.requirements) for g in self.gaps)

    @property
    def final(self) -> bool:
        return self.meta.locked


def build_report_data(a: Assessment, *, target: int | None = None, lang: str = "both") -> ReportData:
    """Read what the gap report needs from an open assessment (nothing is written)."""
    if lang not in LANGS:
        raise InvalidValueError(f"unknown report language {lang!r} (accepted: {', '.join(LANGS)})")
    model = a.model
    t = a.meta.target_level if target is None else target
    if t not in model.level_numbers:
        raise InvalidValueError(f"target level {t} is not a level of model {model.id} "
                                f"(accepted: {model.level_range_text()})")
    ratings = a.ratings()
    statuses = {k: r.status for k, r in ratings.items()}  # the ratings read once for every figure
    claims = a.claims()
    levels = a.levels(statuses)
    findings: dict[str | None, list[Finding]] = defaultdict(list)
    found = a.findings()
    for f in found:
        findings[f.req_id].append(f)
    next_level = a.explain(statuses=statuses) if levels.overall < model.max_level else None

    def st(table: dict[str, Rating] | dict[str, Claim], req_id: str) -> str:
        rec = table.get(req_id)
        return rec.status if rec is not None else UNRATED

    evidence = a.evidence_list()
    disagreements = [r for r in model.iter_requirements()
                     if st(claims, r.id) != UNRATED and st(ratings, r.id) != UNRATED
                     and st(claims, r.id) != st(ratings, r.id)]
    return ReportData(
        meta=a.meta, model=model, lang=lang, target=t, levels=levels, ratings=ratings, claims=claims,
        findings=dict(findings), evidence=evidence, gaps=a.gaps(t, statuses, levels),
        next_level=next_level, progress_all=a.progress(statuses=statuses),
        progress_target=a.progress(t, statuses=statuses), disagreements=disagreements,
        results_digest=a.meta.frozen_digest or a.results_digest(ratings=ratings, claims=claims, findings=found,
                                                                evidence=evidence), file_name=a.path.name,
        options=a.report_options(),
    )


def redact_report_data(data: ReportData, profile: ExportProfile) -> ReportData:
    """The report's data with ``profile`` applied (a new object; ``data`` is not changed)."""
    if not profile.redacts:
        return data
    return replace(
        data,
        file_name="" if not profile.people else data.file_name,  # a file name often names the client or a person
        meta=profile.meta(data.meta),
        ratings={k: profile.rating(r) for k, r in data.ratings.items()},
        claims={k: profile.claim(c) for k, c in data.claims.items()},
        findings={k: [profile.finding(f) for f in fs] for k, fs in data.findings.items()},
        evidence=[profile.evidence(e) for e in data.evidence],
        options=profile.report_options(data.options),
    )
