"""Excel import and export: questionnaire, full workbook, gap plan and model workbooks (no Qt).

Imports come in two steps: ``read_*`` returns an :class:`ImportPreview` (a table of changes and a table of
problems, nothing written); ``preview.apply(assessment)`` writes every change in one transaction.
"""

from cdassess.xlsx.gapplan import export_gap_plan
from cdassess.xlsx.modelbook import export_model_workbook, import_model_workbook, read_model_workbook
from cdassess.xlsx.preview import ChangeRow, ImportPreview, ProblemRow
from cdassess.xlsx.questionnaire import export_questionnaire, import_questionnaire, read_questionnaire
from cdassess.xlsx.safety import WorkbookFileError, check_workbook_file
from cdassess.xlsx.workbook import export_workbook, read_workbook

__all__ = [
    "ChangeRow",
    "ImportPreview",
    "ProblemRow",
    "WorkbookFileError",
    "check_workbook_file",
    "export_gap_plan",
    "export_model_workbook",
    "export_questionnaire",
    "export_workbook",
    "import_model_workbook",
    "import_questionnaire",
    "read_model_workbook",
    "read_questionnaire",
    "read_workbook",
]
