"""The risk-level proposal fed by evidence (spec/RISK.md "Where the factors come from"), on the demo
lab: each factor's suggestion with its source, the probability never suggested, saving refused until
every factor is confirmed, and the analysis report printing no level until a proposal is saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.services import demo, documents, risk, risk_evidence, users
from app.services.context import Context
from app.store.db import DB_FILENAME, bootstrap
from tests.documents.conftest import flat, pdf_pages_text

KETTLE = "HBFX-2026-DQ-01"
KIDS = "WHFX-2026-FZ-03"


@pytest.fixture(scope="module")
def demo_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("evidence-demo")
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), home / DB_FILENAME)
    database = bootstrap(None, home=home)
    demo.load_demo(database, actor="test")
    database.dispose()
    return home / DB_FILENAME


@pytest.fixture
def lab(demo_file: Path, tmp_path: Path):
    shutil.copyfile(demo_file, tmp_path / DB_FILENAME)
    database = bootstrap(None, home=tmp_path)
    yield database
    database.dispose()


def _ctx(db, username: str = "wangjian") -> Context:
    return Context(db, users.authenticate(db, username, demo.DEMO_PASSWORD))


def test_kettles_rising_leakage_current_suggests_urgent_with_its_source(lab):
    ctx = _ctx(lab)
    ev = risk_evidence.proposal_evidence(ctx, documents.task_id_by_number(ctx, KETTLE))
    urgency = ev.get("urgency")
    assert urgency.suggested == "urgent"
    assert "“泄漏电流”项目不合格率" in urgency.source and "Cochran–Armitage" in urgency.source
    # the probability is a person's choice: never suggested
    probability = ev.get("probability")
    assert probability.suggested is None and probability.suggested_text == "待选择"
    # frequency: the task's problem rate with its Wilson interval; the point estimate is the factor
    freq = ev.get("frequency")
    assert freq.suggested == round(ev.problems / ev.tested, 4) and "Wilson 95%" in freq.source
    assert ev.interval is not None and ev.interval[0] <= freq.suggested <= ev.interval[1]
    # duration: the same items failed in earlier rounds
    assert ev.get("duration").suggested == "persistent" and "同一项目" in ev.get("duration").source
    # severity from the hazard class table: 温升 → fire (4); a person may set another class
    assert ev.get("severity").suggested == 4 and "温升" in ev.get("severity").source
    lowered = ev.severity_for({"温升": "performance"})
    assert lowered.suggested == 1 and "人工选定" in lowered.source
    assert [f.factor for f in ev.factors] == list(risk.FACTORS)


def test_regional_cluster_and_no_data_on_the_childrens_clothing_task(lab):
    ctx = _ctx(lab)
    ev = risk_evidence.proposal_evidence(ctx, documents.task_id_by_number(ctx, KIDS))
    assert ev.get("scope").suggested == "regional" and "襄阳市" in ev.get("scope").source
    assert ev.get("frequency").suggested is None and "数据不足" in ev.get("frequency").source
    assert ev.get("severity").suggested is None  # no failed item: a person assesses
    assert ev.get("urgency").suggested == "normal"


def test_hazard_class_of_items():
    assert risk_evidence.hazard_class_of("泄漏电流") == "electric_shock"
    assert risk_evidence.hazard_class_of("绳带要求") == "choking_strangulation"
    assert risk_evidence.hazard_class_of("某个新项目") == ""


def test_saving_is_refused_until_every_factor_is_confirmed(lab):
    ctx = _ctx(lab)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    factors = risk.ProposalFactors(4, ">1/1000", "urgent", "single", 1.0, "persistent")
    with pytest.raises(ValidationError) as exc:
        risk.save_proposal(ctx, task_id, factors, confirmed=("severity", "urgency", "scope", "frequency", "duration"))
    assert set(exc.value.errors) == {"probability"}
    assert risk.list_proposals(ctx, task_id) == []
    ev = risk_evidence.proposal_evidence(ctx, task_id)
    saved = risk.save_proposal(ctx, task_id, factors, confirmed=risk.FACTORS,
                               sources={f.factor: f.source for f in ev.factors})
    assert saved.factors["sources"]["urgency"] == ev.get("urgency").source
    assert saved.factors["confirmed"] == list(risk.FACTORS)


def test_analysis_report_prints_no_level_until_a_proposal_is_saved(lab, tmp_path: Path):
    ctx = _ctx(lab)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    text = flat("".join(pdf_pages_text(documents.analysis_pdf(ctx, task_id), tmp_path)))
    assert "风险预警等级：未研判" in text and "待确认的分级因素" in text
    assert not any(f"{n}级" in text for n in ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "I级", "II级", "III级", "IV级"))
    assert "建议预警等级" not in text
    # the cross-round section: rates by round with the interval, the trend in words, the method, candidates
    assert "跨轮次风险研判（电热水壶）" in text and "95%置信区间" in text
    assert "趋势检验结果：问题检出率连续4轮上升" in text
    assert "Benjamini–Hochberg" in text and "Cochran–Armitage" in text
    assert "电热水壶“泄漏电流”项目不合格率呈上升趋势" in text
    assert "nan" not in text.lower()

    ev = risk_evidence.proposal_evidence(ctx, task_id)
    risk.save_proposal(ctx, task_id, risk.ProposalFactors(4, ">1/1000", "urgent", "single", 1.0, "persistent"),
                       confirmed=risk.FACTORS, sources={f.factor: f.source for f in ev.factors})
    text = flat("".join(pdf_pages_text(documents.analysis_pdf(ctx, task_id), tmp_path)))
    assert "未研判" not in text
    assert "建议预警等级I级特别严重（红色）" in text
    assert "紧急程度紧急" in text and flat(ev.get("urgency").source)[:30] in text
    assert "伤害概率>1/1000" in text
