"""The window for a whole on-site day: scope up to the target, the team's claims, search everything, the
assessor's tools (what-if, explain, audit log, interviews), workshop mode, the required N/A justification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit
from uihelpers import select, visible_requirements

from cdassess.records import Claim, Finding
from cdassess.scoring import Status
from cdassess.services import Assessment
from ui import messages
from ui.settings import Settings
from ui.tree_model import COL_CLAIM


def test_scope_up_to_the_target_is_the_default_and_drives_the_tree_and_f8(window: Any, demo_path: Path,
                                                                          tmp_path: Path) -> None:
    assert Settings(QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)).scope_to_target
    assert window.open_path(demo_path)
    everything = visible_requirements(window)
    assert len(everything) == 240
    window.scope.setChecked(True)
    shown = visible_requirements(window)
    assert len(shown) == 144 and all(window.session.model.requirements[r].level <= 3 for r in shown)
    assert window.scope.text() == "Up to L3"
    seen = set()
    for _ in range(60):
        window.next_unrated(1)
        seen.add(window.current_requirement())
    assert all(window.session.model.requirements[r].level <= 3 for r in seen)
    window.scope.setChecked(False)
    assert len(visible_requirements(window)) == 240
    assert not window.settings.scope_to_target


def test_claim_column_and_accept_claim_for_one_and_for_all_shown_with_one_undo(window: Any, demo_path: Path,
                                                                             dialogs: Any) -> None:
    with Assessment.open(demo_path) as a:
        a.set_claim(Claim("CD.CM.VC.01.L4", Status.MET, "MR-2231 shows the merge rules", "MR-2231"))
    assert window.open_path(demo_path)
    s = window.session
    idx = window.tree_model.index_of("CD.CM.VC.01.L4", COL_CLAIM)
    assert idx.data() == "Met"
    assert s.claim_differs("CD.CM.VC.01.L4")
    assert idx.data(Qt.ItemDataRole.ForegroundRole) is not None
    select(window, "CD.CM.VC.01.L4")
    assert window.accept_claim()
    assert s.status("CD.CM.VC.01.L4") == "met"
    with Assessment.open(demo_path, readonly=True) as check:
        assert check.audit_log("requirement:CD.CM.VC.01.L4")[-1].action == "accept_claim"
    window.undo.undo()
    assert str(s.status("CD.CM.VC.01.L4")) == "partial"
    differing = [r for r in s.model.requirements if s.claim_differs(r)]
    assert len(differing) >= 2
    dialogs.answers.append(True)
    assert window.accept_shown_claims()
    assert not [r for r in s.model.requirements if s.claim_differs(r)]
    assert window.undo.count() == 1  # the undone single accept was replaced by this one step
    window.undo.undo()  # one step takes every accepted claim back
    assert sorted(r for r in s.model.requirements if s.claim_differs(r)) == sorted(differing)


def test_search_finds_notes_findings_claim_references_and_evidence(window: Any, demo_path: Path) -> None:
    with Assessment.open(demo_path) as a:
        a.set_claim(Claim("CD.BC.BP.02.L2", Status.MET, "", "MR-2231"))
        a.rate("CD.TM.TA.01.L2", "met", note="Checked the Zephyr plan with the QA lead")
        a.save_finding(Finding(None, "CD.DR.DM.01.L3", "Rollback scripts live on a laptop of Wang Wu"))
    assert window.open_path(demo_path)
    for text, rid, where in (("mr-2231", "CD.BC.BP.02.L2", "team's claim"),
                             ("zephyr plan", "CD.TM.TA.01.L2", "note"),
                             ("wang wu", "CD.DR.DM.01.L3", "finding"),
                             ("coverage-summary", "CD.TM.TA.04.L3", "evidence")):
        window.search.setText(text)
        window._search_changed()
        assert visible_requirements(window) == [rid], text
        assert window.proxy.found_in[rid] == where
        assert where in window.match_label.text()


def test_what_if_changes_levels_and_leaves_the_file_unchanged(window: Any, demo_path: Path, qtbot: Any) -> None:
    assert window.open_path(demo_path)
    before = demo_path.read_bytes()
    dialog = window.open_tool("what_if")
    qtbot.addWidget(dialog)
    assert "now L2" in dialog.outcome.text()
    for combo in dialog.combos.values():
        combo.setCurrentIndex(combo.findData("met"))
    assert "with these ratings L3" in dialog.outcome.text()
    dialog.close()
    assert demo_path.read_bytes() == before


def test_explain_audit_log_and_interviews(window: Any, demo_path: Path, qtbot: Any,
                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert window.open_path(demo_path)
    explain = window.open_tool("explain")
    qtbot.addWidget(explain)
    explain.level.setValue(3)
    assert "L3 is not reached" in explain.summary.text()
    first = explain.tree.topLevelItem(0).child(0)
    explain._activated(first, 0)
    assert window.current_requirement() == first.data(0, Qt.ItemDataRole.UserRole)
    window.rate_current(Status.MET)
    audit = window.open_tool("audit")
    qtbot.addWidget(audit)
    audit.query.setText(first.data(0, Qt.ItemDataRole.UserRole))
    assert audit.table.rowCount() >= 1
    assert audit.table.item(audit.table.rowCount() - 1, 2).text() == "tester"
    out = tmp_path / "audit.csv"
    monkeypatch.setattr("ui.tools.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    assert audit.export() and "rate" in out.read_text(encoding="utf-8-sig")
    interviews = window.open_tool("interviews")
    qtbot.addWidget(interviews)
    interviews.people.setText("Zhang Wei (release manager)")
    interviews.topic.setText("CD.DR.DM.01.L3 rollback")
    assert interviews.add()
    assert interviews.table.item(interviews.table.rowCount() - 1, 1).text() == "Zhang Wei (release manager)"
    window.search.setText("rollback")
    window._search_changed()
    assert "CD.DR.DM.01.L3" in visible_requirements(window)


def test_workshop_view_shows_the_requirement_and_hides_notes_and_names(window: Any, demo_path: Path,
                                                                        qtbot: Any) -> None:
    with Assessment.open(demo_path) as a:
        a.rate("CD.CM.VC.01.L1", "met", note="INTERNAL: the lead was nervous")
        a.save_finding(Finding(None, "CD.CM.VC.01.L1", "INTERNAL finding", owner="Secret Owner"))
    assert window.open_path(demo_path)
    select(window, "CD.CM.VC.01.L1")
    view = window.toggle_workshop()
    qtbot.addWidget(view)
    shown = view.head.text() + view.text.text() + view.details.text()
    assert "CD.CM.VC.01.L1" in shown
    assert "INTERNAL" not in shown and "Secret Owner" not in shown and "Li Ming" not in shown
    assert view.buttons[Status.MET].isChecked()
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert window.session.status("CD.CM.VC.01.L1") == "not_met"
    last = next(r for r in reversed(window.tree_model.requirement_ids()) if r.startswith("CD.CM."))
    select(window, last)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.slide_domain == "CD.CM" and "Summary of the domain" in view.head.text()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.slide_domain is None and window.current_requirement().startswith("CD.BC.")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_na_justification_is_multiline_and_required(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[QDialog] = []

    def exec_(dlg: QDialog) -> int:
        seen.append(dlg)
        edit = dlg.findChild(QPlainTextEdit)
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()
        edit.setPlainText("   ")
        assert not ok.isEnabled()
        edit.setPlainText("Line one\nline two")
        assert ok.isEnabled()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(QDialog, "exec", exec_)
    assert messages.ask_multiline(None, "N/A", "Why?", required=True) == "Line one\nline two"
    assert seen


def test_first_start_asks_the_assessors_name_unless_it_is_known(qtbot: Any, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ui.app import ask_assessor_name, os_full_name

    asked: list[str] = []

    def get_text(_parent: Any, _title: str, _label: str, text: str = "") -> tuple[str, bool]:
        asked.append(text)
        return "王芳 Wang Fang", True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    settings = Settings(QSettings(str(tmp_path / "first.ini"), QSettings.Format.IniFormat))
    monkeypatch.setenv("CDASSESS_USER", "from-env")
    ask_assessor_name(settings, None)
    assert settings.assessor == "from-env" and asked == []
    settings.assessor = ""
    monkeypatch.delenv("CDASSESS_USER")
    ask_assessor_name(settings, "from --user")
    assert settings.assessor == "from --user" and asked == []
    settings.assessor = ""
    ask_assessor_name(settings, None)
    assert asked == [os_full_name()] and settings.assessor == "王芳 Wang Fang"
    ask_assessor_name(settings, None)
    assert len(asked) == 1  # asked once: the name is kept in Settings


def test_review_flag_keeps_the_rating_time_and_undo_restores_author_and_time(window: Any, demo_path: Path) -> None:
    assert window.open_path(demo_path)
    select(window, "CD.CM.VC.01.L1")
    before = window.session.rating("CD.CM.VC.01.L1")
    assert before.updated_by and before.updated_at
    window.requirement_pane.toggle_review()
    flagged = window.session.rating("CD.CM.VC.01.L1")
    assert flagged.needs_review and (flagged.updated_at, flagged.updated_by) == (before.updated_at, before.updated_by)
    window.rate_current("not_met")
    assert window.session.rating("CD.CM.VC.01.L1").updated_by == "tester"
    window.undo.undo()
    window.undo.undo()
    with Assessment.open(demo_path, readonly=True) as check:
        r = check.rating("CD.CM.VC.01.L1")
        assert (r.status, r.updated_at, r.updated_by) == (before.status, before.updated_at, before.updated_by)
        assert check.check() == []
