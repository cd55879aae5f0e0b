#!/usr/bin/env python3
"""Build the cdassess desktop bundle with PyInstaller: a folder (default) or a single file.

    python build_installer.py               dist/cdassess/  (run dist/cdassess/cdassess)
    python build_installer.py --onefile     dist/cdassess   (one executable; starts slower: it unpacks first)
    python build_installer.py --clean       forget PyInstaller's cache and rebuild everything

Run it with the project's Python (``.venv/bin/python`` or ``.venv\\Scripts\\python.exe``) after
``pip install -r requirements/build.txt``. The same script builds on Linux, Windows and macOS; see
packaging/README.md. Each step says what it does; PyInstaller's own warnings follow (``--verbose`` for all).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
ICONS = RESOURCES / "icons"
NAME = "cdassess"
SPEC_TEMPLATE = PACKAGING / "cdassess.spec.in"
ENTRY = PACKAGING / "entry.py"

# Qt modules the app always needs; whatever else cdassess/ or ui/ imports is added by scanning the sources.
QT_BASE_MODULES = frozenset({"QtCore", "QtGui", "QtWidgets", "QtSvg"})
# Qt modules that another module needs at run time (PySide6 loads them from C++).
QT_DEPENDENCIES = {"QtSvgWidgets": {"QtSvg", "QtWidgets"}, "QtPrintSupport": {"QtWidgets"},
                   "QtOpenGLWidgets": {"QtOpenGL", "QtWidgets"}, "QtQuickWidgets": {"QtQuick", "QtQml"},
                   "QtQuick": {"QtQml", "QtNetwork"}, "QtQml": {"QtNetwork"}}
QT_TRANSLATIONS_KEPT = ("zh_CN", "zh_TW", "en")
# Python packages that are development tools, not part of the app.
PYTHON_EXCLUDES = ("tkinter", "_tkinter", "turtle", "pytest", "_pytest", "pytestqt", "hypothesis", "mypy",
                   "mypyc", "ruff", "IPython", "pip", "setuptools", "PyInstaller",
                   "PIL.ImageQt", "PIL.ImageTk", "numpy",
                   # the catalogue extra: the window reads SQLite catalogues directly; Datasette and PostgreSQL
                   # catalogues are for the command line of a Python installation
                   "datasette", "uvicorn", "psycopg", "psycopg_binary")
# Optional packages the app uses when present: bundled when the building Python has them.
# pypdf: `cdassess verify` compares a certificate's printed text with its signed facts.
OPTIONAL_PACKAGES = ("pypdf",)
# Distributions whose metadata must ship so importlib.metadata.version() answers in the frozen app.
EXTRA_METADATA = ("shiboken6",)


def say(msg: str) -> None:
    print(f"[build] {msg}", flush=True)


class BuildError(Exception):
    """Something the person building can fix; the message says what."""


# ------------------------------------------------------------------------------------------ inputs


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The version in pyproject.toml ([project] version), checked against cdassess.__version__."""
    with pyproject.open("rb") as fh:
        version = tomllib.load(fh).get("project", {}).get("version")
    if not isinstance(version, str) or not re.fullmatch(r"\d+\.\d+\.\d+([-+.].*)?", version):
        raise BuildError(f"{pyproject}: [project] version {version!r} is not a SemVer version like 1.2.3")
    init = pyproject.parent / "cdassess" / "__init__.py"
    if init.exists():
        m = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", init.read_text(encoding="utf-8"), re.M)
        if m and m.group(1) != version:
            raise BuildError(f"version mismatch: pyproject.toml says {version}, cdassess/__init__.py says "
                             f"{m.group(1)}; make them equal before building a release")
    return version


def version_tuple(version: str) -> tuple[int, int, int, int]:
    core = re.split(r"[-+]", version, maxsplit=1)[0]
    nums = [int(n) for n in re.findall(r"\d+", core)[:3]]
    nums += [0] * (4 - len(nums))
    return nums[0], nums[1], nums[2], nums[3]


def qt_modules_used(*folders: Path) -> set[str]:
    """Every ``PySide6.QtXxx`` module named in the Python sources under ``folders``."""
    used: set[str] = set()
    pattern = re.compile(r"\bPySide6\.(Qt\w+)|from\s+PySide6\s+import\s+\(?([\w\s,]+)")
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            for m in pattern.finditer(path.read_text(encoding="utf-8", errors="replace")):
                if m.group(1):
                    used.add(m.group(1))
                else:
                    used.update(n.strip() for n in m.group(2).split(",") if n.strip().startswith("Qt"))
    return used


