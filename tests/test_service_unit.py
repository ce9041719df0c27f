"""The systemd user unit of docs/systemd: it starts a command the program has, stops it with the
signal `riskmon sync` handles, waits longer than one upload, and does not restart on exit codes a
restart cannot fix."""

from __future__ import annotations

import shlex
from pathlib import Path

from app import cli

UNIT = Path(__file__).resolve().parents[1] / "docs" / "systemd" / "riskmon-sync.service"


def _entries() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.setdefault(f"{section}.{key}", []).append(value)
    return out


def test_the_service_unit_matches_the_program():
    e = _entries()
    argv = shlex.split(e["Service.ExecStart"][0])
    assert Path(argv[0]).name == "riskmon"
    args = cli.build_parser().parse_args(argv[1:])
    assert args.func is cli.cmd_sync and args.password_stdin and not args.once
    assert e["Service.KillSignal"] == ["SIGTERM"]
    assert int(e["Service.TimeoutStopSec"][0]) > 60  # the gateway's read timeout
    assert set(e["Service.RestartPreventExitStatus"][0].split()) == {"2", "3"}
    assert "130" in e["Service.SuccessExitStatus"][0].split()
    assert e["Install.WantedBy"] == ["default.target"]
    names = {v.split("=", 1)[0] for v in e["Service.Environment"]}
    assert names == {"RISKMON_PROVINCIAL_URL", "RISKMON_PROVINCIAL_USER"}
