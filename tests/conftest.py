"""One fixture factory that builds a tiny data repository in tmp_path, used everywhere."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Callable

import pytest

BUNDLED = Path(__file__).resolve().parents[1]


@functools.cache
def bundled_graph():
    """The bundled Yên Bái data as a graph, loaded once per test process (read it; do not change it)."""
    from nhanrong.cache import load_programme_cached
    from nhanrong.graph import build_graph

    return build_graph(load_programme_cached(BUNDLED))

# A minimal but complete model: two metrics, gates, one coverage target.
TINY_MODEL = """\
name = "Mô hình thử"
name_en = "Test model"
pillars = ["society"]
adopted_by = ["commune"]

[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
min_days = 30
gate = [{ metric = "accounts", min = 10 }]
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365

[[targets]]
metric = "coverage"
value = 0.5
date = 2022-12-31
scope = "132"
structure = "old"

[method]
steps = ["Bước một"]

[resources]
trainer_hours = 4
budget_vnd = 1_000_000

[[metrics]]
id = "accounts"
name = "Số tài khoản"
unit = "tài khoản"
rollup = "sum"

[[metrics]]
id = "people"
name = "Số người"
unit = "người"
rollup = "sum"
"""

TINY_UNITS = """\
structure = "old"
illustrative = true

[[unit]]
code = "T-04249-01"
name = "Tổ dân phố 1"
kind = "village"
parent = "04249"
"""

TINY_PILOTS = """\
model = "tiny"
structure = "old"

[[adoption]]
unit = "04249"
stages = { assess = 2022-01-10, pilot = 2022-02-15, evaluate = 2022-05-01, scale = 2022-06-01 }
readings = [
  { metric = "accounts", date = 2022-06-30, value = 120 },
]

[[adoption]]
unit = "04252"
stages = { assess = 2022-03-01, pilot = 2022-04-01 }
learned_from = "04249"
"""


RepoFactory = Callable[..., Path]


def write_repo(root: Path, files: dict[str, str] | None = None, *, defaults: bool = True) -> Path:
    """Write a data root at ``root`` (``files``: path -> text, dedented); defaults give a valid tiny repo."""
    content: dict[str, str] = {}
    if defaults:
        content = {
            "models/tiny.toml": TINY_MODEL,
            "units/villages.toml": TINY_UNITS,
            "pilots/tiny/132.toml": TINY_PILOTS,
        }
    content.update(files or {})
    for rel, text in content.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for d in ("models", "units", "pilots", "plans"):
        (root / d).mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> RepoFactory:
    """Build a data root: ``make_repo({"models/x.toml": text, ...})``; defaults give a valid repo."""

    def factory(files: dict[str, str] | None = None, *, defaults: bool = True) -> Path:
        return write_repo(tmp_path / "data", files, defaults=defaults)

    return factory


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in a file, as a person saving it would: its stamp moves on even when the
    text does not change, and even on a file system with a coarse clock (the caches key on the stamp)."""
    import os

    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def git(root: Path, *args: str) -> str:
    """Run git in ``root``; its output."""
    import subprocess

    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_repo(make_repo, tmp_path: Path, monkeypatch) -> Callable[..., Path]:
    """``git_repo(files)``: :func:`make_repo` committed on branch main by a server identity, with git's
    global and system settings kept out (tests of saves, rights and review)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

    def factory(files: dict[str, str] | None = None) -> Path:
        root = make_repo(files)
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.name", "Máy chủ")
        git(root, "config", "user.email", "server@x.vn")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "init")
        return root

    return factory
