"""Supervisor figures: the hall dashboard, daily/monthly reports, CSV and PDF export.

No UI library here (``clerk.tui.screens.dashboard`` shows the figures).
Modules: ``dashboard`` (``Dashboard``: one aggregate query per panel),
``report`` (``daily_report``, ``monthly_report`` → ``Report``), ``export``
(``report_csv``, ``write_csv``, ``report_pdf``), ``cli`` (``clerk report``,
``clerk dashboard``, ``clerk serve``).  SQLAlchemy and reportlab load lazily.
"""
