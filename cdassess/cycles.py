"""Assessment cycles: re-assess last year's file, compare assessments, keep evidence reviewed and current.

- :func:`reassess` makes next cycle's file from last cycle's: details, assessors, target, evidence (content
  streamed, never loaded whole, with its dates) and open findings come along; every rating becomes "to
  re-confirm" (last cycle's rating and note kept beside the empty new one); claims start empty; the link to the
  old assessment is recorded.
- :func:`compare` puts two or more assessments of one model (or of two models through a mapping) side by side:
  levels (and scores) per domain, subdomain and item, the requirements whose rating changed, findings closed
  and opened.
- Evidence review: a status (submitted, accepted, rejected with a reason, expired), a reviewer, the date the
  evidence represents and an optional valid-until date; a requirement rated as satisfied whose only evidence is
  rejected or expired is flagged.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.errors import CdassessError, InvalidValueError, Problem, ValidationError
from cdassess.model import Model, Requirement
from cdassess.records import Finding
from cdassess.services import Assessment, ProgressFn, default_actor
from cdassess.store import AssessmentStore
from cdassess.store.cycles import REVIEW_STATUSES, CycleRecords, EvidenceReview, Predecessor, PreviousRating

__all__ = [
    "REVIEW_STATUSES", "Comparison", "EvidenceReview", "ModelMapping", "Predecessor", "PreviousRating",
    "compare", "flagged_on_bad_evidence", "load_mapping", "reassess", "reconfirm_queue", "review_evidence",
]

_UNRATED = "unrated"


def _status(value: object) -> str:
    return str(value)


def _today() -> str:
    return dt.date.today().isoformat()


def _check_date(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(f"{what} {value!r} is not a calendar date (write it as YYYY-MM-DD)") from None
    if len(value) != 10:
        raise InvalidValueError(f"{what} {value!r} is not a calendar date (write it as YYYY-MM-DD)")
    return value


def _satisfies(model: Model, status: str) -> bool:
    scale = getattr(model, "scale", None)
    if scale is not None:
        option = scale.get(status) if hasattr(scale, "get") else None
        if option is not None:
            return bool(option.satisfies)
        return False
    return status in ("met", "na")


def _weight(model: Model, status: str) -> float | None:
    """An ordering of ratings for better/worse: the scale's weight (CAICT: met 1, partial 0.5, not met 0)."""
    if status == _UNRATED:
        return None
    scale = getattr(model, "scale", None)
    if scale is not None and hasattr(scale, "get"):
        option = scale.get(status)
        if option is None:
            return None
        if getattr(option, "not_applicable", False):
            return None
        return float(option.weight)
    return {"met": 1.0, "partial": 0.5, "not_met": 0.0}.get(status)


# ------------------------------------------------------------------------------------------ re-assessment


