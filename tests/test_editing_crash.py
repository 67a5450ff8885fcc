"""A save that spans several files is all or nothing, however the writer dies.

A real writer process (forked, then killed with SIGKILL) saves a change to three files (two
existing, one new) in a git repository. It is killed at each step of the save in turn (the
``NHANRONG_CRASH_AT`` hook) and at random moments. After each kill the next start (the loader,
``prepare`` or recovery) must leave every file old or every file new, the git history must match
(one commit with exactly the new files, or none), no temporary file may remain, and the planner
is told which way it went. One round goes through the real command line (``nhanrong import``,
then ``nhanrong validate``). The longer run is ``make fuzz`` (bench/fuzz.py).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: bench/

from bench.fuzz import AUTHOR, KillBench as Bench, git  # noqa: E402
from nhanrong.editing.journal import JOURNAL_DIR, STEPS  # noqa: E402
from nhanrong.editing.safewrite import CRASH_ENV  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL"),
]


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Bench:
    return Bench(tmp_path_factory.mktemp("crash"))


def test_killed_at_every_step_is_old_or_new_and_says_which(bench: Bench) -> None:
    seen = []
    step = 1
    while True:
        bench.reset()
        status = bench.run_writer(step=str(step))
        if os.WIFEXITED(status):  # no step left to die at: the save went through
            assert os.WEXITSTATUS(status) == 0
            assert bench.check() == "new"
            break
        assert os.WTERMSIG(status) == signal.SIGKILL
        seen.append(bench.check("load" if step % 2 else "prepare"))
        step += 1
    # 1 journal + 3 temp files before the point of no return: rolled back; every later step: completed
    assert seen[:4] == ["old"] * 4 and set(seen[4:]) == {"new"}, seen
    assert len(seen) == 14, f"{len(seen)} steps: {seen}"


@pytest.mark.parametrize("step", ["journal-committed", "git-committed"])
def test_named_steps(bench: Bench, step: str) -> None:
    assert step in STEPS
    bench.reset()
    assert os.WTERMSIG(bench.run_writer(step=step)) == signal.SIGKILL
    assert bench.check() == "new"


def test_killed_at_random_moments(bench: Bench) -> None:
    bench.reset()
    t0 = time.monotonic()
    assert bench.run_writer() == 0
    took = time.monotonic() - t0
    rng = random.Random()
    states = []
    for _ in range(6):
        bench.reset()
        bench.run_writer(delay=rng.uniform(0, took))
        states.append(bench.check())
    assert set(states) <= {"old", "new"}


def test_real_command_killed_then_validate_completes_it(bench: Bench, tmp_path: Path) -> None:
    bench.reset()
    sheet = tmp_path / "tien-do.csv"
    sheet.write_text("unit,model,stage,since\n04252,tiny,evaluate,2022-07-01\n04249,tiny,scale,2022-06-01\n"
                     "04270,tiny,assess,2022-05-01\n", encoding="utf-8")
    exe = [sys.executable, "-m", "nhanrong.cli"]
    env = {**os.environ, CRASH_ENV: "files-replaced"}
    proc = subprocess.run([*exe, "import", str(bench.root), str(sheet), "--author", AUTHOR], env=env, capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (bench.root / JOURNAL_DIR).exists() and list((bench.root / JOURNAL_DIR).glob("*.json"))
    env.pop(CRASH_ENV)
    out = subprocess.run([*exe, "validate", str(bench.root)], env=env, capture_output=True, text=True)
    assert "đã được hoàn tất và commit vào git" in out.stdout + out.stderr
    assert git(bench.root, "status", "--porcelain") == ""
    assert "04270" in git(bench.root, "show", "HEAD:pilots/tiny/132.toml")
    assert not list((bench.root / JOURNAL_DIR).glob("*"))
