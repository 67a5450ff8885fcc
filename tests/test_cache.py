"""The disk cache: same programme back, invalidated by any file change, harmless when it cannot write."""

from __future__ import annotations

import os
import stat

import pytest

from nhanrong.cache import CACHE_DIR, fingerprint, load_programme_cached

from conftest import TINY_MODEL, edit_file


def test_warm_load_returns_the_same_programme(make_repo, monkeypatch):
    root = make_repo()
    cold = load_programme_cached(root)
    files = list((root / CACHE_DIR).glob("programme-*.pickle"))
    assert len(files) == 1
    assert (root / ".nhanrong" / ".gitignore").read_text().strip() == "*"

    def boom(*a, **k):  # a warm load must not parse anything
        raise AssertionError("load_programme called on a warm cache")

    monkeypatch.setattr("nhanrong.cache.load_programme", boom)
    warm = load_programme_cached(root)
    assert warm.models == cold.models
    assert warm.adoptions.equals(cold.adoptions) and warm.readings.equals(cold.readings)
    assert warm.problems == cold.problems
    assert warm.local_units == cold.local_units and warm.local_units  # rebuilt from columns
    # the columns themselves come back exactly, dtypes included (packed for the cache: nhanrong.framepack)
    assert warm.local_units.frame.equals(cold.local_units.frame)
    assert warm.local_units.frame.dtypes.to_dict() == cold.local_units.frame.dtypes.to_dict()


@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_fingerprint_follows_every_toml_file(make_repo, change):
    root = make_repo()
    before = fingerprint(root)
    assert fingerprint(root) == before  # stable
    target = root / "pilots" / "tiny" / "132.toml"
    if change == "edit":
        target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "add":
        (root / "units" / "more.toml").write_text('structure = "old"\n', encoding="utf-8")
    else:
        target.unlink()
    assert fingerprint(root) != before


def test_a_changed_file_is_reloaded(make_repo):
    root = make_repo()
    assert len(load_programme_cached(root).adoptions) == 2
    target = root / "pilots" / "tiny" / "132.toml"
    text = target.read_text(encoding="utf-8").replace('[[adoption]]\nunit = "04252"', '[[adoption]]\nunit = "04255"')
    target.write_text(text + '\n[[adoption]]\nunit = "04258"\n', encoding="utf-8")
    prog = load_programme_cached(root)
    assert set(prog.adoptions["unit"].astype(str)) == {"old:04249", "old:04255", "old:04258"}
    assert len(list((root / CACHE_DIR).glob("programme-*.pickle"))) == 1  # the stale entry is gone


def test_corrupt_cache_falls_back(make_repo):
    root = make_repo()
    load_programme_cached(root)
    (cache,) = (root / CACHE_DIR).glob("programme-*.pickle")
    cache.write_bytes(b"not a pickle")
    assert len(load_programme_cached(root).adoptions) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder_still_loads(make_repo):
    root = make_repo()
    mode = root.stat().st_mode
    root.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert len(load_programme_cached(root).adoptions) == 2
        assert not (root / ".nhanrong").exists()
    finally:
        root.chmod(mode)


def test_unwritable_cache_still_loads(make_repo, monkeypatch):
    """Works as root too: make the cache folder creation fail."""
    root = make_repo()

    def fail(*a, **k):
        raise PermissionError("read-only")

    monkeypatch.setattr("nhanrong.cache._ensure_dir", fail)
    assert len(load_programme_cached(root).adoptions) == 2
    assert not (root / CACHE_DIR).exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_fingerprint_survives_special_entries_and_sees_them_change(make_repo):
    root = make_repo()
    os.symlink("loop.toml", root / "units" / "loop.toml")
    os.symlink("gone.toml", root / "plans" / "broken.toml")
    os.mkfifo(root / "pilots" / "tiny" / "pipe.toml")
    before = fingerprint(root)  # nothing opened, nothing raised
    prog = load_programme_cached(root)
    assert {p.code for p in prog.problems} == {"link-loop", "broken-link", "not-regular-file"}
    (root / "pilots" / "tiny" / "pipe.toml").unlink()
    (root / "pilots" / "tiny" / "pipe.toml").write_text('model = "tiny"\nstructure = "old"\n', encoding="utf-8")
    assert fingerprint(root) != before
    assert {p.code for p in load_programme_cached(root).problems} == {"link-loop", "broken-link"}


