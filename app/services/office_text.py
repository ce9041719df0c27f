"""Text files as offices save them: the CSV of a holiday notice or of the standards catalog may come
from Excel or WPS on a Chinese Windows (GB18030, GBK's superset, no BOM), from Excel's "CSV UTF-8"
(UTF-8 with a BOM), from "Unicode text" (UTF-16 with a BOM) or from any editor (UTF-8)."""

from __future__ import annotations

import codecs


def decode_office_text(raw: bytes) -> tuple[str, str] | None:
    """``(text, encoding)``, the encoding detected as above; ``None`` when the bytes are none of
    them (or hold NUL characters: not a text file)."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            return None
        return text, encoding
    return None
