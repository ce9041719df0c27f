"""The lab's key as pure cryptography: PKCS#12 with a password, deterministic signatures over
bytes, PAdES signatures of PDFs and their verdicts, and the verification payload."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from app.errors import ValidationError
from app.security import labkey, payload


@pytest.fixture(scope="module")
def lab_key():
    return labkey.generate("荆楚产品质量检验检测中心", "241712050999")


@pytest.fixture(scope="module")
def signer(lab_key) -> labkey.LabSigner:
    return labkey.LabSigner(*lab_key)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    c.drawString(100, 700, "Report 2026-BG-0001: leakage current 0.31 mA (fail)")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_the_certificate_names_the_lab_and_its_cma_number(lab_key):
    _key, cert = lab_key
    subject = labkey.subject_text(cert)
    assert "荆楚产品质量检验检测中心" in subject and "CMA 241712050999" in subject
    assert labkey.is_self_signed(cert)
    demo_key, demo_cert = labkey.generate("某某中心", "1", demo=True)
    assert "演示" in labkey.subject_text(demo_cert)


def test_pkcs12_needs_its_password_and_refuses_bad_files(lab_key):
    key, cert = lab_key
    data = labkey.to_pkcs12(key, cert, "s3cret-pass")
    loaded = labkey.load_pkcs12(data, "s3cret-pass")
    assert labkey.fingerprint(loaded.cert) == labkey.fingerprint(cert)
    with pytest.raises(ValidationError, match="密码不正确"):
        labkey.load_pkcs12(data, "wrong")
    with pytest.raises(ValidationError, match="PKCS#12"):
        labkey.load_pkcs12(b"not a certificate at all", "x")
    with pytest.raises(ValidationError, match="密码"):
        labkey.to_pkcs12(key, cert, "")


def test_an_expired_certificate_is_refused(lab_key):
    old_key, old_cert = labkey.generate("某某中心", "", years=1, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    data = labkey.to_pkcs12(old_key, old_cert, "password1")
    with pytest.raises(ValidationError, match="已于 2020-12-30 过期"):
        labkey.load_pkcs12(data, "password1")


def test_byte_signatures_are_deterministic_and_checked(signer, lab_key):
    first = signer.sign_bytes(b"manifest")
    assert signer.sign_bytes(b"manifest") == first  # the same data, the same signature
    assert labkey.verify_bytes(lab_key[1], b"manifest", first)
    assert not labkey.verify_bytes(lab_key[1], b"manifesT", first)
    other = labkey.generate("另一机构", "")[1]
    assert not labkey.verify_bytes(other, b"manifest", first)


def test_pdf_verdicts(signer, pdf):
    signed = signer.sign_pdf(pdf)
    ours = [signer.cert]
    assert labkey.verify_pdf(signed, ours).status == labkey.AUTHENTIC
    flipped = bytearray(signed)
    at = signed.index(b"leakage")
    flipped[at] ^= 0x01
    assert labkey.verify_pdf(bytes(flipped), ours).status == labkey.ALTERED
    stranger = labkey.LabSigner(*labkey.generate("冒名机构", "999"))
    verdict = labkey.verify_pdf(stranger.sign_pdf(pdf), ours)
    assert verdict.status == labkey.NOT_OURS and "冒名机构" in verdict.message
    assert labkey.verify_pdf(pdf, ours).status == labkey.UNSIGNED
    assert labkey.verify_pdf(b"%PDF-1.4 garbage", ours).status in (labkey.ALTERED, labkey.UNSIGNED)


def test_content_added_after_the_signature_is_altered(signer, pdf):
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = signer.sign_pdf(pdf)
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")  # a change in a later update
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert labkey.verify_pdf(out.getvalue(), [signer.cert]).status == labkey.ALTERED


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils' pdfsig is not installed")
def test_pdfsig_reads_the_signature_as_valid_and_a_changed_byte_as_invalid(signer, pdf, tmp_path):
    signed = signer.sign_pdf(pdf)
    good = tmp_path / "good.pdf"
    good.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out
    bad = bytearray(signed)
    bad[signed.index(b"leakage")] ^= 0x01
    (tmp_path / "bad.pdf").write_bytes(bytes(bad))
    out = subprocess.run(["pdfsig", str(tmp_path / "bad.pdf")], capture_output=True, text=True).stdout
    assert "Signature is Invalid" in out or "Digest Mismatch" in out


def test_the_payload_is_signed_plain_text_and_travels_in_the_pdf(signer, pdf):
    digest = payload.canonical_digest({"number": "2026-BG-0001", "items": [["泄漏电流", "0.31", "fail"]]})
    p = payload.make(signer, kind="检验报告", number="2026-BG-0001", date="2026-11-30",
                     issuer="荆楚产品质量检验检测中心（CMA 241712050999）", digest=digest)
    text = p.text()
    assert text.startswith("RISKMON-VERIFY 1\n类型：检验报告\n编号：2026-BG-0001")
    again = payload.parse(text)
    assert again == p and again.signed_by(signer.cert)
    forged = payload.parse(text.replace("2026-BG-0001", "2026-BG-0002"))
    assert not forged.signed_by(signer.cert)
    signed = signer.sign_pdf(pdf, payload=p)
    assert payload.extract(signed) == p
    assert labkey.verify_pdf(signed, [signer.cert]).status == labkey.AUTHENTIC
    assert payload.extract(pdf) is None
    with pytest.raises(ValidationError):
        payload.parse("hello")
