"""Helpers for the reliability tests: load the harness scripts in tools/reliability/ as modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "reliability"


def load_tool(name: str) -> ModuleType:
    """Import tools/reliability/NAME.py (a script, not a package) under a private module name."""
    key = f"_cdassess_reliability_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, TOOLS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tool() -> object:
    return load_tool
