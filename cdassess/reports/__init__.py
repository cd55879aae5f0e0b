"""PDF reports (ReportLab): fonts and styles, charts, the gap report and the certificate.

Import the submodules directly (``cdassess.reports.gap``, ``cdassess.reports.certificate``,
``cdassess.reports.charts``); importing this package does not import ReportLab.
"""
