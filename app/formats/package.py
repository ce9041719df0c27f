"""The export package format (任务导出包, ``docs/package-format.md``, schema version 1): what a
package may contain and how its entries are named and zipped, the recipe that makes a queued
package again from stored documents, and the check of a package received or about to be sent.

Both the documents layer (which writes packages from the documents' data,
``app.documents.package``) and the upload layer (which checks and assembles them,
``app.sync.packages``) import it; it imports neither. ``verify_package`` never raises for a bad
package: it returns every problem, in Chinese, with a stable code.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from app.errors import ValidationError

FORMAT = "riskmon.task-package"
SCHEMA_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"  # the lab key's signature over manifest.json's bytes, base64
MAX_ENTRIES = 10_000
MAX_TOTAL_SIZE = 2 * 1024**3
MAX_NAME_LEN = 240
_FORBIDDEN = set('\\:*?"<>|')
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


# --------------------------------------------------------------------------- names


def name_problem(name: str) -> str | None:
    """Why ``name`` is not an acceptable entry name (path traversal, absolute, …), or ``None``."""
    if not name:
        return "文件名为空"
    if len(name) > MAX_NAME_LEN:
        return f"文件名超过 {MAX_NAME_LEN} 个字符"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "文件名含控制字符"
    bad = sorted(_FORBIDDEN.intersection(name))
    if bad:
        return f"文件名含不允许的字符 {' '.join(bad)}"
    if name.startswith("/"):
        return "文件名不能是绝对路径"
    if name.endswith("/"):
        return "不允许目录条目"
    for part in name.split("/"):
        if part == "":
            return "路径中有空的部分（//）"
        if part in (".", ".."):
            return "路径中不能有 . 或 ..（路径穿越）"
        if part.endswith((".", " ")):
            return f"路径部分“{part}”不能以点或空格结尾"
    return None


def _entry(name: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    """An entry's header: deflated, except PDFs, whose streams are compressed already (stored)."""
    zi = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    zi.compress_type = zipfile.ZIP_STORED if name.lower().endswith(".pdf") else zipfile.ZIP_DEFLATED
    zi.create_system = 3
    zi.external_attr = 0o644 << 16
    return zi


Reader = Callable[[], bytes]


def zip_into(out: BinaryIO, manifest_text: str, stamp: tuple[int, ...],
             files: Iterable[tuple[str, Reader, int, str]], signature: str = "", *,
             check_hashes: bool = True) -> None:
    """The one ZIP writer: ``manifest.json`` first, then ``files`` (name, reader, size, SHA-256)
    and the manifest's signature (``manifest.sig``) in name order, one file's bytes in memory at
    a time, each checked against its size and hash (only its size with ``check_hashes`` false:
    for a caller that checks the hash of the whole package instead)."""
    entries = list(files)
    if signature:
        sig = (signature + "\n").encode("ascii")
        entries.append((SIGNATURE_NAME, lambda: sig, len(sig), hashlib.sha256(sig).hexdigest()))
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(_entry(MANIFEST_NAME, stamp), manifest_text.encode("utf-8"), compresslevel=6)
        for name, read, size, digest in sorted(entries, key=lambda f: f[0]):
            content = read()
            if len(content) != size or (check_hashes and hashlib.sha256(content).hexdigest() != digest):
                raise ValidationError(f"文件 {name} 的内容与保存时的校验值不符，已停止。")
            zf.writestr(_entry(name, stamp), content, compresslevel=6)
            del content


# --------------------------------------------------------------------------- recipes


