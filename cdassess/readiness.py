"""Ready to issue: what an assessor should settle before locking an assessment and issuing its certificate.

Unrated requirements up to the target, review flags, N/A without a justification, "met" without any linked
evidence, evidence not yet accepted (when the evidence has a review state), findings without an owner or a
due date. ``cdassess lock`` refuses while the list is not empty unless ``--force``; the window shows it as a
checklist before it locks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdassess.errors import CdassessError

KINDS = ("unrated", "review", "na_justification", "met_without_evidence", "evidence_not_accepted",
         "finding_owner", "finding_due")
LABELS = {
    "unrated": ("未评定（目标级别及以下）", "unrated up to the target level"),
    "review": ("标记为需复核", "flagged for review"),
    "na_justification": ("不适用但无理由", "N/A without a justification"),
    "met_without_evidence": ("满足但无证据", "met without any evidence"),
    "evidence_not_accepted": ("证据尚未接受", "evidence not yet accepted"),
    "finding_owner": ("发现无负责人", "finding without an owner"),
    "finding_due": ("发现无期限", "finding without a due date"),
}


@dataclass(frozen=True)
class ReadyItem:
    """One thing to settle: its kind, what it is about (a requirement id or "finding N") and a sentence."""

    kind: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


class NotReadyError(CdassessError):
    """Locking was refused: the completeness check lists what to settle first."""

    def __init__(self, path: Path, items: list[ReadyItem]) -> None:
        self.items = items
        super().__init__(f"{path}: not ready to lock: {len(items)} thing(s) to settle first "
                         "(or lock anyway with --force)")


def readiness(a: Any, target: int) -> list[ReadyItem]:  # noqa: PLR0912 - one branch per kind
    """Every open point, in model order, then the findings."""
    ratings = a.ratings()
    evidence = a.evidence_list()
    linked: dict[str, int] = {}
    for ev in evidence:
        for r in ev.req_ids:
            linked[r] = linked.get(r, 0) + 1
    out: list[ReadyItem] = []
    for req in a.model.iter_requirements():
        rating = ratings.get(req.id)
        status = str(rating.status) if rating is not None else "unrated"
        if status == "unrated":
            if req.level <= target:
                out.append(ReadyItem("unrated", req.id, f"not rated (level {req.level}, target {target})"))
            continue
        if rating is not None and rating.needs_review:
            out.append(ReadyItem("review", req.id, "flagged for review"))
        if status == "na" and not (rating is not None and rating.justification.strip()):
            out.append(ReadyItem("na_justification", req.id, "N/A without a justification"))
        if status == "met" and not linked.get(req.id):
            out.append(ReadyItem("met_without_evidence", req.id, "rated met without any linked evidence"))
    from datetime import date

    from cdassess.store.cycles import CycleRecords, EvidenceReview

    today = date.today().isoformat()
    found = CycleRecords(a.store).reviews()
    for eid, review in sorted((e.id, found.get(e.id, EvidenceReview(e.id))) for e in evidence):
        state = review.effective_status(today)
        if state != "accepted":
            name = next((ev.original_name for ev in evidence if ev.id == eid), "")
            out.append(ReadyItem("evidence_not_accepted", f"evidence {eid}", f"{name} is {state}, not accepted"))
    for f in a.findings():
        subject = f"finding {f.id}" + (f" ({f.req_id})" if f.req_id else "")
        if not f.owner.strip():
            out.append(ReadyItem("finding_owner", subject, "has no owner"))
        if not f.due_date.strip():
            out.append(ReadyItem("finding_due", subject, "has no due date"))
    return out


def summary(items: list[ReadyItem]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for it in items:
        counts[it.kind] = counts.get(it.kind, 0) + 1
    return {k: v for k, v in counts.items() if v}
