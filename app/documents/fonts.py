"""Fonts for the PDFs: the shipped CJK TrueType font plus a Latin companion, registered once.

The shipped CJK font (Droid Sans Fallback, ``app.resources.cjk_font_path()``) has Chinese,
full-width forms and CJK punctuation but, being a *fallback* font, no Latin letters, digits or
symbols such as ≤ ≥ ±. Those come from Bitstream Vera (``Vera.ttf``, free licence), which
reportlab itself ships (``reportlab/fonts``); a copy in ``resources/fonts`` takes precedence.
Both are embedded as subsets. Text is split into runs by the font that has each character:
``runs("≤0.75 mA，合格")``. A character neither font has is replaced by a text fallback
(``℃`` → ``°C``, ``Ⅱ`` → ``II``, ``α`` → ``alpha``) so that no page shows an empty box. If no
Latin font can be found at all, ASCII is drawn with the CJK font's full-width forms.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import cjk_font_path, resource_path

CJK = "RiskmonCJK"
LATIN = "RiskmonLatin"

_lock = threading.Lock()
_ready = False
_cjk_chars: frozenset[int] = frozenset()
_latin_chars: frozenset[int] = frozenset()
_has_latin = False

# Characters neither font has, with the text shown instead.
_FALLBACK = {
    "℃": "°C",
    "℉": "°F",
    "μ": "µ",
    "✓": "√",
    "✔": "√",
    "✗": "×",
    "✘": "×",
    "≦": "≤",
    "≧": "≥",
    "≤": "不大于",  # only used when no Latin font is available
    "≥": "不小于",
    "±": "+/-",
    "Δ": "∆",
    "□": "",
    "■": "",
    "\u00a0": " ",
    "\u3000": "  ",
    "\t": " ",
    "\ufeff": "",
    "\u200b": "",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "θ": "theta",
    "λ": "lambda",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ω": "omega",
    "η": "eta",
}


def latin_font_path() -> Path | None:
    """Vera.ttf from ``resources/fonts`` or reportlab's own font folder; ``None`` if neither."""
    candidates = [resource_path("fonts", "Vera.ttf")]
    try:
        import reportlab

        candidates.append(Path(os.path.dirname(reportlab.__file__)) / "fonts" / "Vera.ttf")
    except Exception:  # pragma: no cover - reportlab is a dependency
        pass
    for path in candidates:
        if path.is_file():
            return path
    return None


def ensure_fonts() -> None:
    """Register the fonts with reportlab, once per process (thread-safe, cheap afterwards)."""
    global _ready, _cjk_chars, _latin_chars, _has_latin
    if _ready:
        return
    with _lock:
        if _ready:
            return
        cjk = TTFont(CJK, str(cjk_font_path()))
        pdfmetrics.registerFont(cjk)
        _cjk_chars = frozenset(cjk.face.charToGlyph)
        latin_path = latin_font_path()
        if latin_path is not None:
            latin = TTFont(LATIN, str(latin_path))
            pdfmetrics.registerFont(latin)
            _latin_chars = frozenset(c for c in latin.face.charToGlyph if c >= 32)
            _has_latin = True
        _ready = True


def has_latin_font() -> bool:
    ensure_fonts()
    return _has_latin


def _font_for(ch: str) -> str | None:
    o = ord(ch)
    if o in _latin_chars:
        return LATIN
    if o in _cjk_chars:
        return CJK
    return None


def _substitute(ch: str) -> str:
    """Text to draw for a character that no font has (may be empty)."""
    if not _has_latin and 0x21 <= ord(ch) <= 0x7E:
        return chr(ord(ch) + 0xFEE0)  # full-width form, present in the CJK font
    if ch in _FALLBACK:
        rep = _FALLBACK[ch]
        if all(_font_for(c) or c == " " for c in rep):
            return rep
        return "".join(_substitute(c) if not _font_for(c) else c for c in rep)
    norm = unicodedata.normalize("NFKC", ch)
    if norm != ch and norm and all(_font_for(c) for c in norm):
        return norm
    if unicodedata.category(ch).startswith(("C", "Z")):
        return " " if unicodedata.category(ch).startswith("Z") else ""
    return "?"


@lru_cache(maxsize=16384)
def runs(text: str) -> tuple[tuple[str, str], ...]:
    """``text`` as ``(font name, substring)`` runs, with missing characters replaced."""
    ensure_fonts()
    out: list[tuple[str, str]] = []
    cur_font: str | None = None
    buf: list[str] = []
    for ch in text:
        font = _font_for(ch)
        if font is None:
            if ch == " ":
                font = cur_font or LATIN if _has_latin else CJK
                piece = ch
            else:
                piece = _substitute(ch)
                if not piece:
                    continue
                if len(piece) > 1 or _font_for(piece) is None:
                    # multi-character fallback: split it again (it only holds known characters)
                    for sub_font, sub in runs(piece):
                        if sub_font != cur_font and buf:
                            out.append((cur_font, "".join(buf)))  # type: ignore[arg-type]
                            buf = []
                        cur_font = sub_font
                        buf.append(sub)
                    continue
                font = _font_for(piece)
        else:
            piece = ch
        if font != cur_font and buf:
            out.append((cur_font, "".join(buf)))  # type: ignore[arg-type]
            buf = []
        cur_font = font
        buf.append(piece)
    if buf:
        out.append((cur_font, "".join(buf)))  # type: ignore[arg-type]
    return tuple(out)


