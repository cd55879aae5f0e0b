"""The use cases the UI and the CLI call, so both behave the same.

An :class:`Assessment` is one open assessment file plus its capability model (the snapshot stored inside the
file, so a copied file carries its model along). Edits return a typed change (cdassess/changes.py): the
caller decides what to refresh.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.changes import (
    ClaimChange,
    EvidenceChange,
    FindingChange,
    InterviewChange,
    MetaChange,
    ModelChange,
    RatingChange,
)
from cdassess.errors import AssessmentFileError, CdassessError, InvalidValueError
from cdassess.library import ModelLibrary
from cdassess.model import Model, parse_snapshot
from cdassess.outputs import apply_umask
from cdassess.records import PRIORITIES, AssessmentMeta, AuditEntry, Claim, Evidence, Finding, Interview, Rating
from cdassess.reportopts import ReportOptions, ReportOptionsChange
from cdassess.rules import check_date, check_optional_date, check_rating
from cdassess.scoring import (
    DomainGaps,
    Explanation,
    LevelReport,
    LevelRule,
    Progress,
    compute_levels,
    explain,
    gaps,
    progress,
    what_if,
)
from cdassess.store import AssessmentStore, new_uuid

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


def default_actor() -> str:
    """Who edits: $CDASSESS_USER, else the login name."""
    env = os.environ.get("CDASSESS_USER", "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Assessment:
    store: AssessmentStore
    model: Model
    _meta: AssessmentMeta | None = field(default=None, repr=False)

    # ------------------------------------------------------------------------------------ open / create

    @classmethod
    def create(cls, path: str | Path, *, organization: str, project: str, target_level: int = 3,
               model: Model | None = None, model_id: str | None = None, assessor: str | None = None,
               scope: str = "", assessors: Iterable[str] = (), library: ModelLibrary | None = None,
               start_date: str | None = None, end_date: str | None = None,
               model_json: str | None = None) -> Assessment:
        """Create a new assessment file (never overwrites). ``model_json``: ``model``'s JSON when the caller has
        it already (a re-assessment copies the snapshot text instead of serializing the model again)."""
        if not organization.strip():
            raise InvalidValueError("the organization name is required")
        if not project.strip():
            raise InvalidValueError("the project name is required")
        check_optional_date(start_date, "start date")
        check_optional_date(end_date, "end date")
        if model is None:
            lib = library or ModelLibrary()
            model = lib.load(model_id) if model_id else lib.builtin()
        if target_level not in model.level_numbers:
            raise InvalidValueError(f"target level {target_level} is not a level of model {model.id} "
                                    f"(accepted: {model.level_range_text()})")
        actor = assessor or default_actor()
        names = [a.strip() for a in assessors if a.strip()] or [actor]
        meta = AssessmentMeta(uuid=new_uuid(), organization=organization.strip(), project=project.strip(),
                              target_level=target_level, model_id=model.id, model_version=model.version,
                              scope=scope.strip(), assessors=tuple(names), start_date=start_date,
                              end_date=end_date)
        store = AssessmentStore.create(Path(path), meta, model_json or model.to_json(), actor=actor)
        return cls(store, model)

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, actor: str | None = None,
             unsafe: bool = False) -> Assessment:
        """Open a file; ``unsafe`` (read-only only) also reads a file whose schema is not genuine."""
        store = AssessmentStore.open(Path(path), readonly=readonly, actor=actor or default_actor(), unsafe=unsafe)
        try:
            model = parse_snapshot(store.model_json(), f"{Path(path).name} (model snapshot)")
        except BaseException as exc:
            store.close()
            if isinstance(exc, (sqlite3.DatabaseError, UnicodeDecodeError)):
                from cdassess.store.connection import damaged

                raise damaged(Path(path), exc) from None
            if isinstance(exc, RecursionError):
                raise AssessmentFileError(f"{path}: the model snapshot is nested too deeply to read; the file is "
                                          "damaged or crafted") from None
            raise
        return cls(store, model)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Assessment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    @property
    def meta(self) -> AssessmentMeta:
        if self._meta is None:
            self._meta = self.store.meta()
        return self._meta

    def _changed_meta(self) -> None:
        self._meta = None

    @property
    def rule(self) -> LevelRule:
        return LevelRule(self.meta.level_rule)

    # ------------------------------------------------------------------------------------ queries

    def ratings(self) -> dict[str, Rating]:
        return self.store.ratings()

    def rating(self, req_id: str) -> Rating:
        self.model.requirement(req_id)
        return self.store.rating(req_id)

    def statuses(self) -> dict[str, str]:
        """Each rated requirement's status (two columns read, no rating records made). Callers that need them
        for several figures read them once and pass them on (``levels``, ``gaps``, ``progress``, ``explain``)."""
        return self.store.statuses()

    def claims(self) -> dict[str, Claim]:
        return self.store.claims()

    def findings(self, req_id: str | None = None) -> list[Finding]:
        return self.store.findings(req_id)

    def evidence_list(self) -> list[Evidence]:
        return self.store.evidence_list()

    def evidence_for(self, req_id: str) -> list[Evidence]:
        return self.store.evidence_for(req_id)

    def levels(self, statuses: Mapping[str, str] | None = None) -> LevelReport:
        return compute_levels(self.model, self.statuses() if statuses is None else statuses, self.rule)

    def gaps(self, target: int | None = None, statuses: Mapping[str, str] | None = None,
             report: LevelReport | None = None) -> list[DomainGaps]:
        """``report``: the levels of the same ``statuses`` when the caller has computed them already."""
        t = self._level_arg(target)
        st = self.statuses() if statuses is None else statuses
        return gaps(self.model, st, t, self.rule, report if statuses is not None else None)

    def explain(self, level: int | None = None, statuses: Mapping[str, str] | None = None) -> Explanation:
        return explain(self.model, self.statuses() if statuses is None else statuses, level, self.rule)

    def what_if(self, changes: Mapping[str, str]) -> tuple[LevelReport, LevelReport]:
        return what_if(self.model, self.statuses(), {k: self.parse_status(v) for k, v in changes.items()},
                       self.rule)

    def progress(self, max_level: int | None = None, only: Iterable[str] | None = None,
                 statuses: Mapping[str, str] | None = None) -> Progress:
        return progress(self.model, self.statuses() if statuses is None else statuses, max_level, only)

    def _level_arg(self, level: int | None) -> int:
        n = self.meta.target_level if level is None else level
        if n not in self.model.level_numbers:
            raise InvalidValueError(f"level {n} is not a level of model {self.model.id} "
                                    f"(accepted: {self.model.level_range_text()})")
        return n

    # ------------------------------------------------------------------------------------ ratings

    def parse_status(self, value: str) -> str:
        """An option id of the model's scale (or "unrated") from an id, a label or one of the scale's words."""
        return self.model.scale.parse_or_raise(value)

    def rate(self, req_id: str, status: str, *, note: str | None = None,
             justification: str | None = None, needs_review: bool | None = None,
             action: str = "rate") -> RatingChange:
        """Set the assessor's rating (an option id of the model's scale, a label or an answer word, or
        "unrated"); fields given as None keep their value. An N/A-like option needs a justification."""
        st = self.parse_status(status)
        old = self.rating(req_id)
        new = old.with_changes(
            status=st,
            note=old.note if note is None else note.strip(),
            justification=old.justification if justification is None else justification.strip(),
            needs_review=old.needs_review if needs_review is None else needs_review,
        )
        return self.set_rating(new, action=action)

    def set_rating(self, rating: Rating, *, action: str = "rate", restore: bool = False) -> RatingChange:
        """Store a whole rating record as given; ``restore`` (undo) keeps its original author and time."""
        self.model.requirement(rating.req_id)
        check_rating(rating, self.model.scale)  # the rules hold whoever calls (window, undo, imports)
        if rating.status not in self.model.scale and rating.status != self.store.rating(rating.req_id).status:
            self._known_status(rating.status, rating.req_id)
        old, new = self.store.put_rating(rating, action=action, restore=restore)
        return RatingChange(rating.req_id, old, new)

    def _known_status(self, status: str, req_id: str) -> None:
        if status != "unrated" and status not in self.model.scale:
            raise InvalidValueError(f"{req_id}: {status!r} is not an option of model {self.model.id}'s rating scale "
                                    f"(accepted: {', '.join(self.model.scale.ids)}, unrated)")

    def accept_claims(self, req_ids: Iterable[str]) -> list[RatingChange]:
        """Take the team's claim as the assessor's rating of each requirement, in one transaction, audited as
        ``accept_claim``. Requirements without a claim are left alone; an N/A claim takes the claim's comment
        as its justification and is refused without one (nothing is written then)."""
        changes: list[RatingChange] = []
        with self.store.batch("accept the team's claims"):
            for rid in dict.fromkeys(req_ids):
                claim = self.store.claim(rid)
                if str(claim.status) == "unrated":
                    continue
                old = self.rating(rid)
                changes.append(self.rate(rid, claim.status, justification=old.justification or claim.comment,
                                         action="accept_claim"))
        return changes

    def set_note(self, req_id: str, note: str) -> RatingChange:
        return self.set_rating(self.rating(req_id).with_changes(note=note.strip()))

    def set_needs_review(self, req_id: str, flag: bool) -> RatingChange:
        return self.set_rating(self.rating(req_id).with_changes(needs_review=flag))

    # ------------------------------------------------------------------------------------ claims

    def set_claim(self, claim: Claim, *, source: str = "") -> ClaimChange:
        self.model.requirement(claim.req_id)
        self._known_status(claim.status, claim.req_id)
        old, new = self.store.put_claim(claim, source=source)
        return ClaimChange(claim.req_id, old, new)

    def set_claims(self, claims: Sequence[tuple[Claim, str]]) -> list[ClaimChange]:
        """Many (claim, source) pairs in one transaction, checked as ``set_claim`` checks each (imports)."""
        for claim, _ in claims:
            self.model.requirement(claim.req_id)
            self._known_status(claim.status, claim.req_id)
        return [ClaimChange(new.req_id, old, new) for old, new in self.store.put_claims(list(claims))]

    # ------------------------------------------------------------------------------------ findings

    def save_finding(self, finding: Finding) -> FindingChange:
        if finding.req_id is not None:
            self.model.requirement(finding.req_id)
        if not finding.observation.strip():
            raise InvalidValueError("a finding needs an observation")
        if finding.priority not in PRIORITIES:
            raise InvalidValueError(f"unknown priority {finding.priority!r} (accepted: {', '.join(PRIORITIES)})")
        check_optional_date(finding.due_date, "due date")
        old = self.store.finding(finding.id) if finding.id is not None else None
        new = self.store.save_finding(finding)
        return FindingChange(old, new)

    def delete_finding(self, finding_id: int) -> FindingChange:
        old = self.store.delete_finding(finding_id)
        return FindingChange(old, None)

    def restore_finding(self, finding: Finding) -> FindingChange:
        new = self.store.restore_finding(finding)
        return FindingChange(None, new)

    # ------------------------------------------------------------------------------------ interviews

    def audit_log(self, target_prefix: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, oldest first (only rows whose target starts with ``target_prefix``; the last ``limit``)."""
        return self.store.audit_entries(target_prefix, limit)

    def interviews(self) -> list[Interview]:
        return self.store.interviews()

    def add_interview(self, interview: Interview) -> InterviewChange:
        if not interview.interviewees.strip():
            raise InvalidValueError("an interview needs the people interviewed")
        check_date(interview.held_on, "interview date")
        return InterviewChange(self.store.add_interview(interview))

    # ------------------------------------------------------------------------------------ evidence

    def add_evidence_file(self, path: str | Path, req_ids: Iterable[str] = (), *, provided_by: str = "",
                          collected_on: str = "", description: str = "", progress: ProgressFn | None = None,
                          cancelled: CancelledFn | None = None, max_bytes: int | None = None) -> tuple[Evidence, bool]:
        """Attach a file (streamed in chunks, hashed, deduplicated) and link it to requirements.

        Only regular files: a FIFO, device or socket is refused without being opened for a blocking read.
        The size and modification time are taken before and after reading; a file that changed meanwhile is
        refused. ``max_bytes`` (default :func:`evidence_size_limit`) caps one file; the disk beside the
        assessment must have room for it.
        """
        from cdassess.evidence_input import open_regular_file

        ids = list(dict.fromkeys(req_ids))
        for r in ids:
            self.model.requirement(r)
        if collected_on:
            check_date(collected_on, "collection date")
        p = Path(path)
        source = open_regular_file(p, self.path, max_bytes)
        with source:
            try:
                return self.store.add_evidence(source.fh, source.size, p.name, ids, provided_by=provided_by,
                                               collected_on=collected_on, description=description,
                                               progress=progress, cancelled=cancelled,
                                               before_publish=source.verify_unchanged)
            except OSError as exc:
                raise CdassessError(f"{p}: reading failed ({exc.strerror or exc}); nothing was added") from None

    def add_evidence_bytes(self, name: str, data: bytes, req_ids: Iterable[str] = (), *, provided_by: str = "",
                           collected_on: str = "", description: str = "") -> tuple[Evidence, bool]:
        import io

        check_optional_date(collected_on, "collection date")
        ids = list(dict.fromkeys(req_ids))
        for r in ids:
            self.model.requirement(r)
        return self.store.add_evidence(io.BytesIO(data), len(data), name, ids, provided_by=provided_by,
                                       collected_on=collected_on, description=description)

    def link_evidence(self, evidence_id: int, req_ids: Iterable[str]) -> EvidenceChange:
        ids = list(dict.fromkeys(req_ids))
        for r in ids:
            self.model.requirement(r)
        linked = self.store.link_evidence(evidence_id, ids)
        return EvidenceChange(evidence_id, tuple(linked))

    def unlink_evidence(self, evidence_id: int, req_id: str) -> EvidenceChange:
        done = self.store.unlink_evidence(evidence_id, req_id)
        return EvidenceChange(evidence_id, (req_id,) if done else ())

    def update_evidence(self, evidence_id: int, *, description: str | None = None,
                        provided_by: str | None = None, collected_on: str | None = None) -> EvidenceChange:
        """Edit what is said about stored evidence; its content and hash never change."""
        check_optional_date(collected_on, "collection date")
        given = {"description": description, "provided_by": provided_by, "collected_on": collected_on}
        old, new = self.store.update_evidence(evidence_id, {k: v.strip() for k, v in given.items() if v is not None})
        return EvidenceChange(evidence_id, new.req_ids, old, new)

    def remove_evidence(self, evidence_id: int) -> EvidenceChange:
        old = self.store.remove_evidence(evidence_id)
        return EvidenceChange(evidence_id, old.req_ids, old, None)

    def extract_evidence(self, evidence_id: int, dest: str | Path, *, overwrite: bool = False,
                         progress: ProgressFn | None = None) -> Path:
        """Write stored evidence to ``dest`` (a file, or a folder to put it in under a safe name).

        The content is verified against its SHA-256 while it is written; a mismatch leaves no file.
        """
        ev = self.store.evidence(evidence_id)
        d = Path(dest)
        target = d / safe_filename(ev.original_name, f"evidence-{ev.id}") if d.is_dir() else d
        if not target.parent.is_dir():
            raise CdassessError(f"{target.parent}: no such folder")
        if target.exists() and not overwrite:
            raise CdassessError(f"{target}: already exists (choose another name, or overwrite explicitly)")
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-extract-")
        done = 0
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in self.store.evidence_chunks(evidence_id):
                    digest.update(chunk)
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, ev.size)
            if digest.hexdigest() != ev.sha256:
                raise AssessmentFileError(f"{self.path}: evidence {ev.id} ({ev.original_name}) is damaged: its "
                                          "content no longer matches its SHA-256; nothing was extracted")
            apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    # ------------------------------------------------------------------------------------ details, lock

    def update_details(self, **changes: Any) -> MetaChange:
        from cdassess.records import EDITABLE_META

        for key in changes:
            if key not in EDITABLE_META:
                raise InvalidValueError(f"{key!r} cannot be edited (editable: {', '.join(EDITABLE_META)})")
        for key, label in (("start_date", "start date"), ("end_date", "end date")):
            if key in changes:
                check_optional_date(changes[key], label)
        if "target_level" in changes:
            changes["target_level"] = self._level_arg(int(changes["target_level"]))
        if "level_rule" in changes:
            LevelRule(changes["level_rule"])
        old = self.meta
        new = self.store.update_meta(**changes)
        self._changed_meta()
        return MetaChange(old, new)

    def orphaned_by(self, model: Model) -> list[str]:
        """Requirement ids with ratings, claims, findings or evidence links that ``model`` does not have."""
        used = set(self.ratings()) | set(self.claims())
        used |= {f.req_id for f in self.findings() if f.req_id}
        used |= {r for e in self.evidence_list() for r in e.req_ids}
        return sorted(r for r in used if r not in model.requirements)

    def switch_model(self, model: Model, *, force: bool = False) -> ModelChange:
        """Put the assessment on another model or model version (e.g. licensed requirement texts).

        Ratings, claims, findings and evidence stay attached to the same requirement IDs. Records whose IDs
        the new model lacks would be orphaned: that is refused unless ``force``.
        """
        orphans = self.orphaned_by(model)
        if orphans and not force:
            shown = ", ".join(orphans[:5]) + (f" and {len(orphans) - 5} more" if len(orphans) > 5 else "")
            raise InvalidValueError(f"model {model.id} {model.version} lacks {len(orphans)} requirement(s) this "
                                    f"assessment uses ({shown}); their ratings would be orphaned (use force)")
        if self.meta.target_level not in model.level_numbers:
            raise InvalidValueError(f"the target level {self.meta.target_level} is not a level of model "
                                    f"{model.id} (levels {model.level_range_text()})")
        old = (self.model.id, self.model.version)
        self.store.replace_model(model.id, model.version, model.to_json())
        self.model = model
        self._changed_meta()
        return ModelChange(old, (model.id, model.version), tuple(orphans))

    def results_digest(self, **records: Any) -> str:
        """SHA-256 over every record ``check`` covers, the level rule and the model snapshot (cdassess.sealing);
        ``records``: ratings, claims, findings or evidence the caller has just read."""
        from cdassess.sealing import results_digest

        return results_digest(self, **records)

    def legacy_results_digest(self) -> str:
        """The digest older cdassess froze at lock (model, ratings, identity); kept to check their locks."""
        from cdassess.sealing import legacy_results_digest

        return legacy_results_digest(self)

    def readiness(self, target: int | None = None) -> list[Any]:
        """What an assessor should settle before locking and issuing (cdassess.readiness.ReadyItem list)."""
        from cdassess.readiness import readiness

        return readiness(self, self._level_arg(target))

    def lock(self, *, require_ready: bool = False, keys: Any = None) -> MetaChange:
        """Freeze the results: the digest and the audit head before the lock are signed with the installation's
        key. ``require_ready`` refuses (:class:`cdassess.readiness.NotReadyError`) while the completeness check
        lists anything."""
        from cdassess.sealing import lock_signer

        if require_ready:
            from cdassess.readiness import NotReadyError

            items = self.readiness()
            if items:
                raise NotReadyError(self.path, items)
        old = self.meta
        digest = self.results_digest()
        new = self.store.set_locked(True, digest=digest, signer=lock_signer(self, digest, keys))
        self._changed_meta()
        return MetaChange(old, new)

    def unlock(self, reason: str) -> MetaChange:
        """Unlock with a reason; every certificate issued on the frozen results is marked superseded."""
        old = self.meta
        new = self.store.set_locked(False, reason=reason)
        self._changed_meta()
        return MetaChange(old, new)

    def certificates(self) -> list[Any]:
        """The certificate register (cdassess.store.certificates.CertificateRecord), oldest first."""
        return self.store.certificates()

    def register_certificate(self, *, number: str, level: int, scope: str, issued: str, valid_until: str,
                             digest: str, audit: tuple[int, str], key_id: str, code: str) -> Any:
        """Write an issued certificate into the register (with its audit row), remembering each requirement's
        result at issue so a later ``verify --against`` can name what changed."""
        from cdassess.sealing import result_statuses
        from cdassess.store.certificates import CertificateRecord
        from cdassess.store.connection import now_iso

        results = result_statuses(self)

        def record(_seq: int, _head: str) -> CertificateRecord:
            return CertificateRecord(number, level, scope, issued, valid_until, digest, audit[0], audit[1], key_id,
                                     code, {"ratings": results}, issued_at=now_iso(),
                                     issued_by=self.store.actor or "unknown")

        return self.store.register_certificate(record)

    # ------------------------------------------------------------------------------------ report options

    def report_options(self) -> ReportOptions:
        """The gap report's saved options (cdassess.reportopts): sections, logo, cover text, signature block."""
        return self.store.report_options()

    def set_report_options(self, options: ReportOptions) -> ReportOptionsChange:
        """Validate and save the report options (one audited edit; allowed on a locked assessment: they change
        what the report shows around the results, never a result)."""
        from cdassess.reportopts import validated

        new = validated(options)
        old, saved = self.store.set_report_options(new)
        return ReportOptionsChange(old, saved)

    def valid_certificates(self) -> list[Any]:
        return [c for c in self.store.certificates() if not c.superseded]

    def check(self, keys: Any = None) -> list[Any]:
        from cdassess.sealing import frozen_matches, verify_locks

        problems = self.store.check()
        try:
            meta = self.meta
            frozen_differs = bool(meta.locked and meta.frozen_digest and not frozen_matches(self))
            lock_problems = verify_locks(self, keys)[0]
        except Exception as exc:
            from cdassess.errors import Problem

            problems.append(Problem("SQLite", f"the file is damaged: records cannot be read ({exc})"[:300]))
            return problems
        if frozen_differs:
            from cdassess.errors import Problem

            problems.append(Problem("locked results", "ratings or model changed after the assessment was locked"))
        problems += lock_problems
        return problems


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def safe_filename(name: str, fallback: str) -> str:
    """A plain file name from an untrusted original name: no folders, no '..', no device names."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = _UNSAFE.sub("_", base).strip().strip(".").strip()
    if not base or base in {".", ".."}:
        return fallback
    if base.split(".")[0].upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        base = "_" + base
    return _fit_bytes(base, 200)


def _fit_bytes(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` UTF-8 bytes (file systems count bytes: 200 emoji are 800), keeping a
    short extension and never splitting a character."""
    if len(name.encode("utf-8", "surrogatepass")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8", "surrogatepass")) > 16:
        stem, ext = name, ""
    room = limit - (len(ext.encode("utf-8", "surrogatepass")) + 1 if ext else 0)
    cut = stem.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
    return f"{cut}.{ext}" if ext else cut

