"""Menu actions served by modules the window loads only when one is used (start-up speed).

Each action is a plain function referenced by the menus (no module or function names as strings, so mypy,
the import linter and PyInstaller see every one); the module behind it is imported on the first call.
An action takes the window and the open assessment and returns whether the assessment changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from cdassess.services import Assessment

MenuAction = Callable[["QWidget", "Assessment"], object]


def import_questionnaire(parent: QWidget, assessment: Assessment) -> bool:
    from ui.import_dialog import import_questionnaire_interactive

    return import_questionnaire_interactive(parent, assessment)


def import_workbook(parent: QWidget, assessment: Assessment) -> bool:
    from ui.import_dialog import import_workbook_interactive

    return import_workbook_interactive(parent, assessment)


def export_questionnaire(parent: QWidget, assessment: Assessment) -> bool:
    from ui.import_dialog import export_questionnaire_interactive

    return export_questionnaire_interactive(parent, assessment)


def export_workbook(parent: QWidget, assessment: Assessment) -> bool:
    from ui.import_dialog import export_workbook_interactive

    return export_workbook_interactive(parent, assessment)


def export_gap_plan(parent: QWidget, assessment: Assessment) -> bool:
    from ui.import_dialog import export_gap_plan_interactive

    return export_gap_plan_interactive(parent, assessment)


def write_gap_report(parent: QWidget, assessment: Assessment) -> bool:
    from ui.report_actions import write_gap_report_interactive

    write_gap_report_interactive(parent, assessment)
    return False


def write_certificate(parent: QWidget, assessment: Assessment) -> bool:
    from ui.report_actions import write_certificate_interactive

    write_certificate_interactive(parent, assessment)
    return False


def reassess(parent: QWidget, assessment: Assessment) -> bool:
    from ui.cycles import reassess_interactive

    return reassess_interactive(parent, assessment)


def compare(parent: QWidget, assessment: Assessment) -> bool:
    from ui.cycles import compare_interactive

    return compare_interactive(parent, assessment)


def show_certificates(parent: QWidget, assessment: Assessment) -> bool:
    from ui.certificates import show_register

    show_register(parent, assessment)
    return False


def hand_out_copies(parent: QWidget, assessment: Assessment) -> bool:
    from ui.team_dialog import hand_out_copies_interactive

    return hand_out_copies_interactive(parent, assessment)


def merge_copies(parent: QWidget, assessment: Assessment) -> bool:
    from ui.team_dialog import merge_copies_interactive

    return merge_copies_interactive(parent, assessment)
