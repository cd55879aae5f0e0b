"""Sealed results: the digest a lock freezes, the lock's signature, and checking both.

The results digest covers every record ``check`` covers (the assessment's details, the level rule, the model
snapshot's hash, ratings with notes and review flags, claims, findings, interviews, evidence hashes, names and
links). Locking signs a statement of that digest and of the audit chain's head just before the lock row with
the installation's key (:mod:`cdassess.signing`); the lock's audit row stores the statement and signature.

What it protects against: a file whose history before a lock was rewritten consistently (records changed,
the whole audit chain and the frozen digest recomputed) no longer verifies, because the signed head and digest
do not match, and nobody without the private key can sign new ones. What it does not protect against: someone
holding the installation's private key (or its passphrase and the key file), a rewrite of a file that was never
locked, and locks made by a cdassess older than signed locks (before the file's upgrade marker). The current lock
must be signed by this installation's key or a trusted one; an earlier lock (the file was unlocked since) is
checked for consistency with the key it names, which another installation may not know.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdassess.errors import Problem

if TYPE_CHECKING:
    from cdassess.signing import KeyStore

LOCK_TYPE = "cdassess-lock/1"
DIGEST_VERSION = 2


def _blob(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def model_hash(a: Any) -> str:
    return hashlib.sha256(a.store.model_json().encode("utf-8")).hexdigest()


def results_payload(a: Any, *, ratings: Any = None, claims: Any = None, findings: Any = None,
                    evidence: Any = None) -> dict[str, Any]:
    """Everything the digest covers, as plain JSON values (records the caller has read already are given)."""
    m = a.meta
    ratings = a.ratings() if ratings is None else ratings
    claims = a.claims() if claims is None else claims
    findings = a.findings() if findings is None else findings
    evidence = a.evidence_list() if evidence is None else evidence
    return {
        "v": DIGEST_VERSION,
        "assessment": m.uuid, "organization": m.organization, "project": m.project, "scope": m.scope,
        "assessors": list(m.assessors), "dates": [m.start_date or "", m.end_date or ""],
        "model": [a.model.id, a.model.version, model_hash(a)],
        "target_level": m.target_level, "level_rule": m.level_rule,
        "ratings": {k: [str(r.status), r.justification, r.note, r.needs_review]
                    for k, r in sorted(ratings.items())},
        "claims": {k: [str(c.status), c.evidence_text, c.evidence_refs, c.owner, c.comment]
                   for k, c in sorted(claims.items())},
        "findings": [[f.id, f.req_id, f.observation, f.recommendation, f.owner, f.due_date, f.priority]
                     for f in findings],
        "interviews": [[i.held_on, i.interviewees, i.interviewer, i.topic, i.notes] for i in a.interviews()],
        "evidence": [[e.sha256, e.size, e.original_name, e.provided_by, e.collected_on, e.description,
                      sorted(e.req_ids)] for e in evidence],
        "reviews": _reviews(a),
    }


def _reviews(a: Any) -> dict[str, list[str]]:
    """Evidence review records (the evidence lifecycle), when the file has them."""
    from cdassess.store.cycles import CycleRecords

    return {str(k): [r.status, r.reason, r.reviewer, r.represents_date, r.valid_until]
            for k, r in sorted(CycleRecords(a.store).reviews().items())}


def results_digest(a: Any, **records: Any) -> str:
    return _blob(results_payload(a, **records))


def legacy_results_digest(a: Any) -> str:
    """The digest of cdassess before signed locks (model, ratings and identity only): old locks froze it."""
    ratings = {k: [str(r.status), r.justification] for k, r in sorted(a.ratings().items())}
    payload = {
        "assessment": a.meta.uuid, "organization": a.meta.organization, "project": a.meta.project,
        "model": [a.model.id, a.model.version, model_hash(a)],
        "target_level": a.meta.target_level, "level_rule": a.meta.level_rule, "ratings": ratings,
    }
    return _blob(payload)


def result_statuses(a: Any) -> dict[str, list[str]]:
    """Per requirement: [status, justification] (what the register keeps to name what changed later)."""
    return {k: [str(r.status), r.justification] for k, r in sorted(a.ratings().items())}


def lock_signer(a: Any, digest: str, keys: KeyStore | None = None) -> Any:
    """The callable the store calls inside the lock's transaction with the audit position before the lock."""
    from cdassess.signing import KeyStore, canonical_json

    store = keys or KeyStore()

    def sign(seq: int, head: str) -> dict[str, Any]:
        own = store.own_public()
        statement = {"type": LOCK_TYPE, "assessment": a.meta.uuid, "digest": digest, "rule": a.meta.level_rule,
                     "model_sha256": model_hash(a), "audit_seq": seq, "audit_head": head, "key": own.key_id,
                     "public_key": base64.b64encode(own.raw).decode("ascii"), "key_name": own.name}
        data = canonical_json(statement)
        return {"statement": data.decode("utf-8"), "signature": base64.b64encode(store.sign(data)).decode("ascii")}

    return sign


