"""File > Models…: the built-in and imported capability models, import (dialog or drag and drop) with a preview of
the tree, and removal of imported ones. Reading and storing are the engine's (cdassess.importers reads any
supported kind; cdassess.library stores and removes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.library import ModelLibrary
from cdassess.model import Model
from ui import messages


@dataclass(frozen=True)
class ModelRow:
    """One line of the list: a model that loads, or a user-library file that does not (``problem``)."""

    path: Path
    builtin: bool
    model: Model | None = None
    problem: str = ""


def library_rows(lib: ModelLibrary) -> list[ModelRow]:
    scan = getattr(lib, "scan", None)  # the importers' library lists invalid files too
    if scan is not None:
        found, invalid = scan()
        return [ModelRow(e.path, e.builtin, m) for e, m in found] + [
            ModelRow(Path(getattr(bad, "path", "")), False, None, str(getattr(bad, "problem", bad))) for bad in invalid]
    from cdassess.model import load_model_file

    rows = []
    for e in lib.entries():
        try:
            rows.append(ModelRow(e.path, e.builtin, load_model_file(e.path)))
        except CdassessError as exc:
            rows.append(ModelRow(e.path, e.builtin, None, str(exc)))
    return rows


def read_any_model(path: Path) -> Model:
    """The model in ``path`` (nothing stored), of any kind cdassess.importers reads (cdassess JSON v1/v2, model
    workbooks, DSOMM, SAMM, CISO Assistant), detected by its content."""
    from cdassess.importers import read_model

    return read_model(path).model


def languages_text(m: Model) -> str:
    return " + ".join({"zh": "中文", "en": "English"}[lang] for lang in m.languages)


def scale_text(m: Model) -> str:
    return ", ".join(o.label(m.languages[0]) for o in m.scale.options)


def origin_text(row: ModelRow) -> str:
    m = row.model
    if m is not None and m.origin:
        return " · ".join(x for x in (m.origin.get("kind", ""), m.origin.get("title", ""), m.origin.get("url", ""))
                          if x)
    return str(row.path)


class ModelsDialog(QDialog):
    """The model library: list, import (button or drop a file on the dialog), remove."""

    COLUMNS = 9

    def __init__(self, parent: QWidget | None = None, library: ModelLibrary | None = None) -> None:
        super().__init__(parent)
        self.lib = library or ModelLibrary()
        self.setWindowTitle(self.tr("Models"))
        self.setAcceptDrops(True)
        self.resize(1100, 420)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("Built-in and imported capability models. Import a model file (cdassess JSON, a model "
                              "workbook, DSOMM YAML, a SAMM core model folder or zip, a CISO Assistant library) "
                              "with Import… or by dropping it here."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHeaderLabels([self.tr("ID"), self.tr("Version"), self.tr("Name"), self.tr("Languages"),
                                    self.tr("Levels"), self.tr("Requirements"), self.tr("Rating scale"),
                                    self.tr("Scoring rule"), self.tr("From")])
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = QPushButton(self.tr("Import…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.clicked.connect(self.choose_and_import)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    # ------------------------------------------------------------------------------------ list

    def refresh(self) -> None:
        self.table.clear()
        try:
            rows = library_rows(self.lib)
        except CdassessError as exc:
            messages.show_error(self, self.tr("The model library cannot be read"), exc)
            rows = []
        for row in rows:
            m = row.model
            if m is None:
                it = QTreeWidgetItem([row.path.name, "", self.tr("Invalid: %1").replace("%1", row.problem),
                                      "", "", "", "", "", str(row.path)])
                for col in range(self.COLUMNS):
                    it.setForeground(col, Qt.GlobalColor.red)
                it.setToolTip(2, row.problem)
            else:
                where = self.tr("built in") if row.builtin else self.tr("imported")
                it = QTreeWidgetItem([m.id, m.version, m.names.both(), languages_text(m), m.level_range_text(),
                                      str(len(m.requirements)), scale_text(m), m.scoring.rule,
                                      f"{where}: {origin_text(row)}"])
                it.setToolTip(6, "\n".join(f"{o.id}: {o.label(m.languages[0])} ({o.weight:g})"
                                           for o in m.scale.options))
            it.setData(0, Qt.ItemDataRole.UserRole, row)
            self.table.addTopLevelItem(it)
        self._update_buttons()

    def selected(self) -> ModelRow | None:
        it = self.table.currentItem()
        row = it.data(0, Qt.ItemDataRole.UserRole) if it is not None else None
        return row if isinstance(row, ModelRow) else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.remove_button.setEnabled(row is not None and not row.builtin)

    # ------------------------------------------------------------------------------------ import

    def choose_and_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Import a model"), "",
                                              self.tr("Model files (*.json *.yaml *.yml *.zip *.xlsx)"))
        if name:
            self.import_path(Path(name))

    def import_path(self, path: Path, *, confirm: bool = True) -> bool:
        """Read ``path``, show the preview, store it on OK (asking before replacing the same id and version)."""
        try:
            model = read_any_model(path)
        except CdassessError as exc:
            messages.show_error(self, self.tr("The model was not imported"), exc)
            return False
        if confirm and ModelPreviewDialog(model, path, self).exec() != QDialog.DialogCode.Accepted:
            return False
        known = {(r.model.id, r.model.version) for r in library_rows(self.lib) if r.model is not None}
        replace = False
        if (model.id, model.version) in known:
            if confirm and not messages.ask(self, self.tr("Replace the model?"),
                                            self.tr("Model %1 %2 is already in the library. Replace it?")
                                            .replace("%1", model.id).replace("%2", model.version)):
                return False
            replace = True
        try:
            self.lib.add(model, replace=replace)
        except CdassessError as exc:
            messages.show_error(self, self.tr("The model was not imported"), exc)
            return False
        self.refresh()
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        for p in paths:
            self.import_path(p)

    # ------------------------------------------------------------------------------------ remove

    def remove_selected(self, *, confirm: bool = True) -> bool:
        row = self.selected()
        if row is None or row.builtin:
            return False
        label = f"{row.model.id} {row.model.version}" if row.model is not None else row.path.name
        if confirm and not messages.ask(self, self.tr("Remove the model?"),
                                        self.tr("Remove %1 from the library? Assessments made with it keep "
                                                "working: each holds its own copy of its model.").replace("%1", label)):
            return False
        try:
            remove = getattr(self.lib, "remove", None)
            if remove is not None and row.model is not None:
                remove(row.model.id, row.model.version)
            else:
                row.path.unlink()
        except (CdassessError, OSError) as exc:
            messages.error(self, self.tr("The model was not removed"), str(exc))
            return False
        self.refresh()
        return True


class ModelPreviewDialog(QDialog):
    """What an import would add: the model's facts and its tree (domains, subdomains, items, requirements)."""

    def __init__(self, model: Model, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import %1").replace("%1", path.name))
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        m = model
        facts = QLabel(self.tr("%1 (%2 %3): %4 domains, %5 items, %6 requirements, levels %7; languages %8; "
                               "scale: %9; rule: %10")
                       .replace("%10", m.scoring.rule).replace("%1", m.names.both()).replace("%2", m.id)
                       .replace("%3", m.version).replace("%4", str(len(m.domains)))
                       .replace("%5", str(len(m.items))).replace("%6", str(len(m.requirements)))
                       .replace("%7", m.level_range_text()).replace("%8", languages_text(m))
                       .replace("%9", scale_text(m)))
        facts.setWordWrap(True)
        facts.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(facts)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("ID"), self.tr("Name or text"), self.tr("Level")])
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lang = m.languages[0] if len(m.languages) == 1 else "both"
        for d in m.domains:
            dn = QTreeWidgetItem([d.id, _text(d.names, lang), ""])
            self.tree.addTopLevelItem(dn)
            for s in d.subdomains:
                parent_node = dn
                if not s.implicit:
                    parent_node = QTreeWidgetItem([s.id, _text(s.names, lang), ""])
                    dn.addChild(parent_node)
                for i in s.items:
                    inode = QTreeWidgetItem([i.id, _text(i.names, lang), ""])
                    parent_node.addChild(inode)
                    for r in i.requirements:
                        inode.addChild(QTreeWidgetItem([r.id, _text(r.text, lang), f"L{r.level}"]))
            dn.setExpanded(True)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(self.tr("Add to the library"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def _text(text: Any, lang: str) -> str:
    shown: str = text.both() if lang == "both" else text.get(lang)
    return " ".join(shown.split())[:200]


def show_models(parent: QWidget | None) -> None:
    ModelsDialog(parent).exec()
