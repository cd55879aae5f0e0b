"""Level rules (design.md section 4): examples and properties over random models and ratings."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdassess.errors import InvalidValueError
from cdassess.model import Model, parse_model
from cdassess.scoring import (
    LevelRule,
    Status,
    compute_levels,
    explain,
    gaps,
    item_level,
    progress,
    unsatisfied,
    what_if,
)

LENIENT = LevelRule("lenient")


def test_item_level_is_highest_level_with_everything_below_satisfied(mini_model: Model) -> None:
    item = mini_model.items["A.X.1"]
    assert item_level(mini_model, item, {}) == 0
    r = {"A.X.1.L1": Status.MET, "A.X.1.L2": Status.NA, "A.X.1.L3": Status.PARTIAL}
    assert item_level(mini_model, item, r) == 2
    assert item_level(mini_model, item, r, LENIENT) == 3
    # A satisfied higher requirement does not help past an unsatisfied lower one.
    assert item_level(mini_model, item, {"A.X.1.L2": Status.MET, "A.X.1.L3": Status.MET}) == 0


def test_an_empty_level_adds_nothing(mini_model: Model) -> None:
    # A.X.2 has requirements at levels 1 and 3 only: level 2 is passed as soon as level 1 is.
    item = mini_model.items["A.X.2"]
    assert item_level(mini_model, item, {"A.X.2.L1": Status.MET}) == 2
    assert item_level(mini_model, item, {"A.X.2.L1": Status.MET, "A.X.2.L3": Status.MET}) == 3


def test_overall_is_the_minimum_and_gaps_are_grouped_by_domain(mini_model: Model) -> None:
    ratings = dict.fromkeys(mini_model.requirements, Status.MET)
    ratings["B.1.L2"] = Status.NOT_MET
    rep = compute_levels(mini_model, ratings)
    assert rep.items["B.1"] == 1 and rep.domains == {"A": 3, "B": 1} and rep.overall == 1
    g = gaps(mini_model, ratings, 3)
    assert [(x.domain.id, [r.id for r in x.requirements]) for x in g] == [("B", ["B.1.L2"])]
    assert gaps(mini_model, ratings, 1) == []


def test_explain_names_the_exact_blockers(mini_model: Model) -> None:
    ratings = {"A.X.1.L1": Status.MET, "A.X.2.L1": Status.MET, "B.1.L1": Status.PARTIAL}
    ex = explain(mini_model, ratings)
    assert (ex.level, ex.overall, ex.reached) == (1, 0, False)
    assert [r.id for r in ex.blocking_requirements] == ["B.1.L1"]
    ex2 = explain(mini_model, ratings, 2)
    assert [r.id for r in ex2.blocking_requirements] == ["A.X.1.L2", "B.1.L1", "B.1.L2"]
    with pytest.raises(InvalidValueError, match="level 7 is not in model mini"):
        explain(mini_model, ratings, 7)


def test_what_if_changes_nothing_stored(mini_model: Model) -> None:
    ratings = {"A.X.1.L1": Status.MET, "A.X.2.L1": Status.MET}
    before, after = what_if(mini_model, ratings, {"B.1.L1": Status.MET})
    assert (before.overall, after.overall) == (0, 1)
    assert "B.1.L1" not in ratings


def test_progress_counts_rated_up_to_a_level(mini_model: Model) -> None:
    ratings = {"A.X.1.L1": Status.NOT_MET, "A.X.1.L3": Status.MET}
    assert (progress(mini_model, ratings).rated, progress(mini_model, ratings).total) == (2, 8)
    assert (progress(mini_model, ratings, 1).rated, progress(mini_model, ratings, 1).total) == (1, 3)
    assert progress(mini_model, ratings, only=["B"]).total == 3


@pytest.mark.parametrize(("text", "expected"), [("met", Status.MET), (" Not-Met ", Status.NOT_MET),
                                                ("N/A", Status.NA), ("", Status.UNRATED)])
def test_status_parsing(text: str, expected: Status) -> None:
    assert Status.parse(text) is expected


def test_unknown_status_names_what_is_accepted() -> None:
    with pytest.raises(InvalidValueError, match=r"unknown rating 'done' .accepted: met, partial, not_met, na"):
        Status.parse("done")


# ------------------------------------------------------------------------------------------- properties

STATUSES = st.sampled_from(list(Status))


@st.composite
def models(draw: st.DrawFn) -> Model:
    low = draw(st.integers(0, 1))
    top = draw(st.integers(low + 1, low + 5))
    levels = list(range(low, top + 1))
    n_domains = draw(st.integers(1, 3))
    domains: list[dict[str, Any]] = []
    for d in range(n_domains):
        items = []
        for i in range(draw(st.integers(1, 3))):
            present = draw(st.lists(st.sampled_from(levels), min_size=1, unique=True))
            items.append({"id": f"D{d}.I{i}", "names": {"en": "i"},
                          "requirements": [{"id": f"D{d}.I{i}.L{n}", "level": n, "text": {"en": "t"}}
                                           for n in sorted(present)]})
        domains.append({"id": f"D{d}", "names": {"en": "d"}, "items": items})
    return parse_model({"id": "gen", "version": "1", "names": {"en": "g"},
                        "levels": [{"n": n, "names": {"en": str(n)}} for n in levels], "domains": domains})


@st.composite
def model_and_ratings(draw: st.DrawFn) -> tuple[Model, dict[str, Status]]:
    m = draw(models())
    ratings = {r: draw(STATUSES) for r in m.requirements}
    return m, ratings


ORDER = [Status.UNRATED, Status.NOT_MET, Status.PARTIAL, Status.MET]


@settings(max_examples=150, deadline=None)
@given(model_and_ratings(), st.data())
def test_raising_a_rating_never_lowers_a_level(mr: tuple[Model, dict[str, Status]], data: st.DataObject) -> None:
    m, ratings = mr
    req = data.draw(st.sampled_from(sorted(m.requirements)))
    current = ratings[req]
    higher = [s for s in (*ORDER, Status.NA)
              if s in (Status.MET, Status.NA) or (current in ORDER and ORDER.index(s) >= ORDER.index(current))]
    raised = dict(ratings, **{req: data.draw(st.sampled_from(higher))})
    for rule in (LevelRule("strict"), LENIENT):
        before, after = compute_levels(m, ratings, rule), compute_levels(m, raised, rule)
        assert after.overall >= before.overall
        assert all(after.items[i] >= before.items[i] for i in m.items)


@settings(max_examples=150, deadline=None)
@given(model_and_ratings(), st.data())
def test_gaps_are_empty_exactly_when_the_target_is_reached(mr: tuple[Model, dict[str, Status]],
                                                           data: st.DataObject) -> None:
    m, ratings = mr
    target = data.draw(st.sampled_from(m.level_numbers))
    overall = compute_levels(m, ratings).overall
    assert (gaps(m, ratings, target) == []) == (overall >= target)
    assert (explain(m, ratings, target).reached) == (overall >= target)


@settings(max_examples=100, deadline=None)
@given(model_and_ratings())
def test_an_empty_model_level_adds_nothing(mr: tuple[Model, dict[str, Status]]) -> None:
    """Removing a level at which no item has a requirement leaves every item level's meaning intact."""
    m, ratings = mr
    rep = compute_levels(m, ratings)
    for item in m.items.values():
        present = {r.level for r in item.requirements}
        lvl = rep.items[item.id]
        # The item level is either the top, or just below a present, unsatisfied requirement.
        if lvl < m.max_level:
            blocker = lvl + 1
            assert blocker in present
            assert not LevelRule("strict").satisfied(ratings[f"{item.id}.L{blocker}"])
        assert all(LevelRule("strict").satisfied(ratings[r.id]) for r in item.requirements if r.level <= lvl)