def reassess(old_path: str | Path, new_path: str | Path, *, model: Model | None = None,
             actor: str | None = None, progress: ProgressFn | None = None) -> Assessment:
    """Create the next cycle's assessment from ``old_path`` at ``new_path`` (never overwrites) and return it open.

    The file is built under a temporary name beside ``new_path`` and given its name only when complete: a
    failure or a crash leaves no half-made file under the user's name.
    """
    src, dest = Path(old_path), Path(new_path)
    if dest.exists():
        raise CdassessError(f"{dest}: already exists; cdassess never overwrites a file (choose a new name)")
    if src.resolve() == dest.resolve():
        raise CdassessError(f"{dest}: is the assessment being re-assessed; choose a new file name")
    who = actor or default_actor()
    tmp = dest.with_name(f".{dest.stem}.reassess-{uuid.uuid4().hex[:8]}.cdassess")
    try:
        with Assessment.open(src, readonly=True, actor=who) as old:
            target = model or old.model
            meta = old.meta
            level = meta.target_level if meta.target_level in target.level_numbers else target.level_numbers[-1]
            snapshot = old.store.model_json() if model is None else None  # the same model: its text as stored
            with Assessment.create(tmp, organization=meta.organization, project=meta.project, target_level=level,
                                   model=target, assessor=who, scope=meta.scope, assessors=meta.assessors,
                                   model_json=snapshot) as new:
                _carry_over(old, new, progress)
        _sync(tmp)
        try:
            os.link(tmp, dest)
        except FileExistsError:
            raise CdassessError(f"{dest}: already exists; cdassess never overwrites a file "
                                "(choose a new name)") from None
        except OSError:  # no hard links on this file system
            if dest.exists():
                raise CdassessError(f"{dest}: already exists; cdassess never overwrites a file") from None
            os.rename(tmp, dest)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
    # the snapshot written is ``target``'s own JSON: the model object need not be parsed from it again
    return Assessment(AssessmentStore.open(dest, actor=who), target)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _carry_over(old: Assessment, new: Assessment, progress: ProgressFn | None) -> None:
    known = new.model.requirements
    records = CycleRecords(new.store)
    meta = old.meta
    entries = old.store.audit_entries()
    last = entries[-1] if entries else None
    evidence = old.evidence_list()
    old_reviews = CycleRecords(old.store).reviews()
    total = sum(e.size for e in evidence) or 1
    with records.bulk_fill(), new.store.batch("carry last cycle over"):
        records.set_predecessor(Predecessor(
            uuid=meta.uuid, file_name=old.path.name, organization=meta.organization, project=meta.project,
            model_id=meta.model_id, model_version=meta.model_version, target_level=meta.target_level,
            overall_level=old.levels().overall, audit_seq=last.seq if last else 0,
            audit_head=last.hash if last else "", status=meta.status, created_at=meta.created_at))
        for req_id, r in sorted(old.ratings().items()):
            if req_id not in known or r.is_blank:
                continue
            records.put_previous(PreviousRating(req_id, _status(r.status), r.note, r.justification,
                                                r.updated_at, r.updated_by))
        for f in old.findings():
            req = f.req_id if f.req_id in known else None
            new.save_finding(Finding(None, req, f.observation, f.recommendation, f.owner, f.due_date, f.priority))
        done = 0
        for ev in evidence:
            eid = records.copy_evidence(ev, old.store.evidence_chunks(ev.id), [r for r in ev.req_ids if r in known])
            review = old_reviews.get(ev.id)
            if review is not None and review != EvidenceReview(ev.id):
                records.put_review(EvidenceReview(eid, review.status, review.reason, review.reviewer,
                                                  review.reviewed_at, review.represents_date, review.valid_until))
            done += ev.size
            if progress is not None:
                progress(done, total)


def previous_ratings(a: Assessment) -> dict[str, PreviousRating]:
    """Last cycle's rating of each requirement carried into this assessment (empty for a first assessment)."""
    return CycleRecords(a.store).previous_ratings()


def predecessor(a: Assessment) -> Predecessor | None:
    """The assessment this one re-assesses, as it was when this cycle started (None for a first one)."""
    return CycleRecords(a.store).predecessor()


def reconfirm_queue(a: Assessment) -> list[str]:
    """Requirements to re-confirm, in tree order: last cycle's rating not yet rated again in this cycle, or a
    rating carried through a model upgrade that changed the requirement and not rated since."""
    prev = CycleRecords(a.store).previous_ratings()
    if not prev:
        return []
    ratings = a.ratings()
    out = []
    for req in a.model.iter_requirements():
        p = prev.get(req.id)
        if p is None:
            continue
        r = ratings.get(req.id)
        if p.reason == "reassess":
            if r is None or _status(r.status) == _UNRATED:
                out.append(req.id)
        elif r is None or r.updated_at == p.rated_at:  # not rated since the flag (no clock comparison)
            out.append(req.id)
    return out


# ------------------------------------------------------------------------------------------ evidence review


