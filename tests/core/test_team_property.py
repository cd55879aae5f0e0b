"""Team merge properties: order does not matter without conflicts; a team equals one assessor doing it all."""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdassess.model import Model
from cdassess.records import Finding
from cdassess.services import Assessment
from cdassess.store.team import read_state
from cdassess.team import make_copy, plan_merge

STATUSES = ("met", "partial", "not_met", "unrated")
# one edit: (operation, which of the copy's own requirements, a number for texts and statuses)
OPS = st.tuples(st.sampled_from(["rate", "note", "review", "add_finding", "edit_finding", "delete_finding",
                                 "evidence", "claim"]),
                st.integers(0, 50), st.integers(0, 3))


def _apply_ops(path: Path, who: str, own: list[str], ops: list[tuple[str, int, int]]) -> None:
    with Assessment.open(path, actor=who) as a:
        for op, i, n in ops:
            req = own[i % len(own)]
            mine = [f for f in a.findings() if f.req_id in own]
            if op == "rate":
                a.rate(req, STATUSES[n])
            elif op == "note":
                a.set_note(req, f"{who} note {n}")
            elif op == "review":
                a.set_needs_review(req, bool(n % 2))
            elif op == "add_finding":
                a.save_finding(Finding(None, req, f"{who} saw {n}", priority=("high", "medium", "low")[n % 3]))
            elif op == "edit_finding" and mine:
                f = mine[i % len(mine)]
                a.save_finding(Finding(f.id, f.req_id, f.observation + " (edited)", owner=who))
            elif op == "delete_finding" and mine:
                a.delete_finding(mine[i % len(mine)].id)  # type: ignore[arg-type]
            elif op == "evidence":
                a.add_evidence_bytes(f"{who}-{n}.txt", f"{who} {n} {req}".encode(), [req])
            elif op == "claim":
                from cdassess.records import Claim
                from cdassess.scoring import Status

                a.set_claim(Claim(req, Status(STATUSES[n]), comment=f"{who} claim"))


def _result(path: Path) -> dict[str, Any]:
    with Assessment.open(path, readonly=True) as a:
        state = read_state(a.store.db)
        assert a.check() == []
        return {f"{k[0]}:{k[1]}": json.dumps(rec.fields, sort_keys=True) for k, rec in state.items()}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(OPS, max_size=8), min_size=3, max_size=3))
def test_no_conflict_merges_give_the_same_result_in_any_order(mini_model: Model,
                                                              edits: list[list[tuple[str, int, int]]]) -> None:
    reqs = list(mini_model.requirements)
    shares = [reqs[i::3] for i in range(3)]  # disjoint: no two assessors touch the same record
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        lead_path = tmp / "lead.cdassess"
        with Assessment.create(lead_path, organization="O", project="P", model=mini_model, target_level=2,
                               assessor="lead") as lead:
            lead.rate(reqs[0], "partial", note="before the copies")
            copies = []
            for n in range(3):
                p = tmp / f"c{n}.cdassess"
                make_copy(lead, p, assessor=f"a{n}")
                copies.append(p)
        for n, p in enumerate(copies):
            _apply_ops(p, f"a{n}", shares[n], edits[n])
        results = []
        for order in [*itertools.permutations(range(3)), None]:
            work = tmp / f"lead-{order}.cdassess"
            shutil.copyfile(lead_path, work)
            with Assessment.open(work, actor="lead") as a:
                steps = [[copies[i]] for i in order] if order else [copies]
                for step in steps:
                    with plan_merge(a, step) as plan:
                        assert plan.conflicts == []
                        plan.apply()
            results.append(_result(work))
        assert all(r == results[0] for r in results[1:])
        # and merging again changes nothing
        with Assessment.open(work, actor="lead") as a, plan_merge(a, copies) as plan:
            assert plan.changes == [] and plan.conflicts == []


def test_three_assessors_by_domain_reach_the_levels_of_one_assessor(tmp_path: Path, demo: Assessment) -> None:
    """Copies of a fresh assessment, each rating its own domains as the demo does, merge with no conflict."""
    model = demo.model
    ratings = demo.ratings()
    lead_path = tmp_path / "lead.cdassess"
    domains = [d.id for d in model.domains]
    shares = [domains[0:3], domains[3:5], domains[5:]]
    with Assessment.create(lead_path, organization="O", project="P", model=model, target_level=3,
                           assessor="lead") as lead:
        paths = []
        for n, share in enumerate(shares):
            p = tmp_path / f"assessor{n}.cdassess"
            make_copy(lead, p, assessor=f"assessor {n}", domains=share)
            paths.append(p)
        solo = tmp_path / "solo.cdassess"
        make_copy(lead, solo, assessor="solo")
    for p, share in zip(paths, shares, strict=True):
        with Assessment.open(p, actor=p.stem) as c:
            for req_id, r in ratings.items():
                if model.path_of(req_id)[0].id in share:
                    c.set_rating(r)
    with Assessment.open(solo, actor="solo") as c:
        for r in ratings.values():
            c.set_rating(r)
        solo_levels = c.levels()
    with Assessment.open(lead_path, actor="lead") as lead:
        with plan_merge(lead, paths) as plan:
            assert plan.conflicts == []
            assert plan.outside_share() == []
            plan.apply()
        assert lead.levels() == solo_levels == demo.levels()
        assert lead.check() == []
        by = {r.req_id: r.updated_by for r in lead.ratings().values()}
        assert set(by.values()) == {"assessor0", "assessor1", "assessor2"}
