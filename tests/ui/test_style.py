"""The GUI's colours and style sheets live in ``app/ui/style.py``: no colour code and no literal
style sheet anywhere else in ``app/ui/``."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "app" / "ui"

HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")
FSTRING_START = getattr(tokenize, "FSTRING_START", tokenize.STRING)  # Python 3.12+


def _offences(path: Path) -> list[str]:
    """``file:line: text`` of each colour code in a string and each style sheet given as a literal
    (``setStyleSheet("")``, clearing one, is fine)."""
    rel = path.relative_to(UI).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    out: set[int] = set()
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.STRING and HEX.search(tok.string):
            out.add(tok.start[0])
        if (tok.type == tokenize.NAME and tok.string == "setStyleSheet" and i + 2 < len(tokens)
                and tokens[i + 1].string == "(" and tokens[i + 2].type in (tokenize.STRING, FSTRING_START)
                and tokens[i + 2].string not in ('""', "''")):  # clearing a style is fine
            out.add(tok.start[0])
    return [f"{rel}:{n}: {lines[n - 1].strip()}" for n in sorted(out)]


def test_colours_and_style_sheets_come_from_the_palette():
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.relative_to(UI).as_posix() == "style.py":
            continue
        found += _offences(path)
    assert not found, "use app.ui.style instead:\n" + "\n".join(found)


def test_the_check_finds_a_colour_and_a_literal_sheet(tmp_path):
    sample = tmp_path / "page.py"
    sample.write_text('LABEL = QColor("#f8d0d0")  # red\nlabel.setStyleSheet("font-weight: bold;")\n'
                      "x = 1  # see #123\n", encoding="utf-8")
    global UI
    saved, UI = UI, tmp_path
    try:
        assert [o.split(":")[1] for o in _offences(sample)] == ["1", "2"]
    finally:
        UI = saved
