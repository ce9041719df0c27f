"""Size of the PyInstaller folder (``make dist``), package by package.

    python scripts/bundle_report.py dist/riskmon [--max-mb 200]

Prints the folder's size and file count, then one line per package (Qt split into its libraries,
ICU, plugins and translations; the Python runtime; each Python distribution with its ``.libs``
folder; the system libraries copied from the build machine, largest named). Exits 1 when the
folder is larger than ``--max-mb``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

MB = 1024 * 1024
EXTENSION = re.compile(r"^(?P<name>[^.]+)\..*(cpython-\d+|abi3)[^/]*\.(so|pyd)$")


def _group(rel: str) -> str:
    """The package a file of the folder belongs to (``rel``: relative to ``_internal``)."""
    parts = rel.split("/")
    head = parts[0]
    if head == "PySide6" and len(parts) > 2 and parts[1] == "Qt":
        if parts[2] == "lib":
            return "Qt: ICU" if parts[3].startswith("libicu") else "Qt: libraries"
        return f"Qt: {parts[2]}"
    if re.fullmatch(r"python3\.\d+", head) or head.startswith("libpython") or head == "base_library.zip":
        return "Python runtime"
    if head.endswith(".dist-info"):
        return "package metadata (dist-info)"
    if head.endswith(".libs"):
        return head[: -len(".libs")]  # the vendored libraries of a wheel (pillow.libs …)
    if len(parts) > 1:
        return head
    ext = EXTENSION.match(head)
    if ext:
        return ext.group("name").lstrip("_")
    if ".so" in head or head.endswith(".dll"):
        return "system libraries (build machine)"
    return "other files"


def breakdown(folder: Path) -> tuple[int, int, list[tuple[str, int, int]], list[tuple[str, int]]]:
    """(total bytes, file count, [(package, bytes, files)] largest first, [(system library, bytes)])."""
    internal = folder / "_internal"
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    system: list[tuple[str, int]] = []
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        total, count = total + size, count + 1
        if internal in path.parents:
            group = _group(path.relative_to(internal).as_posix())
        else:
            group = "programs (with the Python modules archive)"
        sizes[group][0] += size
        sizes[group][1] += 1
        if group.startswith("system libraries"):
            system.append((path.name, size))
    rows = sorted(((name, b, n) for name, (b, n) in sizes.items()), key=lambda r: -r[1])
    return total, count, rows, sorted(system, key=lambda r: -r[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--max-mb", type=float, default=None, help="exit 1 when the folder is larger")
    args = parser.parse_args(argv)
    if not (args.folder / "_internal").is_dir():
        print(f"bundle_report: {args.folder} is not a PyInstaller folder (no _internal)", file=sys.stderr)
        return 2
    total, count, rows, system = breakdown(args.folder)
    print(f"{args.folder}: {total / MB:.1f} MB in {count} files")
    for name, size, files in rows:
        print(f"  {size / MB:7.1f} MB {files:5d} files  {name}")
    if system:
        print("  largest system libraries: " + ", ".join(f"{n} {s / MB:.1f}" for n, s in system[:8]))
    if args.max_mb is not None and total > args.max_mb * MB:
        print(f"bundle_report: {total / MB:.1f} MB is over the {args.max_mb:g} MB target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
