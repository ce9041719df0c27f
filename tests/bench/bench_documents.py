"""Benchmark: rendering and signing the lab's documents, each beside the floor the goal names.

Goals (exit 1 when one is missed):

* rendering a one-page 告知书 costs at most 3x a bare one-page reportlab document with an
  embedded CJK subset font (the same fonts, registered once in both): a page with the notice's
  title and a paragraph of Chinese and Latin text, drawn with canvas calls;
* signing costs at most 1.5x a bare pyHanko signature with the same key: the subject is the notice
  rendered with its QR code and signed by ``LabSigner.sign_pdf`` (the PAdES signature and the
  embedded verification payload) — everything signing adds — and the floor the same notice
  rendered without the code and signed by pyHanko alone.

Subject and floor are measured alternately, round by round, in this run; CPU time
(``time.process_time``) and wall time are printed with the ratio. Also printed, for how the cost
grows: the test report with 5, 45 and 200 items.

    python tests/bench/bench_documents.py [--rounds R]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from app.documents import examples, fonts, notice, test_report  # noqa: E402
from app.security.labkey import LabSigner, generate  # noqa: E402

RENDER_GOAL = 3.0
SIGN_GOAL = 1.5
ROUNDS = 30


def timed(fn) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


def floor_page(title: str, paragraph: str) -> bytes:
    """The floor: one A4 page, the title and a paragraph in the shipped fonts (CJK subset and
    Latin), drawn with bare canvas calls, one per font run."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    y = 780.0
    for text, size in [(title, 18.0)] + [(paragraph[i:i + 38], 10.5) for i in range(0, len(paragraph), 38)]:
        x = 56.0
        for font, piece in fonts.runs(text):
            c.setFont(font, size)
            c.drawString(x, y, piece)
            x += c.stringWidth(piece, font, size)
        y -= size * 1.6
    c.showPage()
    c.save()
    return buf.getvalue()


def bare_pyhanko(signer: LabSigner):
    """The signing floor: pyHanko's own PAdES signature with the same key, nothing else."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    inner = signer._pyhanko_signer  # the same key and certificate, loaded once, as in the subject

    def sign(pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(field_name="Signature", subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256")
        return signers.sign_pdf(writer, meta, signer=inner).getvalue()

    return sign


def with_items(n: int):
    base = examples.test_report()
    items = [dataclasses.replace(base.items[i % len(base.items)], item=f"{base.items[i % len(base.items)].item}{i}")
             for i in range(n)]
    return dataclasses.replace(base, items=tuple(items))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    fonts.ensure_fonts()
    report = examples.test_report()
    letter = examples.notices_for(report)[0]
    paragraph = "".join(t for t in (letter.addressee.name, letter.product_name, letter.report_number,
                                    "经抽样检验，所检项目中“泄漏电流”不符合 GB 4706.1-2005 要求。") if t) * 3
    signer = LabSigner(*generate(letter.lab.name, letter.lab.cma_number, demo=True))
    bare = bare_pyhanko(signer)
    from app.security import payload as payloads

    pay = payloads.make(signer, kind="告知书", number=letter.notice_number, date="2026-11-30",
                        issuer=letter.lab.name, digest=payloads.canonical_digest({"n": letter.notice_number}))
    issued = dataclasses.replace(letter, verification=pay.text())  # as issued with the key: its QR code
    one_page = notice.render_notice(letter)
    # warm up both sides (fonts, caches, pyHanko's imports)
    floor_page(notice.TITLE, paragraph), notice.render_notice(letter)
    bare(one_page), signer.sign_pdf(one_page, payload=pay)

    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in ("notice", "floor", "sign", "bare")}
    for r in range(args.rounds):
        pairs = [("notice", lambda: notice.render_notice(letter)), ("floor", lambda: floor_page(notice.TITLE, paragraph)),
                 # what signing adds, all of it: the QR code drawn on page 1, the payload, the signature
                 ("sign", lambda: signer.sign_pdf(notice.render_notice(issued), payload=pay)),
                 ("bare", lambda: bare(notice.render_notice(letter)))]
        if r % 2:
            pairs = [pairs[1], pairs[0], pairs[3], pairs[2]]
        for name, fn in pairs:
            runs[name].append(timed(fn))

    med = statistics.median
    ok = True
    print(f"{args.rounds} rounds, subject and floor alternating; medians, ms")
    print(f"{'':42} {'CPU':>8} {'wall':>8}")
    for label, a, b, goal in (("render one-page notice / bare CJK page", "notice", "floor", RENDER_GOAL),
                              ("issue signed (QR + payload + PAdES) / render + bare pyHanko", "sign", "bare",
                               SIGN_GOAL)):
        ca, wa = med(c for c, _ in runs[a]), med(w for _, w in runs[a])
        cb, wb = med(c for c, _ in runs[b]), med(w for _, w in runs[b])
        ratio = ca / cb
        met = ratio <= goal
        ok &= met
        print(f"{a:10} {ca * 1000:8.1f} {wa * 1000:8.1f}")
        print(f"{b:10} {cb * 1000:8.1f} {wb * 1000:8.1f}")
        print(f"  {label}: {ratio:.2f}x CPU, {wa / wb:.2f}x wall (goal <= {goal}x CPU): {'PASS' if met else 'FAIL'}")

    print("test report, how the cost grows with its items (ms per document, CPU):")
    for n in (5, 45, 200):
        data = with_items(n)
        test_report.render_test_report(data)
        cpu = med(timed(lambda d=data: test_report.render_test_report(d))[0] for _ in range(5))
        pdf = test_report.render_test_report(data)
        pages = max(1, pdf.count(b"/Type /Page\n"))
        print(f"  {n:4} items: {cpu * 1000:7.1f} ms, {pages} page(s), {len(pdf) / 1024:.0f} KiB")
    print("GOALS MET" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