def clean(text: str) -> str:
    """``text`` as it will be drawn (fallbacks applied), for measuring and for tests."""
    return "".join(s for _, s in runs(text))


@lru_cache(maxsize=65536)
def _width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(s, f, size) for f, s in runs(text))


def string_width(text: str, size: float) -> float:
    """Width in points of ``text`` drawn at ``size``."""
    if not text:
        return 0.0
    return _width(text, size)


def draw_string(canvas, x: float, y: float, text: str, size: float, *, align: str = "left",
                bold: bool = False) -> float:
    """Draw one line on a reportlab canvas; ``align`` is left, center or right of ``x``.

    Returns the width drawn. ``bold`` strokes the outlines (the CJK font has one weight).
    """
    if not text:
        return 0.0
    width = string_width(text, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    t = canvas.beginText(x, y)
    if bold:
        t.setTextRenderMode(2)
        canvas.setLineWidth(size * 0.035)
    for font, s in runs(text):
        t.setFont(font, size)
        t.textOut(s)
    canvas.drawText(t)
    return width


# ------------------------------------------------------------------ line breaking

# May not begin a line (行首禁则).
_NO_START = set("，。、；：？！）》」』】〕〉”’…—～%％·,.;:!?)]}°℃")
# May not end a line (行尾禁则).
_NO_END = set("（《「『【〔〈“‘([{")


def _is_wide(ch: str) -> bool:
    o = ord(ch)
    return o >= 0x2E80 and not (0xFE50 <= o <= 0xFE6F)


def _tokens(line: str) -> list[str]:
    """Break opportunities: each CJK character, each space, each Latin word.

    A long Latin word (a URL) may also break after ``/ ? & = -``; codes such as report numbers
    and ``GB/T 14561`` stay whole.
    """
    toks: list[str] = []
    word: list[str] = []

    def flush() -> None:
        if not word:
            return
        if len(word) <= _LONG_WORD:
            toks.append("".join(word))
        else:
            piece: list[str] = []
            for ch in word:
                piece.append(ch)
                if ch in "/?&=-" and len(piece) > 1:
                    toks.append("".join(piece))
                    piece = []
            if piece:
                toks.append("".join(piece))
        word.clear()

    for ch in line:
        if ch == " " or _is_wide(ch):
            flush()
            toks.append(ch)
        else:
            word.append(ch)
    flush()
    return toks


_LONG_WORD = 24


def _split_long(tok: str, width: float, size: float) -> list[str]:
    parts: list[str] = []
    cur = ""
    for ch in tok:
        if cur and string_width(cur + ch, size) > width:
            parts.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return parts


@lru_cache(maxsize=32768)
def wrap(text: str, width: float, size: float, indent: float = 0.0) -> tuple[str, ...]:
    """Greedy line breaking of ``text`` into lines no wider than ``width`` (CJK rules applied).

    The first line is ``indent`` narrower. Explicit newlines are kept. A word wider than the
    line is split between characters.
    """
    lines: list[str] = []

    def room() -> float:
        return width - indent if not lines else width

    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if string_width(para, size) <= room():
            lines.append(para.rstrip())
            continue
        cur: list[str] = []
        cur_w = 0.0
        for tok in _tokens(para):
            w = string_width(tok, size)
            if cur_w + w <= room() or not cur:
                if w > room() and not cur:
                    pieces = _split_long(tok, room(), size)
                    for piece in pieces[:-1]:
                        lines.append(piece)
                    cur, cur_w = [pieces[-1]], string_width(pieces[-1], size)
                else:
                    cur.append(tok)
                    cur_w += w
                continue
            if tok == " ":
                lines.append("".join(cur).rstrip())
                cur, cur_w = [], 0.0
                continue
            # keep closing punctuation with the text before it, opening punctuation with the text after
            head = [tok]
            while len(cur) > 1 and len(head) < 4 and (head[0][0] in _NO_START or cur[-1][-1] in _NO_END):
                head.insert(0, cur.pop())
            if head[0] == " ":
                head.pop(0)
            lines.append("".join(cur).rstrip())
            cur = head
            cur_w = string_width("".join(cur), size)
            if cur_w > room():
                pieces = _split_long("".join(cur), room(), size)
                lines.extend(pieces[:-1])
                cur, cur_w = [pieces[-1]], string_width(pieces[-1], size)
        lines.append("".join(cur).strip())
    return tuple(lines)
