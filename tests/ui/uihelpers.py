"""Small helpers shared by the UI tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def select(window: Any, node_id: str) -> None:
    assert window.go_to(node_id), node_id
    assert window.current_requirement() == node_id or window.tree_model.nodes[node_id].kind != "requirement"


def press(widget: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifier)


def visible_requirements(window: Any) -> list[str]:
    """Requirement ids the filtered tree shows, in tree order."""
    proxy, tree = window.proxy, window.tree_model
    return [rid for rid in tree.requirement_ids() if proxy.mapFromSource(tree.index_of(rid)).isValid()]
