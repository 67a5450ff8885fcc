"""The national benchmark: `make bench` (or `python -m bench [--quick]`).

Generates (once, seeded) the national data set under bench/data/ and a tenth of it
under bench/data/tenth/, then prints one figure a line as ``name: value``:

- cold_vs_tomli: cold load + validate + build the units frame that status and gaps use, over
  parsing the same files with tomli alone (the floor for TOML in git)
- cold_with_nx_vs_tomli: the same plus the networkx graph (built lazily, on first use of .graph)
- warm_vs_cold: warm reload from the disk cache (no file changed), over the cold load + validate; in
  this process, whose heap holds the national graph by then. warm_new_process_s / _vs_cold: the same
  reload timed in a new process (modules imported first), as an app started again or a command meets it
- status_growth_10x: status + gaps for the whole set, over the same for a tenth
- cold_vs_compiled: the cold load + units frame over parsing the same files with the compiled parser
  (toml-rs, the optional extra ``fast``) alone; aim <= 2. cold_vs_tomli keeps comparing with tomli.
  A cold load reads files on worker processes too, one fewer than the cores (``workers``);
  cold_load_one_process_vs_compiled is the load with none (NHANRONG_WORKERS=0), as on one core.
- cold_tomli_vs_compiled: the same load forced onto tomli (NHANRONG_TOML=tomli), over the one above
- incremental_vs_cold: a reload after one adoption file changed (every other file from the in-process
  per-file cache; the checks across files run again), over the cold load; the issue's aim is that only
  that file is parsed again (incremental_files_parsed), the checks across files take the rest;
  incremental_units_frame_s: the units frame after that reload (the same declared units: kept, ~0)
- asof_<page>_s / asof_page_max_s: the engine calls a page makes for an as-of date never asked before
  (overview: status now and six months before, targets, metrics now and before, gaps; gaps; units:
  status of a province's communes, unit stages, parts; model: targets, metrics, status by level), on
  a graph whose as-of-independent frames are computed (as in the app after its first page); aim <= 1 s
- asof_scope_max_s: the same for another province at a date already seen (a scope change)
- memo_mb_per_date / memo_growth_after_8_mb: memory the engine memo holds per distinct as-of date, and
  its growth over dates 9 to 12 (tracemalloc; aim 0: the memo keeps MEMO_DATES dates)
- load_peak_mb / warm_peak_mb: peak memory of a process that loads cold / from the disk cache and
  computes status and gaps; a cold load's worker processes counted (load_main_peak_mb, load_worker_peak_mb)
- status_gaps_s, peak_mb, bundled_load_s, and the absolute seconds behind each ratio.

Timings are the best of ``--repeat`` runs (the machine may be shared); the previous run's result is
freed before the clock starts. ``--quick`` uses a
tenth of the country as "whole" and a hundredth as "tenth". After the engine's figures it
runs the other benchmarks of this folder (bench.planner, bench.app_rerun), each in its own
process; ``--only engine`` skips them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
AS_OF = dt.date(2027, 12, 31)  # the generated records run from 1/7/2025 to the end of 2027
DATA_DIRS = ("models", "units", "pilots", "plans")


def _stamp(root: Path) -> Path:
    return root / ".bench-stamp.json"


def ensure_data(root: Path, scale: float, seed: int) -> dict:
    """Generate the data set unless the same one (scale, seed, generator) is already there."""
    from bench import generate as gen

    want = {"scale": scale, "seed": seed, "generator": Path(gen.__file__).stat().st_mtime_ns,
            "models": sorted((p.name, p.stat().st_mtime_ns) for p in (REPO / "models").glob("*.toml"))}
    stamp = _stamp(root)
    if stamp.exists():
        have = json.loads(stamp.read_text())
        if {k: have.get(k) for k in want} == json.loads(json.dumps(want)):
            return have
    counts = gen.generate(root, scale=scale, seed=seed)
    stamp.write_text(json.dumps({**want, **counts}))
    return {**want, **counts}


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs (and the last result). The previous run's result is freed
    before the clock starts: freeing a national programme is not part of loading the next one."""
    times, out = [], None
    for _ in range(repeat):
        out = None
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def toml_files(root: Path) -> list[Path]:
    return [p for d in DATA_DIRS for p in sorted((root / d).rglob("*.toml"))]


def parse_with(module: str, root: Path) -> int:
    """Parse every TOML file of ``root`` with ``module`` (tomli, or toml_rs: the same ``loads``)."""
    import importlib

    loads = importlib.import_module(module).loads
    n = 0
    for p in toml_files(root):
        loads(p.read_bytes().decode("utf-8"))
        n += 1
    return n


def parse_tomli(root: Path) -> int:
    return parse_with("tomli", root)


def parse_compiled(root: Path) -> int:
    return parse_with("toml_rs", root)


