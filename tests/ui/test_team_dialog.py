"""Hand out copies and the merge preview in the window, on real files, offscreen."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from cdassess.model import Model
from cdassess.services import Assessment
from cdassess.team import make_copy, origin_of, plan_merge
from ui import team_dialog
from ui.team_dialog import HandOutDialog, MergeDialog


@pytest.fixture
def lead(tmp_path: Path, mini_model: Model) -> Any:
    a = Assessment.create(tmp_path / "lead.cdassess", organization="Org", project="Proj", model=mini_model,
                          target_level=2, assessor="lead", assessors=["Li Ming", "Sarah Chen"])
    yield a
    a.close()


def _two_copies_one_conflict(lead: Assessment, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    reqs = list(lead.model.requirements)
    p1, p2 = tmp_path / "li.cdassess", tmp_path / "sarah.cdassess"
    make_copy(lead, p1, assessor="Li Ming", domains=["A"])
    make_copy(lead, p2, assessor="Sarah Chen", domains=["B"])
    with Assessment.open(p1, actor="li") as c:
        c.rate(reqs[0], "met", note="pipeline demo")
        c.add_evidence_bytes("li-log.txt", b"li's log", [reqs[0]])
    with Assessment.open(p2, actor="sarah") as c:
        c.rate(reqs[0], "partial")
        c.rate(reqs[-1], "met")
    return p1, p2, reqs


def _buttons(dialog: MergeDialog) -> dict[str, QPushButton]:
    return {b.text(): b for b in dialog.findChildren(QPushButton) if b.isVisible() or True}


def test_preview_shows_changes_and_conflicts_and_applies_when_decided(qtbot: Any, tmp_path: Path,
                                                                      lead: Assessment) -> None:
    p1, p2, reqs = _two_copies_one_conflict(lead, tmp_path)
    with plan_merge(lead, [p1, p2]) as plan:
        dialog = MergeDialog(plan)
        qtbot.addWidget(dialog)
        assert dialog.conflicts.rowCount() == 1
        changed = {dialog.changes.item(r, 0).text() + " " + dialog.changes.item(r, 1).text()
                   for r in range(dialog.changes.rowCount())}
        assert f"{reqs[-1]} rating" in changed and f"{reqs[0]} note" in changed
        assert f"{reqs[0]} evidence li-log.txt" in changed  # evidence is named by its file, not its hash
        assert not dialog.apply_button.isEnabled()
        detail = dialog.detail.text()
        assert "Li Ming" in detail and "Sarah Chen" in detail and ": Met<" in detail and ": Partially met<" in detail
        assert "li-log.txt" in detail  # the evidence linked on Li's side
        # Sarah's rating of a domain-A requirement is outside her share, but it is in the conflict, not a change
        take_sarah = dialog.findChild(QPushButton, f"take:{p2}")
        assert take_sarah is not None
        qtbot.mouseClick(take_sarah, Qt.MouseButton.LeftButton)
        assert plan.conflicts[0].decision is not None
        sides = [b.text() for b in dialog.findChildren(QPushButton) if b.objectName().startswith("take:")]
        assert sides == ["Take the lead's", "Take Li Ming's", "Take Sarah Chen's", "Newest"]  # old ones are gone
        assert dialog.conflicts.item(0, 2).text() == "Sarah Chen: Partially met"
        assert dialog.apply_button.isEnabled()
        plan.apply()
    assert lead.rating(reqs[0]).status == "partial"
    assert lead.rating(reqs[0]).note == "pipeline demo"
    assert lead.rating(reqs[-1]).status == "met"
    assert lead.check() == []


def test_a_third_value_is_validated_and_can_decide(qtbot: Any, tmp_path: Path, lead: Assessment,
                                                   dialogs: Any) -> None:
    p1, p2, _reqs = _two_copies_one_conflict(lead, tmp_path)
    with plan_merge(lead, [p1, p2]) as plan:
        dialog = MergeDialog(plan)
        qtbot.addWidget(dialog)
        dialog.third_value.setText("sideways")
        qtbot.mouseClick(dialog.third_button, Qt.MouseButton.LeftButton)
        assert plan.conflicts[0].decision is None
        assert dialogs.kinds() == ["error"] and "not a rating of this model's scale" in dialogs.shown[0][2]
        dialog.third_value.setText("Not met")  # the scale's own words are understood
        qtbot.mouseClick(dialog.third_button, Qt.MouseButton.LeftButton)
        assert plan.conflicts[0].decision is not None and plan.conflicts[0].decision.value == "not_met"
        assert dialog.apply_button.isEnabled()


def test_merge_menu_action_reloads_the_window(qtbot: Any, window: Any, tmp_path: Path, mini_model: Model,
                                              dialogs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "lead.cdassess"
    Assessment.create(path, organization="Org", project="Proj", model=mini_model, target_level=2).close()
    assert window.open_path(path)
    lead = window.session.assessment
    reqs = list(lead.model.requirements)
    p1 = tmp_path / "li.cdassess"
    make_copy(lead, p1, assessor="Li Ming")
    with Assessment.open(p1, actor="li") as c:
        c.rate(reqs[1], "met")
    monkeypatch.setattr(team_dialog.QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p1)], ""))
    monkeypatch.setattr(MergeDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    action = next(a for a in window._plugged if a.text() == "&Merge copies…")
    action.trigger()
    assert window.session.assessment.rating(reqs[1]).status == "met"
    assert window.session.status(reqs[1]) == "met"  # the window reloaded what the merge wrote
    assert any("1 change(s) applied" in text for _, _, text in dialogs.shown)


def test_hand_out_dialog_writes_one_copy_per_assessor(qtbot: Any, tmp_path: Path, lead: Assessment) -> None:
    dialog = HandOutDialog(lead)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2  # the assessment's assessors
    dialog.set_share(0, ("A",))
    dialog.set_share(1, ("B",))
    dialog.add_row("Wang Wei", ("A", "B"))
    out = tmp_path / "copies"
    out.mkdir()
    dialog.folder.setText(str(out))
    made = dialog.write()
    assert sorted(p.name for p in made) == ["lead-Li_Ming.cdassess", "lead-Sarah_Chen.cdassess",
                                            "lead-Wang_Wei.cdassess"]
    with Assessment.open(out / "lead-Sarah_Chen.cdassess", readonly=True) as c:
        origin = origin_of(c)
        assert origin is not None and origin.assessor == "Sarah Chen" and origin.domains == ("B",)
