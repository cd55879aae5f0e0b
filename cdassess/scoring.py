"""Scoring rules: the one place that turns ratings into levels, scores, coverage, gaps, blockers and what-if.

A status is a string: an option id of the model's rating scale (``model.scale``), or ``"unrated"``.

- A requirement is satisfied when its option ``satisfies`` (CAICT: met, N/A); the lenient level rule also
  accepts any option weighing 0.5 or more (CAICT: partial).
- ``cumulative`` (CAICT, the default): an item's level is the highest level L such that every requirement of
  the item at a level <= L is satisfied; one below the model's lowest level (0 for a 1-5 model) when the
  lowest is not. With ``empty_levels: pass`` (v1, CAICT) a level at which an item has no requirement is
  passed as soon as the levels below are; with ``hold`` it is never reached on its own: the level is the
  highest level that *has* requirements, all requirements up to it satisfied (and the model's top level once
  every requirement of the item is satisfied: nothing more is asked of it). Subdomain, domain and overall
  level: the minimum over their children (every domain is required). No score.
- ``weighted`` (SAMM): an item's score is the sum over the model's levels >= 1 of the mean answer weight of
  that level's requirements (unrated 0; N/A options left out; a level with no requirement, or only N/A ones,
  is worth what the weakest level below it is worth under ``pass`` and 0 under ``hold``); a subdomain's,
  domain's and the overall score is the mean of its children's; every level is the whole part of the score.
- ``coverage`` (DSOMM): the score of a node is the share of weight achieved over all its requirements
  (0-1, N/A left out); levels by the cumulative rule.
- Coverage per level (0-1, None where a node has no countable requirement at that level) is given for every
  rule.
- Gaps to target T: every requirement at a level <= T that is not satisfied, grouped by domain.
- Blockers of level L: the same set for L; overall reaches L exactly when there are none (cumulative).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cdassess.errors import InvalidValueError
from cdassess.model import Domain, Item, Model, Requirement
from cdassess.scale import CAICT_SCALE, UNRATED, RatingScale


class Status(StrEnum):
    """CAICT's option ids (and ``unrated``). Members equal their strings; other models have other ids."""

    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"
    NA = "na"
    UNRATED = "unrated"

    @classmethod
    def parse(cls, value: str) -> Status:
        """CAICT's words only; new code parses with the model's scale (``model.scale.parse``)."""
        hit = CAICT_SCALE.parse(value)
        if hit is None:
            accepted = ", ".join(s.value for s in cls)
            raise InvalidValueError(f"unknown rating {value!r} (accepted: {accepted})")
        return cls(hit)

    @property
    def label_en(self) -> str:
        return CAICT_SCALE.label(self.value, "en")

    @property
    def label_zh(self) -> str:
        return CAICT_SCALE.label(self.value, "zh")


@dataclass(frozen=True)
class LevelRule:
    """Which ratings satisfy a requirement. ``strict`` is the scale's own; ``lenient`` adds weights >= 0.5."""

    name: str = "strict"

    def __post_init__(self) -> None:
        if self.name not in RULES:
            raise InvalidValueError(f"unknown level rule {self.name!r} (accepted: {', '.join(RULES)})")

    @property
    def lenient(self) -> bool:
        return self.name == "lenient"

    def satisfied(self, status: str, scale: RatingScale = CAICT_SCALE) -> bool:
        return scale.satisfies(status, self.lenient)


RULES: dict[str, frozenset[str]] = {  # the CAICT statuses each level rule accepts
    "strict": frozenset({Status.MET, Status.NA}),
    "lenient": frozenset({Status.MET, Status.NA, Status.PARTIAL}),
}
STRICT = LevelRule("strict")

Ratings = Mapping[str, str]
Coverage = Mapping[int, "float | None"]


def _status(ratings: Ratings, req_id: str) -> str:
    return ratings.get(req_id, UNRATED)


