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
Sums = Mapping[int, tuple[float, int]]  # level -> (sum of answer weights, counted requirements)


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
    # per node (and "" for the whole model): per level, the sum of answer weights and the number of counted
    # requirements; what coverage and the coverage rule's scores are made of, kept so that one rating
    # recomputes only its own path (:func:`update_levels`)
    sums: Mapping[str, Sums] = field(default_factory=dict, compare=False, repr=False)

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


def _item_sums(model: Model, item: Item, ratings: Ratings) -> dict[int, tuple[float, int]]:
    totals = dict.fromkeys(model.level_numbers, 0.0)
    counts = dict.fromkeys(model.level_numbers, 0)
    weight = model.scale.weight
    for r in item.requirements:
        w = weight(ratings.get(r.id, UNRATED))
        if w is not None:
            totals[r.level] += w
            counts[r.level] += 1
    return {n: (totals[n], counts[n]) for n in model.level_numbers}


def _add_sums(model: Model, parts: Iterable[Sums]) -> dict[int, tuple[float, int]]:
    totals = dict.fromkeys(model.level_numbers, 0.0)
    counts = dict.fromkeys(model.level_numbers, 0)
    for part in parts:
        for n, (t, c) in part.items():
            totals[n] += t
            counts[n] += c
    return {n: (totals[n], counts[n]) for n in model.level_numbers}


def _coverage_of(sums: Sums) -> dict[int, float | None]:
    return {n: t / c if c else None for n, (t, c) in sums.items()}


def _share_of(sums: Sums) -> float:
    """The coverage rule's score: the share of weight achieved over all counted requirements (0 when none)."""
    count = sum(c for _, c in sums.values())
    return sum(t for t, _ in sums.values()) / count if count else 0.0


def compute_levels(model: Model, ratings: Ratings, rule: LevelRule = STRICT) -> LevelReport:
    """Levels, scores and coverage of every item, subdomain, domain and the whole model (one pass)."""
    return update_levels(model, None, ratings, None, rule)


@dataclass
class _Tables:
    """The figures of a LevelReport while they are (re)computed."""

    items: dict[str, int] = field(default_factory=dict)
    subdomains: dict[str, int] = field(default_factory=dict)
    domains: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    sums: dict[str, Sums] = field(default_factory=dict)


def _score_items(model: Model, t: _Tables, todo: Iterable[Item], ratings: Ratings, rule: LevelRule) -> None:
    kind = model.scoring.rule
    for i in todo:
        s_i = t.sums[i.id] = _item_sums(model, i, ratings)
        t.coverage[i.id] = _coverage_of(s_i)
        if kind == "weighted":
            t.scores[i.id] = item_score(model, i, ratings)
            t.items[i.id] = _whole(t.scores[i.id], model)
        else:
            t.items[i.id] = item_level(model, i, ratings, rule)
            if kind == "coverage":
                t.scores[i.id] = _share_of(s_i)


def _score_parents(model: Model, t: _Tables, node_id: str, child_ids: list[str], levels: dict[str, int],
                   child_levels: Mapping[str, int]) -> None:
    """A subdomain's or domain's figures from its children's (``levels`` is where its level goes)."""
    kind = model.scoring.rule
    s_n = t.sums[node_id] = _add_sums(model, (t.sums[c] for c in child_ids))
    t.coverage[node_id] = _coverage_of(s_n)
    if kind == "weighted":
        t.scores[node_id] = _mean([t.scores[c] for c in child_ids])
        levels[node_id] = _whole(t.scores[node_id], model)
    else:
        levels[node_id] = min((child_levels[c] for c in child_ids), default=model.max_level)
        if kind == "coverage":
            t.scores[node_id] = _share_of(s_n)


def update_levels(model: Model, report: LevelReport | None, ratings: Ratings, changed: Iterable[str] | None,
                  rule: LevelRule = STRICT) -> LevelReport:
    """``report`` after the ratings of the requirements ``changed`` became what ``ratings`` says: only their
    items, subdomains and domains and the overall figures are recomputed (every rule is a function of the
    children's figures), with the same arithmetic as a full computation, so the result equals
    ``compute_levels(model, ratings, rule)``. ``report`` None (or ``changed`` None): everything."""
    kind = model.scoring.rule
    if report is None or changed is None or not report.sums:
        t = _Tables()
        items_todo = list(model.items.values())
        subs_todo = list(model.subdomains.values())
        doms_todo = list(model.domains)
    else:
        t = _Tables(dict(report.items), dict(report.subdomains), dict(report.domains), dict(report.scores),
                    dict(report.coverage), dict(report.sums))
        items_todo = [model.items[i] for i in dict.fromkeys(model.requirements[r].item_id for r in changed)]
        subs_todo = [model.subdomains[s] for s in dict.fromkeys(i.subdomain_id for i in items_todo)]
        dom_ids = {i.domain_id for i in items_todo}
        doms_todo = [d for d in model.domains if d.id in dom_ids]
    _score_items(model, t, items_todo, ratings, rule)
    for sd in subs_todo:
        _score_parents(model, t, sd.id, [i.id for i in sd.items], t.subdomains, t.items)
    for d in doms_todo:
        _score_parents(model, t, d.id, [sd.id for sd in d.subdomains], t.domains, t.subdomains)
    s_all = t.sums[""] = _add_sums(model, (t.sums[d.id] for d in model.domains))
    overall_score: float | None = None
    if kind == "weighted":
        overall_score = _mean([t.scores[d.id] for d in model.domains])
        overall = _whole(overall_score, model)
    else:
        overall = min(t.domains.values(), default=model.max_level)
        if kind == "coverage":
            overall_score = _share_of(s_all)
    return LevelReport(t.items, t.subdomains, t.domains, overall, t.scores, overall_score, t.coverage,
                       _coverage_of(s_all), kind, max_score(model), t.sums)


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


