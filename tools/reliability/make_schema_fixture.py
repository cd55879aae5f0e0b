#!/usr/bin/env python3
"""Write the fixture assessment file for the current schema version (run once per released schema).

    .venv/bin/python tools/reliability/make_schema_fixture.py

Writes tests/fixtures/schemas/schema-N.cdassess (the demo plus an interview, a deleted finding, a removed
evidence and a lock/unlock cycle, so every table and the audit log hold rows) and schema-N.json, the
content the tests expect to read back from it with any later version of cdassess. Refuses to overwrite:
a released fixture never changes.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "schemas"


def snapshot(a: Any) -> dict[str, Any]:
    """What must survive every later migration, as plain JSON."""
    m = a.meta
    return {
        "meta": {"uuid": m.uuid, "organization": m.organization, "project": m.project, "scope": m.scope,
                 "assessors": list(m.assessors), "target_level": m.target_level, "model_id": m.model_id,
                 "model_version": m.model_version, "status": m.status, "start_date": m.start_date,
                 "end_date": m.end_date},
        "ratings": {k: [str(r.status), r.note, r.justification, r.needs_review]
                    for k, r in sorted(a.ratings().items())},
        "claims": {k: [str(c.status), c.evidence_text, c.evidence_refs, c.owner, c.comment, c.source]
                   for k, c in sorted(a.claims().items())},
        "findings": [[f.id, f.req_id, f.observation, f.recommendation, f.owner, f.due_date, f.priority]
                     for f in a.findings()],
        "evidence": [[e.id, e.sha256, e.size, e.original_name, e.provided_by, e.collected_on, list(e.req_ids)]
                     for e in a.evidence_list()],
        "interviews": [[i.held_on, i.interviewees, i.interviewer, i.topic, i.notes] for i in a.store.interviews()],
        "audit": {"rows": len(a.store.audit_entries()), "head": a.store.audit_head()},
        "levels": {"overall": a.levels().overall},
        # the first digest's definition (model, ratings, identity): later digests cover more records
        "results_digest": a.legacy_results_digest() if hasattr(a, "legacy_results_digest") else a.results_digest(),
    }


def build(path: Path) -> dict[str, Any]:
    from cdassess.demo import build_demo
    from cdassess.records import Finding, Interview

    with build_demo(path, actor="fixture-maker") as a:
        a.store.add_interview(Interview(None, "2026-11-24", "张伟 Zhang Wei; Wang Fang", "李明 Li Ming",
                                        "发布流程 Release process", "Walked through the release of v2.3."))
        doomed = a.save_finding(Finding(None, None, "Temporary finding, deleted again")).new
        a.delete_finding(doomed.id)
        extra, _ = a.add_evidence_bytes("superseded.txt", b"an older export, replaced", [])
        a.remove_evidence(extra.id)
        a.lock()
        try:  # schema 2 on: the certificate register holds a row
            from cdassess.reports.certificate import write_certificate
        except ImportError:  # pragma: no cover - older trees
            pass
        else:
            write_certificate(a, path.with_suffix(".pdf"), level=1)
            path.with_suffix(".pdf").unlink()
        a.unlock("reopened to add a late observation")
        return snapshot(a)


def main() -> int:
    from cdassess.store.versions import SCHEMA_VERSION

    FIXTURES.mkdir(parents=True, exist_ok=True)
    target = FIXTURES / f"schema-{SCHEMA_VERSION}.cdassess"
    expected = target.with_suffix(".json")
    if target.exists() or expected.exists():
        print(f"{target.name} exists; a released fixture never changes", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("CDASSESS_HOME", str(Path(tmp) / "home"))
        path = Path(tmp) / target.name
        data = build(path)
        for leftover in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            assert not leftover.exists() or leftover.stat().st_size == 0, leftover
        target.write_bytes(path.read_bytes())
    expected.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size} bytes) and {expected.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
