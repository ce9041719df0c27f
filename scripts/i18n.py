#!/usr/bin/env python3
"""Maintain the Qt Linguist translation of the interface (resources/i18n/riskmon_zh_CN.ts).

    python scripts/i18n.py update     # lupdate from app/ui, then lrelease to .qm
    python scripts/i18n.py missing    # list source strings without a Chinese translation
    python scripts/i18n.py set [CONTEXT ...] < FILE
                                      # fill untranslated messages from "English<TAB>中文" lines
                                      # (only in the named contexts, if any), then lrelease

Source strings are English (``self.tr("...")``); zh_CN is complete and the default. The test
suite fails on any untranslated string, so run ``update`` and ``set`` after changing the UI.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "riskmon_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else name


def ui_sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app" / "ui").rglob("*.py"))


def lupdate(ts: Path = TS) -> None:
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool("pyside6-lupdate"), *ui_sources(), "-ts", str(ts), "-no-obsolete", "-locations", "none",
         "-source-language", "en", "-target-language", "zh_CN"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )


def lrelease(ts: Path = TS, qm: Path = QM) -> None:
    """Compile to a temporary file, then rename: a running program never maps a half-written .qm."""
    tmp = qm.with_name(qm.name + ".tmp")
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(tmp)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    tmp.replace(qm)


def messages(ts: Path = TS):
    """(context, source, translation element, message element) for every message."""
    tree = ET.parse(ts)
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            yield name, msg.findtext("source"), msg.find("translation"), msg


def untranslated(ts: Path = TS) -> list[tuple[str, str]]:
    out = []
    for ctx, source, tr, msg in messages(ts):
        if tr is None:
            out.append((ctx, source))
            continue
        forms = tr.findall("numerusform")
        texts = [f.text for f in forms] if msg.get("numerus") == "yes" else [tr.text]
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not all(t and t.strip() for t in texts):
            out.append((ctx, source))
    return out


def apply(pairs: dict[str, str], ts: Path = TS, *, contexts: set[str] | None = None) -> int:
    """Fill the untranslated messages whose English is in ``pairs`` (only in ``contexts`` if given);
    a message that already has a translation is left alone."""
    tree = ET.parse(ts)
    todo = set(untranslated(ts))
    n = 0
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name")
        if contexts is not None and name not in contexts:
            continue
        for msg in ctx.iter("message"):
            source = msg.findtext("source")
            if source not in pairs or (name, source) not in todo:
                continue
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            for child in list(tr):
                tr.remove(child)
            if msg.get("numerus") == "yes":
                tr.text = None
                form = ET.SubElement(tr, "numerusform")
                form.text = pairs[source]
            else:
                tr.text = pairs[source]
            tr.attrib.pop("type", None)
            n += 1
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    with ts.open("r+", encoding="utf-8") as fh:  # keep lupdate's DOCTYPE line
        text = fh.read()
        if "<!DOCTYPE TS>" not in text:
            text = text.replace("?>\n", "?>\n<!DOCTYPE TS>\n", 1)
            fh.seek(0)
            fh.write(text)
            fh.truncate()
    return n


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "update"
    if cmd == "update":
        lupdate()
        known = {}
        todo = set(untranslated())
        for ctx, source, tr, msg in messages():
            if (ctx, source) not in todo and tr is not None and msg.get("numerus") != "yes" and tr.text:
                known.setdefault(source, tr.text)
        reuse = {source: known[source] for _, source in todo if source in known}
        if reuse:
            apply(reuse)  # the same English already translated in another context
        lrelease()
        missing = untranslated()
        print(f"{TS.name}: {len(missing)} untranslated")
        return 0
    if cmd == "missing":
        for ctx, source in untranslated():
            print(f"{source}\t\t# {ctx}")
        return 0
    if cmd == "set":
        pairs = {}
        for line in sys.stdin.read().splitlines():
            if "\t" in line and not line.startswith("#"):
                src, dst = line.split("\t", 1)
                dst = dst.split("\t# ")[0].strip()
                if dst:
                    pairs[src] = dst.replace("\\n", "\n")
        contexts = set(argv[2:]) or None
        print(f"translated {apply(pairs, contexts=contexts)} message(s)")
        lrelease()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
