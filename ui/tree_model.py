"""The model tree (domain > subdomain > item > requirement) as a Qt item model over the engine's objects.

Nodes wrap the model's frozen objects; ``Qt.UserRole`` returns the object itself. Levels and progress come
from the session's cached LevelReport; a rating change repaints only the requirement's row and its
ancestors (dataChanged), never the whole tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
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
# the roles the tree answers; a view asks for a dozen per cell on every paint (alignment, background, check
# state, size hint...): those get None without a Python lookup of the rating
SERVED_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.UserRole)) | {int(Qt.ItemDataRole.UserRole) + 1, int(Qt.ItemDataRole.UserRole) + 2}
NODE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
LEAF_FLAGS = NODE_FLAGS | Qt.ItemFlag.ItemNeverHasChildren



@dataclass(eq=False)
class Node:
    kind: str  # domain | subdomain | item | requirement | root
    obj: Any
    parent: Node | None
    row: int = 0
    id: str = ""
    children: list[Node] = field(default_factory=list)
    rated: int = 0  # requirements up to the target that are rated (progress)
    total: int = 0
    search: str = ""
    # what the filter (RequirementFilter) shows: the children it shows and this node's row among its parent's
    # shown children (-1: hidden)
    shown: list[Node] = field(default_factory=list)
    vrow: int = 0


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
        node = Node(kind, obj, parent, len(parent.children), str(obj.id))
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
        self.requirement_nodes = [n for n in self.nodes.values() if n.kind == "requirement"]
        self.inner_nodes = [n for n in self.nodes.values() if n.kind != "requirement"]
        self._requirement_ids = [n.id for n in self.requirement_nodes]
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
        return LEAF_FLAGS if index.internalPointer().kind == "requirement" else NODE_FLAGS

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
        if role not in SERVED_ROLES or not index.isValid():
            return None
        return self.node_data(index.internalPointer(), index.column(), role)

    def node_data(self, node: Node, col: int, role: int) -> Any:
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




class RequirementFilter(QAbstractItemModel):
    """The tree as the filter and search show it: requirements passing both, with their ancestors.

    Not a QSortFilterProxyModel: that asks Python for every row of the source (index, flags, filterAcceptsRow)
    on each change, 0.4-0.8 s at 10,000 requirements. Here a change of filter or search is one pass over the
    requirements in Python, which writes each node's shown children (``Node.shown``, ``Node.vrow``), then one
    layout change; a rating or evidence change removes or inserts only the rows whose match changed.
    """

    def __init__(self, source: ModelTreeModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tree = source
        self.filter_key = "all"
        self.search = ""
        self.terms: list[str] = []
        self.scope_level: int | None = None  # "work up to the target": requirements above it are hidden
        self.found_in: dict[str, str] = {}  # requirement -> where the search matched, when not in its own text
        self.matched: set[str] = set()  # requirements shown while the filter is active
        source.found_in_note = self.found_in
        self._show_all()
        source.dataChanged.connect(self._source_changed)
        source.modelAboutToBeReset.connect(self._source_about_to_reset)
        source.modelReset.connect(self._source_reset)

    # ------------------------------------------------------------------------------------ what is shown

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
        if key != self.filter_key:
            self.filter_key = key
            self._refilter()

    def set_search(self, text: str) -> None:
        search = text.strip().casefold()
        if search == self.search:
            return
        self.search = search
        # Words must all occur (any order); "quoted words" must occur together.
        self.terms = [a or b for a, b in _TERMS.findall(self.search.replace("“", '"').replace("”", '"'))]
        self._refilter()

    def _show_all(self) -> None:
        self.matched = set()
        for node in self.tree.nodes.values():
            node.shown = node.children
            node.vrow = node.row
        root = self.tree.root
        root.shown = root.children

    def _walk(self) -> None:
        """One pass over the requirements in tree order: each one shown is appended to its parent's shown
        children, and an ancestor to its own parent's the first time one of its requirements is shown."""
        tree = self.tree
        root = tree.root
        for n in tree.inner_nodes:
            n.shown = []
            n.vrow = -1
        root.shown = []
        accepts = self._predicate()
        matched = set()
        for n in tree.requirement_nodes:
            if not accepts(n):
                n.vrow = -1
                continue
            matched.add(n.id)
            p = n.parent
            assert p is not None
            n.vrow = len(p.shown)
            p.shown.append(n)
            while p.vrow < 0 and p is not root:
                up = p.parent
                assert up is not None
                p.vrow = len(up.shown)
                up.shown.append(p)
                p = up
        self.matched = matched

    def _refilter(self) -> None:
        """One pass over the requirements, then one layout change (selection and expanded rows that stay
        shown are kept)."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        self.found_in.clear()
        if self.active:
            self._walk()
        else:
            self._show_all()
        new = []
        for idx in old:
            node: Node = idx.internalPointer()
            new.append(self.createIndex(node.vrow, idx.column(), node) if self._visible(node) else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    @staticmethod
    def _visible(node: Node) -> bool:
        n: Node | None = node
        while n is not None and n.kind != "root":
            if n.vrow < 0:
                return False
            n = n.parent
        return True

    def is_shown(self, node_id: str) -> bool:
        node = self.tree.nodes.get(node_id)
        return node is not None and self._visible(node)

    def accepts(self, node: Node) -> bool:
        """Whether the filter, the scope and the search show this requirement (records where the search
        found it in ``found_in``)."""
        return self._predicate()(node)

    def _predicate(self) -> Callable[[Node], bool]:
        """``accepts`` for the current filter, scope and search, with what they look up bound once (the
        filter pass calls it for every requirement)."""
        s = self.tree.session
        scope, terms, found = self.scope_level, self.terms, self.found_in
        records = s.records_joined() if terms else {}
        passes = self._key_test(self.filter_key)

        def pred(node: Node) -> bool:
            if scope is not None and node.obj.level > scope:
                return False
            if terms:
                text = node.search
                for term in terms:
                    if term not in text:  # not in its own text: in what was recorded about it?
                        joined = records.get(node.id)
                        if joined is None:
                            return False
                        for t in terms:
                            if t not in joined:
                                return False
                        where = s.search_records(node.id, terms)
                        if where is None:
                            return False
                        found[node.id] = where
                        break
            return passes is None or passes(node.id)

        return pred

    def _key_test(self, key: str) -> Callable[[str], bool] | None:
        if key == "all":
            return None
        if key == "unrated":
            ratings = self.tree.session.ratings

            def unrated(rid: str) -> bool:
                r = ratings.get(rid)
                return r is None or r.status == Status.UNRATED

            return unrated
        return lambda rid: self._passes(key, rid)

    def _passes(self, key: str, rid: str) -> bool:
        s = self.tree.session
        if key == "unrated":
            return s.status(rid) == Status.UNRATED
        if key == "not_met":
            return s.kind(rid) == Status.NOT_MET
        if key == "partial":
            return s.kind(rid) == Status.PARTIAL
        if key == "needs_review":
            r = s.ratings.get(rid)
            return r is not None and r.needs_review
        if key == "claim_differs":
            return s.claim_differs(rid)
        if key == "no_evidence":
            return not s.evidence_count.get(rid, 0)
        if key == "to_reconfirm":
            return rid in s.reconfirm
        if key == "evidence_to_review":
            return s.evidence_state.get(rid) == "to_review"
        if key == "evidence_expired":
            return s.evidence_state.get(rid) in ("expired", "rejected")
        return True

    # ------------------------------------------------------------------------------------ source changes

    def _source_about_to_reset(self) -> None:
        self.beginResetModel()

    def _source_reset(self) -> None:
        self.found_in.clear()
        if self.active:
            self._walk()
        else:
            self._show_all()
        self.endResetModel()

    def _source_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]) -> None:
        first: Node = top_left.internalPointer()
        last: Node = bottom_right.internalPointer()
        if first is last:
            if first.kind == "requirement" and self.active:
                self._recheck(first)
            if self._visible(first):
                self.dataChanged.emit(self.createIndex(first.vrow, top_left.column(), first),
                                      self.createIndex(first.vrow, bottom_right.column(), first), roles)
            return
        # a range of siblings (everything repaints: target, lock, language): re-filter when it matters
        parent = first.parent
        if parent is None:
            return
        if self.active and any(c.kind == "requirement" for c in parent.children[first.row:last.row + 1]):
            for c in parent.children[first.row:last.row + 1]:
                self._recheck(c)
        if parent.shown and (parent.kind == "root" or self._visible(parent)):
            a, b = parent.shown[0], parent.shown[-1]
            self.dataChanged.emit(self.createIndex(a.vrow, top_left.column(), a),
                                  self.createIndex(b.vrow, bottom_right.column(), b), roles)

    def _recheck(self, node: Node) -> None:
        """A requirement's rating, claim or evidence changed: show or hide it (and its ancestors) now."""
        self.found_in.pop(node.id, None)
        ok = self.accepts(node)
        if ok == (node.id in self.matched):
            return
        if ok:
            self._insert(node)
            self.matched.add(node.id)
        else:
            self._remove(node)
            self.matched.discard(node.id)

    def _index(self, node: Node) -> QModelIndex:
        return QModelIndex() if node.kind == "root" else self.createIndex(node.vrow, 0, node)

    def _remove(self, node: Node) -> None:
        x = node
        while x.parent is not None and x.parent.kind != "root" and len(x.parent.shown) == 1:
            x = x.parent  # its only shown child goes: it goes too
        parent = x.parent
        assert parent is not None
        row = x.vrow
        self.beginRemoveRows(self._index(parent), row, row)
        del parent.shown[row]
        for k in range(row, len(parent.shown)):
            parent.shown[k].vrow = k
        stack = [x]
        while stack:
            n = stack.pop()
            n.vrow = -1
            stack.extend(n.shown)
            if n.kind != "requirement":
                n.shown = []
        self.endRemoveRows()

    def _insert(self, node: Node) -> None:
        x = node
        path = [x]
        while x.parent is not None and x.parent.kind != "root" and not self._visible(x.parent):
            x = x.parent
            path.append(x)
        parent = x.parent
        assert parent is not None
        for upper, lower in zip(path[1:], path[:-1], strict=True):  # the new branch shows only this path
            upper.shown = [lower]
            lower.vrow = 0
        row = sum(1 for c in parent.shown if c.row < x.row)
        self.beginInsertRows(self._index(parent), row, row)
        parent.shown.insert(row, x)
        for k in range(row, len(parent.shown)):
            parent.shown[k].vrow = k
        self.endInsertRows()

    # ------------------------------------------------------------------------------------ Qt model API

    def mapFromSource(self, source: Index) -> QModelIndex:  # noqa: N802 - the proxy's name for it
        if not source.isValid():
            return QModelIndex()
        node: Node = source.internalPointer()
        if not self._visible(node):
            return QModelIndex()
        return self.createIndex(node.vrow, source.column(), node)

    def mapToSource(self, index: Index) -> QModelIndex:  # noqa: N802
        if not index.isValid():
            return QModelIndex()
        node: Node = index.internalPointer()
        return self.tree.createIndex(node.row, index.column(), node)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        p: Node = parent.internalPointer() if parent.isValid() else self.tree.root
        if row < 0 or column < 0 or column >= N_COLUMNS or row >= len(p.shown) or \
                (parent.isValid() and parent.column() != 0):
            return QModelIndex()
        return self.createIndex(row, column, p.shown[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p.kind == "root":
            return QModelIndex()
        return self.createIndex(p.vrow, 0, p)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if not parent.isValid():
            return len(self.tree.root.shown)
        if parent.column() != 0:
            return 0
        return len(parent.internalPointer().shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return N_COLUMNS

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return LEAF_FLAGS if index.internalPointer().kind == "requirement" else NODE_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.tree.headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in SERVED_ROLES or not index.isValid():
            return None
        return self.tree.node_data(index.internalPointer(), index.column(), role)
