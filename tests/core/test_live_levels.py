"""LiveLevels (the window's levels, one rating at a time) gives exactly what the full scoring functions give,
for every scoring rule, level rule and empty-level policy, after any sequence of ratings."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cdassess.library import ModelLibrary
from cdassess.model import Model, load_model_file, parse_model
from cdassess.scale import UNRATED
from cdassess.scoring import (
    LevelRule,
    LiveLevels,
    compute_levels,
    explain,
    progress,
    unsatisfied,
    update_levels,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "models"


def _tiny(**scoring: str) -> Model:
    data = json.loads((FIXTURES / "tiny-v2.json").read_text(encoding="utf-8"))
    data["scoring"] = {**data["scoring"], **scoring}
    return parse_model(data, "tiny-v2.json")


MODELS = {
    "caict": lambda: ModelLibrary().builtin(),
    "mini": lambda: load_model_file(FIXTURES / "mini.json"),
    "weighted": lambda: _tiny(rule="weighted"),
    "weighted-hold": lambda: _tiny(rule="weighted", empty_levels="hold"),
    "coverage-hold": lambda: _tiny(rule="coverage", empty_levels="hold"),
    "cumulative-hold": lambda: _tiny(rule="cumulative", empty_levels="hold"),
}


def _same(live: LiveLevels, model: Model, rule: LevelRule) -> None:
    ratings = dict(live.ratings)
    full = compute_levels(model, ratings, rule)
    assert live.report == full
    assert live.report.coverage == full.coverage and live.report.overall_coverage == full.overall_coverage
    for level in model.level_numbers:
        assert live.unsatisfied(level) == unsatisfied(model, ratings, level, rule)
        assert live.blockers(level) == explain(model, ratings, level, rule).blocking_requirements
    for top in (None, *model.level_numbers):
        per_domain = live.progress_by_domain(top)
        for d in model.domains:
            p = progress(model, ratings, top, [d.id])
            assert per_domain[d.id] == (p.rated, p.total)


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("rule", ["strict", "lenient"])
def test_one_rating_at_a_time_equals_the_full_computation(name: str, rule: str) -> None:
    model = MODELS[name]()
    level_rule = LevelRule(rule)
    rng = random.Random(f"{name}-{rule}")
    ids = list(model.requirements)
    options = [*model.scale.ids, UNRATED]
    live = LiveLevels(model, {r: rng.choice(options) for r in ids if rng.random() < 0.5}, level_rule)
    _same(live, model, level_rule)
    for step in range(40):
        changes = {rng.choice(ids): rng.choice(options) for _ in range(1 if step % 5 else 3)}
        live.rate(changes)
        if step % 8 == 0:
            _same(live, model, level_rule)
    _same(live, model, level_rule)


def test_update_levels_recomputes_only_the_changed_path() -> None:
    model = ModelLibrary().builtin()
    ratings = dict.fromkeys(model.requirements, "met")
    before = compute_levels(model, ratings)
    rid = next(iter(model.requirements))
    ratings[rid] = "not_met"
    after = update_levels(model, before, ratings, [rid])
    assert after == compute_levels(model, ratings)
    item = model.items[model.requirements[rid].item_id]
    changed = {k for k, v in after.items.items() if before.items[k] != v}
    assert changed == {item.id}
    assert after.domains[item.domain_id] < before.domains[item.domain_id]
    assert all(after.domains[d.id] == before.domains[d.id] for d in model.domains if d.id != item.domain_id)
