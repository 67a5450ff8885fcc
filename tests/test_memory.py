"""Arrow's allocator is the system's once the engine is imported (unless the environment chose)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pyarrow = pytest.importorskip("pyarrow")

SCRIPT = "import nhanrong.programme, pyarrow; print(pyarrow.default_memory_pool().backend_name)"


def _backend(env: dict) -> str:
    import os

    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env={**os.environ, **env}, check=True)
    return done.stdout.strip()


def test_the_engine_gives_arrow_the_system_allocator():
    assert _backend({"ARROW_DEFAULT_MEMORY_POOL": ""}) == "system"


def test_a_pool_chosen_in_the_environment_is_kept():
    assert _backend({"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}) == "mimalloc"
