"""The window's lock checklist, the unlock warning about issued certificates, and the certificate register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from uihelpers import select

from cdassess.services import Assessment


def test_lock_shows_the_completeness_checklist_and_cancel_keeps_it_open(window: Any, mini_path: Path,
                                                                         dialogs: Any) -> None:
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    window.lock()  # the recorder answers "no"
    [(kind, _title, text)] = dialogs.shown
    assert kind == "ask"
    assert "Not ready to lock" in text
    assert "✗ unrated up to the target level" in text and "A.X.1.L1" in text
    assert "✓ finding without an owner" in text
    assert not window.session.locked
    dialogs.answers.append(True)
    window.lock()
    assert window.session.locked


def test_unlock_names_the_certificates_it_supersedes_and_the_register_lists_them(
        window: Any, mini_path: Path, dialogs: Any, tmp_path: Path, mini_model: Any, qtbot: Any) -> None:
    from cdassess.reports.certificate import write_certificate
    from ui.certificates import CertificateRegisterDialog

    with Assessment.open(mini_path) as a:
        for r in mini_model.iter_requirements(2):
            a.rate(r.id, "met")
        a.lock()
        number = write_certificate(a, tmp_path / "c.pdf").facts["no"]
    assert window.open_path(mini_path)
    dialogs.texts = ["late evidence"]
    window.unlock()
    [(_kind, _title, label)] = [s for s in dialogs.shown if s[0] == "ask_text"]
    assert number in label and "superseded" in label
    assert not window.session.locked
    dlg = CertificateRegisterDialog(window.session.assessment, window)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 1
    assert dlg.table.item(0, 0).text() == number
    assert dlg.table.item(0, 4).text().startswith("superseded")
