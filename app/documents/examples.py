"""Realistic example document data (fictitious enterprises), for previews, tests and benchmarks.

All names are invented; the USCCs are well-formed (GB 32100-2015 check character) but belong
to no real enterprise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from app.documents.data import (
    AnalysisData,
    CountRow,
    FailedItemDetail,
    InfoSource,
    ItemLine,
    ItemProblemCount,
    Judgement,
    KeyRiskCriterion,
    LabInfo,
    Measure,
    MonthlyData,
    NoticeData,
    OnlineShop,
    PackageAnalysis,
    PackageManifestData,
    PackageNotification,
    PackageSample,
    PackageTask,
    PartyInfo,
    PartyRole,
    PlaceType,
    RecommendedMeasure,
    RiskFactor,
    RiskInfoEntry,
    RiskLevel,
    RiskProposal,
    SignOff,
    StationKind,
    TestReportData,
)
from app.documents.package import safe_file_name
from app.resources import resource_path

LAB = LabInfo(
    name="湖北省某某产品质量监督检验研究院",
    cma_number="231712340567",
    address="武汉市东湖新技术开发区高新大道 999 号",
    phone="027-87654321",
    postcode="430075",
)

SELLER = PartyInfo(name="武汉市某某家电商行", uscc="92420102MA4K0AB1X4", address="武汉市江岸区解放大道 1 号",
                   roles=(PartyRole.SAMPLED_SELLER,))
PRODUCER_OUT = PartyInfo(name="佛山市某某电器有限公司", uscc="91440606MA51XY2N3X",
                         address="广东省佛山市顺德区北滘镇工业大道 8 号",
                         roles=(PartyRole.NOMINAL_PRODUCER,), out_of_province=True)
PLATFORM = PartyInfo(name="某某网络科技有限公司", uscc="91330100MA27ABCD1C", address="浙江省杭州市余杭区文一西路 969 号",
                     roles=(PartyRole.PLATFORM_OPERATOR,), out_of_province=True)
PRODUCER_HB = PartyInfo(name="湖北某某厨具制造有限公司", uscc="91420100MA4KXY7121",
                        address="湖北省武汉市蔡甸区常福工业园 6 号", roles=(PartyRole.SAMPLED_PRODUCER,))

SHOP = OnlineShop(shop_name="某某电器官方旗舰店", url="https://item.example-mall.com/item.htm?id=681234567890&spm=a1z10",
                  order_number="3398127746610293847", logistics_number="SF1409876543210")

OBJECTION_TO = "湖北省市场监督管理局产品质量安全监督管理处"  # the task's 异议受理单位
OBJECTION_CONTACT = "武汉市武昌区中北路 6 号，电话 027-12345678"

SIGNOFF = SignOff(compiled_by="王建", compiled_at=date(2026, 6, 1), reviewed_by="陈静",
                  reviewed_at=date(2026, 6, 2), approved_by="赵敏", approved_at=date(2026, 6, 3))


def demo_marks() -> dict[str, bytes]:
    """The demo lab's images (resources/demo, each marked 演示): ``cma_mark``, ``seal`` and the
    signatures of the example sign-off's three people."""
    files = {"cma_mark": "cma_mark.png", "seal": "seal.png", "compiled_signature": "signature-wangjian.png",
             "reviewed_signature": "signature-chenjing.png", "approved_signature": "signature-zhaomin.png"}
    return {key: resource_path("demo", name).read_bytes() for key, name in files.items()}

