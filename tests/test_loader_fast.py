"""The compiled parser, the column-wise checks and the per-file cache give the programme tomli and
pydantic give, message for message, and the engine memo stays bounded.

Both parsers are tested: toml-rs (the optional extra ``fast``, in the test extra) where installed, and
tomli forced with :func:`nhanrong.loader.use_parser` (as ``NHANRONG_TOML=tomli`` does).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: bench/

from bench.fuzz import BASE, MUTATORS, write_base  # noqa: E402
from conftest import edit_file  # noqa: E402
from nhanrong import loader  # noqa: E402
from nhanrong.graph import MEMO_DATES, build_graph  # noqa: E402
from nhanrong.loader import load_programme, use_parser  # noqa: E402
from nhanrong.programme import LocalUnits  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
toml_rs = pytest.importorskip("toml_rs")


def _snapshot(prog) -> dict:
    """Everything a load produces, in plain values (frames compared cell by cell)."""
    a = prog.adoptions.astype({"unit": str, "model": str, "path": str, "learned_from": object, "note": object})
    r = prog.readings.astype({"unit": str, "model": str, "metric": str})
    return {
        "problems": [(p.path, p.line, p.column, p.severity, p.code, p.message, p.message_en) for p in prog.problems],
        "adoptions": a.astype(object).where(a.notna(), None).values.tolist(),
        "readings": r.astype(object).where(r.notna(), None).values.tolist(),
        "local": sorted((k, tuple(vars(u).values()) if hasattr(u, "__dict__") else repr(u)) for k, u in prog.local_units.items()),
        "models": sorted(prog.models), "plans": sorted(prog.plans), "illustrative": prog.illustrative_files,
    }


def _load(root: Path, parser: str) -> dict:
    before = use_parser(parser)
    try:
        loader._FILE_CACHE.clear()
        return _snapshot(load_programme(root))
    finally:
        use_parser(before)
        loader._FILE_CACHE.clear()


def _both(tmp_path: Path, text: str) -> list[dict]:
    """The fuzz corpus with ``text`` as pilots/tiny/132.toml, loaded with each parser: the two must agree."""
    outs = []
    for parser in ("toml-rs", "tomli"):
        root = write_base(tmp_path / parser)
        (root / "pilots/tiny/132.toml").write_text(text, encoding="utf-8")
        outs.append(_load(root, parser))
    assert outs[0] == outs[1]
    return outs


def test_both_parsers_give_the_same_programme_on_the_bundled_data():
    assert _load(REPO, "toml-rs") == _load(REPO, "tomli")


@pytest.mark.parametrize("damage", sorted(set(MUTATORS) - {"oversized"}))
def test_both_parsers_agree_on_every_class_of_damage(tmp_path, damage):
    """Each mutator on each file of the fuzz corpus, a few seeds: same problems (tomli's syntax messages
    with their positions included), same records."""
    rng = random.Random(hash(damage) % 10_000)
    for rel in ("pilots/tiny/132.toml", "units/villages.toml", "pilots/village/132.toml"):
        for seed in range(3):
            root = write_base(tmp_path / f"{rel.replace('/', '_')}-{seed}")
            data = BASE[rel].encode("utf-8")
            (root / rel).write_bytes(MUTATORS[damage](data, random.Random(rng.random() + seed), 20_000))
            assert _load(root, "toml-rs") == _load(root, "tomli"), (damage, rel, seed)


def test_values_read_by_both_parsers_have_the_same_types():
    text = ('d = 2022-01-31\nldt = 2022-01-31T10:00:00\nodt = 2022-01-31T10:00:00+07:00\nt = 10:30:00\ni = 12\nf = 12.0\n'
            'big = 99999999999999999999\ninf_ = inf\nneg = -0\nhex = 0xff\ns = "Xã Âu Lâu"\narr = [1, 2.5]\n')
    import tomli

    fast, ref = toml_rs.loads(text), tomli.loads(text)
    assert fast == ref
    assert {k: type(v) for k, v in fast.items()} == {k: type(v) for k, v in ref.items()}
    assert type(fast["d"]) is dt.date and type(fast["i"]) is int and type(fast["f"]) is float


@pytest.mark.parametrize("bad", [
    "a = " + "[" * 450 + "]" * 450,  # deeper than tomli's 400: tomli refuses, toml-rs would not
    "x = " + "{a = " * 450 + "1" + "}" * 450,
    "a." * 1200 + "b = 1",  # more than 1000 dotted parts
    "a = " + "[" * 200_000 + "]" * 200_000,  # deep enough to overflow a native stack
    'x = 1979-02-29',  # an invalid date
    'a = 1\na = 2',  # a duplicate key
])
def test_what_tomli_refuses_is_refused_whatever_the_parser(tmp_path, bad):
    outs = _both(tmp_path, 'model = "tiny"\nstructure = "old"\nsource = "x"\n' + bad + "\n")
    assert any(p[0] == "pilots/tiny/132.toml" and p[4] in ("toml-syntax", "too-deep") for p in outs[0]["problems"])


def test_a_record_of_unusual_shape_gets_pydantics_message(tmp_path):
    """Values pydantic coerces (a date written as a string, true as a value) leave the fast checks to
    pydantic, which decides as it always did: here it accepts both, as without the fast checks."""
    outs = _both(tmp_path, BASE["pilots/tiny/132.toml"] + '\n[[adoption]]\nunit = "04378"\nstages = { assess = "2022-01-01" }\n'
                 '\n[[adoption]]\nunit = "04384"\nreadings = [{ metric = "people", date = 2022-06-30, value = true }]\n')
    assert any(row[0] == "old:04378" and row[2] == pd.Timestamp("2022-01-01") for row in outs[0]["adoptions"])
    assert any(row[0] == "old:04384" and row[4] == 1.0 for row in outs[0]["readings"])


def test_only_a_changed_file_is_parsed_again(tmp_path):
    root = write_base(tmp_path / "data")
    loader._FILE_CACHE.clear()
    first = _snapshot(load_programme(root))
    misses = loader.CACHE_STATS["misses"]
    hits = loader.CACHE_STATS["hits"]
    assert _snapshot(load_programme(root)) == first
    assert loader.CACHE_STATS["misses"] == misses  # nothing parsed again
    assert loader.CACHE_STATS["hits"] - hits == 5  # units/ and pilots/ files
    edit_file(root / "pilots/tiny/136.toml", "2022-09-09", "2022-09-10")
    again = load_programme(root)
    assert loader.CACHE_STATS["misses"] == misses + 1
    changed = again.adoptions[again.adoptions["unit"].astype(str) == "old:04384"]
    assert changed["assess"].iloc[0] == pd.Timestamp("2022-09-10")
    fresh = (loader._FILE_CACHE.clear(), _snapshot(load_programme(root)))[1]
    assert _snapshot(again) == fresh


def test_a_cached_file_still_locates_problems_found_across_files(tmp_path):
    """An unknown unit is an error across files: when its file comes from the per-file cache, the
    message still carries the right line (the text is read again for the position)."""
    root = write_base(tmp_path / "data")
    rel = "pilots/tiny/136.toml"
    (root / rel).write_text(BASE[rel].replace('unit = "04384"', 'unit = "99999"'), encoding="utf-8")
    loader._FILE_CACHE.clear()
    cold = [p for p in load_programme(root).problems if p.code == "unknown-unit"]
    warm = [p for p in load_programme(root).problems if p.code == "unknown-unit"]
    assert cold == warm and cold and cold[0].line > 1


def test_the_units_are_checked_again_only_when_a_file_of_units_changes(tmp_path):
    """Saving a record reloads the data; the declared units (a national set: a quarter of a million) are
    the last load's when no file of units/ changed, and checked again when one did."""
    root = write_base(tmp_path / "data")
    loader._FILE_CACHE.clear()
    first = load_programme(root)
    assert load_programme(root).local_units is first.local_units
    edit_file(root / "pilots/tiny/136.toml", "2022-09-09", "2022-09-10")
    record_saved = load_programme(root)
    assert record_saved.local_units is first.local_units
    edit_file(root / "units/villages.toml", "Tổ dân phố 2", "Tổ dân phố số 2")
    unit_saved = load_programme(root)
    assert unit_saved.local_units is not first.local_units
    assert unit_saved.local_units["old:T-04249-02"].name == "Tổ dân phố số 2"
    loader._FILE_CACHE.clear()  # the units stage goes with the chunks it was computed from
    fresh = load_programme(root)
    assert fresh.local_units is not unit_saved.local_units
    assert _snapshot(unit_saved) == _snapshot(fresh)


