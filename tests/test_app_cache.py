"""Data is loaded once: widget changes never re-read TOML; an edit on disk shows on the next rerun."""

from __future__ import annotations

import datetime as dt
import sys
import time

from streamlit.testing.v1 import AppTest

from conftest import BUNDLED, TINY_PILOTS
from test_app_pages import set_as_of

APP = BUNDLED / "src" / "nhanrong_app" / "streamlit_app.py"


def loads(root) -> int:
    return sys.modules["nhanrong_app.common"].LOADS[str(root.resolve())]


def coverage(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["Mô hình thử"]


def test_widgets_reuse_the_loaded_graph_and_edits_reload_it(monkeypatch, make_repo):
    root = make_repo()
    monkeypatch.setenv("NHANRONG_ROOT", str(root))
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    assert not at.exception
    assert loads(root) == 1
    assert coverage(at) == "0,6%"  # 1 of 168 communes

    at.segmented_control(key="lang").set_value("en").run()
    set_as_of(at, dt.date(2022, 3, 31))
    at.selectbox(key="scope_old_15").set_value("132").run()
    at.radio(key="structure").set_value("new").run()
    at.radio(key="structure").set_value("old").run()
    for page in ("model.py", "units.py", "gaps.py", "data.py",
                 "overview.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    assert loads(root) == 1  # nine reruns, one load

    # A planner records that 04252 also scaled out: the next rerun shows it.
    at.segmented_control(key="lang").set_value("vi").run()
    set_as_of(at, dt.date(2022, 6, 30))
    assert coverage(at) == "7,1%"  # 1 of 14 communes of district 132
    time.sleep(0.01)
    path = root / "pilots" / "tiny" / "132.toml"
    path.write_text(TINY_PILOTS.replace("pilot = 2022-04-01 }", "pilot = 2022-04-01, evaluate = 2022-05-01, scale = 2022-06-01 }"),
                    encoding="utf-8")
    at.run()
    assert not at.exception
    assert loads(root) == 2
    assert coverage(at) == "14,3%"  # 2 of 14


def test_the_load_function_is_cached_per_fingerprint(make_repo, monkeypatch):
    from nhanrong_app import common

    root = make_repo()
    g1 = common._load_graph(str(root), "fp-1")
    g2 = common._load_graph(str(root), "fp-1")
    g3 = common._load_graph(str(root), "fp-2")
    assert g1 is g2 and g3 is not g1
    assert common.LOADS[str(root)] == 2
