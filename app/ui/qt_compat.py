"""Work-arounds for defects of the Qt binding, each applied only where the defect is measured.

PySide6 6.12.0 returns ``None`` from a method without a result, and ``True`` from
``SignalInstance.emit``, without taking a reference to it: every such call takes one reference of
``None`` (or ``True``) away. On Python 3.11 these singletons are ordinary objects, and once their
count reaches zero the interpreter aborts ("none_dealloc: deallocating None"): a few hundred
signals in a fresh program (a progress signal per imported row), or some thousands of ordinary
calls (every ``setText``), and the program is gone with the lab's work.

:func:`install` measures the defect with a few calls and, when it is there, makes ``None``,
``True`` and ``False`` immortal as Python 3.12 does for every program — their count is raised
so far (2⁴⁰) that no day of work can bring it down; they are never freed anyway while the
interpreter runs. On Python 3.12 and later they are immortal already and nothing is done.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_PROBES = 64
_HEADROOM = 1 << 40
_installed = False


class _Probe(QObject):
    ping = Signal()


def references_lost() -> dict[str, int]:
    """How many references of ``None`` and ``True`` ``_PROBES`` void calls and emissions took away."""
    probe = _Probe()
    none_before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
    none_lost = none_before - sys.getrefcount(None)
    true_before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    true_lost = true_before - sys.getrefcount(True)
    return {"None": max(none_lost, 0), "True": max(true_lost, 0)}


def binding_drops_references() -> bool:
    lost = references_lost()
    return lost["None"] >= _PROBES // 2 or lost["True"] >= _PROBES // 2


def install() -> bool:
    """Make ``None``, ``True`` and ``False`` immortal when the binding drops references to them
    (Python before 3.12); True when that was needed and done."""
    global _installed
    if _installed:
        return True
    if sys.version_info >= (3, 12) or not binding_drops_references():
        return False
    for singleton in (None, True, False):
        # the reference count is the object's first field (CPython 3.11); raised under the GIL
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _installed = True
    return True
