"""The GUI's background uploader: :func:`app.services.upload.run_forever` on a thread of its own.

It sends what approvals queue (Article 18 ¶1) while people work: every item as soon as it is due,
right away when :meth:`SyncRunner.wake` is called (the 上报同步 page does so after an approval),
and otherwise checks at least every ``idle_interval`` seconds. Results come back as Qt signals,
delivered on the GUI thread. The runner never asks for anything itself: with no password, or one the
provincial system refuses, it stops and emits :attr:`SyncRunner.credentials_needed`; the page asks
the user and starts it again. Passwords typed in this run live in :attr:`SyncRunner.session` (memory
only) — never in a file or the database.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.errors import RiskmonError
from app.services import upload
from app.services.context import Context
from app.services.upload import RetryPolicy, SessionPasswords, SyncSummary

log = logging.getLogger(__name__)


class SyncRunner(QObject):
    """Starts, wakes and stops the upload thread; one per signed-in window.

    Deliberately without a Qt parent: the thread keeps the Python object (and so its signals)
    alive until it has finished, even when the page that owns it is deleted first.
    """

    running_changed = Signal(bool)
    summary = Signal(object)  # upload.SyncSummary of a pass that sent something or stopped
    item = Signal(object)  # upload.ItemOutcome, one per item sent
    credentials_needed = Signal(str)  # why (Chinese): no password, or the login was refused
    failed = Signal(object)  # the exception that kept it from starting or stopped it

    def __init__(
        self,
        ctx: Context,
        *,
        session: SessionPasswords | None = None,
        store: Any | None = None,
        policy: RetryPolicy | None = None,
        idle_interval: float = 30.0,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session or SessionPasswords()
        self.store = store  # a CredentialStore; None: the OS keyring
        self.policy = policy
        self.idle_interval = idle_interval
        self.username = ""  # the account the current (or last) run used
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._done = threading.Event()
        self._done.set()

    # ---- control (GUI thread)
    def is_running(self) -> bool:
        return not self._done.is_set()

    def start(self) -> bool:
        """Start the thread (``False`` when it already runs: then it is only woken)."""
        if self.is_running():
            self.wake()
            return False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop, self._wake, self._done), name="riskmon-upload", daemon=True
        )
        self._thread.start()
        self.running_changed.emit(True)
        return True

    def wake(self) -> None:
        """Look for due items now (e.g. right after an approval queued one)."""
        self._wake.set()

    def stop(self, wait: float = 0.0) -> bool:
        """Ask the thread to stop after the upload in progress; wait up to ``wait`` seconds.

        Items it had claimed but not sent go back to the queue; one cut off mid-upload is sent
        again later under the same idempotency key, so the province still records it once.
        Returns whether the thread has ended.
        """
        self._stop.set()
        self._wake.set()
        if wait > 0:
            self._done.wait(wait)
        return self._done.is_set()

    def wait_stopped(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    # ---- the thread
    def _emit(self, signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the receiving objects are gone (window closed): nothing to tell
            pass

    def _run(self, stop: threading.Event, wake: threading.Event, done: threading.Event) -> None:
        totals: SyncSummary | None = None
        gateway = None
        try:
            gateway = upload.open_gateway(self.ctx.db, session=self.session, store=self.store)
            self.username = str(getattr(gateway, "username", "") or "")
            totals = upload.run_forever(
                self.ctx,
                gateway,
                stop,
                policy=self.policy,
                idle_interval=self.idle_interval,
                wake=wake,
                on_summary=lambda s: self._emit(self.summary, s),
                progress=lambda o: self._emit(self.item, o),
            )
        except RiskmonError as exc:
            self._emit(self.failed, exc)
        except Exception as exc:  # noqa: BLE001 - logged; the page says the uploader stopped
            log.exception("background upload stopped")
            self._emit(self.failed, exc)
        finally:
            if gateway is not None:
                try:
                    gateway.close()
                except Exception:  # noqa: BLE001 - closing must not hide what happened
                    log.debug("closing the gateway failed", exc_info=True)
            done.set()
        if totals is not None and totals.credentials_problem and not stop.is_set():
            if self.username:
                self.session.forget(self.username)  # refused: the next start asks again
            self._emit(self.credentials_needed, totals.stop_reason or "")
        self._emit(self.running_changed, False)
