"""cdassess.paths as a frozen build sees it (sys.frozen / sys.executable / sys._MEIPASS simulated)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cdassess import paths


@pytest.fixture
def frozen_exe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake one-folder bundle: <tmp>/app/cdassess with _internal/resources; no CDASSESS_HOME."""
    app = tmp_path / "app"
    (app / "_internal" / "resources" / "models").mkdir(parents=True)
    exe = app / ("cdassess.exe" if sys.platform == "win32" else "cdassess")
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.setattr(sys, "_MEIPASS", str(app / "_internal"), raising=False)
    monkeypatch.delenv("CDASSESS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "xdg"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "home" / "appdata"))
    return exe


def test_frozen_resources_come_from_the_bundle(frozen_exe: Path) -> None:
    assert paths.resources_dir() == frozen_exe.parent / "_internal" / "resources"
    assert paths.resource("models") == frozen_exe.parent / "_internal" / "resources" / "models"


def test_source_tree_resources_without_a_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert paths.resources_dir() == Path(paths.__file__).resolve().parent.parent / "resources"
    assert (paths.resources_dir() / "models").is_dir()


def test_portable_marker_beside_the_executable_keeps_data_beside_it(frozen_exe: Path, tmp_path: Path) -> None:
    (frozen_exe.parent / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.is_portable()
    data = paths.user_data_dir()
    assert data == frozen_exe.parent / "cdassess-data"
    assert data.is_dir()
    assert paths.model_library_dir() == data / "models"
    assert not (tmp_path / "home").exists()  # nothing in the profile


def test_frozen_without_marker_uses_the_platform_folder(frozen_exe: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert not paths.is_portable()
    expected = {"win32": tmp_path / "home" / "appdata" / "cdassess",
                "darwin": tmp_path / "home" / "Library" / "Application Support" / "cdassess"}
    assert paths.user_data_dir() == expected.get(sys.platform, tmp_path / "home" / "xdg" / "cdassess")
    assert not (frozen_exe.parent / "cdassess-data").exists()


@pytest.mark.parametrize(("platform", "parts"), [
    ("linux", ("xdg", "cdassess")),
    ("win32", ("appdata", "cdassess")),
    ("darwin", ("Library", "Application Support", "cdassess")),
])
def test_platform_folders(frozen_exe: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str,
                          parts: tuple[str, ...]) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert paths.user_data_dir() == tmp_path.joinpath("home", *parts)


def test_marker_is_ignored_when_not_frozen(frozen_exe: Path, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    """Running from source, a portable.txt beside the Python interpreter must not move anyone's data."""
    (frozen_exe.parent / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", False)
    assert not paths.is_portable()
    assert paths.user_data_dir() != frozen_exe.parent / "cdassess-data"


def test_cdassess_home_wins_over_portable_mode(frozen_exe: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (frozen_exe.parent / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    monkeypatch.setenv("CDASSESS_HOME", str(tmp_path / "override"))
    assert paths.user_data_dir() == tmp_path / "override"
    assert not (frozen_exe.parent / "cdassess-data").exists()


def test_portable_mode_keeps_the_window_settings_beside_the_executable(frozen_exe: Path, tmp_path: Path) -> None:
    from ui.settings import Settings

    (frozen_exe.parent / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    settings = Settings()
    settings.assessor = "张三 Zhang San"
    settings.q.sync()
    ini = frozen_exe.parent / "cdassess-data" / "settings.ini"
    assert Path(settings.q.fileName()) == ini
    assert ini.is_file()
    assert Settings().assessor == "张三 Zhang San"
    assert not (tmp_path / "home").exists()


def test_installed_mode_settings_stay_in_the_platform_place(frozen_exe: Path) -> None:
    from ui.settings import Settings

    assert "cdassess-data" not in Settings().q.fileName()
