"""The keyring interface: stores through a secure backend, refuses missing or insecure ones."""

from __future__ import annotations

import pytest
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringLocked

from app.sync.credentials import (
    SERVICE_NAME,
    CredentialsStoreError,
    CredentialStore,
    SessionPasswords,
    keyring_status,
    password_provider,
    select_backend,
)

from .helpers import MemoryKeyring


def _plaintext_backend_class():
    """A stand-in for keyrings.alt's plaintext file backend (same module name, high priority)."""

    class PlaintextKeyring(MemoryKeyring):
        priority = 20  # type: ignore[assignment]

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    return PlaintextKeyring


class _Chainer(ChainerBackend):
    """A chainer with the members we choose (keyring's own reads the installed backends)."""

    def __init__(self, members):
        self._members = list(members)

    @property
    def backends(self):  # type: ignore[override]
        return self._members


def test_store_get_delete_through_the_configured_keyring(memory_keyring):
    store = CredentialStore()
    assert store.available and store.unavailable_message is None
    assert store.get_password("zhang") is None
    store.set_password("zhang", "s3cret")
    assert memory_keyring.values == {(SERVICE_NAME, "zhang"): "s3cret"}
    assert store.get_password("zhang") == "s3cret"
    assert store.get_password("li") is None  # per user name
    assert store.delete_password("zhang") is True
    assert store.delete_password("zhang") is False
    assert store.get_password("zhang") is None


def test_empty_user_or_password_is_refused(memory_keyring):
    store = CredentialStore()
    with pytest.raises(CredentialsStoreError):
        store.set_password("", "x")
    with pytest.raises(CredentialsStoreError):
        store.set_password("zhang", "")
    assert memory_keyring.values == {}


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), _Chainer([])], ids=["fail", "null", "empty-chainer"])
def test_no_keyring_is_reported_and_nothing_is_stored(backend):
    store = CredentialStore(backend=backend)
    assert not store.available
    assert "每次使用时需要重新输入" in store.unavailable_message
    assert store.get_password("zhang") is None
    with pytest.raises(CredentialsStoreError) as info:
        store.set_password("zhang", "s3cret")
    assert "密码" in info.value.message


def test_plaintext_backend_is_treated_as_insecure():
    backend = _plaintext_backend_class()()
    store = CredentialStore(backend=backend)
    assert not store.available
    assert "不安全" in store.unavailable_message
    with pytest.raises(CredentialsStoreError):
        store.set_password("zhang", "s3cret")
    assert backend.values == {}  # the plaintext store never received it


def test_chainer_uses_the_secure_member_and_skips_the_plaintext_one():
    plaintext = _plaintext_backend_class()()
    secure = MemoryKeyring()
    store = CredentialStore(backend=_Chainer([plaintext, secure, fail.Keyring()]))
    assert store.available
    store.set_password("zhang", "s3cret")
    assert secure.values and not plaintext.values


def test_chainer_with_only_insecure_members_is_unavailable():
    backend, status = select_backend(_Chainer([_plaintext_backend_class()(), null.Keyring()]))
    assert backend is None and not status.available and "不安全" in status.message


def test_keyring_status_of_the_configured_backend(memory_keyring):
    status = keyring_status()
    assert status.available and status.message is None


def test_password_provider_order_keyring_session_prompt(memory_keyring):
    store = CredentialStore()
    session = SessionPasswords()
    asked: list[str] = []

    def prompt(user: str) -> str | None:
        asked.append(user)
        return "typed"

    provide = password_provider("zhang", store, session=session, prompt=prompt)
    assert provide() == "typed" and asked == ["zhang"]
    assert provide() == "typed" and asked == ["zhang"]  # remembered for the session
    store.set_password("zhang", "from-keyring")
    assert provide() == "from-keyring"


def test_password_provider_without_keyring_asks_and_cancel_gives_none():
    store = CredentialStore(backend=fail.Keyring())
    provide = password_provider("zhang", store, session=SessionPasswords(), prompt=lambda user: None)
    assert provide() is None


def test_locked_keyring_falls_back_to_asking():
    class Locked(MemoryKeyring):
        def get_password(self, service, username):
            raise KeyringLocked("locked")

    store = CredentialStore(backend=Locked())
    with pytest.raises(CredentialsStoreError):
        store.get_password("zhang")
    provide = password_provider("zhang", store, prompt=lambda user: "typed")
    assert provide() == "typed"
