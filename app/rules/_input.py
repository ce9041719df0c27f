"""Small helpers to read JSON-shaped input and reject it with a message naming the field."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from app.rules.errors import RuleInputError, describe, type_name

_MISSING = object()

#: How deeply JSON input may nest (arrays and objects). The contract's inputs nest six levels at
#: most; the limit keeps a pathological input (200,000 nested arrays) from reaching the parser.
MAX_JSON_DEPTH = 100
_KEEP = b'[]{}"'
_DELETE = bytes(c for c in range(256) if c not in _KEEP)
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_STRING_WITH_BRACKETS = re.compile(rb'"[^"]*"')


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``text`` nest deeper than ``limit``, found without parsing.

    Linear and fast on large inputs: only the brackets outside strings are kept (escapes first,
    then every byte but brackets and quotes; strings become empty or hold only brackets and go),
    then one pass per level removes the innermost pairs. Openers left unclosed count as levels.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")  # escaped backslashes, then escaped quotes
    data = data.translate(None, _DELETE).replace(b'""', b"")  # adjacent quotes: no structure between them
    if b'"' in data:
        data = _STRING_WITH_BRACKETS.sub(b"", data)  # strings that contain brackets
    data = data.translate(_AS_PARENS)
    levels = 0
    while True:
        shorter = data.replace(b"()", b"")
        if len(shorter) == len(data):
            break
        data, levels = shorter, levels + 1
        if levels > limit:
            return True
    # left over only when unbalanced: openers never closed still nest as deep as the parser would go
    return levels + data.count(b"(") > limit


def loads(text: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` after the nesting check: ``RuleInputError`` (naming the limit) when too deep,
    ``json.JSONDecodeError`` as usual for text that is not JSON."""
    if json_depth_exceeds(text, limit):
        raise RuleInputError("", f"输入的 JSON 嵌套超过 {limit} 层（数组和对象最多嵌套 {limit} 层），无法处理")
    return json.loads(text)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def as_object(value: object, path: str) -> Mapping[str, Any]:
    if type(value) is dict:  # what json.loads gives: no need for the (slower) Mapping check
        return value
    if not isinstance(value, Mapping):
        if not path:
            raise RuleInputError("", f"输入应为 JSON 对象，实际为{type_name(value)}")
        raise RuleInputError(path, f"应为 JSON 对象，实际为{type_name(value)}")
    return value


def member(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True, default: Any = None) -> Any:
    if key in obj:
        return obj[key]
    if required:
        raise RuleInputError(join(path, key), "缺少此字段")
    return default


def as_str(value: object, path: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RuleInputError(path, f"应为字符串，实际为{type_name(value)}")
    text = value.strip()
    if not text and not allow_empty:
        raise RuleInputError(path, "不能为空")
    return text


def as_opt_str(value: object, path: str) -> str | None:
    if value is None:
        return None
    text = as_str(value, path, allow_empty=True)
    return text or None


def as_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise RuleInputError(path, f"应为 true 或 false，实际为{type_name(value)} {describe(value)}")
    return value


def as_number(value: object, path: str) -> int | float:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleInputError(path, f"应为数字，实际为{type_name(value)} {describe(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise RuleInputError(path, "应为有限的数字")
    return value


def as_int(value: object, path: str) -> int:
    number = as_number(value, path)
    if isinstance(number, float):
        if not number.is_integer():
            raise RuleInputError(path, f"应为整数，实际为 {number}")
        return int(number)
    return number


def as_date(value: object, path: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise RuleInputError(path, f"应为 YYYY-MM-DD 格式的日期字符串，实际为{type_name(value)}")
    return parse_date(value, path)


def parse_date(text: str, path: str) -> dt.date:
    raw = text.strip()
    parts = raw.replace("/", "-").replace(".", "-").split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise RuleInputError(path, f"应为 YYYY-MM-DD 格式的有效日期，实际为 {describe(text)}")


def as_list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise RuleInputError(path, f"应为列表，实际为{type_name(value)}")
    return value


def as_str_list(value: object, path: str) -> list[str]:
    return [as_str(v, join(path, i)) for i, v in enumerate(as_list(value, path))]


def as_choice(value: object, path: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.strip() not in choices:
        allowed = "、".join(choices)
        raise RuleInputError(path, f"应为 {allowed} 之一，实际为 {describe(value)}")
    return value.strip()
