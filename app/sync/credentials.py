"""The provincial-system password in the operating system's keyring, through one small interface.

* Windows Credential Manager, macOS Keychain, Secret Service (GNOME/KDE) on Linux: the password
  is stored per user name under the service name ``riskmon-provincial``.
* No usable keyring (keyring's ``fail``/``null`` backend, a chainer with nothing behind it —
  typical on a headless Linux machine — or only an insecure backend such as keyrings.alt's
  plaintext file): :attr:`CredentialStore.available` is ``False`` and
  :attr:`CredentialStore.unavailable_message` says so in Chinese. The GUI/CLI then asks for the
  password each session (:class:`SessionPasswords`). There is never a plaintext fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.errors import CredentialsStoreError

SERVICE_NAME = "riskmon-provincial"

#: backends that cannot keep a secret: the "no keyring" placeholders and files on disk
_INSECURE_MODULE_PREFIXES = ("keyrings.alt",)
_INSECURE_CLASS_NAMES = {
    "keyring.backends.fail.Keyring",
    "keyring.backends.null.Keyring",
}

NO_KEYRING_MESSAGE = (
    "本机没有可用的安全密码库（系统钥匙串），省级系统密码不会保存，每次使用时需要重新输入。"
)
INSECURE_KEYRING_MESSAGE = (
    "本机只有不安全的密码存储方式（{name}，以明文或可逆方式保存在文件中），为安全起见不使用；"
    "省级系统密码不会保存，每次使用时需要重新输入。"
)


@dataclass(frozen=True)
class KeyringStatus:
    available: bool
    backend_name: str  # for diagnostics ("SecretService Keyring", "fail Keyring" …)
    message: str | None  # Chinese, shown when not available


def _class_path(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_insecure(backend: Any) -> bool:
    path = _class_path(backend)
    if path in _INSECURE_CLASS_NAMES:
        return True
    if any(path.startswith(prefix + ".") for prefix in _INSECURE_MODULE_PREFIXES):
        return True
    try:
        priority = float(type(backend).priority)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a backend's priority property may raise when not viable
        return True
    return priority <= 0


def _display_name(backend: Any) -> str:
    name = getattr(backend, "name", None)
    return str(name) if name else type(backend).__name__


def select_backend(backend: Any) -> tuple[Any | None, KeyringStatus]:
    """The secure backend to use for ``backend`` (keyring's current one), and the status.

    A chainer is opened up: its insecure members are dropped, and the best secure one is used
    directly so that a plaintext file backend in the chain can never receive the password.
    """
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        secure = [b for b in members if not _is_insecure(b)]
        if secure:
            chosen = max(secure, key=lambda b: float(type(b).priority))
            return chosen, KeyringStatus(True, _display_name(chosen), None)
        insecure = [b for b in members if _class_path(b) not in _INSECURE_CLASS_NAMES]
        if insecure:
            name = _display_name(insecure[0])
            return None, KeyringStatus(False, name, INSECURE_KEYRING_MESSAGE.format(name=name))
        return None, KeyringStatus(False, "chainer (empty)", NO_KEYRING_MESSAGE)
    if _class_path(backend) in _INSECURE_CLASS_NAMES:
        return None, KeyringStatus(False, _display_name(backend), NO_KEYRING_MESSAGE)
    if _is_insecure(backend):
        name = _display_name(backend)
        return None, KeyringStatus(False, name, INSECURE_KEYRING_MESSAGE.format(name=name))
    return backend, KeyringStatus(True, _display_name(backend), None)


class CredentialStore:
    """Passwords for the provincial system, per user name, in the OS keyring.

    ``backend`` is for tests (an in-memory keyring); by default keyring's configured backend.
    """

    def __init__(self, service: str = SERVICE_NAME, backend: Any | None = None) -> None:
        self.service = service
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        self._backend, self.status = select_backend(backend)

    @property
    def available(self) -> bool:
        return self._backend is not None

    @property
    def unavailable_message(self) -> str | None:
        return self.status.message

    def _require(self) -> Any:
        if self._backend is None:
            raise CredentialsStoreError(self.status.message or NO_KEYRING_MESSAGE)
        return self._backend

    def get_password(self, username: str) -> str | None:
        """The stored password, or ``None`` (also when no keyring is available)."""
        if self._backend is None or not username:
            return None
        from keyring.errors import KeyringError

        try:
            return self._backend.get_password(self.service, username)
        except KeyringError as exc:
            raise CredentialsStoreError(f"无法读取系统密码库（{exc}），请解锁密码库或重新输入密码") from exc

    def set_password(self, username: str, password: str) -> None:
        if not username:
            raise CredentialsStoreError("请先填写省级系统用户名")
        if not password:
            raise CredentialsStoreError("密码不能为空")
        backend = self._require()
        from keyring.errors import KeyringError

        try:
            backend.set_password(self.service, username, password)
        except KeyringError as exc:
            raise CredentialsStoreError(f"无法把密码保存到系统密码库（{exc}）") from exc

    def delete_password(self, username: str) -> bool:
        """Forget the stored password; ``False`` when there was none."""
        backend = self._require()
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            backend.delete_password(self.service, username)
        except PasswordDeleteError:
            return False
        except KeyringError as exc:
            raise CredentialsStoreError(f"无法从系统密码库删除密码（{exc}）") from exc
        return True


def keyring_status(backend: Any | None = None) -> KeyringStatus:
    """Whether passwords can be kept, for the settings page (flag + Chinese message)."""
    return CredentialStore(backend=backend).status


class SessionPasswords:
    """Passwords entered during this run only (kept in memory, never written anywhere)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, username: str) -> str | None:
        with self._lock:
            return self._values.get(username)

    def set(self, username: str, password: str) -> None:
        with self._lock:
            self._values[username] = password

    def forget(self, username: str) -> None:
        with self._lock:
            self._values.pop(username, None)


def password_provider(
    username: str,
    store: CredentialStore | None = None,
    *,
    session: SessionPasswords | None = None,
    prompt: Callable[[str], str | None] | None = None,
) -> Callable[[], str | None]:
    """A callable for :class:`~app.sync.gateway.HttpGateway`: keyring, then this session, then ask.

    ``prompt(username)`` asks the user (GUI dialog, or ``getpass`` in the CLI) and returns the
    password or ``None`` when cancelled; what it returns is remembered for the session only.
    """

    def provide() -> str | None:
        if store is not None:
            try:
                value = store.get_password(username)
            except CredentialsStoreError:  # locked or broken keyring: ask instead
                value = None
            if value:
                return value
        if session is not None:
            value = session.get(username)
            if value:
                return value
        if prompt is not None:
            value = prompt(username)
            if value and session is not None:
                session.set(username, value)
            return value or None
        return None

    return provide