def review_evidence(a: Assessment, evidence_id: int, *, status: str | None = None, reason: str | None = None,
                    represents_date: str | None = None, valid_until: str | None = None,
                    reviewer: str | None = None) -> tuple[EvidenceReview, EvidenceReview]:
    """Change an evidence's review record; fields given as None keep their value. Returns (old, new)."""
    records = CycleRecords(a.store)
    old = records.review(evidence_id)
    st = old.status if status is None else status.strip().lower()
    if st not in REVIEW_STATUSES:
        raise InvalidValueError(f"unknown evidence status {status!r} (accepted: {', '.join(REVIEW_STATUSES)})")
    why = old.reason if reason is None else reason.strip()
    if st == "rejected" and not why:
        raise InvalidValueError(f"evidence {evidence_id}: rejecting evidence needs a reason (say what is wrong)")
    if st != "rejected" and reason is None:
        why = ""
    rep = old.represents_date if represents_date is None else _check_date(represents_date, "the date it represents")
    until = old.valid_until if valid_until is None else _check_date(valid_until, "the valid-until date")
    changed_review = st != old.status or why != old.reason
    new = EvidenceReview(evidence_id, st, why,
                         (reviewer or a.store.actor or default_actor()) if changed_review else old.reviewer,
                         dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if changed_review
                         else old.reviewed_at, rep, until)
    return records.put_review(new)


def restore_review(a: Assessment, review: EvidenceReview) -> tuple[EvidenceReview, EvidenceReview]:
    """Put an earlier review record back as it was (undo)."""
    return CycleRecords(a.store).put_review(review)


def evidence_reviews(a: Assessment) -> dict[int, EvidenceReview]:
    """The review record of every evidence (submitted when never reviewed)."""
    found = CycleRecords(a.store).reviews()
    return {e.id: found.get(e.id, EvidenceReview(e.id)) for e in a.evidence_list()}


def flagged_on_bad_evidence(a: Assessment, today: str | None = None) -> list[str]:
    """Requirements rated as satisfied whose evidence is all rejected or expired (and there is some)."""
    day = today or _today()
    reviews = evidence_reviews(a)
    ratings = a.ratings()
    linked: dict[str, list[int]] = {}
    for e in a.evidence_list():
        for req_id in e.req_ids:
            linked.setdefault(req_id, []).append(e.id)
    out = []
    for req in a.model.iter_requirements():
        rating = ratings.get(req.id)
        if rating is None or not _satisfies(a.model, _status(rating.status)) or req.id not in linked:
            continue
        if all(reviews[e].effective_status(day) in ("rejected", "expired") for e in linked[req.id]):
            out.append(req.id)
    return out


# ------------------------------------------------------------------------------------------ mapping


@dataclass(frozen=True)
class ModelMapping:
    """Which requirement of one model becomes which of another (split: several; removed: none)."""

    from_model: tuple[str, str]
    to_model: tuple[str, str]
    requirements: Mapping[str, tuple[str, ...]]

    def targets(self, req_id: str) -> tuple[str, ...]:
        return self.requirements.get(req_id, (req_id,))


def load_mapping(path: str | Path, source: Model, target: Model) -> ModelMapping:
    """Read a mapping file (JSON ``cdassess-mapping/1``) and check every id against both models."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CdassessError(f"{p}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise CdassessError(f"{p}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict) or data.get("format") != "cdassess-mapping/1":
        raise CdassessError(f"{p}: not a cdassess model mapping (expected \"format\": \"cdassess-mapping/1\")")
    raw = data.get("requirements")
    if not isinstance(raw, dict):
        raise CdassessError(f"{p}: \"requirements\" must be an object of old id -> new id, list of ids or null")
    mapped = _mapped_ids(raw, source, target, problems)
    if problems:
        raise ValidationError(f"{p}: the mapping has {len(problems)} problem(s)",
                              [Problem(f"{p.name}: {w}", m) for w, m in problems])
    return ModelMapping((source.id, source.version), (target.id, target.version), mapped)


def _mapped_ids(raw: Mapping[str, Any], source: Model, target: Model,
                problems: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Old requirement id -> new ids (none: removed; several: split); problems are collected, not raised."""
    mapped: dict[str, tuple[str, ...]] = {}
    for old_id, new in raw.items():
        where = f"requirements.{old_id}"
        if old_id not in source.requirements:
            problems.append((where, f"{old_id!r} is not a requirement of {source.id} {source.version}"))
        ids: tuple[str, ...]
        if new is None:
            ids = ()
        elif isinstance(new, str):
            ids = (new,)
        elif isinstance(new, list) and all(isinstance(x, str) for x in new):
            ids = tuple(new)
        else:
            problems.append((where, "must be an id, a list of ids or null"))
            continue
        if len(set(ids)) != len(ids):
            problems.append((where, "lists an id twice"))
        problems.extend((where, f"{t!r} is not a requirement of {target.id} {target.version}")
                        for t in ids if t not in target.requirements)
        mapped[old_id] = ids
    return mapped


