"""Layout building blocks shared by the PDFs: a light mixed-font text flowable, tables, and a
document builder that knows the page count when it draws page furniture ("第 x 页 共 y 页").

reportlab's ``Paragraph`` parses markup for every cell and cannot fall back between fonts; the
``Text`` flowable here draws pre-split font runs (see ``fonts``) with Chinese line breaking,
which is both correct for mixed Chinese/Latin text and several times faster.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer

from app import __version__
from app.documents import fonts

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 26 * mm
MARGIN_BOTTOM = 22 * mm
BODY_W = PAGE_W - 2 * MARGIN_X

GRID = colors.Color(0.25, 0.25, 0.25)
HEADER_BG = colors.Color(0.9, 0.9, 0.9)
FAIL_COLOR = colors.Color(0.75, 0.0, 0.0)


def fmt_date(d: date | str | None, empty: str = "/") -> str:
    """``2026年5月20日`` (GB/T 9704: no leading zeros); text is shown as given; ``None`` as ``empty``."""
    if d is None or d == "":
        return empty
    if isinstance(d, str):
        return d
    return f"{d.year}年{d.month}月{d.day}日"


MINUS = "\u2212"  # − MINUS SIGN
_ASCII_MINUS = re.compile(r"(?:(?<=^)|(?<=[\s～~（(，,：:；;≤≥<>=±]))-(?=\.?\d)")


def minus_signs(text: str) -> str:
    """``-10～5`` → ``−10～5``: a hyphen before a number that starts the text or follows a space, a
    bracket, a range or comparison sign is a minus sign (U+2212); hyphens inside codes
    (``GB/T 4706.1-2005``, ``2026-BG-0001``) stay hyphens."""
    if "-" not in text:
        return text
    return _ASCII_MINUS.sub(MINUS, text)


def or_slash(text: str | None) -> str:
    """Empty fields print ``/`` as Chinese forms do."""
    return text if text else "/"


def _gap(line: str, width: float, size: float) -> float:
    """The extra space at each of ``line``'s gaps (``fonts.gap_count``) that makes it fill ``width``
    (two-sided alignment, 两端对齐): between Chinese characters and around Latin runs, never inside a
    code or word; 0 (the line as it is) when that would open gaps wider than 0.6 of a character."""
    slots = fonts.gap_count(line)
    if slots < 1:
        return 0.0
    gap = (width - fonts.string_width(line, size)) / slots
    return gap if 0 < gap <= size * 0.6 else 0.0


class Text(Flowable):
    """Mixed-font text with Chinese line breaking; splits between lines across pages.

    ``align`` is left, center, right or justify (every line but a paragraph's last fills the width).
    """

    def __init__(
        self,
        text: str,
        size: float = 9,
        *,
        leading: float | None = None,
        align: str = "left",
        bold: bool = False,
        color: colors.Color | None = None,
        space_before: float = 0,
        space_after: float = 0,
        indent: float = 0,
        lines: Sequence[str] | None = None,
        title: bool = False,
        fit: bool = True,
    ) -> None:
        super().__init__()
        self.text = text or ""
        self.size = size
        self.title = title  # broken at word boundaries, lines balanced (``fonts.wrap_title``)
        self.fit = fit  # shrink the type when an unbreakable code or word is wider than the space
        self._size = size  # the size drawn: ``size``, or less to fit
        self._ends_paragraph = True  # the last line ends the paragraph (not justified)
        self.leading = leading or size * 1.35
        self.align = align
        self.bold = bold
        self.color = color
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.indent = indent
        self._lines: tuple[str, ...] | None = tuple(lines) if lines is not None else None
        self._for_width: float | None = None if lines is None else -1.0
        self._avail = 0.0

    def _layout(self, avail_w: float) -> tuple[str, ...]:
        if self._lines is None or (self._for_width != avail_w and self._for_width != -1.0):
            width = max(avail_w, self.size * 2)
            size = self.size
            if self.fit:
                # an identifier, a standard code or a number with its unit is never broken: when one
                # is wider than the space (a narrow table column), the text is set smaller, to 70 % at most
                need = fonts.min_width(self.text, size)
                if need > width:
                    size = max(self.size * 0.7, int(self.size * width / need * 20 * 0.9999) / 20)
            self._size = size
            if self.title:
                self._lines = fonts.wrap_title(self.text, width, size)
            else:
                self._lines = fonts.wrap(self.text, width, size, self.indent)
            self._for_width = avail_w
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._avail = availWidth
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = max(len(lines), 1) * self.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._layout(availWidth)
        fit = int(availHeight // self.leading)
        if fit <= 0 or fit >= len(lines):
            return [] if fit <= 0 else [self]
        kw = dict(size=self._size, leading=self.leading, align=self.align, bold=self.bold, color=self.color,
                  indent=self.indent)
        first = Text(self.text, space_before=self.spaceBefore, lines=lines[:fit], **kw)
        first._ends_paragraph = False
        rest = Text(self.text, space_after=self.spaceAfter, lines=lines[fit:], **kw)
        return [first, rest]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        """Draw at absolute coordinates (no save/translate/restore per cell: tables have many)."""
        lines = self._lines or ()
        if not lines:
            return
        size, leading = self._size, self.leading
        width = self._avail or self.width
        # baseline of the first line: centred in its leading, nudged for the descent
        base = y + self.height - leading + (leading - size) / 2 + size * 0.12
        placed: list[tuple] = []
        last = len(lines) - 1
        for n, line in enumerate(lines):
            if self.align == "center":
                lx = x + (width - fonts.string_width(line, size)) / 2
            elif self.align == "right":
                lx = x + width - fonts.string_width(line, size)
            else:
                lx = x + (self.indent if n == 0 else 0)
            if self.align == "justify" and (n < last or not self._ends_paragraph) and "\n" not in self.text:
                placed.append((lx, base - n * leading, line, _gap(line, width - (lx - x), size)))
            else:
                placed.append((lx, base - n * leading, line))
        if self.color is not None:
            canvas.saveState()
            canvas.setFillColor(self.color)
            canvas.setStrokeColor(self.color)
            fonts.draw_lines(canvas, placed, size, bold=self.bold)
            canvas.restoreState()
        elif self.bold:
            canvas.saveState()
            fonts.draw_lines(canvas, placed, size, bold=True)
            canvas.restoreState()
        else:
            fonts.draw_lines(canvas, placed, size)

    def draw(self) -> None:
        self.drawOn(self.canv, 0, 0)


@dataclass
class _Row:
    cells: list[Flowable | None]
    spans: list[tuple[int, int]]  # (first column, last column), both inclusive
    backgrounds: list[tuple[int, int, colors.Color]]
    pad: float = 0.0  # extra top and bottom padding


class Grid(Flowable):
    """A ruled table of ``Text`` cells: horizontal spans, backgrounds, middle-aligned cells.

    Splits between rows across pages and repeats its header rows. Far lighter than reportlab's
    ``Table`` (which the documents do not need in full): one path for all rules, no per-cell
    style resolution.
    """

    PAD_X = 3.0
    PAD_Y = 2.5

    def __init__(self, rows: list[_Row], col_widths: Sequence[float], *, header_rows: int = 0, grid: bool = True,
                 box: tuple[float, colors.Color] | None = None) -> None:
        super().__init__()
        self.rows = rows
        self.col_widths = list(col_widths)
        self.header_rows = header_rows
        self.grid = grid
        self.box = box
        self.xs = [0.0]
        for w in self.col_widths:
            self.xs.append(self.xs[-1] + w)
        self._heights: list[float] | None = None

    def _cells(self, row: _Row):
        """(cell, first column, last column) of the cells that are drawn."""
        covered: dict[int, int] = {c0: c1 for c0, c1 in row.spans}
        c = 0
        n = len(self.col_widths)
        while c < n:
            c1 = covered.get(c, c)
            yield row.cells[c] if c < len(row.cells) else None, c, c1
            c = c1 + 1

    def _row_heights(self) -> list[float]:
        if self._heights is None:
            heights = []
            for row in self.rows:
                h = 0.0
                for cell, c0, c1 in self._cells(row):
                    if cell is not None:
                        h = max(h, cell.wrap(self.xs[c1 + 1] - self.xs[c0] - 2 * self.PAD_X, 1e6)[1])
                heights.append(h + 2 * (self.PAD_Y + row.pad))
            self._heights = heights
        return self._heights

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = self.xs[-1]
        self.height = sum(self._row_heights())
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        heights = self._row_heights()
        if sum(heights) <= availHeight:
            return [self]
        acc = sum(heights[: self.header_rows])
        k = self.header_rows
        while k < len(self.rows) and acc + heights[k] <= availHeight:
            acc += heights[k]
            k += 1
        if k == self.header_rows:
            return []
        head = self.rows[: self.header_rows]
        kw = dict(header_rows=self.header_rows, grid=self.grid, box=self.box)
        return [Grid(self.rows[:k], self.col_widths, **kw), Grid(head + self.rows[k:], self.col_widths, **kw)]

    def draw(self) -> None:
        c = self.canv
        heights = self._row_heights()
        xs = self.xs
        width = xs[-1]
        tops = []
        y = self.height
        for h in heights:
            tops.append(y)
            y -= h
        for row, top, h in zip(self.rows, tops, heights, strict=True):
            for c0, c1, color in row.backgrounds:
                c.setFillColor(color)
                c.rect(xs[c0], top - h, xs[c1 + 1] - xs[c0], h, stroke=0, fill=1)
        c.setFillColor(colors.black)
        if self.grid:
            path = c.beginPath()
            for top in tops:
                path.moveTo(0, top)
                path.lineTo(width, top)
            path.moveTo(0, 0)
            path.lineTo(width, 0)
            for row, top, h in zip(self.rows, tops, heights, strict=True):
                inside = {j for c0, c1 in row.spans for j in range(c0 + 1, c1 + 1)}
                for j, x in enumerate(xs):
                    if j not in inside:
                        path.moveTo(x, top)
                        path.lineTo(x, top - h)
            c.setLineWidth(0.5)
            c.setStrokeColor(GRID)
            c.drawPath(path, stroke=1, fill=0)
        if self.box is not None:
            c.setLineWidth(self.box[0])
            c.setStrokeColor(self.box[1])
            c.rect(0, 0, width, self.height, stroke=1, fill=0)
        for row, top, h in zip(self.rows, tops, heights, strict=True):
            for cell, c0, c1 in self._cells(row):
                if cell is None:
                    continue
                w = xs[c1 + 1] - xs[c0] - 2 * self.PAD_X
                _, ch = cell.wrap(w, 1e6)
                cell.drawOn(c, xs[c0] + self.PAD_X, top - h + (h - ch) / 2)


def table(
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float],
    *,
    header_rows: int = 0,
    size: float = 9,
    align: Sequence[str] | None = None,
    header_bg: bool = True,
    label_cols: Sequence[int] = (),
    spans: Sequence[tuple[int, int, int]] = (),
    backgrounds: Sequence[tuple[int, int, int, colors.Color]] = (),
    row_padding: dict[int, float] | None = None,
    grid: bool = True,
    box: tuple[float, colors.Color] | None = None,
) -> Grid:
    """A ruled table; strings become ``Text`` cells and header rows repeat on every page.

    ``spans`` are ``(row, first column, last column)``, ``backgrounds`` ``(row, first column,
    last column, colour)``; a negative row counts from the end. ``label_cols`` get the label
    background below the header. ``row_padding`` adds top and bottom padding to a row.
    """
    n = len(rows)
    built: list[_Row] = []
    for r, row in enumerate(rows):
        cells: list[Flowable | None] = []
        for c, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
            elif value is None:
                cells.append(None)
            else:
                a = "center" if r < header_rows else (align[c] if align else "left")
                cells.append(Text(str(value), size, align=a))
        bgs: list[tuple[int, int, colors.Color]] = []
        if r < header_rows and header_bg:
            bgs.append((0, len(col_widths) - 1, HEADER_BG))
        elif r >= header_rows:
            bgs.extend((c, c, HEADER_BG) for c in label_cols)
        built.append(_Row(cells, [], bgs))
    for r, c0, c1 in spans:
        built[r % n].spans.append((c0, c1))
    for r, c0, c1, color in backgrounds:
        built[r % n].backgrounds.append((c0, c1, color))
    for r, pad in (row_padding or {}).items():
        built[r % n].pad = pad
    return Grid(built, col_widths, header_rows=header_rows, grid=grid, box=box)


def info_table(rows: Sequence[Sequence[object]], col_widths: Sequence[float], *,
               row_padding: dict[int, float] | None = None) -> Grid:
    """A four-column label/value table: labels in columns 0 and 2; a row whose columns 2 and 3
    are both empty gets its value spanned over columns 1–3."""
    spans = [(r, 1, 3) for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    spanned = {r for r, _, _ in spans}
    backgrounds = [(r, 2, 2, HEADER_BG) for r in range(len(rows)) if r not in spanned]
    return table(rows, col_widths, label_cols=(0,), spans=spans, backgrounds=backgrounds, row_padding=row_padding)


def spacer(h: float) -> Spacer:
    return Spacer(1, h)


# ------------------------------------------------------------------ document assembly

_BUILD_LOCK = threading.Lock()

PageDecorator = Callable[[Canvas, int, int], None]


def _paged_canvas(decorate: PageDecorator) -> type[Canvas]:
    class PagedCanvas(Canvas):
        """Holds every page until the end so page furniture can show the total page count."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict] = []
            fonts.seed(self._doc)

        def showPage(self) -> None:  # noqa: N802
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for n, state in enumerate(self._page_states, 1):
                self.__dict__.update(state)
                self.saveState()
                decorate(self, n, total)
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    return PagedCanvas


@dataclass(frozen=True)
class Meta:
    title: str
    author: str
    subject: str = ""
    keywords: str = ""


def build_pdf(
    story: list[Flowable],
    meta: Meta,
    decorate: PageDecorator,
    *,
    top: float = MARGIN_TOP,
    bottom: float = MARGIN_BOTTOM,
) -> bytes:
    """Lay ``story`` out on A4 pages; ``decorate(canvas, page, total)`` draws headers/footers."""
    fonts.ensure_fonts()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=top,
        bottomMargin=bottom,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=meta.keywords,
        creator=f"Riskmon {__version__}",
        producer=f"Riskmon {__version__} (reportlab)",
        lang="zh-CN",
        initialFontName=fonts.CJK,
        initialFontSize=9,
        invariant=True,  # no creation time or random id: the same data gives the same bytes
    )
    frame = Frame(MARGIN_X, bottom, BODY_W, PAGE_H - top - bottom, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    with _BUILD_LOCK:  # reportlab's TrueType subsetting reads the font file through shared state
        doc.build(story, canvasmaker=_paged_canvas(decorate))
    return buf.getvalue()


def draw_page_number(canvas: Canvas, page: int, total: int, *, y: float = 12 * mm, size: float = 9) -> None:
    fonts.draw_string(canvas, PAGE_W / 2, y, f"第 {page} 页 共 {total} 页", size, align="center")


def draw_confidential(canvas: Canvas, *, y: float = PAGE_H - 12 * mm) -> None:
    """内部资料 注意保密 mark at the top left (Article 8)."""
    canvas.setStrokeColor(FAIL_COLOR)
    canvas.setFillColor(FAIL_COLOR)
    w = fonts.string_width("内部资料 注意保密", 10) + 6
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN_X, y - 3, w, 14, stroke=1, fill=0)
    fonts.draw_string(canvas, MARGIN_X + 3, y, "内部资料 注意保密", 10)
    canvas.setFillColor(colors.black)
    canvas.setStrokeColor(colors.black)


