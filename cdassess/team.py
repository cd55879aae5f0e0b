"""Team assessments: hand out working copies, merge them back per field, three-way, with a conflict queue.

A copy is the whole assessment file plus its origin (the ancestors' identities and audit positions) and a
snapshot of every mergeable record as it was when it was made: the common ancestor. A merge compares, for every
field of every record, three values: the ancestor's (``base``), the lead's and each copy's. A field one side
changed is taken; the same change in several copies is taken once; a field changed differently in two places
is a conflict that nobody's value fills until it is decided. See README "Team merge".

No Qt here; the window and the command line both call :func:`make_copy` and :func:`plan_merge`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.errors import AssessmentFileError, CdassessError, InvalidValueError, LockedError
from cdassess.records import PRIORITIES
from cdassess.store import AssessmentStore
from cdassess.store import team as tstore
from cdassess.store.connection import now_iso
from cdassess.store.team import BLANK, EXISTENCE_KINDS, FIELDS, Fields, Key, Origin, Rec, State

_MISSING: Any = object()
EXISTS = "_exists"
RECORD = "_record"


class MergeRefusedError(CdassessError):
    """A copy cannot be merged into this lead (not its copy, damaged, rewritten, locked, other model)."""


class ConflictsPendingError(CdassessError):
    """Conflicts are not decided yet; nothing was written."""


# ------------------------------------------------------------------------------------ hand out


@dataclass(frozen=True)
class CopyMade:
    path: Path
    copy_id: str
    assessor: str
    domains: tuple[str, ...]
    from_seq: int


def make_copy(lead: Any, dest: str | Path, *, assessor: str, domains: Iterable[str] = ()) -> CopyMade:
    """Write a working copy of the open assessment ``lead`` for ``assessor`` (never overwrites ``dest``).

    ``domains`` is the assessor's share (domain ids of the model); edits outside it are allowed and flagged at
    merge. The lead records the hand-out in its audit log.
    """
    name = assessor.strip()
    if not name:
        raise InvalidValueError("a copy needs the assessor's name (--assessor NAME)")
    share = list(dict.fromkeys(d.strip() for d in domains if d.strip()))
    known = [d.id for d in lead.model.domains]
    unknown = [d for d in share if d not in known]
    if unknown:
        raise InvalidValueError(f"{', '.join(unknown)}: not a domain of model {lead.model.id} "
                                f"(accepted: {', '.join(known)})")
    store: AssessmentStore = lead.store
    if store.meta().locked:
        raise LockedError(f"{store.path}: the assessment is locked; unlock it first to hand out working copies")
    if store.readonly:
        raise AssessmentFileError(f"{store.path}: opened read-only; the hand-out is recorded in the lead, "
                                  "open it for editing")
    dest = Path(dest)
    actor = store.actor or "unknown"
    origin, seq, digest = tstore.write_copy(store.db.conn, dest, actor=actor, assessor=name, domains=share)
    try:
        with store.batch("hand out a copy"):
            tstore.record_hand_out(store.db, actor, origin, dest.name, seq, digest)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return CopyMade(dest, origin.copy_id, name, tuple(share), seq)


def origin_of(a: Any) -> Origin | None:
    """The origin of an open assessment when it is a working copy (None for a lead)."""
    store: AssessmentStore = a.store
    return tstore.read_origin(store.db)


def handed_out(a: Any) -> list[tstore.CopyRecord]:
    store: AssessmentStore = a.store
    return tstore.copies(store.db)


# ------------------------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class Side:
    """One side's value of a field: the lead's or a copy's, with who set it, when, and the evidence it had."""

    source: str  # "lead" or the copy's file path
    assessor: str
    value: Any
    who: str = ""
    when: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def is_lead(self) -> bool:
        return self.source == "lead"


@dataclass(frozen=True)
class Decision:
    take: str  # "lead", a copy's path, or "value"
    value: Any
    decided_by: str


@dataclass
class Conflict:
    id: int
    kind: str
    key: str
    field: str  # a field name, or "_record" (removed on one side, changed on another)
    requirement: str | None
    domain: str | None
    lead: Side
    copies: list[Side]
    decision: Decision | None = None
    subject: str = ""  # the record in words: an evidence file's name, a finding's observation

    @property
    def label(self) -> str:
        return field_label(self.kind, self.key, self.field)