# ------------------------------------------------------------------------------------------ model upgrade

UPGRADE_KINDS = ("same", "text_changed", "moved", "split", "merged", "removed", "new")


@dataclass(frozen=True)
class UpgradeEntry:
    """What becomes of one or more requirements when the assessment moves to another model version."""

    kind: str  # one of UPGRADE_KINDS
    old_ids: tuple[str, ...]
    new_ids: tuple[str, ...]
    in_use: bool  # the old requirement(s) carry a rating, claim, finding or evidence link

    @property
    def flags(self) -> bool:
        """Carried ratings of this entry are flagged "re-confirm" after the upgrade."""
        return self.kind in ("text_changed", "moved", "split", "merged") and self.in_use


@dataclass
class UpgradePlan:
    """The reviewed migration of an assessment to another model version: nothing is written until applied."""

    from_model: tuple[str, str]
    to_model: tuple[str, str]
    entries: list[UpgradeEntry]

    def counts(self) -> dict[str, int]:
        return {k: sum(1 for e in self.entries if e.kind == k) for k in UPGRADE_KINDS}

    def of_kind(self, *kinds: str) -> list[UpgradeEntry]:
        return [e for e in self.entries if e.kind in kinds]

    def as_json(self) -> dict[str, Any]:
        return {"from": list(self.from_model), "to": list(self.to_model), "counts": self.counts(),
                "changes": [{"kind": e.kind, "old": list(e.old_ids), "new": list(e.new_ids), "in_use": e.in_use,
                             "reconfirm": e.flags} for e in self.entries if e.kind != "same"]}


def _used_ids(a: Assessment) -> set[str]:
    used = {k for k, r in a.ratings().items() if not r.is_blank} | set(a.claims())
    used |= {f.req_id for f in a.findings() if f.req_id}
    used |= {r for e in a.evidence_list() for r in e.req_ids}
    return used


def plan_upgrade(a: Assessment, target: Model, mapping: ModelMapping | None = None) -> UpgradePlan:
    """Diff the assessment's model and ``target`` per requirement (by id, and through ``mapping``)."""
    src = a.model
    if (src.id, src.version) == (target.id, target.version):
        raise InvalidValueError(f"{a.path.name} is already on model {src.id} {src.version}; nothing to upgrade")
    used = _used_ids(a)
    targets: dict[str, tuple[str, ...]] = {}
    for old_id in src.requirements:
        if mapping is not None and old_id in mapping.requirements:
            targets[old_id] = mapping.requirements[old_id]
        else:
            targets[old_id] = (old_id,) if old_id in target.requirements else ()
    sources: dict[str, list[str]] = {}
    for old_id, new_ids in targets.items():
        for t in new_ids:
            sources.setdefault(t, []).append(old_id)
    entries: list[UpgradeEntry] = []
    merged_done: set[str] = set()
    for req in src.iter_requirements():
        new_ids = targets[req.id]
        if new_ids and len(new_ids) == 1 and len(sources[new_ids[0]]) > 1:
            if new_ids[0] not in merged_done:
                merged_done.add(new_ids[0])
                olds = tuple(sources[new_ids[0]])
                entries.append(UpgradeEntry("merged", olds, new_ids, bool(used & set(olds))))
            continue
        entries.append(UpgradeEntry(_kind(req, new_ids, target), (req.id,), new_ids, req.id in used))
    entries += [UpgradeEntry("new", (), (r.id,), False) for r in target.iter_requirements() if r.id not in sources]
    return UpgradePlan((src.id, src.version), (target.id, target.version), entries)


