"""build_installer.py without building: version, Qt module choice, the spec it writes, its error messages."""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from packhelpers import ROOT


@pytest.fixture(scope="module")
def bi() -> Iterator[ModuleType]:
    """build_installer.py imported as a module (it is a script at the top of the repository)."""
    spec = importlib.util.spec_from_file_location("build_installer", ROOT / "build_installer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_installer"] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("build_installer", None)


def test_version_comes_from_pyproject_and_matches_the_package(bi: ModuleType) -> None:
    import tomllib

    import cdassess

    with (ROOT / "pyproject.toml").open("rb") as fh:
        declared = tomllib.load(fh)["project"]["version"]
    assert bi.project_version() == declared == cdassess.__version__


def test_version_mismatch_and_bad_versions_are_refused(bi: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "cdassess").mkdir()
    (tmp_path / "cdassess" / "__init__.py").write_text('__version__ = "0.2.0"\n', encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "cdassess"\nversion = "0.1.0"\n', encoding="utf-8")
    with pytest.raises(bi.BuildError, match=r"pyproject.toml says 0.1.0, cdassess/__init__.py says 0.2.0"):
        bi.project_version(pyproject)
    pyproject.write_text('[project]\nname = "cdassess"\nversion = "one"\n', encoding="utf-8")
    with pytest.raises(bi.BuildError, match="not a SemVer version"):
        bi.project_version(pyproject)
    assert bi.version_tuple("1.2.3") == (1, 2, 3, 0)
    assert bi.version_tuple("0.10.2-rc.1+build5") == (0, 10, 2, 0)


def test_qt_modules_kept_are_those_the_code_imports(bi: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from PySide6.QtCore import Qt\nimport PySide6.QtSvgWidgets\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from PySide6 import (QtGui,\n QtPrintSupport)\n", encoding="utf-8")
    used = bi.qt_modules_used(tmp_path)
    assert used == {"QtCore", "QtSvgWidgets", "QtGui", "QtPrintSupport"}
    needed = bi.qt_modules_needed(used)
    assert {"QtCore", "QtGui", "QtWidgets", "QtSvg", "QtSvgWidgets", "QtPrintSupport"} <= needed
    assert "QtNetwork" not in needed and "QtQml" not in needed
    real = bi.qt_modules_used(ROOT / "ui", ROOT / "cdassess")
    assert real <= bi.qt_modules_needed(real)
    assert "QtWidgets" in real


def test_rendered_spec_is_python_with_every_value_filled(bi: ModuleType, tmp_path: Path) -> None:
    plan = bi.Plan(version="0.1.0", onefile=False, dist=tmp_path / "dist", work=tmp_path / "work",
                   icon=bi.platform_icon(), excludes=["tkinter", "PySide6.QtNetwork"],
                   metadata=["openpyxl"], datas=[(str(ROOT / "resources" / "models"), "resources/models")],
                   optional=["pypdf"])
    text = bi.render_spec(plan)
    assert not re.search(r"@[A-Z_]+@", text)
    compile(text, str(plan.spec), "exec")
    assert "'PySide6.QtNetwork'" in text and "'resources/models'" in text and "collect_submodules(\"cdassess\")" in text
    info = bi.windows_version_info("1.4.2")
    assert "filevers=(1, 4, 2, 0)" in info and "StringStruct('ProductVersion', '1.4.2')" in info


def test_icons_exist_for_every_platform(bi: ModuleType) -> None:
    from PIL import Image

    for suffix in (".png", ".ico", ".icns"):
        path = ROOT / "resources" / "icons" / f"cdassess{suffix}"
        with Image.open(path) as img:
            assert img.size[0] >= 256, path
    with Image.open(ROOT / "resources" / "icons" / "cdassess.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_desktop_file_is_a_valid_application_entry() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "packaging" / "cdassess.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split() == ["cdassess", "gui", "%f"]  # `cdassess FILE` is not a command; `gui FILE` is
    assert entry["Icon"] == "cdassess"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_missing_pyinstaller_fails_with_the_install_command(bi: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    real = importlib.util.find_spec

    def without_pyinstaller(name: str, *args: object) -> object:
        return None if name == "PyInstaller" else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bi.importlib.util, "find_spec", without_pyinstaller)
    assert bi.main(["--dist", str(tmp_path / "d"), "--work", str(tmp_path / "w")]) == 2
    err = capsys.readouterr().err
    assert "PyInstaller is not installed" in err
    assert "pip install -r requirements/build.txt" in err
    assert sys.executable in err
    assert not (tmp_path / "d").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the desktop entry is for Linux desktops")
def test_install_desktop_entry_points_the_menu_at_the_bundle(tmp_path: Path) -> None:
    folder = tmp_path / "my apps" / "cdassess"  # a space in the path must survive
    folder.mkdir(parents=True)
    for name in ("cdassess.desktop", "install-desktop-entry.sh"):
        shutil.copy(ROOT / "packaging" / name, folder / name)
    shutil.copy(ROOT / "resources" / "icons" / "cdassess.png", folder / "cdassess.png")
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    done = subprocess.run(["sh", str(folder / "install-desktop-entry.sh")], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(data / "applications" / "cdassess.desktop", encoding="utf-8")
    assert parser["Desktop Entry"]["Exec"] == f'"{folder}/cdassess" gui %f'
    assert (data / "icons" / "hicolor" / "512x512" / "apps" / "cdassess.png").is_file()
