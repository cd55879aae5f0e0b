"""The CAICT demo scores, explains and reports exactly as before the model-v2 change (issue #13).

tests/fixtures/caict_demo_baseline.json was written by tools/fixtures/caict_baseline.py on main *before* model
format v2, rating scales and scoring rules landed; this test runs the same script on today's code. Its gap report
text was updated once since, for the sections issue #16 changed (N/A with justifications, blockers not repeating the
gaps), and once more for Chinese line breaking and the provenance counts in Chinese (#16, reportopts).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
BASELINE = ROOT / "tests" / "fixtures" / "caict_demo_baseline.json"

# What the v2 change added to `info --json` (the rest must be equal).
ADDED_TOP = {"languages", "scoring", "max_score", "level", "overall_score", "score", "coverage"}
ADDED_NODE = {"score", "coverage"}


def _baseline_module() -> Any:
    spec = importlib.util.spec_from_file_location("_caict_baseline", ROOT / "tools" / "fixtures" / "caict_baseline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _strip(info: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in info.items() if k not in ADDED_TOP}
    out["domains"] = [
        {**{k: v for k, v in d.items() if k not in ADDED_NODE},
         "subdomains": [{**{k: v for k, v in s.items() if k not in ADDED_NODE},
                         "items": [{k: v for k, v in i.items() if k not in ADDED_NODE} for i in s["items"]]}
                        for s in d["subdomains"]]}
        for d in info["domains"]]
    return out


def test_caict_demo_levels_gaps_explain_and_gap_report_are_unchanged(tmp_path: Path) -> None:
    expected = json.loads(BASELINE.read_text(encoding="utf-8"))
    got = _baseline_module().baseline(tmp_path)
    assert got["gaps"] == expected["gaps"]
    assert got["explain"] == expected["explain"]
    info = _strip(got["info"])
    assert {k: info[k] for k in expected["info"]} == expected["info"]  # keys added later by others aside
    # CAICT is cumulative: no score, but coverage per level on every node
    assert got["info"]["score"] is None and got["info"]["overall_score"] is None
    assert got["info"]["domains"][0]["score"] is None
    assert set(got["info"]["domains"][0]["coverage"]) == {"1", "2", "3", "4", "5"}
    for lang in ("both", "en"):
        assert got[f"report_{lang}"] == expected[f"report_{lang}"], f"gap report ({lang}) text changed"
