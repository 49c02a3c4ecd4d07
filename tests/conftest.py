"""Shared fixtures: short LIVEs made by the project's own simulator (real media, real FFmpeg)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def short_live(tmp_path_factory: pytest.TempPathFactory):
    """A 40-second simulated 720p portrait LIVE (recording, events, catalog, truth)."""
    from livehighlights.sim import SimConfig, simulate

    return simulate(SimConfig(minutes=40 / 60, seed=3, resolution="720p"), tmp_path_factory.mktemp("live"))


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``livehighlights`` command line in a child process."""
    return subprocess.run([sys.executable, "-m", "livehighlights._cli.main", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)
