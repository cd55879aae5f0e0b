"""Level rules: the one place that turns ratings into levels, gaps, blockers and what-if answers.

- A requirement is satisfied when rated ``met`` or ``na`` (the lenient rule also accepts ``partial``).
- Item level: the highest level L such that every requirement of the item at a level <= L is satisfied;
  one below the model's lowest level (0 for a 1-5 model) when the lowest requirement is not satisfied.
  A level at which an item has no requirement adds nothing: it is passed as soon as the levels below are.
- Subdomain, domain and overall level: the minimum over their children (every domain is required).
- Gaps to target T: every requirement at a level <= T that is not satisfied, grouped by domain.
- Blockers of level L: the same set for L; overall reaches L exactly when there are none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cdassess.errors import InvalidValueError
from cdassess.model import Domain, Item, Model, Requirement


class Status(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"
    NA = "na"
    UNRATED = "unrated"

    @classmethod
    def parse(cls, value: str) -> Status:
        key = value.strip().lower().replace("-", "_").replace(" ", "_").replace("/", "")
        aliases = {"notmet": "not_met", "n_a": "na", "none": "unrated", "": "unrated"}
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            accepted = ", ".join(s.value for s in cls)
            raise InvalidValueError(f"unknown rating {value!r} (accepted: {accepted})") from None

    @property
    def label_en(self) -> str:
        return {"met": "Met", "partial": "Partially met", "not_met": "Not met", "na": "N/A",
                "unrated": "Unrated"}[self.value]

    @property
    def label_zh(self) -> str:
        return {"met": "满足", "partial": "部分满足", "not_met": "不满足", "na": "不适用",
                "unrated": "未评"}[self.value]


@dataclass(frozen=True)
class LevelRule:
    """Which ratings satisfy a requirement. ``strict`` (met, N/A) is the standard's; ``lenient`` adds partial."""

    name: str = "strict"

    def __post_init__(self) -> None:
        if self.name not in RULES:
            raise InvalidValueError(f"unknown level rule {self.name!r} (accepted: {', '.join(RULES)})")

    def satisfied(self, status: Status) -> bool:
        return status in RULES[self.name]


RULES: dict[str, frozenset[Status]] = {
    "strict": frozenset({Status.MET, Status.NA}),
    "lenient": frozenset({Status.MET, Status.NA, Status.PARTIAL}),
}
STRICT = LevelRule("strict")

Ratings = Mapping[str, Status]


def _status(ratings: Ratings, req_id: str) -> Status:
    return ratings.get(req_id, Status.UNRATED)


def item_level(model: Model, item: Item, ratings: Ratings, rule: LevelRule = STRICT) -> int:
    """The highest level L whose requirements (and all below) are satisfied; ``min_level - 1`` if none."""
    achieved = model.min_level - 1
    by_level = {r.level: r for r in item.requirements}
    for n in model.level_numbers:
        req = by_level.get(n)
        if req is not None and not rule.satisfied(_status(ratings, req.id)):
            break
        achieved = n
    return achieved


@dataclass(frozen=True)
class LevelReport:
    """Levels at every layer of the tree for one set of ratings."""

    items: Mapping[str, int]
    subdomains: Mapping[str, int]
    domains: Mapping[str, int]
    overall: int

    def level_of(self, node_id: str) -> int:
        for table in (self.items, self.subdomains, self.domains):
            if node_id in table:
                return table[node_id]
        raise KeyError(node_id)


def compute_levels(model: Model, ratings: Ratings, rule: LevelRule = STRICT) -> LevelReport:
    items = {i.id: item_level(model, i, ratings, rule) for i in model.items.values()}
    top = model.max_level
    subdomains = {s.id: min((items[i.id] for i in s.items), default=top) for s in model.subdomains.values()}
    domains = {d.id: min((subdomains[s.id] for s in d.subdomains), default=top) for d in model.domains}
    overall = min(domains.values(), default=top)
    return LevelReport(items, subdomains, domains, overall)


