"""Export package: round trip, determinism, and detection of tampering and bad packages."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile

import pytest

from app.documents import examples
from app.documents.data import Judgement, PartyRole, PlaceType, RiskLevel
from app.documents.package import (
    MANIFEST_NAME,
    build_package,
    name_problem,
    package_bytes,
    safe_file_name,
    verify_package,
)
from app.errors import ValidationError
from app.formats import package as fmt


@pytest.fixture(scope="module")
def inputs():
    r1 = examples.test_report()
    r2 = examples.test_report(place=PlaceType.PRODUCER, number="HBZJ-FX2026-0002", sample_number="FX2026-0002")
    # small stand-ins for the PDFs: the package does not care what the bytes are
    files = {f"reports/{safe_file_name(r.report_number)}.pdf": f"%PDF report {r.report_number}".encode()
             for r in (r1, r2)}
    notes = []
    for n, nd in enumerate(examples.notices_for(r1), 1):
        name = f"notices/{r1.sample_number}-{n}.pdf"
        files[name] = f"%PDF notice {n}".encode()
        notes.append((r1.sample_number, nd, name))
    files["analysis/HBFX-2026-017-分析报告.pdf"] = b"%PDF analysis"
    manifest = examples.package_manifest([r2, r1], notes, "analysis/HBFX-2026-017-分析报告.pdf")
    return manifest, files


@pytest.fixture(scope="module")
def package(inputs) -> bytes:
    return package_bytes(*inputs)


def _rezip(data: bytes, change) -> bytes:
    """Copy a package entry by entry, letting ``change(name, content)`` alter, drop (None) or keep entries."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = change(info.filename, src.read(info))
            if content is not None:
                dst.writestr(info.filename, content)
        extra = change("", None)
        if extra:
            for name, content in extra.items():
                dst.writestr(name, content)
    return out.getvalue()


def test_round_trip(inputs, package, tmp_path):
    manifest_data, files = inputs
    path = build_package(manifest_data, files, tmp_path / "HBFX-2026-017.zip")
    report = verify_package(path)
    assert report.ok, report.problems
    m = report.manifest
    assert m["schema_version"] == 1 and m["format"] == "riskmon.task-package"
    assert m["created_at"] == "2026-07-10T02:30:00Z"
    assert m["app"]["name"] == "riskmon" and m["lab"]["cma_number"] == examples.LAB.cma_number
    assert m["task"]["number"] == "HBFX-2026-017"
    assert [s["sample_number"] for s in m["samples"]] == ["FX2026-0001", "FX2026-0002"]
    assert m["report_numbers"] == ["HBZJ-FX2026-0001", "HBZJ-FX2026-0002"]
    first = m["samples"][0]
    assert first["problems_found"] is True and first["platform_operator"]["uscc"] == examples.PLATFORM.uscc
    leak = next(r for r in first["results"] if r["item"] == "泄漏电流")
    assert leak == {"item": "泄漏电流", "requirement": "≤0.75", "result": "1.20", "unit": "mA", "judgement": "fail",
                    "basis_code": "GB 4706.19-2008", "basis_clause": "13.2", "method_code": "GB 4706.19-2008",
                    "method_clause": "13.2", "rules": ["16.1"], "expert_panel": False}
    assert [n["roles"] for n in m["notifications"]] == [["sampled_seller"], ["nominal_producer"], ["platform_operator"]]
    assert [n["out_of_province"] for n in m["notifications"]] == [False, True, True]
    assert m["analysis"]["proposed_level"] == "II"
    listed = {f["name"]: f for f in m["files"]}
    assert set(listed) == set(files)
    for name, content in files.items():
        assert listed[name]["size"] == len(content)
        assert listed[name]["sha256"] == hashlib.sha256(content).hexdigest()
    names = [i.filename for i in zipfile.ZipFile(path).infolist()]
    assert names == [MANIFEST_NAME, *sorted(files)]
    assert [p.name for p in tmp_path.iterdir()] == ["HBFX-2026-017.zip"]


