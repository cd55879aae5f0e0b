"""Signed locks, the certificate register and the completeness check, tried as a user and as an attacker would."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdassess.model import Model
from cdassess.services import Assessment
from cdassess.store.audit import row_hash


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from cdassess.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def _ready(tmp_path: Path, mini_model: Model, name: str = "a.cdassess") -> Path:
    """A mini assessment rated met up to level 2 with evidence linked, so it is ready to lock."""
    path = tmp_path / name
    with Assessment.create(path, organization="Acme", project="Billing", model=mini_model, target_level=2) as a:
        reqs = [r.id for r in mini_model.iter_requirements(2)]
        for r in reqs:
            a.rate(r, "met")
        ev, _ = a.add_evidence_bytes("pipeline.txt", b"pipeline log", reqs)
        from cdassess.cycles import review_evidence

        review_evidence(a, ev.id, status="accepted")
    return path


def _drop_trigger(con: sqlite3.Connection) -> str:
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_append_only_update'").fetchone()[0]
    con.execute("DROP TRIGGER audit_append_only_update")
    return str(sql)


def _rewrite_history(path: Path, req_id: str, status: str) -> None:
    """The attack of issue 16: change a rating, rewrite its audit rows, recompute the whole chain and the frozen
    digest, keep the lock row's signature (the attacker lacks the key)."""
    con = sqlite3.connect(path, isolation_level=None)
    trigger = _drop_trigger(con)
    con.execute("UPDATE rating SET status = ? WHERE req_id = ?", [status, req_id])
    rows = con.execute("SELECT seq, at, actor, action, target, old, new FROM audit ORDER BY seq").fetchall()
    prev = "0" * 64
    for seq, at, actor, action, target, old, logged in rows:
        new = logged
        if target == f"requirement:{req_id}" and action == "rate":
            value = json.loads(new)
            value["status"] = status
            new = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        h = row_hash(seq, at, actor, action, target, old, new, prev)
        con.execute("UPDATE audit SET new = ?, prev_hash = ?, hash = ? WHERE seq = ?", [new, prev, h, seq])
        prev = h
    con.execute(trigger)  # put the append-only trigger back, as a careful attacker would
    con.close()
    with Assessment.open(path, readonly=True) as a:
        digest = a.results_digest()
    con = sqlite3.connect(path, isolation_level=None)
    trigger = _drop_trigger(con)
    con.execute("UPDATE assessment SET frozen_digest = ?", [digest])
    rows = con.execute("SELECT seq, at, actor, action, target, old, new FROM audit ORDER BY seq").fetchall()
    prev = "0" * 64
    for seq, at, actor, action, target, old, logged in rows:
        new = logged
        if action == "lock":
            value = json.loads(new)
            value["frozen_digest"] = digest
            new = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        h = row_hash(seq, at, actor, action, target, old, new, prev)
        con.execute("UPDATE audit SET new = ?, prev_hash = ?, hash = ? WHERE seq = ?", [new, prev, h, seq])
        prev = h
    con.execute(trigger)  # put the append-only trigger back, as a careful attacker would
    con.close()


def _check_text(path: Path) -> str:
    with Assessment.open(path, readonly=True) as a:
        return "\n".join(str(p) for p in a.check())


def test_a_consistent_rewrite_of_the_history_before_a_lock_is_detected(tmp_path: Path, mini_model: Model) -> None:
    path = _ready(tmp_path, mini_model)
    with Assessment.open(path) as a:
        a.lock()
        assert a.check() == []
        victim = next(iter(mini_model.iter_requirements(1))).id
    _rewrite_history(path, victim, "not_met")
    text = _check_text(path)
    # the chain and the frozen digest are consistent again: only the signature tells
    assert "does not link" not in text and "altered after it was written" not in text
    assert "history before the lock was rewritten" in text
    assert "frozen results digest is not the one that was signed" in text
    res = _cli("report", "certificate", str(path), "-o", str(tmp_path / "c.pdf"), "--level", "1")
    assert res.returncode == 1 and "lock does not verify" in res.stderr
    assert not (tmp_path / "c.pdf").exists()


