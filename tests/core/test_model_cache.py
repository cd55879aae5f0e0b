"""The model snapshot is parsed once per text in a process, and a changed snapshot is never served stale."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from cdassess.errors import ModelError
from cdassess.model import SNAPSHOTS, Model, Text
from cdassess.services import Assessment


@pytest.fixture
def mini_path(tmp_path: Path, mini_model: Model) -> Path:
    path = tmp_path / "mini.cdassess"
    Assessment.create(path, organization="Org", project="Proj", model=mini_model, target_level=2).close()
    SNAPSHOTS.clear()
    return path


def _edit_snapshot(path: Path, change: object) -> None:
    """Another process (plain sqlite3, no cdassess) rewrites the model snapshot's text."""
    con = sqlite3.connect(path)
    try:
        data = json.loads(con.execute("SELECT json FROM model_snapshot WHERE id = 1").fetchone()[0])
        change(data)  # type: ignore[operator]
        con.execute("UPDATE model_snapshot SET json = ? WHERE id = 1", [json.dumps(data, ensure_ascii=False)])
        con.commit()
    finally:
        con.close()


def test_a_reopen_and_copies_of_one_file_parse_the_model_once(mini_path: Path, tmp_path: Path) -> None:
    copies = [mini_path]
    for i in range(3):
        copies.append(tmp_path / f"copy-{i}.cdassess")
        shutil.copyfile(mini_path, copies[-1])
    models = []
    for p in copies + copies:
        with Assessment.open(p, readonly=True) as a:
            models.append(a.model)
    assert all(m is models[0] for m in models)
    assert (SNAPSHOTS.misses, SNAPSHOTS.hits) == (1, 7)


def test_a_snapshot_changed_by_another_process_gives_the_new_model(mini_path: Path) -> None:
    with Assessment.open(mini_path, readonly=True) as a:
        req = next(iter(a.model.requirements))
        old_text = a.model.requirements[req].text
        cached = a.model

    def rename(data: dict) -> None:  # type: ignore[type-arg]
        for d in data["domains"]:
            for s in d.get("subdomains", [d]):
                for i in s["items"]:
                    for r in i["requirements"]:
                        if r["id"] == req:
                            r["text"] = {"zh": "新的要求文本", "en": "the new requirement text"}

    _edit_snapshot(mini_path, rename)
    with Assessment.open(mini_path, readonly=True) as a:
        assert a.model is not cached
        assert a.model.requirements[req].text == Text("新的要求文本", "the new requirement text")
        assert a.model.requirements[req].text != old_text


def test_a_model_switched_by_another_session_is_seen_at_the_next_open(mini_path: Path, mini_model: Model) -> None:
    with Assessment.open(mini_path, readonly=True) as a:
        assert a.model.version == mini_model.version
    newer = replace(mini_model, version=mini_model.version + ".1")
    with Assessment.open(mini_path, actor="other") as other:
        other.switch_model(newer, force=True)
    with Assessment.open(mini_path, readonly=True) as a:
        assert a.model.version == newer.version


def test_a_snapshot_broken_after_a_good_parse_is_refused(mini_path: Path) -> None:
    Assessment.open(mini_path, readonly=True).close()

    def break_it(data: dict) -> None:  # type: ignore[type-arg]
        data["levels"] = "not a list"

    _edit_snapshot(mini_path, break_it)
    with pytest.raises(ModelError, match="model snapshot"):
        Assessment.open(mini_path, readonly=True)


def test_the_cache_stays_small(mini_model: Model) -> None:
    """Many different models: only the most recent few stay parsed."""
    from cdassess.model import parse_snapshot

    SNAPSHOTS.clear()
    base = json.loads(mini_model.to_json())
    for i in range(SNAPSHOTS.MAX_ENTRIES * 2):
        parse_snapshot(json.dumps({**base, "version": f"9.{i}"}))
    assert len(SNAPSHOTS._models) == SNAPSHOTS.MAX_ENTRIES
    newest = parse_snapshot(json.dumps({**base, "version": f"9.{SNAPSHOTS.MAX_ENTRIES * 2 - 1}"}))
    assert newest.version == f"9.{SNAPSHOTS.MAX_ENTRIES * 2 - 1}" and SNAPSHOTS.hits == 1