def qt_modules_needed(used: set[str]) -> set[str]:
    needed = set(QT_BASE_MODULES) | used
    while True:
        more = set().union(*(QT_DEPENDENCIES.get(m, set()) for m in needed)) - needed
        if not more:
            return needed
        needed |= more


def qt_modules_available() -> set[str]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return set()
    out = set()
    for folder in spec.submodule_search_locations:
        for p in Path(folder).iterdir():
            m = re.match(r"(Qt\w+?)\.(abi3\.so|pyd|cpython.*\.so|so)$", p.name)
            if m:
                out.add(m.group(1))
    return out


def library_distributions() -> list[str]:
    """The distributions ``cdassess --version`` reports (cdassess.versions.LIBRARIES) plus a few more."""
    sys.path.insert(0, str(ROOT))
    try:
        from cdassess.versions import LIBRARIES
    finally:
        sys.path.remove(str(ROOT))
    return [*LIBRARIES, *EXTRA_METADATA]


def check_prerequisites() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - the message must reach people on an older Python
        raise BuildError(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError(f"PyInstaller is not installed for {sys.executable}.\n"
                         "        Install the build tools with:  pip install -r requirements/build.txt\n"
                         "        (use the project's Python: .venv/bin/python -m pip install -r "
                         "requirements/build.txt)")
    if sys.platform.startswith("linux"):
        tools = [t for t in ("ldd", "objdump") if shutil.which(t) is None]
        if tools:
            raise BuildError(f"{' and '.join(tools)} not installed: PyInstaller needs them on Linux to find the "
                             "libraries a program uses (apt-get install binutils libc-bin, or dnf install "
                             "binutils glibc-common)")
    missing = [m for m in ("PySide6", "openpyxl", "sqlite_utils", "reportlab", "cryptography", "defusedxml")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise BuildError(f"{', '.join(missing)} not installed for {sys.executable}: the bundle is built from the "
                         "packages of the Python that runs this script. Use the project's virtual environment "
                         "(python3 tools/dev.py test creates it), or pip install -r requirements/lock.txt")


# ------------------------------------------------------------------------------------------ plan


@dataclass
class Plan:
    version: str
    onefile: bool
    dist: Path
    work: Path
    icon: Path
    excludes: list[str]
    metadata: list[str]
    datas: list[tuple[str, str]]
    qt_kept: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    strip: bool = False

    @property
    def target(self) -> Path:
        """The folder (or the single executable) PyInstaller writes."""
        exe = NAME + (".exe" if sys.platform == "win32" else "")
        return self.dist / (exe if self.onefile else NAME)

    @property
    def executable(self) -> Path:
        if self.onefile:
            return self.target
        if sys.platform == "darwin":
            return self.dist / f"{NAME}.app" / "Contents" / "MacOS" / NAME
        return self.target / (NAME + (".exe" if sys.platform == "win32" else ""))

    @property
    def spec(self) -> Path:
        return self.work / f"{NAME}.spec"


def platform_icon() -> Path:
    suffix = {"win32": ".ico", "darwin": ".icns"}.get(sys.platform, ".png")
    return ICONS / f"{NAME}{suffix}"


def ensure_icons() -> Path:
    icon = platform_icon()
    if all((ICONS / f"{NAME}{s}").exists() for s in (".png", ".ico", ".icns")):
        say(f"icon: {icon.relative_to(ROOT)}")
        return icon
    say("icon files missing: drawing them with packaging/make_icons.py (Pillow)")
    spec = importlib.util.spec_from_file_location("make_icons", PACKAGING / "make_icons.py")
    if spec is None or spec.loader is None:
        raise BuildError(f"{PACKAGING / 'make_icons.py'} is missing")
    make_icons = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(make_icons)
        make_icons.write_icons(ICONS)
    except ImportError:
        raise BuildError("Pillow is needed to draw the app icon: pip install pillow") from None
    return icon


def make_plan(*, onefile: bool, dist: Path, work: Path) -> Plan:
    version = project_version()
    say(f"version {version} (from pyproject.toml)")
    icon = ensure_icons()
    used = qt_modules_used(ROOT / "ui", ROOT / "cdassess")
    needed = qt_modules_needed(used)
    available = qt_modules_available()
    qt_excludes = sorted(available - needed)
    say(f"Qt modules kept: {', '.join(sorted(needed & available))} (scanned ui/ and cdassess/ for imports)")
    more = ", ..." if len(qt_excludes) > 6 else ""
    say(f"Qt modules left out: {len(qt_excludes)} ({', '.join(qt_excludes[:6])}{more})")
    metadata = library_distributions()
    say(f"package metadata shipped for --version: {', '.join(metadata)}")
    datas = [(str(RESOURCES / sub), f"resources/{sub}") for sub in ("models", "fonts", "icons", "translations")
             if (RESOURCES / sub).is_dir() and any((RESOURCES / sub).iterdir())]
    say(f"resources collected: {', '.join(d[1] for d in datas)}")
    optional = [m for m in OPTIONAL_PACKAGES if importlib.util.find_spec(m) is not None]
    for m in OPTIONAL_PACKAGES:
        say(f"optional package {m}: {'bundled' if m in optional else 'not installed, left out'}")
    strip = sys.platform.startswith("linux") and shutil.which("strip") is not None
    if sys.platform.startswith("linux"):
        say("debug symbols: stripped" if strip else "debug symbols kept: the strip tool (binutils) is not "
            "installed, so the bundle is about 20 MB larger")
    return Plan(version, onefile, dist, work, icon, [*PYTHON_EXCLUDES, *(f"PySide6.{m}" for m in qt_excludes)],
                metadata, datas, sorted(needed & available), optional, strip)


def render_spec(plan: Plan) -> str:
    version_file = plan.work / "version_info.txt"
    values = {
        "ROOT": str(ROOT), "ENTRY": str(ENTRY), "VERSION": plan.version, "ONEFILE": plan.onefile,
        "ICON": str(plan.icon), "VERSION_FILE": str(version_file), "EXCLUDES": plan.excludes,
        "METADATA": plan.metadata, "DATAS": plan.datas, "QT_TRANSLATIONS_KEPT": list(QT_TRANSLATIONS_KEPT),
        "OPTIONAL": plan.optional, "STRIP": plan.strip,
    }
    text = SPEC_TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", repr(value))
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise BuildError(f"{SPEC_TEMPLATE}: placeholders without a value: {', '.join(sorted(set(left)))}")
    return text


def windows_version_info(version: str) -> str:
    """A Windows version resource (what Explorer shows under Properties > Details)."""
    v = version_tuple(version)
    strings = {"CompanyName": "cdassess", "FileDescription": "cdassess - DevOps capability-maturity assessments",
               "FileVersion": version, "InternalName": NAME, "OriginalFilename": f"{NAME}.exe",
               "ProductName": "cdassess", "ProductVersion": version}
    entries = ",\n            ".join(f"StringStruct({k!r}, {val!r})" for k, val in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
            {entries}])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


# ------------------------------------------------------------------------------------------ build


def remove_previous(plan: Plan) -> None:
    for old in (plan.target, plan.dist / f"{NAME}.app"):
        if old.is_dir():
            say(f"removing the previous build {old}")
            shutil.rmtree(old)
        elif old.is_file():
            say(f"removing the previous build {old}")
            old.unlink()


def run_pyinstaller(plan: Plan, *, clean: bool, verbose: bool) -> None:
    plan.work.mkdir(parents=True, exist_ok=True)
    plan.spec.write_text(render_spec(plan), encoding="utf-8")
    (plan.work / "version_info.txt").write_text(windows_version_info(plan.version), encoding="utf-8")
    say(f"spec written to {plan.spec} (from {SPEC_TEMPLATE.relative_to(ROOT)})")
    cmd = [sys.executable, "-m", "PyInstaller", str(plan.spec), "--noconfirm", "--distpath", str(plan.dist),
           "--workpath", str(plan.work / "pyinstaller"), "--log-level", "INFO" if verbose else "WARN"]
    if clean:
        cmd.append("--clean")
    say("running PyInstaller (analysing imports, collecting Qt and libraries; this takes a few minutes)")
    say("  " + " ".join(cmd))
    result = subprocess.run(cmd, cwd=plan.work, check=False)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit code {result.returncode}); its messages are above. "
                         "Try again with --clean, or --verbose to see every step")


