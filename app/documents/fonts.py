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

from reportlab import rl_config
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
_font_objects: dict[str, TTFont] = {}

# The characters every document uses first (template words of the report and the notice), in a
# fixed order: ``seed(doc)`` gives them the first codes of each font, so the first subset of a
# font is the same in every document and its embedded subset (``makeSubset``) is built once per
# process instead of once per PDF.
_CJK_SEED = "　、。《》一下不与专业个中为之书了于五产人仅代以任份企会似位低体何佛你依保信入全八公共内况准出分列判到制办功加北区十单及反取受可台号司合同名向告和品商器在地场址型壶处复大如委字存安定实审家密对将局山岸工市年并序店开异得息患情意或所托批报抽据措提擅收改放效整料方施无日昌暂月有期未本机束条构果某标样核格检次款武殊水求汉江泄法注流测涂消涉液湖漏点热特率现理生用申电白的监盖目省督知码研社称究空立章符第签管类系组织经结统编置美者联自至行表被要规认议话请负责质资起路输途通部量陈限院险面页项风验（），：；～"
_LATIN_SEED = "".join(chr(c) for c in range(33, 127)) + "≤≥±°×µΩ·—–“”‘’…"
_SUBSET_CACHE_SIZE = 64

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
    **{chr(0x2460 + i): f"({i + 1})" for i in range(20)},  # ①–⑳
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
        # asciiReadable=False: the CJK font has no ASCII glyphs, so do not reserve codes 32–126 of
        # the first subset for them (one subset fewer, i.e. one embedded font object fewer, per PDF)
        cjk = TTFont(CJK, str(cjk_font_path()), asciiReadable=False)
        pdfmetrics.registerFont(cjk)
        _font_objects[CJK] = cjk
        _cache_subsets(cjk)
        _cjk_chars = frozenset(cjk.face.charToGlyph)
        latin_path = latin_font_path()
        if latin_path is not None:
            latin = TTFont(LATIN, str(latin_path))
            pdfmetrics.registerFont(latin)
            _font_objects[LATIN] = latin
            _cache_subsets(latin)
            _latin_chars = frozenset(c for c in latin.face.charToGlyph if c >= 32)
            _has_latin = True
        # Binary (not ASCII85) streams: smaller files, and no pure-Python base-85 pass per document.
        rl_config.useA85 = 0
        _ready = True


def _cache_subsets(font: TTFont) -> None:
    """Memoise the font's subset builder (pure: same glyph codes, same bytes) for this font only."""
    build = font.face.makeSubset

    @lru_cache(maxsize=_SUBSET_CACHE_SIZE)
    def cached(codes: tuple[int, ...]) -> bytes:
        return build(list(codes))

    font.face.makeSubset = lambda subset: cached(tuple(subset))


def seed(doc) -> None:
    """Give the common characters the first codes of each font in a new PDF document (see ``_CJK_SEED``)."""
    ensure_fonts()
    _font_objects[CJK].splitString(_CJK_SEED, doc)
    if _has_latin:
        _font_objects[LATIN].splitString(_LATIN_SEED, doc)


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
    draw_lines(canvas, ((x, y, text),), size, bold=bold)
    return width


def draw_lines(canvas, lines, size: float, *, bold: bool = False) -> None:
    """Draw ``(x, y, text)`` lines in one PDF text object, switching fonts only when needed.

    The operators are written directly (``Tm``, ``Tf``, ``Tj``), the same ones reportlab's text
    object writes for a TrueType font, without its per-call width and state bookkeeping: text is
    most of what the documents draw.
    """
    doc = canvas._doc
    escape = canvas._escape
    code = ["BT"]
    if bold:
        canvas.setLineWidth(size * 0.035)
        code.append("2 Tr")
    current: tuple[str, int] | None = None
    tf = f" {size:.2f} Tf"
    for x, y, text in lines:
        if not text:
            continue
        code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        for font_name, piece in runs(text):
            font = _font_objects[font_name]
            for subset, data in font.splitString(piece, doc):
                if (font_name, subset) != current:
                    code.append(font.getSubsetInternalName(subset, doc) + tf)
                    current = (font_name, subset)
                code.append(f"({escape(data)}) Tj")
    if bold:
        code.append("0 Tr")  # the text rendering mode outlives ET: reset it
    code.append("ET")
    canvas._code.append(" ".join(code))


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
