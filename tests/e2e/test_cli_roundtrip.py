"""The document commands end to end, as a user runs them: demo → export-package → verify-package,
template → import, and the reports, each through ``python -m app`` in its own process."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import clock

KETTLE = "HBFX-2026-DQ-01"


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RISKMON_HOME": str(home), "RISKMON_FAST_PASSWORD_HASH": "1"}
    env.pop("RISKMON_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=180)


def one_line_failure(proc: subprocess.CompletedProcess, needle: str) -> None:
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("riskmon: ") and needle in lines[0], proc.stderr


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-home")
    proc = run(home, "demo")
    assert proc.returncode == 0, proc.stderr
    return home


def test_export_then_verify_then_tamper(home: Path, tmp_path: Path):
    proc = run(home, "export-package", "--task", KETTLE, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip())
    assert path == tmp_path / f"{KETTLE}.zip" and path.is_file()

    ok = run(home, "verify-package", str(path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "校验通过" in ok.stdout and KETTLE in ok.stdout

    bad = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, data.replace(b"%%EOF", b"%%EOX") if info.filename.startswith("reports/") else data)
    failed = run(home, "verify-package", str(bad))
    assert failed.returncode == 1
    assert "[hash_mismatch]" in failed.stdout and "reports/" in failed.stdout

    one_line_failure(run(home, "verify-package", str(tmp_path / "missing.zip")), "找不到导出包")


def _fill(path: Path, rows: list[dict[str, object]]) -> None:
    from app.documents.excel_columns import SAMPLING_COLUMNS

    keys = {c.header: c.key for c in SAMPLING_COLUMNS}
    wb = load_workbook(path)
    ws = wb["抽样信息"]
    headers = [keys.get(str(c.value).lstrip("*")) for c in ws[1]]
    for r in rows:
        ws.append([r.get(k) if k else None for k in headers])
    wb.save(path)


def _sample(n: int, **changes) -> dict[str, object]:
    row: dict[str, object] = {
        "sample_number": f"E2E-{n}", "task_number": KETTLE, "product_name": "电热水壶", "place_type": "生产企业",
        "sampling_date": clock.today() - dt.timedelta(days=2), "sampling_place": "孝感市孝南区工业园",
        "samplers": "王建、刘洋", "sampled_name": "孝感美佳电器制造有限公司", "sampled_uscc": "91420900MA49C3D41U",
    }
    row.update(changes)
    return row


def test_template_then_import_then_ledger(home: Path, tmp_path: Path):
    template = tmp_path / "抽样信息.xlsx"
    proc = run(home, "template", "sampling", "--out", str(template))
    assert proc.returncode == 0 and template.is_file(), proc.stderr

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(template.read_bytes())
    _fill(bad, [_sample(1), _sample(2, sampled_uscc="91420900MA49C3D41X"), _sample(3)])
    refused = run(home, "import", "sampling", str(bad), "--task", KETTLE)
    one_line_failure(refused, "未导入任何数据")
    listed = refused.stdout.strip().splitlines()  # every bad row on stdout: only Excel row 3
    assert listed and all(line.startswith("第3行") for line in listed)

    good = tmp_path / "good.xlsx"
    good.write_bytes(template.read_bytes())
    _fill(good, [_sample(1), _sample(2)])
    imported = run(home, "import", "sampling", str(good), "--task", KETTLE)
    assert imported.returncode == 0, imported.stderr
    assert "已导入 2 个样品" in imported.stdout
    numbers = [line.split("→")[1].strip() for line in imported.stdout.splitlines() if "→" in line]
    assert len(numbers) == 2 and all(n.startswith(KETTLE) for n in numbers)

    ledger = tmp_path / "台账.xlsx"
    proc = run(home, "ledger", "--task", KETTLE, "--out", str(ledger))
    assert proc.returncode == 0, proc.stderr
    listed = [row[0].value for row in load_workbook(ledger).active.iter_rows(min_row=2)]
    assert set(numbers) <= set(listed)


def test_report_commands(home: Path, tmp_path: Path):
    from pypdf import PdfReader

    sample = f"{KETTLE}-0004"  # the demo's approved e-commerce sample
    proc = run(home, "report", "test", "--sample", sample, "--out", str(tmp_path / "report.pdf"))
    assert proc.returncode == 0, proc.stderr
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "report.pdf").pages)
    assert sample in text and "检验报告" in text.replace(" ", "")

    proc = run(home, "report", "notices", "--task", KETTLE, "--out", str(tmp_path / "notices"))
    assert proc.returncode == 0, proc.stderr
    assert "3 份告知书" in proc.stdout and len(list((tmp_path / "notices").glob("*.pdf"))) == 3

    month = clock.today().strftime("%Y-%m")
    proc = run(home, "report", "monthly", "--month", month, "--out", str(tmp_path / "monthly.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert load_workbook(io.BytesIO((tmp_path / "monthly.xlsx").read_bytes()))["月报"]["A1"].value.startswith(
        "产品质量安全风险信息月报")
    one_line_failure(run(home, "report", "test", "--sample", f"{KETTLE}-0005", "--out", str(tmp_path / "x.pdf")),
                     "尚未编制检验报告")


def test_a_monthly_report_for_a_month_to_come_is_refused(home: Path, tmp_path: Path):
    today = clock.today()
    coming = f"{today.year + (today.month == 12)}-{today.month % 12 + 1:02d}"
    for month in (coming, f"{today.year + 1}-05"):
        out = tmp_path / f"m-{month}.pdf"
        one_line_failure(run(home, "report", "monthly", "--month", month, "--out", str(out)), "尚未到来")
        assert not out.exists()
    one_line_failure(run(home, "report", "monthly", "--month", "2026-13", "--out", str(tmp_path / "m.pdf")),
                     "月份")


def test_the_ledger_is_ready_to_filter_and_print(home: Path, tmp_path: Path):
    ledger = tmp_path / "台账.xlsx"
    proc = run(home, "ledger", "--task", KETTLE, "--out", str(ledger))
    assert proc.returncode == 0, proc.stderr
    ws = load_workbook(ledger).active
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}"
    assert ws.print_title_rows == "$1:$1" and ws.oddHeader.center.text == "内部资料 注意保密"
    headers = [c.value for c in ws[1]]
    rows = {r[0].value: {h: c.value for h, c in zip(headers, r, strict=True)} for r in ws.iter_rows(min_row=2)}
    approved = rows[f"{KETTLE}-0004"]  # the demo's approved e-commerce sample, notices issued, none delivered
    assert approved["告知单位数"] == 3 and approved["已送达单位数"] == 0 and approved["是否按期"] == "是"