def add_linux_files(plan: Plan) -> None:
    """Beside the executable: the .desktop file, its icon and the script that adds it to the menu."""
    if not sys.platform.startswith("linux"):
        return
    folder = plan.dist if plan.onefile else plan.target
    shutil.copyfile(PACKAGING / "cdassess.desktop", folder / "cdassess.desktop")
    shutil.copyfile(ICONS / f"{NAME}.png", folder / f"{NAME}.png")
    script = folder / "install-desktop-entry.sh"
    shutil.copyfile(PACKAGING / "install-desktop-entry.sh", script)
    script.chmod(0o755)
    say(f"desktop entry: {folder / 'cdassess.desktop'} (install-desktop-entry.sh adds it to the menu)")


def add_readme(plan: Plan) -> None:
    """README.txt beside the executable: how to start it, check it, and keep the data on a USB stick."""
    folder = plan.target
    if plan.onefile or not folder.is_dir():
        return
    exe = plan.executable.name
    cmd = exe if sys.platform == "win32" else f"./{exe}"
    if sys.platform == "win32":
        start = f"Start the window: double-click {NAME}-gui.exe.  The command line: {cmd} --help"
    else:
        start = f"Start the window: {cmd} (or double-click it).  The command line: {cmd} --help"
    menu = ("\nAdd it to the application menu: ./install-desktop-entry.sh\n"
            if sys.platform.startswith("linux") else "")
    (folder / "README.txt").write_text(
        f"cdassess {plan.version}\n\n{start}\n"
        f"Check that everything works on this computer: {cmd} --selftest\n{menu}\n"
        "Your settings, signing key and model library are kept in your user profile. To keep them in this\n"
        f"folder instead (a USB stick), create an empty file named portable.txt beside {exe}: the data then\n"
        "goes into cdassess-data/ here. Keep that folder private: it holds your signing key.\n",
        encoding="utf-8")


