"""The demo lab: a fictional lab with its people, enterprises, standards, two tasks and samples from
all three place types in every stage of the work — loaded through the same services a user's
actions go through, so the demo obeys every rule the program enforces.

The definitions live in ``db/demo_lab.json``; dates are placed relative to today so that the
dashboard always shows a clock in each colour. ``samples=N`` adds N generated samples (for the
benchmarks of big lists).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from app import clock
from app.documents.demo_letter import confirmation_letter
from app.errors import ValidationError
from app.resources import project_root, resource_path
from app.services import (
    catalog,
    hazard,
    integrity,
    lab,
    lab_assets,
    labkey,
    monthly_reports,
    notifications,
    reports,
    samples,
    tasks,
    testing,
    users,
)
from app.services.calendar import calendar_for
from app.services.context import Context, CurrentUser
from app.services.documents._common import MONTHLY_REPORTED_TO
from app.store.models import HistoryCount, MonitoringTask, RiskInformation, User
from app.store.queries import lab_today
from app.store.uow import UnitOfWork

DEMO_USER = "admin"
DEMO_PASSWORD = "demo1234"
DEMO_FILE = "demo_lab.json"


@dataclass(frozen=True)
class DemoSummary:
    tasks: int
    samples: int
    generated: int
    users: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"已载入演示实验室：{self.tasks} 个任务、{self.samples} 个样品"
            + (f"（其中生成 {self.generated} 个）" if self.generated else "")
            + f"；用户 {'、'.join(self.users)}，密码均为 {DEMO_PASSWORD}"
        )


def load_definitions() -> dict:
    return json.loads((project_root() / "db" / DEMO_FILE).read_text(encoding="utf-8"))


def _is_empty(db) -> bool:
    with UnitOfWork(db, actor="system") as uow:
        n_users = uow.session.scalar(select(func.count()).select_from(User)) or 0
        n_tasks = uow.session.scalar(select(func.count()).select_from(MonitoringTask)) or 0
    return n_users == 0 and n_tasks == 0


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _party(defs: dict, key: str | None) -> samples.PartyInput:
    if not key:
        return samples.PartyInput()
    e = defs["enterprises"][key]
    return samples.PartyInput(e["name"], e["uscc"], e.get("address", ""), e.get("contact", ""), e.get("phone", ""),
                              e.get("size"))


def _working_days_before(cal, day: dt.date, n: int) -> dt.date:
    """The day from which ``day`` is the n-th working day (so a clock started then shows n spent)."""
    d = day
    while cal.working_days_between(d, day) < n:
        d -= dt.timedelta(days=1)
    return d


def load_demo(db, *, samples: int | None = None, actor: str = "demo",
              progress: Callable[[int, int], None] | None = None, today: dt.date | None = None) -> DemoSummary:
    """Load the demo lab into an empty database: all of it or nothing.

    Every step goes through the services as usual, but inside one transaction
    (:meth:`~app.store.db.Database.one_transaction`): a load cut off (an error, Ctrl+C, the
    process killed) leaves the database as empty as it was, so ``riskmon demo`` can simply be
    run again.
    """
    with db.one_transaction() as tx:
        return _load(tx, samples=samples, actor=actor, progress=progress, today=today)


def _load(db, *, samples: int | None, actor: str, progress: Callable[[int, int], None] | None,
          today: dt.date | None) -> DemoSummary:
    if not _is_empty(db):
        raise ValidationError("数据库中已有用户或任务：演示数据只能载入新建的空数据库（可用 --home 指定另一个数据目录）。")
    today = today or clock.today()
    defs = load_definitions()
    rng = random.Random(20260315)

    # people and the lab
    for u in defs["users"]:
        users.create_user_unchecked(db, actor=actor, username=u["username"], display_name=u["display_name"],
                                    roles=u["roles"], password=DEMO_PASSWORD)
    people = {u["username"]: _as_current(db, u["username"]) for u in defs["users"]}
    admin = Context(db, people["admin"])
    tech = Context(db, people["wangjian"])
    tech2 = Context(db, people["liuyang"])
    reviewer = Context(db, people["chenjing"])
    signatory = Context(db, people["zhaomin"])
    lab.save_lab(admin, version=None, **defs["lab"])
    _demo_marks(admin, people)
    # a demo signing key (its certificate says 演示): the demo lab's documents are signed
    with UnitOfWork(db, actor=actor) as uow:
        labkey.create_demo_key(uow.session, defs["lab"]["name"], defs["lab"].get("cma_number", ""))
        uow.commit()
    integrity.make_checkpoint(admin, reason="demo")  # the first signed head: uploads carry it

    # standards catalog
    catalog.import_standards(
        tech,
        [
            catalog.StandardInput(
                code=s["code"],
                title=s["title"],
                effective=_date(s["effective"]),
                abolished=_date(s["abolished"]),
                items=tuple(catalog.StandardItemInput(**i) for i in s["items"]),
            )
            for s in defs["standards"]
        ],
    )

    # tasks and their schemes, reviewed and confirmed by the issuing authority (Article 14)
    task_ids: dict[str, tuple[int, int]] = {}
    for t in defs["tasks"]:
        info = tasks.create_task(
            admin,
            tasks.TaskInput(
                number=t["number"], title=t["title"], issuing_authority=t["issuing_authority"],
                authority_level=t["authority_level"], product_category=t["product_category"],
                plan_year=t["plan_year"], batches_planned=t["batches_planned"],
                sampling_deadline=today + dt.timedelta(days=t["sampling_deadline_days"]),
                report_deadline=today + dt.timedelta(days=t["report_deadline_days"]), status="active",
            ),
        )
        sd = t["scheme"]
        scheme = tasks.create_scheme(
            tech, info.id,
            tasks.SchemeInput(
                product=sd["product"],
                items=tuple(tasks.SchemeItemInput(i["name"], i.get("important", False), i.get("unit", ""))
                            for i in sd["items"]),
                standards=tuple(tasks.SchemeStandardInput(s["code"], s["role"]) for s in sd["standards"]),
            ),
        )
        scheme = tasks.submit_scheme(tech, scheme.id, scheme.version)
        if sd.get("return_comment"):  # returned once with the reviewer's comment, changed and resubmitted
            scheme = tasks.review_scheme(reviewer, scheme.id, scheme.version, accept=False,
                                         comment=sd["return_comment"], password=DEMO_PASSWORD)
            scheme = tasks.submit_scheme(tech, scheme.id, scheme.version)
        scheme = tasks.review_scheme(reviewer, scheme.id, scheme.version, accept=True, comment="方案可行，同意实施。",
                                     password=DEMO_PASSWORD)
        scheme = _demo_confirm(tech, defs, t, scheme, sd["document_number"], today)
        task_ids[t["key"]] = (info.id, scheme.id)

    with UnitOfWork(db, actor=actor) as uow:
        cal = calendar_for(uow.session)

    count = 0
    for n, sd in enumerate(defs["samples"]):
        count += 1
        _demo_sample(defs, sd, n, task_ids, today, cal, tech if n % 2 == 0 else tech2, reviewer, signatory)

    for t in defs["tasks"]:  # a revision confirmed after sampling: tested samples keep the first version
        rd = t["scheme"].get("revision")
        if rd:
            _demo_revision(tech, reviewer, defs, t, task_ids[t["key"]][1], rd, today)

    for r in defs["risk_information"]:
        _risk_info(db, actor, r, today, people["wangjian"])
    _history(db, actor, defs.get("history", {}), people["wangjian"])
    _monthly_report(tech, reviewer, signatory, today)

    generated = 0
    if samples:
        generated = _generate(defs, tech, task_ids, samples, today, rng, progress)
    integrity.make_checkpoint(admin, reason="demo")  # and the head of the demo lab's history
    return DemoSummary(len(defs["tasks"]), count + generated, generated, tuple(u["username"] for u in defs["users"]))


def _demo_confirm(ctx: Context, defs, t, scheme: tasks.SchemeInfo, number: str, today: dt.date) -> tasks.SchemeInfo:
    """The issuing authority's confirmation as the demo lab records it, with a letter marked 演示."""
    letter = confirmation_letter(t["issuing_authority"], number, today, defs["lab"]["name"], t["title"],
                                 scheme.data.product, scheme.revision)
    return tasks.confirm_scheme(ctx, scheme.id, scheme.version, tasks.ConfirmationInput(
        document_number=number, document_date=today, content=letter, filename=f"{number}.pdf"))