def test_the_problems_of_the_units_are_reported_at_every_load(tmp_path):
    root = write_base(tmp_path / "data")
    rel = "units/villages.toml"
    (root / rel).write_text(BASE[rel].replace('parent = "04249"\nestablished', 'parent = "99999"\nestablished'),
                            encoding="utf-8")
    loader._FILE_CACHE.clear()
    runs = [[p for p in load_programme(root).problems if p.path == rel] for _ in range(2)]
    assert runs[0] and runs[0] == runs[1]
    assert any(p.severity == "error" and p.line > 1 for p in runs[0])


def test_units_are_checked_again_when_the_declared_kinds_change(tmp_path):
    """A kind of unit declared in nhanrong.toml: the same units/ file, judged by the new declaration."""
    root = write_base(tmp_path / "data")
    (root / "units/hamlets.toml").write_text('structure = "old"\n\n[[unit]]\ncode = "H-04249-01"\nname = "Xóm Đồi"\n'
                                             'kind = "hamlet"\nparent = "04249"\n', encoding="utf-8")
    loader._FILE_CACHE.clear()
    before = load_programme(root)
    assert "old:H-04249-01" not in before.local_units
    assert any(p.path == "units/hamlets.toml" and p.code == "unknown-kind" for p in before.problems)
    edit_file(root / "nhanrong.toml", "[kinds.village]", '[kinds.hamlet]\nname = "xóm"\n\n[kinds.village]')
    after = load_programme(root)
    assert "old:H-04249-01" in after.local_units
    assert not any(p.path == "units/hamlets.toml" for p in after.problems)


