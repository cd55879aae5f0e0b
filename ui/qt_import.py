"""Import Qt for the window with PySide6's per-module source scan made cheap (start-up speed).

PySide6 (6.x, PYSIDE-2029) hooks ``import``: for every module imported after it, and for every module already
imported when QtCore is first loaded, ``shibokensupport.feature._mod_uses_pyside`` runs ``inspect.getsource``
and searches the text for "PySide6" (to decide whether ``from __feature__ import ...`` switching applies to
it). The window imports about 600 modules, and that scan was 80-120 ms of a 0.5 s start. The same question is
answered here by reading the file's bytes once; modules without a ``.py`` file go to PySide's own check. The
answer (and so the behaviour of ``__feature__``) is unchanged. Imported by ``ui.app`` before any PySide6
module; harmless (a no-op) when a PySide6 version has no such hook.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _install() -> None:
    import shiboken6  # noqa: F401 - loads shibokensupport (and its feature module) before QtCore

    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or upstream is None or getattr(upstream, "_cdassess", False):
        return

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(upstream(module))
        try:
            with open(path, "rb") as f:
                return b"PySide6" in f.read()
        except OSError:
            return bool(upstream(module))

    mod_uses_pyside._cdassess = True  # type: ignore[attr-defined]
    setattr(feature, "_mod_uses_pyside", mod_uses_pyside)  # noqa: B010 - a module PySide builds at run time


_install()
