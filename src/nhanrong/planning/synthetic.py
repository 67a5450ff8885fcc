"""Synthetic planning instances: random small ones (to compare with the exact solver)
and a national-size one (for the benchmark when no national data set is at hand).

Seeded and deterministic: the same arguments give the same instance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from ..schema import STAGES
from .instance import ADOPTED_COLUMNS, UNIT_COLUMNS, Instance, ModelSpec, Requirement, fill_groups

START = dt.date(2025, 7, 1)


def _units_frame(kind, parent, commune, district, province, lat, lon, prefix="u") -> pd.DataFrame:
    n = len(kind)
    keys = [f"{prefix}{i:06d}" for i in range(n)]
    df = pd.DataFrame({
        "key": keys, "code": keys, "name": keys, "kind": kind,
        "lat": lat, "lon": lon,
        "parent": parent, "commune": commune, "district": district, "province": province,
        "scope": np.full(n, -1, dtype=np.int64), "area": np.full(n, -1, dtype=np.int64),
    })
    for c in ("parent", "commune", "district", "province"):
        df[c] = df[c].astype(np.int64)
    return fill_groups(df)[UNIT_COLUMNS]


def random_instance(seed: int, *, districts: int = 2, communes: int = 3, villages: int = 2,
                    horizon: int = 6, pilot_first: bool = True, rule: str = "readiness",
                    below_share: float | None = None, nested: bool = False) -> Instance:
    """A small province: ``districts`` x up to ``communes`` communes x up to ``villages`` villages,
    three models (village teams, commune model requiring the team at the commune, a district
    model), random existing adoptions, quarters, and tight pools.

    ``below_share``: the commune model also needs that share of the commune's villages at the
    team's scale stage, and the district model that share of its communes piloting the commune
    model (instead of the commune model at the district). ``nested``: a fourth model adopted by
    the province and the districts, a district waiting on the province's."""
    rng = np.random.default_rng(seed)
    kind, parent, commune, district, province, lat, lon = ["province"], [-1], [-1], [-1], [-1], [21.7], [104.9]
    for d in range(districts):
        di = len(kind)
        kind += ["district"]; parent += [0]; commune += [-1]; district += [di]; province += [0]
        lat += [21.7 + rng.normal(0, 0.2)]; lon += [104.9 + rng.normal(0, 0.2)]
        for _ in range(int(rng.integers(1, communes + 1))):
            ci = len(kind)
            kind += ["commune"]; parent += [di]; commune += [ci]; district += [di]; province += [0]
            lat += [lat[di] + rng.normal(0, 0.05)]; lon += [lon[di] + rng.normal(0, 0.05)]
            for _ in range(int(rng.integers(0, villages + 1))):
                kind += ["village"]; parent += [ci]; commune += [ci]; district += [di]; province += [0]
                lat += [np.nan]; lon += [np.nan]
    units = _units_frame(kind, parent, commune, district, province, lat, lon)
    d = lambda: int(rng.choice([30, 60, 90]))  # noqa: E731
    models = {
        "team": ModelSpec("team", "Tổ công nghệ số cộng đồng", ("village", "commune"),
                          {"trainers": 1.0, "budget": float(rng.integers(1, 3))}, {s: d() for s in STAGES}),
        "commune": ModelSpec("commune", "Mô hình xã", ("commune",), {"trainers": 2.0, "budget": 2.0},
                             {s: d() for s in STAGES}, (Requirement("team", "same", "scale"),)),
        "district": ModelSpec("district", "Mô hình huyện", ("district",), {"budget": 3.0},
                              {s: d() for s in STAGES}, (Requirement("commune", "district", "pilot"),)),
    }
    if below_share is not None:
        models["commune"] = replace(models["commune"], requires=(
            Requirement("team", "same", "scale"), Requirement("team", "below", "scale", "village", below_share)))
        models["district"] = replace(models["district"], requires=(
            Requirement("commune", "below", "pilot", "commune", below_share),))
    if nested:
        models["ioc"] = ModelSpec("ioc", "Trung tâm điều hành", ("province", "district"), {"budget": 2.0},
                                  {s: d() for s in STAGES}, (Requirement("ioc", "province", "scale"),))
    rows = []
    for u in range(len(units)):
        for mid, spec in models.items():
            if units.at[u, "kind"] in spec.kinds and rng.random() < 0.15:
                k = int(rng.integers(1, 5))
                day0 = -float(rng.integers(30, 400))
                days = [day0 + 30 * i for i in range(k)] + [np.nan] * (4 - k)
                rows.append({"unit": u, "model": mid, **dict(zip(STAGES, days))})
    adopted = pd.DataFrame(rows, columns=ADOPTED_COLUMNS).astype({"unit": np.int64})
    capacity = {"trainers": (float(rng.integers(1, 5)),) * horizon, "budget": (float(rng.integers(2, 8)),) * horizon}
    return Instance(START, "quarter", horizon, units, models, adopted, capacity,
                    pilot_first=pilot_first, rule=rule, name=f"random-{seed}")