def test_an_interrupted_save_is_resolved_even_on_a_warm_cache(make_repo):
    from nhanrong.editing.journal import JOURNAL_DIR

    root = make_repo()
    load_programme_cached(root)  # warm
    journal = root / JOURNAL_DIR
    journal.mkdir(parents=True)
    (journal / "0123456789abcdef.json").write_text(
        '{"version": 1, "id": "0123456789abcdef", "state": "prepared", "files": [{"rel": "pilots/tiny/132.toml", '
        '"before": null, "after": "x", "mode": 420}], "git": null}', encoding="utf-8")
    left = root / "pilots" / "tiny" / ".132.toml.0123456789abcdef.nhanrong-new"
    left.write_text("half", encoding="utf-8")
    prog = load_programme_cached(root)
    [note] = [p for p in prog.problems if p.code == "save-recovered"]
    assert note.severity == "warning" and "hoàn tác" in note.message and note.path == "pilots/tiny/132.toml"
    assert not left.exists() and not any(journal.iterdir())
    assert [p.code for p in load_programme_cached(root).problems] == []  # said once


def test_a_warm_load_makes_each_declared_units_key_once(make_repo):
    """The records' unit categories and units/ share their key objects after a reload too (pickle writes
    a shared object once): no second copy of a country's keys."""
    village_model = TINY_MODEL.replace('adopted_by = ["commune"]', 'adopted_by = ["village"]')
    village_pilots = ('model = "village"\nstructure = "old"\n\n[[adoption]]\nunit = "T-04249-01"\n'
                      'stages = { assess = 2022-01-10 }\nreadings = [{ metric = "accounts", date = 2022-01-20, value = 3 }]\n')
    root = make_repo({"models/village.toml": village_model, "pilots/village/132.toml": village_pilots})
    assert not load_programme_cached(root).errors
    warm = load_programme_cached(root)
    keys = {id(k) for k in warm.local_units.frame.index}
    declared = [c for c in warm.adoptions["unit"].cat.categories if c in warm.local_units]
    assert declared and all(id(c) in keys for c in declared)
    assert warm.readings.empty or warm.readings["unit"].cat.categories is warm.adoptions["unit"].cat.categories


def test_saves_pack_the_declared_units_again_only_when_they_changed(make_repo, monkeypatch):
    """Each save writes the cache again. The declared units (a national set's quarter of a million) are
    packed at the first save and kept for the next ones, packed again when a unit changes, and the cache
    then holds the new ones; a process that only reads keeps nothing."""
    import nhanrong.cache as cache

    packed = []
    real = cache.pack_frame
    monkeypatch.setattr(cache, "pack_frame", lambda frame: (packed.append(len(frame.columns)), real(frame))[1])
    monkeypatch.setattr(cache, "_PACKED_ONCE", [])  # what earlier tests packed: forgotten
    monkeypatch.setattr(cache, "_LAST_PACKED_UNITS", [])
    from nhanrong import loader

    loader._FILE_CACHE.clear()  # room for this test's files: a full cache is emptied, and the units kept with it
    root = make_repo()
    load_programme_cached(root)
    units_columns = packed[0]
    assert not cache._LAST_PACKED_UNITS  # read only, so far
    saves = []
    for rel, old, new in [("pilots/tiny/132.toml", "2022", "2022"), ("pilots/tiny/132.toml", "2022", "2022"),
                          ("units/villages.toml", "Tổ dân phố 1", "Tổ dân phố số 1")]:
        edit_file(root / rel, old, new)
        packed.clear()
        load_programme_cached(root)
        saves.append(units_columns in packed)
    assert saves == [True, False, True]  # the first save packs them, the next reuses them, a unit's save packs
    monkeypatch.setattr("nhanrong.cache.load_programme", lambda *a, **k: pytest.fail("the cache was not used"))
    assert load_programme_cached(root).local_units["old:T-04249-01"].name == "Tổ dân phố số 1"
