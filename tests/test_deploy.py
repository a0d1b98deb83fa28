"""The deployment's topology on this machine: an Oxigraph server, two lod processes, nginx in front."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_deploy_check_passes_through_nginx() -> None:
    """`make deploy-check` as the suite runs it: every record and SPARQL check through the proxy."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "check.py")], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert [line for line in lines if line.startswith("FAIL")] == []
    assert sum(line.startswith("ok ") for line in lines) == 9
    assert lines[-1].endswith("every check passed")
