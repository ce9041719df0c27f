"""Records nobody can quietly rewrite: a signature is checked against the database, not memory, and
sign-in is throttled in the database.

* 审核/批准 (test and analysis reports) re-read the signer inside the signing transaction: a user
  demoted or deactivated while signed in, a Context with forged roles, the command line's system
  identity and a wrong password are all refused, and nothing of the signature is written.
* Adding users and changing roles re-read the administrator the same way.
* Five failed passwords in a row lock a user name (existing or not) for 5 s, then 10 s, 20 s …;
  every workstation sees the lock; a success or an administrator clears it; every failure is audited.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.errors import PermissionDenied
from app.services import analysis_reports, reports, samples, signin, users
from app.services.context import SYSTEM, Context, CurrentUser
from app.store.models import AuditLog, LoginThrottle, Report
from app.store.types import utcnow
from app.store.uow import UnitOfWork
from tests.services.conftest import PASSWORD, audit_ok, ready_task
from tests.services.test_workflow import _completed


def _compiled(lab, task: tuple[int, int] | None = None) -> reports.ReportInfo:
    s = _completed(lab, task)
    return reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)


def _reviewed(lab, task: tuple[int, int] | None = None) -> reports.ReportInfo:
    r = _compiled(lab, task)
    return reports.review_report(lab.rev, r.id, r.version, PASSWORD)


def _audit_tables_since(db, seq: int) -> list[tuple[str, str]]:
    with UnitOfWork(db, actor="test") as uow:
        rows = uow.session.execute(select(AuditLog.table_name, AuditLog.actor).where(AuditLog.seq > seq)
                                   .order_by(AuditLog.seq)).all()
        return [(t, a) for t, a in rows]


def _audit_head(db) -> int:
    with UnitOfWork(db, actor="test") as uow:
        return int(uow.session.scalar(select(func.max(AuditLog.seq))) or 0)


def _status(db, report_id: int) -> str:
    with UnitOfWork(db, actor="test") as uow:
        return uow.session.get(Report, report_id).status


def _set_roles(lab, ctx: Context, roles: list[str], *, active: bool = True) -> None:
    info = next(u for u in users.list_users(lab.admin) if u.id == ctx.user.id)
    users.update_user(lab.admin, info.id, version=info.version, display_name=info.display_name, roles=roles,
                      active=active)


def _throttle(db, name: str) -> LoginThrottle | None:
    with UnitOfWork(db, actor="test") as uow:
        row = uow.session.scalar(select(LoginThrottle).where(LoginThrottle.username == name))
        if row is not None:
            uow.session.expunge(row)
        return row


@pytest.fixture
def clock(monkeypatch):
    """The services' clock, moved forward by hand (``clock.advance(seconds)``)."""
    class Clock:
        offset = dt.timedelta()

        def advance(self, seconds: float) -> None:
            self.offset += dt.timedelta(seconds=seconds)

    c = Clock()
    monkeypatch.setattr(users, "utcnow", lambda: utcnow() + c.offset)
    monkeypatch.setattr(signin, "utcnow", lambda: utcnow() + c.offset)  # the throttle's own clock
    return c


# ------------------------------------------------------------------------------------- signing
def test_a_signatory_demoted_while_signed_in_approves_nothing(any_lab):
    lab = any_lab
    r = _reviewed(lab)
    assert lab.sig.user.has("signatory")  # the Context still says so …
    _set_roles(lab, lab.sig, ["technician"])  # … but the administrator took the role away
    head = _audit_head(lab.db)
    with pytest.raises(PermissionDenied, match="您的账号已不再具有授权签字人角色，未签署。"):
        reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    assert _status(lab.db, r.id) == "reviewed" and _audit_tables_since(lab.db, head) == []
    _set_roles(lab, lab.sig, ["signatory"])
    assert reports.approve_report(lab.sig, r.id, r.version, PASSWORD).status == "approved"
    assert audit_ok(lab.db)


def test_a_reviewer_demoted_or_deactivated_while_signed_in_reviews_nothing(lab):
    r = _compiled(lab)
    _set_roles(lab, lab.rev, ["technician"])
    with pytest.raises(PermissionDenied, match="不再具有审核人角色"):
        reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    with pytest.raises(PermissionDenied, match="不再具有审核人角色"):  # returning it is signed too
        reports.review_report(lab.rev, r.id, r.version, PASSWORD, accept=False, comment="重做")
    _set_roles(lab, lab.rev, ["reviewer"], active=False)
    head = _audit_head(lab.db)
    with pytest.raises(users.AuthenticationError, match="该账号已停用"):
        reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    assert _status(lab.db, r.id) == "compiled" and _audit_tables_since(lab.db, head) == []