def _demo_revision(tech: Context, reviewer: Context, defs, t, scheme_id: int, rd, today: dt.date) -> None:
    """A revision of a confirmed scheme (its items changed as ``rd`` says), reviewed and confirmed."""
    old = tasks.get_scheme(tech, scheme_id)
    new = tasks.revise_scheme(tech, old.id, old.version, rd["reason"])
    items = tuple(dataclasses.replace(i, important=i.important or i.name in rd.get("important", ()),
                                      notes=rd.get("notes", {}).get(i.name, i.notes)) for i in new.data.items)
    new = tasks.update_scheme(tech, new.id, new.version, dataclasses.replace(new.data, items=items))
    new = tasks.submit_scheme(tech, new.id, new.version)
    new = tasks.review_scheme(reviewer, new.id, new.version, accept=True, comment="修订内容可行。",
                              password=DEMO_PASSWORD)
    _demo_confirm(tech, defs, t, new, rd["document_number"], today)


def _demo_marks(admin: Context, people: dict[str, CurrentUser]) -> None:
    """The demo lab's CMA mark, seal and signatures (resources/demo, each marked 演示), stored before
    any report is approved so that its issued reports carry them."""
    folder = resource_path("demo")
    lab_assets.save_asset(admin, "cma_mark", (folder / "cma_mark.png").read_bytes())
    lab_assets.save_asset(admin, "seal", (folder / "seal.png").read_bytes())
    for username, person in people.items():
        path = folder / f"signature-{username}.png"
        if path.is_file() and any(person.has(r) for r in lab_assets.SIGNING_ROLES):
            lab_assets.save_asset(admin, "signature", path.read_bytes(), user_id=person.id)