def test_deterministic(inputs, package):
    manifest_data, files = inputs
    shuffled = dict(reversed(list(files.items())))
    notes = tuple(reversed(manifest_data.notifications))
    again = package_bytes(dataclasses.replace(manifest_data, notifications=notes[::-1]), shuffled)
    assert again == package


def test_changed_byte_is_detected(package):
    def flip(name, content):
        if name == "reports/HBZJ-FX2026-0002.pdf":
            return content[:-1] + bytes([content[-1] ^ 1])
        return content

    report = verify_package(_rezip(package, flip))
    assert not report.ok
    assert report.codes == ["hash_mismatch"]
    assert "reports/HBZJ-FX2026-0002.pdf" in report.problems[0] and "SHA-256" in report.problems[0]


def test_changed_byte_in_the_raw_zip_is_detected(package):
    # corrupt the stored data of a file entry directly (CRC no longer matches)
    zf = zipfile.ZipFile(io.BytesIO(package))
    info = zf.getinfo("notices/FX2026-0001-2.pdf")
    header_len = 30 + len(info.filename.encode()) + len(info.extra)
    pos = info.header_offset + header_len + 1
    broken = package[:pos] + bytes([package[pos] ^ 0xFF]) + package[pos + 1:]
    report = verify_package(broken)
    assert not report.ok
    assert set(report.codes) <= {"corrupt_entry", "hash_mismatch"}
    assert any("notices/FX2026-0001-2.pdf" in p for p in report.problems)


def test_missing_file_is_detected(package):
    report = verify_package(_rezip(package, lambda n, c: None if n == "notices/FX2026-0001-3.pdf" else c))
    assert report.codes == ["missing_file"]
    assert "notices/FX2026-0001-3.pdf" in report.problems[0]


def test_extra_file_is_detected(package):
    report = verify_package(_rezip(package, lambda n, c: {"notes.txt": b"hi"} if n == "" else c))
    assert report.codes == ["unlisted_file"]
    assert "notes.txt" in report.problems[0]


def test_path_traversal_and_absolute_names_are_rejected(package):
    evil = {"../evil.pdf": b"x", "/etc/passwd": b"y", "a\\b.pdf": b"z"}
    report = verify_package(_rezip(package, lambda n, c: evil if n == "" else c))
    assert report.codes.count("bad_name") == 3
    assert any("路径穿越" in p for p in report.problems)


def test_manifest_edits_are_detected(package):
    def edit(name, content):
        if name != MANIFEST_NAME:
            return content
        m = json.loads(content)
        m["samples"][0]["results"][0]["judgement"] = "great"
        m["samples"][1]["problems_found"] = False  # it has failing results
        m["report_numbers"].append("R-999")
        del m["lab"]["name"]
        m["notifications"][0]["file"] = "notices/none.pdf"
        return json.dumps(m, ensure_ascii=False).encode()

    report = verify_package(_rezip(package, edit))
    assert "bad_manifest" in report.codes and "bad_reference" in report.codes
    text = "\n".join(report.problems)
    assert "samples[0].results[0].judgement" in text
    assert "samples[1].problems_found" in text
    assert "lab.name 缺失" in text
    assert "R-999" in text
    assert "notices/none.pdf" in text


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"not a zip at all", "not_zip"),
        (b"", "not_zip"),
    ],
)
def test_not_a_zip(payload, code):
    report = verify_package(payload)
    assert report.codes == [code]
    assert not report.ok


def test_missing_or_unsupported_manifest(package):
    assert verify_package(_rezip(package, lambda n, c: None if n == MANIFEST_NAME else c)).codes == ["no_manifest"]

    def bump(name, content):
        if name == MANIFEST_NAME:
            m = json.loads(content)
            m["schema_version"] = 2
            return json.dumps(m).encode()
        return content

    report = verify_package(_rezip(package, bump))
    assert report.codes == ["unsupported_version"] and "schema_version" in report.problems[0]
    report = verify_package(_rezip(package, lambda n, c: b"{oops" if n == MANIFEST_NAME else c))
    assert report.codes == ["bad_manifest"]