def test_a_deactivated_signatory_approves_nothing(lab):
    r = _reviewed(lab)
    _set_roles(lab, lab.sig, ["signatory"], active=False)
    with pytest.raises(users.AuthenticationError, match="该账号已停用，未签署"):
        reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    with pytest.raises(users.AuthenticationError, match="已停用"):
        users.confirm_password(lab.sig, PASSWORD)
    assert _status(lab.db, r.id) == "reviewed"


def test_forged_roles_in_the_context_sign_nothing(lab):
    task = ready_task(lab)
    r = _reviewed(lab, task)
    c = _compiled(lab, task)
    # a technician's own id and password, with roles the database never gave them
    forged = Context(lab.db, replace(lab.tech2.user, roles=frozenset({"technician", "reviewer", "signatory"})))
    head = _audit_head(lab.db)
    with pytest.raises(PermissionDenied, match="您的账号已不再具有授权签字人角色，未签署。"):
        reports.approve_report(forged, r.id, r.version, PASSWORD)
    with pytest.raises(PermissionDenied, match="授权签字人"):  # the dialog's check says the same
        users.confirm_password(forged, PASSWORD, "signatory")
    with pytest.raises(PermissionDenied, match="不再具有审核人角色"):
        reports.review_report(forged, c.id, c.version, PASSWORD)
    # a forged id: another person's account with the forger's password
    impostor = Context(lab.db, CurrentUser(lab.sig.user.id, "tech2", "TECH2", frozenset({"signatory"})))
    with pytest.raises(users.AuthenticationError, match="密码错误，未签署"):
        reports.approve_report(impostor, r.id, r.version, "not the signatory's")
    # the command line's system identity has every role in memory and no account
    cli = Context(lab.db, replace(SYSTEM, username="cli:root"))
    with pytest.raises(PermissionDenied, match="系统身份"):
        reports.approve_report(cli, r.id, r.version, PASSWORD)
    assert _status(lab.db, r.id) == "reviewed" and _status(lab.db, c.id) == "compiled"
    assert _audit_tables_since(lab.db, head) == [("login_throttle", "tech2")]  # the impostor's failed password


def test_a_wrong_password_signs_nothing_and_counts_as_a_failed_sign_in(lab):
    r = _reviewed(lab)
    head = _audit_head(lab.db)
    with pytest.raises(users.AuthenticationError, match="密码错误，未签署"):
        reports.approve_report(lab.sig, r.id, r.version, "wrong password")
    assert _status(lab.db, r.id) == "reviewed"
    assert _audit_tables_since(lab.db, head) == [("login_throttle", "sig")]  # only the failure is written
    assert _throttle(lab.db, "sig").failures == 1
    assert reports.approve_report(lab.sig, r.id, r.version, PASSWORD).status == "approved"
    assert audit_ok(lab.db)


def test_the_analysis_report_is_signed_by_the_database_roles_too(lab):
    report = _reviewed(lab)
    reports.approve_report(lab.sig, report.id, report.version, PASSWORD)
    a = analysis_reports.compile_analysis(lab.tech, report.task_id)
    _set_roles(lab, lab.rev, ["technician"])
    with pytest.raises(PermissionDenied, match="不再具有审核人角色"):
        reports.review_report(lab.rev, a.id, a.version, PASSWORD)
    _set_roles(lab, lab.rev, ["reviewer"])
    a = reports.review_report(lab.rev, a.id, a.version, PASSWORD)
    forged = Context(lab.db, replace(lab.tech2.user, roles=frozenset({"signatory"})))
    with pytest.raises(PermissionDenied, match="授权签字人"):
        reports.approve_report(forged, a.id, a.version, PASSWORD)
    with pytest.raises(users.AuthenticationError, match="密码错误"):
        reports.approve_report(lab.sig, a.id, a.version, "nope nope")
    assert _status(lab.db, a.id) == "reviewed"
    assert reports.approve_report(lab.sig, a.id, a.version, PASSWORD).status == "approved"


