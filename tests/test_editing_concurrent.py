"""Two people saving at the same moment: changes to different records of one file are merged,
the same record is refused with a clear message, and nothing is ever overwritten."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from nhanrong.editing import ReadingChange, StageChange, StaleFileError, prepare, save
from nhanrong.loader import load_programme
from test_editing_changeset import PILOTS, REL


@pytest.fixture
def root(make_repo) -> Path:
    return make_repo({REL: PILOTS})


def _record(root: Path, unit: str) -> dict:
    a = load_programme(root).adoptions
    row = a[a["unit"].astype(str) == f"old:{unit}"]
    assert len(row) == 1
    return row.iloc[0].to_dict()


def test_another_record_saved_meanwhile_is_merged(root: Path) -> None:
    mine = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])
    theirs = prepare(root, [StageChange("04270", "tiny", "pilot", dt.date(2022, 8, 1))])
    save(theirs, use_git=False)
    result = save(mine, use_git=False)  # prepared before their save: the file changed since
    assert result.merged and result.paths == (REL,)
    text = (root / REL).read_text(encoding="utf-8")
    assert "evaluate = 2022-07-01" in text and "pilot = 2022-08-01" in text
    assert "# --- Phường Yên Ninh ---" in text and "# thí điểm đầu tiên" in text  # comments kept
    prog = load_programme(root)
    assert not prog.errors
    assert str(_record(root, "04252")["evaluate"].date()) == "2022-07-01"
    assert str(_record(root, "04270")["pilot"].date()) == "2022-08-01"


def test_hand_edit_of_another_record_is_kept(root: Path) -> None:
    mine = prepare(root, [ReadingChange("04249", "tiny", "accounts", dt.date(2022, 9, 30), 150)])
    hand = PILOTS.replace('stages = { assess = 2022-05-01 }', 'stages = { assess = 2022-05-01 }\nnote = "Sửa tay"')
    (root / REL).write_text(hand, encoding="utf-8")
    assert save(mine, use_git=False).merged
    text = (root / REL).read_text(encoding="utf-8")
    assert 'note = "Sửa tay"' in text and "value = 150" in text
    assert _record(root, "04270")["note"] == "Sửa tay"


def test_the_same_record_changed_meanwhile_is_refused(root: Path) -> None:
    mine = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])
    theirs = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 15))])
    save(theirs, use_git=False)
    after_theirs = (root / REL).read_bytes()
    with pytest.raises(StaleFileError) as err:
        save(mine, use_git=False)
    assert 'bản ghi "04252" (mô hình tiny)' in err.value.text("vi") and "tải lại" in err.value.text("vi")
    assert 'record of "04252"' in err.value.text("en")
    assert (root / REL).read_bytes() == after_theirs  # theirs stands, nothing overwritten


def test_the_same_change_made_twice_writes_nothing_more(root: Path) -> None:
    one = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])
    two = prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])
    save(one, use_git=False)
    done = (root / REL).read_bytes()
    result = save(two, use_git=False)
    assert result.paths == () and (root / REL).read_bytes() == done


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_two_saves_at_the_same_moment_both_land(root: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Máy chủ")
    git("config", "user.email", "m@x.vn")
    git("add", "-A")
    git("commit", "-q", "-m", "init")
    sets = [prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))]),
            prepare(root, [ReadingChange("04249", "tiny", "people", dt.date(2022, 9, 30), 310)])]
    start = threading.Barrier(2)
    results: list = [None, None]

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = save(sets[i], author=["A Một <a@x.vn>", "B Hai <b@x.vn>"][i])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None and not isinstance(r, Exception) for r in results), results
    assert sorted(r.merged for r in results) == [False, True]  # the second one merged with the first
    assert sorted(git("log", "--format=%an", "-2").strip().splitlines()) == ["A Một", "B Hai"]
    assert git("status", "--porcelain") == ""
    text = (root / REL).read_text(encoding="utf-8")
    assert "evaluate = 2022-07-01" in text and "value = 310" in text
    assert not load_programme(root).errors


def test_two_first_records_of_a_new_file_are_merged(root: Path) -> None:
    from nhanrong.registry import load_registry

    a, b = [c.code for c in load_registry().children("old:136")[:2]]  # Văn Yên: no file yet
    mine = prepare(root, [StageChange(a, "tiny", "assess", dt.date(2022, 3, 1))])
    theirs = prepare(root, [StageChange(b, "tiny", "assess", dt.date(2022, 4, 1))])
    assert [e.before for e in mine.edits] == [None] and mine.edits[0].rel == theirs.edits[0].rel
    save(theirs, use_git=False)
    assert save(mine, use_git=False).merged
    assert {f"old:{a}", f"old:{b}"} <= set(load_programme(root).adoptions["unit"].astype(str))
