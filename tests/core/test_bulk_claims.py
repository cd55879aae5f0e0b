"""Claims written together (an import) leave the same rows and audit entries as one by one, and check passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cdassess.errors import InvalidValueError, NotFoundError
from cdassess.records import Claim
from cdassess.services import Assessment


def _claims(a: Assessment) -> list[Claim]:
    ids = [r.id for r in a.model.iter_requirements()]
    return [
        Claim(ids[0], "met", "流水线 pipeline log", "PL-1", "张伟", ""),
        Claim(ids[1], "partial", 'quote " and \\ backslash', "", "", "注释"),
        Claim(ids[2], "not_met"),
        Claim(ids[0], "partial", "changed in the same batch"),  # the second write of one requirement wins
        Claim(ids[3], "met", "x"),
        Claim(ids[3]),  # blank: deletes the claim just set
    ]


def _log(a: Assessment) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(e.actor, e.action, e.target, e.old, e.new) for e in a.audit_log() if e.action == "claim"]


def test_set_claims_writes_what_set_claim_writes_one_by_one(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    a.set_claim(Claim(a.model.iter_requirements().__next__().id, "not_met", "before"), source="earlier")
    a.close()
    twin = tmp_path / "twin.cdassess"
    shutil.copyfile(a.path, twin)
    with Assessment.open(a.path, actor="alice") as one, Assessment.open(twin, actor="alice") as many:
        claims = _claims(one)
        singly = [one.set_claim(c, source="questionnaire q.xlsx") for c in claims]
        together = many.set_claims([(c, "questionnaire q.xlsx") for c in claims])
        assert [(c.req_id, c.old.as_audit(), c.new.as_audit()) for c in together] == \
               [(c.req_id, c.old.as_audit(), c.new.as_audit()) for c in singly]
        strip = {k: (v.status, v.evidence_text, v.evidence_refs, v.owner, v.comment, v.source)
                 for k, v in one.claims().items()}
        assert {k: (v.status, v.evidence_text, v.evidence_refs, v.owner, v.comment, v.source)
                for k, v in many.claims().items()} == strip
        assert _log(many) == _log(one)
        assert len(_log(many)) == 1 + len(claims)
        assert many.check() == []  # the chained hashes and the replay of every claim agree


def test_set_claims_is_all_or_nothing(mini_assessment: Assessment) -> None:
    a = mini_assessment
    ids = [r.id for r in a.model.iter_requirements()]
    head = a.store.audit_head()
    with pytest.raises(InvalidValueError):
        a.set_claims([(Claim(ids[0], "met"), "q"), (Claim(ids[1], "excellent"), "q")])
    with pytest.raises(NotFoundError):
        a.set_claims([(Claim(ids[0], "met"), "q"), (Claim("NO.SUCH.ID", "met"), "q")])
    assert a.claims() == {}
    assert a.store.audit_head() == head