def test_duplicate_entries_are_detected(package):
    report = verify_package(_rezip(package, lambda n, c: {"Reports/HBZJ-FX2026-0001.pdf": b"x"} if n == "" else c))
    assert "duplicate_name" in report.codes


def test_missing_path_reports_in_chinese(tmp_path):
    report = verify_package(tmp_path / "none.zip")
    assert report.codes == ["not_zip"] and "无法打开" in report.problems[0]


def test_build_refuses_bad_inputs(inputs, tmp_path):
    manifest_data, files = inputs
    with pytest.raises(ValidationError) as e:
        build_package(manifest_data, {**files, "../x.pdf": b"x"}, tmp_path / "p.zip")
    assert "路径穿越" in e.value.message
    missing = {k: v for k, v in files.items() if not k.startswith("analysis/")}
    with pytest.raises(ValidationError) as e:
        build_package(manifest_data, missing, tmp_path / "p.zip")
    assert "分析报告文件" in e.value.message
    dup = dataclasses.replace(manifest_data, samples=(*manifest_data.samples,
                                                      dataclasses.replace(manifest_data.samples[0],
                                                                          sample_number="FX2026-0009")))
    with pytest.raises(ValidationError) as e:
        build_package(dup, files, tmp_path / "p.zip")
    assert "重复" in e.value.message
    assert not (tmp_path / "p.zip").exists()


def test_name_rules():
    for ok in ("reports/报告-1.pdf", "a.pdf", "notices/FX-1 (2).pdf"):
        assert name_problem(ok) is None, ok
    for bad in ("", "/a", "a/", "a//b", "./a", "a/../b", "a\\b", "C:a", "a.", "a ", "x\x00y", "a" * 300):
        assert name_problem(bad), bad
    assert safe_file_name("HBZJ/FX 2026:001") == "HBZJ_FX_2026_001"
    assert safe_file_name("..") == "_" and safe_file_name("CON") == "_CON"
    assert name_problem(safe_file_name("../../etc/passwd")) is None


def test_the_format_accepts_exactly_the_documents_values():
    """The package format (below the documents layer) spells out the values the documents' enums hold."""
    assert fmt.PLACES == tuple(p.value for p in PlaceType)
    assert fmt.JUDGEMENTS == tuple(j.value for j in Judgement)
    assert fmt.ROLES == tuple(r.value for r in PartyRole)
    assert fmt.LEVELS == tuple(level.value for level in RiskLevel)


@pytest.mark.parametrize("signature", ["", "c2lnbmF0dXJl"])
def test_a_recipe_is_assembled_directly_into_the_bytes_the_zip_writer_makes(signature):
    """An upload's package is made again from its recipe without zipfile's per-entry writer; the
    bytes are exactly zip_into's (stored PDFs, deflated others, a non-ASCII name, the signature)."""
    stored = {("report", 1): b"%PDF-1.7 report" * 500, ("notice", 2): b"%PDF notice",
              ("report", 3): "附件 é".encode() * 300, ("notice", 4): b""}
    names = {("report", 1): "reports/B.pdf", ("notice", 2): "notices/A-1.PDF",
             ("report", 3): "analysis/分析报告 附件.txt", ("notice", 4): "notices/empty.pdf"}
    recipe = fmt.PackageRecipe(
        manifest=json.dumps({"k": "检验", "n": list(range(300))}, ensure_ascii=False) + "\n",
        stamp=(2026, 11, 30, 6, 39, 57),
        files=tuple((names[k], k[0], k[1], len(v), hashlib.sha256(v).hexdigest()) for k, v in stored.items()),
        signature=signature)
    buf = io.BytesIO()
    fmt.zip_into(buf, recipe.manifest, recipe.stamp,
                 [(n, (lambda s=s, i=i: stored[s, i]), z, h) for n, s, i, z, h in recipe.files], recipe.signature)
    expected = buf.getvalue()
    assert fmt._zip_direct(recipe, lambda s, i: stored[s, i]) == expected
    assert fmt.assemble(recipe, lambda s, i: stored[s, i],
                        package_sha256=hashlib.sha256(expected).hexdigest()) == expected
    # a stored file of another size: no direct package (zip_into then names the file)
    assert fmt._zip_direct(recipe, lambda s, i: stored[s, i] + b"x") is None
    with pytest.raises(ValidationError):
        fmt.assemble(recipe, lambda s, i: stored[s, i] + b"x", package_sha256=hashlib.sha256(expected).hexdigest())