@dataclass(frozen=True)
class Change:
    """A change that the merge applies: one field of one record (or a record added or removed)."""

    kind: str
    key: str
    field: str  # a field name, or "_exists"
    requirement: str | None
    domain: str | None
    old: Any
    value: Any
    sources: tuple[str, ...]  # the copies' paths that made it
    assessors: tuple[str, ...]
    who: str
    when: str
    outside_share: bool = False
    subject: str = ""  # the record in words: an evidence file's name, a finding's observation

    @property
    def label(self) -> str:
        return field_label(self.kind, self.key, self.field)


def field_label(kind: str, key: str, fld: str) -> str:
    """A field's name as the conflict list shows it (``status``, ``claim.owner``, ``finding 3fa2c1d0.owner``)."""
    if kind == "rating":
        return fld
    if kind == "claim":
        return f"claim.{fld}"
    if kind == "details":
        return f"details.{fld}"
    if kind == "link":
        return f"evidence {key.partition('|')[0][:12]} link"
    short = key[:12] if kind == "evidence" else key[:8]
    if fld == EXISTS:
        return f"{kind} {short}"
    if fld == RECORD:
        return f"{kind} {short} (removed/changed)"
    return f"{kind} {short}.{fld}"


@dataclass
class CopySource:
    path: Path
    store: AssessmentStore
    origin: Origin
    base: dict[Key, Fields]
    state: State
    seq: int
    head: str
    since_seq: int  # the copy's audit seq its base corresponds to

    @property
    def assessor(self) -> str:
        return self.origin.assessor


@dataclass
class MergeResult:
    applied: int
    decided: int
    merge_id: str
    copies: tuple[str, ...]
    nothing_to_do: bool = False


@dataclass
class _Proposal:
    copy: CopySource
    base: Any
    value: Any