KETTLE_ITEMS = (
    ItemLine("标志和说明", "应符合标准要求", "符合", "", Judgement.PASS, "GB 4706.19-2008", "7",
             "GB 4706.19-2008", "7", ("16.1",)),
    ItemLine("对触及带电部件的防护", "应符合标准要求", "符合", "", Judgement.PASS, "GB 4706.19-2008", "8",
             "GB 4706.19-2008", "8", ("16.1",)),
    ItemLine("输入功率和电流", "-10%～+5%", "+7.8%", "%", Judgement.FAIL, "GB 4706.1-2005", "10.1",
             "GB 4706.1-2005", "10.1", ("16.1", "17.1")),
    ItemLine("泄漏电流", "≤0.75", "1.20", "mA", Judgement.FAIL, "GB 4706.19-2008", "13.2",
             "GB 4706.19-2008", "13.2", ("16.1",)),
    ItemLine("电气强度", "1250 V 1 min 无击穿", "无击穿", "", Judgement.PASS, "GB 4706.19-2008", "13.3",
             "GB 4706.19-2008", "13.3", ("16.1",)),
    ItemLine("接地措施", "≤0.1", "0.03", "Ω", Judgement.PASS, "GB 4706.1-2005", "27.5",
             "GB 4706.1-2005", "27.5", ("16.1",)),
    ItemLine("壶体温升（手柄）", "≤ 60 K，环境温度 25℃±2℃", "38", "K", Judgement.PASS, "GB 4706.19-2008",
             "11.8", "GB 4706.19-2008", "11.8", ("16.1",)),
    ItemLine("干烧保护", "应能可靠断开电源，不得出现起火、熔化", "符合", "", Judgement.PASS, "Q/FSMD 003-2025",
             "5.9", "GB 4706.19-2008", "19.4", ("16.1", "17.3")),
    ItemLine("与食品接触材料迁移量（总迁移量）", "≤10", "2.1", "mg/dm²", Judgement.PASS, "GB 4806.9-2023", "4.3",
             "GB 31604.8-2021", "", ("17.2",)),
    ItemLine("烧水能效", "—", "82.5", "%", Judgement.NOT_JUDGED, "", "", "GB/T 14561-2019", "6.3", ("none",)),
)


def test_report(
    *,
    n_items: int | None = None,
    place: PlaceType = PlaceType.E_PLATFORM,
    number: str = "HBZJ-FX2026-0001",
    sample_number: str = "FX2026-0001",
    replaces: str = "",
    marks: bool = False,
) -> TestReportData:
    """An electric kettle report; ``n_items`` repeats/extends the item list to that length; with
    ``marks`` the demo CMA mark, seal and signatures (without, the report says it lacks them)."""
    items = list(KETTLE_ITEMS)
    if n_items is not None:
        extra = []
        k = 0
        while len(items) + len(extra) < n_items:
            base = KETTLE_ITEMS[k % len(KETTLE_ITEMS)]
            k += 1
            extra.append(ItemLine(f"{base.item}（附加测点 {k}）", base.requirement_text, base.result_text, base.unit,
                                  base.judgement, base.basis_code, base.basis_clause, base.method_code,
                                  base.method_clause, base.rule_trace))
        items = (items + extra)[:n_items]
    sampled = SELLER if place is not PlaceType.PRODUCER else PRODUCER_HB
    if place is PlaceType.PHYSICAL_SELLER:
        sampled = PartyInfo(SELLER.name, SELLER.uscc, SELLER.address, (PartyRole.SAMPLED_SELLER,))
    failed = [i.item for i in items if i.judgement is Judgement.FAIL]
    conclusion = (
        f"经抽样检验，所检项目中“{'”“'.join(failed[:3])}”不符合检验依据的要求，其余所检项目符合要求。"
        if failed else "经抽样检验，所检项目符合检验依据的要求。"
    )
    images = demo_marks() if marks else {}
    signoff = SIGNOFF
    if marks:
        signoff = replace(SIGNOFF, **{k: v for k, v in images.items() if k.endswith("_signature")})
    return TestReportData(
        report_number=number,
        lab=LAB,
        sample_number=sample_number,
        product_name="电热水壶",
        place_type=place,
        sampled=sampled,
        items=tuple(items),
        conclusion=conclusion,
        signoff=signoff,
        issue_date=date(2026, 6, 3),
        task_number="HBFX-2026-017",
        task_title="2026年湖北省电热水壶产品质量安全风险监测",
        task_source="湖北省市场监督管理局",
        replaces_number=replaces,
        amendment_reason="原报告“规格型号”录入错误（1.5L 应为 1.7L），予以更正。" if replaces else "",
        objection_days=15,
        objection_to=OBJECTION_TO,
        objection_contact=OBJECTION_CONTACT,
        brand="美某",
        model_spec="SWF17E-1 1.7L 1800W",
        batch_number="20260512",
        production_date=date(2026, 5, 12),
        sample_quantity="检验 2台，备样 2台",
        sample_state="样品完好，包装无破损",
        sampling_record_number="CY-2026-017-0001",
        test_category="风险监测",
        lot_size="50台",
        seal_numbers=("FT20260520001", "FT20260520002"),
        sampling_date=date(2026, 5, 20),
        sampling_place="网络购买（平台下单，快递收货）" if place is PlaceType.E_PLATFORM else "武汉市江岸区解放大道 1 号",
        samplers=("陈立", "赵敏"),
        received_date=date(2026, 5, 23),
        test_start=date(2026, 5, 24),
        test_end=date(2026, 5, 30),
        nominal_producer=PRODUCER_OUT if place is not PlaceType.PRODUCER else None,
        platform_operator=PLATFORM if place is PlaceType.E_PLATFORM else None,
        online_shop=SHOP if place is PlaceType.E_PLATFORM else None,
        basis_standards=("GB 4706.1-2005《家用和类似用途电器的安全 第1部分：通用要求》",
                         "GB 4706.19-2008《家用和类似用途电器的安全 液体加热器的特殊要求》",
                         "GB 4806.9-2023", "GB/T 14561-2019"),
        remarks="样品购自电商平台，开箱过程已录像留存。" if place is PlaceType.E_PLATFORM else "",
        cma_mark=images.get("cma_mark"),
        seal=images.get("seal"),
    )