def smoke_check(plan: Plan) -> None:
    """Run the frozen ``--version`` once, in a throw-away data folder, to prove the bundle starts."""
    exe = plan.executable
    if not exe.exists():
        raise BuildError(f"the build finished but {exe} is missing")
    with tempfile.TemporaryDirectory(prefix="cdassess-build-check-") as home:
        env = {**os.environ, "CDASSESS_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
        result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, timeout=120,
                                check=False)
    if result.returncode != 0:
        raise BuildError(f"the built program does not start ({exe} --version exited {result.returncode}):\n"
                         f"{result.stdout}{result.stderr}")
    say(f"{exe.name} --version:")
    for line in result.stdout.splitlines():
        print(f"          {line}")


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the cdassess desktop bundle with PyInstaller.")
    parser.add_argument("--onefile", action="store_true", help="one executable instead of a folder")
    parser.add_argument("--clean", action="store_true", help="clear PyInstaller's cache and the work folder first")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="work folder (default: build/)")
    parser.add_argument("--verbose", action="store_true", help="show PyInstaller's full log")
    parser.add_argument("--no-check", action="store_true", help="do not run the built program's --version")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        check_prerequisites()
        from importlib.metadata import version

        say(f"PyInstaller {version('pyinstaller')} on Python {sys.version.split()[0]} ({sys.platform})")
        dist, work = args.dist.resolve(), args.work.resolve()
        if args.clean and work.exists():
            say(f"--clean: removing the work folder {work}")
            shutil.rmtree(work)
        plan = make_plan(onefile=args.onefile, dist=dist, work=work)
        remove_previous(plan)
        run_pyinstaller(plan, clean=args.clean, verbose=args.verbose)
        add_linux_files(plan)
        add_readme(plan)
        if not args.no_check:
            smoke_check(plan)
    except BuildError as exc:
        print(f"[build] error: {exc}", file=sys.stderr)
        return 2 if "not installed" in str(exc) else 1
    elapsed = time.monotonic() - started
    shown = plan.dist / f"{NAME}.app" if sys.platform == "darwin" and not plan.onefile else plan.target
    say(f"done in {elapsed:.0f} s: {shown} ({tree_size(shown) / 1e6:.0f} MB)")
    say(f"run it: {plan.executable}    check it: {plan.executable} --selftest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
