"""Excel import and export: questionnaire, full workbook, gap plan and model workbooks (no Qt)."""
