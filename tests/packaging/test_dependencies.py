"""Every dependency has an upper bound, and the pinned lock satisfies pyproject's ranges (a library upgrade that
could change what a test pins is a deliberate edit of both, never a surprise)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _lock() -> dict[str, str]:
    pins = {}
    for raw in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for group in project["optional-dependencies"].values():
        specs += group
    return [Requirement(s) for s in specs]


def test_every_dependency_has_an_upper_bound() -> None:
    unbounded = [str(r) for r in _requirements() if not any(s.operator in ("<", "<=", "==", "~=")
                                                           for s in r.specifier)]
    assert unbounded == []


def test_the_lock_satisfies_the_declared_ranges() -> None:
    pins = _lock()
    runtime_and_test = [r for r in _requirements() if re.sub(r"[-_.]+", "-", r.name).lower() in pins]
    assert {r.name.lower() for r in runtime_and_test} >= {"openpyxl", "xlsxwriter", "sqlite-utils", "reportlab",
                                                         "import-linter"}
    outside = [f"{r} (locked {pins[re.sub(r'[-_.]+', '-', r.name).lower()]})" for r in runtime_and_test
               if not r.specifier.contains(pins[re.sub(r"[-_.]+", "-", r.name).lower()], prereleases=True)]
    assert outside == []
