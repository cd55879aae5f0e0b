"""The engine never loads Qt or the UI; the CLI does not load heavy libraries until a command needs them."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _loaded_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return set(out.stdout.split())


def test_importing_every_engine_module_loads_neither_qt_nor_ui() -> None:
    loaded = _loaded_after("""
        import importlib, pkgutil, cdassess
        for m in pkgutil.walk_packages(cdassess.__path__, "cdassess."):
            importlib.import_module(m.name)
    """)
    assert "cdassess.services" in loaded and "cdassess.cli.core" in loaded
    offenders = sorted(m for m in loaded if m.split(".")[0] in {"PySide6", "shiboken6", "ui"})
    assert offenders == []


def test_cli_import_and_parser_do_not_load_reportlab_or_openpyxl() -> None:
    loaded = _loaded_after("""
        from cdassess.cli import build_parser
        build_parser()
    """)
    heavy = sorted(m for m in loaded if m.split(".")[0] in {"reportlab", "openpyxl", "PySide6", "cryptography"})
    assert heavy == []


def test_info_command_stays_light(tmp_path_factory: object) -> None:
    loaded = _loaded_after("""
        import tempfile, pathlib
        from cdassess.cli import main
        d = pathlib.Path(tempfile.mkdtemp())
        main(["demo", str(d / "d.cdassess")])
        main(["info", str(d / "d.cdassess"), "--json"])
    """)
    assert not {m.split(".")[0] for m in loaded} & {"reportlab", "openpyxl", "PySide6"}


def test_opening_an_assessment_does_not_import_sqlite_utils() -> None:
    """sqlite-utils costs ~50 ms to import; only creating or upgrading a file needs its Migrations."""
    loaded = _loaded_after("""
        import tempfile, pathlib, subprocess, sys
        d = pathlib.Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, "-c", "from cdassess.demo import build_demo; import sys; "
                        "build_demo(__import__('pathlib').Path(sys.argv[1])).close()", str(d / "d.cdassess")],
                       check=True, capture_output=True)
        from cdassess.services import Assessment
        with Assessment.open(d / "d.cdassess") as a:
            a.rate(next(iter(a.model.requirements)), "met")
            a.levels()
    """)
    assert "cdassess.store" in loaded
    assert not {m for m in loaded if m.split(".")[0] in {"sqlite_utils", "click", "pluggy", "dateutil"}}


def test_no_module_is_imported_by_a_name_string_across_the_layers() -> None:
    """Modules are referenced statically (import statements the import linter sees), never by a name string that
    would hide an engine-to-ui or engine-to-Qt arrow."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    hidden = []
    for path in sorted((root / "cdassess").rglob("*.py")) + sorted((root / "ui").rglob("*.py")):
        in_ui = path.is_relative_to(root / "ui")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
            if name not in {"import_module", "__import__"}:
                continue
            first = node.args[0] if node.args else None
            target = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "?"
            if in_ui or target.split(".")[0] in {"ui", "PySide6", "shiboken6"}:
                hidden.append(f"{path.relative_to(root)}:{node.lineno} {target}")
    assert hidden == []