@dataclass(frozen=True)
class LockSeal:
    """A lock row of the audit log and what its signature says."""

    seq: int
    digest: str
    signed: bool
    key_id: str = ""
    key_name: str = ""


def lock_rows(a: Any) -> tuple[list[Any], int]:
    """The lock rows of the audit log and the sequence number of the upgrade marker (0: none; the file was
    created by a cdassess that signs every lock)."""
    marker = 0
    locks = []
    for e in a.store.audit_entries_of("upgrade", "lock"):  # only these rows: the log may have a million
        if e.action == "upgrade" and e.target == "schema" and '"0005_certificate_register"' in (e.new or ""):
            marker = marker or e.seq
        elif e.action == "lock" and e.target == "assessment":
            locks.append(e)
    return locks, marker


def verify_locks(a: Any, keys: KeyStore | None = None) -> tuple[list[Problem], list[LockSeal]]:
    """Check every lock's signature against the audit chain before it and the own or trusted keys."""
    from cdassess.signing import KeyStore, canonical_json, key_id_of

    store = keys or KeyStore()
    trusted = set(store.verifiers())
    if keys is not None:  # a key store given for signing: the installation's own trust still counts
        trusted |= set(KeyStore().verifiers())
    locks, marker = lock_rows(a)
    problems: list[Problem] = []
    seals: list[LockSeal] = []
    for e in locks:
        where = f"lock at audit log row {e.seq}"
        try:
            value = json.loads(e.new or "{}")
        except ValueError:
            continue  # an unreadable row: the chain check reports it
        digest = str(value.get("frozen_digest") or "")
        signed = value.get("signed")
        if not isinstance(signed, dict):
            if marker and e.seq < marker:
                seals.append(LockSeal(e.seq, digest, False))
                continue  # made by an older cdassess, before locks were signed
            problems.append(Problem(where, "is not signed (its signature was removed, or the lock was written "
                                           "behind cdassess)"))
            continue
        try:
            statement_text = str(signed["statement"])
            statement = json.loads(statement_text)
            signature = base64.b64decode(str(signed["signature"]), validate=True)
            raw = base64.b64decode(str(statement["public_key"]), validate=True)
        except (KeyError, ValueError, TypeError):
            problems.append(Problem(where, "has an unreadable signature"))
            continue
        from cdassess.signing import PublicKey

        key = PublicKey(raw, str(statement.get("key_name", "")))
        data = statement_text.encode("utf-8")
        if canonical_json(statement) != data or not key.verifies(signature, data) or \
                statement.get("key") != key_id_of(raw) or statement.get("type") != LOCK_TYPE:
            problems.append(Problem(where, "its signature does not match its statement (the lock was altered)"))
            continue
        prev = a.store.audit_entry(e.seq - 1)
        head = prev.hash if prev is not None else "0" * 64
        if statement.get("audit_seq") != e.seq - 1 or statement.get("audit_head") != head:
            problems.append(Problem(where, "the audit log before the lock is not the one that was signed: the "
                                           "history before the lock was rewritten"))
        if statement.get("digest") != digest:
            problems.append(Problem(where, "the frozen results digest is not the one that was signed"))
        if statement.get("assessment") != a.meta.uuid:
            problems.append(Problem(where, "was signed for another assessment"))
        if key.key_id not in trusted and a.meta.locked and e is locks[-1]:
            problems.append(Problem(where, f"is signed by key {key.key_id} ({key.name or 'no name'}), which this "
                                           "installation does not trust; if it is your assessor's key, import "
                                           "it with 'cdassess keys trust FILE'"))
        seals.append(LockSeal(e.seq, digest, True, key.key_id, key.name))
    return problems, seals


def frozen_matches(a: Any) -> bool:
    """Whether the frozen digest of a locked assessment matches its records now."""
    frozen = str(a.meta.frozen_digest or "")
    if not frozen:
        return True
    return frozen in (results_digest(a), legacy_results_digest(a))