def notices_for(report: TestReportData, *, start: int = 1) -> list[NoticeData]:
    """One notice per party the report's place requires (Article 18 ¶2), in notification order."""
    parties = [report.sampled]
    if report.place_type is not PlaceType.PRODUCER and report.nominal_producer is not None:
        parties.append(report.nominal_producer)
    if report.place_type is PlaceType.E_PLATFORM and report.platform_operator is not None:
        parties.append(report.platform_operator)
    out = []
    for n, party in enumerate(parties, start):
        out.append(NoticeData(
            notice_number=f"GZ-{report.sample_number}-{n}",
            addressee=party,
            lab=report.lab,
            issuer=report.lab.name,
            on_behalf_of="湖北省市场监督管理局",
            product_name=report.product_name,
            place_type=report.place_type,
            sampled=report.sampled,
            failed_items=report.failed_items,
            report_number=report.report_number,
            issue_date=date(2026, 6, 4),
            task_number=report.task_number,
            task_title=report.task_title,
            brand=report.brand,
            model_spec=report.model_spec,
            batch_number=report.batch_number,
            production_date=report.production_date,
            sampling_date=report.sampling_date,
            sampling_place=report.sampling_place,
            sampling_record_number=report.sampling_record_number,
            nominal_producer=report.nominal_producer,
            platform_operator=report.platform_operator,
            online_shop=report.online_shop,
            basis_standards=report.basis_standards,
            objection_days=report.objection_days,
            objection_to=report.objection_to,
            objection_contact=report.objection_contact,
            feedback_days=30,
            contact_person="陈立",
            contact_phone="027-87654321",
        ))
    return out


