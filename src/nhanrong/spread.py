"""Spread: which pilots actually spread, by following who learned from whom.

A pilot is an adopter with no ``learned_from``. Its reach is every unit that learned
from it directly or through others; its depth is the longest such chain.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .errors import UnknownModelError
from .problems import did_you_mean
from .graph import ProgrammeGraph

SPREAD_COLUMNS = ["model", "pilot", "pilot_code", "pilot_name", "depth", "reach", "direct"]


def _one_model(model: str, a: pd.DataFrame) -> list[dict]:
    edges = a[a["learned_from"].notna()]
    g = nx.DiGraph()
    g.add_nodes_from(a["unit"])
    g.add_edges_from(zip(edges["learned_from"], edges["unit"]))  # source -> learner
    if not nx.is_directed_acyclic_graph(g):  # a loop of "learned from": count each loop as one node
        c = nx.condensation(g)
        members = nx.get_node_attributes(c, "members")
        node_of = {u: n for n, ms in members.items() for u in ms}
        size = {n: len(ms) for n, ms in members.items()}
    else:
        c, node_of, size = g, {u: u for u in g}, {u: 1 for u in g}
    depth: dict = {}
    reach: dict = {}
    # One pass from the leaves up (reverse topological order); each learner has one source,
    # so the learners of a unit are disjoint subtrees and their reaches add up.
    for n in reversed(list(nx.topological_sort(c))):
        kids = list(c.successors(n))
        depth[n] = max((depth[k] + 1 for k in kids), default=0)
        reach[n] = sum(reach[k] + size[k] for k in kids)
    pilots = a[a["learned_from"].isna()]["unit"]
    return [{"model": model, "pilot": p, "depth": depth[node_of[p]], "reach": reach[node_of[p]] + size[node_of[p]] - 1,
             "direct": g.out_degree(p)} for p in pilots]


def spread(pg: ProgrammeGraph, model: str | None = None) -> pd.DataFrame:
    """Per pilot: depth (longest learned-from chain below it) and reach (units that learned from it).

    Sorted by reach, then depth, largest first. ``direct`` counts the units that learned from it directly.
    """
    a = pg.programme.adoptions
    if model is not None and model not in pg.programme.models:
        known = list(pg.programme.models)
        raise UnknownModelError("error.unknown_model", model=model, hint=did_you_mean(model, known), known=", ".join(known))
    a = a.assign(unit=a["unit"].astype(str), model=a["model"].astype(str))[["unit", "model", "learned_from"]]
    if model is not None:
        a = a[a["model"] == model]
    rows: list[dict] = []
    for mid, sub in a.groupby("model", sort=True):
        rows += _one_model(str(mid), sub)
    out = pd.DataFrame(rows, columns=["model", "pilot", "depth", "reach", "direct"])
    out["pilot_code"] = out["pilot"].map(pg.units["code"])
    out["pilot_name"] = out["pilot"].map(pg.units["name"])
    out = out.sort_values(["model", "reach", "depth", "pilot"], ascending=[True, False, False, True], kind="stable")
    return out[SPREAD_COLUMNS].reset_index(drop=True)


__all__ = ["spread", "SPREAD_COLUMNS"]
