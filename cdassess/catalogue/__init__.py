"""The portfolio catalogue: many assessments in one database (SQLite file or PostgreSQL), no Qt.

``Catalogue.open(target)`` with a SQLite path or a ``postgresql://`` URL; :meth:`Catalogue.add` records
assessment files (their rows keyed by the assessment's id; the newest audit position wins, an older copy never
overwrites a newer one), :meth:`Catalogue.report` answers the portfolio questions (cdassess.catalogue.report).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.catalogue.db import CatalogueDb, CatalogueError, is_postgres, redact_url
from cdassess.catalogue.extract import FileSignature, Snapshot, read_snapshot
from cdassess.catalogue.query import filters
from cdassess.catalogue.schema import check_readable, migrate
from cdassess.errors import CdassessError
from cdassess.export_profile import CONFIDENTIAL, ExportProfile

__all__ = ["AddResult", "Catalogue", "CatalogueError", "find_assessment_files", "is_postgres", "redact_url"]

ASSESSMENT_SUFFIX = ".cdassess"
_BATCH = 100  # assessments written per transaction

_ASSESSMENT_COLUMNS = (
    "id", "organization", "project", "business_unit", "scope", "model_id", "model_version", "model_name_zh",
    "model_name_en", "min_level", "max_level", "status", "certificates", "assessors", "level_rule", "target_level",
    "overall_level", "target_met", "rated", "total", "gaps", "overall_score", "start_date", "end_date", "assessed_on",
    "created_at",
    "updated_at", "locked_at", "audit_seq", "audit_at", "audit_head", "profile", "source_path", "added_at",
)
_NODE_COLUMNS = ("assessment_id", "node_id", "kind", "parent_id", "domain_id", "name_zh", "name_en", "level", "score",
                 "rule_score", "position")
_REQ_COLUMNS = ("assessment_id", "req_id", "item_id", "domain_id", "level", "status", "satisfied", "gap",
                "needs_review", "note")
_FINDING_COLUMNS = ("assessment_id", "finding_id", "req_id", "observation", "recommendation", "owner", "due_date",
                    "priority", "is_open")
_MODEL_REQ_COLUMNS = ("model_id", "model_version", "req_id", "item_id", "domain_id", "level", "text_zh", "text_en")


def _insert(table: str, cols: Sequence[str], conflict: str | None = None) -> str:
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    if conflict:
        sql += f" ON CONFLICT ({conflict}) DO NOTHING"
    return sql


# The one rule of the catalogue: a row changes only for a newer audit position of the same assessment (or the
# same position read with another export profile). Evaluated by the database on the row it locks, so two
# machines adding copies at once cannot lose the newer one.
_UPSERT = (
    _insert("assessments", _ASSESSMENT_COLUMNS)
    + " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _ASSESSMENT_COLUMNS if c != "id")
    + " WHERE excluded.audit_seq > assessments.audit_seq"
    " OR (excluded.audit_seq = assessments.audit_seq AND excluded.audit_at > assessments.audit_at)"
    " OR (excluded.audit_head = assessments.audit_head AND excluded.profile <> assessments.profile)"
    " RETURNING id"
)
_SOURCE_UPSERT = (
    "INSERT INTO source_files (path, size, mtime_ns, wal_size, wal_mtime_ns, assessment_id, audit_head, profile, "
    "seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET size = excluded.size, "
    "mtime_ns = excluded.mtime_ns, wal_size = excluded.wal_size, wal_mtime_ns = excluded.wal_mtime_ns, "
    "assessment_id = excluded.assessment_id, audit_head = excluded.audit_head, profile = excluded.profile, "
    "seen_at = excluded.seen_at"
)


@dataclass
class AddResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    damaged: list[str] = field(default_factory=list)  # one line each: the file and what is wrong
    notes: list[str] = field(default_factory=list)  # older copies and other skips worth saying
    read: int = 0

    def summary(self) -> str:
        return f"added {self.added}, updated {self.updated}, skipped {self.skipped}"


def find_assessment_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Files to add: each given file, and every ``*.cdassess`` below each given folder; and the problems."""
    files: list[Path] = []
    problems: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = sorted(q for q in p.rglob(f"*{ASSESSMENT_SUFFIX}") if q.is_file())
            if not found:
                problems.append(f"{p}: no {ASSESSMENT_SUFFIX} files in this folder")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


