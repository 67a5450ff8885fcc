"""Page rerun times of the app after a widget change, on the national data set.

    python -m bench.app_rerun [--root bench/data] [--repeat 3]

Drives the real pages with Streamlit's AppTest. For each page it times the first
visit (frames computed), a language switch (every frame cached: pure re-render)
and an as-of change (frames recomputed from the cached graph), and checks that
the TOML was loaded exactly once for the whole session. Prints ``name: value``
lines. Without the national data set (engineer B's generator writes bench/data/),
it measures the bundled data and says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "src" / "nhanrong_app" / "streamlit_app.py"
PAGES = {"overview": "overview.py", "model": "model.py", "units": "units.py",
         "gaps": "gaps.py", "data": "data.py"}


def _timed(at, action) -> float:
    t0 = time.perf_counter()
    action()
    at.run()
    elapsed = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"app error: {at.exception[0].value}")
    return elapsed


def measure(root: Path, repeat: int) -> list[tuple[str, object]]:
    os.environ["NHANRONG_ROOT"] = str(root)
    from streamlit.testing.v1 import AppTest

    out: list[tuple[str, object]] = []
    at = AppTest.from_file(str(APP), default_timeout=1800)
    t0 = time.perf_counter()
    at.run()
    out.append(("app_first_run_s", round(time.perf_counter() - t0, 3)))
    from nhanrong.loading import workers

    out.append(("app_first_run_load_workers", workers.STATS["loads"]))  # worker processes read files (cold load)
    if at.exception:
        raise SystemExit(f"app error: {at.exception[0].value}")
    as_of = at.session_state["as_of"]  # typed in the sidebar's text field (as_of_text), held here
    other = as_of - dt.timedelta(days=92)
    for name, path in PAGES.items():
        out.append((f"page_{name}_first_s", round(_timed(at, lambda: at.switch_page(path)), 3)))
        lang_times = []
        for _ in range(repeat):
            lang_times.append(_timed(at, lambda: at.segmented_control(key="lang").set_value("en")))
            lang_times.append(_timed(at, lambda: at.segmented_control(key="lang").set_value("vi")))
        out.append((f"page_{name}_rerun_lang_s", round(statistics.median(lang_times), 3)))
        out.append((f"page_{name}_rerun_as_of_s", round(_timed(at, lambda: at.text_input(key="as_of_text").input(other.isoformat())), 3)))
        _timed(at, lambda: at.text_input(key="as_of_text").input(as_of.isoformat()))
    # Another province (national data): every frame recomputed for the new scope, still no reload.
    structure = at.radio(key="structure").value
    key = f"province_{structure}"
    province = next((w for w in at.selectbox if w.key == key), None)
    if province is not None and len(province.options) > 1:
        _timed(at, lambda: at.switch_page(PAGES["overview"]))
        before = at.header[0].value
        out.append(("page_overview_rerun_province_s", round(_timed(at, lambda: at.selectbox(key=key).select_index(1)), 3)))
        if at.header[0].value == before:
            raise SystemExit("the province change did not reach the page")
        out.append(("page_gaps_rerun_province_s", round(_timed(at, lambda: at.switch_page(PAGES["gaps"])), 3)))
    loads = sys.modules["nhanrong_app.common"].LOADS[str(root.resolve())]
    out.append(("app_loads", loads))
    if loads != 1:
        raise SystemExit(f"data was loaded {loads} times; a widget change must never reload it")
    reruns = [v for k, v in out if k.endswith("_rerun_lang_s")]
    out.append(("page_rerun_lang_max_s", max(reruns)))
    out.append(("page_rerun_as_of_max_s", max(v for k, v in out if k.endswith("_rerun_as_of_s"))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.app_rerun", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO / "bench" / "data",
                        help="data folder (default: bench/data, the national data set)")
    parser.add_argument("--repeat", type=int, default=3, help="language switches per page (median reported)")
    parser.add_argument("--quick", action="store_true", help="one repetition")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    dataset = "national"
    if not (root / "pilots").is_dir():
        print(f"# {root} has no national data set (run engineer B's generator); measuring the bundled data",
              file=sys.stderr)
        root, dataset = REPO, "bundled"
    sys.path.insert(0, str(REPO))
    print(f"app_rerun_dataset: {dataset}")
    for name, value in measure(root, 1 if args.quick else args.repeat):
        print(f"{name}: {value}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
