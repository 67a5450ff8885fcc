"""A deterministic national data set, written as TOML in the layout of the bundled data.

Every one of the 3,321 communes of the new structure (34 provinces, real register)
gets villages, schools, agencies and party cells, and each unit adopts the model(s)
its kind takes, with dated stages, learned_from links and readings. ``scale`` takes
that share of the communes (seeded), so ``scale=0.1`` is a tenth of the country.

    python -m bench.generate --out bench/data --scale 1.0 --seed 7
"""

from __future__ import annotations

import argparse
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import tomli

from nhanrong.registry import load_registry
from nhanrong.schema import STAGES, ModelFile

BUNDLED = Path(__file__).resolve().parents[1]
# Units per commune: (kind, folder, code prefix, name prefix, low, high) -> mean (low + high) / 2.
LOCAL = [
    ("village", "villages", "V", "Thôn", 12, 37),      # ~24 a commune: ~80,000 villages
    ("school", "schools", "S", "Trường", 8, 19),       # ~13 a commune: ~43,000 schools
    ("agency", "agencies", "A", "Cơ quan", 3, 10),     # ~6 a commune: ~20,000 agencies
    ("party-cell", "party-cells", "CB", "Chi bộ", 20, 41),  # ~30 a commune: ~100,000 party cells
]
ADOPT_RATE = {"village": 0.95, "commune": 0.9, "school": 0.75, "agency": 0.7, "party-cell": 0.85}
# The units are those of the new structure, which exist from 1/7/2025: so do their records.
START, SPAN_DAYS = date(2025, 7, 1), 760
LAST_READING = date(2027, 12, 31)
QUARTER_ENDS = [date(y, m, d) for y in (2025, 2026, 2027) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]


def load_models(root: Path = BUNDLED) -> dict[str, ModelFile]:
    """The bundled models: the benchmark measures the real definitions."""
    return {p.stem: ModelFile.model_validate(tomli.loads(p.read_text(encoding="utf-8")))
            for p in sorted((root / "models").glob("*.toml"))}


def _quarter_ends(after: date) -> list[date]:
    return [q for q in QUARTER_ENDS if q >= after and q <= LAST_READING]


def _adoption(rng: np.random.Generator, code: str, model: ModelFile, learned_from: str | None) -> tuple[str, date]:
    """One [[adoption]] block and its first stage date."""
    reached = int(rng.choice([1, 2, 3, 4], p=[0.15, 0.2, 0.15, 0.5]))
    d = START + timedelta(days=int(rng.integers(0, SPAN_DAYS)))
    first = d
    parts = []
    for s in STAGES[:reached]:
        parts.append(f"{s} = {d.isoformat()}")
        spec = getattr(model.stages, s)
        stay = max(int(spec.expected_days * rng.uniform(0.5, 1.6)), spec.min_days if rng.random() > 0.05 else 1)
        d = d + timedelta(days=stay)
    lines = [f'[[adoption]]\nunit = "{code}"\nstages = {{ {", ".join(parts)} }}']
    if learned_from:
        lines.append(f'learned_from = "{learned_from}"')
    if reached >= 2:
        # The gate metric of the pilot stage at the first quarter end in pilot, then every
        # metric at the latest quarter end: what a commune reports, kept small.
        pilot = date.fromisoformat(parts[1].split(" = ")[1])
        quarters = _quarter_ends(pilot)
        readings = []
        if quarters and reached >= 3:
            for g in model.stages.pilot.gate:
                v = int((g.min or 10) * rng.uniform(0.8, 3))
                readings.append(f'  {{ metric = "{g.metric}", date = {quarters[0].isoformat()}, value = {v} }},')
        if quarters:
            for m in model.metrics:
                if m.rollup != "ratio":
                    v = int(rng.integers(5, 500))
                    readings.append(f'  {{ metric = "{m.id}", date = {quarters[-1].isoformat()}, value = {v} }},')
        if readings:
            lines.append("readings = [\n" + "\n".join(readings) + "\n]")
    return "\n".join(lines) + "\n", first


def generate(out: Path, *, scale: float = 1.0, seed: int = 7, models_root: Path = BUNDLED) -> dict[str, int]:
    """Write the data set under ``out`` (replacing it); return counts of what was written."""
    rng = np.random.default_rng(seed)
    reg = load_registry()
    communes = sorted((u for u in reg.units.values() if u.structure == "new" and u.kind == "commune"), key=lambda u: u.code)
    order = rng.permutation(len(communes))
    keep = sorted(order[: max(1, round(len(communes) * scale))])
    chosen = [communes[i] for i in keep]
    for d in ("models", "units", "pilots", "plans"):  # only the data folders: bench/data/tenth lives beside them
        shutil.rmtree(out / d, ignore_errors=True)
    shutil.rmtree(out / ".nhanrong", ignore_errors=True)
    (out / "models").mkdir(parents=True)
    (out / "plans").mkdir()
    models = load_models(models_root)
    for mid in models:
        shutil.copy(models_root / "models" / f"{mid}.toml", out / "models" / f"{mid}.toml")
    by_kind = {k: [mid for mid, m in models.items() if k in m.adopted_by] for k in ("commune", *[x[0] for x in LOCAL])}
    header = 'structure = "new"\nillustrative = true\nsource = "bench/generate.py"\n'
    units_text: dict[tuple[str, str], list[str]] = {}
    pilots_text: dict[tuple[str, str], list[str]] = {}
    counts = {"communes": len(chosen), "units": 0, "adoptions": 0}
    for c in chosen:
        prov = c.parent.partition(":")[2]
        members: list[tuple[str, str]] = [(c.code, "commune")]
        for kind, folder, prefix, label, lo, hi in LOCAL:
            n = int(rng.integers(lo, hi))
            block = units_text.setdefault((folder, prov), [])
            for i in range(1, n + 1):
                code = f"{prefix}-{c.code}-{i:02d}"
                block.append(f'[[unit]]\ncode = "{code}"\nname = "{label} {i} {c.name}"\nkind = "{kind}"\nparent = "{c.code}"\n')
                members.append((code, kind))
            counts["units"] += n
        for mid_kind in ("commune", *[x[0] for x in LOCAL]):
            for mid in by_kind[mid_kind]:
                m = models[mid]
                pilot: str | None = None
                block = pilots_text.setdefault((mid, prov), [])
                for code, kind in members:
                    if kind != mid_kind or rng.random() > ADOPT_RATE[kind]:
                        continue
                    learned = pilot if pilot and rng.random() < 0.6 else None
                    text, _ = _adoption(rng, code, m, learned)
                    block.append(text)
                    pilot = pilot or code
                    counts["adoptions"] += 1
    for (folder, prov), blocks in units_text.items():
        path = out / "units" / folder / f"{prov}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + "\n" + "\n".join(blocks), encoding="utf-8")
    for (mid, prov), blocks in pilots_text.items():
        if not blocks:
            continue
        path = out / "pilots" / mid / f"{prov}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'model = "{mid}"\n{header}\n' + "\n".join(blocks), encoding="utf-8")
    files = [p for d in ("models", "units", "pilots", "plans") for p in (out / d).rglob("*.toml")]
    counts["files"] = len(files)
    counts["bytes"] = sum(p.stat().st_size for p in files)
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write a seeded national data set for the benchmark.")
    p.add_argument("--out", type=Path, default=BUNDLED / "bench" / "data")
    p.add_argument("--scale", type=float, default=1.0, help="share of the 3,321 communes (default: 1.0)")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    for k, v in generate(args.out, scale=args.scale, seed=args.seed).items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
