"""The national benchmark: `make bench` (or `python -m bench [--quick]`).

Generates (once, seeded) the national data set under bench/data/ and a tenth of it
under bench/data/tenth/, then prints one figure a line as ``name: value``:

- cold_vs_tomli: cold load + validate + build the units frame that status and gaps use, over
  parsing the same files with tomli alone (the floor for TOML in git)
- cold_with_nx_vs_tomli: the same plus the networkx graph (built lazily, on first use of .graph)
- warm_vs_cold: warm reload from the disk cache (no file changed), over the cold load + validate
- status_growth_10x: status + gaps for the whole set, over the same for a tenth
- status_gaps_s, peak_mb, bundled_load_s, and the absolute seconds behind each ratio.

Timings are the best of ``--repeat`` runs (the machine may be shared). ``--quick`` uses a
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
    """Best wall time of ``repeat`` runs (and the last result)."""
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def toml_files(root: Path) -> list[Path]:
    return [p for d in DATA_DIRS for p in sorted((root / d).rglob("*.toml"))]


def parse_tomli(root: Path) -> int:
    import tomli

    n = 0
    for p in toml_files(root):
        tomli.loads(p.read_bytes().decode("utf-8"))
        n += 1
    return n


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
    for _ in range(args.repeat):
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
        ("peak_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        ("communes", info["communes"]),
        ("units", len(pg.units)),
        ("adoptions", len(prog.adoptions)),
        ("readings", len(prog.readings)),
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


if __name__ == "__main__":
    raise SystemExit(main())
