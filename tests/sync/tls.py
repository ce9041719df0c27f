"""Test helpers: certificates made on the spot (``cryptography``) and the provincial sandbox served
over HTTPS on 127.0.0.1 with one of them."""

from __future__ import annotations

import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.sync.sandbox import SandboxServer, _config


@dataclass(frozen=True)
class Issued:
    cert_pem: bytes
    key_pem: bytes
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def write(self, folder: Path, name: str) -> tuple[Path, Path]:
        cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
        cert_path.write_bytes(self.cert_pem)
        key_path.write_bytes(self.key_pem)
        return cert_path, key_path


def issue(
    common_name: str,
    *,
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
    ca: Issued | None = None,
    is_ca: bool = False,
    expired: bool = False,
) -> Issued:
    """A certificate for ``hosts``: self-signed without ``ca``, else signed by it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    not_before, not_after = (now - timedelta(days=30), now - timedelta(days=1)) if expired else (
        now - timedelta(minutes=5), now + timedelta(days=30))
    sans: list[x509.GeneralName] = []
    for host in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            sans.append(x509.DNSName(host))
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.cert.subject if ca else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(ca.key if ca else key, hashes.SHA256())
    return Issued(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        cert=cert,
        key=key,
    )


def trusting(*issued: Issued) -> ssl.SSLContext:
    """A verifying client context that trusts exactly these certificates."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.load_verify_locations(cadata="".join(i.cert_pem.decode() for i in issued))
    return context


@contextmanager
def https_sandbox(
    folder: Path, server_cert: Issued, *, chain: tuple[Issued, ...] = ()
) -> Iterator[tuple[str, SandboxServer]]:
    """The sandbox on ``https://127.0.0.1:<port>`` presenting ``server_cert`` (and ``chain``);
    yields its URL and the server (``server.state.counts()``)."""
    cert_path, key_path = server_cert.write(folder, "server")
    if chain:
        cert_path.write_bytes(server_cert.cert_pem + b"".join(c.cert_pem for c in chain))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server = SandboxServer(0, _config(state_path=folder / "tls-sandbox.sqlite3", seed=3))
    # the handshake runs in the handler thread (a client that refuses it never blocks the server)
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()
        server.cut_connections()
        server.state.close()
        thread.join(5)