def national_instance(*, provinces: int = 34, communes: int = 3321, villages: int = 80000, periods: int = 24,
                      seed: int = 0, below_share: float | None = None) -> Instance:
    """A country-size instance in the new structure: provinces -> communes -> villages, schools,
    agencies, party cells; seven models shaped like the Yên Bái ones; monthly periods.

    ``below_share``: the commune model also needs that share of the commune's villages at the
    community team's scale, and the province model that share of its communes piloting the
    commune model (the "below" prerequisite form, at national scale)."""
    rng = np.random.default_rng(seed)
    prov_lat = rng.uniform(8.5, 23.0, provinces)
    prov_lon = rng.uniform(102.5, 109.0, provinces)
    c_prov = np.sort(rng.integers(0, provinces, communes))
    n_sch, n_ag, n_cell = communes * 6, communes * 3, communes * 10
    v_com = np.sort(rng.integers(0, communes, villages))
    s_com = rng.integers(0, communes, n_sch)
    a_com = rng.integers(0, communes, n_ag)
    p_com = rng.integers(0, communes, n_cell)
    c_idx = provinces + np.arange(communes)
    kind = np.concatenate([np.full(provinces, "province"), np.full(communes, "commune"), np.full(villages, "village"),
                           np.full(n_sch, "school"), np.full(n_ag, "agency"), np.full(n_cell, "party-cell")]).astype(object)
    low_com = np.concatenate([v_com, s_com, a_com, p_com])
    parent = np.concatenate([np.full(provinces, -1), c_prov, c_idx[low_com]])
    commune = np.concatenate([np.full(provinces, -1), c_idx, c_idx[low_com]])
    province = np.concatenate([np.full(provinces, -1), c_prov, c_prov[low_com]])
    lat = np.concatenate([prov_lat, prov_lat[c_prov] + rng.normal(0, 0.3, communes), np.full(len(low_com), np.nan)])
    lon = np.concatenate([prov_lon, prov_lon[c_prov] + rng.normal(0, 0.3, communes), np.full(len(low_com), np.nan)])
    units = _units_frame(kind, parent, commune, np.full(len(kind), -1), province, lat, lon, prefix="n")
    # New structure: pilot-first scope of a commune is its province; of a village etc., its commune.
    days = {"assess": 30, "pilot": 60, "evaluate": 30, "scale": 365}
    models = {
        "community-team": ModelSpec("community-team", "Tổ công nghệ số cộng đồng", ("village", "commune"),
                                    {"trainer_hours": 8, "budget_vnd": 2e6}, days),
        "commune": ModelSpec("commune", "Mô hình chuyển đổi số cấp xã", ("commune",), {"trainers": 2, "budget_vnd": 50e6},
                             days, (Requirement("community-team", "same", "scale"),)),
        "school": ModelSpec("school", "Mô hình trường học", ("school",), {"trainer_hours": 16, "devices": 5}, days),
        "state-agency": ModelSpec("state-agency", "Mô hình cơ quan nhà nước", ("agency",), {"trainer_hours": 16, "budget_vnd": 10e6}, days),
        "party-handbook": ModelSpec("party-handbook", "Sổ tay đảng viên điện tử", ("party-cell",), {"trainer_hours": 2},
                                    days, (Requirement("commune", "commune", "pilot"),)),
        "district": ModelSpec("district", "Mô hình cấp tỉnh", ("province",), {"budget_vnd": 500e6}, days),
        "digital-citizen": ModelSpec("digital-citizen", "Công dân số", ("commune",), {"trainer_hours": 4, "budget_vnd": 5e6},
                                     days, (Requirement("community-team", "commune", "scale"),)),
    }
    if below_share is not None:
        models["commune"] = replace(models["commune"], requires=(
            *models["commune"].requires, Requirement("community-team", "below", "scale", "village", below_share)))
        models["district"] = replace(models["district"], requires=(
            Requirement("commune", "below", "pilot", "commune", below_share),))
    rows = []
    for mid, spec in models.items():
        elig = np.flatnonzero(np.isin(kind, spec.kinds))
        pick = elig[rng.random(len(elig)) < 0.1]
        k = rng.integers(1, 5, len(pick))
        day0 = -rng.integers(30, 700, len(pick)).astype(float)
        stage_days = np.where(np.arange(4)[None, :] < k[:, None], day0[:, None] + 60 * np.arange(4)[None, :], np.nan)
        rows.append(pd.DataFrame({"unit": pick, "model": mid, **{s: stage_days[:, i] for i, s in enumerate(STAGES)}}))
    adopted = pd.concat(rows, ignore_index=True)[ADOPTED_COLUMNS]
    capacity = {"trainers": (150.0,) * periods, "trainer_hours": (60000.0,) * periods,
                "devices": (3000.0,) * periods, "budget_vnd": (40e9,) * periods}
    return Instance(START, "month", periods, units, models, adopted, capacity, rule="every-area",
                    name="national-synthetic", structure="new")