def item_level(model: Model, item: Item, ratings: Ratings, rule: LevelRule = STRICT) -> int:
    """The item's level by the cumulative rule (see the module doc; ``model.scoring.empty_levels``)."""
    scale = model.scale
    hold = model.scoring.empty_levels == "hold"
    achieved = model.min_level - 1
    for n in model.level_numbers:
        reqs = item.requirements_at(n)
        if any(not rule.satisfied(_status(ratings, r.id), scale) for r in reqs):
            break
        if reqs or not hold:
            achieved = n
    else:
        return model.max_level
    return achieved


def horizon(model: Model, item: Item, level: int) -> int:
    """The highest requirement level that counts for ``item`` reaching ``level``.

    ``level`` itself, except under ``empty_levels: hold``, where an item reaches a level with no requirement of
    its own only through the next level that has some (or by satisfying all of them).
    """
    if model.scoring.empty_levels != "hold" or item.requirements_at(level):
        return level
    return min((n for n in item.levels_used if n >= level), default=model.max_level)


def _level_weights(model: Model, reqs: Iterable[Requirement], ratings: Ratings) -> tuple[float, int]:
    """Sum of answer weights and number of counted (not N/A) requirements."""
    total, count = 0.0, 0
    for r in reqs:
        w = model.scale.weight(_status(ratings, r.id))
        if w is not None:
            total += w
            count += 1
    return total, count


def item_score(model: Model, item: Item, ratings: Ratings) -> float:
    """The weighted rule's score of one item: the sum over levels >= 1 of the mean answer weight.

    A level without (countable) requirements is worth what the weakest level below it is worth under
    ``empty_levels: pass`` (1 when it is the first), and 0 under ``hold``.
    """
    hold = model.scoring.empty_levels == "hold"
    score = 0.0
    lowest = 1.0
    for n in model.level_numbers:
        if n < 1:
            continue
        total, count = _level_weights(model, item.requirements_at(n), ratings)
        if count:
            mean = total / count
            lowest = min(lowest, mean)
        else:
            mean = 0.0 if hold else lowest
        score += mean
    return score


def _coverage(model: Model, reqs: list[Requirement], ratings: Ratings) -> dict[int, float | None]:
    out: dict[int, float | None] = {}
    for n in model.level_numbers:
        total, count = _level_weights(model, (r for r in reqs if r.level == n), ratings)
        out[n] = total / count if count else None
    return out


def _share(model: Model, reqs: list[Requirement], ratings: Ratings) -> float | None:
    total, count = _level_weights(model, reqs, ratings)
    return total / count if count else None


def _whole(score: float, model: Model) -> int:
    """The level a score stands for: its whole part, within the model's levels."""
    return max(model.min_level - 1, min(model.max_level, math.floor(round(score, 9))))


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


@dataclass(frozen=True)
class LevelReport:
    """Levels (and, where the model's rule defines one, scores) at every layer of the tree for one set of ratings.

    ``scores`` maps node ids to the rule's score (empty for ``cumulative``); ``coverage`` maps node ids to the
    share of weight achieved per level; ``overall_score``/``overall_coverage`` are the same for the whole model.
    """

    items: Mapping[str, int]
    subdomains: Mapping[str, int]
    domains: Mapping[str, int]
    overall: int
    scores: Mapping[str, float] = field(default_factory=dict)
    overall_score: float | None = None
    coverage: Mapping[str, Coverage] = field(default_factory=dict, compare=False)
    overall_coverage: Coverage = field(default_factory=dict, compare=False)
    rule: str = "cumulative"
    max_score: float | None = None

    def level_of(self, node_id: str) -> int:
        for table in (self.items, self.subdomains, self.domains):
            if node_id in table:
                return table[node_id]
        raise KeyError(node_id)

    def score_of(self, node_id: str) -> float | None:
        return self.scores.get(node_id)


def max_score(model: Model) -> float | None:
    """The highest score the model's rule gives (None for the cumulative rule, which has none)."""
    if model.scoring.rule == "weighted":
        return float(sum(1 for n in model.level_numbers if n >= 1))
    if model.scoring.rule == "coverage":
        return 1.0
    return None


