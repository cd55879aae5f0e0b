"""The import preview dialog and the Excel menu actions, on real files, offscreen."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from cdassess.export_profile import FULL
from cdassess.model import Model
from cdassess.records import Claim
from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, export_workbook, read_questionnaire, read_workbook
from cdassess.xlsx.questionnaire import SHEET, SHEETS
from ui import import_dialog
from ui.import_dialog import ImportPreviewDialog


@pytest.fixture
def assessment(tmp_path: Path, mini_model: Model) -> Any:
    a = Assessment.create(tmp_path / "mini.cdassess", organization="Org", project="Proj", model=mini_model,
                          target_level=2)
    yield a
    a.close()


def _answer(q: Path, answers: dict[str, str]) -> Path:
    wb = openpyxl.load_workbook(q)
    ws = wb[SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in answers:
            row[7].value = answers[row[0].value]
    wb.save(q)
    return q


def test_dialog_shows_changes_and_enables_apply(qtbot: Any, qtmodeltester: Any, tmp_path: Path,
                                                assessment: Assessment) -> None:
    q = _answer(export_questionnaire(assessment, tmp_path / "q.xlsx"), {"A.X.1.L1": "满足", "B.1.L1": "N"})
    preview = read_questionnaire(assessment, q)
    dialog = ImportPreviewDialog(preview)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.changes_model)
    assert dialog.changes_model.rowCount() == 2
    assert dialog.problems_model.rowCount() == 0
    first = dialog.changes_model.index(0, 2)
    assert first.data() == "A.X.1.L1"
    assert dialog.changes_model.index(0, 0).data(Qt.ItemDataRole.UserRole) is preview.changes[0]
    headers = [dialog.changes_model.headerData(i, Qt.Orientation.Horizontal) for i in range(7)]
    assert headers == ["Sheet", "Row", "Target", "Field", "Action", "Old", "New"]
    assert dialog.apply_button.isEnabled()
    assert "2 change(s)" in dialog.summary.text()
    dialog.apply_button.click()
    assert dialog.result() == ImportPreviewDialog.DialogCode.Accepted


def test_dialog_with_problems_cannot_apply(qtbot: Any, qtmodeltester: Any, tmp_path: Path,
                                           assessment: Assessment) -> None:
    q = _answer(export_questionnaire(assessment, tmp_path / "q.xlsx"), {"A.X.1.L1": "Y", "A.X.1.L2": "perhaps"})
    preview = read_questionnaire(assessment, q)
    dialog = ImportPreviewDialog(preview)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.problems_model)
    assert dialog.problems_model.rowCount() == 1
    assert dialog.problems_model.index(0, 1).data() == "3"  # row
    assert dialog.problems_model.index(0, 2).data() == "H"  # column
    assert "perhaps" in dialog.problems_model.index(0, 3).data()
    assert "满足" in dialog.problems_model.index(0, 4).data()  # what is accepted
    assert not dialog.apply_button.isEnabled()
    assert "1 problem(s)" in dialog.summary.text()


def _auto_apply(monkeypatch: pytest.MonkeyPatch, seen: list[ImportPreviewDialog]) -> None:
    def fake_exec(self: ImportPreviewDialog) -> int:
        seen.append(self)
        if self.apply_button.isEnabled():
            self.apply_button.click()
        else:
            self.cancel_button.click()
        return int(self.result())

    monkeypatch.setattr(ImportPreviewDialog, "exec", fake_exec)


def test_import_questionnaire_interactive(qtbot: Any, tmp_path: Path, assessment: Assessment, dialogs: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    q = _answer(export_questionnaire(assessment, tmp_path / "q.xlsx"), {"A.X.1.L1": "是"})
    monkeypatch.setattr(import_dialog, "ask_open_xlsx", lambda *a: q)
    seen: list[ImportPreviewDialog] = []
    _auto_apply(monkeypatch, seen)
    assert import_dialog.import_questionnaire_interactive(None, assessment) is True
    assert assessment.claims()["A.X.1.L1"].status == Status.MET
    assert dialogs.kinds() == ["info"]
    # a file with problems: the dialog opens with Apply disabled, and nothing changes
    _answer(q, {"A.X.1.L1": "N", "A.X.1.L2": "???"})
    assert import_dialog.import_questionnaire_interactive(None, assessment) is False
    assert not seen[-1].apply_button.isEnabled()
    assert assessment.claims()["A.X.1.L1"].status == Status.MET


def test_import_from_another_assessment_asks_first(qtbot: Any, tmp_path: Path, assessment: Assessment,
                                                   mini_model: Model, dialogs: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    other = Assessment.create(tmp_path / "o.cdassess", organization="O", project="P", model=mini_model)
    q = _answer(export_questionnaire(other, tmp_path / "q.xlsx"), {"B.1.L1": "N/A"})
    other.close()
    monkeypatch.setattr(import_dialog, "ask_open_xlsx", lambda *a: q)
    _auto_apply(monkeypatch, [])
    assert import_dialog.import_questionnaire_interactive(None, assessment) is False  # answered no
    assert dialogs.kinds() == ["ask"] and "another assessment" in dialogs.shown[0][2]
    dialogs.answers.append(True)
    assert import_dialog.import_questionnaire_interactive(None, assessment) is True
    assert assessment.claims()["B.1.L1"].status == Status.NA


def test_bad_file_shows_an_error(qtbot: Any, tmp_path: Path, assessment: Assessment, dialogs: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "old.xlsx"
    bad.write_text("ID;Self-assessment\n", encoding="utf-8")
    monkeypatch.setattr(import_dialog, "ask_open_xlsx", lambda *a: bad)
    assert import_dialog.import_workbook_interactive(None, assessment) is False
    assert dialogs.kinds() == ["error"]
    assert "text file (CSV" in dialogs.errors()[0]


def test_import_workbook_interactive(qtbot: Any, tmp_path: Path, assessment: Assessment, dialogs: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assessment.rate("A.X.1.L1", "met", note="seen")
    assessment.set_claim(Claim("A.X.1.L2", Status.PARTIAL))
    w = export_workbook(assessment, tmp_path / "w.xlsx")
    assessment.rate("A.X.1.L1", "not_met", note="")
    monkeypatch.setattr(import_dialog, "ask_open_xlsx", lambda *a: w)
    _auto_apply(monkeypatch, [])
    assert import_dialog.import_workbook_interactive(None, assessment) is True
    rating = assessment.ratings()["A.X.1.L1"]
    assert (rating.status, rating.note) == (Status.MET, "seen")


@pytest.mark.parametrize("action", ["export_questionnaire_interactive", "export_workbook_interactive",
                                    "export_gap_plan_interactive"])
def test_exports(qtbot: Any, tmp_path: Path, assessment: Assessment, dialogs: Any,
                 monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    out = tmp_path / "out.xlsx"
    monkeypatch.setattr(import_dialog, "ask_save_xlsx", lambda *a: out)
    monkeypatch.setattr(import_dialog, "ask_questionnaire_options",
                        lambda *a: import_dialog.QuestionnaireOptions(3, "en"))
    monkeypatch.setattr(import_dialog, "ask_export_profile", lambda *a: FULL)
    assert getattr(import_dialog, action)(None, assessment) is False  # exports never change the assessment
    assert dialogs.kinds() == ["info"]
    wb = openpyxl.load_workbook(out)
    assert "_cdassess" in wb.sheetnames
    if action == "export_questionnaire_interactive":
        assert wb[SHEETS["en"]].max_row == 1 + len(assessment.model.requirements)  # level 3, English, as chosen


def test_export_to_a_bad_place_shows_an_error(qtbot: Any, tmp_path: Path, assessment: Assessment, dialogs: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_dialog, "ask_save_xlsx", lambda *a: tmp_path / "missing" / "w.xlsx")
    monkeypatch.setattr(import_dialog, "ask_export_profile", lambda *a: FULL)
    assert import_dialog.export_workbook_interactive(None, assessment) is False
    assert dialogs.kinds() == ["error"] and "does not exist" in dialogs.errors()[0]


def test_options_dialog_defaults_to_the_target(qtbot: Any, assessment: Assessment) -> None:
    dialog = import_dialog.QuestionnaireOptionsDialog(None, assessment)
    qtbot.addWidget(dialog)
    assert dialog.options() == import_dialog.QuestionnaireOptions(2, "both")


# ------------------------------------------------------------------------------ full or confidential exports


def _choose(monkeypatch: pytest.MonkeyPatch, confidential: bool | None,
            seen: list[import_dialog.ExportOptionsDialog]) -> None:
    """The export options dialog answers by clicking a choice and OK (None: Cancel)."""

    def fake_exec(self: import_dialog.ExportOptionsDialog) -> int:
        seen.append(self)
        assert self.profile_choice.full.isChecked()  # Full is the default
        if confidential is None:
            self.reject()
        else:
            (self.profile_choice.confidential if confidential else self.profile_choice.full).click()
            self.accept()
        return int(self.result())

    monkeypatch.setattr(import_dialog.ExportOptionsDialog, "exec", fake_exec)


def _save_as(monkeypatch: pytest.MonkeyPatch, out: Path | None) -> list[str]:
    asked: list[str] = []

    def ask(parent: Any, title: str, suggested: str, folder: Path) -> Path | None:
        asked.append(suggested)
        return out

    monkeypatch.setattr(import_dialog, "ask_save_xlsx", ask)
    return asked


@pytest.mark.parametrize("confidential", [False, True])
def test_workbook_export_full_or_confidential(qtbot: Any, tmp_path: Path, assessment: Assessment, dialogs: Any,
                                              monkeypatch: pytest.MonkeyPatch, confidential: bool) -> None:
    assessment.rate("A.X.1.L1", "met", note="seen in the pipeline of Wang Fang")
    out = tmp_path / "w.xlsx"
    seen: list[import_dialog.ExportOptionsDialog] = []
    _choose(monkeypatch, confidential, seen)
    asked = _save_as(monkeypatch, out)
    assert import_dialog.export_workbook_interactive(None, assessment) is False
    assert dialogs.kinds() == ["info"]
    note = seen[0].profile_choice.note
    assert note is not None and "cannot be imported back" in note.text()
    assert asked == ["Proj - workbook-confidential.xlsx" if confidential else "Proj - workbook.xlsx"]
    text = " ".join(str(c) for ws in openpyxl.load_workbook(out) for row in ws.iter_rows(values_only=True)
                    for c in row if c is not None)
    assert ("Wang Fang" in text) is not confidential
    problems = read_workbook(assessment, out).problems
    if confidential:  # a redacted copy would erase notes and names: its import is refused
        assert problems and "confidential" in problems[0].message
    else:
        assert problems == []


@pytest.mark.parametrize("confidential", [False, True])
def test_gap_plan_export_full_or_confidential(qtbot: Any, tmp_path: Path, demo: Assessment, dialogs: Any,
                                              monkeypatch: pytest.MonkeyPatch, confidential: bool) -> None:
    out = tmp_path / "plan.xlsx"
    seen: list[import_dialog.ExportOptionsDialog] = []
    _choose(monkeypatch, confidential, seen)
    asked = _save_as(monkeypatch, out)
    assert import_dialog.export_gap_plan_interactive(None, demo) is False
    assert seen[0].profile_choice.note is None  # the import warning is the workbook's alone
    assert asked[0].endswith("gap plan-confidential.xlsx" if confidential else "gap plan.xlsx")
    text = " ".join(str(c) for ws in openpyxl.load_workbook(out) for row in ws.iter_rows(values_only=True)
                    for c in row if c is not None)
    assert "Automate rollback" in text  # the findings themselves stay
    assert ("Ops team" in text) is not confidential  # their owners do not


def test_cancelled_export_options_ask_for_no_file(qtbot: Any, tmp_path: Path, assessment: Assessment,
                                                  dialogs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _choose(monkeypatch, None, [])
    asked = _save_as(monkeypatch, tmp_path / "w.xlsx")
    assert import_dialog.export_workbook_interactive(None, assessment) is False
    assert import_dialog.export_gap_plan_interactive(None, assessment) is False
    assert asked == [] and dialogs.shown == []
    assert list(tmp_path.glob("*.xlsx")) == []


def test_export_options_dialog_defaults_to_full(qtbot: Any) -> None:
    from cdassess.export_profile import CONFIDENTIAL

    dialog = import_dialog.ExportOptionsDialog(None, "Export the gap plan")
    qtbot.addWidget(dialog)
    assert dialog.profile() is FULL
    dialog.profile_choice.confidential.click()
    assert dialog.profile() is CONFIDENTIAL


def test_preview_summary_counts_and_speaks_the_scale(qtbot: Any, tmp_path: Path, assessment: Assessment) -> None:
    q = _answer(export_questionnaire(assessment, tmp_path / "q.xlsx"),
                {"A.X.1.L1": "满足", "B.1.L1": "N", "A.X.1.L2": "partial"})
    preview = read_questionnaire(assessment, q)
    dialog = ImportPreviewDialog(preview, scale=assessment.model.scale)
    qtbot.addWidget(dialog)
    assert "0 ratings set or changed, 3 claims changed" in dialog.summary.text()
    news = {dialog.changes_model.index(r, 2).data(): dialog.changes_model.index(r, 6).data()
            for r in range(dialog.changes_model.rowCount())}
    assert news == {"A.X.1.L1": "Met", "B.1.L1": "Not met", "A.X.1.L2": "Partially met"}  # no internal codes


def test_problems_are_sorted_by_sheet_and_row(qtbot: Any, tmp_path: Path, assessment: Assessment) -> None:
    q = _answer(export_questionnaire(assessment, tmp_path / "q.xlsx"),
                {"B.1.L1": "nonsense", "A.X.1.L1": "perhaps", "A.X.1.L2": "maybe"})
    preview = read_questionnaire(assessment, q)
    preview.problems.reverse()  # whatever order the reader found them in
    dialog = ImportPreviewDialog(preview)
    qtbot.addWidget(dialog)
    rows = [int(dialog.problems_model.index(r, 1).data()) for r in range(dialog.problems_model.rowCount())]
    assert rows == sorted(rows) and len(rows) == 3
