"""The model tree (domain > subdomain > item > requirement) as a Qt item model over the engine's objects.

Nodes wrap the model's frozen objects; ``Qt.UserRole`` returns the object itself. Levels and progress come
from the session's cached LevelReport; a rating change repaints only the requirement's row and its
ancestors (dataChanged), never the whole tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from cdassess.model import Domain, Item, Requirement, Subdomain
from cdassess.scoring import Status
from ui import icons
from ui.labels import model_text, score_figure
from ui.session import AssessmentSession

Index = QModelIndex | QPersistentModelIndex
ObjectRole = Qt.ItemDataRole.UserRole
SearchRole = int(Qt.ItemDataRole.UserRole) + 1
KindRole = int(Qt.ItemDataRole.UserRole) + 2

COL_NAME, COL_STATUS, COL_PROGRESS, COL_EVIDENCE, COL_CLAIM = range(5)
N_COLUMNS = 5



@dataclass(eq=False)
class Node:
    kind: str  # domain | subdomain | item | requirement | root
    obj: Any
    parent: Node | None
    row: int = 0
    children: list[Node] = field(default_factory=list)
    rated: int = 0  # requirements up to the target that are rated (progress)
    total: int = 0
    search: str = ""

    @property
    def id(self) -> str:
        return str(getattr(self.obj, "id", ""))


class ModelTreeModel(QAbstractItemModel):
    """Domain > subdomain (implicit ones hidden) > item > requirement, with level, progress and rating."""

    def __init__(self, session: AssessmentSession, text_language: str = "both",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.text_language = text_language
        self.root = Node("root", None, None)
        self.nodes: dict[str, Node] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self.found_in_note: dict[str, str] | None = None  # set by the filter: where the search matched
        self._build()
        session.ratingsChanged.connect(self._on_requirements_changed)
        session.evidenceChanged.connect(self._on_evidence_changed)
        session.reloaded.connect(self.rebuild)
        session.metaChanged.connect(self.refresh_all)

    # ------------------------------------------------------------------------------------ building

    def _add(self, parent: Node, kind: str, obj: Any) -> Node:
        node = Node(kind, obj, parent, len(parent.children))
        parent.children.append(node)
        self.nodes[node.id] = node
        return node

    def _build(self) -> None:
        self.root = Node("root", None, None)
        self.nodes = {}
        model = self.session.model
        for d in model.domains:
            dn = self._add(self.root, "domain", d)
            for s in d.subdomains:
                sn = dn if s.implicit else self._add(dn, "subdomain", s)
                for i in s.items:
                    inode = self._add(sn, "item", i)
                    names = f"{i.id} {i.names.zh} {i.names.en} {s.names.zh} {s.names.en}"
                    for r in i.requirements:
                        rn = self._add(inode, "requirement", r)
                        rn.search = " ".join((r.id, r.text.zh, r.text.en, r.guidance.zh, r.guidance.en,
                                              names)).casefold()
        self._requirement_ids = [n.id for n in self.nodes.values() if n.kind == "requirement"]
        self._count_progress()

    def _count_progress(self) -> None:
        target = self.session.target

        def walk(node: Node) -> tuple[int, int]:
            if node.kind == "requirement":
                req: Requirement = node.obj
                counted = req.level <= target
                node.total = int(counted)
                node.rated = int(counted and self.session.status(req.id) != Status.UNRATED)
                return node.rated, node.total
            rated = total = 0
            for c in node.children:
                a, b = walk(c)
                rated += a
                total += b
            node.rated, node.total = rated, total
            return rated, total

        walk(self.root)

    def rebuild(self) -> None:
        self.beginResetModel()
        self._build()
        self.endResetModel()

    def refresh_all(self) -> None:
        """Progress and every row's data again (the target level or the lock changed); selection stays."""
        self._count_progress()

        def walk(node: Node) -> None:
            if node.children:
                first, last = node.children[0], node.children[-1]
                self.dataChanged.emit(self.createIndex(first.row, 0, first),
                                      self.createIndex(last.row, N_COLUMNS - 1, last))
                for c in node.children:
                    walk(c)

        walk(self.root)

    def set_text_language(self, lang: str) -> None:
        self.text_language = lang
        self.refresh_all()

    # ------------------------------------------------------------------------------------ updates

    def _ancestors(self, node: Node) -> list[Node]:
        out = []
        n: Node | None = node
        while n is not None and n.kind != "root":
            out.append(n)
            n = n.parent
        return out

    def _on_requirements_changed(self, req_ids: list[str]) -> None:
        # A rating changes only its own row and the levels and progress of its ancestors.
        for rid in req_ids:
            node = self.nodes.get(rid)
            if node is None:
                continue
            req: Requirement = node.obj
            rated = int(req.level <= self.session.target and self.session.status(rid) != Status.UNRATED)
            delta = rated - node.rated
            chain = self._ancestors(node)
            if delta:
                for n in chain:
                    n.rated += delta
            for n in chain:
                self._changed(n)

    def _on_evidence_changed(self, req_ids: list[str]) -> None:
        for rid in req_ids or list(self.nodes):
            node = self.nodes.get(rid)
            if node is not None and node.kind == "requirement":
                self._changed(node, COL_EVIDENCE, COL_EVIDENCE)

    def _changed(self, node: Node, first: int = 0, last: int = N_COLUMNS - 1) -> None:
        self.dataChanged.emit(self.createIndex(node.row, first, node), self.createIndex(node.row, last, node))

    # ------------------------------------------------------------------------------------ Qt model API

    def node(self, index: Index) -> Node:
        if index.isValid():
            n: Node = index.internalPointer()
            return n
        return self.root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= N_COLUMNS or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        p = self.node(parent)
        if row >= len(p.children):
            return QModelIndex()
        return self.createIndex(row, column, p.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        p = self.node(index).parent
        if p is None or p.kind == "root":
            return QModelIndex()
        return self.createIndex(p.row, 0, p)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return N_COLUMNS

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.node(index).kind == "requirement":
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < N_COLUMNS:
            return (QCoreApplication.translate("TreeModel", "Capability"),
                    QCoreApplication.translate("TreeModel", "Rating / level"),
                    QCoreApplication.translate("TreeModel", "Progress"),
                    QCoreApplication.translate("TreeModel", "Evidence"),
                    QCoreApplication.translate("TreeModel", "Team's claim"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        col = index.column()
        if role == ObjectRole:
            return node.obj
        if role == KindRole:
            return node.kind
        if role == SearchRole:
            return node.search
        if node.kind == "requirement":
            return self._requirement_data(node, col, role)
        return self._node_data(node, col, role)

    def _requirement_data(self, node: Node, col: int, role: int) -> Any:
        req: Requirement = node.obj
        status = self.session.status(req.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._requirement_text(req, status, col)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_STATUS:
            return icons.status_icon(self.session.kind(req.id))
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_CLAIM and self.session.claim_differs(req.id):
            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.FontRole and col == COL_CLAIM and self.session.claim_differs(req.id):
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_EVIDENCE and \
                self.session.evidence_state.get(req.id) in ("expired", "rejected"):
            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS and status != Status.UNRATED:
            return QBrush(icons.color(self.session.kind(req.id)))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_EVIDENCE and self.session.evidence_state.get(req.id) in ("expired", "rejected"):
                return QCoreApplication.translate("TreeModel", "Some of its evidence is expired or rejected")
            if col == COL_NAME and self.found_in_note is not None and req.id in self.found_in_note:
                return (QCoreApplication.translate("TreeModel", "Search found it in: %1")
                        .replace("%1", self.found_in_note[req.id]) + f"\n{req.id}\n{req.text.zh}\n{req.text.en}")
            prev = self.session.previous.get(req.id)
            if col == COL_STATUS and prev is not None and req.id in self.session.reconfirm:
                return (QCoreApplication.translate("TreeModel", "To re-confirm; last cycle: %1")
                        .replace("%1", self.session.label(prev.status)))
            return "\n".join(x for x in (req.id, req.text.zh, req.text.en) if x)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == COL_STATUS:
            return self.session.label(status)
        return None

    def _requirement_text(self, req: Requirement, status: str, col: int) -> str | None:
        if col == COL_NAME:
            return f"L{req.level}  {model_text(req.text, self.text_language)}"
        if col == COL_STATUS:
            rating = self.session.ratings.get(req.id)
            flag = " ⚑" if rating is not None and rating.needs_review else ""
            again = " ↻" if req.id in self.session.reconfirm else ""
            return self.session.label(status) + flag + again
        if col == COL_CLAIM:
            claim = self.session.claims.get(req.id)
            return "" if claim is None or claim.is_blank or str(claim.status) == "unrated" else \
                self.session.label(claim.status)
        if col == COL_EVIDENCE:
            n = self.session.evidence_count.get(req.id, 0)
            stale = " !" if self.session.evidence_state.get(req.id) in ("expired", "rejected") else ""
            return f"{n}{stale}" if n else ""
        return None

    def _node_data(self, node: Node, col: int, role: int) -> Any:
        obj: Domain | Subdomain | Item = node.obj
        target = self.session.target
        level = self.session.report.level_of(obj.id)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return f"{obj.id}  {model_text(obj.names, self.text_language)}"
            if col == COL_STATUS:
                figure = score_figure(self.session.model, self.session.report, obj.id)
                text = (QCoreApplication.translate("TreeModel", "L%1 of L%2")
                        .replace("%1", str(level)).replace("%2", str(target)))
                return f"{figure}  ({text})" if figure else text
            if col == COL_PROGRESS:
                return f"{node.rated}/{node.total}"
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == COL_STATUS:
            return icons.level_icon(level >= target)
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS:
            return QBrush(QColor(icons.REACHED if level >= target else icons.BELOW))
        if role == Qt.ItemDataRole.FontRole and node.kind == "domain":
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(x for x in (obj.id, obj.names.zh, obj.names.en) if x)
        return None

    # ------------------------------------------------------------------------------------ lookups

    def index_of(self, node_id: str, column: int = 0) -> QModelIndex:
        node = self.nodes.get(node_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def requirement_ids(self) -> list[str]:
        """Requirement ids in tree order."""
        return self._requirement_ids


_TERMS = re.compile(r'"([^"]+)"|(\S+)')

FILTERS = ("all", "unrated", "not_met", "partial", "needs_review", "claim_differs", "no_evidence", "to_reconfirm",
           "evidence_to_review", "evidence_expired")


def filter_label(key: str) -> str:
    return {
        "all": QCoreApplication.translate("TreeModel", "All requirements"),
        "unrated": QCoreApplication.translate("TreeModel", "Unrated"),
        "not_met": QCoreApplication.translate("TreeModel", "Not met"),
        "partial": QCoreApplication.translate("TreeModel", "Partially met"),
        "needs_review": QCoreApplication.translate("TreeModel", "Needs review"),
        "claim_differs": QCoreApplication.translate("TreeModel", "Claim differs from rating"),
        "no_evidence": QCoreApplication.translate("TreeModel", "Has no evidence"),
        "to_reconfirm": QCoreApplication.translate("TreeModel", "To re-confirm (last cycle)"),
        "evidence_to_review": QCoreApplication.translate("TreeModel", "Evidence to review"),
        "evidence_expired": QCoreApplication.translate("TreeModel", "Evidence expired or rejected"),
    }[key]




class RequirementFilter(QSortFilterProxyModel):
    """Shows requirements passing the chosen filter and search (with their ancestors, recursively)."""

    def __init__(self, source: ModelTreeModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tree = source
        self.filter_key = "all"
        self.search = ""
        self.terms: list[str] = []
        self.scope_level: int | None = None  # "work up to the target": requirements above it are hidden
        self.found_in: dict[str, str] = {}  # requirement -> where the search matched, when not in its own text
        source.found_in_note = self.found_in
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(True)
        self.setSourceModel(source)

    @property
    def active(self) -> bool:
        return self.filter_key != "all" or bool(self.search) or self.scope_level is not None

    def set_scope(self, level: int | None) -> None:
        """Show only requirements up to ``level`` (the target), or the whole model (None)."""
        if level != self.scope_level:
            self.scope_level = level
            self._refilter()

    def set_filter(self, key: str) -> None:
        if key not in FILTERS:
            raise ValueError(key)
        self.filter_key = key
        self._refilter()

    def set_search(self, text: str) -> None:
        self.found_in.clear()
        self.search = text.strip().casefold()
        # Words must all occur (any order); "quoted words" must occur together.
        self.terms = [a or b for a, b in _TERMS.findall(self.search.replace("“", '"').replace("”", '"'))]
        self._refilter()

    def _refilter(self) -> None:
        # One layout change instead of a remove/insert per row range: on an expanded tree of thousands of
        # rows, the per-range signals make the view's relayout quadratic (seconds instead of milliseconds).
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self.active:
            return True
        pnode = self.tree.node(source_parent)
        if source_row >= len(pnode.children):
            return False
        node = pnode.children[source_row]
        if node.kind != "requirement":
            return False  # shown when a requirement below is (recursive filtering)
        return self.accepts(node)

    def accepts(self, node: Node) -> bool:
        s = self.tree.session
        if self.scope_level is not None and node.obj.level > self.scope_level:
            return False
        if self.terms and not all(term in node.search for term in self.terms):
            where = s.search_records(node.id, self.terms)
            if where is None:
                return False
            self.found_in[node.id] = where
        rid = node.id
        key = self.filter_key
        status = s.status(rid)
        if key == "unrated":
            return status == Status.UNRATED
        if key == "not_met":
            return s.kind(rid) == Status.NOT_MET
        if key == "partial":
            return s.kind(rid) == Status.PARTIAL
        if key == "needs_review":
            r = s.ratings.get(rid)
            return r is not None and r.needs_review
        if key == "claim_differs":
            c = s.claims.get(rid)
            return (c is not None and Status.UNRATED not in (c.status, status) and c.status != status)
        if key == "no_evidence":
            return not s.evidence_count.get(rid, 0)
        if key == "to_reconfirm":
            return rid in s.reconfirm
        if key == "evidence_to_review":
            return s.evidence_state.get(rid) == "to_review"
        if key == "evidence_expired":
            return s.evidence_state.get(rid) in ("expired", "rejected")
        return True
