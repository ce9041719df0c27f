"""告知书: wording per role, the objection period, the confidentiality mark, batch writing."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import flat

from app.documents import examples
from app.documents.data import PartyRole
from app.documents.flow import minus_signs
from app.documents.notice import default_file_name, render_notice, write_notices
from app.errors import ValidationError


@pytest.fixture(scope="module")
def notices():
    return examples.notices_for(examples.test_report())


def test_one_notice_per_party_with_role_specific_wording(notices, pages):
    assert [n.addressee.roles for n in notices] == [
        (PartyRole.SAMPLED_SELLER,), (PartyRole.NOMINAL_PRODUCER,), (PartyRole.PLATFORM_OPERATOR,)]
    expected = {
        PartyRole.SAMPLED_SELLER: "在你单位经营的网店",
        PartyRole.NOMINAL_PRODUCER: "标称由你单位生产的",
        PartyRole.PLATFORM_OPERATOR: "在你单位经营的电商平台上",
    }
    for n in notices:
        f = flat("".join(pages(render_notice(n))))
        assert f"{n.addressee.name}（统一社会信用代码：{n.addressee.uscc}）：" in f
        assert expected[n.addressee.roles[0]] in f
        assert f"身份为：{n.addressee.roles[0].label}" in f
        assert n.report_number in f and n.notice_number in f
        for it in n.failed_items:
            # a hyphen before a number is printed as the minus sign U+2212
            assert flat(it.item) in f and flat(minus_signs(it.result_text)) in f
            assert flat(minus_signs(it.requirement_text)) in f
        assert f"自收到本告知书之日起{n.objection_days}日内" in f
        assert flat(n.objection_to) in f
        assert "异议或申请复检" in f
        assert f"{n.feedback_days}日内" in f
        assert "内部资料注意保密" in f
        assert "第十八条" in f


def test_not_confidential_notice_has_no_mark(notices, pages):
    n = dataclasses.replace(notices[0], confidential=False, feedback_days=None)
    f = flat("".join(pages(render_notice(n))))
    assert "内部资料" not in f
    assert "整改落实" not in f


def test_notice_fits_one_page_and_is_numbered(notices, pages):
    texts = pages(render_notice(notices[2]))
    assert len(texts) == 1
    assert "第1页共1页" in flat(texts[0])


def test_notice_without_failed_items_is_refused(notices):
    with pytest.raises(ValidationError) as e:
        render_notice(dataclasses.replace(notices[0], failed_items=()))
    assert "failed_items" in e.value.errors


def test_batch_writes_every_file_atomically_with_progress(notices, tmp_path):
    calls: list[tuple[int, int]] = []
    paths = write_notices(notices, tmp_path / "out", progress=lambda d, t: calls.append((d, t)))
    assert [p.name for p in paths] == [default_file_name(n) for n in notices]
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    assert all(p.read_bytes().startswith(b"%PDF") for p in paths)


def test_batch_stops_when_cancelled_and_keeps_complete_files(notices, tmp_path):
    done: list[int] = []
    paths = write_notices(list(notices) * 2, tmp_path, progress=lambda d, t: done.append(d),
                          cancelled=lambda: len(done) >= 2)
    assert len(paths) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    assert all(p.stat().st_size > 1000 for p in paths)


def test_batch_names_are_unique_even_for_equal_notices(notices, tmp_path):
    paths = write_notices([notices[0], notices[0]], tmp_path)
    assert len({p.name for p in paths}) == 2


def test_batch_checks_everything_before_writing(notices, tmp_path):
    bad = dataclasses.replace(notices[1], notice_number="", failed_items=())
    with pytest.raises(ValidationError) as e:
        write_notices([notices[0], bad, notices[2]], tmp_path / "x")
    assert "第2份告知书" in e.value.message
    assert not (tmp_path / "x").exists()