def draw_draft_mark(canvas: Canvas, text: str = "草稿") -> None:
    """A large diagonal 草稿 across the page and a boxed note at the bottom: not an issued document."""
    canvas.saveState()
    canvas.setFillColor(FAIL_COLOR)
    canvas.setFillAlpha(0.16)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(40)
    fonts.draw_string(canvas, 0, -40, text, 150, align="center")
    canvas.restoreState()
    canvas.saveState()
    note = f"{text}：未经批准，不得作为正式报告使用"
    canvas.setStrokeColor(FAIL_COLOR)
    canvas.setFillColor(FAIL_COLOR)
    w = fonts.string_width(note, 9) + 6
    y = 18 * mm
    canvas.setLineWidth(0.8)
    canvas.rect(PAGE_W / 2 - w / 2, y - 3, w, 13, stroke=1, fill=0)
    fonts.draw_string(canvas, PAGE_W / 2, y, note, 9, align="center")
    canvas.restoreState()


def draw_verification(canvas: Canvas, payload: str, *, unsigned: bool = False, size: float = 24 * mm,
                      right: float = PAGE_W - MARGIN_X, top: float = PAGE_H - MARGIN_TOP) -> None:
    """Page 1's mark of authenticity, at the top right of the body: the QR code of the
    verification payload (plain text a phone shows) with 扫码核验 under it; or, for a document
    issued while the lab had no signing key, a boxed 未签名 that says it cannot be proven."""
    if payload:
        draw_qr(canvas, payload, right - size, top - size, size)
        fonts.draw_string(canvas, right - size / 2, top - size - 3 * mm, "扫码核验", 7, align="center")
    elif unsigned:
        canvas.saveState()
        canvas.setStrokeColor(FAIL_COLOR)
        canvas.setFillColor(FAIL_COLOR)
        text = "未签名"
        w = fonts.string_width(text, 9) + 6
        canvas.setLineWidth(0.8)
        canvas.rect(right - w, top - 12, w, 13, stroke=1, fill=0)
        fonts.draw_string(canvas, right - w + 3, top - 9, text, 9)
        canvas.restoreState()


