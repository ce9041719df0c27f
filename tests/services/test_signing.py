"""Issued documents signed with the lab's key, as the workflow produces them: PAdES signatures that
pdfsig accepts, the verification QR code, unsigned documents marked 未签名, a locked key that
stops issuing, the key's management, signed manifests and the tampering they catch."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.documents.package import check_signer, verify_package
from app.errors import ValidationError
from app.security import labkey as crypto
from app.security import payload as payloads
from app.services import documents, labkey, reports, verify
from app.store.models import LabKey, Report, SyncOutbox
from app.store.uow import UnitOfWork
from app.sync import outbox
from tests.services.conftest import PASSWORD, audit_ok
from tests.services.test_upload import approved, reviewed

KEY_PASSWORD = "lab-key-password"


@pytest.fixture(autouse=True)
def _no_key_password(monkeypatch):
    monkeypatch.delenv(labkey.PASSWORD_ENV, raising=False)
    yield
    labkey._unlocked.clear()  # nothing unlocked leaks into the next test


class NoKeyring:
    """A machine with no keyring (the password is not remembered anywhere)."""

    def get_password(self, *_a):
        return None

    def set_password(self, *_a):
        raise AssertionError("not asked to remember")


@pytest.fixture(autouse=True)
def _keyring(monkeypatch):
    monkeypatch.setattr(labkey, "_keyring", lambda store: store or NoKeyring())


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _stored_pdf(db, report_id: int) -> bytes:
    with UnitOfWork(db, actor="test") as uow:
        return bytes(uow.session.get(Report, report_id).pdf)


def _with_key(lab) -> labkey.KeyInfo:
    info = labkey.create_key(lab.admin, KEY_PASSWORD)
    labkey._unlocked.clear()  # as on another workstation, or after signing out
    return info


# ------------------------------------------------------------------------------------- no key
def test_a_lab_without_a_key_issues_documents_marked_unsigned(lab):
    report, _ = approved(lab)
    pdf = _stored_pdf(lab.db, report.id)
    assert "未签名" in _text(pdf)
    assert verify.verify_pdf(lab.db, pdf).status == crypto.NOT_OURS  # no key: nothing can be verified
    labkey.create_key(lab.admin, KEY_PASSWORD)
    assert verify.verify_pdf(lab.db, pdf).status == crypto.UNSIGNED


# ------------------------------------------------------------------------------------- with a key
def test_an_approved_report_is_signed_with_a_qr_code_of_its_payload(lab, tmp_path):
    _with_key(lab)
    labkey.unlock(lab.sig, KEY_PASSWORD)
    report, sample_id = approved(lab)
    pdf = _stored_pdf(lab.db, report.id)
    verdict = verify.verify_pdf(lab.db, pdf)
    assert verdict.status == crypto.AUTHENTIC and verdict.exit_code == 0
    assert (verdict.kind, verdict.number) == ("检验报告", report.number)
    assert "扫码核验" in _text(pdf)
    embedded = payloads.extract(pdf)
    with UnitOfWork(lab.db, actor="test") as uow:
        assert embedded.signed_by(labkey.trusted_certificates(uow.session)[0])
    if shutil.which("pdfsig"):
        path = tmp_path / "r.pdf"
        path.write_bytes(pdf)
        assert "Signature is Valid" in subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(tmp_path / "r.pdf"),
                        str(tmp_path / "p")], check=True)
        page = next(tmp_path.glob("p*.png"))
        read = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True).stdout
        assert read.startswith("RISKMON-VERIFY"), (read, page)
        assert payloads.parse(read) == embedded  # the printed code is the signed payload

    altered = bytearray(pdf)
    at = pdf.index(b"/Producer")
    altered[at + 12] ^= 0x01
    assert verify.verify_pdf(lab.db, bytes(altered)).status == crypto.ALTERED


def test_a_locked_key_stops_the_approval_and_writes_nothing(any_lab):
    lab = any_lab
    _with_key(lab)
    r, sample_id = reviewed(lab)
    with pytest.raises(labkey.KeyLocked, match="签章密钥尚未解锁"):
        reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    assert reports.get_report(lab.tech, r.id).status == "reviewed"
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
        assert uow.session.get(Report, r.id).pdf is None
    with pytest.raises(ValidationError, match="密码不正确"):
        labkey.unlock(lab.sig, "wrong password")
    labkey.unlock(lab.sig, KEY_PASSWORD)
    report = reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    assert verify.verify_pdf(lab.db, _stored_pdf(lab.db, report.id)).ok
    assert audit_ok(lab.db)


def test_the_environment_variable_unlocks_the_key_for_scripts(lab, monkeypatch):
    _with_key(lab)
    monkeypatch.setenv(labkey.PASSWORD_ENV, KEY_PASSWORD)
    report, _ = approved(lab)
    assert verify.verify_pdf(lab.db, _stored_pdf(lab.db, report.id)).ok


def test_notices_and_the_analysis_report_are_signed_too(lab):
    from app.services import analysis_reports, notifications

    _with_key(lab)
    labkey.unlock(lab.tech, KEY_PASSWORD)
    report, sample_id = approved(lab)
    [first, *_] = notifications.create_notifications(lab.tech, sample_id)
    letter = notifications.notice_pdf(lab.tech, first.id)
    assert verify.verify_pdf(lab.db, letter).kind == "告知书"
    assert verify.verify_pdf(lab.db, letter).ok
    a = analysis_reports.compile_analysis(lab.tech, report.task_id)
    a = reports.review_report(lab.rev, a.id, a.version, PASSWORD)
    a = reports.approve_report(lab.sig, a.id, a.version, PASSWORD)
    verdict = verify.verify_pdf(lab.db, documents.analysis_pdf(lab.tech, report.task_id))
    assert verdict.ok and verdict.kind == "风险监测分析报告"


# ------------------------------------------------------------------------------------- the key itself
def test_only_an_administrator_manages_the_key_and_bad_certificates_are_refused(lab):
    from app.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        labkey.create_key(lab.tech, KEY_PASSWORD)
    with pytest.raises(ValidationError, match="至少 8 个字符"):
        labkey.create_key(lab.admin, "short")
    key, cert = crypto.generate("某CA签发的机构证书", "CMA0001")
    p12 = crypto.to_pkcs12(key, cert, "file-password")
    with pytest.raises(ValidationError, match="密码不正确"):
        labkey.import_key(lab.admin, p12, "not it")
    with pytest.raises(ValidationError, match="PKCS#12"):
        labkey.import_key(lab.admin, b"\x89PNG not a certificate", "x")
    import datetime as dt
    old_key, old_cert = crypto.generate("旧证书", "", years=1, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="过期"):
        labkey.import_key(lab.admin, crypto.to_pkcs12(old_key, old_cert, "file-password"), "file-password")
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.scalar(select(func.count()).select_from(LabKey)) == 0  # nothing stored
    first = labkey.create_key(lab.admin, KEY_PASSWORD)
    second = labkey.import_key(lab.admin, p12, "file-password")
    keys = labkey.list_keys(lab.admin)
    assert [(k.fingerprint, k.active) for k in keys] == [(second.fingerprint, True), (first.fingerprint, False)]
    with pytest.raises(ValidationError, match="已经导入过"):
        labkey.import_key(lab.admin, p12, "file-password")
    with UnitOfWork(lab.db, actor="test") as uow:  # the password is never stored
        for row in uow.session.scalars(select(LabKey)):
            assert KEY_PASSWORD.encode() not in bytes(row.pkcs12)
            assert b"file-password" not in bytes(row.pkcs12)


# ------------------------------------------------------------------------------------- signed manifests
def _rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def _recompute(manifest: dict, files: dict[str, bytes]) -> dict:
    import hashlib

    for f in manifest["files"]:
        if f["name"] in files:
            f["size"], f["sha256"] = len(files[f["name"]]), hashlib.sha256(files[f["name"]]).hexdigest()
    return manifest


def test_the_manifest_is_signed_and_edits_or_swaps_are_caught(lab, tmp_path):
    _with_key(lab)
    labkey.unlock(lab.sig, KEY_PASSWORD)
    report, sample_id = approved(lab)
    with UnitOfWork(lab.db, actor="test") as uow:
        item_id = uow.session.scalar(select(SyncOutbox.id))
        trusted = labkey.trusted_certificates(uow.session)
    package = outbox.get_package(lab.db, item_id)
    good = verify_package(package)
    assert good.ok and good.signed and "241712050001" in good.signer
    check_signer(good, trusted)
    assert good.ok
    assert outbox.get_package(lab.db, item_id) == package  # made again: the same signed bytes

    # 1. a result edited from 0.31 (fail) to 0.18 (pass), hashes recomputed
    def edit(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        for r in m["samples"][0]["results"]:
            if r["result"] == "0.31":
                r["result"], r["judgement"] = "0.18", "pass"
        return (json.dumps(m, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()

    edited = verify_package(_rezip(package, edit))
    assert not edited.ok and "manifest_signature" in edited.codes

    # 2. the report swapped for another PDF, the manifest's hashes recomputed to match
    other_pdf = b"%PDF-1.4\n% another report\n"
    report_file = good.manifest["samples"][0]["report_file"]

    def swap(name, data):
        if name == report_file:
            return other_pdf
        if name == "manifest.json":
            m = _recompute(json.loads(data), {report_file: other_pdf})
            return (json.dumps(m, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
        return data

    swapped = verify_package(_rezip(package, swap))
    assert not swapped.ok and "manifest_signature" in swapped.codes

    # 3. the signature stripped: intact but unsigned, which says nothing of who made it
    def strip(name, data):
        if name == "manifest.json":
            m = json.loads(data)
            m.pop("signature")
            return (json.dumps(m, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
        return data

    stripped_bytes = _rezip(package, strip)
    stripped_bytes = _drop(stripped_bytes, "manifest.sig")
    stripped = verify_package(stripped_bytes)
    assert stripped.ok and not stripped.signed
    check_signer(stripped, trusted)
    assert not stripped.ok and "未签名" in stripped.problems[0]

    # 4. re-signed with someone else's key: intact, signed, not ours
    stranger = crypto.LabSigner(*crypto.generate("冒名机构", "9"))

    def resign(name, data):
        if name == "manifest.json":
            m = json.loads(data)
            m["signature"]["certificate"] = stranger.certificate_pem
            return (json.dumps(m, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
        return data

    resigned = _rezip(package, resign)
    with zipfile.ZipFile(io.BytesIO(resigned)) as zf:
        text = zf.read("manifest.json")
    resigned = _rezip(resigned, lambda n, d: (base64.b64encode(stranger.sign_bytes(text)) + b"\n")
                      if n == "manifest.sig" else d)
    theirs = verify_package(resigned)
    assert theirs.ok and theirs.signed
    check_signer(theirs, trusted)
    assert not theirs.ok and "不是本机构" in theirs.problems[0]


def _drop(data: bytes, name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def test_the_task_export_is_signed(lab, tmp_path: Path):
    _with_key(lab)
    labkey.unlock(lab.sig, KEY_PASSWORD)
    report, _ = approved(lab)
    result = documents.export_task_package(lab.sig, report.task_id, tmp_path)
    check = verify_package(result.path)
    assert check.ok and check.signed
