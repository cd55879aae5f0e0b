"""``cdassess catalogue serve``: a real Datasette process on a free port, queried over HTTP, then stopped."""

from __future__ import annotations

import importlib.util
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from cdassess.catalogue import Catalogue
from cdassess.catalogue.sample import generate_portfolio
from cdassess.cli import main

pytestmark = pytest.mark.skipif(importlib.util.find_spec("datasette") is None,
                                reason="Datasette (the catalogue extra) is not installed")


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read().decode("utf-8"))


def test_serve_answers_over_http_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    generate_portfolio(folder, units=2, projects_per_unit=2, cycles=2)
    cat_path = tmp_path / "portfolio.sqlite"
    with Catalogue.open(cat_path) as cat:
        cat.add([folder])
        report = cat.report()
    before = cat_path.read_bytes()
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from cdassess.cli import run; run()", "catalogue", "serve",
                                 str(cat_path), "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "Datasette did not start within 60 s"
                time.sleep(0.3)
        rows = _get(f"{base}/portfolio/assessments.json?_shape=array&_size=max")
        assert len(rows) == 8
        assert {r["business_unit"] for r in rows} == {"支付 Payments", "零售 Retail"}
        faceted = _get(f"{base}/portfolio/assessments.json?_facet=business_unit&_facet=overall_level")
        facets = faceted["facet_results"]
        facets = facets.get("results", facets)  # Datasette 1.x nests them
        assert {f["value"] for f in facets["business_unit"]["results"]} == {"支付 Payments", "零售 Retail"}
        p = _get(f"{base}/portfolio/domain_percentiles.json?_shape=array&unit=&model=&since=")
        assert [(d["domain"], d["p25"], d["p50"], d["p75"]) for d in p] == [
            (d["id"], d["p25"], d["p50"], d["p75"]) for d in report["domains"]]
        gaps = _get(f"{base}/portfolio/frequent_gaps.json?_shape=array&unit=&model=&since=")
        assert [(g["requirement"], g["count"]) for g in gaps[:10]] == [
            (g["requirement"], g["count"]) for g in report["frequent_gaps"]]
        unit = urllib.parse.quote("支付 Payments")
        projects = _get(f"{base}/portfolio/projects_vs_target.json?_shape=array&unit={unit}&model=&since=")
        assert len(projects) == 2 and all(p["assessed_on"].startswith("2026") for p in projects)
        meta = _get(f"{base}/-/metadata.json")
        table = meta["databases"]["portfolio"]["tables"]["assessments"]
        assert "业务单元" in table["columns"]["business_unit"] and "Business unit" in table["columns"]["business_unit"]
        # read-only: a write through the SQL endpoint is refused, the file is unchanged
        with pytest.raises(urllib.error.HTTPError):
            _get(f"{base}/portfolio.json?sql=" + urllib.parse.quote("DELETE FROM assessments"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        _get(f"{base}/-/versions.json")  # Datasette stopped with it
    assert cat_path.read_bytes() == before


def test_serve_refuses_postgresql_and_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "serve", "postgresql://u:p@127.0.0.1:1/x", "--port", "9"]) == 1
    assert "SQLite catalogues only" in capsys.readouterr().err
    assert main(["catalogue", "serve", str(tmp_path / "none.sqlite")]) == 1
    assert "no such catalogue" in capsys.readouterr().err