def test_a_recipe_keeps_its_crcs_and_deflated_manifest_and_still_gives_the_zip_writers_bytes():
    """The CRCs and the deflated manifest are worked out once, when the package is first made;
    the package made again from them is byte for byte zip_into's. A recipe stored before they were
    kept still works, and a recipe whose kept values are wrong cannot change what is sent: the
    package is checked against its recorded SHA-256 and made by zip_into instead."""
    import dataclasses

    stored = {("report", 1): b"%PDF-1.7 report" * 500, ("notice", 2): b"%PDF notice"}
    names = {("report", 1): "reports/B.pdf", ("notice", 2): "notices/A-1.pdf"}
    files = tuple(sorted((names[k], k[0], k[1], len(v), hashlib.sha256(v).hexdigest()) for k, v in stored.items()))
    by_name = {names[k]: v for k, v in stored.items()}
    manifest = json.dumps({"k": "检验", "n": list(range(300))}, ensure_ascii=False) + "\n"
    recipe = fmt.PackageRecipe.made(manifest, (2026, 11, 30, 6, 39, 57), files, "c2ln", by_name.__getitem__)
    assert recipe.crcs and recipe.manifest_deflated
    decoded = fmt.PackageRecipe.decode(recipe.encode())
    assert decoded == recipe
    plain = dataclasses.replace(recipe, crcs=(), manifest_deflated=b"", manifest_crc=0)  # as stored before
    assert fmt.PackageRecipe.decode(plain.encode()) == plain
    buf = io.BytesIO()
    fmt.zip_into(buf, manifest, recipe.stamp,
                 [(n, (lambda s=s, i=i: stored[s, i]), z, h) for n, s, i, z, h in files], recipe.signature)
    expected = buf.getvalue()
    digest = hashlib.sha256(expected).hexdigest()
    read = lambda s, i: stored[s, i]  # noqa: E731
    assert fmt._zip_direct(decoded, read) == fmt._zip_direct(plain, read) == expected
    wrong = dataclasses.replace(recipe, crcs=(1, 2), manifest_deflated=b"x")
    assert fmt._zip_direct(wrong, read) != expected
    assert fmt.assemble(wrong, read, package_sha256=digest) == expected
    with pytest.raises(ValidationError):  # a damaged recipe: one CRC per file or nothing
        fmt.PackageRecipe.decode(dataclasses.replace(recipe, crcs=(1,)).encode())


def test_a_stored_recipe_whose_manifest_was_damaged_is_refused():
    stored = {("report", 1): b"%PDF-1.7 report" * 50}
    files = (("reports/B.pdf", "report", 1, len(stored["report", 1]), hashlib.sha256(stored["report", 1]).hexdigest()),)
    recipe = fmt.PackageRecipe.made("{\"k\": \"检验\"}\n", (2026, 11, 30, 6, 39, 57), files, "",
                                    lambda _name: stored["report", 1])
    data = recipe.encode()
    assert data.startswith(b"RCP2") and fmt.PackageRecipe.decode(data) == recipe
    other = fmt._raw_deflate("{\"k\": \"抽样\"}\n".encode())  # another manifest of the same size
    for damaged in (data[:-1], data[:-len(recipe.manifest_deflated)] + other, data[:6] + b"\xff" + data[7:]):
        with pytest.raises(ValidationError):
            fmt.PackageRecipe.decode(damaged)