class Catalogue:
    """An open catalogue. ``readonly`` catalogues answer questions; writable ones also add and remove."""

    def __init__(self, db: CatalogueDb) -> None:
        self.db = db

    @classmethod
    def open(cls, target: str | Path, *, readonly: bool = False) -> Catalogue:
        db = CatalogueDb.open(target, readonly=readonly, create=not readonly)
        try:
            if readonly:
                check_readable(db)
            else:
                migrate(db)
        except BaseException:
            db.close()
            raise
        return cls(db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.db.name

    # ------------------------------------------------------------------------------------ add

    def add(self, paths: Iterable[str | Path], *, profile: ExportProfile = CONFIDENTIAL,
            progress: Callable[[int, int], None] | None = None) -> AddResult:
        """Record assessment files; damaged files are named and skipped, the rest added."""
        files, problems = find_assessment_files(paths)
        result = AddResult(damaged=list(problems))
        known = {r["path"]: r for r in self.db.query(
            "SELECT s.path, s.size, s.mtime_ns, s.wal_size, s.wal_mtime_ns, s.profile, a.id AS present "
            "FROM source_files s LEFT JOIN assessments a ON a.id = s.assessment_id")}
        models_known = {(r["model_id"], r["model_version"]) for r in self.db.query(
            "SELECT DISTINCT model_id, model_version FROM model_requirements")}
        pending: dict[str, Snapshot] = {}
        older_copies: list[Snapshot] = []
        for n, path in enumerate(files, 1):
            if progress is not None:
                progress(n, len(files))
            try:
                sig = FileSignature.of(path)
            except OSError as exc:
                result.damaged.append(f"{path}: cannot be read ({exc.strerror or exc})")
                continue
            k = known.get(sig.path)
            if (k is not None and (k["size"], k["mtime_ns"], k["wal_size"], k["wal_mtime_ns"])
                    == (sig.size, sig.mtime_ns, sig.wal_size, sig.wal_mtime_ns)
                    and k["profile"] == profile.name and k["present"] is not None):
                # unchanged since it was last read, so it cannot change the catalogue: not even opened
                result.skipped += 1
                result.read += 1
                continue
            try:
                snap = read_snapshot(path, profile)
            except CdassessError as exc:
                result.damaged.append(_one_line(exc, path))
                continue
            except OSError as exc:
                result.damaged.append(f"{path}: cannot be read ({exc.strerror or exc})")
                continue
            result.read += 1
            other = pending.get(snap.id)
            if other is not None:
                older, newer = sorted((other, snap), key=lambda s: s.position)
                result.skipped += 1
                result.notes.append(f"{older.assessment['source_path']}: an older copy of {older.label} than "
                                    f"{newer.assessment['source_path']} (audit position {older.position[0]} < "
                                    f"{newer.position[0]}); the newer one is used")
                older_copies.append(older)
                pending[snap.id] = newer
            else:
                pending[snap.id] = snap
            model_key = (snap.assessment["model_id"], snap.assessment["model_version"])
            if model_key in models_known:
                snap.model_requirements = []
            models_known.add(model_key)
        snaps = list(pending.values())
        for start in range(0, len(snaps), _BATCH):
            self._write(snaps[start:start + _BATCH], result)
        if older_copies:
            with self.db.transaction():
                self._remember_sources(older_copies)
        return result

    def _write(self, snaps: list[Snapshot], result: AddResult) -> None:
        snaps = sorted(snaps, key=lambda s: s.id)  # one lock order for every machine: no deadlock between them
        with self.db.transaction():
            ids = [s.id for s in snaps]
            existing: dict[str, dict[str, Any]] = {}
            for chunk in _chunks(ids, 500):
                marks = ", ".join("?" * len(chunk))
                for r in self.db.query(f"SELECT id, audit_seq, audit_head FROM assessments WHERE id IN ({marks})",
                                       chunk):
                    existing[r["id"]] = r
            written: list[Snapshot] = []
            for s in snaps:
                row = s.assessment
                applied = self.db.execute(_UPSERT, [row[c] for c in _ASSESSMENT_COLUMNS]).fetchone() is not None
                old = existing.get(s.id)
                if not applied:
                    result.skipped += 1
                    if old is not None and old["audit_head"] != row["audit_head"]:
                        result.notes.append(f"{row['source_path']}: an older copy of {s.label} than the catalogue "
                                            f"holds (audit position {row['audit_seq']} <= {old['audit_seq']}); "
                                            "the catalogue keeps the newer one")
                    continue
                written.append(s)
                if old is None:
                    result.added += 1
                else:
                    result.updated += 1
            # every written assessment's old rows go, including one another machine added since the SELECT
            # above (its row lock made this upsert wait for it)
            for chunk in _chunks([s.id for s in written], 500):
                marks = ", ".join("?" * len(chunk))
                for table in ("nodes", "requirements", "findings"):
                    self.db.execute(f"DELETE FROM {table} WHERE assessment_id IN ({marks})", chunk)
            self.db.executemany(_insert("nodes", _NODE_COLUMNS), [n for s in written for n in s.nodes])
            self.db.executemany(_insert("requirements", _REQ_COLUMNS), [r for s in written for r in s.requirements])
            self.db.executemany(_insert("findings", _FINDING_COLUMNS), [f for s in written for f in s.findings])
            self.db.executemany(_insert("model_requirements", _MODEL_REQ_COLUMNS, "model_id, model_version, req_id"),
                                [m for s in snaps for m in s.model_requirements])
            self._remember_sources(snaps)

    def _remember_sources(self, snaps: list[Snapshot]) -> None:
        """Each file's signature, so adding it again unchanged skips it without opening it."""
        rows = []
        for snap in snaps:
            sig = _sig(snap)
            rows.append((sig.path, sig.size, sig.mtime_ns, sig.wal_size, sig.wal_mtime_ns, snap.id,
                         snap.assessment["audit_head"], snap.assessment["profile"], snap.assessment["added_at"]))
        self.db.executemany(_SOURCE_UPSERT, rows)

    # ------------------------------------------------------------------------------------ list, remove

    def assessments(self, *, model: str | None = None, unit: str | None = None,
                    since: str | None = None) -> list[dict[str, Any]]:
        where, params = filters(model=model, unit=unit, since=since)
        return self.db.query(f"SELECT * FROM assessments a{where} ORDER BY a.business_unit, a.organization, "
                             "a.project, a.assessed_on, a.id", params)

    def resolve_ids(self, given: Iterable[str]) -> list[str]:
        """Full assessment ids from ids or unique id prefixes (at least 4 characters)."""
        out = []
        for raw in given:
            g = raw.strip()
            if len(g) < 4:
                raise CatalogueError(f"{self.name}: {g!r} is too short to name an assessment (give 4 or more "
                                     "characters of its id)")
            rows = self.db.query("SELECT id FROM assessments WHERE id = ? OR substr(id, 1, ?) = ?", [g, len(g), g])
            if not rows:
                raise CatalogueError(f"{self.name}: no assessment {g!r} in the catalogue (see cdassess catalogue list)")
            if len(rows) > 1:
                raise CatalogueError(f"{self.name}: {g!r} names {len(rows)} assessments; give more of the id")
            out.append(str(rows[0]["id"]))
        return out

    def remove(self, ids: Iterable[str]) -> int:
        full = self.resolve_ids(ids)
        with self.db.transaction():
            for aid in full:
                for table in ("nodes", "requirements", "findings", "source_files"):
                    self.db.execute(f"DELETE FROM {table} WHERE assessment_id = ?", [aid])
                self.db.execute("DELETE FROM assessments WHERE id = ?", [aid])
        return len(full)

    def report(self, *, model: str | None = None, unit: str | None = None, since: str | None = None,
               top: int = 10, today: str | None = None) -> dict[str, Any]:
        from cdassess.catalogue.report import build_report

        return build_report(self.db, model=model, unit=unit, since=since, top=top, today=today)


def _sig(s: Snapshot) -> FileSignature:
    assert s.signature is not None
    return s.signature


def _chunks(seq: Sequence[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(seq), n):
        yield list(seq[i:i + n])


def _one_line(exc: BaseException, path: Path) -> str:
    text = " ".join(str(exc).split())
    return text if str(path) in text or path.name in text else f"{path}: {text}"