def unsatisfied(model: Model, ratings: Ratings, level: int, rule: LevelRule = STRICT,
                within: str | None = None) -> list[Requirement]:
    """Requirements at a level <= ``level`` that are not satisfied, in tree order.

    ``within`` limits them to one domain, subdomain or item (by id).
    """
    out = []
    for req in model.iter_requirements(level):
        if rule.satisfied(_status(ratings, req.id)):
            continue
        if within is not None:
            item = model.items[req.item_id]
            if within not in (item.id, item.subdomain_id, item.domain_id):
                continue
        out.append(req)
    return out


@dataclass(frozen=True)
class DomainGaps:
    domain: Domain
    level: int
    requirements: tuple[Requirement, ...]


def gaps(model: Model, ratings: Ratings, target: int, rule: LevelRule = STRICT) -> list[DomainGaps]:
    """Every requirement at a level <= ``target`` not satisfied, grouped by domain (domains with none left out)."""
    report = compute_levels(model, ratings, rule)
    missing = unsatisfied(model, ratings, target, rule)
    out = []
    for d in model.domains:
        reqs = tuple(r for r in missing if model.items[r.item_id].domain_id == d.id)
        if reqs:
            out.append(DomainGaps(d, report.domains[d.id], reqs))
    return out


@dataclass(frozen=True)
class ItemBlock:
    item: Item
    level: int
    blocking: tuple[Requirement, ...]


@dataclass(frozen=True)
class Explanation:
    """Why ``level`` is or is not reached: the items below it and the exact requirements that block each."""

    level: int
    overall: int
    reached: bool
    blocked_items: tuple[ItemBlock, ...] = field(default=())

    @property
    def blocking_requirements(self) -> list[Requirement]:
        return [r for b in self.blocked_items for r in b.blocking]


def explain(model: Model, ratings: Ratings, level: int | None = None, rule: LevelRule = STRICT) -> Explanation:
    """Explain ``level`` (default: the level above the current overall, capped at the model's top)."""
    report = compute_levels(model, ratings, rule)
    if level is None:
        level = min(report.overall + 1, model.max_level)
    if level not in model.level_numbers:
        raise InvalidValueError(f"level {level} is not in model {model.id} (levels {model.level_range_text()})")
    blocked = []
    for item in model.items.values():
        if report.items[item.id] >= level:
            continue
        blocking = tuple(r for r in item.requirements
                         if r.level <= level and not rule.satisfied(_status(ratings, r.id)))
        blocked.append(ItemBlock(item, report.items[item.id], blocking))
    return Explanation(level, report.overall, report.overall >= level, tuple(blocked))


def what_if(model: Model, ratings: Ratings, changes: Mapping[str, Status],
            rule: LevelRule = STRICT) -> tuple[LevelReport, LevelReport]:
    """Levels now and after applying ``changes`` (requirement id -> status); nothing is stored."""
    for req_id in changes:
        model.requirement(req_id)
    after = dict(ratings)
    after.update(changes)
    return compute_levels(model, ratings, rule), compute_levels(model, after, rule)


@dataclass(frozen=True)
class Progress:
    rated: int
    total: int

    @property
    def fraction(self) -> float:
        return self.rated / self.total if self.total else 1.0


def progress(model: Model, ratings: Ratings, max_level: int | None = None,
             only: Iterable[str] | None = None) -> Progress:
    """Rated requirements over all requirements up to ``max_level`` (optionally within some node ids)."""
    wanted = set(only) if only is not None else None
    rated = total = 0
    for req in model.iter_requirements(max_level):
        if wanted is not None:
            item = model.items[req.item_id]
            if not wanted & {item.id, item.subdomain_id, item.domain_id}:
                continue
        total += 1
        if _status(ratings, req.id) is not Status.UNRATED:
            rated += 1
    return Progress(rated, total)