@settings(max_examples=100, deadline=None)
@given(model_and_ratings())
def test_unsatisfied_at_overall_plus_one_are_the_blockers(mr: tuple[Model, dict[str, Status]]) -> None:
    m, ratings = mr
    overall = compute_levels(m, ratings).overall
    if overall < m.max_level:
        ex = explain(m, ratings)
        assert {r.id for r in ex.blocking_requirements} == {r.id for r in unsatisfied(m, ratings, overall + 1)}
        assert ex.blocking_requirements  # something always blocks the next level


# ------------------------------------------------------------------------------- v2 rules (issue #13)

V2_SCALE = [
    {"id": "all", "labels": {"en": "All"}, "weight": 1.0, "satisfies": True},
    {"id": "half", "labels": {"en": "Half"}, "weight": 0.5, "satisfies": False},
    {"id": "some", "labels": {"en": "Some"}, "weight": 0.25, "satisfies": False},
    {"id": "none", "labels": {"en": "None"}, "weight": 0.0, "satisfies": False},
    {"id": "skip", "labels": {"en": "N/A"}, "weight": 0.0, "satisfies": True, "needs_justification": True,
     "not_applicable": True},
]
V2_ORDER = ["unrated", "none", "some", "half", "all"]


@st.composite
def v2_models(draw: st.DrawFn, rule: str | None = None, empty: str | None = None) -> Model:
    """Random v2 models: 1-5 levels from 1, items with any number of requirements per level, gaps in levels."""
    top = draw(st.integers(1, 5))
    levels = list(range(1, top + 1))
    domains: list[dict[str, Any]] = []
    for d in range(draw(st.integers(1, 3))):
        subs = []
        for s in range(draw(st.integers(1, 2))):
            items = []
            for i in range(draw(st.integers(1, 3))):
                present = draw(st.lists(st.sampled_from(levels), min_size=1, max_size=6))
                items.append({"id": f"D{d}.S{s}.I{i}", "names": {"en": "i"},
                              "requirements": [{"id": f"D{d}.S{s}.I{i}.R{k}", "level": n, "text": {"en": "t"}}
                                               for k, n in enumerate(sorted(present))]})
            subs.append({"id": f"D{d}.S{s}", "names": {"en": "s"}, "items": items})
        domains.append({"id": f"D{d}", "names": {"en": "d"}, "subdomains": subs})
    scoring = {"rule": rule or draw(st.sampled_from(["cumulative", "weighted", "coverage"])),
               "empty_levels": empty or draw(st.sampled_from(["pass", "hold"]))}
    return parse_model({"format": "cdassess-model/2", "id": "gen2", "version": "1", "languages": ["en"],
                        "names": {"en": "g"}, "scale": V2_SCALE, "scoring": scoring,
                        "levels": [{"n": n, "names": {"en": str(n)}} for n in levels], "domains": domains})


