"""Regenerate docs/samples/: the demo lab's documents as issued, each as PDF and PNG pages.

    .venv/bin/python scripts/make_samples.py [--out docs/samples] [--dpi 60]

Builds the demo lab in a temporary folder (with its demo signing key, so the documents are
signed and carry their verification QR code) and issues, through the same services the GUI
uses: a one-page test report, a 45-item test report, an amended test report, a notice, the
task's analysis report, a major-hazard report (重大质量安全风险隐患报告) and the monthly
risk-information report. Needs pdftoppm (poppler-utils).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "samples"))
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is needed (Debian: apt-get install poppler-utils)", file=sys.stderr)
        return 2
    os.environ.setdefault("RISKMON_FAST_PASSWORD_HASH", "1")

    from app.documents.test_report import render_test_report
    from app.services import (
        analysis_reports,
        demo,
        documents,
        hazard,
        notifications,
        reports,
        risk,
        risk_evidence,
        samples,
        testing,
        users,
    )
    from app.services.context import Context
    from app.services.documents.issue import issue
    from app.services.labkey import signer_for
    from app.store.db import bootstrap
    from app.store.uow import UnitOfWork

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="riskmon-samples-") as tmp:
        db = bootstrap(None, home=Path(tmp))
        db.upgrade()
        demo.load_demo(db, actor="samples")

        def ctx(name: str) -> Context:
            return Context(db, users.authenticate(db, name, demo.DEMO_PASSWORD))

        tech, rev, sig = ctx("wangjian"), ctx("chenjing"), ctx("zhaomin")
        task_id = documents.task_id_by_number(tech, "HBFX-2026-DQ-01")
        rows = documents.task_report_rows(tech, task_id)
        issued = next(r for r in rows if r.approved)
        written["test-report"] = documents.test_report_pdf(tech, issued.sample_id)

        # an amended report: a result corrected after approval, a new report replacing the first
        waiting = next(r for r in rows if r.status == "completed")
        r = reports.compile_report(tech, waiting.sample_id, samples.get_sample(tech, waiting.sample_id).version)
        r = reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
        r = reports.approve_report(sig, r.id, r.version, demo.DEMO_PASSWORD, issue_notices=True)
        row = next(x for x in testing.results_grid(tech, waiting.sample_id).rows if x.item == "外观")
        asked = reports.amend_result(tech, row.id, row.version, value_text="壶身有明显划痕",
                                     judgement="fail" if row.judgement != "fail" else "pass", reason="复核",
                                     amendment_reason="复核后更正外观判定")
        reports.approve_amendment(sig, asked.id, asked.version, demo.DEMO_PASSWORD)  # a second person
        r = reports.compile_report(tech, waiting.sample_id, samples.get_sample(tech, waiting.sample_id).version)
        r = reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
        reports.approve_report(sig, r.id, r.version, demo.DEMO_PASSWORD, issue_notices=True)
        written["test-report-amended"] = documents.test_report_pdf(tech, waiting.sample_id)

        # a 45-item report: the issued one's data with 45 items, signed with the demo key
        data = documents.test_report_data(tech, issued.sample_id)
        items = tuple(dataclasses.replace(data.items[i % len(data.items)],
                                          item=f"{data.items[i % len(data.items)].item}（{i + 1}）")
                      for i in range(45))
        with UnitOfWork(db, actor="samples") as uow:
            written["test-report-45-items"] = issue(dataclasses.replace(data, items=items), render_test_report,
                                                    signer_for(uow.session))

        letters = notifications.list_notifications(tech, task_id).rows
        platform = next((n for n in letters if "platform_operator" in n.roles), letters[0])
        written["notice"] = notifications.notice_pdf(tech, platform.id)

        # a major hazard reported at once (Article 18 ¶3), queued ahead of every other upload
        form = next((f for f in (hazard.hazard_form(tech, x.sample_id) for x in rows) if f.candidates), None)
        form = form or hazard.hazard_form(tech, issued.sample_id)
        h = hazard.report_hazard(tech, form.sample_id, hazard.HazardInput(
            description="泄漏电流实测值远超标准限值，正常使用中外壳可能带电，存在触电伤亡风险。",
            measures="已封存备用样品，暂停该批次后续检验以外的处置，已电话提示组织监测的市场监管部门。",
            items=tuple(c.item for c in form.candidates),
            reason="" if form.candidates else "结构存在明显安全缺陷。", method="upload"))
        written["hazard"] = hazard.hazard_pdf(tech, h.id)

        # the level proposed on the evidence, each factor confirmed (the probability chosen by a person)
        evidence = risk_evidence.proposal_evidence(tech, task_id)
        suggested = {f.factor: f.suggested for f in evidence.factors}
        risk.save_proposal(tech, task_id, risk.ProposalFactors(
            severity=suggested["severity"] or 4, probability=">1/1000", urgency=suggested["urgency"],
            scope=suggested["scope"], frequency=suggested["frequency"] or 0.0, duration=suggested["duration"],
        ), "发生概率按电热水壶的日常使用频次和漏电致伤情景评估。", confirmed=risk.FACTORS,
            sources={**{f.factor: f.source for f in evidence.factors}, "probability": "由技术人员评估选定。"})
        a = analysis_reports.compile_analysis(tech, task_id)
        a = reports.review_report(rev, a.id, a.version, demo.DEMO_PASSWORD)
        reports.approve_report(sig, a.id, a.version, demo.DEMO_PASSWORD)
        written["analysis"] = documents.analysis_pdf(tech, task_id)

        from app.services import monthly_reports

        today = dt.date.today()
        m = monthly_reports.compile_monthly(tech, today.year, today.month)  # issued: compiled, reviewed, approved
        m = reports.review_report(rev, m.id, m.version, demo.DEMO_PASSWORD)
        reports.approve_report(sig, m.id, m.version, demo.DEMO_PASSWORD)
        written["monthly"] = documents.monthly_pdf(tech, today.year, today.month)
        db.dispose()

    for old in out.glob("*"):
        if old.suffix in (".pdf", ".png"):
            old.unlink()
    for name, pdf in written.items():
        path = out / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(path), str(out / name)], check=True)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
              f"{len(list(out.glob(name + '-*.png')))} page(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
