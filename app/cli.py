"""The ``riskmon`` command.

Plain ``riskmon`` starts the GUI. Every error a user can cause ends as one line on stderr and exit
status 2 (never a traceback); an unexpected failure is written in full to the log file in the data
directory and reported in one line that names that file.

Imports of the heavy layers (SQLAlchemy, Qt, reportlab) happen inside the commands that need them,
so that ``riskmon rules …`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__
from app.errors import RiskmonError

log = logging.getLogger("riskmon.cli")

ROLE_CHOICES = ("technician", "reviewer", "signatory", "administrator")


class UsageError(RiskmonError):
    """Bad command-line arguments."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors as one line with exit 2 through our own handler."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"参数错误：{message}（用 --help 查看用法）")


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


# --------------------------------------------------------------------------- context helpers
def _paths(args: argparse.Namespace):
    # deferred: app.config (and dataclasses) loads only for a command that needs the data folder
    from app import config

    return config.resolve(args.home, args.database_url)


#: Commands that only read the database: they also work on a SQLite file (or data folder) this user
#: may not write, which is then opened read-only. (command, subcommand); None: every subcommand.
_READ_ONLY_COMMANDS = frozenset({
    ("db", "upgrade"),  # nothing to do on a current database; an upgrade says it cannot write
    ("db", "backup"), ("db", "current"), ("db", "check"), ("user", "list"), ("audit", "verify"), ("calendar", "show"),
    ("rules", None), ("verify-package", None), ("verify-report", None), ("lab", "key"),
    ("report", "test"), ("report", "analysis"), ("report", "monthly"), ("ledger", None), ("export-package", None),
})


def _only_reads(args: argparse.Namespace) -> bool:
    command = getattr(args, "command", None)
    sub = next((getattr(args, a) for a in ("db_command", "user_command", "audit_command", "calendar_command",
                                           "lab_command", "report_kind") if getattr(args, a, None)), None)
    if command == "sync":
        return bool(getattr(args, "list", False))
    return (command, None) in _READ_ONLY_COMMANDS or (command, sub) in _READ_ONLY_COMMANDS


def _open_db(args: argparse.Namespace, *, upgrade: bool = False, check: bool = True):
    """Open the configured database; with ``upgrade`` migrate it to the current schema first.

    What the user should know about it (a relative ``sqlite:///`` path, a read-only folder, an
    upgrade found cut off and resolved) goes to stderr. A relative SQLite path that does not exist
    is refused unless the command is ``db upgrade``; a read-only database is refused up front by
    commands that write (see ``_READ_ONLY_COMMANDS``).
    """
    # deferred: SQLAlchemy loads only for a command that opens the database
    from app.store.db import bootstrap

    paths = _paths(args)
    creating = getattr(args, "command", None) == "db" and getattr(args, "db_command", None) == "upgrade"
    db = bootstrap(paths.database_url, home=paths.home, new_relative_ok=creating)
    try:
        for notice in db.notices:
            print(f"riskmon: {notice}", file=sys.stderr)
        if not _only_reads(args):
            db.require_writable()
        if upgrade:
            told = len(db.notices)
            db.upgrade()
            for notice in db.notices[told:]:
                print(f"riskmon: {notice}", file=sys.stderr)
        elif check:
            db.check_schema()
    except BaseException:
        db.dispose()
        raise
    return db


