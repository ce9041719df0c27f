"""Font runs, glyph fallbacks and Chinese line breaking."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from app.documents import fonts


def test_latin_and_symbols_use_the_latin_font_and_chinese_the_cjk_font():
    runs = fonts.runs("≤0.75 mA，不符合")
    assert runs[0] == (fonts.LATIN, "≤0.75 mA")
    assert runs[1] == (fonts.CJK, "，不符合")


def test_every_character_drawn_has_a_glyph_in_its_font():
    fonts.ensure_fonts()
    text = "温度 25℃±2℃，Ⅱ级，μg/kg，α-淀粉酶，≥10，～，①，✓，\u3000全角空格"
    for font, piece in fonts.runs(text):
        chars = fonts._latin_chars if font == fonts.LATIN else fonts._cjk_chars
        missing = [ch for ch in piece if ord(ch) not in chars]
        assert not missing, (font, piece, missing)


def test_missing_glyphs_get_readable_text_fallbacks():
    assert fonts.clean("25℃") == "25°C"
    assert fonts.clean("Ⅱ级") == "II级"
    assert fonts.clean("5 μg") == "5 µg"
    assert fonts.clean("α-淀粉酶") == "alpha-淀粉酶"
    assert fonts.clean("①②") == "(1)(2)"


def test_width_is_the_sum_of_run_widths():
    assert fonts.string_width("", 9) == 0
    a, b = fonts.string_width("检验", 10), fonts.string_width("GB", 10)
    assert abs(fonts.string_width("检验GB", 10) - (a + b)) < 1e-6
    assert fonts.string_width("检验", 20) == 2 * a


def test_wrap_keeps_codes_whole_and_closing_punctuation_off_line_starts():
    text = "依据 GB/T 14561-2019 和 HBZJ-FX2026-0001 号报告（见附件），逾期未提出的，视为无异议。" * 3
    for width in (80, 120, 200, 333):
        lines = fonts.wrap(text, width, 10)
        for line in lines:
            assert line[:1] not in "，。；：）》”", (width, line)
        joined = "".join(lines)
        assert "HBZJ-FX2026-0001" in joined.replace(" ", "") or width < fonts.string_width("HBZJ-FX2026-0001", 10)
        for line in lines:
            assert not line.endswith("HBZJ-") and not line.endswith("14561-")


def test_first_line_indent_is_honoured():
    text = "检" * 40
    width = fonts.string_width("检" * 10, 10) + 0.01
    lines = fonts.wrap(text, width, 10, fonts.string_width("检" * 2, 10))
    assert len(lines[0]) == 8 and all(len(x) == 10 for x in lines[1:-1])


_alphabet = st.sampled_from(list("检验报告合格不符要求样品，。（）《》、") + list(string.ascii_letters + string.digits + "-/.% "))


@settings(max_examples=150, deadline=None)
@given(text=st.text(_alphabet, min_size=0, max_size=120), width=st.floats(min_value=30, max_value=300))
def test_wrap_never_exceeds_the_width_and_loses_no_character(text, width):
    size = 9
    lines = fonts.wrap(text, width, size)
    for line in lines:
        # only an unbreakable single character may be wider than the line
        assert fonts.string_width(line, size) <= width + 1e-6 or len(line) == 1
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


_NO_LATIN = r"""
import sys
from app.documents import fonts
fonts.latin_font_path = lambda: None  # a bundle that lost reportlab's Vera.ttf
from app.documents import examples, notice
assert not fonts.has_latin_font()
assert fonts.clean("≤0.75") == "不大于０．７５", fonts.clean("≤0.75")
sys.stdout.buffer.write(notice.render_notice(examples.notices_for(examples.test_report())[0]))
"""


def test_without_a_latin_font_ascii_uses_full_width_forms(tmp_path, pages):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", _NO_LATIN], capture_output=True, cwd=root, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    text = "".join(pages(out.stdout))
    assert "ＧＺ－ＦＸ２０２６－０００１－１" in text  # the notice number, drawn with CJK full-width glyphs
    assert "Vera" not in out.stdout.decode("latin-1")