def _as_current(db, username: str) -> CurrentUser:
    with UnitOfWork(db, actor="system") as uow:
        u = uow.session.scalar(select(User).where(User.username == username))
        return CurrentUser(u.id, u.username, u.display_name, frozenset(u.roles))


def _demo_sample(defs, sd, n, task_ids, today, cal, tech: Context, reviewer: Context, signatory: Context) -> None:
    task_id, scheme_id = task_ids[sd["task"]]
    stage = sd["stage"]
    if "completed_wd_ago" in sd:
        completed = _working_days_before(cal, today, sd["completed_wd_ago"])
        test_day = completed - dt.timedelta(days=6)
        received = test_day - dt.timedelta(days=1)
        sampling = received - dt.timedelta(days=2)
    else:
        completed = None
        sampling = today - dt.timedelta(days=4 + n % 3)
        received = sampling + dt.timedelta(days=1)
        test_day = min(today, received + dt.timedelta(days=1))
    data = samples.SampleInput(
        task_id=task_id,
        scheme_id=scheme_id,
        place_type=sd["place_type"],
        sampled=_party(defs, sd["sampled"]),
        nominal_producer=_party(defs, sd.get("nominal")),
        platform_operator=_party(defs, sd.get("platform")),
        shop_name=sd.get("shop_name", ""),
        shop_url=sd.get("shop_url", ""),
        order_number=sd.get("order_number", ""),
        logistics_number=sd.get("logistics_number", ""),
        unpacking_evidence=sd.get("unpacking_evidence", ""),
        product_name=sd["product_name"],
        brand=sd.get("brand", ""),
        model_spec=sd.get("model_spec", ""),
        batch_number=sd.get("batch_number", ""),
        production_date=sampling - dt.timedelta(days=40),
        grade=sd.get("grade", ""),
        declared_standards=tuple(sd.get("declared_standards", ())),
        published_enterprise_standard=sd.get("published_enterprise_standard", ""),
        claims=tuple(sd.get("claims", ())),
        sampling_date=sampling,
        sampling_place=sd.get("sampling_place", ""),
        samplers=tuple(sd["samplers"]),
        lot_size="200",
        test_quantity="3",
        backup_quantity="3",
        quantity_unit="台" if sd["task"] == "kettle" else "件",
        unit_price="129.00" if sd["task"] == "kettle" else "89.00",
        seal_numbers=(f"FT{sampling:%Y%m%d}{n:03d}",),
        sampling_record_number=sd["sampling_record_number"],
        received_date=None,
    )
    s = samples.register_sample(tech, data, today=today)
    if stage == "registered":
        return
    s = samples.receive_sample(tech, s.id, s.version, received, sd.get("condition") or samples.CONDITION_CHOICES[0])
    if stage == "received":
        return
    grid = testing.start_testing(tech, s.id, s.version, test_day)
    by_item = {r.item: r for r in grid.rows}
    for item, value in sd.get("results", {}).items():
        row = by_item[item]
        if value == "panel":
            panel = defs["panels"][item]
            testing.record_panel(
                tech, s.id, item,
                members=[testing.PanelMemberInput(**m) for m in panel["members"]],
                conclusion=panel["conclusion"], finding="pass",
            )
        elif isinstance(value, list):
            testing.record_result(tech, row.id, row.version, value_text=value[1], judgement=value[0],
                                  reason=value[1])
        else:
            testing.record_result(tech, row.id, row.version, value_text=str(value))
    if stage == "testing":
        return
    grid = testing.results_grid(tech, s.id)
    testing.complete_initial_monitoring(tech, s.id, grid.sample_version, completed)
    if sd.get("hazard"):  # a major hazard reported at once (Article 18 ¶3): its upload waits in the queue
        hd = sd["hazard"]
        task = next(t for t in defs["tasks"] if t["key"] == sd["task"])
        hazard.report_hazard(tech, s.id, hazard.HazardInput(
            description=hd["description"], measures=hd.get("measures", ""), items=tuple(hd.get("items", ())),
            reason=hd.get("reason", ""), recipient=task["issuing_authority"], method=hd.get("method", "upload")))
    if stage == "completed":
        return
    detail = samples.get_sample(tech, s.id)
    report = reports.compile_report(tech, s.id, detail.version)
    report = reports.review_report(reviewer, report.id, report.version, DEMO_PASSWORD)
    report = reports.approve_report(signatory, report.id, report.version, DEMO_PASSWORD)
    # the notices are issued after the approval (as many labs do): their own upload item
    notifications.create_notifications(tech, s.id)
    if sd.get("reported"):
        detail = samples.get_sample(tech, s.id)
        reported = min(today, cal.deadline(completed, 5).deadline)
        reports.mark_reported(tech, s.id, detail.version, reported)