def analysis() -> AnalysisData:
    return AnalysisData(
        report_number="HBZJ-FXFX-2026-017",
        lab=LAB,
        task_number="HBFX-2026-017",
        task_title="2026年湖北省电热水壶产品质量安全风险监测",
        issue_date=date(2026, 7, 10),
        issuing_authority="湖北省市场监督管理局",
        product_category="电热水壶",
        period_start=date(2026, 5, 6),
        period_end=date(2026, 6, 20),
        batches_planned=60,
        batches_sampled=60,
        batches_tested=60,
        problem_batches=14,
        summary="受湖北省市场监督管理局委托，本院于2026年5月至6月对全省生产、销售和电商平台销售的电热水壶开展质量安全风险监测，"
        "共抽取样品60批次，覆盖武汉、宜昌、襄阳、荆州、黄冈等地，检出存在问题样品14批次。",
        by_item=(
            ItemProblemCount("泄漏电流", 60, 6, "GB 4706.19-2008 13.2"),
            ItemProblemCount("输入功率和电流", 60, 5, "GB 4706.1-2005 10.1"),
            ItemProblemCount("干烧保护", 60, 3, "GB 4706.19-2008 19.4"),
            ItemProblemCount("标志和说明", 60, 2, "GB 4706.19-2008 7"),
            ItemProblemCount("与食品接触材料迁移量", 60, 1, "GB 4806.9-2023 4.3"),
        ),
        by_region=(CountRow("武汉市", 20, 5), CountRow("宜昌市", 8, 2), CountRow("襄阳市", 8, 1),
                   CountRow("荆州市", 6, 2), CountRow("黄冈市", 6, 1), CountRow("省外（电商）", 12, 3)),
        by_place_type=(CountRow(PlaceType.PRODUCER.label, 18, 2), CountRow(PlaceType.PHYSICAL_SELLER.label, 22, 4),
                       CountRow(PlaceType.E_PLATFORM.label, 20, 8)),
        by_enterprise_size=(CountRow("大型", 8, 0), CountRow("中型", 15, 2), CountRow("小型", 25, 7),
                            CountRow("微型", 12, 5)),
        failed_items=(
            FailedItemDetail("FX2026-0001", "佛山市某某电器有限公司", "泄漏电流", "1.20", "≤0.75", "mA",
                             "GB 4706.19-2008", "13.2", "省外（电商）", PlaceType.E_PLATFORM, "HBZJ-FX2026-0001"),
            FailedItemDetail("FX2026-0001", "佛山市某某电器有限公司", "输入功率和电流", "+7.8%", "-10%～+5%", "",
                             "GB 4706.1-2005", "10.1", "省外（电商）", PlaceType.E_PLATFORM, "HBZJ-FX2026-0001"),
            FailedItemDetail("FX2026-0012", "湖北某某厨具制造有限公司", "干烧保护", "起火", "不得起火", "",
                             "GB 4706.19-2008", "19.4", "武汉市", PlaceType.PRODUCER, "HBZJ-FX2026-0012"),
        ),
        analysis_paragraphs=(
            "泄漏电流超标主要集中在小微企业生产的低价产品，与绝缘材料选用和爬电距离不足有关，存在触电风险。",
            "电商平台渠道问题检出率（40%）明显高于实体店（18%）和生产企业（11%），部分网店销售的产品标称生产企业在省外。",
            "干烧保护失效可能引发火灾，危害程度高，建议作为重点关注项目在下一轮监测中持续跟踪。",
        ),
        risk=RiskProposal(
            level=RiskLevel.II,
            model_name="riskmon-default",
            model_version="1",
            factors=(RiskFactor("危害程度", "4（致命或严重残疾）"), RiskFactor("伤害概率", ">1/1000"),
                     RiskFactor("紧急程度", "一般"), RiskFactor("影响范围", "行业性/系统性"),
                     RiskFactor("发生频率", "23%"), RiskFactor("持续时间", "新发现"),
                     RiskFactor("风险矩阵结果", "严重(S)"), RiskFactor("升级分值", "1")),
            rationale="危害程度4级且伤害概率大于千分之一，风险矩阵为严重；影响范围为行业性，升级一级，上限为II级。",
        ),
        measures=(
            RecommendedMeasure(Measure.WRITTEN_NOTICE, "向14批次问题产品的生产者、销售者及电商平台经营者发送告知书，督促30日内反馈整改情况。"),
            RecommendedMeasure(Measure.CASE_REFERRAL, "标称生产企业在省外的3批次，移送企业所在地市场监管部门处理。"),
            RecommendedMeasure(Measure.PUBLIC_WARNING, "建议发布电热水壶消费提示，提醒消费者选购带干烧保护的产品。"),
            RecommendedMeasure(Measure.DEFECT_OR_STANDARD, ""),
        ),
        signoff=SIGNOFF,
    )


