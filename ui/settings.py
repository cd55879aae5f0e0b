"""The user's settings (QSettings, organization "cdassess"): assessor, languages, recent files, layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QLocale, QSettings

from cdassess.paths import is_portable, user_data_dir

MAX_RECENT = 10
UI_LANGUAGES = ("en", "zh")
TEXT_LANGUAGES = ("zh", "en", "both")


def default_qsettings() -> QSettings:
    """The platform's place (registry, plist, ~/.config); in portable mode an ini file in cdassess-data/."""
    if is_portable():
        return QSettings(str(user_data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings("cdassess", "cdassess")


class Settings:
    """Typed access to QSettings; pass a QSettings (tests use an ini file in tmp_path)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else default_qsettings()

    def _str(self, key: str, default: str = "") -> str:
        value = self.q.value(key, default)
        return value if isinstance(value, str) else default

    # --------------------------------------------------------------------------------- who and languages

    @property
    def assessor(self) -> str:
        return self._str("assessor").strip()

    @assessor.setter
    def assessor(self, name: str) -> None:
        self.q.setValue("assessor", name.strip())

    @property
    def ui_language(self) -> str:
        """"en" or "zh"; by default from the system locale."""
        lang = self._str("ui_language")
        if lang in UI_LANGUAGES:
            return lang
        return "zh" if QLocale.system().name().lower().startswith("zh") else "en"

    @ui_language.setter
    def ui_language(self, lang: str) -> None:
        self.q.setValue("ui_language", lang if lang in UI_LANGUAGES else "en")

    @property
    def text_language(self) -> str:
        """How model text is shown: "zh", "en" or "both"."""
        lang = self._str("text_language")
        if lang in TEXT_LANGUAGES:
            return lang
        return "both"

    @text_language.setter
    def text_language(self, lang: str) -> None:
        self.q.setValue("text_language", lang if lang in TEXT_LANGUAGES else "both")

    @property
    def scope_to_target(self) -> bool:
        """Work up to the target level (the default), or on the whole model."""
        return str(self.q.value("view/scope_to_target", "true")).lower() not in ("false", "0")

    @scope_to_target.setter
    def scope_to_target(self, on: bool) -> None:
        self.q.setValue("view/scope_to_target", "true" if on else "false")

    @property
    def last_provider(self) -> str:
        """Who provided the evidence attached last (offered again for the next files)."""
        return self._str("last_provider").strip()

    @last_provider.setter
    def last_provider(self, name: str) -> None:
        self.q.setValue("last_provider", name.strip())

    # --------------------------------------------------------------------------------- recent files

    def recent_files(self) -> list[str]:
        value = self.q.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(v) for v in value if isinstance(v, str) and v]

    def add_recent(self, path: str | Path) -> None:
        p = str(Path(path).resolve())
        files = [p, *(f for f in self.recent_files() if f != p)][:MAX_RECENT]
        self.q.setValue("recent_files", files)

    def remove_recent(self, path: str | Path) -> None:
        p = str(path)
        self.q.setValue("recent_files", [f for f in self.recent_files() if f != p])

    # --------------------------------------------------------------------------------- layout

    def layout(self, key: str) -> QByteArray | None:
        value = self.q.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_layout(self, key: str, state: QByteArray) -> None:
        self.q.setValue(f"layout/{key}", state)

    def sync(self) -> None:
        self.q.sync()
