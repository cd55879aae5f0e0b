"""Every item model passes Qt's model tester, unfiltered and filtered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdassess.scoring import Status
from cdassess.services import Assessment
from ui.session import AssessmentSession
from ui.tree_model import FILTERS, ModelTreeModel, RequirementFilter


def test_tree_model_passes_the_model_tester(qtmodeltester: Any, mini_path: Path) -> None:
    with Assessment.open(mini_path) as a:
        session = AssessmentSession(a)
        model = ModelTreeModel(session)
        qtmodeltester.check(model, force_py=True)
        # a rating change emits dataChanged for the row and its ancestors while the tester watches
        session.set_rating(session.rating("A.X.1.L1").with_changes(status=Status.MET))
        model.rebuild()


def test_tree_model_on_the_demo_passes_qts_own_tester(qtmodeltester: Any, demo_path: Path) -> None:
    with Assessment.open(demo_path) as a:
        qtmodeltester.check(ModelTreeModel(AssessmentSession(a)))


@pytest.mark.parametrize("key", FILTERS)
def test_filter_proxy_passes_the_model_tester(qtmodeltester: Any, mini_path: Path, key: str) -> None:
    with Assessment.open(mini_path) as a:
        session = AssessmentSession(a)
        session.set_rating(session.rating("A.X.1.L2").with_changes(status=Status.NOT_MET))
        proxy = RequirementFilter(ModelTreeModel(session))
        proxy.set_filter(key)
        proxy.set_search("level 2" if key == "all" else "")
        qtmodeltester.check(proxy, force_py=True)
        session.set_rating(session.rating("A.X.1.L1").with_changes(status=Status.PARTIAL))


def test_implicit_subdomains_are_hidden(mini_path: Path) -> None:
    with Assessment.open(mini_path) as a:
        tree = ModelTreeModel(AssessmentSession(a))
        implicit = [s for s in a.model.subdomains.values() if s.implicit]
        assert implicit, "the mini model has a domain without subdomains"
        for s in implicit:
            domain = tree.nodes[s.domain_id]
            assert {c.kind for c in domain.children} == {"item"}
        assert all(n.kind != "subdomain" or not n.obj.implicit for n in tree.nodes.values())
