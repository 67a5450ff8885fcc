"""Spread: depth and reach of each pilot along learned_from chains."""

from __future__ import annotations

import pytest

from nhanrong.errors import UnknownModelError
from nhanrong.graph import build_graph
from nhanrong.loader import load_programme

CHAIN = """\
model = "tiny"
structure = "old"
[[adoption]]
unit = "04249"
stages = { assess = 2022-01-10 }
[[adoption]]
unit = "04252"
stages = { assess = 2022-03-01 }
learned_from = "04249"
[[adoption]]
unit = "04255"
stages = { assess = 2022-03-01 }
learned_from = "04252"
[[adoption]]
unit = "04258"
stages = { assess = 2022-03-01 }
learned_from = "04249"
[[adoption]]
unit = "04261"
stages = { assess = 2022-03-01 }
learned_from = "04255"
[[adoption]]
unit = "04264"
stages = { assess = 2022-03-01 }
"""


@pytest.fixture
def pg(make_repo):
    prog = load_programme(make_repo({"pilots/tiny/132.toml": CHAIN}))
    assert not prog.errors, prog.errors
    return build_graph(prog)


def test_depth_and_reach(pg):
    from nhanrong.spread import SPREAD_COLUMNS, spread

    s = spread(pg)
    assert list(s.columns) == SPREAD_COLUMNS
    rows = {r.pilot_code: (r.depth, r.reach, r.direct) for r in s.itertuples()}
    # 04249 -> 04252 -> 04255 -> 04261, and 04249 -> 04258
    assert rows == {"04249": (3, 4, 2), "04264": (0, 0, 0)}
    assert s.iloc[0]["pilot_name"] == "Phường Yên Thịnh"  # the widest spread first


def test_filter_and_unknown_model(pg):
    from nhanrong.spread import spread

    assert set(spread(pg, "tiny")["model"]) == {"tiny"}
    with pytest.raises(UnknownModelError) as err:
        spread(pg, "nope")
    assert err.value.code == "error.unknown_model" and err.value.params["known"] == "tiny"
    assert err.value.text("en") == 'no model "nope" in models/ (known: tiny)'


def test_loops_do_not_hang(make_repo):
    from nhanrong.spread import spread

    loop = CHAIN.replace('unit = "04249"\nstages', 'unit = "04249"\nlearned_from = "04261"\nstages')
    pg = build_graph(load_programme(make_repo({"pilots/tiny/132.toml": loop})))
    s = spread(pg)
    assert set(s["pilot_code"]) == {"04264"}  # the loop has no pilot without learned_from
