"""The lab's signing key (签章密钥): one key signs issued documents, manifests and audit checkpoints.

The key lives in the database as PKCS#12 encrypted with a password that is never stored there:
each workstation unlocks it once per session — from the OS keyring, the ``RISKMON_KEY_PASSWORD``
environment variable (scripts, CI) or the user's answer — and keeps the unlocked key in memory.
An administrator generates a self-signed key naming the lab (CMA number in the subject) or
imports a CA-issued PKCS#12 file; the demo lab gets a demo key (marked 演示) whose password the
program knows. Earlier keys stay (inactive) so that what they signed can still be verified.

While the lab has an active key, issuing a document requires it to be unlocked: a document is
never issued unsigned by accident. A lab without any key issues unsigned documents, marked 未签名.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.errors import ValidationError
from app.security import labkey as crypto
from app.services import permissions
from app.services.context import Context
from app.store.models import LabKey
from app.store.queries import organisation
from app.store.types import utcnow
from app.sync.credentials import CredentialStore

PASSWORD_ENV = "RISKMON_KEY_PASSWORD"
KEYRING_SERVICE = "riskmon-labkey"
DEMO_KEY_PASSWORD = "demo-key-password"  # the demo lab's key only (its certificate says 演示)
MIN_PASSWORD = 8


class KeyLocked(ValidationError):
    """The lab has a key, and this workstation has not unlocked it."""


@dataclass(frozen=True)
class KeyInfo:
    id: int
    fingerprint: str
    subject: str
    not_before: Any
    not_after: Any
    self_signed: bool
    demo: bool
    active: bool
    unlocked: bool

    @property
    def label(self) -> str:
        mark = "（演示密钥，不得用于正式报告）" if self.demo else ""
        return f"{self.subject}{mark}，有效期至 {self.not_after:%Y-%m-%d}"


_unlocked: dict[tuple[str, str], crypto.LabSigner] = {}
_lock = threading.Lock()


def _where(bind: Any) -> str:
    """Which database: an engine, a connection, a session or a ``Database``."""
    if hasattr(bind, "get_bind"):  # a session
        bind = bind.get_bind()
    bind = getattr(bind, "engine", bind)
    return bind.url.render_as_string(hide_password=True)


def _cache_key(db: Any, fingerprint: str) -> tuple[str, str]:
    return (_where(db), fingerprint)


def _info(db: Any, row: LabKey) -> KeyInfo:
    return KeyInfo(row.id, row.fingerprint, row.subject, row.not_before, row.not_after, bool(row.self_signed),
                   bool(row.demo), bool(row.active), _cache_key(db, row.fingerprint) in _unlocked)


def active_key(session: Any) -> LabKey | None:
    return session.scalar(select(LabKey).where(LabKey.active.is_(True)).order_by(LabKey.id.desc()).limit(1))


def trusted_certificates(session: Any) -> list[Any]:
    """Every certificate the lab has signed with (the active one first)."""
    rows = session.scalars(select(LabKey).order_by(LabKey.active.desc(), LabKey.id.desc()))
    return [crypto.load_cert(bytes(r.certificate)) for r in rows]


def key_status(ctx: Context) -> KeyInfo | None:
    with ctx.uow() as uow:
        row = active_key(uow.session)
        return _info(ctx.db, row) if row is not None else None


def list_keys(ctx: Context) -> list[KeyInfo]:
    with ctx.uow() as uow:
        return [_info(ctx.db, r) for r in uow.session.scalars(select(LabKey).order_by(LabKey.id.desc()))]


def _store(session: Any, key: Any, cert: Any, password: str, *, demo: bool, user_id: int | None) -> LabKey:
    for old in session.scalars(select(LabKey).where(LabKey.active.is_(True))):
        old.active = False
    fp = crypto.fingerprint(cert)
    if session.scalar(select(LabKey.id).where(LabKey.fingerprint == fp)) is not None:
        raise ValidationError({"file": "这个证书已经导入过。"})
    row = LabKey(fingerprint=fp, subject=crypto.subject_text(cert), certificate=crypto.cert_der(cert),
                 pkcs12=crypto.to_pkcs12(key, cert, password), not_before=cert.not_valid_before_utc,
                 not_after=cert.not_valid_after_utc, self_signed=crypto.is_self_signed(cert), demo=demo,
                 active=True, created_by_id=user_id)
    session.add(row)
    session.flush()
    return row


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError({"password": f"签章密钥的密码至少 {MIN_PASSWORD} 个字符。"})


def create_key(ctx: Context, password: str, *, remember: bool = False, store: Any | None = None) -> KeyInfo:
    """Generate a self-signed key naming the lab; it becomes the active key (administrator)."""
    permissions.signing_key_actions(ctx.user).require("generate")
    _check_password(password)
    with ctx.uow() as uow:
        org = organisation(uow.session)
        if org is None or not (org.name or "").strip():
            raise ValidationError("请先在“设置 → 机构信息”中填写机构名称。")
        key, cert = crypto.generate(org.name, org.cma_number or "")
        row = _store(uow.session, key, cert, password, demo=False, user_id=ctx.user.id)
        uow.commit()
        _remember(ctx.db, row.fingerprint, crypto.LabSigner(key, cert), password, remember, store)
        return _info(ctx.db, row)


def import_key(ctx: Context, data: bytes, file_password: str, *, password: str | None = None,
               remember: bool = False, store: Any | None = None) -> KeyInfo:
    """Import a CA-issued PKCS#12 file (administrator). ``password`` protects it in the database
    (default: the file's own password)."""
    permissions.signing_key_actions(ctx.user).require("import")
    if not data:
        raise ValidationError({"file": "证书文件为空。"})
    if len(data) > 1_000_000:
        raise ValidationError({"file": "证书文件过大（超过 1 MB），不是 PKCS#12 证书。"})
    loaded = crypto.load_pkcs12(data, file_password)
    password = password or file_password
    _check_password(password)
    with ctx.uow() as uow:
        row = _store(uow.session, loaded.key, loaded.cert, password, demo=False, user_id=ctx.user.id)
        uow.commit()
        signer = crypto.LabSigner(loaded.key, loaded.cert, loaded.chain)
        _remember(ctx.db, row.fingerprint, signer, password, remember, store)
        return _info(ctx.db, row)


def create_demo_key(session: Any, lab_name: str, cma_number: str) -> LabKey:
    """The demo lab's key (marked 演示), with the password the program knows; in ``session``."""
    key, cert = crypto.generate(lab_name, cma_number, demo=True)
    return _store(session, key, cert, DEMO_KEY_PASSWORD, demo=True, user_id=None)


def _remember(db: Any, fingerprint: str, signer: crypto.LabSigner, password: str, remember: bool,
              store: Any | None) -> None:
    with _lock:
        _unlocked[_cache_key(db, fingerprint)] = signer
    if remember:
        _keyring(store).set_password(fingerprint, password)


def _keyring(store: Any | None) -> Any:
    return store if store is not None else CredentialStore(service=KEYRING_SERVICE)


def _open(row: LabKey, password: str) -> crypto.LabSigner:
    loaded = crypto.load_pkcs12(bytes(row.pkcs12), password, now=utcnow())
    return crypto.LabSigner(loaded.key, loaded.cert, loaded.chain, demo=bool(row.demo))


def unlock(ctx: Context, password: str, *, remember: bool = False, store: Any | None = None) -> KeyInfo:
    """Unlock the active key on this workstation for this session (any signed-in user who signs:
    the password is the lab's, given to those who issue documents)."""
    with ctx.uow() as uow:
        row = active_key(uow.session)
        if row is None:
            raise ValidationError("本机构还没有签章密钥。")
        try:
            signer = _open(row, password)
        except ValidationError as exc:
            raise ValidationError({"password": "签章密钥的密码不正确。"}) from exc
        _remember(ctx.db, row.fingerprint, signer, password, remember, store)
        return _info(ctx.db, row)


def lock(db: Any) -> None:
    """Forget every unlocked key of ``db`` in this process (signing out)."""
    where = _where(db)
    with _lock:
        for k in [k for k in _unlocked if k[0] == where]:
            del _unlocked[k]


def signer_for(session: Any, *, store: Any | None = None) -> crypto.LabSigner | None:
    """The unlocked active key, unlocking it from the keyring or ``RISKMON_KEY_PASSWORD`` when
    it can; ``None`` when the lab has no key. Raises :class:`KeyLocked` when the lab has a key
    this workstation cannot unlock without asking."""
    row = active_key(session)
    if row is None:
        return None
    cached = _unlocked.get(_cache_key(session, row.fingerprint))
    if cached is not None:
        return cached
    candidates: list[str] = []
    if row.demo:
        candidates.append(DEMO_KEY_PASSWORD)
    if os.environ.get(PASSWORD_ENV):
        candidates.append(os.environ[PASSWORD_ENV])
    try:
        saved = _keyring(store).get_password(row.fingerprint)
    except Exception:  # noqa: BLE001 - a locked or broken keyring: ask instead
        saved = None
    if saved:
        candidates.append(saved)
    for password in candidates:
        try:
            signer = _open(row, password)
        except ValidationError:
            continue
        with _lock:
            _unlocked[_cache_key(session, row.fingerprint)] = signer
        return signer
    raise KeyLocked(f"实验室签章密钥尚未解锁：请在“设置 → 签章密钥”中输入密码，或设置环境变量 {PASSWORD_ENV}。")


def ensure_unlocked(ctx: Context, *, store: Any | None = None) -> bool:
    """Whether documents can be issued now (no key, or the key is unlocked); ``False`` means the
    GUI should ask for the password before signing."""
    with ctx.uow() as uow:
        try:
            signer_for(uow.session, store=store)
        except KeyLocked:
            return False
        return True