def _v2_ratings(draw: st.DrawFn, m: Model) -> dict[str, str]:
    return {r: draw(st.sampled_from([*V2_ORDER, "skip"])) for r in m.requirements}


def test_hold_example_levels_1_2_and_5_with_1_2_done_is_2_never_4() -> None:
    m = parse_model({"format": "cdassess-model/2", "id": "h", "version": "1", "languages": ["en"],
                     "names": {"en": "h"}, "scale": V2_SCALE, "scoring": {"empty_levels": "hold"},
                     "levels": [{"n": n, "names": {"en": str(n)}} for n in range(1, 6)],
                     "domains": [{"id": "D", "names": {"en": "d"}, "items": [
                         {"id": "I", "names": {"en": "i"}, "requirements": [
                             {"id": f"I.{n}", "level": n, "text": {"en": "t"}} for n in (1, 2, 5)]}]}]})
    done = {"I.1": "all", "I.2": "all"}
    assert item_level(m, m.items["I"], done) == 2
    assert item_level(m, m.items["I"], {}) == 0
    assert item_level(m, m.items["I"], {**done, "I.5": "all"}) == 5
    assert [r.id for r in unsatisfied(m, done, 3)] == ["I.5"]  # level 3 is reached only through level 5


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_blank_assessment_is_zero_everywhere_under_hold_and_for_weighted(data: st.DataObject) -> None:
    m = data.draw(v2_models(empty="hold"))
    rep = compute_levels(m, {})
    assert set(rep.items.values()) == {0} and rep.overall == 0
    if rep.overall_score is not None:
        assert rep.overall_score == 0 and all(v == 0 for v in rep.scores.values())
    assert all(v in (0.0, None) for cov in rep.coverage.values() for v in cov.values())


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_hold_level_is_highest_level_with_requirements_all_satisfied_up_to_it(data: st.DataObject) -> None:
    m = data.draw(v2_models(rule="cumulative", empty="hold"))
    ratings = _v2_ratings(data.draw, m)
    for item in m.items.values():
        sat = {n: all(m.scale.satisfies(ratings[r.id]) for r in item.requirements if r.level <= n)
               for n in item.levels_used}
        expected = max((n for n in item.levels_used if sat[n]), default=0)
        if sat[max(item.levels_used)]:
            expected = m.max_level  # nothing more is asked of the item
        assert item_level(m, item, ratings) == expected
        assert item_level(m, item, ratings) <= item_level(
            parse_model({**json.loads(m.to_json()), "scoring": {"rule": "cumulative", "empty_levels": "pass"}}),
            item, ratings)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_every_rule_monotone_in_answers_and_gaps_match_levels(data: st.DataObject) -> None:
    m = data.draw(v2_models())
    ratings = _v2_ratings(data.draw, m)
    req = data.draw(st.sampled_from(sorted(m.requirements)))
    if ratings[req] == "skip":
        return
    better = data.draw(st.sampled_from(V2_ORDER[V2_ORDER.index(ratings[req]):]))
    raised = {**ratings, req: better}
    before, after = compute_levels(m, ratings), compute_levels(m, raised)
    assert after.overall >= before.overall
    assert all(after.items[i] >= before.items[i] for i in m.items)
    if before.overall_score is not None:
        assert after.overall_score is not None and after.overall_score >= before.overall_score - 1e-9
    if m.scoring.rule != "weighted":  # cumulative levels: no gaps to T exactly when T is reached
        for t in m.level_numbers:
            assert (not gaps(m, ratings, t)) == (before.overall >= t)
        ex = explain(m, ratings)
        assert ex.reached == (before.overall >= ex.level)
        if not ex.reached:
            fixed = {**ratings, **dict.fromkeys((r.id for r in ex.blocking_requirements), "all")}
            assert compute_levels(m, fixed).overall >= ex.level  # the blockers are exactly what is missing


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_weighted_scores_bounded_averaged_and_level_is_the_whole_part(data: st.DataObject) -> None:
    m = data.draw(v2_models(rule="weighted"))
    ratings = _v2_ratings(data.draw, m)
    rep = compute_levels(m, ratings)
    top = m.max_level
    assert rep.max_score == top and rep.overall_score is not None
    for s in m.subdomains.values():
        assert rep.scores[s.id] == pytest.approx(sum(rep.scores[i.id] for i in s.items) / len(s.items))
    for node, score in rep.scores.items():
        assert -1e-9 <= score <= top + 1e-9
        assert rep.level_of(node) == int(score + 1e-9)
    assert rep.overall == int(rep.overall_score + 1e-9)
    full = compute_levels(m, dict.fromkeys(m.requirements, "all"))
    if m.scoring.empty_levels == "pass":  # under hold a level an item has nothing at adds 0
        assert full.overall_score == pytest.approx(top) and full.overall == top


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_coverage_is_the_share_of_weight_and_levels_follow_the_cumulative_rule(data: st.DataObject) -> None:
    m = data.draw(v2_models(rule="coverage"))
    ratings = _v2_ratings(data.draw, m)
    rep = compute_levels(m, ratings)
    counted = [r for r in m.requirements if ratings[r] != "skip"]
    weights = {"unrated": 0, "none": 0, "some": 0.25, "half": 0.5, "all": 1}
    expected = sum(weights[ratings[r]] for r in counted) / len(counted) if counted else 0.0
    assert rep.overall_score == pytest.approx(expected)
    for n in m.level_numbers:
        at = [r for r in counted if m.requirements[r].level == n]
        cov = rep.overall_coverage[n]
        assert (cov is None) == (not at)
        if at:
            assert cov == pytest.approx(sum(weights[ratings[r]] for r in at) / len(at))
    cumulative = parse_model({**json.loads(m.to_json()), "scoring": {**m.scoring.as_dict(), "rule": "cumulative"}})
    assert compute_levels(cumulative, ratings).items == rep.items
