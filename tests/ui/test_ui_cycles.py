"""Cycles in the window: the re-confirm filter and F8, last cycle's rating shown, compare view, evidence review."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from uihelpers import select

from cdassess.cycles import evidence_reviews, reassess
from cdassess.scoring import Status
from cdassess.services import Assessment
from ui.cycles import CompareDialog, ReviewDialog


@pytest.fixture
def cycle(tmp_path: Path, demo_path: Path) -> tuple[Path, Path]:
    old = tmp_path / "2026.cdassess"
    shutil.move(demo_path, old)
    new = tmp_path / "2027.cdassess"
    reassess(old, new).close()
    return old, new


def test_reconfirm_filter_and_f8_walk_last_cycles_ratings(window: Any, qtbot: Any,
                                                          cycle: tuple[Path, Path]) -> None:
    _old, new = cycle
    assert window.open_path(new)
    s = window.session
    queue = set(s.reconfirm)
    assert len(queue) > 100
    window.filter.setCurrentIndex(window.filter.findData("to_reconfirm"))
    shown = [r for r in window.tree_model.requirement_ids() if not window._hidden(r)]
    assert set(shown) == queue
    assert window.next_unrated(1)
    first = window.current_requirement()
    assert first in queue
    text = window.requirement_pane.claim.text()
    assert "Last cycle:" in text and "To re-confirm" in text
    assert window.rate_current(Status(s.previous[first].status))  # re-confirm with last year's rating
    assert first not in s.reconfirm
    assert window._hidden(first)  # the filter no longer shows it
    assert window.current_requirement() in queue - {first}
    with Assessment.open(new, readonly=True) as check:
        assert str(check.ratings()[first].status) == s.previous[first].status


def test_compare_view_shows_both_cycles_and_saves(window: Any, qtbot: Any, cycle: tuple[Path, Path], dialogs: Any,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = cycle
    dialog = CompareDialog(None, old)
    qtbot.addWidget(dialog)
    dialog.files.addItem(str(new))
    assert dialog.run()
    assert "#1" in dialog.summary.text() and "L2" in dialog.summary.text() and "L0" in dialog.summary.text()
    assert dialog.levels.columnCount() == 3
    assert dialog.levels.item(0, 0).text().startswith("CD.CM")
    assert [dialog.levels.item(0, c).text() for c in (1, 2)] == ["L2", "L0"]
    assert dialog.changed.rowCount() > 100
    assert dialog.radar.renderer().isValid()
    out = tmp_path / "cmp.pdf"
    monkeypatch.setattr("ui.cycles.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    assert dialog.save(".pdf") and out.stat().st_size > 1000
    dialog.files.clear()
    dialog.files.addItem(str(old))
    dialog.files.addItem(str(tmp_path / "missing.cdassess"))
    assert not dialog.run()
    assert "missing.cdassess" in dialogs.errors()[-1]
    assert not dialog.pdf_button.isEnabled()


def test_evidence_review_in_the_pane_is_undoable(window: Any, qtbot: Any, demo_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.open_path(demo_path)
    rid = "CD.TM.TA.04.L3"
    select(window, rid)
    pane = window.evidence_pane
    pane.list.topLevelItem(0).setSelected(True)
    assert pane.review_button.isEnabled()
    eid = pane.selected()[0].id

    def answer(dlg: ReviewDialog) -> int:
        dlg.status.setCurrentIndex(dlg.status.findData("rejected"))
        assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()  # a reason is needed
        dlg.reason.setText("screenshot of another project")
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(ReviewDialog, "exec", answer)
    assert pane.review()
    assert pane.list.topLevelItem(0).text(6) == "Rejected"
    assert window.session.evidence_state[rid] == "rejected"
    window.undo.undo()
    with Assessment.open(demo_path, readonly=True) as check:
        assert evidence_reviews(check)[eid].status == "submitted"
    window.undo.redo()
    with Assessment.open(demo_path, readonly=True) as check:
        assert evidence_reviews(check)[eid].reason == "screenshot of another project"
    window.filter.setCurrentIndex(window.filter.findData("evidence_expired"))
    assert [r for r in window.tree_model.requirement_ids() if not window._hidden(r)] == [rid]
