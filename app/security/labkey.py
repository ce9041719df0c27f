"""The lab's signing key and what it signs.

* A key is an RSA key with its X.509 certificate, kept as PKCS#12 encrypted with a password
  (:func:`to_pkcs12`, :func:`load_pkcs12`). A lab without a CA-issued certificate generates a
  self-signed one naming the lab, with its CMA number in the subject (:func:`generate`).
* :class:`LabSigner` signs bytes deterministically (RSA PKCS#1 v1.5 with SHA-256: the same data
  always gives the same signature, so a signed manifest can be made again byte for byte) and
  signs PDFs as PAdES (pyHanko), so any reader shows the signature and a later change breaks it.
* :func:`verify_pdf` answers whether a PDF is authentic (signed by one of the given
  certificates and unchanged since), altered, not ours, or unsigned.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from app.errors import ValidationError
from app.store.types import utcnow

KEY_SIZE = 2048  # RSA: read by every PDF reader; its signature fits a QR code
DEMO_MARK = "演示"
PDF_FIELD = "LabSignature"


def _now() -> dt.datetime:
    return utcnow()


def _fit(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` bytes of UTF-8 (whole characters)."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


def generate(lab_name: str, cma_number: str = "", *, demo: bool = False, years: int = 10,
             now: dt.datetime | None = None) -> tuple[Any, Any]:
    """A new RSA key and a self-signed certificate naming the lab (CMA number in the subject;
    ``demo`` marks both the organisation and the common name 演示)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    name = (lab_name or "").strip() or "检验检测机构"
    if demo and DEMO_MARK not in name:
        name = f"{name}（{DEMO_MARK}）"
    prefix, suffix = (f"【{DEMO_MARK}】" if demo else ""), " 报告签章"
    # the common name is at most 64 bytes of UTF-8: a long name is shortened (never leaving an
    # open bracket), the marks stay
    core = _fit(name.replace(f"（{DEMO_MARK}）", "") if demo else name, 64 - len((prefix + suffix).encode()))
    core = core.rstrip("（(【[ ")
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
        x509.NameAttribute(NameOID.COMMON_NAME, prefix + core + suffix),
    ]
    if cma_number.strip():
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"CMA {cma_number.strip()}"[:64]))
    subject = x509.Name(attrs)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    start = (now or _now()) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def to_pkcs12(key: Any, cert: Any, password: str, *, name: str = "lab") -> bytes:
    """The key and certificate as PKCS#12, encrypted with ``password``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    if not password:
        raise ValidationError({"password": "请设置签章密钥的密码。"})
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8")[:64], key, cert, None, serialization.BestAvailableEncryption(password.encode("utf-8")))


@dataclass(frozen=True)
class LoadedKey:
    key: Any
    cert: Any
    chain: tuple[Any, ...]


def load_pkcs12(data: bytes, password: str, *, now: dt.datetime | None = None) -> LoadedKey:
    """The key and certificate of a PKCS#12 file; a clear message for a wrong password, a file
    that is not PKCS#12, a key that is not RSA or EC, or an expired or not yet valid certificate."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, extra = pkcs12.load_key_and_certificates(bytes(data), (password or "").encode("utf-8") or None)
    except ValueError as exc:
        text = str(exc).lower()
        if "password" in text or "mac" in text or "decrypt" in text:
            raise ValidationError({"password": "证书文件的密码不正确。"}) from exc
        raise ValidationError({"file": "不是有效的 PKCS#12（.p12/.pfx）证书文件。"}) from exc
    except TypeError as exc:  # a password given for an unencrypted file, or none for an encrypted one
        raise ValidationError({"password": "证书文件的密码不正确。"}) from exc
    if key is None or cert is None:
        raise ValidationError({"file": "证书文件中没有私钥和证书。"})
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValidationError({"file": "只支持 RSA 或 EC 密钥的证书。"})
    when = now or _now()
    if cert.not_valid_after_utc < when:
        raise ValidationError({"file": f"证书已于 {cert.not_valid_after_utc:%Y-%m-%d} 过期。"})
    if cert.not_valid_before_utc > when + dt.timedelta(minutes=10):
        raise ValidationError({"file": f"证书要到 {cert.not_valid_before_utc:%Y-%m-%d} 才生效。"})
    return LoadedKey(key, cert, tuple(extra or ()))


def cert_der(cert: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.DER)


