"""设置 → 印章与签名: the administrator uploads, replaces and removes the CMA mark, the seal and
signatures; a file that is not PNG or JPEG, or over 2 MB, is refused on the page and nothing is stored."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from app.services import lab_assets, users
from app.services.context import Context
from tests.ui.helpers import settle


def png(path: Path, size=(300, 120), colour=(20, 30, 80, 255)) -> Path:
    Image.new("RGBA", size, colour).save(path, "PNG")
    return path


def open_page(qtbot, ctx: Context):
    from app.ui.pages.settings import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.tabs.setCurrentWidget(page.marks_tab) if page.marks_tab is not None else None
    page.refresh()
    settle(qtbot)
    return page


def as_user(ctx: Context, username: str) -> Context:
    return Context(ctx.db, users.authenticate(ctx.db, username, "demo1234"))


def test_only_the_administrator_has_the_tab(qtbot, demo_ctx):
    page = open_page(qtbot, as_user(demo_ctx, "zhaomin"))
    assert page.marks_tab is None
    assert "印章与签名" not in [page.tabs.tabText(i) for i in range(page.tabs.count())]


def test_the_demo_lab_shows_its_marks_and_signatures(qtbot, demo_ctx):
    page = open_page(qtbot, demo_ctx)
    tab = page.marks_tab
    qtbot.waitUntil(lambda: tab.loaded > 0, timeout=10000)
    assert page.tabs.tabText(page.tabs.indexOf(tab)) == "印章与签名"
    assert tab.rows["cma_mark"].preview.pixmap() is not None and not tab.rows["cma_mark"].preview.pixmap().isNull()
    assert "PNG" in tab.rows["seal"].state.text() and tab.rows["seal"].upload.text() == "更换…"
    names = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    assert {"王建", "刘洋", "陈静", "赵敏", "周主任"} <= set(names)
    r = names.index("赵敏")
    assert tab.table.item(r, 2).text() == "批准" and tab.table.cellWidget(r, 3).pixmap() is not None


def test_upload_replace_refuse_and_remove(qtbot, demo_ctx, tmp_path, monkeypatch):
    page = open_page(qtbot, demo_ctx)
    tab = page.marks_tab
    qtbot.waitUntil(lambda: tab.loaded > 0, timeout=10000)
    chosen: list[Path] = []
    monkeypatch.setattr(tab, "ask_open_path", lambda _caption: str(chosen[-1]))
    monkeypatch.setattr(tab, "confirm", lambda _t, _x: True)
    before = lab_assets.asset_content(demo_ctx, "seal")

    # not an image: refused with one clear message, nothing stored
    chosen.append(tmp_path / "seal.gif")
    chosen[-1].write_bytes(b"GIF89a" + b"\0" * 100)
    tab.upload("seal")
    settle(qtbot)
    assert "不是 PNG 或 JPEG 图片" in tab.status.text() and "检验检测专用章" in tab.status.text()
    assert lab_assets.asset_content(demo_ctx, "seal") == before
    # over 2 MB
    chosen.append(tmp_path / "big.png")
    chosen[-1].write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024))
    tab.upload("seal")
    settle(qtbot)
    assert "超过 2 MB" in tab.status.text()
    assert lab_assets.asset_content(demo_ctx, "seal") == before

    # a good PNG replaces the seal
    chosen.append(png(tmp_path / "new-seal.png", (400, 400), (200, 16, 26, 255)))
    tab.upload("seal")
    settle(qtbot)
    assert lab_assets.asset_content(demo_ctx, "seal") == chosen[-1].read_bytes()
    assert "已保存" in tab.status.text()

    # a signature: choose the person, upload, then remove
    tab.select_signer("liuyang")
    chosen.append(tmp_path / "liu.jpg")
    buf = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(buf, "JPEG")
    chosen[-1].write_bytes(buf.getvalue())
    tab.upload("signature")
    settle(qtbot)
    liu = next(s for s in lab_assets.list_assets(demo_ctx).signers if s.username == "liuyang")
    assert liu.signature is not None and liu.signature.media_type == "image/jpeg"
    tab.select_signer("liuyang")
    assert tab.sig_remove.isEnabled()
    tab.remove("signature")
    settle(qtbot)
    liu = next(s for s in lab_assets.list_assets(demo_ctx).signers if s.username == "liuyang")
    assert liu.signature is None
    # removing the CMA mark: the page says what the reports will do without it
    tab.remove("cma_mark")
    settle(qtbot)
    assert lab_assets.asset_content(demo_ctx, "cma_mark") is None
    assert "不作 CMA 声明" in tab.rows["cma_mark"].state.text() and not tab.rows["cma_mark"].remove.isEnabled()
