"""Small helpers shared by the services."""

from __future__ import annotations

from typing import Any

from app.errors import ConflictError, NotFoundError

# ----------------------------------------------------------------------------- text from users
# Control characters never mean anything in what a user types or pastes, and some break things far
# from the form: PostgreSQL refuses NUL in text (psycopg.DataError), the Excel and Word writers
# refuse most C0 characters, and a lone surrogate cannot be encoded for either database.
_LINE_BREAKS = "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_DROP = [c for c in range(0x00, 0x20) if chr(c) not in _LINE_BREAKS]
_DROP += [0x7F] + [c for c in range(0x80, 0xA0) if chr(c) not in _LINE_BREAKS] + list(range(0xD800, 0xE000))
#: a filter or search box: every line break and tab is a space, other control characters go
_SEARCH_TABLE = {**dict.fromkeys(_DROP), **{ord(c): " " for c in _LINE_BREAKS}}
#: text that is stored: tabs and line breaks (\t \n \r) stay, the rest of the control characters go
_STORED_TABLE = {**dict.fromkeys(_DROP), **{ord(c): " " for c in _LINE_BREAKS if c not in "\t\n\r"}}


def search_text(text: str | None) -> str:
    """The free text of a list filter or search box as it may reach SQL: NUL and the other C0/C1
    control characters removed, tabs and line breaks turned into spaces, ends stripped."""
    if not text:
        return ""
    return str(text).translate(_SEARCH_TABLE).strip()


def search_words(text: str | None, max_length: int | None = None) -> list[str]:
    """:func:`search_text` split into words (the first ``max_length`` characters of it)."""
    cleaned = search_text(text)
    return (cleaned[:max_length] if max_length is not None else cleaned).split()


def like_pattern(word: str) -> str:
    """``%word%`` for ``LIKE … ESCAPE '\\'``: the word's own ``%``, ``_`` and ``\\`` match literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def stored_text(text: str) -> str:
    """Text as it is saved: NUL and the other control characters removed (tabs and line breaks
    kept; vertical tab, form feed and the like become spaces); everything else untouched."""
    return text.translate(_STORED_TABLE)


def refused_control_character(exc: BaseException) -> bool:
    """Whether the database refused a statement for a NUL in its text (PostgreSQL: psycopg's
    ``DataError``, "cannot contain NUL (0x00) bytes")."""
    text = str(getattr(exc, "orig", None) or exc)
    return type(exc).__name__ == "DataError" and "NUL (0x00)" in text


def _clean_stored(value: Any) -> Any:
    if isinstance(value, str):
        return stored_text(value)
    if isinstance(value, list):
        return [_clean_stored(v) for v in value]
    if isinstance(value, dict):
        return {_clean_stored(k): _clean_stored(v) for k, v in value.items()}
    return value


def clean_pending_text(session: Any, _flush_context: Any = None, _instances: Any = None) -> None:
    """``before_flush``: every text (and JSON) value about to be written by a service is passed
    through :func:`stored_text`, so that no form, import or dialog can store a NUL (PostgreSQL
    refuses it) or another control character. Only the values set in this unit of work are looked
    at; the audit trail records the values as stored."""
    from sqlalchemy import inspect

    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        loaded = state.dict
        for key, is_text in _text_columns(state.mapper):
            if key not in loaded:
                continue
            value = loaded[key]
            if is_text:
                if not isinstance(value, str) or value.isprintable():  # printable: nothing to remove
                    continue
                cleaned = stored_text(value)
            elif isinstance(value, list | dict):
                cleaned = _clean_stored(value)
            else:
                continue
            if cleaned != value:
                setattr(obj, key, cleaned)


_TEXT_COLUMNS: dict[Any, tuple[tuple[str, bool], ...]] = {}


def _text_columns(mapper: Any) -> tuple[tuple[str, bool], ...]:
    """The attributes of a mapped class that hold text (``True``) or JSON (``False``), once per
    class; none for the audit trail (written from values already cleaned, and hashed as written)."""
    found = _TEXT_COLUMNS.get(mapper)
    if found is None:
        from sqlalchemy import JSON, String

        found = ()
        if not str(getattr(mapper.local_table, "name", "")).startswith("audit"):
            found = tuple((attr.key, isinstance(attr.columns[0].type, String))
                          for attr in mapper.column_attrs if len(attr.columns) == 1
                          and isinstance(attr.columns[0].type, String | JSON))
        _TEXT_COLUMNS[mapper] = found
    return found


def check_version(obj, version: int | None, what: str = "该记录") -> None:
    """Optimistic concurrency across the GUI's read → edit → save.

    The GUI holds no session, so it hands back the ``version`` it showed; if the row changed
    since, the user must reload instead of overwriting someone else's work.
    """
    if obj is None:
        raise NotFoundError(f"{what}已被删除。")
    if version is not None and obj.version != version:
        raise ConflictError(f"{what}已被其他用户修改（版本 {version} → {obj.version}），请刷新后重新操作。")


def get_or_404(session, model, ident, what: str):
    obj = session.get(model, ident)
    if obj is None:
        raise NotFoundError(f"{what}不存在或已被删除。")
    return obj


#: The largest file kept in the database as an attachment, a receipt scan or a confirmation file.
ATTACHMENT_LIMIT = 20 * 1024 * 1024
RECEIPT_TYPES = (  # what a scanned document may be, told by its first bytes (never by its name)
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
)


def receipt_type(content: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a scanned document told by its first bytes; None when it is
    not a PDF, JPEG or PNG file."""
    for magic, ext, mime in RECEIPT_TYPES:
        if content.startswith(magic):
            return ext, mime
    return None
