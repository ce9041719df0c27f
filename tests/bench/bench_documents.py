"""Benchmark: a 告知书 and a 检验报告 for each of N samples (default 1,000).

Prints the time per document beside its floor measured in the same run: a bare reportlab
canvas that draws the same strings with the same fonts (font runs only, no layout, no tables)
on the same number of pages. Target: within 3x of the floor and under 30 ms per document.

    python tests/bench/bench_documents.py [N]
"""

from __future__ import annotations

import dataclasses
import io
import statistics
import sys
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.documents import examples, fonts, notice, test_report  # noqa: E402
from app.documents.flow import Grid, Text  # noqa: E402


def sample(i: int):
    """A distinct e-commerce report per sample (numbers, names and a result vary)."""
    base = examples.test_report(number=f"HBZJ-FX2026-{i:05d}", sample_number=f"FX2026-{i:05d}")
    seller = dataclasses.replace(base.sampled, name=f"武汉市第{i}号家电商行",
                                 uscc=base.sampled.uscc)
    items = list(base.items)
    items[3] = dataclasses.replace(items[3], result_text=f"{0.76 + (i % 90) / 100:.2f}")
    return dataclasses.replace(base, sampled=seller, items=tuple(items))


def strings_of(story: list[Flowable]) -> list[tuple[str, float]]:
    """Every string the document's flowables draw, with its size."""
    out: list[tuple[str, float]] = []

    def walk(f: object) -> None:
        if isinstance(f, Text):
            out.extend((line, f.size) for line in f.text.split("\n"))
        elif isinstance(f, Grid):
            for row in f.rows:
                for cell in row.cells:
                    walk(cell)
        elif isinstance(f, KeepTogether):
            for g in f._content:
                walk(g)
        elif isinstance(f, list | tuple):
            for g in f:
                walk(g)

    for f in story:
        walk(f)
    return out


def floor_pdf(strings: list[tuple[str, float]], pages: int, furniture: list[str]) -> bytes:
    """The same strings drawn with bare canvas calls (one call per font run) on ``pages`` pages."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, initialFontName=fonts.CJK)
    per_page = -(-len(strings) // pages)
    for p in range(pages):
        for s in furniture:
            c.setFont(fonts.CJK, 9)
            c.drawString(56, 810, s)
        y = 780.0
        for text, size in strings[p * per_page:(p + 1) * per_page]:
            x = 56.0
            for font, piece in fonts.runs(text):
                c.setFont(font, size)
                c.drawString(x, y, piece)
                x += c.stringWidth(piece, font, size)
            y -= size * 1.3
        c.showPage()
    c.save()
    return buf.getvalue()


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def timed(fn, items) -> tuple[float, list]:
    t0 = time.process_time()  # CPU time: steadier than wall time on a shared machine
    out = [fn(x) for x in items]
    return (time.process_time() - t0) / len(items), out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    fonts.ensure_fonts()
    reports = [sample(i) for i in range(1, n + 1)]
    notices = [examples.notices_for(r)[i % 3] for i, r in enumerate(reports)]
    # warm up (font registration, caches)
    test_report.render_test_report(reports[0])
    notice.render_notice(notices[0])

    rows = []
    for label, docs, render, story in (
        ("告知书 notice", notices, notice.render_notice, notice.build_story),
        ("检验报告 test report", reports, test_report.render_test_report, test_report.build_story),
    ):
        per_doc, pdfs = timed(render, docs)
        step = max(1, n // 100)
        floor_inputs = []
        for d, pdf in list(zip(docs, pdfs, strict=True))[::step]:
            furniture = [f"报告编号：{getattr(d, 'report_number', '')}", "第 1 页 共 1 页", d.lab.name]
            floor_inputs.append((strings_of(story(d)), page_count(pdf), furniture))
        floor_per_doc, _ = timed(lambda a: floor_pdf(*a), floor_inputs)
        pages = statistics.mean(page_count(p) for p in pdfs)
        rows.append((label, per_doc, floor_per_doc, pages))

    print(f"documents per kind: {n}")
    print(f"{'document':24} {'ms/doc':>8} {'floor ms':>9} {'ratio':>6} {'pages':>6}")
    ok = True
    for label, t, f, pages in rows:
        ratio = t / f
        ok &= ratio <= 3 and t < 0.030
        print(f"{label:24} {t * 1000:8.1f} {f * 1000:9.1f} {ratio:6.2f} {pages:6.1f}")
    print("target (<= 3x floor and < 30 ms/doc):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
