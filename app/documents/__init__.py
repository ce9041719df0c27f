"""The document layer: PDFs (reportlab), Excel workbooks (openpyxl) and export packages.

It never touches the database: the services map records to the frozen dataclasses of
``app.documents.data`` and call the ``render_*`` / ``write_*`` functions of

* ``test_report`` — 检验报告;
* ``notice`` — 告知书 (one per notified party; batches with progress and cancel);
* ``analysis`` — 风险监测分析报告 with charts and the proposed warning level;
* ``monthly`` — 风险信息月报 (PDF and Excel);
* ``excel`` — import templates (their columns in ``excel_columns``; the services read the filled
  templates back), ledger and results export;
* ``package`` — the task export package (``docs/package-format.md``) and its verification.
"""
