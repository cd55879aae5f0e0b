"""What the catalogue records of one assessment file, read through the services (read-only).

:func:`read_snapshot` opens the file with ``Assessment.open(readonly=True)``, applies the export profile
(confidential by default: no names of people, no internal notes) and returns plain rows for every catalogue
table. Nothing here writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.catalogue.db import now_iso
from cdassess.errors import AssessmentFileError
from cdassess.export_profile import ExportProfile, redacted
from cdassess.scoring import compute_levels, gaps, progress

# Tables of a certificate register, if the file has one (named by the certificate work of this release).
_CERTIFICATE_TABLES = ("certificate_register", "certificates", "certificate")


@dataclass(frozen=True)
class FileSignature:
    """What identifies a file's state without opening it: size and modification time, its -wal sidecar's too."""

    path: str
    size: int
    mtime_ns: int
    wal_size: int
    wal_mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileSignature:
        st = path.stat()
        try:
            wst = os.stat(str(path) + "-wal")
            wal = (wst.st_size, wst.st_mtime_ns)
        except OSError:
            wal = (0, 0)
        return cls(str(path.resolve()), st.st_size, st.st_mtime_ns, *wal)


@dataclass
class Snapshot:
    """One assessment as catalogue rows."""

    assessment: dict[str, Any]
    nodes: list[tuple[Any, ...]] = field(default_factory=list)
    requirements: list[tuple[Any, ...]] = field(default_factory=list)
    findings: list[tuple[Any, ...]] = field(default_factory=list)
    model_requirements: list[tuple[Any, ...]] = field(default_factory=list)
    signature: FileSignature | None = None

    @property
    def id(self) -> str:
        return str(self.assessment["id"])

    @property
    def position(self) -> tuple[int, str]:
        return int(self.assessment["audit_seq"]), str(self.assessment["audit_at"])

    @property
    def label(self) -> str:
        a = self.assessment
        return f"{a['organization']} / {a['project']} ({a['id'][:8]})"


def read_snapshot(path: Path, profile: ExportProfile) -> Snapshot:
    """Read one assessment file; raises CdassessError (damaged, not an assessment, too new) with its name."""
    from cdassess.services import Assessment

    sig = FileSignature.of(path)
    try:
        source = Assessment.open(path, readonly=True)
    except AssessmentFileError as exc:
        if "older cdassess" not in str(exc):
            raise
        return _from_upgraded_copy(path, sig, profile)
    with source:
        return _snapshot_of(source, sig, profile)


def _from_upgraded_copy(path: Path, sig: FileSignature, profile: ExportProfile) -> Snapshot:
    """A file of an older schema cannot be read read-only (reading would need its upgrade): read an upgraded
    temporary copy instead, so the file itself is never changed. The audit position is the original's."""
    import shutil
    import tempfile

    from cdassess.services import Assessment

    with tempfile.TemporaryDirectory(prefix="cdassess-catalogue-") as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        wal = Path(str(path) + "-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(copy) + "-wal"))
        position = _last_audit_row(copy)  # before the upgrade, which may append an audit row of its own
        Assessment.open(copy, actor="cdassess catalogue").close()  # upgrades the copy
        with Assessment.open(copy, readonly=True) as source:
            snap = _snapshot_of(source, sig, profile)
    if position is not None:
        snap.assessment.update(audit_seq=position[0], audit_at=position[1], audit_head=position[2])
    return snap


def _last_audit_row(path: Path) -> tuple[int, str, str] | None:
    """The last audit row of a temporary copy (plain SQLite, read-only): where the original file is."""
    import sqlite3

    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT seq, at, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return (int(row[0]), str(row[1]), str(row[2])) if row else None


def _snapshot_of(source: Any, sig: FileSignature, profile: ExportProfile) -> Snapshot:
    a = redacted(source, profile)
    model, meta = a.model, a.meta
    rule = a.rule
    ratings = a.ratings()
    statuses = {k: r.status for k, r in ratings.items()}
    rep = compute_levels(model, statuses, rule)
    gap_ids = {r.id for g in gaps(model, statuses, meta.target_level, rule, report=rep) for r in g.requirements}
    satisfied = {rid for rid, st in statuses.items() if rule.satisfied(st, model.scale)}
    last = source.store.audit_entries(limit=1)
    seq, at, head = (last[0].seq, last[0].at, last[0].hash) if last else (0, meta.updated_at, "")
    certificates = _certificate_count(source)
    status = "certified" if certificates else meta.status
    prog = progress(model, statuses)
    assessed_on = (meta.end_date or meta.start_date or meta.created_at or now_iso())[:10]
    aid = meta.uuid
    row = {
        "id": aid, "organization": meta.organization, "project": meta.project,
        "business_unit": meta.business_unit, "scope": meta.scope, "model_id": model.id,
        "model_version": model.version, "model_name_zh": model.names.zh, "model_name_en": model.names.en,
        "min_level": model.min_level, "max_level": model.max_level, "status": status,
        "certificates": certificates, "assessors": ", ".join(meta.assessors), "level_rule": meta.level_rule,
        "target_level": meta.target_level, "overall_level": rep.overall,
        "target_met": int(rep.overall >= meta.target_level), "rated": prog.rated, "total": prog.total,
        "gaps": len(gap_ids), "overall_score": rep.overall_score, "start_date": meta.start_date,
        "end_date": meta.end_date,
        "assessed_on": assessed_on, "created_at": meta.created_at, "updated_at": meta.updated_at,
        "locked_at": meta.locked_at, "audit_seq": seq, "audit_at": at, "audit_head": head,
        "profile": profile.name, "source_path": sig.path, "added_at": now_iso(),
    }
    snap = Snapshot(row, signature=sig)
    # per-node score: the share of its requirements that are satisfied (0..1)
    sat_count: dict[str, int] = {}
    req_count: dict[str, int] = {}
    for req in model.requirements.values():
        item = model.items[req.item_id]
        ok = req.id in satisfied
        for node in (item.id, item.subdomain_id, item.domain_id):
            req_count[node] = req_count.get(node, 0) + 1
            sat_count[node] = sat_count.get(node, 0) + ok
        r = ratings.get(req.id)
        snap.requirements.append((aid, req.id, item.id, item.domain_id, req.level,
                                  (str(r.status) if r else "unrated"), int(ok), int(req.id in gap_ids),
                                  int(bool(r and r.needs_review)), (r.note if r else "")))
        snap.model_requirements.append((model.id, model.version, req.id, item.id, item.domain_id,
                                        req.level, req.text.zh, req.text.en))

    def score(node: str) -> float:
        n = req_count.get(node, 0)
        return round(sat_count.get(node, 0) / n, 4) if n else 1.0

    for d in model.domains:
        snap.nodes.append((aid, d.id, "domain", None, d.id, d.names.zh, d.names.en, rep.domains[d.id],
                           score(d.id), rep.scores.get(d.id), len(snap.nodes)))
        for s in d.subdomains:
            if not s.implicit and s.id != d.id:
                snap.nodes.append((aid, s.id, "subdomain", d.id, d.id, s.names.zh, s.names.en, rep.subdomains[s.id],
                                   score(s.id), rep.scores.get(s.id), len(snap.nodes)))
            for i in s.items:
                parent = s.id if not s.implicit and s.id != d.id else d.id
                snap.nodes.append((aid, i.id, "item", parent, d.id, i.names.zh, i.names.en, rep.items[i.id],
                                   score(i.id), rep.scores.get(i.id), len(snap.nodes)))
    for f in a.findings():
        is_open = f.req_id is None or f.req_id not in satisfied
        snap.findings.append((aid, f.id, f.req_id, f.observation, f.recommendation, f.owner, f.due_date,
                              f.priority, int(is_open)))
    return snap


def _certificate_count(a: Any) -> int:
    """Issued certificates recorded in the file's certificate register (0 when it has none)."""
    register = getattr(a, "certificates", None)
    if callable(register):
        try:  # superseded certificates (replaced by a later one) do not count
            return sum(1 for c in register() if getattr(c, "status", "valid") == "valid")
        except Exception:
            return 0
    db = a.store.db
    for table in _CERTIFICATE_TABLES:
        if db.table_exists(table):
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return 0