@dataclass(frozen=True)
class PackageRecipe:
    """How to make a package again from stored documents: the manifest text, the entries' time
    stamp and, per file, where its bytes are kept (``source``, ``ident``) with their size and
    SHA-256. A queued upload keeps its recipe (a few kilobytes) instead of a second copy of the
    documents; :func:`assemble` gives the same bytes, or refuses when a stored file changed."""

    manifest: str
    stamp: tuple[int, ...]
    files: tuple[tuple[str, str, int, int, str], ...]  # name, source, ident, size, sha256
    signature: str = ""  # of the manifest, base64 (deterministic: kept so the package is the same)
    # Worked out once when the package is first made, so that making it again (on every upload
    # attempt) neither deflates the manifest nor computes a CRC-32 over each file: the ZIP's CRC of
    # each file in ``files`` order, and the manifest's entry as stored (raw deflate) with its CRC.
    # Empty in recipes stored before they were kept: then they are computed as before. Whatever
    # they say, the package made is checked against the SHA-256 recorded when it was queued.
    crcs: tuple[int, ...] = ()
    manifest_deflated: bytes = b""
    manifest_crc: int = 0

    @classmethod
    def made(cls, manifest: str, stamp: tuple[int, ...], files: tuple[tuple[str, str, int, int, str], ...],
             signature: str, contents: Callable[[str], bytes]) -> PackageRecipe:
        """The recipe of a package being made now, ``contents(name)`` giving each file's bytes:
        with the CRCs and the deflated manifest worked out once."""
        text = manifest.encode("utf-8")
        return cls(manifest, stamp, files, signature, tuple(zlib.crc32(contents(f[0])) for f in files),
                   _raw_deflate(text), zlib.crc32(text))

    def encode(self) -> bytes:
        """Compact bytes for storing. A recipe with its CRCs: ``RCP2``, the length of the deflated
        JSON header that follows (4 bytes, big-endian), the header (time stamp, files, signature,
        CRCs, the manifest's size and CRC) and the manifest's entry as the ZIP stores it (raw
        deflate: the manifest is kept once, in the form the package needs). Without them (as
        recipes were stored before): deflated JSON carrying the manifest's text."""
        if not self.crcs:
            body = {"manifest": self.manifest, "stamp": list(self.stamp),
                    "files": [list(f) for f in self.files], "signature": self.signature}
            return zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
        header = {"stamp": list(self.stamp), "files": [list(f) for f in self.files], "signature": self.signature,
                  "crcs": list(self.crcs), "manifest_crc": self.manifest_crc,
                  "manifest_size": len(self.manifest.encode("utf-8"))}
        packed = zlib.compress(json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
        return _RECIPE_V2 + struct.pack(">I", len(packed)) + packed + self.manifest_deflated

    @classmethod
    def decode(cls, data: bytes) -> PackageRecipe:
        try:
            data = bytes(data)
            if data.startswith(_RECIPE_V2):
                (size,) = struct.unpack(">I", data[4:8])
                body = json.loads(zlib.decompress(data[8:8 + size]).decode("utf-8"))
                deflated = data[8 + size:]
                manifest = zlib.decompress(deflated, -15)
                if len(manifest) != int(body["manifest_size"]) or zlib.crc32(manifest) != int(body["manifest_crc"]):
                    raise ValueError("the manifest does not match its size and CRC")
                text, crc = manifest.decode("utf-8"), int(body["manifest_crc"])
            else:
                body = json.loads(zlib.decompress(data).decode("utf-8"))
                text, deflated, crc = str(body["manifest"]), b"", 0
            files = tuple((str(n), str(s), int(i), int(z), str(h)) for n, s, i, z, h in body["files"])
            crcs = tuple(int(c) for c in body.get("crcs") or ())
            if (deflated or crcs) and len(crcs) != len(files):
                raise ValueError("one CRC per file")
            return cls(text, tuple(int(x) for x in body["stamp"]), files, str(body.get("signature") or ""),
                       crcs, deflated, crc)
        except (zlib.error, struct.error, ValueError, KeyError, TypeError) as exc:
            raise ValidationError("上传包的组装说明已损坏，无法重新生成上传包。") from exc


_RECIPE_V2 = b"RCP2"


def _raw_deflate(content: bytes) -> bytes:
    """``content`` deflated as ``zipfile`` does at compresslevel 6: raw deflate, one compress and
    one flush."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def _zip_direct(recipe: PackageRecipe, read: Callable[[str, int], bytes]) -> bytes | None:
    """The bytes :func:`zip_into` writes for ``recipe``, laid out directly (headers packed with
    ``struct``, the parts joined once) instead of through ``zipfile``'s per-entry writer: an upload
    makes its package again on every attempt. ``None`` when a file's size differs from the
    recipe's or the package would need ZIP64; the caller checks the result against the package's
    recorded SHA-256 and, on any difference, makes it with :func:`zip_into`, so this path can only
    ever be faster, never different."""
    stamp = recipe.stamp
    if stamp[0] < 1980:
        return None
    dosdate = (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2]
    dostime = stamp[3] << 11 | stamp[4] << 5 | (stamp[5] // 2)
    known = bool(recipe.crcs)  # CRCs and the deflated manifest kept in the recipe (None: compute them)
    manifest = recipe.manifest.encode("utf-8")
    # name, content, its CRC-32, its deflated bytes (for entries that are not PDFs)
    entries: list[tuple[str, bytes, int | None, bytes | None]] = [
        (MANIFEST_NAME, manifest, recipe.manifest_crc if known else None, recipe.manifest_deflated if known else None)]
    files = [(name, source, ident, size, recipe.crcs[n] if known else None)
             for n, (name, source, ident, size, _digest) in enumerate(recipe.files)]
    if recipe.signature:
        sig = (recipe.signature + "\n").encode("ascii")
        files.append((SIGNATURE_NAME, "", 0, len(sig), None))
    for name, source, ident, size, crc in sorted(files, key=lambda f: f[0]):
        content = sig if name == SIGNATURE_NAME and not source else read(source, ident)
        if len(content) != size:
            return None
        entries.append((name, content, crc, None))
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, content, known_crc, deflated in entries:
        size = len(content)
        if size * 1.05 > zipfile.ZIP64_LIMIT or offset > zipfile.ZIP64_LIMIT:
            return None
        crc = zlib.crc32(content) if known_crc is None else known_crc
        if name.lower().endswith(".pdf"):
            method, data = zipfile.ZIP_STORED, content
        else:
            method, data = zipfile.ZIP_DEFLATED, _raw_deflate(content) if deflated is None else deflated
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        parts.append(struct.pack(zipfile.structFileHeader, zipfile.stringFileHeader, 20, 0, flags, method,
                                 dostime, dosdate, crc, len(data), size, len(encoded), 0))
        parts.append(encoded)
        parts.append(data)
        central.append(struct.pack(zipfile.structCentralDir, zipfile.stringCentralDir, 20, 3, 20, 0, flags,
                                   method, dostime, dosdate, crc, len(data), size, len(encoded), 0, 0, 0, 0,
                                   0o644 << 16, offset))
        central.append(encoded)
        offset += zipfile.sizeFileHeader + len(encoded) + len(data)
    directory = b"".join(central)
    if offset > zipfile.ZIP64_LIMIT or len(directory) > zipfile.ZIP64_LIMIT:
        return None
    parts.append(directory)
    parts.append(struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(entries), len(entries),
                             len(directory), offset, 0))
    return b"".join(parts)


def assemble(recipe: PackageRecipe, read: Callable[[str, int], bytes], *,
             package_sha256: str | None = None, receiver_checks: bool = False) -> bytes:
    """The package a recipe describes, reading each file with ``read(source, ident)``;
    ``ValidationError`` when a stored file no longer matches its size and hash.

    With ``package_sha256`` (the whole package's hash, recorded when it was first made) the
    package is checked against it instead of hashing every file too: the package carries every
    file's bytes, so it matches only if each of them does. On a mismatch the files are checked
    one by one to name the one that changed.

    ``receiver_checks``: the package goes to a receiver that refuses a body whose SHA-256 is not
    ``package_sha256`` (the provincial system checks ``X-Content-SHA256``, which carries it), so it
    is not hashed here as well; a file of another size is still refused here. Only with a
    recorded ``package_sha256``."""
    def build(check_hashes: bool) -> bytes:
        buf = io.BytesIO()
        zip_into(buf, recipe.manifest, recipe.stamp,
                 [(name, (lambda s=source, i=ident: read(s, i)), size, digest)
                  for name, source, ident, size, digest in recipe.files], recipe.signature,
                 check_hashes=check_hashes)
        return buf.getvalue()

    if not package_sha256:
        return build(True)
    fast = _zip_direct(recipe, read)
    if fast is not None and (receiver_checks or hashlib.sha256(fast).hexdigest() == package_sha256):
        return fast
    package = build(False)  # the one ZIP writer decides (and names a file that changed)
    if hashlib.sha256(package).hexdigest() != package_sha256:
        build(True)  # raises, naming the file that changed
        raise ValidationError("上传包所依据的已保存文件与入队时不符（SHA-256 不同），请人工核对。")
    return package


# --------------------------------------------------------------------------- verification


@dataclass
class VerifyReport:
    """Result of ``verify_package``: ``ok`` exactly when ``problems`` is empty.

    ``problems[i]`` is a Chinese sentence; ``codes[i]`` its stable code (docs/package-format.md).
    ``manifest`` is the parsed manifest when it could be read.
    """

    ok: bool = True
    problems: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    signed: bool = False  # manifest.json carries a signature that verifies
    signer: str = ""  # the signing certificate's subject
    certificate: Any = None  # the signing certificate (cryptography), when signed

    def add(self, code: str, message: str) -> None:
        self.ok = False
        self.codes.append(code)
        self.problems.append(message)


class _Schema:
    """Collects ``bad_manifest`` problems while walking the manifest."""

    def __init__(self, report: VerifyReport) -> None:
        self.report = report

    def bad(self, path: str, what: str) -> None:
        self.report.add("bad_manifest", f"manifest.json 字段 {path} {what}")

    def obj(self, value: Any, path: str, *, nullable: bool = False) -> dict[str, Any] | None:
        if value is None and nullable:
            return None
        if not isinstance(value, dict):
            self.bad(path, "应为对象" + ("或 null" if nullable else ""))
            return None
        return value

    def field(self, obj: dict[str, Any], key: str, path: str) -> Any:
        if key not in obj:
            self.bad(f"{path}.{key}" if path else key, "缺失")
            return _MISSING
        return obj[key]

    def str_(self, obj: dict[str, Any], key: str, path: str, *, nullable: bool = False, nonempty: bool = False,
             pattern: re.Pattern[str] | None = None, choices: tuple[str, ...] = ()) -> str | None:
        v = self.field(obj, key, path)
        p = f"{path}.{key}" if path else key
        if v is _MISSING:
            return None
        if v is None and nullable:
            return None
        if not isinstance(v, str):
            self.bad(p, "应为字符串" + ("或 null" if nullable else ""))
            return None
        if nonempty and not v.strip():
            self.bad(p, "不能为空")
        if pattern is not None and not pattern.match(v):
            self.bad(p, f"格式不正确：“{v}”")
        if choices and v not in choices:
            self.bad(p, f"应为 {'、'.join(choices)} 之一，实际为“{v}”")
        return v

    def bool_(self, obj: dict[str, Any], key: str, path: str) -> bool | None:
        v = self.field(obj, key, path)
        if v is _MISSING:
            return None
        if not isinstance(v, bool):
            self.bad(f"{path}.{key}", "应为 true 或 false")
            return None
        return v

    def int_(self, obj: dict[str, Any], key: str, path: str, *, nullable: bool = False) -> int | None:
        v = self.field(obj, key, path)
        if v is _MISSING or (v is None and nullable):
            return None
        if not isinstance(v, int) or isinstance(v, bool):
            self.bad(f"{path}.{key}" if path else key, "应为整数")
            return None
        return v

    def list_(self, obj: dict[str, Any], key: str, path: str) -> list[Any]:
        v = self.field(obj, key, path)
        if v is _MISSING:
            return []
        if not isinstance(v, list):
            self.bad(f"{path}.{key}" if path else key, "应为数组")
            return []
        return v

    def party(self, obj: dict[str, Any], key: str, path: str, *, nullable: bool) -> dict[str, Any] | None:
        v = self.field(obj, key, path)
        if v is _MISSING:
            return None
        p = self.obj(v, f"{path}.{key}", nullable=nullable)
        if p is not None:
            self.str_(p, "name", f"{path}.{key}", nonempty=True)
            self.str_(p, "uscc", f"{path}.{key}")
        return p


_MISSING = object()
#: the values the manifest may hold (``app.documents.data``'s PlaceType, Judgement, PartyRole, RiskLevel)
PLACES = ("producer", "physical_seller", "e_platform")
JUDGEMENTS = ("pass", "fail", "not_judged")
ROLES = ("sampled_producer", "sampled_seller", "nominal_producer", "platform_operator")
LEVELS = ("I", "II", "III", "IV")


def _check_manifest(m: dict[str, Any], report: VerifyReport) -> None:
    s = _Schema(report)
    s.str_(m, "created_at", "", pattern=_TIMESTAMP)
    if "confidential" in m and not isinstance(m["confidential"], bool):  # may be absent in older packages
        s.bad("confidential", "应为 true 或 false")
    app = s.field(m, "app", "")
    app = s.obj(app, "app") if app is not _MISSING else None
    if app is not None:
        s.str_(app, "name", "app")
        s.str_(app, "version", "app")
    lab = s.field(m, "lab", "")
    lab = s.obj(lab, "lab") if lab is not _MISSING else None
    if lab is not None:
        s.str_(lab, "name", "lab", nonempty=True)
        s.str_(lab, "cma_number", "lab")
    task = s.field(m, "task", "")
    task = s.obj(task, "task") if task is not _MISSING else None
    if task is not None:
        s.str_(task, "number", "task", nonempty=True)
        for k in ("title", "issuing_authority", "product_category"):
            s.str_(task, k, "task")
        s.int_(task, "plan_year", "task", nullable=True)
    for i, raw in enumerate(s.list_(m, "samples", "")):
        path = f"samples[{i}]"
        smp = s.obj(raw, path)
        if smp is None:
            continue
        s.str_(smp, "sample_number", path, nonempty=True)
        s.str_(smp, "product_name", path)
        for k in ("brand", "model_spec", "batch_number", "conclusion"):
            s.str_(smp, k, path)
        place = s.str_(smp, "place_type", path, choices=PLACES)
        s.str_(smp, "sampling_date", path, nullable=True, pattern=_DATE)
        s.party(smp, "sampled", path, nullable=False)
        s.party(smp, "nominal_producer", path, nullable=True)
        op = s.party(smp, "platform_operator", path, nullable=True)
        if place == "e_platform" and "platform_operator" in smp and op is None:
            s.bad(f"{path}.platform_operator", "电商平台样品必须有电商平台经营者")
        s.str_(smp, "report_number", path, nonempty=True)
        s.str_(smp, "replaces_number", path, nullable=True)
        s.str_(smp, "report_file", path, nullable=True)
        found = s.bool_(smp, "problems_found", path)
        any_fail = False
        for j, rr in enumerate(s.list_(smp, "results", path)):
            rp = f"{path}.results[{j}]"
            res = s.obj(rr, rp)
            if res is None:
                continue
            s.str_(res, "item", rp, nonempty=True)
            for k in ("requirement", "result", "unit", "basis_code", "basis_clause", "method_code", "method_clause"):
                s.str_(res, k, rp)
            if s.str_(res, "judgement", rp, choices=JUDGEMENTS) == "fail":
                any_fail = True
            rules = s.list_(res, "rules", rp)
            if not all(isinstance(x, str) for x in rules):
                s.bad(f"{rp}.rules", "应为字符串数组")
            s.bool_(res, "expert_panel", rp)
        if found is not None and found != any_fail:
            s.bad(f"{path}.problems_found", "与检验结果的单项判定不一致")
    for i, raw in enumerate(s.list_(m, "notifications", "")):
        path = f"notifications[{i}]"
        n = s.obj(raw, path)
        if n is None:
            continue
        s.str_(n, "sample_number", path, nonempty=True)
        s.party(n, "party", path, nullable=False)
        roles = s.list_(n, "roles", path)
        if "roles" in n and (not roles or any(r not in ROLES for r in roles)):
            s.bad(f"{path}.roles", f"应为非空数组，元素为 {'、'.join(ROLES)} 之一")
        s.bool_(n, "out_of_province", path)
        s.str_(n, "issue_date", path, nullable=True, pattern=_DATE)
        s.str_(n, "file", path, nullable=True)
    if "analysis" in m:
        a = s.obj(m["analysis"], "analysis", nullable=True)
        if a is not None:
            s.str_(a, "file", "analysis", nullable=True)
            s.str_(a, "proposed_level", "analysis", nullable=True, choices=LEVELS)
            s.str_(a, "model_name", "analysis")
            s.str_(a, "model_version", "analysis")
    else:
        s.field(m, "analysis", "")
    numbers = s.list_(m, "report_numbers", "")
    if not all(isinstance(x, str) for x in numbers):
        s.bad("report_numbers", "应为字符串数组")
    if "hazard" in m or m.get("package_kind") == "hazard":
        _check_hazard(s, m)


def _check_hazard(s: _Schema, m: dict[str, Any]) -> None:
    """``hazard`` (重大质量安全风险隐患报告): present in a ``hazard`` package, and only there."""
    h = s.obj(m.get("hazard"), "hazard") if "hazard" in m else None
    if "hazard" not in m:
        s.bad("hazard", "重大风险隐患报告包缺少 hazard 对象")
    if h is None:
        return
    if m.get("package_kind") != "hazard":
        s.bad("package_kind", "含 hazard 对象的上传包类型应为 hazard")
    for k in ("number", "sample_number", "product_name", "recipient", "description", "file"):
        s.str_(h, k, "hazard", nonempty=True)
    s.str_(h, "found_at", "hazard", pattern=_TIMESTAMP)
    s.str_(h, "reported_at", "hazard", nullable=True, pattern=_TIMESTAMP)
    s.str_(h, "method", "hazard", choices=("upload", "phone", "hand"))
    for j, raw in enumerate(s.list_(h, "items", "hazard")):
        it = s.obj(raw, f"hazard.items[{j}]")
        if it is not None:
            s.str_(it, "item", f"hazard.items[{j}]", nonempty=True)


def _check_references(m: dict[str, Any], listed: set[str], report: VerifyReport) -> None:
    samples = [x for x in m.get("samples", []) if isinstance(x, dict)] if isinstance(m.get("samples"), list) else []
    seen: dict[str, str] = {}
    for smp in samples:
        num = smp.get("report_number")
        sn = smp.get("sample_number")
        if isinstance(num, str) and num:
            if num in seen:
                report.add("bad_reference", f"报告编号 {num} 重复出现（样品 {seen[num]} 与 {sn}）")
            seen.setdefault(num, str(sn))
        f = smp.get("report_file")
        if isinstance(f, str) and f not in listed:
            report.add("bad_reference", f"样品 {sn} 的报告文件 {f} 不在 files 清单中")
    numbers = m.get("report_numbers")
    if isinstance(numbers, list) and all(isinstance(x, str) for x in numbers):
        if len(set(numbers)) != len(numbers):
            report.add("bad_reference", "report_numbers 中有重复的报告编号")
        if set(numbers) != set(seen):
            extra = sorted(set(numbers) - set(seen))
            missing = sorted(set(seen) - set(numbers))
            detail = "；".join(p for p in (extra and f"多出 {'、'.join(extra)}", missing and f"缺少 {'、'.join(missing)}") if p)
            report.add("bad_reference", f"report_numbers 与样品的报告编号不一致（{detail}）")
    sample_numbers = {smp.get("sample_number") for smp in samples}
    notes = m.get("notifications")
    for i, n in enumerate(notes if isinstance(notes, list) else []):
        if not isinstance(n, dict):
            continue
        if n.get("sample_number") not in sample_numbers:
            report.add("bad_reference", f"notifications[{i}] 所属样品 {n.get('sample_number')} 不在 samples 中")
        f = n.get("file")
        if isinstance(f, str) and f not in listed:
            report.add("bad_reference", f"notifications[{i}] 的告知书文件 {f} 不在 files 清单中")
    a = m.get("analysis")
    if isinstance(a, dict) and isinstance(a.get("file"), str) and a["file"] not in listed:
        report.add("bad_reference", f"分析报告文件 {a['file']} 不在 files 清单中")
    h = m.get("hazard")
    if isinstance(h, dict) and isinstance(h.get("file"), str) and h["file"] not in listed:
        report.add("bad_reference", f"重大风险隐患报告文件 {h['file']} 不在 files 清单中")


def _sha256_of(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def verify_package(source: str | Path | bytes | bytearray) -> VerifyReport:
    """Check a package (path or bytes) against docs/package-format.md; never raises for bad input."""
    report = VerifyReport()
    try:
        fh: Any = io.BytesIO(bytes(source)) if isinstance(source, bytes | bytearray) else open(source, "rb")  # noqa: SIM115
    except OSError as e:
        report.add("not_zip", f"无法打开文件：{e.strerror or e}")
        return report
    try:
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            report.add("not_zip", f"不是有效的 ZIP 文件（{type(e).__name__}）")
            return report
        with zf:
            _verify_zip(zf, report)
    finally:
        fh.close()
    return report


def _verify_zip(zf: zipfile.ZipFile, report: VerifyReport) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_TOTAL_SIZE:
        report.add("too_large", f"导出包过大：最多 {MAX_ENTRIES} 个文件、解压后总计 2 GiB")
        return
    entries: dict[str, zipfile.ZipInfo] = {}
    folded: dict[str, str] = {}
    for info in infos:
        name = info.filename
        why = name_problem(name)
        if why:
            report.add("bad_name", f"文件名“{name}”不允许：{why}")
            continue
        if name in entries or name.casefold() in folded:
            other = folded.get(name.casefold(), name)
            report.add("duplicate_name", f"文件“{name}”重复出现（与“{other}”同名或仅大小写不同）")
            continue
        entries[name] = info
        folded[name.casefold()] = name
    if MANIFEST_NAME not in entries:
        report.add("no_manifest", "导出包中没有 manifest.json")
        return
    try:
        raw = zf.read(entries[MANIFEST_NAME])
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        report.add("corrupt_entry", f"manifest.json 无法解压或校验失败（{type(e).__name__}）")
        return
    if raw.startswith(b"\xef\xbb\xbf"):
        report.add("bad_manifest", "manifest.json 不能带字节顺序标记（BOM）")
        return
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        report.add("bad_manifest", f"manifest.json 不是 UTF-8 编码的 JSON：{e}")
        return
    if not isinstance(manifest, dict):
        report.add("bad_manifest", "manifest.json 应为一个 JSON 对象")
        return
    report.manifest = manifest
    if manifest.get("format") != FORMAT:
        report.add("unsupported_version", f"不是 Riskmon 任务导出包（format 应为 {FORMAT}，实际为 {manifest.get('format')!r}）")
        return
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        report.add("unsupported_version", f"不支持的 schema_version：{version!r}（本程序读取版本 {SCHEMA_VERSION}）")
        return
    _check_manifest(manifest, report)

    schema = _Schema(report)
    listed: dict[str, dict[str, Any]] = {}
    for i, raw_entry in enumerate(schema.list_(manifest, "files", "")):
        path = f"files[{i}]"
        f = schema.obj(raw_entry, path)
        if f is None:
            continue
        name = schema.str_(f, "name", path, nonempty=True)
        size = schema.int_(f, "size", path)
        digest = schema.str_(f, "sha256", path, pattern=_HEX64)
        if name is None:
            continue
        if name == MANIFEST_NAME:
            schema.bad(path, "不能列出 manifest.json 本身")
            continue
        why = name_problem(name)
        if why:
            report.add("bad_name", f"files 清单中的文件名“{name}”不允许：{why}")
            continue
        if name in listed:
            schema.bad(path, f"文件“{name}”在清单中重复")
            continue
        listed[name] = {"size": size, "sha256": digest}
    for name, expect in listed.items():
        info = entries.get(name)
        if info is None:
            report.add("missing_file", f"清单中的文件“{name}”不在导出包中")
            continue
        if expect["size"] is not None and info.file_size != expect["size"]:
            report.add("size_mismatch", f"文件“{name}”大小为 {info.file_size} 字节，清单记录为 {expect['size']} 字节")
        try:
            digest, _ = _sha256_of(zf, info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
            report.add("corrupt_entry", f"文件“{name}”无法解压或 CRC 校验失败（{type(e).__name__}）")
            continue
        if expect["sha256"] is not None and digest != expect["sha256"]:
            report.add("hash_mismatch", f"文件“{name}”的 SHA-256 与清单不符，文件可能被修改或损坏")
    signed_by = manifest.get("signature")
    for name in entries:
        if name == SIGNATURE_NAME and isinstance(signed_by, dict):
            continue
        if name != MANIFEST_NAME and name not in listed:
            report.add("unlisted_file", f"文件“{name}”不在 manifest.json 的 files 清单中")
    _check_references(manifest, set(listed), report)
    if signed_by is not None:
        _check_signature(zf, entries, raw, signed_by, report)


def _check_signature(zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], raw: bytes, block: Any,
                     report: VerifyReport) -> None:
    """The lab key's signature over manifest.json, with the certificate the manifest carries."""
    import base64

    # deferred: the lab key's module (SQLAlchemy through app.store.types) loads only for a signed package
    from app.security.labkey import load_cert, subject_text, verify_bytes

    if not isinstance(block, dict) or not isinstance(block.get("certificate"), str):
        report.add("manifest_signature", "manifest.json 的 signature 不完整（缺少证书）")
        return
    if SIGNATURE_NAME not in entries:
        report.add("manifest_signature", f"清单声明已签名，但导出包中没有 {SIGNATURE_NAME}")
        return
    try:
        cert = load_cert(block["certificate"])
        signature = base64.b64decode(zf.read(entries[SIGNATURE_NAME]).strip(), validate=True)
    except Exception:  # noqa: BLE001 - unreadable certificate or signature: the same verdict
        report.add("manifest_signature", "清单的签名或证书无法读取")
        return
    if not verify_bytes(cert, raw, signature):
        report.add("manifest_signature", "清单的签名与 manifest.json 不符：清单在签名后被修改过")
        return
    report.signed, report.signer = True, subject_text(cert)
    report.certificate = cert


def check_signer(report: VerifyReport, trusted: list[Any]) -> None:
    """Add a ``manifest_signature`` problem unless the package is signed by one of ``trusted``
    (the lab's own certificates): integrity alone does not say who made the package."""
    # deferred: as in _check_signature: the lab key's module loads only for a signed package
    from app.security.labkey import fingerprint

    cert = getattr(report, "certificate", None)
    if not report.signed or cert is None:
        report.add("manifest_signature", "清单未签名：无法证明导出包出自本机构")
        return
    if fingerprint(cert) not in {fingerprint(c) for c in trusted}:
        report.add("manifest_signature", f"清单由其他证书签名（{report.signer}），不是本机构的签章")