def cold(root: Path):
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme

    t = time.perf_counter()
    prog = load_programme(root)
    t_load = time.perf_counter() - t
    return t_load, build_graph(prog)


def status_and_gaps(pg) -> int:
    from nhanrong.gaps import find_gaps
    from nhanrong.status import status

    pg._memo.clear()  # nothing precomputed: the first call of the day
    s = status(pg, AS_OF, structure="new", level="commune")
    g = find_gaps(pg, AS_OF, structure="new")
    return len(s) + len(g)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a tenth of the country as the whole set (about a minute)")
    p.add_argument("--repeat", type=int, default=2, help="runs per timing, best kept (default: 2)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--only", choices=("engine", "all"), default="all", help="engine figures only, or all benchmarks (default)")
    args = p.parse_args(argv)
    code = engine(args)
    if args.only == "all":
        for module in OTHERS:
            if not (REPO / "bench" / f"{module.rpartition('.')[2]}.py").exists():
                continue
            print(f"# {module}", flush=True)
            done = subprocess.run([sys.executable, "-m", module, *(["--quick"] if args.quick else [])], cwd=REPO)
            if done.returncode:
                print(f"# {module} failed (exit {done.returncode})", flush=True)
                code = 1
    return code


OTHERS = ("bench.planner", "bench.app_rerun")


