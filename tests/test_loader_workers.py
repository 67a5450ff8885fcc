"""Files read by worker processes give the programme a load in one process gives, message for message;
a worker that cannot start, dies or gets stuck only makes the load slower; nothing is left behind."""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: bench/

from bench.fuzz import BASE, MUTATORS, write_base  # noqa: E402
from nhanrong import loader  # noqa: E402
from nhanrong.loader import load_programme  # noqa: E402
from nhanrong.loading import parsing, workers  # noqa: E402
from tests.test_loader_fast import _snapshot  # noqa: E402


@pytest.fixture
def forced(monkeypatch):
    """Workers for any load, however small (one worker, as on a machine with two cores)."""
    monkeypatch.setattr(workers, "MIN_BYTES", 0)
    monkeypatch.setenv("NHANRONG_WORKERS", "1")
    loader._FILE_CACHE.clear()
    yield
    loader._FILE_CACHE.clear()


def _damaged(root: Path) -> Path:
    """The fuzz corpus with more files (so that both ends have batches) and damage of several kinds:
    a syntax error, a value of the wrong type (pydantic's message), an unknown unit."""
    write_base(root)
    for i in range(12):
        (root / f"pilots/tiny/copy-{i:02d}.toml").write_text(BASE["pilots/tiny/132.toml"], encoding="utf-8")
    rng = random.Random(3)
    (root / "pilots/tiny/copy-03.toml").write_bytes(MUTATORS["truncate"](BASE["pilots/tiny/132.toml"].encode(), rng, 20_000))
    (root / "pilots/tiny/copy-07.toml").write_bytes(MUTATORS["wrong-type"](BASE["pilots/tiny/132.toml"].encode(), rng, 20_000))
    (root / "pilots/tiny/copy-09.toml").write_text(BASE["pilots/tiny/132.toml"].replace('"04252"', '"99999"'), encoding="utf-8")
    return root