def _read_json_arg(source: str) -> object:
    """Read JSON from a file name or ``-`` (standard input)."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(f"找不到输入文件：{source}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"无法读取输入文件 {source}：{exc}") from exc
    # deferred: the rules load only for riskmon rules
    from app.rules._input import loads
    from app.rules.errors import RuleInputError

    try:
        return loads(text)  # the nesting is checked before parsing
    except RuleInputError as exc:
        raise UsageError(exc.message) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"输入不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from exc


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- rules
def cmd_rules(args: argparse.Namespace) -> int:
    # deferred: the rules load only for riskmon rules
    from app.rules import commands as rc

    try:
        if args.rule == "deadline":
            # deferred: the shipped rule data is read only for the rules that use it
            from app import ruledata

            overrides, complete_years = _calendar_overrides_if_any(args)
            cal = ruledata.default_calendar(overrides, complete_years)
            _print_json(rc.deadline_command(args.completed, args.working_days, cal))
            return 0
        if args.rule == "uscc":
            code, out = rc.uscc_command(args.code)
            _print_json(out)
            return code
        payload = _read_json_arg(args.case)
        if args.rule == "standard":
            out = rc.standard_command(payload)
        elif args.rule == "notify":
            out = rc.notify_command(payload)
        elif args.rule == "panel":
            out = rc.panel_command(payload)
        elif args.rule == "risk":
            # deferred: the shipped rule data is read only for the rules that use it
            from app import ruledata

            out = rc.risk_command(payload, ruledata.load_risk_model())
        elif args.rule == "trend":
            out = rc.trend_command(payload)
        elif args.rule == "cluster":
            out = rc.cluster_command(payload)
        else:  # pragma: no cover - argparse restricts the choices
            raise UsageError(f"未知的规则：{args.rule}")
    except rc.RuleInputError as exc:
        raise UsageError(exc.message) from exc
    _print_json(out)
    return 0


def _calendar_overrides_if_any(args: argparse.Namespace) -> tuple[list, frozenset[int]]:
    """Calendar rows entered in the database override the shipped calendar; the years marked
    complete there are announced.

    Only an existing, current database is read; the rules command never creates one.
    """
    paths = _paths(args)
    if paths.is_sqlite:
        db_file = Path(paths.database_url.split("///", 1)[1])
        if not db_file.exists():
            return [], frozenset()
    elif not (args.database_url or _env_url()):
        return [], frozenset()
    # deferred: SQLAlchemy and the calendar service load only when there is a database
    from app.services import calendar as calendar_service

    db = _open_db(args)
    try:
        return calendar_service.calendar_data(db)
    finally:
        db.dispose()


def _env_url() -> str | None:
    import os

    return os.environ.get("RISKMON_DATABASE_URL")


# --------------------------------------------------------------------------- db
def cmd_db(args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        # deferred: loaded by the command that uses it, so riskmon --help starts fast
        from app import logs

        logs.configure(_paths(args).log_file)  # which migrations ran, and when
        db = _open_db(args, check=False)
        try:
            before = db.schema_status()
            told = len(db.notices)
            db.upgrade()
            for notice in db.notices[told:]:
                print(f"riskmon: {notice}", file=sys.stderr)
            now = db.current_revision()
            where = _redacted(db.url)
            if before.state == "missing":
                print(f"已创建数据库（版本 {now}）：{where}")
            elif before.current != now:
                print(f"数据库已从版本 {before.current} 升级到 {now}：{where}")
            else:
                print(f"数据库已是最新版本（{now}）：{where}")
        finally:
            db.dispose()
        return 0
    if args.db_command == "backup":
        db = _open_db(args)
        try:
            out = Path(args.out)
            db.backup(out)
            print(f"已备份到 {out}")
        finally:
            db.dispose()
        return 0
    if args.db_command == "current":
        db = _open_db(args, check=False)
        try:
            print(db.current_revision() or "（空数据库）")
        finally:
            db.dispose()
        return 0
    if args.db_command in ("check", "reindex"):
        return _db_index(args)
    raise UsageError("请指定 db 的子命令：upgrade、backup、current、check 或 reindex")


def _db_index(args: argparse.Namespace) -> int:
    """``db check``: is the sample list's text index sound (0) or not (1, each problem named);
    ``db reindex``: rebuild it from the samples and enterprises, in one transaction."""
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.store import search_index

    db = _open_db(args)
    try:
        if args.db_command == "check":
            with db.engine.connect() as conn:
                found = search_index.check(conn)
                conn.rollback()
            if found.ok:
                print(f"文字索引完好（{found.detail}）")
                return 0
            for problem in found.problems:
                print(f"文字索引：{problem}")
            print("请运行 riskmon db reindex 重建索引（不改动任何业务数据）。")
            return 1
        with db.maintenance() as conn:
            notice = search_index.rebuild(conn)
        search_index.forget(db.engine)
        if notice:
            print(f"riskmon: {notice}", file=sys.stderr)
            return 1
        print("已重建文字索引（样品编号、产品名称、商标、规格型号、批号，企业名称和统一社会信用代码）")
        return 0
    finally:
        db.dispose()


def _redacted(url: object) -> str:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.config import redact_url

    return redact_url(str(url))


# --------------------------------------------------------------------------- demo, users, audit
def cmd_demo(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import demo

    db = _open_db(args, upgrade=True)
    try:
        summary = demo.load_demo(db, samples=args.samples, actor=_cli_actor(), progress=_stderr_progress)
    finally:
        db.dispose()
    print(summary.describe())
    return 0


def _stderr_progress(done: int, total: int) -> None:
    if total >= 5000 and (done == total or done % 5000 == 0):
        print(f"  已生成 {done}/{total} 个样品", file=sys.stderr)


def _read_new_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise UsageError("没有从标准输入读到密码")
        return line.rstrip("\r\n")
    first = getpass.getpass("密码：")
    second = getpass.getpass("再次输入密码：")
    if first != second:
        raise UsageError("两次输入的密码不一致")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    """Users on the command line. Adding a user or changing roles needs an administrator
    (``--admin NAME``, their password asked like a sign-in and throttled the same way) and runs as
    that administrator in the audit log; only the very first user of an empty database is added
    without one."""
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import users
    from app.services.context import Context

    def as_admin(db) -> Context:
        password = _read_secret(f"管理员 {args.admin} 的密码：")
        return Context(db, users.authenticate(db, args.admin, password))

    def find(ctx: Context, name: str) -> users.UserInfo:
        found = next((u for u in users.list_users(ctx) if u.username == name), None)
        if found is None:
            raise UsageError(f"没有用户 {name}")
        return found

    def roles_text(roles) -> str:
        return "、".join(users.role_label(r) for r in roles)

    if args.user_command == "add":
        admin_password = _read_secret(f"管理员 {args.admin} 的密码：") if args.admin else None
        password = _read_new_password(args.password_stdin)
        db = _open_db(args)
        try:
            fields = {"username": args.name, "display_name": args.display_name or args.name, "roles": args.role,
                      "password": password}
            if admin_password is None:  # bootstrap: only while the database has no user at all
                info = users.create_first_user(db, actor=_cli_actor(), **fields)
            else:
                admin = Context(db, users.authenticate(db, args.admin, admin_password))
                info = users.create_user(admin, **fields)
        finally:
            db.dispose()
        print(f"已添加用户 {info.username}（{roles_text(info.roles)}）")
        return 0
    if args.user_command == "roles":
        db = _open_db(args)
        try:
            admin = as_admin(db)
            target = find(admin, args.name)
            info = users.update_user(admin, target.id, version=target.version, display_name=target.display_name,
                                     roles=args.role, active=target.active)
        finally:
            db.dispose()
        print(f"已将用户 {info.username} 的角色改为：{roles_text(info.roles)}")
        return 0
    if args.user_command == "unlock":
        db = _open_db(args)
        try:
            cleared = users.unlock_login(as_admin(db), args.name)
        finally:
            db.dispose()
        print(f"已解除 {args.name} 的登录锁定。" if cleared else f"{args.name} 没有登录失败记录，无需解除。")
        return 0
    if args.user_command == "list":
        db = _open_db(args)
        try:
            for info in users.list_users_unchecked(db):
                state = "启用" if info.active else "停用"
                print(f"{info.username}\t{info.display_name}\t{roles_text(info.roles)}\t{state}")
        finally:
            db.dispose()
        return 0
    raise UsageError("请指定 user 的子命令：add、roles、unlock 或 list")


def cmd_audit(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import integrity

    db = _open_db(args)
    try:
        if args.audit_command == "verify":
            anchors = None
            if args.anchor:
                try:
                    data = Path(args.anchor).read_bytes()
                except OSError as exc:
                    raise UsageError(f"无法读取检查点文件 {args.anchor}：{exc.strerror or exc}") from exc
                anchors = integrity.read_anchor(data, source=args.anchor)
            report = integrity.verify_integrity(db, anchors=anchors)
            for line in report.lines():
                print(line)
            return 0 if report.ok else 1
        if args.audit_command == "checkpoint":
            # deferred: loaded by the command that uses it, so riskmon --help starts fast
            from app.services import labkey

            ctx = _cli_context(db)
            if args.key_password_stdin:
                labkey.unlock(ctx, _read_secret("签章密钥的密码："))
            if not args.export_only:
                cp = integrity.make_checkpoint(ctx, reason="manual")
                print(f"已签署审计检查点：第 {cp.seq} 条，哈希 {cp.head_hash}")
            if args.export:
                # deferred: loaded by the command that uses it, so riskmon --help starts fast
                from app.documents._io import atomic_write_bytes

                with db.session() as session:
                    data = integrity.export_checkpoints(session)
                with _writing(Path(args.export)):
                    atomic_write_bytes(Path(args.export), data)
                print(f"已导出检查点到 {args.export}：请保存在本机构数据库以外的地方（另一台电脑、移动介质或邮件）。")
            return 0
    finally:
        db.dispose()
    raise UsageError("请指定 audit 的子命令：verify 或 checkpoint")


# --------------------------------------------------------------------------- calendar
def cmd_calendar(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import calendar as calendar_service

    if args.calendar_command == "import":
        db = _open_db(args)
        try:
            result = calendar_service.import_file(
                db, Path(args.file), actor=_cli_actor(), source=args.source, complete=args.complete
            )
        finally:
            db.dispose()
        print(f"已导入 {result.count} 条日历记录")
        if result.completed_year is not None:
            print(f"{result.completed_year} 年的放假通知已标记为完整录入。")
        elif result.official_year is not None:
            print(f"{result.official_year} 年的放假通知已随程序提供（官方），无需标记为完整录入。")
        return 0
    if args.calendar_command == "complete":
        db = _open_db(args)
        try:
            calendar_service.mark_year_complete(
                db, args.year, actor=_cli_actor(), complete=not args.undo, source=args.source
            )
        finally:
            db.dispose()
        if args.undo:
            print(f"{args.year} 年的放假通知已改为未完整录入：依赖该年的期限为暂定。")
        else:
            print(f"{args.year} 年的放假通知已标记为完整录入。")
        return 0
    if args.calendar_command == "show":
        db = _open_db(args)
        try:
            view = calendar_service.year_view(db, args.year)
        finally:
            db.dispose()
        print(f"{args.year} 年：{view.state_label}" + (f"（{view.source}）" if view.source else ""))
        for row in view.days:
            print(f"{row.date.isoformat()}\t{row.kind_label}\t{row.name}\t{row.source_label}\t{row.detail}".rstrip())
        return 0
    raise UsageError("请指定 calendar 的子命令：import、complete 或 show")


# --------------------------------------------------------------------------- gui
def cmd_gui(args: argparse.Namespace) -> int:
    # deferred: Qt and the GUI load only for riskmon gui
    from app.ui.main import run_gui

    if getattr(args, "page", None) is not None:  # before any database or window is opened
        # deferred: the main window's page table, only with --page
        from app.ui.main_window import unknown_page_message

        problem = unknown_page_message(args.page)
        if problem:
            raise UsageError(f"--page：{problem}")
    paths = _paths(args)
    return run_gui(
        paths,
        demo=getattr(args, "demo", False),
        screenshot=Path(args.screenshot) if getattr(args, "screenshot", None) else None,
        page=getattr(args, "page", None),
    )


# --------------------------------------------------------------------------- documents and exchange
def _cli_context(db):
    """All roles, acting as ``cli:<os user>`` in the audit log (no one signs in on the command line)."""
    from dataclasses import replace

    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services.context import SYSTEM, Context

    return Context(db, replace(SYSTEM, username=_cli_actor()))


def _writing(path: Path):
    """Turn a file-system error while writing ``path`` into one clear line."""
    import contextlib

    @contextlib.contextmanager
    def guard():
        try:
            yield
        except OSError as exc:
            # deferred: the file writer's messages, only when a write failed
            from app.documents._io import output_error

            raise output_error(exc, path) from None

    return guard()


def _month_arg(text: str) -> tuple[int, int]:
    import re

    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise UsageError(f"月份“{text}”无效，应写作 YYYY-MM（如 2026-11）")
    return int(m[1]), int(m[2])


def _left_the_lab(what: str, consent: str = "") -> None:
    """Article 8 on stderr after an export (stdout keeps the path, for scripts): what left the lab and
    that it may not be made public — or, for a publication-ready copy, the consent it rests on."""
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.rules.publication import ARTICLE_8, MARK

    print(f"已导出{what}：{consent}" if consent else f"已导出{what}，{MARK}：{ARTICLE_8}", file=sys.stderr)


def cmd_export_package(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import documents

    db = _open_db(args)
    try:
        ctx = _cli_context(db)
        result = documents.export_task_package(ctx, documents.task_id_by_number(ctx, args.task), Path(args.out))
    finally:
        db.dispose()
    print(result.path)
    _left_the_lab(f"任务 {args.task} 的导出包（{len(result.contents.samples)} 个样品）")
    return 0


def cmd_verify_package(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.documents.package import verify_package

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"找不到导出包：{path}")
    report = verify_package(path)
    # who made it: the manifest's signature against this lab's certificates (when there is a database);
    # deferred: the lab key service and SQLAlchemy load only for this check
    from app.documents.package import check_signer
    from app.services.labkey import trusted_certificates
    from app.store.uow import UnitOfWork

    try:
        db = _open_db(args)
    except RiskmonError:
        db = None
    if db is not None:
        try:
            with UnitOfWork(db, actor="verify") as uow:
                check_signer(report, trusted_certificates(uow.session))
        finally:
            db.dispose()
    elif not report.signed:
        report.add("manifest_signature", "清单未签名：无法证明导出包出自本机构")
    if report.ok:
        m = report.manifest or {}
        print(f"导出包校验通过：任务 {m.get('task', {}).get('number', '')}，{len(m.get('samples', []))} 个样品，"
              f"{len(m.get('files', []))} 个文件；清单由 {report.signer} 签名。")
        return 0
    print(f"导出包校验未通过（{len(report.problems)} 个问题）：")
    for code, problem in zip(report.codes, report.problems, strict=False):
        print(f"  [{code}] {problem}")
    return 1


def cmd_template(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.documents.excel import write_template

    with _writing(Path(args.out)):
        path = write_template(args.kind, Path(args.out))
    print(f"已生成模板：{path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import documents, imports
    from app.services.excel_import import ImportRowsError

    db = _open_db(args)
    try:
        ctx = _cli_context(db)
        task_id = documents.task_id_by_number(ctx, args.task)
        accept = bool(getattr(args, "yes", False))
        while True:
            try:
                result = imports.import_sampling(ctx, Path(args.file), task_id=task_id, accept_warnings=accept)
                break
            except ImportRowsError as exc:
                for problem in exc.problems:  # every bad row on stdout; the one-line error on stderr
                    print(problem)
                head = exc.message.splitlines()[0] if exc.message else "导入失败，未导入任何数据。"
                raise RiskmonError(head) from None
            except imports.ImportWarnings as exc:  # listed before anything is written
                print("导入前请确认以下提醒（尚未导入任何数据）：")
                for warning in exc.warnings:
                    print(f"  {warning}")
                if accept or not sys.stdin.isatty():
                    raise RiskmonError(f"有 {len(exc.warnings)} 条提醒需要确认，未导入任何数据：核对无误后加 --yes 重新运行。"
                                       ) from None
                answer = input("以上提醒已核对，继续导入？[y/N] ").strip().lower()
                if answer not in ("y", "yes", "是"):
                    raise RiskmonError("已取消，未导入任何数据。") from None
                accept = True
    finally:
        db.dispose()
    print(f"已导入 {result.count} 个样品到任务 {result.task_number}：")
    for s in result.samples:
        print(f"  第{s.row}行 {s.file_number} → {s.number}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.documents._io import atomic_write_bytes
    from app.services import documents, notifications

    out = Path(args.out)
    db = _open_db(args)
    try:
        ctx = _cli_context(db)
        with _writing(out):
            if args.report_kind == "test":
                pdf = documents.test_report_pdf(ctx, documents.sample_id_by_number(ctx, args.sample))
                print(atomic_write_bytes(out, pdf))
                what = f"样品 {args.sample} 的检验报告"
            elif args.report_kind == "notices":
                batch = notifications.generate_notices(ctx, documents.task_id_by_number(ctx, args.task), out)
                print(f"已生成 {len(batch.paths)} 份告知书：{batch.folder}")
                what = f"任务 {args.task} 的告知书 {len(batch.paths)} 份"
            elif args.report_kind == "analysis":
                pdf = documents.analysis_pdf(ctx, documents.task_id_by_number(ctx, args.task))
                print(atomic_write_bytes(out, pdf))
                what = f"任务 {args.task} 的分析报告"
            else:
                year, month = _month_arg(args.month)
                print(documents.write_monthly(ctx, year, month, out))
                what = f"{year} 年 {month} 月风险信息月报"
        _left_the_lab(what)
    finally:
        db.dispose()
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import documents

    out = Path(args.out)
    db = _open_db(args)
    try:
        ctx = _cli_context(db)
        task_id = documents.task_id_by_number(ctx, args.task)
        consent = _consent_line(ctx, task_id) if args.public else ""  # --public: refused without a 公开同意 record
        with _writing(out):
            write = documents.write_results if args.command == "results" else documents.write_ledger
            path = write(ctx, task_id, out, public=args.public)
    finally:
        db.dispose()
    print(path)
    kind = "检验结果汇总" if args.command == "results" else "样品台账"
    _left_the_lab(f"任务 {args.task} 的{kind}" + ("（可公开版本）" if consent else ""), consent)
    return 0


def _consent_line(ctx, task_id: int) -> str:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import publication

    consent = publication.get_consent(ctx, task_id)
    return consent.line if consent is not None else ""


def _add_document_commands(sub) -> None:
    ep = sub.add_parser("export-package", help="导出任务导出包（ZIP，供手工上传）")
    ep.add_argument("--task", required=True, help="任务编号")
    ep.add_argument("--out", required=True, help="输出文件夹")
    ep.set_defaults(func=cmd_export_package)

    vp = sub.add_parser("verify-package", help="校验任务导出包")
    vp.add_argument("file")
    vp.set_defaults(func=cmd_verify_package)

    tp = sub.add_parser("template", help="生成 Excel 导入模板")
    tp.add_argument("kind", choices=("sampling", "catalog"), help="sampling 抽样信息 | catalog 标准目录")
    tp.add_argument("--out", required=True, help="输出 .xlsx 文件")
    tp.set_defaults(func=cmd_template)

    im = sub.add_parser("import", help="从 Excel 模板导入")
    ims = im.add_subparsers(dest="import_kind", required=True, parser_class=_Parser)
    isp = ims.add_parser("sampling", help="导入抽样信息（全部正确才导入）")
    isp.add_argument("file")
    isp.add_argument("--task", required=True, help="任务编号")
    isp.add_argument("--yes", action="store_true",
                     help="确认提醒（编号超出规则位数、超出计划批次、疑似重复登记）后直接导入")
    im.set_defaults(func=cmd_import)

    rp = sub.add_parser("report", help="出具报告与告知书（PDF）")
    rps = rp.add_subparsers(dest="report_kind", required=True, parser_class=_Parser)
    rt = rps.add_parser("test", help="检验报告")
    rt.add_argument("--sample", required=True, help="样品编号")
    rt.add_argument("--out", required=True, help="输出 .pdf 文件")
    rn = rps.add_parser("notices", help="任务的全部告知书")
    rn.add_argument("--task", required=True, help="任务编号")
    rn.add_argument("--out", required=True, help="输出文件夹")
    ra = rps.add_parser("analysis", help="风险监测分析报告")
    ra.add_argument("--task", required=True, help="任务编号")
    ra.add_argument("--out", required=True, help="输出 .pdf 文件")
    rm = rps.add_parser("monthly", help="风险信息月报")
    rm.add_argument("--month", required=True, help="月份 YYYY-MM")
    rm.add_argument("--out", required=True, help="输出 .pdf 或 .xlsx 文件")
    rp.set_defaults(func=cmd_report)

    lg = sub.add_parser("ledger", help="导出样品台账（Excel）")
    lg.add_argument("--task", required=True, help="任务编号")
    lg.add_argument("--out", required=True, help="输出 .xlsx 文件")
    lg.add_argument("--public", action="store_true",
                    help="可公开版本（不加“内部资料 注意保密”，注明公开同意）：仅限已登记公开同意的任务（第八条）")
    lg.set_defaults(func=cmd_ledger)

    rs = sub.add_parser("results", help="导出检验结果汇总（Excel，已批准报告的每个检验项目一行）")
    rs.add_argument("--task", required=True, help="任务编号")
    rs.add_argument("--out", required=True, help="输出 .xlsx 文件")
    rs.add_argument("--public", action="store_true",
                    help="可公开版本（不加“内部资料 注意保密”，注明公开同意）：仅限已登记公开同意的任务（第八条）")
    rs.set_defaults(func=cmd_ledger)


# --------------------------------------------------------------------------- provincial upload
class _Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, ``systemctl stop``, ``kill``): handled as Ctrl+C is."""


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """While the block runs on the main thread, SIGTERM raises :class:`_Terminated` there."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def terminated(signum, frame) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _until_done(work, stop):
    """Run ``work`` on a thread; the first Ctrl+C or SIGTERM asks it to stop after the current upload
    (nothing is lost: claimed items go back to the queue), a second one gives up waiting."""
    import threading

    result: dict[str, object] = {}
    finished = threading.Event()  # not Thread.join: an interrupted join may report a live thread as ended

    def target() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
            result["error"] = exc
        finally:
            finished.set()

    with _sigterm_as_interrupt():
        threading.Thread(target=target, name="riskmon-sync", daemon=True).start()
        while not finished.is_set():
            try:
                finished.wait(0.2)
            except KeyboardInterrupt as interrupt:
                if stop.is_set():
                    raise
                stop.set()
                if isinstance(interrupt, _Terminated):
                    log.info("SIGTERM: stopping after the upload in flight")
                    print("riskmon sync: 收到停止信号，等待当前上传完成后退出…", file=sys.stderr, flush=True)
                else:
                    print("riskmon sync: 正在停止，等待当前上传完成（再按一次 Ctrl+C 立即退出）…", file=sys.stderr,
                          flush=True)
    error = result.get("error")
    if isinstance(error, BaseException):
        raise error
    return result["value"]


def _print_uploads(rows) -> None:
    if not rows:
        print("上传队列为空。")
        return
    for r in rows:
        when = f"{r.accepted_at:%Y-%m-%d %H:%M}" if r.accepted_at else ""
        later = f"下次 {r.next_attempt_at:%m-%d %H:%M}" if r.next_attempt_at else ""
        cells = [str(r.id), r.state_label, r.kind_label, r.task_number, r.report_number or "-",
                 r.sample_number or "-", f"尝试 {r.attempts} 次", r.receipt_number, when, later,
                 r.note if r.superseded else r.last_error]
        print("\t".join(cells).rstrip())


def _terminal_prompt(username: str) -> str | None:
    """Ask for the provincial password on the terminal (``None`` when there is no terminal)."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"省级系统账号 {username} 的密码：") or None


