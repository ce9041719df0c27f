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
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF
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


# ``(x)``: each one-byte code of a font subset as an escaped PDF string, for justified lines' TJ arrays
_GLYPH_STRINGS = tuple(f"({escapePDF(bytes([b]))})" for b in range(256))


def gap_count(text: str) -> int:
    """Where a justified line takes extra space: after each Chinese character and after each Latin
    run (never inside a code or word), the line's end excepted."""
    return sum(len(piece) if font == CJK else 1 for font, piece in runs(text)) - 1


def draw_lines(canvas, lines, size: float, *, bold: bool = False) -> None:
    """Draw ``(x, y, text)`` or ``(x, y, text, gap)`` lines in one PDF text object, switching fonts
    only when needed; ``gap`` is the extra space at each of the line's ``gap_count`` places (justified text).

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
    for x, y, text, *spacing in lines:
        if not text:
            continue
        code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        gap = spacing[0] if spacing else 0.0
        adjust = f" {-gap * 1000 / size:.1f} "  # a TJ number moves the next glyph by -n/1000 of the size
        pieces = runs(text)
        for k, (font_name, piece) in enumerate(pieces):
            font = _font_objects[font_name]
            chunks = font.splitString(piece, doc)
            for j, (subset, data) in enumerate(chunks):
                if (font_name, subset) != current:
                    code.append(font.getSubsetInternalName(subset, doc) + tf)
                    current = (font_name, subset)
                if not gap:
                    code.append(f"({escape(data)}) Tj")
                    continue
                tail = adjust if k < len(pieces) - 1 or j < len(chunks) - 1 else ""
                if font_name == CJK:  # the space goes after every character
                    glyphs = adjust.join(_GLYPH_STRINGS[b] for b in data)
                    code.append(f"[{glyphs}{tail}] TJ")
                else:  # a Latin run stays whole: the space goes after it
                    code.append(f"[({escape(data)}){tail}] TJ")
    if bold:
        code.append("0 Tr")  # the text rendering mode outlives ET: reset it
    code.append("ET")
    canvas._code.append(" ".join(code))


# ------------------------------------------------------------------ line breaking

# May not begin a line (行首禁则).
_NO_START = set("，。、；：？！）》」』】〕〉”’…—～%％·,.;:!?)]}°℃")
# May not end a line (行尾禁则).
_NO_END = set("（《「『【〔〈“‘([{")

# A standard's prefix, kept on one line with the number after it: GB, GB/T, QB/T, Q/WHKT, ISO/IEC.
_CODE_PREFIX = re.compile(r"(?:[A-Z]{2,5}(?:/[A-Z]{1,5})?|Q/[A-Z0-9]{1,12})")
# A number, possibly signed or compared, possibly a range: 3, −10, ≤0.75, +7.8%, 10～20.
_NUMBER = re.compile(r"[−+±≤≥<>=~-]*\d(?:[\d.,:/~-]*\d)?[%‰]?")
# A unit written after a number and a space: mm, mA, °C, mg/dm², dB(A), m3, %.
_UNIT = re.compile(r"(?:[%‰]|[A-Za-zµΩ°℃][A-Za-zµΩ°℃/²³·.()0-9^-]{0,9})")
# Only comparison or sign characters (``≤ 60``): never the end of a line.
_OPERATOR = re.compile(r"[−+±≤≥<>=~]+")
# Chinese measure words and date units that belong to the number before them (3台, 2026年).
_MEASURE = frozenset("台个件只套批次条张片块瓶袋盒包支把组根卷双对份米克升秒分时天日月年号页项家人名度倍岁层")
# Range signs that join two numbers (−10～5).
_RANGE = frozenset("～~")
# Breaking inside a URL is allowed after these characters.
_URL_BREAKS = "/?&=-"
_LONG_WORD = 32


def _is_wide(ch: str) -> bool:
    o = ord(ch)
    return o >= 0x2E80 and not (0xFE50 <= o <= 0xFE6F)


def _is_url(word: str) -> bool:
    return "://" in word or word.startswith("www.") or len(word) > _LONG_WORD


def _raw_tokens(line: str) -> list[str]:
    """Each wide (CJK) character, each space and each Latin word; URLs split after ``/ ? & = -``."""
    toks: list[str] = []
    word: list[str] = []

    def flush() -> None:
        if not word:
            return
        w = "".join(word)
        if not _is_url(w):
            toks.append(w)
        else:
            piece: list[str] = []
            for k, ch in enumerate(w):
                piece.append(ch)
                if ch in _URL_BREAKS and len(piece) > 1 and w[k + 1:k + 2] not in _URL_BREAKS:
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


def _latin(tok: str) -> bool:
    return bool(tok) and tok != " " and not _is_wide(tok[0])


def _ends_with_number(tok: str) -> bool:
    """``3``, ``−10%``, ``0.75``: a token that ends with a number (a percentage included)."""
    tail = tok.rstrip("%‰")
    return _latin(tok) and bool(tail) and tail[-1].isdigit() and _NUMBER.search(tok) is not None


def _glued(a: str, b: str) -> bool:
    """No line break between adjacent tokens ``a`` and ``b`` (``a`` ends, ``b`` starts, without a space)."""
    if _ends_with_number(a) and len(b) == 1 and (b in _MEASURE or b in _RANGE):
        return True  # 3台, 2026年, 10～
    return a in _RANGE and _latin(b) and (b[0].isdigit() or b[0] in "−+-")  # ～5


def _glued_over_space(a: str, b: str) -> bool:
    """No line break at the space between ``a`` and ``b``: ``GB/T 14561``, ``3 mm``, ``≤ 60``, ``3 台``."""
    if not _latin(a):
        return False
    if _latin(b):
        if b[0].isdigit() and (_CODE_PREFIX.fullmatch(a) or _OPERATOR.fullmatch(a)):
            return True
        if b.isdigit() and len(b) >= 3 and a[-3:].isdigit():
            return True  # a telephone number written in groups: 027-8765 4321
        return _ends_with_number(a) and _UNIT.fullmatch(b) is not None
    return len(b) == 1 and b in _MEASURE and _ends_with_number(a)


@lru_cache(maxsize=32768)
def _tokens(line: str) -> tuple[str, ...]:
    """Break opportunities: each CJK character, each space, each Latin word — where nothing forbids it.

    Identifiers (report, sample and task numbers), standard codes with their prefix
    (``GB/T 14561-2019``, ``Q/WHKT 0001-2024``), numbers with their unit (``3 mm``, ``3台``),
    ranges (``−10～5``) and Latin words stay whole; a URL may break after ``/ ? & = -``.
    """
    raw = _label_glue(_raw_tokens(line))
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        tok = raw[i]
        while i + 1 < n:
            nxt = raw[i + 1]
            if nxt == " " and i + 2 < n and _glued_over_space(_last_word(tok), raw[i + 2]):
                tok += " " + raw[i + 2]
                i += 2
            elif nxt != " " and _glued(_last_word(tok), nxt):
                tok += nxt
                i += 1
            else:
                break
        out.append(tok)
        i += 1
    return tuple(out)


def _label_glue(raw: list[str]) -> list[str]:
    """``编号：2026-BG-0001``: a label's last two characters, its colon and the code after it are one unit,
    so neither the label (检验报告编|号) nor the colon is left at a line end."""
    if "：" not in raw:
        return raw
    out: list[str] = []
    for k, tok in enumerate(raw):
        if (tok == "：" and k + 1 < len(raw) and _latin(raw[k + 1]) and len(out) >= 2
                and all(len(t) == 1 and _is_wide(t) and t not in _NO_START for t in out[-2:])):
            out[-2:] = ["".join(out[-2:]) + tok]
        elif out and out[-1].endswith("：") and len(out[-1]) > 1 and k > 0 and raw[k - 1] == "：":
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _last_word(tok: str) -> str:
    """The part of a (glued) token the next token is judged against: after its last space or range sign."""
    k = max(tok.rfind(" "), tok.rfind("："), max((tok.rfind(r) for r in _RANGE), default=-1))
    if k < 0 or k == len(tok) - 1:
        return tok[-1] if tok[-1:] in _RANGE else tok
    tail = tok[k + 1:]
    return tail if not _is_wide(tail[0]) else tail[-1]


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


@lru_cache(maxsize=16384)
def min_width(text: str, size: float) -> float:
    """The width of the widest piece of ``text`` that may not be broken (a code, a word, a number with its unit)."""
    widest = 0.0
    for para in text.split("\n"):
        for tok in _tokens(para):
            if tok != " ":
                widest = max(widest, string_width(tok, size))
    return widest


def _core_chars(line: list[str]) -> int:
    """Characters of a line that are not spaces or closing punctuation."""
    return sum(1 for tok in line for ch in tok if ch != " " and ch not in _NO_START)


def _avoid_widow(lines: list[list[str]], width: float, size: float) -> None:
    """No paragraph ends with a line of one character (``开。``): the line before gives it a token."""
    if len(lines) < 2 or _core_chars(lines[-1]) != 1:
        return
    prev, last = list(lines[-2]), list(lines[-1])
    while prev and prev[-1] == " ":
        prev.pop()
    moved: list[str] = []
    while prev and len(moved) < 3:
        moved.insert(0, prev.pop())
        if moved[0] != " " and moved[0][0] not in _NO_START and not (prev and prev[-1][-1:] in _NO_END):
            break
    while prev and prev[-1] == " ":
        prev.pop()
    if moved and moved[0] == " ":
        moved.pop(0)
    if _core_chars(prev) < 2 or string_width("".join(moved + last), size) > width:
        return
    lines[-2], lines[-1] = prev, moved + last


def _wrap_para(para: str, width: float, size: float, first_room: float) -> list[list[str]]:
    out: list[list[str]] = []

    def room() -> float:
        return first_room if not out else width

    cur: list[str] = []
    cur_w = 0.0
    for tok in _tokens(para):
        w = string_width(tok, size)
        if cur_w + w <= room() or not cur:
            if w > room() and not cur:
                pieces = _split_long(tok, room(), size)
                out.extend([p] for p in pieces[:-1])
                cur, cur_w = [pieces[-1]], string_width(pieces[-1], size)
            else:
                cur.append(tok)
                cur_w += w
            continue
        if tok == " ":
            out.append(cur)
            cur, cur_w = [], 0.0
            continue
        # keep closing punctuation with the text before it, opening punctuation with the text after
        head = [tok]
        while len(cur) > 1 and len(head) < 4 and (head[0][0] in _NO_START or cur[-1][-1] in _NO_END):
            head.insert(0, cur.pop())
        if head[0] == " ":
            head.pop(0)
        out.append(cur)
        cur = head
        cur_w = string_width("".join(cur), size)
        if cur_w > room():
            pieces = _split_long("".join(cur), room(), size)
            out.extend([p] for p in pieces[:-1])
            cur, cur_w = [pieces[-1]], string_width(pieces[-1], size)
    out.append(cur)
    _avoid_widow(out, width, size)
    return out


@lru_cache(maxsize=32768)
def wrap(text: str, width: float, size: float, indent: float = 0.0) -> tuple[str, ...]:
    """Greedy line breaking of ``text`` into lines no wider than ``width`` (CJK rules applied).

    The first line is ``indent`` narrower. Explicit newlines are kept. Codes, numbers with their
    units and Latin words are not broken (see ``_tokens``) unless one is wider than the line,
    then it is split between characters; a paragraph never ends with a one-character line.
    """
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        first_room = width - indent if not lines else width
        if string_width(para, size) <= first_room:
            lines.append(para.rstrip())
            continue
        built = _wrap_para(para, width, size, first_room)
        lines.extend("".join(line).rstrip() for line in built[:-1])
        lines.append("".join(built[-1]).strip())
    return tuple(lines)


# Title breaks: after these characters (年 only after a digit) or before these words.
_TITLE_AFTER = frozenset("年省市州县区的、，：；）》 ")
_TITLE_BEFORE = ("产品质量安全", "产品质量", "质量安全", "风险监测", "风险信息", "分析报告", "检验报告", "结果告知书",
                 "告知书", "月报", "及", "和", "与", "暨", "（", "《")


@lru_cache(maxsize=1024)
def wrap_title(text: str, width: float, size: float) -> tuple[str, ...]:
    """A title in as few lines as ``wrap`` needs, broken at word boundaries and balanced.

    Breaks go after a year, a place (省/市/…), punctuation or a space, or before a term such as
    产品质量安全 or 风险监测; among those the most even lines win. Without a fitting set of such
    breaks the title is wrapped as body text.
    """
    text = text.strip()
    if "\n" in text or string_width(text, size) <= width:
        return wrap(text, width, size)
    greedy = wrap(text, width, size)
    count = len(greedy)
    bounds: list[int] = []
    pos = 0
    toks = _tokens(text)
    for k, tok in enumerate(toks[:-1]):
        pos += len(tok)
        nxt = toks[k + 1]
        after = tok[-1] in _TITLE_AFTER and (tok[-1] != "年" or (len(tok) > 1 and tok[-2].isdigit()))
        before = nxt[0] not in _NO_START and any(text.startswith(w, pos) for w in _TITLE_BEFORE)
        if (after or before or tok == " " or nxt == " ") and tok[-1] not in _NO_END:
            bounds.append(pos)
    best: tuple[float, tuple[str, ...]] | None = None
    from itertools import combinations

    if len(bounds) > 24:
        return greedy
    for cut in combinations(bounds, count - 1):
        edges = (0, *cut, len(text))
        lines = tuple(text[a:b].strip() for a, b in zip(edges, edges[1:], strict=False))
        widths = [string_width(x, size) for x in lines]
        if not all(lines) or max(widths) > width or lines[-1][0] in _NO_START:
            continue
        score = max(widths) - min(widths)
        if best is None or score < best[0]:
            best = (score, lines)
    return best[1] if best else greedy