def engine(args: argparse.Namespace) -> int:
    """The engine's figures: load, cache, status and gaps at national scale."""

    from nhanrong.registry import load_registry

    t = time.perf_counter()
    load_registry()  # the official register: read once per process, whatever the data
    registry_s = time.perf_counter() - t

    whole_scale = 0.1 if args.quick else 1.0
    whole, tenth = (DATA / "quick", DATA / "quick" / "tenth") if args.quick else (DATA, DATA / "tenth")
    info = ensure_data(whole, whole_scale, args.seed)
    info_tenth = ensure_data(tenth, whole_scale / 10, args.seed)

    # Cold: load + validate + graph, against tomli alone on the same files.
    tomli_s, _ = best(lambda: parse_tomli(whole), args.repeat)
    shutil.rmtree(whole / ".nhanrong", ignore_errors=True)
    cold_total = []
    from nhanrong import loader

    pg = None
    for _ in range(args.repeat):
        loader._FILE_CACHE.clear()  # cold: no file from this process's per-file cache either
        pg = None  # the previous run's graph is freed before the clock starts, as in best()
        gc.collect()
        t = time.perf_counter()
        load_s, pg = cold(whole)
        cold_total.append((time.perf_counter() - t, load_s))
    cold_s, cold_load_s = min(cold_total)
    t = time.perf_counter()
    pg.graph  # the networkx graph, built on first use
    nx_graph_s = time.perf_counter() - t

    # Warm: the disk cache, no file changed.
    from nhanrong.cache import load_programme_cached

    load_programme_cached(whole)  # writes the cache
    warm_s, prog = best(lambda: load_programme_cached(whole), args.repeat)

    # Status + gaps for the whole set and for a tenth.
    sg_s, n_rows = best(lambda: status_and_gaps(pg), args.repeat)
    _, pg_tenth = cold(tenth)
    sg_tenth_s, _ = best(lambda: status_and_gaps(pg_tenth), args.repeat)

    from nhanrong.loader import load_programme

    bundled_s, bundled = best(lambda: load_programme(REPO), args.repeat)
    more = compiled_figures(whole, args, cold_s, cold_load_s)
    more += incremental_figures(whole, cold_load_s)
    del prog
    more += asof_figures(pg)
    more += memo_figures(pg)
    more += peak_figures(whole, cold_load_s)

    figures = [
        ("cold_vs_tomli", cold_s / tomli_s),
        ("cold_with_nx_vs_tomli", (cold_s + nx_graph_s) / tomli_s),
        ("warm_vs_cold", warm_s / cold_load_s),
        ("status_growth_10x", sg_s / sg_tenth_s),
        ("status_gaps_s", sg_s),
        ("status_gaps_tenth_s", sg_tenth_s),
        ("cold_s", cold_s),
        ("cold_load_s", cold_load_s),
        ("units_frame_s", cold_s - cold_load_s),
        ("nx_graph_s", nx_graph_s),
        ("tomli_s", tomli_s),
        ("warm_s", warm_s),
        ("bundled_load_s", bundled_s),
        ("registry_s", registry_s),
        *more,
        ("peak_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        ("communes", info["communes"]),
        ("units", len(pg.units)),
        ("adoptions", len(pg.programme.adoptions)),
        ("readings", len(pg.programme.readings)),
        ("files", info["files"]),
        ("toml_mb", info["bytes"] / 1e6),
        ("tenth_adoptions", info_tenth["adoptions"]),
        ("status_gaps_rows", n_rows),
        ("bundled_problems", len(bundled.errors)),
    ]
    for name, value in figures:
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
    sys.stdout.flush()
    return 0


def compiled_figures(root: Path, args, cold_s: float, cold_load_s: float) -> list:
    """The compiled parser's own time on the same files, and the cold load forced onto tomli."""
    from nhanrong import loader

    if loader.FAST_PARSER != "toml-rs":
        return [("cold_vs_compiled", "n/a (toml-rs not installed: pip install nhanrong[fast])"), ("parser", loader.FAST_PARSER)]
    compiled_s, _ = best(lambda: parse_compiled(root), args.repeat)
    before = loader.use_parser("tomli")
    try:
        loader._FILE_CACHE.clear()
        tomli_load_s, _ = best(lambda: (loader._FILE_CACHE.clear(), loader.load_programme(root)), 1)
    finally:
        loader.use_parser(before)
        loader._FILE_CACHE.clear()
    one_s = one_process_load(root, args.repeat)
    from nhanrong.loading import workers

    return [("cold_vs_compiled", cold_s / compiled_s), ("cold_load_vs_compiled", cold_load_s / compiled_s),
            ("cold_load_one_process_vs_compiled", one_s / compiled_s), ("cold_tomli_vs_compiled", tomli_load_s / cold_load_s),
            ("compiled_s", compiled_s), ("cold_load_one_process_s", one_s), ("cold_tomli_load_s", tomli_load_s),
            ("parser", loader.FAST_PARSER), ("workers", workers.worker_count())]


def one_process_load(root: Path, repeat: int) -> float:
    """The cold load with no worker process (NHANRONG_WORKERS=0): what a machine with one core gets."""
    import os

    from nhanrong import loader

    before = os.environ.get("NHANRONG_WORKERS")
    os.environ["NHANRONG_WORKERS"] = "0"
    try:
        return best(lambda: (loader._FILE_CACHE.clear(), loader.load_programme(root)), repeat)[0]
    finally:
        loader._FILE_CACHE.clear()
        if before is None:
            del os.environ["NHANRONG_WORKERS"]
        else:
            os.environ["NHANRONG_WORKERS"] = before


def incremental_figures(root: Path, cold_load_s: float) -> list:
    """One adoption file changed (its mtime moved on): only it is parsed again."""
    import os

    from nhanrong import loader
    from nhanrong.graph import build_graph

    build_graph(loader.load_programme(root))  # every file in the per-file cache, as the app had it
    target = sorted((root / "pilots").rglob("*.toml"))[0]
    st = target.stat()
    hits0, miss0 = loader.CACHE_STATS["hits"], loader.CACHE_STATS["misses"]
    try:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        gc.collect()
        t = time.perf_counter()
        prog = loader.load_programme(root)
        inc_s = time.perf_counter() - t
        t = time.perf_counter()
        build_graph(prog)
        frame_s = time.perf_counter() - t
    finally:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    reparsed = loader.CACHE_STATS["misses"] - miss0
    return [("incremental_vs_cold", inc_s / cold_load_s), ("incremental_s", inc_s), ("incremental_units_frame_s", frame_s),
            ("incremental_files_parsed", reparsed),
            ("incremental_files_cached", loader.CACHE_STATS["hits"] - hits0)]


PAGES = {
    "overview": lambda pg, d, prev, scope, st: [
        lambda: status(pg, d, structure=st, scope=scope), lambda: status(pg, prev, structure=st, scope=scope),
        lambda: evaluate_targets(pg, d), lambda: metric_values(pg, d, structure=st, scope=scope),
        lambda: metric_values(pg, prev, structure=st, scope=scope), lambda: find_gaps(pg, d, structure=st, scope=scope)],
    "gaps": lambda pg, d, prev, scope, st: [lambda: find_gaps(pg, d, structure=st, scope=scope)],
    "units": lambda pg, d, prev, scope, st: [
        lambda: status(pg, d, structure=st, scope=scope, level="commune"), lambda: unit_stages(pg, d, structure=st, scope=scope),
        lambda: part_stages(pg, d, scope=scope)],
    "model": lambda pg, d, prev, scope, st: [
        lambda: evaluate_targets(pg, d), lambda: metric_values(pg, d, structure=st, scope=scope),
        lambda: status(pg, d, structure=st, scope=scope, level="commune")],
}


def _provinces(pg) -> list[str]:
    from nhanrong.status import _provinces_with_data

    return [k.partition(":")[2] for k in _provinces_with_data(pg, "new")]


def asof_figures(pg) -> list:
    """Engine time of each page for an as-of date not seen before, and for another province."""
    global status, evaluate_targets, metric_values, find_gaps, unit_stages, part_stages
    from nhanrong.formats import months_before
    from nhanrong.gaps import find_gaps
    from nhanrong.status import metric_values, part_stages, status, unit_stages
    from nhanrong.targets import evaluate_targets

    provinces = _provinces(pg)
    scope = provinces[0] if provinces else None
    for fn in PAGES["overview"](pg, AS_OF, months_before(AS_OF, 6), scope, "new"):  # the app's first page
        fn()
    out = []
    day = AS_OF
    for name, calls in PAGES.items():
        day = day - dt.timedelta(days=31)  # a date no page has asked for yet
        gc.collect()
        t = time.perf_counter()
        for fn in calls(pg, day, months_before(day, 6), scope, "new"):
            fn()
        out.append((f"asof_{name}_s", time.perf_counter() - t))
    scope_s = []
    for other in provinces[1:3]:
        for name, calls in PAGES.items():
            gc.collect()
            t = time.perf_counter()
            for fn in calls(pg, AS_OF, months_before(AS_OF, 6), other, "new"):
                fn()
            scope_s.append(time.perf_counter() - t)
    out.append(("asof_page_max_s", max(v for _, v in out)))
    if scope_s:
        out.append(("asof_scope_max_s", max(scope_s)))
    return out


PEAK_SCRIPT = """
import sys, time, datetime as dt
from nhanrong.cache import load_programme_cached
from nhanrong.graph import build_graph
from nhanrong.gaps import find_gaps
from nhanrong.loading import workers
from nhanrong.status import status
import email.parser, nhanrong.indicators  # what a warm load imports on its way: not part of its time
try:
    import pyarrow.pandas_compat  # likewise (pandas' Arrow strings), where pyarrow is installed
except ImportError:
    pass

def hwm():  # the peak of this process alone (ru_maxrss carries the parent's peak across fork and exec)
    return next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM")) / 1024

t = time.perf_counter()
prog = load_programme_cached(sys.argv[1])  # the modules it needs are imported above: only the load is timed
load_s = time.perf_counter() - t
during_load = hwm()  # the workers, if any, ran during the load only
pg = build_graph(prog)
d = dt.date.fromisoformat(sys.argv[2])
status(pg, d, structure="new", level="commune")
find_gaps(pg, d, structure="new")
print(hwm(), during_load + workers.STATS["worker_peak_mb"], workers.STATS["worker_peak_mb"], load_s)
"""


def peak_figures(root: Path, cold_load_s: float) -> list:
    """Peak memory of a process that loads the data (cold: no disk cache), builds the graph and
    computes status at every commune and every gap: what the app or a command needs. With the worker
    processes of a cold load counted: this process's peak during the load plus the largest worker's
    peak (an upper bound of what they held together), when that is above this process's own peak.

    The warm process also gives the warm reload as a new process meets it (an app started again, a
    command in CI): warm_new_process_s, over the cold load of this process (warm_new_process_vs_cold).
    warm_vs_cold times it in this process, whose heap holds the national graph by then."""
    out = []
    for name, keep_cache in (("load_peak_mb", False), ("warm_peak_mb", True)):
        if not keep_cache:
            shutil.rmtree(root / ".nhanrong", ignore_errors=True)
        done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(root), AS_OF.isoformat()], cwd=REPO,
                              capture_output=True, text=True)
        if done.returncode:
            out.append((name, f"failed: {done.stderr[-200:]}"))
            continue
        alone, with_workers, worker, load_s = map(float, done.stdout.strip().splitlines()[-1].split())
        out.append((name, max(alone, with_workers)))
        if keep_cache:
            out += [("warm_new_process_vs_cold", load_s / cold_load_s), ("warm_new_process_s", load_s)]
        if worker:
            out += [(name.replace("_peak", "_main_peak"), alone), (name.replace("_peak", "_worker_peak"), worker)]
    return out


def memo_figures(pg) -> list:
    """Memory the engine memo holds per as-of date, and its growth once MEMO_DATES dates are held."""
    import tracemalloc

    from nhanrong.graph import MEMO_DATES
    from nhanrong.status import all_stages, latest_readings

    days = [AS_OF - dt.timedelta(days=400 + 7 * i) for i in range(MEMO_DATES + 4)]
    gc.collect()
    tracemalloc.start()
    try:
        sizes = []
        for d in days:
            all_stages(pg, pd.Timestamp(d), "new")
            latest_readings(pg, d, "new")
            gc.collect()
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    per_date = (sizes[MEMO_DATES - 1] - sizes[0]) / (MEMO_DATES - 1) / 1e6
    growth = (sizes[-1] - sizes[MEMO_DATES - 1]) / 1e6
    return [("memo_mb_per_date", per_date), ("memo_growth_after_8_mb", growth), ("memo_dates_held", len(pg._memo.dates()))]


if __name__ == "__main__":
    raise SystemExit(main())