def _retry_policy(args: argparse.Namespace):
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services.upload import RetryPolicy

    given = {"base_delay": args.base_delay, "max_delay": args.max_delay, "jitter": args.jitter, "lease": args.lease,
             "batch_size": args.batch}
    return RetryPolicy(**{k: v for k, v in given.items() if v is not None})


def cmd_sync(args: argparse.Namespace) -> int:
    import os
    import threading

    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import upload

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("没有从标准输入读到省级系统密码")
    elif args.password_env:
        password = os.environ.get(args.password_env) or None  # automation: the variable may be unset
        if password is None:
            raise UsageError(f"环境变量 {args.password_env} 中没有省级系统密码")
    db = _open_db(args)
    try:
        ctx = _cli_context(db)
        if args.list:
            _print_uploads(upload.list_uploads(ctx, which=args.which))
            return 0
        # deferred: loaded by the command that uses it, so riskmon --help starts fast
        from app import logs

        logs.configure(_paths(args).log_file)  # a service's warnings (retries, lost lines) are kept
        gateway = upload.open_gateway(
            db, password=password, prompt=None if password else _terminal_prompt, url=args.url,
            username=args.user, connect_timeout=args.connect_timeout, read_timeout=args.read_timeout,
        )
        policy = _retry_policy(args)
        stop = threading.Event()

        def progress(outcome) -> None:
            try:
                row = upload.get_upload(ctx, outcome.item_id)
            except RiskmonError:
                row = None
            print(upload.outcome_line(outcome, row), flush=True)

        try:
            if args.once:
                summary = _until_done(lambda: upload.sync_once(ctx, gateway=gateway, progress=progress,
                                                               stop=stop.is_set, policy=policy), stop)
            elif args.drain is not None:
                summary = _until_done(lambda: upload.drain(ctx, gateway, timeout=args.drain, policy=policy,
                                                           stop=stop.is_set), stop)
            else:
                print("正在持续上传到省级系统（按 Ctrl+C 停止）…", file=sys.stderr, flush=True)
                summary = _until_done(
                    lambda: upload.run_forever(ctx, gateway, stop, policy=policy, progress=progress,
                                               idle_interval=args.idle),
                    stop,
                )
        finally:
            gateway.close()
    finally:
        db.dispose()
    if args.once or args.drain is not None or summary.credentials_problem:
        print(summary.describe())
    else:
        print(f"已停止上传。本次运行共处理 {summary.claimed} 项，已接收 {summary.accepted} 项，"
              f"稍后重试 {summary.retry_scheduled} 项，需人工处理 {summary.failed} 项。")
    if summary.credentials_problem:
        print("riskmon sync: 请检查省级系统用户名和密码（--password-stdin，或保存到系统密码库）", file=sys.stderr)
        return 3
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.sync import sandbox

    if not 0.0 <= args.fail_rate <= 1.0:
        raise UsageError("--fail-rate 应在 0 到 1 之间（如 0.2 表示 20% 的请求返回 HTTP 500）")
    if args.latency < 0:
        raise UsageError("--latency 不能为负数")
    if not 0 <= args.port <= 65535:
        raise UsageError("--port 应在 0 到 65535 之间（0 表示任意空闲端口）")
    state = Path(args.state) if args.state else _paths(args).home / "sandbox" / "provincial-sandbox.sqlite3"
    with _writing(state.parent):
        state.parent.mkdir(parents=True, exist_ok=True)
    user, password = next(iter(sandbox.DEFAULT_USERS.items()))

    def ready(url: str) -> None:
        print(f"省级系统模拟环境已启动：{url}（仅本机 127.0.0.1）", flush=True)
        print(f"演示账号：{user}　密码：{password}")
        print(f"记录保存在：{state}")
        print("在另一个终端上传待报送内容：")
        print(f"  RISKMON_PROVINCIAL_URL={url} RISKMON_PROVINCIAL_USER={user} riskmon sync --once")
        print("按 Ctrl+C 停止。", flush=True)

    try:
        code = sandbox.serve(args.port, args.fail_rate, args.latency, state, ready=ready)
    except OSError as exc:
        raise UsageError(f"无法在端口 {args.port} 启动模拟环境：{exc.strerror or exc}（可用 --port 换一个端口）") from None
    print("模拟环境已停止。", file=sys.stderr)
    return code


