"""Recording changes: validated before writing, only the needed lines touched, safe against races and crashes."""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path

import pytest

from nhanrong.editing import (
    ChangeRefusedError, NewLocalUnit, PlanNumbers, ReadingChange, StageChange, StaleFileError, prepare, save,
)
from nhanrong.editing.overlay import load_with, new_errors
from nhanrong.loader import load_programme
from conftest import TINY_MODEL

PILOTS = """\
# Tệp thử: các phường, xã của Thành phố Yên Bái (132).
# Dòng chú thích này phải còn nguyên sau mỗi lần ghi.
model = "tiny"
structure = "old"   # cấu trúc cũ, trước 1/7/2025

# --- Phường Yên Thịnh: xã điểm ---
[[adoption]]
unit = "04249"   # thí điểm đầu tiên
stages = { assess = 2022-01-10, pilot = 2022-02-15, evaluate = 2022-05-01, scale = 2022-06-01 }
readings = [
  { metric = "accounts", date = 2022-06-30, value = 120 },   # số liệu quý II
  { metric = "people", date = 2022-06-30, value = 300 },
]

# --- Phường Yên Ninh ---
[[adoption]]
unit = "04252"
stages = {assess = 2022-03-01, pilot = 2022-04-01}
learned_from = "04249"
note = "Học từ Yên Thịnh"

# --- Xã Minh Bảo ---
[[adoption]]
unit = "04270"
stages = { assess = 2022-05-01 }
"""

PLAN = """\
# Kế hoạch thử
name = "Kế hoạch 2023"
scope = "15"
structure = "old"
start = 2023-01-01
horizon = 4   # bốn quý

[[targets]]
model = "tiny"
coverage = 0.5
date = 2023-12-31

[resources]
trainer_hours = 40   # mỗi quý
"""

REL = "pilots/tiny/132.toml"