def _alone(root: Path, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.setenv("NHANRONG_WORKERS", "0")
        loader._FILE_CACHE.clear()
        return _snapshot(load_programme(root))


def test_workers_give_the_same_programme_as_one_process(tmp_path, monkeypatch, forced):
    root = _damaged(tmp_path / "data")
    before = dict(workers.STATS)
    misses = loader.CACHE_STATS["misses"]
    with_workers = _snapshot(load_programme(root))
    assert workers.STATS["batches_in_workers"] > before["batches_in_workers"]  # a worker did read some files
    assert workers.STATS["fallbacks"] == before["fallbacks"]
    assert loader.CACHE_STATS["misses"] - misses == 17  # every units/ and pilots/ file, wherever it was read
    alone = _alone(root, monkeypatch)
    assert with_workers == alone
    codes = {p[4] for p in alone["problems"]}
    assert {"toml-syntax", "unknown-unit"} <= codes and len(alone["problems"]) >= 3


def test_files_read_by_workers_are_cached_for_the_next_load(tmp_path, forced):
    root = _damaged(tmp_path / "data")
    first = _snapshot(load_programme(root))
    misses = loader.CACHE_STATS["misses"]
    assert _snapshot(load_programme(root)) == first
    assert loader.CACHE_STATS["misses"] == misses


@pytest.mark.parametrize("failure", ["cannot start", "dies at once"])
def test_a_failing_worker_leaves_its_work_to_this_process(tmp_path, monkeypatch, forced, failure):
    """A worker that cannot start (no such program) or ends at once (as if killed): what it was to
    read is read here, nothing is lost."""
    root = _damaged(tmp_path / "data")
    if failure == "cannot start":
        monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    else:
        import subprocess

        def dying(cls):
            return cls(subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.buffer.read(1)"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE))

        monkeypatch.setattr(workers._Worker, "start", classmethod(dying))
    before = workers.STATS["fallbacks"]
    got = _snapshot(load_programme(root))
    assert workers.STATS["fallbacks"] > before
    assert got == _alone(root, monkeypatch)


def test_a_stuck_worker_is_stopped_and_its_work_done_here(tmp_path, monkeypatch, forced):
    """A worker that takes batches and never answers (a parse that never ends) does not hang the load:
    after STALL_SECONDS with nothing else to read, it is stopped and its batches are read here."""
    import subprocess

    root = _damaged(tmp_path / "data")
    started: list[subprocess.Popen] = []

    def stuck(cls):
        proc = subprocess.Popen([sys.executable, "-c", "import sys, time; sys.stdin.buffer.read(1); time.sleep(600)"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        started.append(proc)
        return cls(proc)

    monkeypatch.setattr(workers._Worker, "start", classmethod(stuck))
    monkeypatch.setattr(workers, "STALL_SECONDS", 0.5)
    stalls, fallbacks = workers.STATS["stalls"], workers.STATS["fallbacks"]
    got = _snapshot(load_programme(root))
    assert workers.STATS["stalls"] == stalls + 1 and workers.STATS["fallbacks"] > fallbacks
    assert started and all(p.poll() is not None for p in started)  # stopped, not left sleeping
    assert got == _alone(root, monkeypatch)


def test_workers_read_with_this_process_settings(tmp_path, monkeypatch, forced):
    """A limit changed in this process (after the workers' module was imported) holds in the workers."""
    root = _damaged(tmp_path / "data")
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 200)
    before = workers.STATS["batches_in_workers"]
    problems = _snapshot(load_programme(root))["problems"]
    assert workers.STATS["batches_in_workers"] > before
    too_large = {p[0] for p in problems if p[4] == "too-large"}
    bigger = {p.relative_to(root).as_posix() for p in root.glob("pilots/tiny/copy-*.toml") if p.stat().st_size > 200}
    assert len(bigger) >= 10 and bigger <= too_large


def test_no_worker_nor_spool_folder_is_left_behind(tmp_path, monkeypatch, forced):
    root = _damaged(tmp_path / "data")
    spool_parent = tmp_path / "tmp"
    spool_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_parent))
    started: list = []
    real = workers._Worker.start.__func__

    def keep(cls):
        w = real(cls)
        started.append(w)
        return w

    monkeypatch.setattr(workers._Worker, "start", classmethod(keep))
    load_programme(root)
    assert started and all(w.proc.poll() is not None for w in started)
    assert list(spool_parent.iterdir()) == []


def test_small_loads_use_no_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("NHANRONG_WORKERS", "1")
    root = _damaged(tmp_path / "data")
    loader._FILE_CACHE.clear()
    before = workers.STATS["loads"]
    load_programme(root)
    assert workers.STATS["loads"] == before  # a few kB: starting a worker would cost more


@pytest.mark.parametrize("raw, want", [("0", 0), ("3", 3), ("-2", 0), ("many", 0)])
def test_the_number_of_workers_can_be_set(monkeypatch, raw, want):
    monkeypatch.setenv("NHANRONG_WORKERS", raw)
    assert workers.worker_count() == want


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(0, 3 * 2**20), max_size=60), count=st.integers(1, 4))
def test_batches_keep_every_file_once_in_order(sizes, count):
    jobs = [("pilots", Path(f"{i}.toml")) for i in range(len(sizes))]
    batches = workers._batches(jobs, sizes, count)
    assert [j for b in batches for j in b] == jobs
    assert all(batches[1:])  # no empty batch (the first is empty only when there is nothing to read)
    target = max(1, min(workers.BATCH_BYTES, sum(sizes) // (4 * (count + 1))))
    pos = 0
    for b in batches[:-1]:  # every batch but the last holds at least the target
        assert sum(sizes[pos:pos + len(b)]) >= target
        pos += len(b)


def test_ranges_taken_in_two_parts_are_the_files_in_order(tmp_path, monkeypatch, forced):
    """The loader takes the units first and the records later: each part is its own files, in order,
    whichever side read them; a batch whose results cannot be read back is read here."""
    root = _damaged(tmp_path / "data")
    jobs = [("units", p) for p in sorted(root.glob("units/*.toml"))] + [("pilots", p) for p in sorted(root.glob("pilots/**/*.toml"))]
    real = workers._took
    calls = []

    def flaky(out, i, spooled, peak):
        calls.append(i)
        return False if len(calls) == 1 else real(out, i, spooled, peak)

    monkeypatch.setattr(workers, "_took", flaky)
    before = workers.STATS["fallbacks"]
    reading = workers.Reading(jobs, [p.stat().st_size for _, p in jobs], root)
    try:
        cut = len(jobs) // 3
        got = reading.take(0, cut) + reading.take(cut, len(jobs))
    finally:
        reading.close()
    assert calls and workers.STATS["fallbacks"] == before + 1
    assert [c.rel for c in got] == [p.relative_to(root).as_posix() for _, p in jobs]
    from nhanrong.loading import columns

    assert [c.problems for c in got] == [columns.read(kind, p, root).problems for kind, p in jobs]