@dataclass
class MergePlan:
    """Everything a merge of ``copies`` into ``lead`` would do; decide the conflicts, then :meth:`apply`."""

    lead: Any
    sources: list[CopySource]
    lead_state: State
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    _records: dict[Key, dict[str, tuple[Any, CopySource | None]]] = field(default_factory=dict, repr=False)
    _closed: bool = False

    # ---------------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for s in self.sources:
            s.store.close()

    def __enter__(self) -> MergePlan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------- queries

    @property
    def applied_count(self) -> int:
        return len(self.changes)

    @property
    def undecided(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.decision is None]

    def outside_share(self) -> list[Change]:
        return [c for c in self.changes if c.outside_share]

    def as_json(self) -> dict[str, Any]:
        """The ``--dry-run --json`` document (the CLI contract)."""
        return {
            "applied": self.applied_count,
            "conflicts": [
                {"requirement": c.requirement, "field": c.label, "lead": _jsonable(c.lead.value),
                 "copies": [{"file": str(s.source), "assessor": s.assessor, "value": _jsonable(s.value)}
                            for s in c.copies]}
                for c in self.conflicts
            ],
        }

    # ---------------------------------------------------------------------------- decisions

    def _source_path(self, take: str) -> str:
        if take in ("lead", "newest", "value"):
            return take
        for s in self.sources:
            if str(s.path) == str(take) or s.path.name == Path(take).name or \
                    s.path.resolve() == Path(take).resolve():
                return str(s.path)
        raise InvalidValueError(f"--take {take}: not one of the copies being merged (accepted: lead, newest, "
                                f"{', '.join(str(s.path) for s in self.sources)})")

    def decide(self, conflict: Conflict | int, take: str, value: Any = None, *, decided_by: str = "") -> None:
        """Decide one conflict: ``lead``, a copy's path, ``newest``, or ``value`` (a third value, validated)."""
        c = conflict if isinstance(conflict, Conflict) else self.conflicts[conflict]
        src = self._source_path(take)
        who = decided_by or self.lead.store.actor or "unknown"
        if src == "value":
            c.decision = Decision("value", self._validate(c, value), who)
            return
        side = self._chosen_side(c, src)
        c.decision = Decision(side.source, side.value, who)

    def _chosen_side(self, c: Conflict, src: str) -> Side:
        if src == "lead":
            return c.lead
        if src == "newest":
            return max([c.lead, *c.copies], key=lambda s: s.when or "")
        side = next((s for s in c.copies if s.source == src), None)
        if side is None:  # that copy is no party to this conflict: its own (unchanged) value
            cs = next(s for s in self.sources if str(s.path) == src)
            side = _side(self, cs, c.kind, c.key, c.field)
        return side

    def decide_all(self, take: str, *, decided_by: str = "") -> None:
        self._source_path(take)  # a wrong name is refused even when there is nothing to decide
        for c in self.conflicts:
            self.decide(c, take, decided_by=decided_by)

    def decide_domain(self, domain_id: str, take: str, *, decided_by: str = "") -> int:
        n = 0
        for c in self.conflicts:
            if c.domain == domain_id:
                self.decide(c, take, decided_by=decided_by)
                n += 1
        return n

    def _validate(self, c: Conflict, value: Any) -> Any:
        if c.field in (RECORD, EXISTS):
            if value is None or isinstance(value, (dict, bool)):
                return value
            raise InvalidValueError(f"{c.label}: decide a removed/changed record by taking a side")
        if c.kind in ("rating", "claim") and c.field == "status":
            text = str(value).strip()
            scale = getattr(self.lead.model, "scale", None)
            if scale is not None:  # the model's own words: "met", "满足", "Partially met", ...
                hit = scale.parse(text)
                if hit is not None:
                    return str(hit)
                raise InvalidValueError(f"{c.requirement}: {text!r} is not a rating of this model's scale "
                                        f"(accepted: {scale.accepted_text()})")
            accepted = _status_ids(self.lead.model)
            if text not in accepted:
                raise InvalidValueError(f"{c.requirement}: {text!r} is not a rating (accepted: {', '.join(accepted)})")
            return text
        check = _VALIDATORS.get(c.field)
        if check is not None:
            return check(self, c, value)
        return "" if value is None else str(value).strip()

    # ---------------------------------------------------------------------------- apply

    def apply(self, *, actor: str | None = None) -> MergeResult:
        """Write every change and every decision to the lead in one transaction, or nothing at all."""
        if self.undecided:
            raise ConflictsPendingError(_pending_message(self.undecided))
        store: AssessmentStore = self.lead.store
        who = actor or store.actor or "unknown"
        merge_id = str(uuid.uuid4())
        finals = self._finals()
        writes = [(k, self.lead_state.get(k), new) for k, new in finals.items()
                  if not _same(self.lead_state.get(k), new, k[0])]
        merged_before = {r.copy_id: r.merged_seq for r in tstore.copies(store.db)}
        if not writes and all(merged_before.get(s.origin.copy_id) == s.seq for s in self.sources) \
                and not self.conflicts:
            return MergeResult(0, 0, merge_id, tuple(str(s.path) for s in self.sources), nothing_to_do=True)
        db = store.db
        names = {str(s.path): s.path.name for s in self.sources}
        order = {"evidence": 0, "link": 1}
        # evidence first (links need it), removed links before removed evidence
        writes.sort(key=lambda w: (order.get(w[0][0], 2) if w[2] is not None else -order.get(w[0][0], 0)))
        try:
            with store.batch("merge copies"):
                for c in self.conflicts:
                    assert c.decision is not None
                    tstore.append_audit(db, c.decision.decided_by, "merge_decision", f"merge:{merge_id}", None, {
                        "record": f"{c.kind}:{c.key}", "requirement": c.requirement, "field": c.field,
                        "lead": _jsonable(c.lead.value),
                        "copies": [{"file": Path(s.source).name, "assessor": s.assessor, "value": _jsonable(s.value)}
                                   for s in c.copies],
                        "taken": c.decision.take if c.decision.take in ("lead", "value")
                        else Path(c.decision.take).name,
                        "value": _jsonable(c.decision.value), "decided_by": c.decision.decided_by})
                for key, old, new in writes:
                    src = self._content_source(key)
                    tstore.write_record(db, key[0], key[1], old, new, merge_id=merge_id,
                                        source=src.store.db if src else None)
                tstore.append_audit(db, who, "merge", f"merge:{merge_id}", None, {
                    "copies": [{"file": s.path.name, "copy_id": s.origin.copy_id, "assessor": s.assessor,
                                "from_seq": s.since_seq, "to_seq": s.seq, "head": s.head} for s in self.sources],
                    "applied": len(self.changes), "conflicts": len(self.conflicts),
                    "changes": [{"record": f"{c.kind}:{c.key}", "field": c.field, "by": c.who,
                                 "from": [names[p] for p in c.sources]} for c in self.changes]})
                for s in self.sources:
                    tstore.record_merged(db, s.origin, s.path.name, s.seq, s.head, s.state)
        except tstore.ContentMismatchError as exc:
            raise MergeRefusedError(f"{exc}; nothing was merged") from None
        self.lead._changed_meta()
        return MergeResult(len(self.changes), len(self.conflicts), merge_id,
                           tuple(str(s.path) for s in self.sources))

    def _content_source(self, key: Key) -> CopySource | None:
        if key[0] != "evidence":
            return None
        for s in self.sources:
            if key in s.state:
                return s
        return None

    def _finals(self) -> dict[Key, Rec | None]:
        """The lead's record after the merge, for every record a change or a decision touches."""
        changes: dict[Key, list[Change]] = {}
        for ch in self.changes:
            changes.setdefault((ch.kind, ch.key), []).append(ch)
        decided: dict[Key, list[Conflict]] = {}
        for c in self.conflicts:
            decided.setdefault((c.kind, c.key), []).append(c)
        return {k: self._final(k, changes.get(k, []), decided.get(k, [])) for k in set(changes) | set(decided)}

    def _final(self, k: Key, changes: list[Change], decided: list[Conflict]) -> Rec | None:
        kind = k[0]
        lead = self.lead_state.get(k)
        rec: Rec | None = _clone(lead) if lead is not None else None
        authors: list[tuple[str, str]] = []
        for ch in (c for c in changes if c.field == EXISTS):
            if ch.value and rec is None:  # added in a copy: its fields arrive as field changes
                rec = _clone(self._copy_rec(k, ch.sources[0]))
                rec.fields = dict(BLANK[kind])
                authors.append((ch.when, ch.who))
            elif not ch.value:
                rec = None
        for c in (c for c in decided if c.field == RECORD):
            rec = self._decided_record(k, c, lead)
            if rec is not None:
                authors.append(self._author(k, c.decision.take if c.decision else "lead"))
        if rec is None and kind not in EXISTENCE_KINDS:
            rec = Rec(dict(BLANK[kind]))
        if rec is None:
            return None
        for ch in (c for c in changes if c.field != EXISTS):
            rec.fields[ch.field] = ch.value
            authors.append((ch.when, ch.who))
        for c in (c for c in decided if c.field not in (RECORD, EXISTS)):
            assert c.decision is not None
            rec.fields[c.field] = c.decision.value
            authors.append(self._author(k, c.decision.take))
        if authors:
            rec.when, rec.who = max(authors)
        return rec

    def _decided_record(self, k: Key, c: Conflict, lead: Rec | None) -> Rec | None:
        assert c.decision is not None
        value = c.decision.value
        if value is None:
            return None
        take = c.decision.take
        template = self._copy_rec(k, take) if take not in ("lead", "value") else None
        template = template or lead or self._any_copy_rec(k)
        rec = _clone(template) if template is not None else Rec(dict(BLANK[k[0]]))
        rec.fields = {f: value.get(f, BLANK[k[0]].get(f)) for f in FIELDS[k[0]]}
        return rec

    def _author(self, k: Key, take: str) -> tuple[str, str]:
        if take == "value":
            return now_iso(), self.lead.store.actor or "unknown"
        if take == "lead":
            lead = self.lead_state.get(k)
            return (lead.when, lead.who) if lead else ("", "")
        rec = self._copy_rec(k, take)
        return (rec.when, rec.who) if rec else ("", "")

    def _copy_rec(self, k: Key, source: str) -> Rec | None:
        for s in self.sources:
            if str(s.path) == str(source):
                return s.state.get(k)
        return None

    def _any_copy_rec(self, k: Key) -> Rec | None:
        for s in self.sources:
            if k in s.state:
                return s.state[k]
        return None


