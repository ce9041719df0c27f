"""The lab's records as documents: test reports, notices, analysis and monthly reports, the sample
ledger and the task export package — one module per document kind.

Each public function opens one unit of work, reads with the ORM and returns the frozen data of
``app.documents.data`` (or the rendered bytes / written file); ``app.documents`` does the layout and
never touches the database.

Choices made here (the lab-wide settings table declares no keys for them yet):

* the period for objections or re-test applications in a notice is :data:`OBJECTION_DAYS` days
  (as in the test report's own statement: 十五日);
* a notice is issued by the lab on behalf of the task's issuing authority (委托告知, Article 18 ¶2)
  and does not itself ask for rectification feedback: that is a measure the regulator takes after
  analysis (Article 23 (一));
* the monthly report is addressed to :data:`MONTHLY_REPORTED_TO`.
"""

from app.services.documents._common import (
    MONTHLY_REPORTED_TO,
    OBJECTION_DAYS,
    conclusion_text,
    item_line,
    out_of_province,
    region_name,
    sample_id_by_number,
    task_id_by_number,
)
from app.services.documents.analysis import analysis_data, analysis_pdf
from app.services.documents.ledger import ledger_rows, write_ledger, write_results
from app.services.documents.monthly import monthly_data, monthly_pdf, write_monthly
from app.services.documents.notices import notice_number, notices_for_sample
from app.services.documents.package import (
    PackageContents,
    PackageExport,
    build_task_package,
    export_task_package,
    package_parts,
)
from app.services.documents.rows import SampleReportRow, task_report_rows
from app.services.documents.test_report import (
    store_report_pdf,
    test_report_data,
    test_report_pdf,
)

__all__ = [
    "MONTHLY_REPORTED_TO",
    "OBJECTION_DAYS",
    "PackageContents",
    "PackageExport",
    "SampleReportRow",
    "analysis_data",
    "analysis_pdf",
    "build_task_package",
    "conclusion_text",
    "export_task_package",
    "item_line",
    "ledger_rows",
    "monthly_data",
    "monthly_pdf",
    "notice_number",
    "notices_for_sample",
    "out_of_province",
    "package_parts",
    "region_name",
    "sample_id_by_number",
    "store_report_pdf",
    "task_id_by_number",
    "task_report_rows",
    "test_report_data",
    "test_report_pdf",
    "write_ledger",
    "write_monthly",
    "write_results",
]