def monthly() -> MonthlyData:
    entries = (
        RiskInfoEntry("XX-2026-06-001", date(2026, 6, 3), InfoSource.CONSUMER_COMPLAINT, "电动自行车充电器",
                      "消费者投诉充电过程中充电器外壳熔化冒烟。", "武汉市", "某某电子科技有限公司",
                      (KeyRiskCriterion.HIGH_HAZARD, KeyRiskCriterion.PUBLIC_CONCERN), "已核实，拟列入下月监测",
                      datetime(2026, 6, 3, 8, 30, tzinfo=UTC)),
        RiskInfoEntry("XX-2026-06-002", date(2026, 6, 8), InfoSource.TECHNICAL_INSTITUTION, "儿童玩具",
                      "监督抽查中发现多批次可触及锐利边缘。", "宜昌市", "", (), "已报送主管部门"),
        RiskInfoEntry("XX-2026-06-003", date(2026, 6, 15), InfoSource.MEDIA, "燃气灶",
                      "媒体报道某品牌燃气灶熄火保护失效导致燃气泄漏。", "全省", "某某厨电有限公司",
                      (KeyRiskCriterion.MAJOR_ACCIDENT, KeyRiskCriterion.SYSTEMIC), "已即时报送",
                      datetime(2026, 6, 15, 10, 0, tzinfo=UTC)),
        RiskInfoEntry("XX-2026-06-004", date(2026, 6, 22), InfoSource.RECALL_WARNING, "移动电源",
                      "国家市场监督管理总局发布某型号移动电源召回信息。", "", "", (), "核查本省销售情况"),
    )
    return MonthlyData(year=2026, month=6, lab=LAB, station_name="湖北省某某产品质量监督检验研究院风险信息监测采集站",
                       entries=entries, issue_date=date(2026, 7, 3), station_kind=StationKind.TECHNICAL_INSTITUTION,
                       report_number="YB-2026-06", reported_to="湖北省市场监督管理局",
                       summary="本月共采集风险信息4条，其中重点风险信息2条，均已及时报送。",
                       compiled_by="王建", approved_by="周主任", compiled_on=date(2026, 7, 2),
                       approved_on=date(2026, 7, 3))


def package_manifest(reports: list[TestReportData], notices: list[tuple[str, NoticeData, str]],
                     analysis_file: str | None) -> PackageManifestData:
    """Manifest data for ``reports`` (files ``reports/<number>.pdf``) and ``(sample, notice, file)``."""
    return PackageManifestData(
        lab=LAB,
        task=PackageTask("HBFX-2026-017", "2026年湖北省电热水壶产品质量安全风险监测", "湖北省市场监督管理局",
                         "电热水壶", 2026),
        samples=tuple(PackageSample.from_report(r, f"reports/{safe_file_name(r.report_number)}.pdf")
                      for r in reports),
        notifications=tuple(PackageNotification.from_notice(n, s, f) for s, n, f in notices),
        analysis=PackageAnalysis(analysis_file, RiskLevel.II, "riskmon-default", "1") if analysis_file else None,
        created_at=datetime(2026, 7, 10, 2, 30, tzinfo=UTC),
    )
