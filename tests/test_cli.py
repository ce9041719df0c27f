"""The ``riskmon`` command as a user runs it: one clear line and exit 2 on bad input, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__


def run(home: Path, *args: str, stdin: str | None = None, env: dict | None = None, timeout: float = 120):
    full_env = {**os.environ, "RISKMON_HOME": str(home), **(env or {})}
    full_env.pop("RISKMON_DATABASE_URL", None)
    if env and "RISKMON_DATABASE_URL" in env:
        full_env["RISKMON_DATABASE_URL"] = env["RISKMON_DATABASE_URL"]
    return subprocess.run(
        [sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True, env=full_env,
        timeout=timeout,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("riskmon: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-home")
    proc = run(home, "demo")
    assert proc.returncode == 0, proc.stderr
    assert "演示实验室" in proc.stdout
    return home


def test_version(tmp_path: Path):
    proc = run(tmp_path, "--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"riskmon {__version__}"


def test_unknown_command_is_one_line(tmp_path: Path):
    assert_clean_failure(run(tmp_path, "frobnicate"), "参数错误")


def test_user_add_reads_the_password_from_stdin(tmp_path: Path):
    assert run(tmp_path, "db", "upgrade").returncode == 0
    # an empty database: the first user needs no one's authority, but must be an administrator
    assert_clean_failure(run(tmp_path, "user", "add", "lihua", "--role", "technician", stdin="s3cret-pass\n"),
                         "第一个用户须有管理员角色")
    proc = run(tmp_path, "user", "add", "admin", "--role", "administrator", "--display-name", "周主任",
               stdin="admin-pass\n")
    assert proc.returncode == 0, proc.stderr
    # from then on an administrator authorises: their password first, then the new user's
    proc = run(tmp_path, "user", "add", "lihua", "--role", "technician", "--role", "reviewer",
               "--display-name", "李华", "--admin", "admin", "--password-stdin", stdin="admin-pass\ns3cret-pass\n")
    assert proc.returncode == 0, proc.stderr
    assert "lihua" in proc.stdout and "检验员" in proc.stdout
    listed = run(tmp_path, "user", "list")
    assert "lihua\t李华\t检验员、审核人\t启用" in listed.stdout
    assert_clean_failure(run(tmp_path, "user", "add", "lihua", "--role", "technician", "--admin", "admin",
                             stdin="admin-pass\nanother-pass\n"), "已存在")
    assert_clean_failure(run(tmp_path, "user", "add", "wang", "--role", "technician", "--admin", "admin",
                             stdin="admin-pass\nshort\n"), "至少 8 位")
    assert_clean_failure(run(tmp_path, "user", "add", "wang", "--role", "king", stdin="long-enough\n"), "参数错误")


def test_adding_users_and_changing_roles_needs_an_administrator(tmp_path: Path):
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert run(tmp_path, "user", "add", "admin", "--role", "administrator", stdin="admin-pass\n").returncode == 0
    for name, roles in (("lihua", ["technician"]), ("deputy", ["administrator"])):
        assert run(tmp_path, "user", "add", name, *(a for r in roles for a in ("--role", r)), "--admin", "admin",
                   stdin=f"admin-pass\n{name}-pass\n").returncode == 0
    # nobody signed in: refused, and nothing added
    assert_clean_failure(run(tmp_path, "user", "add", "mallory", "--role", "signatory", "--password-stdin",
                             stdin="mallory-pass\n"), "须由管理员授权", "--admin")
    # a technician is no administrator; a wrong password is a failed sign-in
    assert_clean_failure(run(tmp_path, "user", "add", "mallory", "--role", "signatory", "--admin", "lihua",
                             stdin="lihua-pass\nmallory-pass\n"), "只有管理员才能添加用户")
    assert_clean_failure(run(tmp_path, "user", "roles", "lihua", "--role", "signatory", "--admin", "lihua",
                             stdin="lihua-pass\n"), "管理员")
    for _ in range(5):
        assert_clean_failure(run(tmp_path, "user", "add", "mallory", "--role", "signatory", "--admin", "admin",
                                 stdin="guess-guess\nmallory-pass\n"), "用户名或密码错误")
    # now locked: even the right password waits
    assert_clean_failure(run(tmp_path, "user", "add", "mallory", "--role", "signatory", "--admin", "admin",
                             stdin="admin-pass\nmallory-pass\n"), "登录失败次数过多，请在")
    assert "mallory" not in run(tmp_path, "user", "list").stdout
    # another administrator unlocks; then roles change, recorded as the administrator who did it
    proc = run(tmp_path, "user", "unlock", "admin", "--admin", "deputy", stdin="deputy-pass\n")
    assert proc.returncode == 0 and "已解除 admin 的登录锁定" in proc.stdout, proc.stderr
    proc = run(tmp_path, "user", "roles", "lihua", "--role", "technician", "--role", "signatory", "--admin", "admin",
               stdin="admin-pass\n")
    assert proc.returncode == 0 and "检验员、授权签字人" in proc.stdout, proc.stderr
    db = sqlite3.connect(tmp_path / "riskmon.db")
    try:
        actors = [a for (a,) in db.execute("SELECT actor FROM audit_log WHERE table_name = 'users' ORDER BY seq")]
        failures = db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'login_throttle' "
                              "AND actor = 'login:admin'").fetchone()[0]
    finally:
        db.close()
    assert actors[0].startswith("cli") and "admin" in actors[1:] and actors[-1] == "admin"
    assert failures == 5


def test_audit_verify_detects_tampering(demo_home: Path, tmp_path: Path):
    ok = run(demo_home, "audit", "verify")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "哈希链：校验通过" in ok.stdout and "未发现篡改" in ok.stdout
    # work on a copy so the module's other tests keep an intact lab
    backup = tmp_path / "copy.db"
    assert run(demo_home, "db", "backup", "--out", str(backup)).returncode == 0
    home = tmp_path / "home"
    home.mkdir()
    (home / "riskmon.db").write_bytes(backup.read_bytes())
    with sqlite3.connect(home / "riskmon.db") as conn:
        actor = conn.execute("SELECT actor FROM audit_log WHERE seq = 12").fetchone()[0]
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 12")
    proc = run(home, "audit", "verify")
    assert proc.returncode == 1
    assert "第 12 条" in proc.stdout
    with sqlite3.connect(home / "riskmon.db") as conn:  # an entry removed by hand
        conn.execute("UPDATE audit_log SET actor = ? WHERE seq = 12", (actor,))
        conn.execute("DELETE FROM audit_log WHERE seq = 5")
    proc = run(home, "audit", "verify")
    assert proc.returncode == 1 and "第 5 条" in proc.stdout and "缺失" in proc.stdout


def test_backup_is_a_consistent_copy(demo_home: Path, tmp_path: Path):
    out = tmp_path / "backup.db"
    proc = run(demo_home, "db", "backup", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM samples").fetchone()[0] == 10


@pytest.fixture
def dev_full():
    """``/dev/full``, put back as the device it is should a broken writer replace it (as root)."""
    import stat

    path = Path("/dev/full")
    if os.name != "posix" or not path.exists() or not stat.S_ISCHR(path.stat().st_mode):
        pytest.skip("no /dev/full here")
    yield path
    if not stat.S_ISCHR(os.lstat(path).st_mode) and os.geteuid() == 0:
        path.unlink()
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        os.chmod(path, 0o666)


def test_outputs_that_are_not_regular_files_are_refused_in_one_line(demo_home: Path, tmp_path: Path, dev_full: Path):
    import stat

    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    cases = [
        (["ledger", "--task", "HBFX-2026-DQ-01", "--out", str(dev_full)], "不是普通文件（设备）"),
        (["ledger", "--task", "HBFX-2026-DQ-01", "--out", "/proc/self/ledger.xlsx"], "/proc/self"),
        (["template", "sampling", "--out", str(fifo)], "不是普通文件（命名管道）"),
        (["report", "analysis", "--task", "HBFX-2026-DQ-01", "--out", str(tmp_path)], "是文件夹"),
        (["db", "backup", "--out", str(dev_full)], "不是普通文件（设备）"),
    ]
    for args, needle in cases:
        proc = run(demo_home, *args)
        assert_clean_failure(proc, needle)
        assert "Exception ignored" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
    assert stat.S_ISCHR(os.lstat(dev_full).st_mode)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.xlsx"]


def test_outputs_follow_the_umask_and_links(demo_home: Path, tmp_path: Path):
    import stat

    shared = tmp_path / "shared"
    shared.mkdir()
    link = tmp_path / "ledger.xlsx"
    link.symlink_to(shared / "台账.xlsx")
    old = os.umask(0o027)
    try:
        proc = run(demo_home, "ledger", "--task", "HBFX-2026-DQ-01", "--out", str(link))
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and (shared / "台账.xlsx").read_bytes().startswith(b"PK")
    assert stat.S_IMODE((shared / "台账.xlsx").stat().st_mode) == 0o640


def test_demo_refuses_a_database_with_data(demo_home: Path):
    assert_clean_failure(run(demo_home, "demo"), "空数据库")


def test_database_that_cannot_be_opened(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = run(tmp_path, "--database-url", f"sqlite:///{blocker}/sub/riskmon.db", "db", "upgrade")
    assert_clean_failure(proc)
    not_db = tmp_path / "notes.db"
    not_db.write_bytes(b"this is not a database file at all" * 100)
    proc = run(tmp_path, "--database-url", f"sqlite:///{not_db}", "db", "upgrade")
    assert_clean_failure(proc)
    assert not_db.read_bytes() == b"this is not a database file at all" * 100


def test_postgresql_that_is_down(tmp_path: Path):
    proc = run(tmp_path, "user", "list", env={"RISKMON_DATABASE_URL": "postgresql+psycopg://riskmon@127.0.0.1:9/x"},
               timeout=60)
    assert_clean_failure(proc)


def test_db_upgrade_says_what_it_did(tmp_path: Path):
    from alembic import command

    from app.store.db import _alembic_config, bootstrap, head_revision

    head = head_revision()
    created = run(tmp_path, "db", "upgrade")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith(f"已创建数据库（版本 {head}）") and "最新版本" not in created.stdout
    again = run(tmp_path, "db", "upgrade")
    assert again.returncode == 0 and again.stdout.startswith(f"数据库已是最新版本（{head}）")

    older = tmp_path / "older"
    database = bootstrap(f"sqlite:///{older / 'riskmon.db'}", home=older, new_relative_ok=True)
    try:
        with database.engine.connect() as conn, conn.begin():
            command.upgrade(_alembic_config(conn), "0004")
    finally:
        database.dispose()
    behind = run(older, "db", "upgrade")
    assert behind.returncode == 0, behind.stderr
    assert behind.stdout.startswith(f"数据库已从版本 0004 升级到 {head}"), behind.stdout


def test_schema_newer_than_the_program(tmp_path: Path):
    assert run(tmp_path, "db", "upgrade").returncode == 0
    conn = sqlite3.connect(tmp_path / "riskmon.db")
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = 'fffffffffff9'")
    before = list(conn.iterdump())
    conn.close()
    assert_clean_failure(run(tmp_path, "db", "upgrade"), "新")
    assert_clean_failure(run(tmp_path, "user", "list"), "新")
    conn = sqlite3.connect(tmp_path / "riskmon.db")
    assert list(conn.iterdump()) == before
    conn.close()


def test_calendar_import_is_all_or_nothing(tmp_path: Path):
    assert run(tmp_path, "db", "upgrade").returncode == 0
    bad = tmp_path / "notice.csv"
    bad.write_text("date,kind,name\n2027-10-01,holiday,国庆节\n2027-13-01,holiday,坏日期\n", encoding="utf-8")
    assert_clean_failure(run(tmp_path, "calendar", "import", str(bad)), "第 3 行")
    shown = run(tmp_path, "calendar", "show", "2027").stdout
    assert "2027-10-01\t放假\t国庆节\t按《全国年节及纪念日放假办法》推定（暂定）" in shown
    assert "本机构录入" not in shown
    good = tmp_path / "notice2.csv"
    good.write_text("date,kind,name\n2027-10-09,workday,国庆节\n", encoding="utf-8")
    proc = run(tmp_path, "calendar", "import", str(good), "--source", "国办发明电〔2026〕X号")
    assert proc.returncode == 0, proc.stderr
    shown = run(tmp_path, "calendar", "show", "2027").stdout
    assert "2027-10-09\t调休上班\t国庆节\t本机构录入" in shown
    # the database's entry now moves the deadline: Oct 9 2027 is a Saturday made a working day
    out = run(tmp_path, "rules", "deadline", "--completed", "2027-10-08", "--working-days", "1")
    assert '"deadline": "2027-10-09"' in out.stdout


def test_a_year_is_announced_only_as_a_whole(tmp_path: Path):
    """Issue 14: one imported row of 2028 made the presumed National Day look official."""
    assert run(tmp_path, "db", "upgrade").returncode == 0
    one = tmp_path / "may.csv"
    one.write_text("date,kind,name\n2028-05-03,holiday,劳动节\n", encoding="utf-8")
    assert run(tmp_path, "calendar", "import", str(one)).returncode == 0
    deadline = ("rules", "deadline", "--completed", "2028-09-28")
    assert '"provisional": true' in run(tmp_path, *deadline).stdout
    assert run(tmp_path, "calendar", "show", "2028").stdout.splitlines()[0] == "2028 年：已录入（不完整，暂定）"

    proc = run(tmp_path, "calendar", "complete", "2028", "--source", "国办发明电〔2027〕X号")
    assert proc.returncode == 0 and "2028 年" in proc.stdout, proc.stderr
    assert '"provisional": false' in run(tmp_path, *deadline).stdout
    assert run(tmp_path, "calendar", "show", "2028").stdout.splitlines()[0].startswith("2028 年：已录入（完整）")
    assert run(tmp_path, "calendar", "complete", "2028", "--undo").returncode == 0
    assert '"provisional": true' in run(tmp_path, *deadline).stdout

    full = tmp_path / "2029.csv"
    full.write_text("date,kind,name\n2029-01-01,holiday,元旦\n2029-10-08,workday,国庆节调休上班\n", encoding="utf-8")
    proc = run(tmp_path, "calendar", "import", str(full), "--complete")
    assert proc.returncode == 0 and "2029 年的放假通知已标记为完整录入" in proc.stdout, proc.stderr
    assert '"provisional": false' in run(tmp_path, "rules", "deadline", "--completed", "2029-09-26").stdout

    assert_clean_failure(run(tmp_path, "calendar", "complete", "2030"), "2030", "没有录入")
    assert_clean_failure(run(tmp_path, "calendar", "complete", "2100"), "2100", "2004–2099")
    assert_clean_failure(run(tmp_path, "calendar", "complete", "next"), "参数错误")
    assert "未发现篡改" in run(tmp_path, "audit", "verify").stdout