def _kind(req: Requirement, new_ids: tuple[str, ...], target: Model) -> str:
    if not new_ids:
        return "removed"
    if len(new_ids) > 1:
        return "split"
    new = target.requirements[new_ids[0]]
    if new.id != req.id or new.item_id != req.item_id or new.level != req.level:
        return "moved"
    if (new.text.zh, new.text.en) != (req.text.zh, req.text.en):
        return "text_changed"
    return "same"


def apply_upgrade(a: Assessment, target: Model, plan: UpgradePlan) -> UpgradePlan:
    """Move the assessment onto ``target`` as ``plan`` says, in one transaction (all or nothing, audited).

    Renamed, split and merged requirements take their records along; carried ratings of changed, moved, split
    or merged requirements are flagged "re-confirm"; records of removed requirements stay in the file, listed.
    """
    from cdassess.store.connection import now_iso

    if a.meta.target_level not in target.level_numbers:
        raise InvalidValueError(f"the target level {a.meta.target_level} is not a level of model {target.id} "
                                f"(levels {target.level_range_text()})")
    records = CycleRecords(a.store)
    before = a.ratings()
    with a.store.batch(f"move to model {target.id} {target.version}"):
        a.store.replace_model(target.id, target.version, target.to_json())
        for e in plan.entries:
            if e.kind in ("moved", "split") and e.old_ids != e.new_ids:
                records.move_records(e.old_ids[0], e.new_ids)
            elif e.kind == "merged":
                # the weakest carried rating wins (moved last), and the result is flagged for re-confirmation
                olds = sorted(e.old_ids, key=lambda r: -(_weight(a.model, _status(before[r].status)) or 0)
                              if r in before else 1.0)
                for old_id in olds:
                    if old_id != e.new_ids[0]:
                        records.move_records(old_id, e.new_ids)
        flagged_at = now_iso()
        for e in plan.entries:
            if not e.flags:
                continue
            for new_id in e.new_ids:
                r = a.store.rating(new_id)
                if r.is_blank:
                    continue
                records.put_previous(PreviousRating(new_id, _status(r.status), r.note, r.justification,
                                                    r.updated_at, r.updated_by, e.kind, flagged_at))
        a.store._audit("upgrade_model", "model", {"model": list(plan.from_model)},
                       {"model": list(plan.to_model), "counts": plan.counts(),
                        "removed_in_use": [i for e in plan.of_kind("removed") if e.in_use for i in e.old_ids]})
    a.model = target
    a._changed_meta()
    return plan


# ------------------------------------------------------------------------------------------ compare


@dataclass(frozen=True)
class RatingChange:
    requirement: str
    before: str
    after: str
    kind: str  # better | worse | new | gone | changed


@dataclass
class Comparison:
    """Two or more assessments side by side, oldest first; changes are from the first to the last."""

    files: list[Path]
    labels: list[str]
    model: Model
    overall: list[int]
    domains: list[tuple[str, list[int]]]
    subdomains: list[tuple[str, list[int]]]
    items: list[tuple[str, list[int]]]
    scores: list[float | None]
    changed: list[RatingChange]
    findings_closed: list[Finding]
    findings_opened: list[Finding]
    level_reports: list[Any] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "assessments": [{"file": str(f), "label": lab, "overall_level": lvl, "overall_score": sc}
                            for f, lab, lvl, sc in zip(self.files, self.labels, self.overall, self.scores,
                                                       strict=True)],
            "model": {"id": self.model.id, "version": self.model.version},
            "domains": [{"id": d, "levels": lv} for d, lv in self.domains],
            "subdomains": [{"id": d, "levels": lv} for d, lv in self.subdomains],
            "items": [{"id": d, "levels": lv} for d, lv in self.items],
            "changed": [{"requirement": c.requirement, "from": c.before, "to": c.after, "kind": c.kind}
                        for c in self.changed],
            "findings_closed": [_finding_json(f) for f in self.findings_closed],
            "findings_opened": [_finding_json(f) for f in self.findings_opened],
        }


def _finding_json(f: Finding) -> dict[str, Any]:
    return {"requirement": f.req_id, "observation": f.observation, "owner": f.owner, "due_date": f.due_date,
            "priority": f.priority}


def _overall_score(a: Assessment, report: Any) -> float | None:
    score = getattr(report, "overall_score", None)
    return None if score is None else float(score)


