"""Layout blocks: table rows grow to fit wrapped text, split between rows with the header repeated."""

from __future__ import annotations

from app.documents import fonts
from app.documents.flow import Grid, Text, table

LONG = "与食品接触材料及制品的总迁移量、高锰酸钾消耗量和重金属（以铅计）迁移量的综合测定结果" * 2


def test_rows_grow_to_fit_wrapped_text():
    t = table([["序号", "项目"], ["1", LONG], ["2", "短"]], (30, 120), header_rows=1)
    t.wrap(150, 1000)
    heights = t._row_heights()
    cell = t.rows[1].cells[1]
    assert isinstance(cell, Text)
    lines = fonts.wrap(LONG, 120 - 2 * Grid.PAD_X, 9)
    assert len(lines) > 3
    assert all(fonts.string_width(line, 9) <= 120 - 2 * Grid.PAD_X + 1e-6 for line in lines)
    assert heights[1] >= len(lines) * cell.leading + 2 * Grid.PAD_Y
    assert heights[2] < heights[1]
    assert t.height == sum(heights)


def test_split_keeps_every_row_once_and_repeats_the_header():
    rows = [["序号", "项目"]] + [[str(n), f"项目{n}"] for n in range(1, 61)]
    t = table(rows, (30, 120), header_rows=1)
    t.wrap(150, 10_000)
    parts = []
    rest: Grid = t
    while True:
        pieces = rest.split(150, 200)
        if pieces == [rest]:
            parts.append(rest)
            break
        assert len(pieces) == 2
        first, rest = pieces
        first.wrap(150, 200)
        assert first.height <= 200
        parts.append(first)
    assert len(parts) > 2
    seen = []
    for p in parts:
        assert p.rows[0].cells[0].text == "序号"
        seen.extend(r.cells[0].text for r in p.rows[1:])
    assert seen == [str(n) for n in range(1, 61)]


def test_nothing_fits_means_move_to_the_next_frame():
    t = table([["序号", "项目"], ["1", LONG]], (30, 120), header_rows=1)
    t.wrap(150, 1000)
    assert t.split(150, t._row_heights()[0] + 1) == []


def test_spanned_cell_gets_the_width_of_its_columns():
    t = table([["标签", "值", "", ""]], (20, 40, 20, 40), spans=[(0, 1, 3)])
    t.wrap(120, 100)
    cells = list(t._cells(t.rows[0]))
    assert [(c0, c1) for _, c0, c1 in cells] == [(0, 0), (1, 3)]