@pytest.fixture
def root(make_repo) -> Path:
    return make_repo({REL: PILOTS, "plans/p2023.toml": PLAN})


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Lines removed from ``before`` and added in ``after``."""
    removed, added = [], []
    sm = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            removed += before.splitlines()[i1:i2]
            added += after.splitlines()[j1:j2]
    return removed, added


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if "#" in line]


def test_round_trip_stage_change_touches_one_line(root: Path) -> None:
    before = (root / REL).read_text(encoding="utf-8")
    assert not load_programme(root).errors
    cs = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])
    assert cs.ok, cs.refusals
    result = save(cs, use_git=False)
    after = (root / REL).read_text(encoding="utf-8")
    assert result.paths == (REL,)
    removed, added = _changed_lines(before, after)
    assert removed == ["stages = {assess = 2022-03-01, pilot = 2022-04-01}"]
    assert added == ["stages = {assess = 2022-03-01, pilot = 2022-04-01, evaluate = 2022-07-01}"]
    assert _comments(after) == _comments(before)
    prog = load_programme(root)
    assert not prog.errors
    row = prog.adoptions[prog.adoptions["unit"].astype(str) == "old:04252"].iloc[0]
    assert row["evaluate"] == dt.datetime(2022, 7, 1)


def test_stage_change_keeps_trailing_comment_and_note_added_in_place(make_repo) -> None:
    text = PILOTS.replace("stages = { assess = 2022-05-01 }", "stages = { assess = 2022-05-01 }   # chờ ngân sách")
    root = make_repo({REL: text})
    save(prepare(root, [StageChange("04270", "tiny", "pilot", dt.date(2022, 6, 1), note="Bắt đầu <b>thí điểm</b>")]), use_git=False)
    removed, added = _changed_lines(text, (root / REL).read_text(encoding="utf-8"))
    assert removed == ["stages = { assess = 2022-05-01 }   # chờ ngân sách"]
    assert added == ["stages = { assess = 2022-05-01, pilot = 2022-06-01 }   # chờ ngân sách",
                     'note = "Bắt đầu <b>thí điểm</b>"']
    prog = load_programme(root)
    assert prog.adoptions.set_index("unit").loc["old:04270", "note"] == "Bắt đầu <b>thí điểm</b>"  # kept as data, not markup


def test_new_record_is_inserted_in_unit_code_order(root: Path) -> None:
    before = (root / REL).read_text(encoding="utf-8")
    save(prepare(root, [StageChange("04255", "tiny", "assess", dt.date(2022, 8, 1))]), use_git=False)
    after = (root / REL).read_text(encoding="utf-8")
    removed, added = _changed_lines(before, after)
    assert removed == []
    assert added == ["[[adoption]]", 'unit = "04255"', "stages = { assess = 2022-08-01 }", ""]
    units = [line for line in after.splitlines() if line.startswith("unit = ")]
    assert [u.split('"')[1] for u in units] == ["04249", "04252", "04255", "04270"]
    # the comment written above Xã Minh Bảo stays with its record
    assert after.index('unit = "04255"') < after.index("# --- Xã Minh Bảo ---") < after.index('unit = "04270"')
    assert not load_programme(root).errors


def test_reading_correction_and_addition(root: Path) -> None:
    before = (root / REL).read_text(encoding="utf-8")
    cs = prepare(root, [
        ReadingChange("04249", "tiny", "accounts", dt.date(2022, 6, 30), 125),
        ReadingChange("04249", "tiny", "accounts", dt.date(2022, 12, 31), 410),
    ])
    save(cs, use_git=False)
    after = (root / REL).read_text(encoding="utf-8")
    removed, added = _changed_lines(before, after)
    assert removed == ['  { metric = "accounts", date = 2022-06-30, value = 120 },   # số liệu quý II']
    assert added == ['  { metric = "accounts", date = 2022-06-30, value = 125 },   # số liệu quý II',
                     '  { metric = "accounts", date = 2022-12-31, value = 410 },']
    r = load_programme(root).readings
    assert set(r[(r["metric"] == "accounts") & (r["unit"] == "old:04249")]["value"]) == {125.0, 410.0}


def test_first_reading_of_a_record_adds_a_list(root: Path) -> None:
    save(prepare(root, [ReadingChange("04252", "tiny", "accounts", dt.date(2022, 9, 30), 43.8)]), use_git=False)
    after = (root / REL).read_text(encoding="utf-8")
    assert 'note = "Học từ Yên Thịnh"\nreadings = [\n  {metric = "accounts", date = 2022-09-30, value = 43.8},\n]\n' in after \
        or 'note = "Học từ Yên Thịnh"\nreadings = [\n  { metric = "accounts", date = 2022-09-30, value = 43.8 },\n]\n' in after


def test_unchanged_change_writes_nothing(root: Path) -> None:
    cs = prepare(root, [StageChange("04249", "tiny", "pilot", dt.date(2022, 2, 15)),
                        ReadingChange("04249", "tiny", "people", dt.date(2022, 6, 30), 300)])
    assert cs.ok and cs.edits == () and len(cs.unchanged) == 2
    assert save(cs).paths == ()


def test_new_local_unit_in_code_order(root: Path) -> None:
    save(prepare(root, [NewLocalUnit("T-04249-00", "Tổ dân phố Mới", "village", "04249")]), use_git=False)
    prog = load_programme(root)
    assert not prog.errors
    unit = prog.local_units["old:T-04249-00"]
    assert (unit.parent, unit.path) == ("old:04249", "units/villages.toml")
    text = (root / "units/villages.toml").read_text(encoding="utf-8")
    assert text.index("T-04249-00") < text.index("T-04249-01")


def test_plan_numbers_change_only_their_lines(root: Path) -> None:
    rel = "plans/p2023.toml"
    before = (root / rel).read_text(encoding="utf-8")
    save(prepare(root, [PlanNumbers("p2023", (("horizon", 6), ("resources.trainer_hours", 55), ("targets.0.coverage", 0.8)))]), use_git=False)
    removed, added = _changed_lines(before, (root / rel).read_text(encoding="utf-8"))
    assert added == ["horizon = 6   # bốn quý", "coverage = 0.8", "trainer_hours = 55   # mỗi quý"]
    assert len(removed) == 3
    assert load_programme(root).plans["p2023"].horizon == 6


@pytest.mark.parametrize(
    "change, fragment",
    [
        (StageChange("04252", "tiny", "assess", dt.date(2022, 9, 1)), "không thể bắt đầu trước"),
        (StageChange("04252", "tiny", "piolt", dt.date(2022, 9, 1)), 'có phải ý bạn là "pilot"'),
        (StageChange("99999", "tiny", "pilot", dt.date(2022, 9, 1)), 'không có đơn vị mã "99999"'),
        (StageChange("04252", "tinny", "pilot", dt.date(2022, 9, 1)), 'không có mô hình "tinny"'),
        (StageChange("T-04249-01", "tiny", "pilot", dt.date(2022, 9, 1)), "là đơn vị loại village"),
        (NewLocalUnit("T-04249-01", "Trùng mã", "village", "04249"), "đã có"),
        (NewLocalUnit("X-1", "Loại lạ", "villag", "04249"), 'có phải ý bạn là "village"'),
        (ReadingChange("04252", "tiny", "acounts", dt.date(2022, 9, 1), 1), 'có phải ý bạn là "accounts"'),
        # only the loader knows these: refused because they add validation errors
        (PlanNumbers("p2023", (("targets.0.coverage", 1.5),)), "coverage"),
        (PlanNumbers("p2023", (("horizon", 0),)), "horizon"),
    ],
)
def test_invalid_change_is_refused_and_nothing_written(root: Path, change, fragment: str) -> None:
    before = {p: p.read_bytes() for p in root.rglob("*.toml")}
    cs = prepare(root, [change])
    assert not cs.ok
    assert any(fragment in r.message for r in cs.refusals), [r.message for r in cs.refusals]
    with pytest.raises(ChangeRefusedError) as exc:
        save(cs, use_git=False)
    assert fragment in str(exc.value)
    assert {p: p.read_bytes() for p in root.rglob("*.toml")} == before


def test_code_in_both_structures_needs_the_structure(make_repo) -> None:
    new_units = 'structure = "new"\n\n[[unit]]\ncode = "N-1"\nname = "Thôn Mới"\nkind = "village"\nparent = "04252"\n'
    root = make_repo({"units/new.toml": new_units})
    cs = prepare(root, [NewLocalUnit("AG-01", "Sở Khoa học và Công nghệ", "agency", "15")])
    assert [r.message for r in cs.refusals] == [
        'mã "15" có ở cả cấu trúc cũ (Tỉnh Yên Bái) và mới (Tỉnh Lào Cai); ghi rõ old:15 hoặc new:15']
    cs = prepare(root, [NewLocalUnit("AG-01", "Sở Khoa học và Công nghệ", "agency", "new:15")])
    assert cs.ok, cs.refusals
    assert [e.rel for e in cs.edits] == ["units/agencies/15.toml"]
    assert 'structure = "new"' in cs.edits[0].after


def test_overlay_counts_only_new_errors(root: Path) -> None:
    prog = load_programme(root)
    bad = PILOTS.replace('unit = "04270"', 'unit = "ZZ999"')
    after = load_with(root, {REL: bad})
    errs = new_errors(prog.problems, after.problems)
    assert [p.code for p in errs] == ["unknown-unit"]
    assert new_errors(after.problems, after.problems) == []
    assert (root / REL).read_text(encoding="utf-8") == PILOTS  # the overlay never touches the data root


@pytest.mark.parametrize("unit, stage, old, new", [
    ("04252", "evaluate", "Học từ Yên Thịnh", "Sửa tay bởi người khác"),  # the same record, edited by hand
    ("04270", "pilot", 'structure = "old"', 'structure = "new"'),  # the file's header: the change no longer applies
])
def test_concurrent_change_on_disk_is_refused(root: Path, unit: str, stage: str, old: str, new: str) -> None:
    cs = prepare(root, [StageChange(unit, "tiny", stage, dt.date(2022, 8, 1))])
    other = PILOTS.replace(old, new)
    (root / REL).write_text(other, encoding="utf-8")
    with pytest.raises(StaleFileError, match="tải lại"):
        save(cs, use_git=False)
    assert (root / REL).read_text(encoding="utf-8") == other


def test_crash_during_replace_keeps_old_file_and_no_temp(root: Path, monkeypatch) -> None:
    cs = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])

    def crash(src, dst):
        raise OSError("mất điện")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="mất điện"):
        save(cs, use_git=False)
    assert (root / REL).read_text(encoding="utf-8") == PILOTS
    assert sorted(p.name for p in (root / REL).parent.iterdir()) == ["132.toml"]


def test_crash_while_writing_the_temp_file(root: Path, monkeypatch) -> None:
    cs = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])

    def crash(fd):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="đĩa đầy"):
        save(cs, use_git=False)
    assert (root / REL).read_text(encoding="utf-8") == PILOTS
    assert [p.name for p in (root / REL).parent.iterdir()] == ["132.toml"]


def test_new_file_for_a_district_without_records(root: Path) -> None:
    # Xã Âu Lâu is in district 132 too; a commune of Văn Yên (136) gets its own file
    from nhanrong.registry import load_registry

    commune = load_registry().children("old:136")[0]
    cs = prepare(root, [StageChange(commune.code, "tiny", "assess", dt.date(2022, 3, 1))])
    assert cs.ok, cs.refusals
    assert [e.rel for e in cs.edits] == ["pilots/tiny/136.toml"]
    assert cs.edits[0].before is None
    save(cs, use_git=False)
    prog = load_programme(root)
    assert not prog.errors
    assert f"old:{commune.code}" in set(prog.adoptions["unit"].astype(str))


def test_diff_preview_and_commit_message(root: Path) -> None:
    cs = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])
    diff = cs.diff()
    assert diff.startswith(f"--- a/{REL}\n+++ b/{REL}\n")
    assert "+stages = {assess = 2022-03-01, pilot = 2022-04-01, evaluate = 2022-07-01}" in diff
    msg = cs.commit_message()
    assert msg.splitlines()[0] == "Phường Yên Ninh (04252): mô hình tiny bắt đầu giai đoạn đánh giá, rút kinh nghiệm ngày 01/07/2022"
    assert "Unit: old:04252" in msg


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_READING = st.tuples(
    st.sampled_from(["04249", "04252", "04270"]),
    st.sampled_from(["accounts", "people"]),
    st.sampled_from([dt.date(2022, 3, 31), dt.date(2022, 6, 30), dt.date(2022, 12, 31)]),
    st.integers(min_value=0, max_value=10_000),
)


def _comment_texts(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_READING, min_size=1, max_size=6))
def test_any_readings_keep_every_comment_and_load_as_expected(root: Path, readings) -> None:
    """Property: whatever readings are recorded, comments stay, other lines stay, and the data says exactly that."""
    import tomli

    cs = prepare(root, [ReadingChange(u, "tiny", m, d, v) for u, m, d, v in readings], programme=_programme(root))
    assert cs.ok, cs.refusals
    after = cs.edits[0].after if cs.edits else PILOTS
    assert _comment_texts(after) == _comment_texts(PILOTS)
    removed, _ = _changed_lines(PILOTS, after)
    assert all("metric =" in line for line in removed)  # only reading lines are ever rewritten
    expected = {("04249", "accounts", dt.date(2022, 6, 30)): 120.0, ("04249", "people", dt.date(2022, 6, 30)): 300.0}
    for u, m, d, v in readings:
        expected[(u, m, d)] = float(v)
    got = {(a["unit"], r["metric"], r["date"]): float(r["value"])
           for a in tomli.loads(after)["adoption"] for r in a.get("readings", [])}
    assert got == expected


_PROGRAMMES: dict[Path, object] = {}


def _programme(root: Path):
    if root not in _PROGRAMMES:
        _PROGRAMMES[root] = load_programme(root)
    return _PROGRAMMES[root]


def test_new_warning_is_reported_but_does_not_block(root: Path) -> None:
    cs = prepare(root, [StageChange("04255", "tiny", "pilot", dt.date(2022, 8, 1))])  # no assessment date
    assert cs.ok
    assert [w.message.split(": ", 1)[1] for w in cs.warnings] == ["bỏ qua giai đoạn assess mà không ghi ngày bắt đầu"]


def test_an_unknown_unit_is_answered_with_a_unit_of_the_models_kind(make_repo) -> None:
    village_model = TINY_MODEL.replace('adopted_by = ["commune"]', 'adopted_by = ["village"]').replace(
        'scope = "132"\n', "")
    units = ('structure = "old"\n[[unit]]\ncode = "TH-1"\nname = "Thôn 1"\nkind = "village"\nparent = "04249"\n'
             '[[unit]]\ncode = "TH-3"\nname = "Chi bộ 3"\nkind = "party-cell"\nparent = "04249"\n')
    root = make_repo({"models/vm.toml": village_model, "units/th.toml": units})
    cs = prepare(root, [StageChange("TH-33", "vm", "assess", dt.date(2022, 9, 1))])
    assert not cs.ok
    (msg,) = [r.message for r in cs.refusals]
    assert 'có phải ý bạn là "TH-1"' in msg  # the village, not the party cell "TH-3"
