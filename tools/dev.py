#!/usr/bin/env python3
"""Bootstrap and run cdassess from a source checkout: only Python 3.11+ is needed.

    python3 tools/dev.py run [FILE]   install what is needed, then open the window (the demo when no FILE)
    python3 tools/dev.py test [ARGS]  install what is needed, then run the whole test suite (pytest ARGS)
    python3 tools/dev.py lint         ruff, mypy and lint-imports (the layer contracts in pyproject.toml)
    python3 tools/dev.py cli ARGS     the cdassess command line inside the project's virtual environment

Installs into ./.venv from the pinned requirements/lock.txt; re-installs only when the lock or pyproject
changes. On Linux, `run` installs the few X11 libraries Qt's window needs with apt when it is root.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "lock.txt"
STAMP = VENV / ".cdassess-installed"
# Libraries Qt's xcb platform plugin loads that a minimal Debian/Ubuntu lacks (libxcb-cursor0 is named in
# Qt's message, but icccm and keysyms are the ones that are usually missing).
X11_PACKAGES = {
    "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1", "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0", "xcb-image": "libxcb-image0", "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0", "xcb-randr": "libxcb-randr0", "xcb-xkb": "libxcb-xkb1",
}


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_bin(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


def ensure_venv() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"cdassess needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    py = venv_python()
    if not py.exists():
        say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return py
    say("installing pinned packages (requirements/lock.txt)")
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(LOCK)],
                   check=True)
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "-e", str(ROOT)], check=True)
    STAMP.write_text(digest)
    return py


def ensure_x11_libraries() -> None:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "") not in ("", "xcb"):
        return
    missing = sorted({pkg for lib, pkg in X11_PACKAGES.items() if ctypes.util.find_library(lib) is None})
    if not missing:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing X11 libraries Qt needs: {' '.join(missing)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    else:
        say(f"Qt's window may need these system packages: {' '.join(missing)} (sudo apt-get install ...)")


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "run":
        py = ensure_venv()
        ensure_x11_libraries()
        has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        if sys.platform.startswith("linux") and not has_display and not os.environ.get("QT_QPA_PLATFORM"):
            say("no display found (DISPLAY is not set); start one, e.g. `Xvfb :99 & export DISPLAY=:99`")
            return 1
        args = ["gui", *rest] if rest else ["gui", "--demo"]
        return subprocess.call([str(venv_bin("cdassess")), *args])
    if command == "test":
        py = ensure_venv()
        return subprocess.call([str(py), "-m", "pytest", *rest])
    if command == "lint":
        py = ensure_venv()
        code = subprocess.call([str(py), "-m", "ruff", "check", "."])
        code = code or subprocess.call([str(py), "-m", "mypy"])
        return code or subprocess.call([str(venv_bin("lint-imports")), "--no-cache"])
    if command == "cli":
        ensure_venv()
        return subprocess.call([str(venv_bin("cdassess")), *rest])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
