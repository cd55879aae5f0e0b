"""Model v2 in the window (issue #13 part 5): an English-only model with a 5-option scale shows its own buttons and
keys, no empty Chinese column, Markdown rendered, references and dependencies; File > Models… lists, imports and
removes models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from uihelpers import press, select

from cdassess.library import ModelLibrary
from cdassess.model import load_model_file
from cdassess.services import Assessment

TINY = Path(__file__).parents[1] / "fixtures" / "models" / "tiny-v2.json"


def _tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.cdassess"
    Assessment.create(path, organization="Org", project="P", target_level=2, model=load_model_file(TINY)).close()
    return path


def test_english_only_model_in_the_requirement_pane(window: Any, tmp_path: Path, dialogs: Any) -> None:
    path = _tiny_file(tmp_path)
    assert window.open_path(path)
    select(window, "G.SM.A.1")
    pane = window.requirement_pane
    assert pane.title.text() == "G.SM.A.1 — Initial"  # no "/" and no empty Chinese name
    assert not pane.text_zh.isVisibleTo(pane) and not pane.head_zh.isVisibleTo(pane)
    assert pane.text_en.isVisibleTo(pane) and pane.text_en.text() != "—"
    assert "<i>written</i>" in pane.guidance_en.text() or "italic" in pane.guidance_en.text()  # Markdown rendered
    assert "*written*" not in pane.guidance_en.text()
    details = pane.details.text()
    assert "owaspsamm.org/model/governance" in details
    assert 'font-weight:700;">goals' in details and "**goals**" not in details  # Markdown, rendered
    select(window, "G.SM.A.2")
    assert "G.SM.A.1 — Is there a software security programme?" in pane.details.text()  # depends_on, named
    # buttons and keys from the model's scale
    assert list(pane.buttons) == ["yes_all", "yes_half", "yes_some", "no", "not_relevant", "unrated"]
    assert pane.buttons["yes_half"].text().endswith("[2]")
    press(window.tree, Qt.Key.Key_2)
    assert window.session.status("G.SM.A.2") == "yes_half"
    press(window.tree, Qt.Key.Key_4)
    assert window.session.status("G.SM.A.2") == "no"
    press(window.tree, Qt.Key.Key_0)
    assert window.session.status("G.SM.A.2") == "unrated"
    assert [a.text() for a in window.rating_actions][:2] == ["Rate: Yes, for most or all of the applications",
                                                             "Rate: Yes, for at least half of the applications"]
    # the weighted rule's figure in the tree: a score, not only a level
    window.session.set_rating(window.session.rating("G.SM.A.1").with_changes(status="yes_all"))
    text = window.tree_model.index_of("G", 1).data()
    assert "/ 3" in text


def test_long_guidance_scrolls_and_the_rating_buttons_stay_in_view(window: Any, tmp_path: Path) -> None:
    import json

    data = json.loads(TINY.read_text(encoding="utf-8"))
    data["domains"][0]["subdomains"][0]["items"][0]["requirements"][0]["guidance"] = {
        "en": "\n\n".join(f"Paragraph {i} of a very long guidance text." for i in range(200))}
    model_file = tmp_path / "long.json"
    model_file.write_text(json.dumps(data), encoding="utf-8")
    path = tmp_path / "long.cdassess"
    Assessment.create(path, organization="O", project="P", target_level=2, model=load_model_file(model_file)).close()
    window.resize(1200, 760)
    window.show()
    assert window.open_path(path)
    select(window, "G.SM.A.1")
    pane = window.requirement_pane
    button = pane.buttons["yes_all"]
    top_left = button.mapTo(pane, button.rect().topLeft())
    assert top_left.y() >= 0 and top_left.y() + button.height() <= pane.height()
    assert pane.text_scroll.verticalScrollBar().maximum() > 0  # the guidance scrolls inside its own area


def test_models_dialog_lists_imports_and_removes(qtbot: Any, tmp_path: Path, dialogs: Any) -> None:
    from ui.models_dialog import ModelsDialog

    lib = ModelLibrary(user_dir=tmp_path / "lib")
    dlg = ModelsDialog(None, lib)
    qtbot.addWidget(dlg)
    rows = [dlg.table.topLevelItem(i) for i in range(dlg.table.topLevelItemCount())]
    assert any(r.text(0) == "caict-devops-cd" for r in rows)
    assert dlg.import_path(TINY, confirm=False)
    rows = {dlg.table.topLevelItem(i).text(0): dlg.table.topLevelItem(i)
            for i in range(dlg.table.topLevelItemCount())}
    tiny = rows["tiny-v2"]
    assert [tiny.text(c) for c in (1, 3, 4, 5, 7)] == ["1.0", "English", "1-3", "9", "weighted"]
    assert tiny.text(6).startswith("Yes, for most or all of the applications, ")
    assert "imported" in tiny.text(8) and "example.org/tiny" in tiny.text(8)
    assert rows["caict-devops-cd"].text(3) == "中文 + English"
    dlg.table.setCurrentItem(rows["caict-devops-cd"])
    assert not dlg.remove_button.isEnabled()  # built-in models stay
    dlg.table.setCurrentItem(tiny)
    assert dlg.remove_button.isEnabled() and dlg.remove_selected(confirm=False)
    assert all(dlg.table.topLevelItem(i).text(0) != "tiny-v2" for i in range(dlg.table.topLevelItemCount()))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cdassess-model/2", "id": "x"}', encoding="utf-8")
    assert not dlg.import_path(bad, confirm=False)
    assert dialogs.kinds() == ["error"]


def test_import_preview_shows_the_tree(qtbot: Any) -> None:
    from ui.models_dialog import ModelPreviewDialog

    dlg = ModelPreviewDialog(load_model_file(TINY), TINY)
    qtbot.addWidget(dlg)
    top = dlg.tree.topLevelItem(0)
    assert (top.text(0), top.text(1)) == ("G", "Governance")
    item = top.child(0).child(0)
    assert item.text(0) == "G.SM.A" and item.childCount() == 4 and item.child(1).text(2) == "L1"