def test_a_cached_file_is_read_again_once_to_locate_its_problems(tmp_path, monkeypatch):
    """The line of a problem found across files, in a file from the per-file cache, needs the file's text:
    read once, not at every load (a national pilots file is a few hundred kilobytes)."""
    from nhanrong.loading import report

    reads = []
    real = report.reread
    monkeypatch.setattr(report, "reread", lambda path: (reads.append(path), real(path))[1])
    root = write_base(tmp_path / "data")
    rel = "pilots/tiny/136.toml"
    (root / rel).write_text(BASE[rel].replace('unit = "04384"', 'unit = "99999"'), encoding="utf-8")
    loader._FILE_CACHE.clear()
    lines = [[p.line for p in load_programme(root).problems if p.code == "unknown-unit"] for _ in range(3)]
    assert lines[0] == lines[1] == lines[2] and lines[0][0] > 1
    assert [p.name for p in reads] == ["136.toml"]


def test_local_units_read_like_a_dict(tmp_path):
    prog = load_programme(write_base(tmp_path / "data"))
    local = prog.local_units
    assert isinstance(local, LocalUnits)
    key = "old:T-04249-02"
    assert key in local and local[key].established == dt.date(2022, 3, 1) and local[key].lat is None
    assert local.get("old:nothing") is None and len(local) == len(list(local)) == len(dict(local.items()))
    import pickle

    assert pickle.loads(pickle.dumps(local)) == local


def test_records_name_their_declared_units_by_the_units_own_key_objects(tmp_path):
    """One string per declared unit, whether the units frame or the records hold it: at national scale the
    records' 200,000 keys were a second copy, and the disk cache wrote both."""
    prog = load_programme(write_base(tmp_path / "data"))
    keys = {id(k): k for k in prog.local_units.frame.index}
    cats = prog.adoptions["unit"].cat.categories.to_numpy(dtype=object)
    declared = [c for c in cats if c in prog.local_units]
    assert declared and all(id(c) in keys for c in declared)
    official = [c for c in cats if c not in prog.local_units]
    assert official  # the register's units stay as they were read
    assert prog.readings.empty or prog.readings["unit"].dtype == prog.adoptions["unit"].dtype


def test_the_memo_keeps_a_bounded_number_of_dates():
    from nhanrong.status import all_stages, status

    pg = build_graph(load_programme(REPO))
    days = [dt.date(2022, 12, 31) - dt.timedelta(days=30 * i) for i in range(MEMO_DATES + 4)]
    for d in days:
        status(pg, d, structure="old")
    memo = pg._memo
    assert len(memo.dates()) == MEMO_DATES
    assert [x.date() for x in memo.dates()] == days[-MEMO_DATES:]
    assert ("stages", "old") in memo  # as-of-independent frames stay
    # a date used again moves to the end and is not recomputed
    ts = pd.Timestamp(days[-MEMO_DATES])
    frame = all_stages(pg, ts, "old")
    assert all_stages(pg, ts, "old") is frame and memo.dates()[-1] == ts