def _risk_info(db, actor: str, r: dict, today: dt.date, user: CurrentUser) -> None:
    with UnitOfWork(db, actor=actor) as uow:
        uow.session.add(
            RiskInformation(
                received_date=today - dt.timedelta(days=r["days_ago"]),
                source=r["source"],
                title=r["title"],
                description=r.get("description"),
                product=r.get("product"),
                region=r.get("region"),
                key_risk=r.get("key_risk", False),
                key_reasons=r.get("key_reasons", []),
                status="open",
                created_by_id=user.id,
                **_immediate(r, today),
            )
        )
        uow.commit()


def _immediate(r: dict, today: dt.date) -> dict:
    """即时报送 of a demo register entry: ``hours`` after 9:00 on the day it was received."""
    im = r.get("immediate")
    if not im:
        return {}
    received = dt.datetime.combine(today - dt.timedelta(days=r["days_ago"]), dt.time(9), tzinfo=clock.lab_zone())
    return {"reported_at": received + dt.timedelta(hours=im["hours"]), "reported_to": im["to"],
            "report_method": im["method"]}


def _monthly_report(tech: Context, reviewer: Context, signatory: Context, today: dt.date) -> None:
    """Last month's 风险信息月报 issued: compiled, reviewed, approved and sent (报送) by e-mail."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    m = monthly_reports.compile_monthly(tech, last.year, last.month, today=today)
    m = reports.review_report(reviewer, m.id, m.version, DEMO_PASSWORD)
    m = reports.approve_report(signatory, m.id, m.version, DEMO_PASSWORD)
    with UnitOfWork(tech.db, actor=tech.user.username) as uow:
        sent = lab_today(uow.session)
    monthly_reports.record_submission(tech, m.id, submitted_on=sent, recipient=MONTHLY_REPORTED_TO, method="email",
                                      receipt="省局风险监测处已签收（演示）", today=sent)


def history_rows(history: dict) -> list[dict]:
    """The demo's imported history as ``history_counts`` rows: per category, year and region the
    batches and problem batches, and per item the batches tested (every batch tests every item) and
    failed — each item's failures placed on the year's problem batches in turn, so every problem
    batch fails at least one item and no region fails an item more often than it has problems."""
    out: list[dict] = []
    for category, h in history.items():
        if category.startswith("_"):
            continue
        for i, year in enumerate(h["years"]):
            slots: list[str] = []  # one entry per problem batch of the year, by region
            for region, counts in h["regions"].items():
                tested, problems = counts[i]
                out.append({"category": category, "year": year, "item": "", "region": region,
                            "tested": tested, "problems": problems})
                slots += [region] * problems
            fails: dict[tuple[str, str], int] = {}
            at = 0
            for item, per_year in h["item_fails"].items():
                for _ in range(min(per_year[i], len(slots))):
                    key = (item, slots[at % len(slots)])
                    fails[key] = fails.get(key, 0) + 1
                    at += 1
            for item in h["item_fails"]:
                for region, counts in h["regions"].items():
                    out.append({"category": category, "year": year, "item": item, "region": region,
                                "tested": counts[i][0], "problems": fails.get((item, region), 0)})
    return out


def _history(db, actor: str, history: dict, user: CurrentUser) -> None:
    """Earlier rounds (2023–2025) as imported history, so that 风险研判 has findings at once."""
    with UnitOfWork(db, actor=actor) as uow:
        uow.session.add_all(HistoryCount(**row, source="演示数据（往期监测汇总）.xlsx", imported_by_id=user.id)
                            for row in history_rows(history))
        uow.commit()


def _received(sampling: dt.date, rng: random.Random) -> dict:
    """Most generated samples have arrived at the lab, in good condition."""
    if rng.random() < 0.7:
        return {"received_date": sampling + dt.timedelta(days=1), "condition_on_receipt": samples.CONDITION_CHOICES[1]}
    return {}


def _generate(defs, tech: Context, task_ids, count: int, today: dt.date, rng: random.Random,
              progress: Callable[[int, int], None] | None) -> int:
    """Plausible registered samples in bulk, spread over the tasks and place types."""
    producers = [k for k, e in defs["enterprises"].items() if e["uscc"][:2] == "91" and "pt" not in k]
    sellers = [k for k, e in defs["enterprises"].items() if e["uscc"][:2] == "92"]
    platforms = ["hzpt", "bjpt"]
    keys = list(task_ids)
    products = {"kettle": ["电热水壶", "养生壶", "不锈钢电热水壶", "玻璃电热水壶"],
                "kids": ["儿童针织套装", "儿童连帽卫衣", "婴幼儿连体衣", "儿童睡衣", "儿童羽绒服"]}
    brands = ["康泰", "美佳", "鑫达", "华艺", "美厨", "小贝", "童华", "飞顺", "裕润"]
    samplers = ["王建", "刘洋", "李明", "张华"]
    chunk = 2000
    done = 0
    while done < count:
        rows = []
        for i in range(done, min(count, done + chunk)):
            key = keys[i % len(keys)]
            place = ("producer", "physical_seller", "e_platform")[i % 3]
            sampling = today - dt.timedelta(days=rng.randint(1, 200))
            sampled = rng.choice(producers if place == "producer" else sellers)
            online = place == "e_platform"
            rows.append(
                samples.SampleInput(
                    task_id=task_ids[key][0],
                    scheme_id=task_ids[key][1],
                    place_type=place,
                    sampled=_party(defs, sampled),
                    nominal_producer=_party(defs, None if place == "producer" else rng.choice(producers)),
                    platform_operator=_party(defs, rng.choice(platforms) if online else None),
                    shop_name="旗舰店" if online else "",
                    shop_url=f"https://shop.example.com/item/{i}" if online else "",
                    order_number=f"DD{i:010d}" if online else "",
                    logistics_number=f"SF{i:012d}" if online else "",
                    product_name=rng.choice(products[key]),
                    brand=rng.choice(brands),
                    model_spec=f"型号-{rng.randint(100, 999)}",
                    batch_number=f"{sampling:%Y%m}{rng.randint(1, 99):02d}",
                    sampling_date=sampling,
                    sampling_place="" if online else "生产或销售现场",
                    samplers=tuple(rng.sample(samplers, 2)),
                    test_quantity="3",
                    backup_quantity="3",
                    sampling_record_number=f"CY-G{i + 1:07d}",
                    **_received(sampling, rng),
                )
            )
        samples.register_samples(tech, rows, today=today)
        done += len(rows)
        if progress:
            progress(done, count)
    return done
