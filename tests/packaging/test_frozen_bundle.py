"""Build the PyInstaller bundle into a temporary folder, move it, and run it the way an assessor would.

Slow (about half a minute on 2 cores), but it is the only test that sees what the frozen program lacks
(a module imported by name, a data file, package metadata). Skipped when PyInstaller is not installed:
``pip install -r requirements/build.txt``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from packhelpers import ROOT, clean_env, files_under, run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                       reason="PyInstaller is not installed (pip install -r requirements/build.txt); "
                              "the frozen bundle cannot be built"),
    pytest.mark.skipif(sys.platform.startswith("linux") and shutil.which("objdump") is None,
                       reason="objdump (binutils) is not installed; PyInstaller needs it on Linux"),
]
EXE = "cdassess.exe" if sys.platform == "win32" else "cdassess"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle built by build_installer.py, then copied to a new folder (no path may point back)."""
    base = tmp_path_factory.mktemp("frozen")
    result = run([sys.executable, str(ROOT / "build_installer.py"), "--dist", str(base / "dist"),
                  "--work", str(base / "work")], clean_env(base, PYTHONPATH=str(ROOT)), cwd=base, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "[build] done in" in result.stdout
    moved = base / "elsewhere" / "cdassess"
    shutil.copytree(base / "dist" / "cdassess", moved, symlinks=True)
    shutil.rmtree(base / "dist")
    shutil.rmtree(base / "work")
    return moved / EXE


def test_bundle_layout(bundle: Path) -> None:
    folder = bundle.parent
    internal = folder / "_internal"
    assert (internal / "resources" / "models" / "caict-devops-cd.json").is_file()
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert (internal / "resources" / "icons" / "cdassess.png").is_file()
    assert (folder / "README.txt").is_file()
    if sys.platform.startswith("linux"):
        assert (folder / "cdassess.desktop").is_file() and (folder / "cdassess.png").is_file()
    qt = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.*")}
    assert {"QtCore", "QtGui", "QtWidgets", "QtSvg"} <= qt
    assert not qt & {"QtNetwork", "QtQml", "QtQuick", "QtSql", "QtDesigner"}, qt  # unused modules left out
    qm = {p.name for p in internal.rglob("*.qm")}
    assert "qtbase_zh_CN.qm" in qm and "qtbase_de.qm" not in qm


def test_frozen_version_reports_libraries(bundle: Path, tmp_path: Path) -> None:
    result = run([str(bundle), "--version"], clean_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "cdassess 0.1.0" or lines[0].startswith("cdassess ")
    assert "frozen" in lines[1]
    assert any(line.startswith("PySide6-Essentials 6.") for line in lines)
    assert any(line.startswith("Qt 6.") for line in lines)
    assert "not installed" not in result.stdout  # package metadata was bundled


def test_frozen_selftest_passes_with_a_clean_home(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = run([str(bundle), "--selftest"], clean_env(home), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "frozen" in result.stdout.splitlines()[0]
    assert "FAILED" not in result.stdout and "not available" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("self-test passed")
    assert files_under(home) == []


def test_frozen_cli_commands_and_portable_mode(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    demo = tmp_path / "demo.cdassess"
    marker = bundle.parent / "portable.txt"
    marker.write_text("", encoding="utf-8")
    try:
        assert run([str(bundle), "demo", str(demo)], env, cwd=tmp_path).returncode == 0
        info = run([str(bundle), "info", str(demo), "--json"], env, cwd=tmp_path)
        assert info.returncode == 0, info.stderr
        assert json.loads(info.stdout)["model"]["id"] == "caict-devops-cd"
        pdf = tmp_path / "gaps.pdf"
        rep = run([str(bundle), "report", "gap", str(demo), "-o", str(pdf)], env, cwd=tmp_path)
        assert rep.returncode == 0, rep.stderr
        assert pdf.read_bytes()[:5] == b"%PDF-"
        keys = run([str(bundle), "keys", "list"], env, cwd=tmp_path)
        assert keys.returncode == 0, keys.stderr
        assert (bundle.parent / "cdassess-data" / "keys" / "private-ed25519.pem").is_file()
        assert str(bundle.parent / "cdassess-data") in keys.stdout
        gui = run([str(bundle), "gui", "--demo"], {**env, "CDASSESS_QUIT_WHEN_SHOWN": "1"}, cwd=tmp_path,
                  timeout=120)
        assert gui.returncode == 0, gui.stderr
        assert (bundle.parent / "cdassess-data" / "demo.cdassess").is_file()
        assert (bundle.parent / "cdassess-data" / "settings.ini").is_file()
        assert files_under(home) == []  # portable: nothing in the profile
    finally:
        marker.unlink()
        shutil.rmtree(bundle.parent / "cdassess-data", ignore_errors=True)
    bad = run([str(bundle), "info", str(tmp_path / "missing.cdassess")], env, cwd=tmp_path)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and bad.stderr.startswith("cdassess: error:")


CERTIFY = """
import sys
from pathlib import Path
import pypdfium2 as pdfium
from cdassess.model import load_model_file
from cdassess.reports.certificate import write_certificate
from cdassess.services import Assessment
model = load_model_file(Path(sys.argv[1]))
out = Path(sys.argv[2])
with Assessment.create(out / "cert.cdassess", organization="云帆数字科技", project="结算", model=model,
                       target_level=2, assessors=["李明"]) as a:
    for r in model.iter_requirements(2):
        a.rate(r.id, "met")
    a.lock()
    write_certificate(a, out / "cert.pdf")
pdf = pdfium.PdfDocument(str(out / "cert.pdf"))
pdf[0].render(scale=150 / 72).to_pil().save(out / "scan.png")
pdf.close()
"""


def test_frozen_bundle_verifies_a_scan_and_writes_word(bundle: Path, tmp_path: Path) -> None:
    """The libraries loaded by name at run time (zxing-cpp for the QR code, pypdfium2 for PDF pages, python-docx
    with its template) are in the bundle: verify a 150 dpi scan and write the gap report as a .docx."""
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    mini = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "mini.json"
    made = run([sys.executable, "-c", CERTIFY, str(mini), str(tmp_path)], clean_env(home, PYTHONPATH=str(ROOT)),
               cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for target in ("cert.pdf", "scan.png"):
        res = run([str(bundle), "verify", str(tmp_path / target)], env, cwd=tmp_path)
        assert res.returncode == 0, target + ": " + res.stdout + res.stderr
        assert "云帆数字科技" in res.stdout
    assert "QR code" in res.stdout  # the PNG was read from its QR code
    docx = tmp_path / "gap.docx"
    rep = run([str(bundle), "report", "gap", str(tmp_path / "cert.cdassess"), "-o", str(docx)], env, cwd=tmp_path)
    assert rep.returncode == 0, rep.stderr
    from docx import Document

    assert any("结算" in p.text for p in Document(str(docx)).paragraphs)