def _add_sync_commands(sub) -> None:
    sy = sub.add_parser("sync", help="上传最终结果和分析报告到省级系统（第十八条）")
    mode = sy.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="处理一轮到期的上传后退出（默认持续运行，Ctrl+C 停止）")
    mode.add_argument("--drain", type=float, default=None, metavar="SECONDS",
                      help="反复处理，直到全部完成、需人工处理或超时后退出")
    secret = sy.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="从标准输入读取省级系统密码（用于脚本）")
    secret.add_argument("--password-env", default=None, metavar="NAME", help="从该环境变量读取省级系统密码（用于自动化）")
    sy.add_argument("--url", default=None, help="省级系统地址（默认：设置，或 RISKMON_PROVINCIAL_URL）")
    sy.add_argument("--user", default=None, help="省级系统用户名（默认：设置，或 RISKMON_PROVINCIAL_USER）")
    sy.add_argument("--idle", type=float, default=30.0, metavar="SECONDS", help="持续运行时最长的检查间隔（秒）")
    # the retry policy; unset: the production defaults (app.sync.worker.RetryPolicy)
    sy.add_argument("--lease", type=float, default=None, metavar="SECONDS", help="领取租约秒数（默认 600）")
    sy.add_argument("--base-delay", type=float, default=None, metavar="SECONDS", help="首次重试等待秒数（默认 30）")
    sy.add_argument("--max-delay", type=float, default=None, metavar="SECONDS", help="重试等待上限秒数（默认 3600）")
    sy.add_argument("--jitter", type=float, default=None, help="重试等待的随机抖动比例（默认 0.25）")
    sy.add_argument("--batch", type=int, default=None, help="每次领取的项目数（默认 5）")
    sy.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS", help="连接超时（秒）")
    sy.add_argument("--read-timeout", type=float, default=60.0, metavar="SECONDS", help="读取超时（秒）")
    sy.add_argument("--list", action="store_true", help="只列出上传队列（状态、回执编号），不上传")
    sy.add_argument("--which", choices=("all", "open", "attention", "done"), default="all",
                    help="与 --list 一起：all 全部 | open 未完成 | attention 需人工处理 | done 已完成")
    sy.set_defaults(func=cmd_sync)

    sb = sub.add_parser("sandbox", help="启动省级系统本地模拟环境（仅 127.0.0.1，用于演示和测试）")
    sb.add_argument("--port", type=int, default=8765, help="端口（默认 8765；0 表示任意空闲端口）")
    sb.add_argument("--fail-rate", type=float, default=0.0, help="返回 HTTP 500 的比例（0–1）")
    sb.add_argument("--latency", type=int, default=0, metavar="MS", help="每个请求的附加延迟（毫秒）")
    sb.add_argument("--state", default=None, help="保存记录的文件（默认：数据目录下 sandbox/）")
    sb.set_defaults(func=cmd_sandbox)


