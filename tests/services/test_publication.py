"""Article 8 on every export: the ledger, the results workbook and the monthly report carry 内部资料
注意保密 and the sentence of Article 8 on every printed page and in the file's properties; packages
say ``confidential``; a 公开同意 record of the task (administrators only) unlocks a publication-ready
copy that names the consent instead, and without it such a copy is refused before anything is written."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from app.documents.package import verify_package
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.rules.publication import ARTICLE_8, MARK
from app.services import documents, publication
from tests.services.conftest import TODAY, audit_ok
from tests.services.test_upload import approved


def _task_id(lab, sample_id: int) -> int:
    from app.services import samples

    return samples.get_sample(lab.tech, sample_id).data.task_id


def _marks(path) -> list[tuple[str, str, str, str]]:
    wb = load_workbook(path)
    return [(ws.oddHeader.left.text or "", ws.oddHeader.center.text or "", ws.oddFooter.left.text or "",
             ws.oddFooter.right.text or "") for ws in wb.worksheets]


def test_the_article_8_sentence_is_quoted_word_for_word():
    import os
    from pathlib import Path

    cases = os.environ.get("RISKMON_SPEC_CASES") or Path(__file__).resolve().parents[3] / "shared" / "spec" / "cases"
    regulation = Path(cases).parent / "REGULATION.txt"
    if not regulation.is_file():
        pytest.skip(f"the regulation text is absent ({regulation})")
    text = "".join(regulation.read_text(encoding="utf-8").split())
    sentence = ARTICLE_8.split("（《办法》第八条）")[0]
    assert sentence + "。" in text and "第八条" in text


def test_ledger_and_results_are_marked_and_a_public_copy_needs_the_consent(lab, tmp_path):
    report, sample_id = approved(lab)
    task_id = _task_id(lab, sample_id)

    ledger = documents.write_ledger(lab.tech, task_id, tmp_path / "ledger.xlsx")
    [(left, centre, foot, pages)] = _marks(ledger)
    assert centre == MARK and foot == ARTICLE_8 and pages == "第 &P 页 共 &N 页"
    assert left == "样品台账 · 任务 T-01"  # names what left the lab
    props = load_workbook(ledger).properties
    assert props.description == ARTICLE_8 and props.keywords == MARK
    results = documents.write_results(lab.tech, task_id, tmp_path / "results.xlsx")
    [(left, centre, foot, _)] = _marks(results)
    assert left == "检验结果汇总 · 任务 T-01" and centre == MARK and foot == ARTICLE_8
    rows = list(load_workbook(results).active.iter_rows(min_row=2, values_only=True))
    assert rows and all(r[0] == report.number for r in rows)

    # no consent: a publication-ready copy is refused, and nothing is written
    for write in (documents.write_ledger, documents.write_results):
        with pytest.raises(ValidationError, match="没有公开同意记录"):
            write(lab.tech, task_id, tmp_path / "public.xlsx", public=True)
    assert not (tmp_path / "public.xlsx").exists()

    consent = publication.record_consent(lab.admin, task_id, authority="湖北省市场监督管理局",
                                         document_number="鄂市监质函〔2026〕12号", consent_date=TODAY)
    public = documents.write_ledger(lab.tech, task_id, tmp_path / "public.xlsx", public=True)
    [(left, centre, foot, _)] = _marks(public)
    assert centre == "" and foot == consent.line and "鄂市监质函〔2026〕12号" in foot and "第八条" in foot
    assert MARK not in (load_workbook(public).properties.keywords or "")
    # the ordinary export stays marked even when a consent exists
    assert _marks(documents.write_ledger(lab.tech, task_id, tmp_path / "again.xlsx"))[0][1] == MARK
    assert audit_ok(lab.db)


def test_only_an_administrator_records_a_consent_and_every_field_is_checked(any_lab):
    lab = any_lab
    _report, sample_id = approved(lab)
    task_id = _task_id(lab, sample_id)
    with pytest.raises(PermissionDenied):
        publication.record_consent(lab.tech, task_id, authority="湖北省市场监督管理局", document_number="X",
                                   consent_date=TODAY)
    with pytest.raises(ValidationError) as err:
        publication.record_consent(lab.admin, task_id, authority=" ", document_number="", consent_date=None)
    assert set(err.value.errors) == {"authority", "document_number", "consent_date"}  # all at once
    with pytest.raises(ValidationError, match="晚于今天"):
        publication.record_consent(lab.admin, task_id, authority="湖北省市场监督管理局", document_number="X",
                                   consent_date=TODAY + dt.timedelta(days=1))
    assert publication.get_consent(lab.tech, task_id) is None
    first = publication.record_consent(lab.admin, task_id, authority="湖北省市场监督管理局", document_number="A-1",
                                       consent_date=TODAY, note="同意公开汇总结果")
    assert first.recorded_by == "BOSS" and first.note == "同意公开汇总结果"
    fixed = publication.record_consent(lab.admin, task_id, authority="湖北省市场监督管理局", document_number="A-2",
                                       consent_date=TODAY, version=first.version)
    assert fixed.id == first.id and publication.get_consent(lab.tech, task_id).document_number == "A-2"
    with pytest.raises(ConflictError):
        publication.record_consent(lab.admin, task_id, authority="x", document_number="A-3", consent_date=TODAY,
                                   version=first.version)
    described = publication.describe_export(lab.tech, "ledger", task_id)
    assert "样品台账：任务 T-01" in described.what and described.consent.document_number == "A-2"
    assert ARTICLE_8 in described.text
    assert audit_ok(lab.db)


def test_the_monthly_workbook_and_pdf_carry_article_8(lab, tmp_path):
    from pypdf import PdfReader

    xlsx = documents.write_monthly(lab.tech, TODAY.year, TODAY.month, tmp_path / "monthly.xlsx")
    marks = _marks(xlsx)
    # every sheet is marked: 月报, 来源统计 and 跨轮次研判
    assert len(marks) == 3 and all(m[1] == MARK and m[2] == ARTICLE_8 and "风险信息月报" in m[0] for m in marks)
    pdf = documents.write_monthly(lab.tech, TODAY.year, TODAY.month, tmp_path / "monthly.pdf")
    text = "".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "内部资料" in text and "不得擅自公开风险监测信息" in text and "第八条" in text


def test_a_package_says_it_is_confidential(lab):
    _report, sample_id = approved(lab)
    from app.store.uow import UnitOfWork

    with UnitOfWork(lab.db, actor="test") as uow:
        data = documents.build_task_package(uow.session, _task_id(lab, sample_id))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["confidential"] is True and manifest["confidentiality"] == ARTICLE_8
    assert verify_package(data).ok
    # a reader that finds the flag of the wrong type says so
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "manifest.json":
                body = json.dumps({**manifest, "confidential": "yes"}, ensure_ascii=False).encode()
            dst.writestr(info, body)
    bad = verify_package(buf.getvalue())
    assert not bad.ok and any("confidential" in p for p in bad.problems)

