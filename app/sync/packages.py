"""Checking an export package before it is queued (and, in the sandbox, when it arrives).

``app.documents.package.verify_package`` is the authority (``docs/package-format.md``). Until
that module is present, a small check of the ZIP and the manifest's sizes and checksums stands
in for it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile


def _basic_verify(data: bytes) -> tuple[list[str], list[str]]:
    """Zip + manifest checksums (used only when the documents layer's verifier is absent)."""
    problems: list[str] = []
    codes: list[str] = []

    def bad(code: str, text: str) -> None:
        codes.append(code)
        problems.append(text)

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        bad("not_zip", "上传内容不是有效的 ZIP 文件")
        return problems, codes
    with zf:
        names = zf.namelist()
        if "manifest.json" not in names:
            bad("no_manifest", "上传包中缺少 manifest.json")
            return problems, codes
        try:
            manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
        except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
            bad("bad_manifest", "manifest.json 不是有效的 UTF-8 JSON")
            return problems, codes
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
            bad("bad_manifest", "manifest.json 缺少 files 清单")
            return problems, codes
        if manifest.get("format") != "riskmon.task-package" or manifest.get("schema_version") != 1:
            bad("unsupported_version", "上传包格式或版本不受支持")
        listed: set[str] = set()
        for entry in manifest["files"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                bad("bad_manifest", "manifest.json 的 files 清单格式错误")
                continue
            name = entry["name"]
            listed.add(name)
            if name not in names:
                bad("missing_file", f"清单中的文件 {name} 不在上传包中")
                continue
            try:
                content = zf.read(name)
            except (zipfile.BadZipFile, OSError, ValueError):
                bad("corrupt_entry", f"文件 {name} 已损坏，无法解压")
                continue
            if len(content) != entry.get("size"):
                bad("size_mismatch", f"文件 {name} 的大小与清单不符")
            if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
                bad("hash_mismatch", f"文件 {name} 的 SHA-256 与清单不符")
        for name in names:
            if name != "manifest.json" and name not in listed:
                bad("unlisted_file", f"文件 {name} 未列入清单")
    return problems, codes


def validate_package(data: bytes) -> tuple[list[str], list[str]]:
    """(problems, codes) of a package; both empty when it is acceptable.

    Uses ``app.documents.package.verify_package`` (the same check ``riskmon`` applies before
    sending) and falls back to a small zip + checksum check when that module is not present.
    """
    try:
        from app.documents.package import verify_package
    except ImportError:
        return _basic_verify(data)
    report = verify_package(data)
    return list(report.problems), list(report.codes)
