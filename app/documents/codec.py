"""Document data as JSON and back, for the snapshots a record freezes (the analysis report's data
as compiled). Works on the frozen dataclasses of :mod:`app.documents.data`: strings, numbers,
booleans, dates, enums, tuples, optional values and nested dataclasses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from enum import Enum
from functools import cache
from typing import Any

from app.documents import data as _data

SNAPSHOT_VERSION = 1


def to_plain(value: Any) -> Any:
    """``value`` as JSON-ready data (dicts, lists, strings, numbers, ``None``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(_data))


def from_plain(tp: Any, value: Any) -> Any:
    """The inverse of :func:`to_plain` for the type ``tp`` (a dataclass of ``app.documents.data``)."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_plain(options[0], value)
    if origin is tuple:
        args = typing.get_args(tp)
        inner = args[0] if args else Any
        return tuple(from_plain(inner, v) for v in value)
    if origin is dict:
        return dict(value)
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            hints = _hints(tp)
            kwargs = {f.name: from_plain(hints[f.name], value[f.name])
                      for f in dataclasses.fields(tp) if f.init and f.name in value}
            return tp(**kwargs)
        if issubclass(tp, Enum):
            return tp(value)
        if tp is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if tp is dt.date:
            return dt.date.fromisoformat(value)
        if tp is float:
            return float(value)
    return value


def snapshot(value: Any) -> dict[str, Any]:
    """A versioned JSON snapshot of document data."""
    return {"snapshot_version": SNAPSHOT_VERSION, "type": type(value).__name__, "data": to_plain(value)}


def restore(cls: type, snap: dict[str, Any]) -> Any:
    """The document data of a :func:`snapshot`; ``ValueError`` when it is of another kind."""
    if not isinstance(snap, dict) or snap.get("type") != cls.__name__ or "data" not in snap:
        raise ValueError(f"not a snapshot of {cls.__name__}")
    return from_plain(cls, snap["data"])
