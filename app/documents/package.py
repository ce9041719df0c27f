"""The task export package (任务导出包): one ZIP per task with ``manifest.json`` and the PDFs.

The format is specified in ``docs/package-format.md`` (schema version 1) and kept in
``app.formats.package`` (names, zipping, recipes, ``verify_package``), which the upload layer
shares; this module writes packages from the documents' data: ``build_package`` deterministically
and atomically. The format's names are importable from here too.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from app import __version__, clock
from app.documents._io import atomic_write_bytes, atomic_write_with, safe_file_name
from app.documents.data import (
    ItemLine,
    PackageManifestData,
    PackageNotification,
    PackageSample,
    PartyInfo,
    PlaceType,
)
from app.errors import ValidationError
from app.formats.package import (
    FORMAT,
    MANIFEST_NAME,
    SCHEMA_VERSION,
    SIGNATURE_NAME,
    PackageRecipe,
    Reader,
    VerifyReport,
    assemble,
    check_signer,
    name_problem,
    verify_package,
    zip_into,
)
from app.rules.publication import ARTICLE_8

__all__ = [
    "FORMAT",
    "MANIFEST_NAME",
    "SCHEMA_VERSION",
    "PackageRecipe",
    "VerifyReport",
    "assemble",
    "build_package",
    "check_signer",
    "write_package",
    "write_package_to",
    "manifest_dict",
    "name_problem",
    "package_bytes",
    "safe_file_name",
    "verify_package",
]

# --------------------------------------------------------------------------- manifest


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _party(p: PartyInfo | None) -> dict[str, str] | None:
    return None if p is None else {"name": p.name, "uscc": p.uscc}


def _result(it: ItemLine) -> dict[str, Any]:
    return {
        "item": it.item,
        "requirement": it.requirement_text,
        "result": it.result_text,
        "unit": it.unit,
        "judgement": it.judgement.value,
        "basis_code": it.basis_code,
        "basis_clause": it.basis_clause,
        "method_code": it.method_code,
        "method_clause": it.method_clause,
        "rules": list(it.rule_trace),
        "expert_panel": it.expert_panel,
    }


def _sample(s: PackageSample) -> dict[str, Any]:
    return {
        "sample_number": s.sample_number,
        "product_name": s.product_name,
        "brand": s.brand,
        "model_spec": s.model_spec,
        "batch_number": s.batch_number,
        "place_type": s.place_type.value,
        "sampling_date": _d(s.sampling_date),
        "sampled": _party(s.sampled),
        "nominal_producer": _party(s.nominal_producer),
        "platform_operator": _party(s.platform_operator),
        "report_number": s.report_number,
        "replaces_number": s.replaces_number or None,
        "problems_found": s.problems_found,
        "conclusion": s.conclusion,
        "report_file": s.report_file,
        "results": [_result(r) for r in s.results],
    }


def _notification(n: PackageNotification) -> dict[str, Any]:
    return {
        "sample_number": n.sample_number,
        "party": _party(n.party),
        "roles": [r.value for r in n.party.roles],
        "out_of_province": n.party.out_of_province,
        "issue_date": _d(n.issue_date),
        "file": n.file,
    }


def _created_at(data: PackageManifestData) -> datetime:
    ts = data.created_at or clock.utcnow()
    return ts.astimezone(UTC).replace(microsecond=0)


def manifest_dict(data: PackageManifestData, files: Mapping[str, bytes]) -> dict[str, Any]:
    """The ``manifest.json`` object for ``data`` and ``files`` (name → bytes)."""
    listing = {name: (len(content), hashlib.sha256(content).hexdigest()) for name, content in files.items()}
    return _manifest(data, listing)


def _manifest(data: PackageManifestData, listing: Mapping[str, tuple[int, str]]) -> dict[str, Any]:
    """The ``manifest.json`` object for ``data`` and the files' sizes and SHA-256 (name → (size, hex))."""
    created = _created_at(data)
    samples = sorted(data.samples, key=lambda s: s.sample_number)
    order = {s.sample_number: i for i, s in enumerate(samples)}
    notes = sorted(enumerate(data.notifications), key=lambda p: (order.get(p[1].sample_number, len(order)), p[0]))
    a = data.analysis
    extra = {} if data.audit_checkpoint is None else {"audit_checkpoint": dict(data.audit_checkpoint)}
    if data.hazard is not None:
        extra["hazard"] = dict(data.hazard)
    return {
        **extra,
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "package_kind": data.package_kind,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app": {"name": "riskmon", "version": __version__},
        # Article 8: monitoring information, not to be made public without the organising regulator's consent
        "confidential": True,
        "confidentiality": ARTICLE_8,
        "lab": {"name": data.lab.name, "cma_number": data.lab.cma_number},
        "task": {
            "number": data.task.number,
            "title": data.task.title,
            "issuing_authority": data.task.issuing_authority,
            "product_category": data.task.product_category,
            "plan_year": data.task.plan_year,
        },
        "samples": [_sample(s) for s in samples],
        "notifications": [_notification(n) for _, n in notes],
        "analysis": None if a is None else {
            "file": a.file,
            "proposed_level": a.proposed_level.value if a.proposed_level else None,
            "model_name": a.model_name,
            "model_version": a.model_version,
        },
        "report_numbers": sorted({s.report_number for s in samples}),
        "files": [
            {"name": name, "size": int(listing[name][0]), "sha256": listing[name][1]}
            for name in sorted(listing)
        ],
    }


