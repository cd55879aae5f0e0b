"""Shared fixtures: real assessment files in tmp_path, the mini test model and the built-in model."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdassess.library import ModelLibrary
from cdassess.model import Model, load_model_file
from cdassess.services import Assessment

# Session fixtures run before the per-test home below; keep them out of the real home directory too.
os.environ.setdefault("CDASSESS_HOME", tempfile.mkdtemp(prefix="cdassess-test-home-"))
os.environ.setdefault("CDASSESS_USER", "tester")

FIXTURES = Path(__file__).parent / "fixtures"
MINI_MODEL = FIXTURES / "models" / "mini.json"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep settings, keys and the model library of every test out of the real home directory."""
    home = tmp_path_factory.mktemp("cdassess-home")
    monkeypatch.setenv("CDASSESS_HOME", str(home))
    monkeypatch.setenv("CDASSESS_USER", "tester")


@pytest.fixture(scope="session")
def mini_model() -> Model:
    return load_model_file(MINI_MODEL)


@pytest.fixture(scope="session")
def builtin_model() -> Model:
    return ModelLibrary().builtin()


@pytest.fixture
def mini_assessment(tmp_path: Path, mini_model: Model) -> Iterator[Assessment]:
    a = Assessment.create(tmp_path / "mini.cdassess", organization="Org", project="Proj", model=mini_model,
                          target_level=2)
    yield a
    a.close()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cdassess.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.cdassess"
    build_demo(path, actor="tester").close()
    return path


@pytest.fixture
def demo_path(tmp_path: Path, _demo_template: Path) -> Path:
    """A fresh copy of the demo assessment (built once per session, copied per test)."""
    target = tmp_path / "demo.cdassess"
    shutil.copyfile(_demo_template, target)
    return target


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Assessment]:
    a = Assessment.open(demo_path, actor="tester")
    yield a
    a.close()
