"""The model loader: the built-in model, other shapes of model, and every problem reported with its place."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cdassess.errors import ModelError
from cdassess.library import ModelLibrary
from cdassess.model import EVIDENCE_TYPES, PROVENANCES, Model, load_model_file, parse_model


def test_builtin_model_has_the_caict_structure(builtin_model: Model) -> None:
    m = builtin_model
    assert (m.id, len(m.domains), len(m.subdomains)) == ("caict-devops-cd", 7, 14)
    assert len(m.items) >= 40
    assert m.level_numbers == (1, 2, 3, 4, 5)
    assert [lv.names.zh for lv in m.levels] == ["初始级", "基础级", "全面级", "优秀级", "卓越级"]
    assert [lv.names.en for lv in m.levels] == ["Initial", "Basic", "Comprehensive", "Excellent", "Outstanding"]
    assert {d.names.zh for d in m.domains} == {"配置管理", "构建与持续集成", "测试管理", "部署与发布管理", "环境管理",
                                               "数据管理", "度量与反馈"}


def test_every_builtin_requirement_is_bilingual_with_guidance_and_provenance(builtin_model: Model) -> None:
    for req in builtin_model.requirements.values():
        assert req.text.zh and req.text.en, req.id
        assert req.guidance.zh and req.guidance.en, req.id
        assert req.provenance in PROVENANCES, req.id
        assert req.evidence_types and set(req.evidence_types) <= set(EVIDENCE_TYPES), req.id
        assert req.id == f"{req.item_id}.L{req.level}"
    # Level 3, the usual target, is written for every item.
    assert all(item.requirements_at(3) for item in builtin_model.items.values())


def test_model_round_trips_through_its_dictionary(builtin_model: Model) -> None:
    again = parse_model(json.loads(builtin_model.to_json()))
    assert again.to_dict() == builtin_model.to_dict()


def test_model_without_subdomains_and_other_levels_loads(mini_model: Model) -> None:
    assert mini_model.level_numbers == (1, 2, 3)
    domain_b = mini_model.domain("B")
    assert len(domain_b.subdomains) == 1 and domain_b.subdomains[0].implicit
    assert [i.id for i in domain_b.items] == ["B.1"]
    # The implicit subdomain disappears again when the model is written back.
    assert "items" in mini_model.to_dict()["domains"][1]


def _tiny(levels: list[int] | None = None) -> dict[str, Any]:
    levels = levels or [0, 1, 2, 3, 4, 5]
    return {
        "id": "tiny", "version": "2", "names": {"en": "Tiny"},
        "levels": [{"n": n, "names": {"en": f"L{n}"}} for n in levels],
        "domains": [{"id": "D", "names": {"en": "D"}, "items": [
            {"id": "D.1", "names": {"en": "one"},
             "requirements": [{"id": f"D.1.L{n}", "level": n, "text": {"en": f"t{n}"}} for n in levels]}]}],
    }


def test_a_zero_to_five_model_loads() -> None:
    m = parse_model(_tiny())
    assert m.min_level == 0 and m.max_level == 5
    assert m.requirement("D.1.L0").provenance == "confirmed"  # no provenance given: the file is authoritative


def test_every_problem_is_reported_with_its_location() -> None:
    data = _tiny([1, 2, 3])
    item = data["domains"][0]["items"][0]
    item["requirements"].append({"id": "D.1.L2", "level": 9, "text": {"en": "dup"}, "colour": "red"})
    item["requirements"].append({"id": "D.1.X", "level": 2, "text": {"zh": ""}})
    data["domains"].append({"id": "E", "names": {"zh": "", "en": ""}, "subdomains": []})
    with pytest.raises(ModelError) as err:
        parse_model(data, "custom.json")
    text = err.value.details()
    assert "duplicate id 'D.1.L2'" in text
    assert "level 9 is out of range (the model's levels are 1-3)" in text
    assert "unknown key 'colour'" in text
    assert "requirements[4] (D.1.X).text: is empty" in text
    assert "requirements[4] (D.1.X).level: item D.1 already has a requirement at level 2" in text
    assert "domains[1] (E).names: is empty" in text
    assert all(p.where.startswith("custom.json") for p in err.value.problems)
    assert len(err.value.problems) == 6


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("names"), "missing 'names'"),
        (lambda d: d.update(levels=[{"n": 1, "names": {"en": "a"}}, {"n": 3, "names": {"en": "b"}}]),
         "consecutive"),
        (lambda d: d.update(format="other/9"), "unsupported format"),
        (lambda d: d["domains"][0]["items"][0]["requirements"][0].update(provenance="guessed"),
         "unknown provenance 'guessed'"),
        (lambda d: d.update(domains="nope"), "domains must be a list"),
    ],
)
def test_specific_problems(mutate: Any, expected: str) -> None:
    data = copy.deepcopy(_tiny([1, 2, 3]))
    mutate(data)
    with pytest.raises(ModelError) as err:
        parse_model(data)
    assert expected in err.value.details()


def test_file_errors_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"id": "x",\n "version": }', encoding="utf-8")
    with pytest.raises(ModelError) as err:
        load_model_file(bad)
    assert "broken.json: line 2" in str(err.value)
    with pytest.raises(ModelError, match="cannot read model file"):
        load_model_file(tmp_path / "missing.json")


def test_library_lists_builtin_and_imported_models(tmp_path: Path) -> None:
    lib = ModelLibrary(user_dir=tmp_path / "lib")
    custom = parse_model(_tiny([1, 2, 3]))
    lib.add(custom)
    ids = {(e.id, e.builtin) for e in lib.entries()}
    assert ("caict-devops-cd", True) in ids and ("tiny", False) in ids
    assert lib.load("tiny").to_dict() == custom.to_dict()
    with pytest.raises(ModelError, match="already in the library"):
        lib.add(custom)
    (tmp_path / "lib" / "junk.json").write_text("not json", encoding="utf-8")
    assert {e.id for e in lib.entries()} >= {"tiny", "caict-devops-cd"}  # a broken user file is skipped