def compare(paths: Sequence[str | Path], *, mapping: str | Path | None = None) -> Comparison:
    """Compare assessments: all of one model version, or two models through ``mapping``."""
    if len(paths) < 2:
        raise InvalidValueError("compare needs at least two assessment files")
    opened: list[Assessment] = []
    try:
        for p in paths:
            opened.append(Assessment.open(p, readonly=True))
        return _compare(opened, mapping)
    finally:
        for a in opened:
            a.close()


def _compare(opened: list[Assessment], mapping_path: str | Path | None) -> Comparison:
    base = opened[0]
    model = opened[-1].model
    mappings: list[ModelMapping | None] = []
    for a in opened:
        same = (a.model.id, a.model.version) == (model.id, model.version)
        if same:
            mappings.append(None)
            continue
        if mapping_path is None:
            raise CdassessError(
                f"{a.path.name} is on model {a.model.id} {a.model.version} and {opened[-1].path.name} on "
                f"{model.id} {model.version}: assessments of different models compare only through a model "
                "mapping (--mapping FILE.json)")
        mappings.append(load_mapping(mapping_path, a.model, model))
    statuses: list[dict[str, str]] = []
    for a, m in zip(opened, mappings, strict=True):
        raw = {k: _status(r.status) for k, r in a.ratings().items()}
        if m is not None:
            mapped: dict[str, str] = {}
            for old_id, st in raw.items():
                for t in m.targets(old_id):
                    if t in model.requirements:
                        mapped[t] = st
            raw = mapped
        statuses.append(raw)
    reports = [_levels_on(model, a, s) for a, s in zip(opened, statuses, strict=True)]
    del base
    domains = [(d.id, [rep.domains[d.id] for rep in reports]) for d in model.domains]
    subdomains = [(s.id, [rep.subdomains[s.id] for rep in reports]) for s in model.subdomains.values()]
    items = [(i.id, [rep.items[i.id] for rep in reports]) for i in model.items.values()]
    changed = _rating_changes(model, statuses[0], statuses[-1])
    closed, opened_f = _finding_changes(opened[0].findings(), opened[-1].findings())
    return Comparison(
        files=[a.path for a in opened], labels=[_label(a) for a in opened], model=model,
        overall=[rep.overall for rep in reports], domains=domains, subdomains=subdomains, items=items,
        scores=[_overall_score(a, rep) for a, rep in zip(opened, reports, strict=True)], changed=changed,
        findings_closed=closed, findings_opened=opened_f, level_reports=reports)


def _levels_on(model: Model, a: Assessment, statuses: Mapping[str, str]) -> Any:
    from cdassess.scoring import compute_levels

    return compute_levels(model, statuses, a.rule)


def _label(a: Assessment) -> str:
    m = a.meta
    day = (m.end_date or m.start_date or m.created_at or "")[:10]
    return f"{a.path.stem} ({day})" if day else a.path.stem


def _rating_changes(model: Model, before: Mapping[str, str], after: Mapping[str, str]) -> list[RatingChange]:
    out: list[RatingChange] = []
    for req in model.iter_requirements():
        b, a = before.get(req.id, _UNRATED), after.get(req.id, _UNRATED)
        if a == b:
            continue
        if b == _UNRATED:
            kind = "new"
        elif a == _UNRATED:
            kind = "gone"
        else:
            wb, wa = _weight(model, b), _weight(model, a)
            sb, sa = _satisfies(model, b), _satisfies(model, a)
            if sa != sb:
                kind = "better" if sa else "worse"
            elif wb is not None and wa is not None and wa != wb:
                kind = "better" if wa > wb else "worse"
            else:
                kind = "changed"
        out.append(RatingChange(req.id, b, a, kind))
    return out


def _finding_key(f: Finding) -> tuple[str, str]:
    return (f.req_id or "", " ".join(f.observation.split()).casefold())


def _finding_changes(before: Iterable[Finding], after: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    b = {_finding_key(f): f for f in before}
    a = {_finding_key(f): f for f in after}
    return [f for k, f in b.items() if k not in a], [f for k, f in a.items() if k not in b]