def cert_pem(cert: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_cert(data: bytes | str) -> Any:
    """A certificate from DER or PEM bytes/text."""
    from cryptography import x509

    raw = data.encode("ascii") if isinstance(data, str) else bytes(data)
    try:
        return x509.load_pem_x509_certificate(raw) if raw.lstrip().startswith(b"-----") \
            else x509.load_der_x509_certificate(raw)
    except ValueError as exc:
        raise ValidationError("证书无法读取。") from exc


def fingerprint(cert: Any) -> str:
    return hashlib.sha256(cert_der(cert)).hexdigest()


def subject_text(cert: Any) -> str:
    """The certificate's subject as a person reads it: ``荆楚…中心 报告签章（CMA 241712050999）``."""
    from cryptography.x509.oid import NameOID

    def first(oid: Any) -> str:
        values = cert.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    name = first(NameOID.COMMON_NAME) or first(NameOID.ORGANIZATION_NAME) or cert.subject.rfc4514_string()
    serial = first(NameOID.SERIAL_NUMBER)
    return f"{name}（{serial}）" if serial else name


def is_self_signed(cert: Any) -> bool:
    return cert.issuer == cert.subject


def _verify_with(cert: Any, data: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_bytes(cert: Any, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the certificate's key's signature over ``data``."""
    return _verify_with(cert, data, signature)


class LabSigner:
    """An unlocked lab key: signs bytes and PDFs."""

    def __init__(self, key: Any, cert: Any, chain: tuple[Any, ...] = (), *, demo: bool = False) -> None:
        self.key = key
        self.cert = cert
        self.chain = chain
        self.demo = demo

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.cert)

    @property
    def certificate_pem(self) -> str:
        return cert_pem(self.cert)

    def sign_bytes(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())  # deterministic
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            return self.key.sign(data, ec.ECDSA(hashes.SHA256()))
        raise ValidationError("不支持的密钥类型。")

    @cached_property
    def _pyhanko_signer(self) -> Any:
        from asn1crypto import keys as akeys
        from asn1crypto import x509 as ax509
        from cryptography.hazmat.primitives import serialization
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key_der = self.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        cert = ax509.Certificate.load(cert_der(self.cert))
        others = [ax509.Certificate.load(cert_der(c)) for c in self.chain]
        return signers.SimpleSigner(signing_cert=cert, signing_key=akeys.PrivateKeyInfo.load(key_der),
                                    cert_registry=SimpleCertificateStore.from_certs([cert, *others]))

    def sign_pdf(self, pdf: bytes, *, reason: str = "检验检测报告签发", location: str = "",
                 payload: Any | None = None) -> bytes:
        """``pdf`` with a PAdES signature (an incremental update over the whole file); with
        ``payload`` (:class:`app.security.payload.Payload`) also attached as ``verification.txt``
        in the same, signed, update."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if payload is not None:
            # cycle: app.security.payload imports this module
            from app.security.payload import embed

            embed(writer, payload)
        meta = signers.PdfSignatureMetadata(field_name=PDF_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", reason=reason, location=location or None)
        return signers.sign_pdf(writer, meta, signer=self._pyhanko_signer).getvalue()


# --------------------------------------------------------------------------------------------
# Verification of PDFs
# --------------------------------------------------------------------------------------------

AUTHENTIC, ALTERED, NOT_OURS, UNSIGNED = "authentic", "altered", "not_ours", "unsigned"


@dataclass(frozen=True)
class PdfVerdict:
    status: str  # authentic | altered | not_ours | unsigned
    message: str  # one line, Chinese
    signer: str = ""  # the signing certificate's subject
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == AUTHENTIC


def verify_pdf(pdf: bytes, trusted: list[Any]) -> PdfVerdict:
    """Is ``pdf`` signed by one of the ``trusted`` certificates and unchanged since?

    ``altered``: the signature no longer matches the bytes, or content was added after it;
    ``not_ours``: intact, but signed by another key; ``unsigned``: no signature at all.
    """
    from asn1crypto import x509 as ax509
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        return PdfVerdict(ALTERED, f"文件不是可读取的 PDF，或已损坏：{exc}")
    if not signatures:
        return PdfVerdict(UNSIGNED, "该 PDF 没有数字签名（未签名），无法证明其真实性。")
    sig = signatures[-1]
    roots = [ax509.Certificate.load(cert_der(c)) for c in trusted]
    try:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception as exc:  # noqa: BLE001 - a malformed signature is an altered document
        return PdfVerdict(ALTERED, f"数字签名无法验证：{type(exc).__name__}")
    signer_cert = sig.signer_cert
    subject = subject_text(load_cert(signer_cert.dump())) if signer_cert is not None else ""
    when = getattr(status, "signer_reported_dt", None)
    ours = signer_cert is not None and any(signer_cert.dump() == r.dump() for r in roots)
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not status.intact or not status.valid:
        return PdfVerdict(ALTERED, "签名与文件内容不符：报告在签发后被修改过。", subject, when)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return PdfVerdict(ALTERED, "签名之后文件又被追加或修改过。", subject, when)
    if not ours:
        return PdfVerdict(NOT_OURS, f"签名完好，但不是本机构的签章（签名者：{subject}）。", subject, when)
    return PdfVerdict(AUTHENTIC, f"由 {subject} 签发，签发后未被修改。", subject, when)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValidationError("签名数据无法读取。") from exc