def _resign(path: Path, transform: Any) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    trigger = _drop_trigger(con)
    rows = con.execute("SELECT seq, at, actor, action, target, old, new FROM audit ORDER BY seq").fetchall()
    prev = "0" * 64
    for seq, at, actor, action, target, old, logged in rows:
        new = logged
        if action == "lock":
            new = json.dumps(transform(json.loads(new)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        h = row_hash(seq, at, actor, action, target, old, new, prev)
        con.execute("UPDATE audit SET new = ?, prev_hash = ?, hash = ? WHERE seq = ?", [new, prev, h, seq])
        prev = h
    con.execute(trigger)  # put the append-only trigger back, as a careful attacker would
    con.close()


def test_a_stripped_or_foreign_signature_is_reported(tmp_path: Path, mini_model: Model) -> None:
    from cdassess.sealing import lock_signer
    from cdassess.signing import KeyStore

    path = _ready(tmp_path, mini_model)
    with Assessment.open(path) as a:
        a.lock()
        entries = a.store.audit_entries()
        seq, head, digest = entries[-2].seq, entries[-2].hash, a.meta.frozen_digest
        assert digest is not None
        forged = lock_signer(a, digest, KeyStore(tmp_path / "mallory"))(seq, head)
    _resign(path, lambda v: {k: x for k, x in v.items() if k != "signed"})
    assert "is not signed" in _check_text(path)
    _resign(path, lambda v: {**v, "signed": forged})
    text = _check_text(path)
    assert "does not trust" in text and "is not signed" not in text


def test_lock_refuses_until_ready_and_force_locks(tmp_path: Path, mini_model: Model) -> None:
    path = tmp_path / "open.cdassess"
    with Assessment.create(path, organization="Acme", project="Billing", model=mini_model, target_level=2) as a:
        first = next(iter(mini_model.iter_requirements(1))).id
        a.rate(first, "met")
        a.rate(next(r.id for r in mini_model.iter_requirements(2) if r.id != first), "na", justification="x")
        from cdassess.records import Finding

        a.save_finding(Finding(None, first, "No rollback rehearsal"))
        a.add_evidence_bytes("unreviewed.txt", b"x", [])
    res = _cli("lock", str(path))
    assert res.returncode == 1
    assert "not ready to lock" in res.stderr
    for expected in ("unrated up to the target level", f"{first}: rated met without any linked evidence",
                     "evidence not yet accepted",
                     "has no owner", "has no due date"):
        assert expected in res.stderr, res.stderr
    with Assessment.open(path, readonly=True) as a:
        assert not a.meta.locked
    res = _cli("lock", str(path), "--force")
    assert res.returncode == 0, res.stderr
    assert "signed with key" in res.stdout


def test_register_unlock_supersedes_and_verify_against(tmp_path: Path, mini_model: Model) -> None:
    path = _ready(tmp_path, mini_model)
    other = _ready(tmp_path, mini_model, "other.cdassess")
    assert _cli("lock", str(path)).returncode == 0
    cert = tmp_path / "cert.pdf"
    res = _cli("report", "certificate", str(path), "-o", str(cert))
    assert res.returncode == 0, res.stderr
    info = json.loads(_cli("info", str(path), "--json").stdout)
    [row] = info["certificates"]
    assert row["status"] == "valid" and row["level"] == 2 and row["audit_seq"] > 0 and len(row["digest"]) == 64
    with Assessment.open(path, readonly=True) as a:
        assert any(e.action == "issue_certificate" and row["number"] in e.target for e in a.store.audit_entries())
    res = _cli("verify", str(cert), "--against", str(path))
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("valid")
    res = _cli("verify", str(cert), "--against", str(other))
    assert res.returncode == 1 and "unknown to this file" in res.stdout
    res = _cli("unlock", str(path), "--reason", "late evidence")
    assert res.returncode == 0 and "superseded" in res.stdout and row["number"] in res.stdout
    changed = next(iter(mini_model.iter_requirements(2))).id
    assert _cli("rate", str(path), changed, "partial").returncode == 0
    res = _cli("verify", str(cert), "--against", str(path))
    assert res.returncode == 1
    assert "superseded" in res.stdout and changed in res.stdout
    info = json.loads(_cli("info", str(path), "--json").stdout)
    assert info["certificates"][0]["status"] == "superseded"


@pytest.mark.parametrize("name", ["Acme 😀 Ltd", "شركة أكمي", "บริษัท เอ", "Ac\u200bme", "עברית"])
def test_names_the_certificate_cannot_print_are_refused_at_issue(tmp_path: Path, mini_model: Model,
                                                                 name: str) -> None:
    from cdassess.reports.certificate import CertificateRefused, write_certificate

    path = _ready(tmp_path, mini_model)
    with Assessment.open(path) as a:
        a.update_details(organization=name)
        a.lock()
        with pytest.raises(CertificateRefused, match="cannot print these characters") as info:
            write_certificate(a, tmp_path / "c.pdf")
        assert "U+" in str(info.value) and "organization" in str(info.value)
        assert a.certificates() == []
    assert not (tmp_path / "c.pdf").exists()