def _check_inputs(data: PackageManifestData, files: Mapping[str, bytes]) -> None:
    problems: dict[str, str] = {}
    folded: dict[str, str] = {}
    for name, content in files.items():
        if name == MANIFEST_NAME:
            problems[name] = f"{MANIFEST_NAME} 由程序生成，不能作为文件加入导出包"
            continue
        why = name_problem(name)
        if why:
            problems[name] = f"文件名“{name}”不可用：{why}"
        if name.casefold() in folded:
            problems[name] = f"文件名“{name}”与“{folded[name.casefold()]}”仅大小写不同"
        folded[name.casefold()] = name
        if not isinstance(content, bytes | bytearray | memoryview):
            problems[name] = f"文件“{name}”的内容不是字节串"
    if not data.task.number.strip():
        problems["task.number"] = "导出包缺少任务编号"
    seen: dict[str, str] = {}
    for s in data.samples:
        if not s.report_number.strip():
            problems[f"{s.sample_number}.report_number"] = f"样品 {s.sample_number} 缺少报告编号"
        elif s.report_number in seen:
            problems[f"{s.sample_number}.report_number"] = (
                f"报告编号 {s.report_number} 重复（样品 {seen[s.report_number]} 与 {s.sample_number}）")
        seen.setdefault(s.report_number, s.sample_number)
        if s.report_file and s.report_file not in files:
            problems[f"{s.sample_number}.report_file"] = f"样品 {s.sample_number} 的报告文件 {s.report_file} 未提供"
        if s.place_type is PlaceType.E_PLATFORM and s.platform_operator is None:
            problems[f"{s.sample_number}.platform_operator"] = f"电商平台样品 {s.sample_number} 缺少电商平台经营者"
    sample_numbers = {s.sample_number for s in data.samples}
    if len(sample_numbers) != len(data.samples):
        problems["samples"] = "样品编号重复"
    for n in data.notifications:
        if n.sample_number not in sample_numbers:
            problems[f"notification.{n.sample_number}.{n.party.name}"] = (
                f"告知记录所属样品 {n.sample_number} 不在导出包中")
        if n.file and n.file not in files:
            problems[f"notification.{n.file}"] = f"告知书文件 {n.file} 未提供"
        if not n.party.roles:
            problems[f"notification.{n.sample_number}.{n.party.name}.roles"] = f"告知对象 {n.party.name} 没有身份（roles）"
    if data.analysis and data.analysis.file and data.analysis.file not in files:
        problems["analysis.file"] = f"分析报告文件 {data.analysis.file} 未提供"
    if data.hazard is not None and data.hazard.get("file") and data.hazard["file"] not in files:
        problems["hazard.file"] = f"重大风险隐患报告文件 {data.hazard['file']} 未提供"
    if problems:
        raise ValidationError(problems)


def _manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def _zip_stamp(data: PackageManifestData) -> tuple[int, int, int, int, int, int]:
    created = _created_at(data)
    if created.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (created.year, created.month, created.day, created.hour, created.minute, created.second)