def _yes_no(_plan: MergePlan, c: Conflict, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y"):
        return True
    if text in ("0", "false", "no", "n", ""):
        return False
    raise InvalidValueError(f"{c.label}: {value!r} is not yes or no")


def _priority(_plan: MergePlan, c: Conflict, value: Any) -> str:
    if str(value) not in PRIORITIES:
        raise InvalidValueError(f"{c.label}: {value!r} is not a priority (accepted: {', '.join(PRIORITIES)})")
    return str(value)


def _target_level(plan: MergePlan, c: Conflict, value: Any) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = -1
    if n not in plan.lead.model.level_numbers:
        raise InvalidValueError(f"{c.label}: {value!r} is not a level of the model "
                                f"(accepted: {plan.lead.model.level_range_text()})")
    return n


def _names(_plan: MergePlan, _c: Conflict, value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(a).strip() for a in items if str(a).strip()]


_VALIDATORS: dict[str, Callable[[MergePlan, Conflict, Any], Any]] = {
    "needs_review": _yes_no, "priority": _priority, "target_level": _target_level, "assessors": _names,
}


def _clone(rec: Rec | None) -> Rec:
    assert rec is not None
    return Rec(dict(rec.fields), dict(rec.extra), rec.who, rec.when)


def _same(old: Rec | None, new: Rec | None, kind: str) -> bool:
    if kind in EXISTENCE_KINDS and (old is None or new is None):
        return old is None and new is None
    of = old.fields if old is not None else BLANK[kind]
    nf = new.fields if new is not None else BLANK[kind]
    return all(of.get(f) == nf.get(f) for f in FIELDS[kind])


def _jsonable(value: Any) -> Any:
    return None if value is _MISSING else value


def _status_ids(model: Any) -> list[str]:
    scale = getattr(model, "scale", None)
    options = getattr(scale, "options", None)
    if options:
        ids = [str(getattr(o, "id", o)) for o in options]
        return [*ids, "unrated"]
    return ["met", "partial", "not_met", "na", "unrated"]


def _pending_message(pending: Sequence[Conflict]) -> str:
    shown = "; ".join(f"{c.requirement or c.kind} {c.label}: lead {_short(c.lead.value)} vs "
                      + ", ".join(f"{s.assessor} {_short(s.value)}" for s in c.copies) for c in pending[:5])
    more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
    return (f"{len(pending)} conflict(s) to decide ({shown}{more}); nothing was merged: decide them in the window "
            "(File > Merge copies…) or with --take lead|COPY_FILE|newest")


def _short(value: Any) -> str:
    if value is None:
        return "(removed)"
    if isinstance(value, dict):
        return "(changed)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…'"


# ------------------------------------------------------------------------------------ planning


def plan_merge(lead: Any, copy_paths: Sequence[str | Path], *,
               progress: Callable[[str], None] | None = None) -> MergePlan:
    """Open every copy read-only, check it belongs to ``lead``, and compute every change and conflict.

    Nothing is written. Any copy that cannot be merged refuses the whole plan with a message naming it.
    """
    store: AssessmentStore = lead.store
    if store.meta().locked:
        raise LockedError(f"{store.path}: the lead assessment is locked; unlock it first to merge copies into it")
    if not copy_paths:
        raise InvalidValueError("name at least one copy to merge")
    seen: set[str] = set()
    sources: list[CopySource] = []
    try:
        for p in copy_paths:
            path = Path(p)
            if path.resolve() == store.path.resolve():
                raise MergeRefusedError(f"{path}: is the lead itself; name the copies to merge into it")
            if progress:
                progress(str(path))
            src = _open_copy(lead, path)
            sources.append(src)
            if src.origin.copy_id in seen:
                raise MergeRefusedError(f"{path}: the same copy is named twice (copy {src.origin.copy_id[:8]})")
            seen.add(src.origin.copy_id)
        lead_state = tstore.read_state(store.db)
        plan = MergePlan(lead, sources, lead_state)
        _compute(plan)
        return plan
    except BaseException:
        for s in sources:
            s.store.close()
        raise


def _open_copy(lead: Any, path: Path) -> CopySource:
    lstore: AssessmentStore = lead.store
    try:
        cstore = AssessmentStore.open(path, readonly=True, actor=lstore.actor)
    except AssessmentFileError as exc:
        raise MergeRefusedError(f"{exc} (copy not merged)") from None
    try:
        origin, entry = _check_copy(lstore, cstore, path)
        seq, head = tstore.audit_position(cstore.db)
        base, since = _base_of(lstore, cstore, path, origin, entry)
        state = tstore.read_state(cstore.db, authors_since=since)
        problems = tstore.merge_check(cstore.db, since, tstore.audit_hash_at(cstore.db, since) or "", state, base)
        if problems:
            more = f"; and {len(problems) - 1} more" if len(problems) > 1 else ""
            raise MergeRefusedError(f"{path}: the copy is damaged ({problems[0]}{more}); run 'cdassess check' on "
                                    "it; nothing was merged")
        return CopySource(path, cstore, origin, base, state, seq, head, since)
    except BaseException:
        cstore.close()
        raise


def _check_copy(lstore: AssessmentStore, cstore: AssessmentStore, path: Path) -> tuple[Origin, dict[str, Any]]:
    """Refuse a copy of another assessment or model version, a locked, damaged or rewritten copy."""
    lname = lstore.path.name
    lmeta, cmeta = lstore.meta(), cstore.meta()
    if cmeta.uuid != lmeta.uuid:
        raise MergeRefusedError(f"{path}: a copy of another assessment ({cmeta.organization} / {cmeta.project}, "
                                f"{cmeta.uuid[:8]}), not of {lname} ({lmeta.organization} / {lmeta.project}, "
                                f"{lmeta.uuid[:8]})")
    origin = tstore.read_origin(cstore.db)
    if origin is None:
        raise MergeRefusedError(f"{path}: not a working copy of {lname} (it was not made with 'cdassess copy'); "
                                "only copies can be merged")
    if (cmeta.model_id, cmeta.model_version) != (lmeta.model_id, lmeta.model_version):
        raise MergeRefusedError(f"{path}: made on model {cmeta.model_id} {cmeta.model_version}, but {lname} uses "
                                f"{lmeta.model_id} {lmeta.model_version}; move both to the same model version "
                                "first (cdassess use-model)")
    if cmeta.locked:
        raise MergeRefusedError(f"{path}: the copy is locked (by {cmeta.locked_by} at {cmeta.locked_at}); a working "
                                "copy is merged as a draft: unlock it first (cdassess unlock COPY --reason ...)")
    lead_id = tstore.identity(lstore.db)
    entry = next((c for c in origin.chain if c["id"] == lead_id), None)
    if entry is None:
        raise MergeRefusedError(f"{path}: not copied from {lname} (it is {origin.assessor}'s copy of another copy "
                                f"of this assessment, {origin.parent_id[:8]}); merge it into the file it was "
                                "copied from")
    seq_at, head_at = int(entry["seq"]), str(entry["head"])
    if tstore.audit_hash_at(lstore.db, seq_at) != head_at:
        raise MergeRefusedError(f"{path}: {lname}'s audit log no longer holds the position the copy was made from "
                                f"(row {seq_at}); the lead was replaced or its log rewritten")
    if tstore.audit_hash_at(cstore.db, seq_at) != head_at:
        raise MergeRefusedError(f"{path}: the copy's audit log was rewritten (row {seq_at} differs from the lead's, "
                                "where the copy was made); nothing was merged")
    return origin, entry


def _base_of(lstore: AssessmentStore, cstore: AssessmentStore, path: Path, origin: Origin,
             entry: dict[str, Any]) -> tuple[dict[Key, Fields], int]:
    """The common ancestor: the copy as last merged into this lead, else the copy's snapshot from its making."""
    record = next((r for r in tstore.copies(lstore.db) if r.copy_id == origin.copy_id), None)
    if record is not None and record.merged_seq is not None:
        if tstore.audit_hash_at(cstore.db, record.merged_seq) != record.merged_head:
            raise MergeRefusedError(f"{path}: the copy's audit log was rewritten since it was merged at "
                                    f"{record.merged_at} (row {record.merged_seq} differs); nothing was merged")
        merged = tstore.read_merged(lstore.db, origin.copy_id)
        if merged is not None:
            return merged, int(record.merged_seq)
    got = tstore.read_ancestor(cstore.db, str(entry["id"]))
    if got is None or got[1] != entry.get("digest"):
        raise MergeRefusedError(f"{path}: the copy's record of its common ancestor is missing or was altered; "
                                "nothing was merged")
    if record is not None and record.base_digest and record.base_digest != entry.get("digest"):
        raise MergeRefusedError(f"{path}: the copy's common ancestor differs from what {lstore.path.name} recorded "
                                "when it handed the copy out; nothing was merged")
    return got[0], int(entry["seq"])


def _fields_of(kind: str, rec: Fields | Rec | None) -> Fields | None:
    if rec is None:
        return None
    f = rec.fields if isinstance(rec, Rec) else rec
    names = FIELDS[kind]
    if len(f) == len(names):
        return f
    return {k: f.get(k, BLANK[kind].get(k)) for k in names}


def _req_of(plan: MergePlan, kind: str, key: str, state: State | None = None) -> str | None:
    if kind in ("rating", "claim"):
        return key
    if kind == "link":
        return key.partition("|")[2]
    if kind == "finding":
        for st in ([state] if state else []) + [plan.lead_state] + [s.state for s in plan.sources]:
            rec = st.get((kind, key))
            if rec is not None:
                req = rec.fields.get("req_id")
                return str(req) if req else None
        return None
    if kind == "evidence":
        for st in ([state] if state else []) + [plan.lead_state] + [s.state for s in plan.sources]:
            reqs = _links(st)[1].get(key)
            if reqs:
                return reqs[0]
    return None


def _subject(plan: MergePlan, kind: str, key: str) -> str:
    """A record in words, for people: "evidence build.log", "finding 'Rollback is manual…'"."""
    if kind in ("rating", "claim", "details"):
        return ""
    sha = key.partition("|")[0] if kind == "link" else key
    states: list[dict[Key, Any]] = [plan.lead_state, *(s.state for s in plan.sources),
                                    *(s.base for s in plan.sources)]
    for st in states:
        rec = st.get(("evidence", sha) if kind in ("evidence", "link") else (kind, key))
        if rec is None:
            continue
        if kind in ("evidence", "link"):
            name = rec.extra.get("original_name") if isinstance(rec, Rec) else None
            if name:
                return f"evidence {name}"
            continue
        fields = rec.fields if isinstance(rec, Rec) else rec
        text = str(fields.get("observation" if kind == "finding" else "interviewees", ""))
        return f"{kind} '{text[:40]}{'…' if len(text) > 40 else ''}'"
    return f"{kind} {key[:12]}"


def _domain_of(plan: MergePlan, req: str | None) -> str | None:
    if not req:
        return None
    try:
        return str(plan.lead.model.path_of(req)[0].id)
    except (KeyError, CdassessError, LookupError):
        return None


_LINK_INDEX: dict[int, tuple[State, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]] = {}


def _links(st: State) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Per requirement the names of its evidence, per evidence its requirements (built once per state)."""
    cached = _LINK_INDEX.get(id(st))
    if cached is None or cached[0] is not st:
        by_req: dict[str, list[str]] = {}
        by_sha: dict[str, list[str]] = {}
        for k in st:
            if k[0] == "link":
                sha, _, r = k[1].partition("|")
                by_sha.setdefault(sha, []).append(r)
                ev = st.get(("evidence", sha))
                if ev is not None:
                    by_req.setdefault(r, []).append(str(ev.extra.get("original_name", "")))
        cached = (st, {r: tuple(sorted(v)) for r, v in by_req.items()},
                  {e: tuple(sorted(v)) for e, v in by_sha.items()})
        _LINK_INDEX[id(st)] = cached
        if len(_LINK_INDEX) > 64:
            _LINK_INDEX.pop(next(iter(_LINK_INDEX)))
    return cached[1], cached[2]


def _evidence_names(st: State, req: str | None) -> tuple[str, ...]:
    return _links(st)[0].get(req, ()) if req else ()


def _unit_value(kind: str, fields: Fields | None, fld: str) -> Any:
    if fld == EXISTS:
        return fields is not None
    if fld == RECORD:
        return fields
    if fields is None:
        return _MISSING if kind in EXISTENCE_KINDS else BLANK[kind][fld]
    return fields.get(fld, BLANK[kind].get(fld))


def _side(plan: MergePlan, s: CopySource | None, kind: str, key: str, fld: str) -> Side:
    st = plan.lead_state if s is None else s.state
    rec = st.get((kind, key))
    value = _unit_value(kind, _fields_of(kind, rec), fld)
    req = _req_of(plan, kind, key, st)
    return Side("lead" if s is None else str(s.path), "lead" if s is None else s.assessor, _jsonable(value),
                rec.who if rec else "", rec.when if rec else "", _evidence_names(st, req))


@dataclass
class _Diff:
    """Every copy's proposals against its own ancestor, before they are combined."""

    units: dict[tuple[str, str, str], list[_Proposal]] = field(default_factory=dict)
    removals: dict[Key, list[_Proposal]] = field(default_factory=dict)
    touched_by: dict[Key, set[int]] = field(default_factory=dict)

    def propose(self, kind: str, key: str, fld: str, p: _Proposal) -> None:
        self.units.setdefault((kind, key, fld), []).append(p)
        self.touched_by.setdefault((kind, key), set()).add(id(p.copy))


def _diff_copy(d: _Diff, s: CopySource) -> None:
    for k in set(s.base) | set(s.state):
        kind, key = k
        if kind not in FIELDS:
            continue
        b = _fields_of(kind, s.base.get(k))
        c = _fields_of(kind, s.state.get(k))
        if b == c:
            continue  # unchanged in this copy (most records)
        if kind in EXISTENCE_KINDS:
            if c is None:
                if b is not None:
                    d.removals.setdefault(k, []).append(_Proposal(s, b, None))
                continue
            if b is None:  # added in the copy: it exists, and its fields differ from blank
                d.propose(kind, key, EXISTS, _Proposal(s, False, True))
                b = dict(BLANK[kind])
        else:
            b = b or dict(BLANK[kind])
            c = c or dict(BLANK[kind])
        for f in FIELDS[kind]:
            if b[f] != c[f]:
                d.propose(kind, key, f, _Proposal(s, b[f], c[f]))


def _compute(plan: MergePlan) -> None:
    """Fill ``plan.changes`` and ``plan.conflicts`` from the three states of every record."""
    d = _Diff()
    for s in plan.sources:
        _diff_copy(d, s)
    # links a copy added to evidence count as touching that evidence (a lead that removed it must decide)
    for (kind, key, f), props in list(d.units.items()):
        if kind == "link" and f == EXISTS:
            ek = ("evidence", key.partition("|")[0])
            for p in props:
                if ek not in plan.lead_state and ek in p.copy.base:
                    d.touched_by.setdefault(ek, set()).add(id(p.copy))
    conflict_records = _record_conflicts(plan, d)
    for (kind, key, fld), props in sorted(d.units.items(), key=lambda u: (u[0][0] != "details", u[0])):
        if (kind, key) not in conflict_records:
            _combine(plan, kind, key, fld, props)


def _add_conflict(plan: MergePlan, kind: str, key: str, fld: str, copy_sides: list[Side]) -> None:
    req = _req_of(plan, kind, key)
    plan.conflicts.append(Conflict(len(plan.conflicts), kind, key, fld, req, _domain_of(plan, req),
                                   _side(plan, None, kind, key, fld), copy_sides, subject=_subject(plan, kind, key)))


def _record_conflicts(plan: MergePlan, d: _Diff) -> set[Key]:
    """Records removed on one side and changed on another: one conflict over the whole record each."""
    keys = set(d.removals)
    for k, ids in d.touched_by.items():
        if k[0] in EXISTENCE_KINDS and k not in plan.lead_state and \
                any(k in s.base for s in plan.sources if id(s) in ids):
            keys.add(k)  # the lead removed it, a copy changed it
    out: set[Key] = set()
    for k in sorted(keys):
        kind, key = k
        lead_f = _fields_of(kind, plan.lead_state.get(k))
        removers = d.removals.get(k, [])
        editors = [s for s in plan.sources if id(s) in d.touched_by.get(k, set())]
        if not editors and (not removers or lead_f is None):
            continue  # removed everywhere already
        if not editors and all(lead_f == p.base for p in removers):
            d.units[(kind, key, EXISTS)] = [_Proposal(p.copy, True, False) for p in removers]
            continue
        sides = [Side(str(s.path), s.assessor, _fields_of(kind, s.state.get(k)), *(_who_when(s.state.get(k))),
                      _evidence_names(s.state, _req_of(plan, kind, key, s.state)))
                 for s in [p.copy for p in removers] + editors]
        _add_conflict(plan, kind, key, RECORD, sides)
        out.add(k)
    return out


def _combine(plan: MergePlan, kind: str, key: str, fld: str, props: list[_Proposal]) -> None:
    """One field across the copies: nothing to do, one change, or a conflict."""
    k = (kind, key)
    lead_f = _fields_of(kind, plan.lead_state.get(k))
    if kind in EXISTENCE_KINDS and lead_f is None and fld != EXISTS:
        lv: Any = BLANK[kind][fld]  # the record comes in with this merge: its fields start blank
    else:
        lv = _unit_value(kind, lead_f, fld)
    values: list[Any] = []
    for p in props:
        if p.value not in values:
            values.append(p.value)
    if all(p.value == lv for p in props):
        return
    moved = any(lv not in (p.base, p.value) for p in props)
    if len(values) > 1 or moved:
        _add_conflict(plan, kind, key, fld, [_side(plan, p.copy, kind, key, fld) for p in props])
        return
    req = _req_of(plan, kind, key)
    dom = _domain_of(plan, req)
    recs = [r for r in (p.copy.state.get(k) for p in props) if r is not None]
    when, who = max(((r.when, r.who) for r in recs), default=("", ""))
    outside = any(p.copy.origin.domains and dom and dom not in p.copy.origin.domains for p in props)
    plan.changes.append(Change(kind, key, fld, req, dom, _jsonable(lv), values[0],
                               tuple(str(p.copy.path) for p in props),
                               tuple(dict.fromkeys(p.copy.assessor for p in props)), who, when, bool(outside),
                               _subject(plan, kind, key)))


def _who_when(rec: Rec | None) -> tuple[str, str]:
    return (rec.who, rec.when) if rec is not None else ("", "")