def gaps(model: Model, ratings: Ratings, target: int, rule: LevelRule = STRICT,
         report: LevelReport | None = None) -> list[DomainGaps]:
    """Every requirement at a level <= ``target`` not satisfied, grouped by domain (domains with none left out).

    ``report``: the levels of the same ratings, when the caller has them already."""
    report = report or compute_levels(model, ratings, rule)
    by_domain: dict[str, list[Requirement]] = {}
    for r in unsatisfied(model, ratings, target, rule):  # in tree order: grouped in one pass
        by_domain.setdefault(model.items[r.item_id].domain_id, []).append(r)
    return [DomainGaps(d, report.domains[d.id], tuple(by_domain[d.id])) for d in model.domains if d.id in by_domain]


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


class LiveLevels:
    """The levels, gaps, blockers and progress of one set of ratings that changes one rating at a time (the
    window): :meth:`rate` recomputes only the changed requirements' items and their ancestors
    (:func:`update_levels`), and gaps and blockers are kept per item. Every answer equals the full function's
    (``compute_levels``, ``unsatisfied``, ``explain(...).blocking_requirements``, ``progress``)."""

    def __init__(self, model: Model, ratings: Ratings, rule: LevelRule = STRICT) -> None:
        self.model = model
        self.rule = rule
        self.ratings: dict[str, str] = {k: v for k, v in ratings.items() if v != UNRATED}
        self.report = compute_levels(model, self.ratings, rule)
        self._unsat: dict[int, dict[str, list[Requirement]]] = {}  # level -> item -> unsatisfied up to it
        self._progress: dict[int | None, dict[str, tuple[int, int]]] = {}  # max level -> item -> rated, total

    def rate(self, changes: Mapping[str, str]) -> None:
        """Requirement id -> new status (``unrated`` clears)."""
        for rid, status in changes.items():
            if status == UNRATED:
                self.ratings.pop(rid, None)
            else:
                self.ratings[rid] = status
        self.report = update_levels(self.model, self.report, self.ratings, list(changes), self.rule)
        items = {self.model.requirements[r].item_id for r in changes}
        for unsat in self._unsat.values():
            for i in items:
                unsat.pop(i, None)
        for counts in self._progress.values():
            for i in items:
                counts.pop(i, None)

    def _item_unsatisfied(self, item: Item, level: int) -> list[Requirement]:
        cache = self._unsat.setdefault(level, {})
        got = cache.get(item.id)
        if got is None:
            h = horizon(self.model, item, level)
            scale, ratings, rule = self.model.scale, self.ratings, self.rule
            got = cache[item.id] = [r for r in item.requirements
                                    if r.level <= h and not rule.satisfied(_status(ratings, r.id), scale)]
        return got

    def unsatisfied(self, level: int) -> list[Requirement]:
        """``unsatisfied(model, ratings, level, rule)``: the gaps to ``level``, in tree order."""
        out: list[Requirement] = []
        for item in self.model.items.values():
            out += self._item_unsatisfied(item, level)
        return out

    def blockers(self, level: int) -> list[Requirement]:
        """``explain(model, ratings, level, rule).blocking_requirements``."""
        out: list[Requirement] = []
        levels = self.report.items
        for item in self.model.items.values():
            if levels[item.id] < level:
                out += self._item_unsatisfied(item, level)
        return out

    def progress_by_domain(self, max_level: int | None) -> dict[str, tuple[int, int]]:
        """Domain id -> (rated, total) requirements up to ``max_level`` (``progress`` per domain)."""
        cache = self._progress.setdefault(max_level, {})
        out: dict[str, tuple[int, int]] = {d.id: (0, 0) for d in self.model.domains}
        for item in self.model.items.values():
            got = cache.get(item.id)
            if got is None:
                reqs = [r for r in item.requirements if max_level is None or r.level <= max_level]
                got = cache[item.id] = (sum(1 for r in reqs if r.id in self.ratings), len(reqs))
            a, b = out[item.domain_id]
            out[item.domain_id] = (a + got[0], b + got[1])
        return out