def _signed(manifest: dict[str, Any], signer: Any | None) -> tuple[str, str]:
    """The manifest text and, with ``signer`` (the lab's key), its signature (base64): the
    manifest names the algorithm and carries the certificate, so a receiver can check it."""
    if signer is None:
        return _manifest_text(manifest), ""
    manifest = {**manifest, "signature": {"file": SIGNATURE_NAME, "algorithm": "RSA-PKCS1v15-SHA256",
                                          "certificate": signer.certificate_pem}}
    text = _manifest_text(manifest)
    import base64

    return text, base64.b64encode(signer.sign_bytes(text.encode("utf-8"))).decode("ascii")


def _listed(files: Mapping[str, bytes]) -> list[tuple[str, Reader, int, str]]:
    return [(name, (lambda c=content: c), len(content), hashlib.sha256(content).hexdigest())
            for name, content in files.items()]


def package_bytes(manifest_data: PackageManifestData, files: Mapping[str, bytes], signer: Any | None = None) -> bytes:
    """The package as bytes (deterministic for the same inputs and key), its manifest signed with
    ``signer`` when given. ``ValidationError`` for bad inputs."""
    _check_inputs(manifest_data, files)
    files = {k: bytes(v) for k, v in files.items()}
    text, signature = _signed(manifest_dict(manifest_data, files), signer)
    buf = io.BytesIO()
    zip_into(buf, text, _zip_stamp(manifest_data), _listed(files), signature)
    return buf.getvalue()


def write_package_to(
    manifest_data: PackageManifestData,
    listing: Mapping[str, tuple[int, str, Reader]],
    out: BinaryIO,
    signer: Any | None = None,
) -> None:
    """Write a package into the open binary file ``out`` one file at a time: ``listing`` maps each
    entry name to its size, SHA-256 and a function that reads its bytes (e.g. from the database).
    Only one file's bytes are held at a time; a file whose bytes do not match the listed size and
    hash is refused (``ValidationError``), so the manifest never lies about what it carries."""
    _check_inputs(manifest_data, {name: b"" for name in listing})
    manifest = _manifest(manifest_data, {k: (v[0], v[1]) for k, v in listing.items()})
    text, signature = _signed(manifest, signer)
    zip_into(out, text, _zip_stamp(manifest_data),
             [(name, read, size, digest) for name, (size, digest, read) in listing.items()], signature)


def package_with_recipe(manifest_data: PackageManifestData, files: Mapping[str, tuple[bytes, str, int]],
                        signer: Any | None = None) -> tuple[bytes, PackageRecipe]:
    """The package of ``files`` (name → (bytes, source, ident)), its manifest signed with
    ``signer`` when given, and the recipe to make it again from the stored documents
    (``source``/``ident`` say where each file's bytes are kept)."""
    contents = {name: bytes(v[0]) for name, v in files.items()}
    _check_inputs(manifest_data, contents)
    manifest, signature = _signed(manifest_dict(manifest_data, contents), signer)
    recipe = PackageRecipe.made(
        manifest, _zip_stamp(manifest_data),
        tuple((name, files[name][1], int(files[name][2]), len(contents[name]),
               hashlib.sha256(contents[name]).hexdigest()) for name in sorted(files)),
        signature, contents.__getitem__,
    )
    return assemble(recipe, lambda source, ident: next(
        contents[n] for n, s, i, _z, _h in recipe.files if s == source and i == ident)), recipe


def write_package(
    manifest_data: PackageManifestData,
    listing: Mapping[str, tuple[int, str, Callable[[], bytes]]],
    out_path: str | Path,
    signer: Any | None = None,
) -> Path:
    """:func:`write_package_to` a file, atomically (temporary file, then rename)."""
    return atomic_write_with(out_path, lambda fh: write_package_to(manifest_data, listing, fh, signer))


def build_package(manifest_data: PackageManifestData, files: Mapping[str, bytes], out_path: str | Path) -> Path:
    """Write the package to ``out_path`` atomically (temporary file, then rename); returns the path."""
    return atomic_write_bytes(out_path, package_bytes(manifest_data, files))