# --------------------------------------------------------------------------- the lab's key
def _read_secret(prompt: str) -> str:
    """One line from standard input when it is not a terminal, else asked without echo."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line.strip():
            raise UsageError("没有从标准输入读到密码")
        return line.rstrip("\r\n")
    return getpass.getpass(prompt)


def cmd_lab(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import labkey

    db = _open_db(args)
    try:
        ctx = _cli_context(db)
        if args.lab_command == "key":
            keys = labkey.list_keys(ctx)
            if not keys:
                print("本机构还没有签章密钥：签发的文件标注“未签名”。用 riskmon lab create-key 生成，"
                      "或 riskmon lab import-certificate FILE.p12 导入。")
                return 0
            for k in keys:
                state = "当前" if k.active else "已停用"
                print(f"{state}\t{k.label}\t指纹 {k.fingerprint[:16]}…")
            return 0
        if args.lab_command == "create-key":
            password = _read_new_password(args.password_stdin)
            info = labkey.create_key(ctx, password, remember=args.remember)
            print(f"已生成签章密钥：{info.label}")
            return 0
        if args.lab_command == "import-certificate":
            try:
                data = Path(args.file).read_bytes()
            except OSError as exc:
                raise UsageError(f"无法读取证书文件 {args.file}：{exc.strerror or exc}") from exc
            password = _read_secret("证书文件的密码：")
            info = labkey.import_key(ctx, data, password, remember=args.remember)
            print(f"已导入签章证书：{info.label}")
            return 0
    finally:
        db.dispose()
    return 2


def cmd_verify_report(args: argparse.Namespace) -> int:
    # deferred: loaded by the command that uses it, so riskmon --help starts fast
    from app.services import verify

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取文件 {args.file}：{exc.strerror or exc}") from exc
    db = _open_db(args)
    try:
        verdict = verify.verify_pdf(db, data)
    finally:
        db.dispose()
    print(verdict.line)
    return verdict.exit_code


def _add_security_commands(sub: Any) -> None:
    lb = sub.add_parser("lab", help="实验室签章密钥（签发文件的数字签名）")
    lbs = lb.add_subparsers(dest="lab_command", required=True, parser_class=_Parser)
    lbs.add_parser("key", help="显示签章密钥")
    ck = lbs.add_parser("create-key", help="生成自签名的签章密钥（证书中写明机构名称和 CMA 编号）")
    ck.add_argument("--password-stdin", action="store_true", help="从标准输入读取密钥密码")
    ck.add_argument("--remember", action="store_true", help="把密码保存在本机的系统密码库中")
    ic = lbs.add_parser("import-certificate", help="导入 CA 签发的 PKCS#12 证书（.p12/.pfx），密码从标准输入读取")
    ic.add_argument("file")
    ic.add_argument("--remember", action="store_true", help="把密码保存在本机的系统密码库中")
    lb.set_defaults(func=cmd_lab)

    vr = sub.add_parser("verify-report", help="核验 PDF 是否为本机构签发且未被改动（退出码 0 真实，1 改动或未签名，2 非本机构）")
    vr.add_argument("file")
    vr.set_defaults(func=cmd_verify_report)


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="riskmon", description="湖北省工业产品质量安全风险监测工作站")
    p.add_argument("--version", action="version", version=f"riskmon {__version__}")
    p.add_argument("--database-url", help="数据库地址（默认：数据目录中的 SQLite 文件；或 RISKMON_DATABASE_URL）")
    p.add_argument("--home", help="数据目录（或 RISKMON_HOME）")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    r = sub.add_parser("rules", help="按《办法》规则计算（JSON 输出）")
    rs = r.add_subparsers(dest="rule", required=True, parser_class=_Parser)
    d = rs.add_parser("deadline", help="5 个工作日报送期限（第十八条）")
    d.add_argument("--completed", required=True, help="初次风险监测完成日期 YYYY-MM-DD")
    d.add_argument("--working-days", default=5, help="工作日数（默认 5）")
    for name, helptext in (
        ("standard", "判定依据选择（第十六、十七条）"),
        ("notify", "告知对象（第十八条第二款）"),
        ("panel", "专家组校验（第五条）"),
        ("risk", "风险预警等级（第十九、二十条）"),
        ("trend", "问题检出率的上升趋势（第十二条（一），Cochran–Armitage 检验）"),
        ("cluster", "检出率高于其余各组的地区或行业（第十二条（二），Fisher 精确检验）"),
    ):
        sp = rs.add_parser(name, help=helptext)
        sp.add_argument("case", help="CASE.json，或 - 表示标准输入")
    u = rs.add_parser("uscc", help="统一社会信用代码校验（GB 32100-2015）")
    u.add_argument("code")
    r.set_defaults(func=cmd_rules)

    dbp = sub.add_parser("db", help="数据库：升级、备份")
    dbs = dbp.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    dbs.add_parser("upgrade", help="升级数据库到当前版本")
    b = dbs.add_parser("backup", help="在线一致性备份")
    b.add_argument("--out", required=True, help="备份文件")
    dbs.add_parser("current", help="显示数据库版本")
    dbs.add_parser("check", help="检查样品列表的文字索引：完好时退出码 0，否则 1 并列出问题")
    dbs.add_parser("reindex", help="由样品和企业数据重建文字索引")
    dbp.set_defaults(func=cmd_db)

    dm = sub.add_parser("demo", help="载入演示实验室数据")
    dm.add_argument("--samples", type=int, default=None, help="样品数量（用于性能测试）")
    dm.set_defaults(func=cmd_demo)

    us = sub.add_parser(
        "user", help="用户管理",
        description="添加用户和修改角色须由管理员授权：--admin 管理员用户名，随后输入该管理员的密码（与登录相同，"
                    "连续输错将被锁定）；操作在审计日志中记为该管理员。只有空数据库的第一个用户无需授权，且须有管理员角色。",
    )
    uss = us.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    admin_help = ("授权的管理员用户名。其密码在终端不回显输入；标准输入不是终端时读取标准输入的第一行"
                  "（添加用户时新用户的密码在下一行）")
    ua = uss.add_parser(
        "add", help="添加用户（须 --admin 管理员授权；空数据库的第一个管理员除外）",
        description="密码顺序：先是 --admin 管理员的密码，再是新用户的密码。在终端中均不回显输入（新密码输入两次）；"
                    "使用 --password-stdin 或标准输入不是终端时，每个密码各占标准输入的一行。例如："
                    "printf '管理员密码\\n新用户密码\\n' | riskmon user add lihua --role technician --admin admin "
                    "--password-stdin",
    )
    ua.add_argument("name")
    ua.add_argument("--role", action="append", required=True, choices=ROLE_CHOICES)
    ua.add_argument("--display-name")
    ua.add_argument("--admin", metavar="NAME", help=admin_help)
    ua.add_argument("--password-stdin", action="store_true",
                    help="从标准输入读取密码，每行一个：先管理员的（有 --admin 时），再新用户的")
    ur = uss.add_parser("roles", help="修改用户的角色（须 --admin 管理员授权）")
    ur.add_argument("name")
    ur.add_argument("--role", action="append", required=True, choices=ROLE_CHOICES,
                    help="新的角色（可重复），替换原有角色")
    ur.add_argument("--admin", metavar="NAME", required=True, help=admin_help)
    ul = uss.add_parser("unlock", help="解除登录锁定：清除该用户名连续登录失败的记录（须 --admin 管理员授权）")
    ul.add_argument("name")
    ul.add_argument("--admin", metavar="NAME", required=True, help=admin_help)
    uss.add_parser("list", help="列出用户")
    us.set_defaults(func=cmd_user)

    au = sub.add_parser("audit", help="审计日志")
    aus = au.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    av = aus.add_parser("verify", help="校验审计日志：哈希链、业务数据与日志是否一致、已签名检查点（退出码 0 未发现篡改）")
    av.add_argument("--anchor", metavar="FILE",
                    help="同时核对此前导出的检查点文件（audit checkpoint --export）或上传包的 manifest.json")
    acp = aus.add_parser("checkpoint", help="用实验室签章密钥签署审计日志的链头（检查点）")
    acp.add_argument("--key-password-stdin", action="store_true",
                     help="从标准输入读取签章密钥的密码（也可设置 RISKMON_KEY_PASSWORD 或保存在系统密码库）")
    acp.add_argument("--export", metavar="FILE", help="把全部检查点（含证书）导出到文件，供日后 --anchor 核对")
    acp.add_argument("--export-only", action="store_true", help="只导出，不签署新的检查点")
    au.set_defaults(func=cmd_audit)

    ca = sub.add_parser("calendar", help="工作日日历")
    cas = ca.add_subparsers(dest="calendar_command", required=True, parser_class=_Parser)
    ci = cas.add_parser("import", help="导入国务院办公厅放假通知（CSV 或 JSON：date, kind, name）")
    ci.add_argument("file")
    ci.add_argument("--source", default=None, help="来源说明，如通知文号")
    ci.add_argument("--complete", action="store_true",
                    help="文件是该年放假通知的全部内容：导入后把该年标记为完整录入（不再暂定）")
    cc = cas.add_parser("complete", help="把某年的放假通知标记为已完整录入（该年不再暂定）")
    cc.add_argument("year", type=int)
    cc.add_argument("--source", default=None, help="来源说明，如通知文号")
    cc.add_argument("--undo", action="store_true", help="取消标记：依赖该年的期限恢复为暂定")
    cs = cas.add_parser("show", help="显示某年的节假日与调休")
    cs.add_argument("year", type=int)
    ca.set_defaults(func=cmd_calendar)

    g = sub.add_parser("gui", help="启动图形界面")
    g.add_argument("--demo", action="store_true", help="使用临时演示数据库并自动登录")
    g.add_argument("--screenshot", metavar="FILE", help="把主窗口渲染为 PNG 后退出")
    g.add_argument("--page", help="截图时显示的页面（如 dashboard、samples）")
    g.set_defaults(func=cmd_gui)
    _add_document_commands(sub)
    _add_sync_commands(sub)
    _add_security_commands(sub)
    return p


def _log_unexpected(args: argparse.Namespace | None) -> Path | None:
    """The traceback of the exception being handled, once, in the rotating log file."""
    try:
        # deferred: app.logs loads only when an unexpected error is logged
        from app import config, logs

        if logs.current_log_file() is None:
            paths = config.resolve(getattr(args, "home", None), getattr(args, "database_url", None))
            logs.configure(paths.log_file)
        command = " ".join(str(a) for a in (getattr(args, "command", None), getattr(args, "db_command", None)) if a)
        return logs.log_exception(f"riskmon {command or ''}: unexpected error".replace("  ", " "))
    except Exception:  # noqa: BLE001 - logging must never raise
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args: argparse.Namespace | None = None
    try:
        args = parser.parse_args(argv)
        func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
        return func(args)
    except RiskmonError as exc:
        print(f"riskmon: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("riskmon: 已取消", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        log = _log_unexpected(args)
        where = f"，详情见 {log}" if log else ""
        print(f"riskmon: 内部错误（{type(exc).__name__}）{where}", file=sys.stderr)
        return 2


_GLOBAL_OPTIONS = ("--home", "--database-url")


def gui_argv(argv: Sequence[str]) -> list[str]:
    """``riskmon-gui [--home H] [--database-url U] [--demo …]`` as ``riskmon [--home H] … gui [--demo …]``."""
    head: list[str] = []
    rest = list(argv)
    while rest and rest[0].split("=", 1)[0] in _GLOBAL_OPTIONS:
        option = rest.pop(0)
        head.append(option)
        if "=" not in option and rest:
            head.append(rest.pop(0))
    return [*head, "gui", *rest]


def gui_main() -> int:
    """The ``riskmon-gui`` entry point: a gui-script, so Windows opens no console window for it (and
    gives it no standard streams: what would be printed goes nowhere instead of failing)."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - for the process
    return main(gui_argv(sys.argv[1:]))