def test_signing_is_refused_while_the_name_is_locked(lab, clock):
    r = _reviewed(lab)
    for _ in range(users.THROTTLE_FREE_FAILURES):
        with pytest.raises(users.AuthenticationError):
            users.confirm_password(lab.sig, "guess guess")
    with pytest.raises(users.LoginLocked, match="请在 5 秒后重试"):
        reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    clock.advance(6)
    assert reports.approve_report(lab.sig, r.id, r.version, PASSWORD).status == "approved"


# ------------------------------------------------------------------------------------- administration
def test_user_administration_rereads_the_administrator(lab):
    users.create_user(lab.admin, username="boss2", display_name="副主任", roles=["administrator"],
                               password=PASSWORD)
    boss2 = Context(lab.db, users.authenticate(lab.db, "boss2", PASSWORD))
    _set_roles(lab, boss2, ["technician"])  # demoted while signed in
    head = _audit_head(lab.db)
    with pytest.raises(PermissionDenied, match="不再具有管理员角色，不能添加用户"):
        users.create_user(boss2, username="mallory", display_name="M", roles=["signatory"], password=PASSWORD)
    rev = users.list_users(lab.admin)
    rev_info = next(u for u in rev if u.username == "rev")
    with pytest.raises(PermissionDenied, match="不再具有管理员角色"):
        users.update_user(boss2, rev_info.id, version=rev_info.version, display_name="R", roles=["signatory"],
                          active=True)
    with pytest.raises(PermissionDenied, match="不再具有管理员角色"):
        users.set_password(boss2, rev_info.id, "taken over 1")
    with pytest.raises(PermissionDenied, match="不再具有管理员角色"):
        users.unlock_login(boss2, "rev")
    forged = Context(lab.db, replace(lab.tech.user, roles=frozenset({"administrator"})))
    with pytest.raises(PermissionDenied, match="管理员"):
        users.create_user(forged, username="mallory", display_name="M", roles=["signatory"], password=PASSWORD)
    with pytest.raises(PermissionDenied, match="系统身份"):
        users.create_user(Context(lab.db, SYSTEM), username="mallory", display_name="M", roles=["signatory"],
                          password=PASSWORD)
    assert _audit_tables_since(lab.db, head) == []
    made = users.create_user(lab.admin, username="sunli", display_name="孙丽", roles=["reviewer"], password=PASSWORD)
    assert made.username == "sunli"
    assert [(t, a) for t, a in _audit_tables_since(lab.db, head)] == [("users", "boss")]


def test_the_first_user_of_an_empty_database_needs_no_administrator(sqlite_db):
    with pytest.raises(users.ValidationError, match="管理员角色"):
        users.create_first_user(sqlite_db, actor="cli:root", username="lihua", display_name="李华",
                                roles=["technician"], password=PASSWORD)
    first = users.create_first_user(sqlite_db, actor="cli:root", username="admin", display_name="管理员",
                                    roles=["administrator"], password=PASSWORD)
    assert first.roles == ("administrator",)
    with pytest.raises(PermissionDenied, match="--admin"):
        users.create_first_user(sqlite_db, actor="cli:root", username="mallory", display_name="M",
                                roles=["administrator", "signatory"], password=PASSWORD)


# ------------------------------------------------------------------------------------- sign-in throttle
def test_five_failures_lock_the_name_with_a_growing_delay(lab, clock):
    for n in range(1, users.THROTTLE_FREE_FAILURES):
        with pytest.raises(users.AuthenticationError) as err:
            users.authenticate(lab.db, "rev", f"wrong {n}")
        assert err.value.message == "用户名或密码错误。"
    with pytest.raises(users.AuthenticationError, match="用户名或密码错误。登录失败次数过多，请在 5 秒后重试。"):
        users.authenticate(lab.db, "rev", "wrong 5")
    # locked: the right password is refused without being looked at
    with pytest.raises(users.LoginLocked, match="请在 5 秒后重试") as locked:
        users.authenticate(lab.db, "rev", PASSWORD)
    assert locked.value.retry_after == 5
    clock.advance(3)
    with pytest.raises(users.LoginLocked, match="请在 2 秒后重试"):
        users.authenticate(lab.db, "rev", "wrong again")
    assert _throttle(lab.db, "rev").failures == 5  # a refused attempt is not counted
    delays = []
    for _ in range(4):
        clock.advance(users.THROTTLE_MAX_DELAY_S)
        with pytest.raises(users.AuthenticationError, match="登录失败次数过多") as err:
            users.authenticate(lab.db, "rev", "still wrong")
        delays.append(err.value.message.split("请在 ")[1].split("后重试")[0])
    assert delays == ["10 秒", "20 秒", "40 秒", "2 分钟"]  # 80 s, said in minutes
    assert [users.throttle_delay(n) for n in range(4, 16)] == [None, 5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900]
    clock.advance(users.THROTTLE_MAX_DELAY_S)
    assert users.authenticate(lab.db, "rev", PASSWORD).username == "rev"
    assert _throttle(lab.db, "rev") is None  # a success clears the count
    with pytest.raises(users.AuthenticationError) as err:
        users.authenticate(lab.db, "rev", "wrong once more")
    assert err.value.message == "用户名或密码错误。"


