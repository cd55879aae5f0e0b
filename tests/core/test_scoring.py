"""Level rules (design.md section 4): examples and properties over random models and ratings."""

from __future__ import annotations

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
    higher = [s for s in (*ORDER, Status.NA) if s is Status.MET or s is Status.NA
              or (current in ORDER and ORDER.index(s) >= ORDER.index(current))]
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
