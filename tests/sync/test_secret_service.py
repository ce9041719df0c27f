"""The credential store against a real Secret Service: GNOME Keyring on a private D-Bus session.

The other credential tests use in-memory keyrings. Here the provincial password goes through
:class:`~app.sync.credentials.CredentialStore` into ``gnome-keyring-daemon`` (the backend Debian,
UOS and Kylin desktops give keyring), is read back by another process, is found by the Secret
Service's own search in the unlocked login collection, and is deleted. Debian's keyrings.alt (its
plaintext file backend) is put beside it and stays refused, even inside a chain.

Headless recipe: a throw-away ``HOME``, ``dbus-run-session``, and ``gnome-keyring-daemon --unlock``
reading the login keyring's password on standard input. ``make test`` installs ``gnome-keyring``,
``dbus`` and ``python3-keyrings.alt`` when they are missing and it runs as root.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_KEYRINGS_ALT = Path("/usr/lib/python3/dist-packages/keyrings/alt")
MISSING = [name for name, present in (
    ("dbus (dbus-run-session)", shutil.which("dbus-run-session")),
    ("gnome-keyring", shutil.which("gnome-keyring-daemon")),
    ("python3-keyrings.alt", DEBIAN_KEYRINGS_ALT.is_dir()),
) if not present]

pytestmark = pytest.mark.skipif(
    bool(MISSING) or not sys.platform.startswith("linux"),
    reason=f"needs the Debian packages {', '.join(MISSING) or '-'} (make test installs them when run as root)",
)

# One step per process: what one process stores, the next one reads from the daemon.
CHILD = r'''
import json, sys
sys.path.append(sys.argv[1])  # Debian's keyrings.alt, after the environment's own packages
from app.sync.credentials import SERVICE_NAME, CredentialStore

step, user = sys.argv[2], "zhang.wei"
store = CredentialStore()
out = {"step": step, "available": store.available, "backend": type(store._backend).__module__
       if store._backend is not None else None}
if step == "store":
    store.set_password(user, "省级系统-Pa55word")
elif step == "read":
    out["password"] = store.get_password(user)
    out["other_user"] = store.get_password("li.na")
    import secretstorage  # the Secret Service itself, not keyring: where did the password land?
    conn = secretstorage.dbus_init()
    items = list(secretstorage.search_items(conn, {"service": SERVICE_NAME, "username": user}))
    out["items"] = [[i.get_secret().decode(), i.is_locked()] for i in items]
    collection = secretstorage.get_default_collection(conn)
    out["collection"] = [collection.get_label(), collection.is_locked(),
                         [i.get_label() for i in collection.get_all_items()]]
elif step == "delete":
    out["deleted"] = store.delete_password(user)
    out["after"] = store.get_password(user)
    out["deleted_again"] = store.delete_password(user)
elif step == "insecure":
    from keyring.backends.chainer import ChainerBackend
    from keyrings.alt.file import PlaintextKeyring

    class Chain(ChainerBackend):  # keyring's chainer over the backends we name
        backends = [PlaintextKeyring(), store._backend]

    out["plaintext"] = [CredentialStore(backend=PlaintextKeyring()).available,
                        CredentialStore(backend=PlaintextKeyring()).unavailable_message]
    chained = CredentialStore(backend=Chain())
    out["chained"] = type(chained._backend).__module__
    chained.set_password("chain.user", "via-chain")
    out["chained_read"] = store.get_password("chain.user")
    chained.delete_password("chain.user")
    out["plaintext_file"] = PlaintextKeyring().file_path
print(json.dumps(out, ensure_ascii=False))
'''


def test_the_provincial_password_in_gnome_keyring(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    child = tmp_path / "child.py"
    child.write_text(CHILD, encoding="utf-8")
    alt = tmp_path / "alt"
    (alt / "keyrings").mkdir(parents=True)
    shutil.copytree(DEBIAN_KEYRINGS_ALT, alt / "keyrings" / "alt", ignore=shutil.ignore_patterns("__pycache__"))
    steps = " && ".join(f'"$PY" "$CHILD" "$ALT" {step}' for step in ("store", "read", "delete", "insecure"))
    script = f'printf %s "$UNLOCK" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && {steps}'
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
        "PY": sys.executable, "CHILD": str(child), "ALT": str(alt), "UNLOCK": "login-keyring-password",
        "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
    }  # nothing of the caller's session: no DBUS_SESSION_BUS_ADDRESS, XDG_* or PYTHON_KEYRING_BACKEND
    proc = subprocess.Popen(["dbus-run-session", "--", "sh", "-c", script], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the bus, the keyring daemon and the child
        out, err = proc.communicate()
        pytest.fail(f"the Secret Service steps did not finish in 120 s: {err[-2000:]}")
    assert proc.returncode == 0, err[-3000:]
    steps = {r["step"]: r for r in map(json.loads, out.splitlines())}

    for step in steps.values():
        assert step["available"] is True and step["backend"] == "keyring.backends.SecretService", step
    read = steps["read"]
    assert read["password"] == "省级系统-Pa55word" and read["other_user"] is None
    assert read["items"] == [["省级系统-Pa55word", False]]
    label, locked, item_labels = read["collection"]
    assert label == "Login" and locked is False and len(item_labels) == 1
    assert steps["delete"] == {**steps["delete"], "deleted": True, "after": None, "deleted_again": False}
    insecure = steps["insecure"]
    assert insecure["plaintext"][0] is False and "不安全" in insecure["plaintext"][1]
    assert insecure["chained"] == "keyring.backends.SecretService" and insecure["chained_read"] == "via-chain"
    assert not Path(insecure["plaintext_file"]).exists()  # nothing was written to a file backend
    # the login keyring was written in the throw-away home, where the daemon keeps it
    assert (home / ".local" / "share" / "keyrings" / "login.keyring").is_file()
    for path in (p for p in home.rglob("*") if p.is_file()):  # and encrypted there
        assert b"Pa55word" not in path.read_bytes(), path
