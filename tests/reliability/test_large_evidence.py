"""Large evidence: memory stays bounded while a big file is attached, extracted and re-hashed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

MB = 1 << 20


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads VmHWM from /proc")
def test_72mb_evidence_round_trip_with_bounded_memory(tmp_path: Path, tool: Callable[[str], ModuleType]) -> None:
    large = tool("large_evidence")
    figures, _sha_seconds = large.run(72 * MB, tmp_path)
    assert figures.ok, "the extracted copy must equal the original and check() must pass"
    # 72 MB flowed through; holding it (or a good part of it) in memory would show as 72 MB of growth
    assert figures.growth < 25 * MB, figures
    # and the -wal file does not keep a second copy of it on disk while the assessment stays open
    assert figures.wal_after_add < 8 * MB, figures


def test_peak_rss_probe_sees_a_big_allocation() -> None:
    """The probe the bound relies on must notice memory use (or the bound above could never fail)."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import large_evidence as le\n"
            "before = le.peak_rss_bytes()\n"
            "blob = bytearray(64 << 20); blob[::4096] = b'x' * len(blob[::4096])\n"
            "print(le.peak_rss_bytes() - before)\n")
    tools = Path(__file__).resolve().parents[2] / "tools" / "reliability"
    out = subprocess.run([sys.executable, "-c", code, str(tools)], check=True, capture_output=True, text=True)
    assert int(out.stdout) > 48 * MB