class TitleBlock(Flowable):
    """A page's title lines, centred between two reserved margins at the top of the body: the left
    for the CMA mark, the right for the verification QR code (both drawn by the page decorator,
    see :func:`draw_verification`); at least ``min_height`` tall so neither touches what follows."""

    def __init__(self, lines: Sequence[Flowable], *, side: float = 27 * mm, min_height: float = 0.0) -> None:
        super().__init__()
        self.lines = list(lines)
        self.side = side
        self.min_height = min_height
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        inner = availWidth - 2 * self.side
        self._sizes = [f.wrap(inner, availHeight) for f in self.lines]
        used = sum(h + f.getSpaceBefore() + f.getSpaceAfter() for f, (_w, h) in zip(self.lines, self._sizes,
                                                                                     strict=True))
        self.width, self.height = availWidth, max(used, self.min_height)
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        top = y + self.height
        for f, (_w, h) in zip(self.lines, self._sizes, strict=True):
            top -= f.getSpaceBefore() + h
            f.drawOn(canvas, x + self.side, top)
            top -= f.getSpaceAfter()

    def draw(self) -> None:
        self.drawOn(self.canv, 0, 0)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code of ``text`` (UTF-8, error level L: fewer, larger modules, easier for a phone) in
    the ``size`` square at ``x``, ``y``, one filled rectangle per run of dark modules. segno with a
    fixed mask pattern: a valid code, ten times faster than choosing the mask by its penalty."""
    import segno

    matrix = segno.make(text, error="l", micro=False, boost_error=False, mask=0).matrix
    n = len(matrix)
    cell = size / n
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for r, row in enumerate(matrix):
        top = y + size - (r + 1) * cell
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                canvas.rect(x + start * cell, top, (c - start) * cell, cell, stroke=0, fill=1)
            else:
                c += 1
    canvas.restoreState()
