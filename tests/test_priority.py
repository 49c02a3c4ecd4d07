"""Batch work (the after-the-LIVE analysis) runs at a lower CPU priority than work someone waits for."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli

from livehighlights.errors import InputError
from livehighlights.jobs.priority import BATCH_NICE_ENV, batch_nice, run_as_batch


def _nice_of(pid: int) -> int:
    """The nice value of a process's main thread, from /proc (field 19 of its stat line)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])


def test_batch_runs_lowered_in_its_own_thread_and_its_children_inherit_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BATCH_NICE_ENV, "7")
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def work() -> tuple[int, int, str]:
        mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        child = subprocess.run([sys.executable, "-c", "import os; print(os.nice(0))"], capture_output=True,
                               text=True, check=True).stdout.strip()
        return mine, int(child), threading.current_thread().name

    mine, child, name = run_as_batch(work, name="batch-test")
    assert mine == min(19, before + 7)
    assert child == mine  # FFmpeg and every other tool the batch starts run lowered too
    assert name == "batch-test"
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # the caller is left alone


def test_batch_errors_reach_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BATCH_NICE_ENV, raising=False)

    def fails() -> None:
        raise InputError("the events file is empty")

    with pytest.raises(InputError, match="the events file is empty"):
        run_as_batch(fails)
    assert batch_nice() == 10
    monkeypatch.setenv(BATCH_NICE_ENV, "0")
    assert run_as_batch(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())) == \
        os.getpriority(os.PRIO_PROCESS, threading.get_native_id())  # 0 turns it off


@pytest.mark.parametrize("bad", ["fast", "-3", "25", "1.5"])
def test_a_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv(BATCH_NICE_ENV, bad)
    with pytest.raises(InputError, match=BATCH_NICE_ENV):
        run_as_batch(lambda: None)


def test_process_command_runs_as_batch_and_refuses_a_bad_setting(short_live, tmp_path: Path) -> None:
    args = ["process", short_live.recording, "--events", short_live.events, "--catalog", short_live.catalog,
            "--no-clips"]
    env = {**os.environ, BATCH_NICE_ENV: "high"}
    bad = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", *map(str, args), "--out",
                          str(tmp_path / "bad")], capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode != 0
    assert BATCH_NICE_ENV in bad.stdout + bad.stderr and "Traceback" not in bad.stdout + bad.stderr

    base = os.nice(0)
    env = {**os.environ, BATCH_NICE_ENV: "5"}
    child = subprocess.Popen([sys.executable, "-m", "livehighlights._cli.main", *map(str, args), "--out",
                              str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=env)
    seen: set[int] = set()
    while child.poll() is None:
        try:
            seen.add(_nice_of(child.pid))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
        time.sleep(0.02)
    out = child.stdout.read() if child.stdout else ""
    assert child.returncode == 0, out
    assert min(19, base + 5) in seen  # lowered once the analysis starts (imports before it run as started)
    done = run_cli(*args, "--out", tmp_path / "out")  # run again: same LIVE, reused; still a plain exit
    assert done.returncode == 0, done.stdout + done.stderr
