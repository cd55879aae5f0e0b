"""New-assessment dialog (built-in and imported models), settings: the assessor goes into the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from uihelpers import press, select

from cdassess.library import ModelLibrary
from cdassess.model import Model
from cdassess.services import Assessment
from ui.dialogs import NewAssessmentDialog, SettingsDialog


def test_new_assessment_lists_builtin_and_imported_models(qtbot: Any, settings: Any, mini_model: Model) -> None:
    ModelLibrary().add(mini_model)
    dlg = NewAssessmentDialog(settings)
    qtbot.addWidget(dlg)
    labels = [dlg.model.itemText(i) for i in range(dlg.model.count())]
    assert any("caict-devops-cd" in t and "built-in" in t for t in labels)
    assert any("mini 1.0" in t and "imported" in t for t in labels)
    dlg.model.setCurrentIndex(dlg.model.findData("mini"))
    assert (dlg.target.minimum(), dlg.target.maximum()) == (1, 3)


def test_new_assessment_creates_the_file_and_opens_it(window: Any, tmp_path: Path, mini_model: Model,
                                                      monkeypatch: pytest.MonkeyPatch, dialogs: Any) -> None:
    ModelLibrary().add(mini_model)
    target = tmp_path / "acme.cdassess"

    def fill_and_accept(dlg: NewAssessmentDialog) -> int:
        dlg.organization.setText("Acme 公司")
        dlg.project.setText("Billing")
        dlg.scope.setText("billing service")
        dlg.assessors.setText("Li Ming, Sarah Chen")
        dlg.model.setCurrentIndex(dlg.model.findData("mini"))
        dlg.target.setValue(2)
        dlg.path.setText(str(target))
        return 1

    monkeypatch.setattr(NewAssessmentDialog, "exec", fill_and_accept)
    target.write_bytes(b"")  # taken: the error is shown and the dialog comes back
    calls = []
    original = fill_and_accept

    def twice(dlg: NewAssessmentDialog) -> int:
        calls.append(1)
        if len(calls) == 2:
            target.unlink()
        return original(dlg)

    monkeypatch.setattr(NewAssessmentDialog, "exec", twice)
    window.new_assessment()
    assert len(calls) == 2
    assert "already exists" in dialogs.errors()[0]
    assert window.session is not None
    assert window.session.assessment.path == target
    window.close()
    with Assessment.open(target, readonly=True) as a:
        assert (a.meta.organization, a.meta.project, a.meta.target_level) == ("Acme 公司", "Billing", 2)
        assert a.meta.assessors == ("Li Ming", "Sarah Chen")
        assert a.model.id == "mini"
    assert window.settings.recent_files()[0] == str(target.resolve())


def test_assessor_from_settings_is_the_actor(qtbot: Any, settings: Any, dialogs: Any, mini_path: Path) -> None:
    dlg = SettingsDialog(settings)
    qtbot.addWidget(dlg)
    dlg.assessor.setText("Li Ming")
    dlg.text_language.setCurrentIndex(dlg.text_language.findData("en"))
    assert not dlg.apply()  # the interface language did not change: no restart needed
    assert settings.assessor == "Li Ming"
    from ui.main_window import MainWindow

    w = MainWindow(settings)
    qtbot.addWidget(w)
    assert w.open_path(mini_path)
    select(w, "A.X.1.L1")
    press(w.tree, Qt.Key.Key_1)
    w.close()
    with Assessment.open(mini_path, readonly=True) as a:
        assert a.rating("A.X.1.L1").updated_by == "Li Ming"
        assert a.store.audit_entries()[-1].actor == "Li Ming"


def test_details_change_the_target_and_undo_restores_it(window: Any, mini_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs import DetailsDialog

    def edit(dlg: DetailsDialog) -> int:
        dlg.organization.setText("Acme Ltd")
        dlg.target.setValue(3)
        return 1

    monkeypatch.setattr(DetailsDialog, "exec", edit)
    assert window.open_path(mini_path)
    window.edit_details()
    assert window.tree_model.index_of("A", 1).data() == "L0 of L3"
    assert window.tree_model.index_of("A", 2).data() == "0/5"
    with Assessment.open(mini_path, readonly=True) as a:
        assert (a.meta.organization, a.meta.target_level) == ("Acme Ltd", 3)
    window.undo.undo()
    assert window.tree_model.index_of("A", 1).data() == "L0 of L2"
    with Assessment.open(mini_path, readonly=True) as a:
        assert (a.meta.organization, a.meta.target_level) == ("Org", 2)