def compute_levels(model: Model, ratings: Ratings, rule: LevelRule = STRICT) -> LevelReport:
    kind = model.scoring.rule
    top = model.max_level
    scores: dict[str, float] = {}
    overall_score: float | None = None
    if kind == "weighted":
        for i in model.items.values():
            scores[i.id] = item_score(model, i, ratings)
        for s in model.subdomains.values():
            scores[s.id] = _mean([scores[i.id] for i in s.items])
        for d in model.domains:
            scores[d.id] = _mean([scores[s.id] for s in d.subdomains])
        overall_score = _mean([scores[d.id] for d in model.domains])
        items = {i.id: _whole(scores[i.id], model) for i in model.items.values()}
        subdomains = {s.id: _whole(scores[s.id], model) for s in model.subdomains.values()}
        domains = {d.id: _whole(scores[d.id], model) for d in model.domains}
        overall = _whole(overall_score, model)
    else:
        items = {i.id: item_level(model, i, ratings, rule) for i in model.items.values()}
        subdomains = {s.id: min((items[i.id] for i in s.items), default=top) for s in model.subdomains.values()}
        domains = {d.id: min((subdomains[s.id] for s in d.subdomains), default=top) for d in model.domains}
        overall = min(domains.values(), default=top)
    coverage: dict[str, Coverage] = {}
    all_reqs: list[Requirement] = []
    for d in model.domains:
        d_reqs: list[Requirement] = []
        for s in d.subdomains:
            s_reqs: list[Requirement] = []
            for i in s.items:
                coverage[i.id] = _coverage(model, list(i.requirements), ratings)
                s_reqs.extend(i.requirements)
                if kind == "coverage":
                    scores[i.id] = _share(model, list(i.requirements), ratings) or 0.0
            coverage[s.id] = _coverage(model, s_reqs, ratings)
            if kind == "coverage":
                scores[s.id] = _share(model, s_reqs, ratings) or 0.0
            d_reqs.extend(s_reqs)
        coverage[d.id] = _coverage(model, d_reqs, ratings)
        if kind == "coverage":
            scores[d.id] = _share(model, d_reqs, ratings) or 0.0
        all_reqs.extend(d_reqs)
    if kind == "coverage":
        overall_score = _share(model, all_reqs, ratings) or 0.0
    return LevelReport(items, subdomains, domains, overall, scores, overall_score, coverage,
                       _coverage(model, all_reqs, ratings), kind, max_score(model))


def unsatisfied(model: Model, ratings: Ratings, level: int, rule: LevelRule = STRICT,
                within: str | None = None) -> list[Requirement]:
    """Requirements at a level <= ``level`` that are not satisfied, in tree order.

    ``within`` limits them to one domain, subdomain or item (by id).
    """
    out = []
    hold = model.scoring.empty_levels == "hold"
    horizons: dict[str, int] = {}
    for req in model.iter_requirements(None if hold else level):
        if hold:
            h = horizons.get(req.item_id)
            if h is None:
                h = horizons[req.item_id] = horizon(model, model.items[req.item_id], level)
            if req.level > h:
                continue
        if rule.satisfied(_status(ratings, req.id), model.scale):
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
        h = horizon(model, item, level)
        blocking = tuple(r for r in item.requirements
                         if r.level <= h and not rule.satisfied(_status(ratings, r.id), model.scale))
        blocked.append(ItemBlock(item, report.items[item.id], blocking))
    return Explanation(level, report.overall, report.overall >= level, tuple(blocked))


def what_if(model: Model, ratings: Ratings, changes: Mapping[str, str],
            rule: LevelRule = STRICT) -> tuple[LevelReport, LevelReport]:
    """Levels now and after applying ``changes`` (requirement id -> status); nothing is stored."""
    for req_id, status in changes.items():
        model.requirement(req_id)
        if status != UNRATED and status not in model.scale:
            model.scale.option(status)
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
        if _status(ratings, req.id) != UNRATED:
            rated += 1
    return Progress(rated, total)