def test_an_unknown_name_is_throttled_like_a_real_one(lab):
    messages = {}
    for name in ("rev", "nobody"):
        for _ in range(users.THROTTLE_FREE_FAILURES):
            with pytest.raises(users.AuthenticationError) as err:
                users.authenticate(lab.db, name, "wrong")
        with pytest.raises(users.LoginLocked) as locked:
            users.authenticate(lab.db, name, "wrong")
        messages[name] = (err.value.message, locked.value.message)
    assert messages["rev"] == messages["nobody"]
    assert [u.username for u in users.list_login_locks(lab.admin)] == ["nobody", "rev"]


def test_a_second_workstation_sees_the_lock(lab, tmp_path):
    from app.store.db import bootstrap

    other = bootstrap(None, home=tmp_path)  # the same file, opened by another Database object
    try:
        for _ in range(users.THROTTLE_FREE_FAILURES):
            with pytest.raises(users.AuthenticationError):
                users.authenticate(lab.db, "sig", "wrong")
        with pytest.raises(users.LoginLocked, match="登录失败次数过多，请在 5 秒后重试。"):
            users.authenticate(other, "sig", PASSWORD)
    finally:
        other.dispose()


def test_failures_from_two_workstations_at_once_are_all_counted(any_lab):
    lab = any_lab
    errors: list[BaseException] = []

    def fail(n: int) -> None:
        try:
            for _ in range(n):
                users._record_failure(lab.db, "sig", actor="login:sig")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fail, args=(4,)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _throttle(lab.db, "sig").failures == 12
    assert audit_ok(lab.db)


def test_the_administrator_unlocks_and_every_failure_is_audited(lab):
    head = _audit_head(lab.db)
    for _ in range(users.THROTTLE_FREE_FAILURES):
        with pytest.raises(users.AuthenticationError):
            users.authenticate(lab.db, "tech", "wrong")
    trail = _audit_tables_since(lab.db, head)
    assert trail == [("login_throttle", "login:tech")] * users.THROTTLE_FREE_FAILURES
    (lock,) = users.list_login_locks(lab.admin)
    assert (lock.username, lock.failures, lock.locked) == ("tech", 5, True)
    with pytest.raises(PermissionDenied):
        users.unlock_login(lab.tech2, "tech")
    with pytest.raises(PermissionDenied):
        users.list_login_locks(lab.tech2)
    assert users.unlock_login(lab.admin, "tech") is True
    assert _audit_tables_since(lab.db, head)[-1] == ("login_throttle", "boss")
    assert users.list_login_locks(lab.admin) == [] and users.unlock_login(lab.admin, "tech") is False
    assert users.authenticate(lab.db, "tech", PASSWORD).username == "tech"
    assert audit_ok(lab.db)


def test_a_deactivated_account_with_the_right_password_is_not_a_failure(lab):
    _set_roles(lab, lab.rev, ["reviewer"], active=False)
    for _ in range(users.THROTTLE_FREE_FAILURES + 1):
        with pytest.raises(users.AuthenticationError, match="已停用"):
            users.authenticate(lab.db, "rev", PASSWORD)
    assert _throttle(lab.db, "rev") is None


def test_guessing_the_current_password_on_the_account_page_is_throttled(lab):
    for _ in range(users.THROTTLE_FREE_FAILURES - 1):
        with pytest.raises(users.ValidationError, match="当前密码不正确"):
            users.change_own_password(lab.tech, "guess guess", "a new password")
    with pytest.raises(users.ValidationError, match="请在 5 秒后重试"):
        users.change_own_password(lab.tech, "guess guess", "a new password")
    with pytest.raises(users.LoginLocked):
        users.change_own_password(lab.tech, PASSWORD, "a new password")
