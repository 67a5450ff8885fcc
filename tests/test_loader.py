"""The loader reports every class of problem with its file, line and an exact message."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TINY_MODEL, TINY_PILOTS
from nhanrong.errors import DataRootError
from nhanrong.loader import load_programme
from nhanrong.registry import load_registry


def problems(root: Path) -> list[str]:
    return [p.format("en") for p in load_programme(root).problems]


def problems_vi(root: Path) -> list[str]:
    return [str(p) for p in load_programme(root).problems]


PILOT_HEAD = 'model = "tiny"\nstructure = "old"\n'


def test_clean_repo_loads_everything(make_repo):
    prog = load_programme(make_repo())
    assert prog.problems == []
    assert sorted(prog.adoptions["unit"]) == ["old:04249", "old:04252"]
    assert prog.readings["value"].tolist() == [120.0]
    assert prog.adoptions.set_index("unit").loc["old:04252", "learned_from"] == "old:04249"
    assert "old:T-04249-01" in prog.local_units
    assert prog.illustrative_files == ["units/villages.toml"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (PILOT_HEAD + '[[adoption]]\nunit = "04249\n',
         'pilots/tiny/133.toml:4:14: error: TOML syntax error: Illegal character \'\\n\''),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nstages = { asess = 2022-01-01 }\n',
         'pilots/tiny/133.toml:5:12: error: unknown key "adoption.stages.asess" (did you mean "assess"?)'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nnotes = "x"\n',
         'pilots/tiny/133.toml:5:1: error: unknown key "adoption.notes" (did you mean "note"?)'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nstages = { pilot = "1/4/2022" }\n',
         'pilots/tiny/133.toml:5:12: error: "adoption.stages.pilot": not a valid date; write it like 2022-12-31, without quotes (got \'1/4/2022\')'),
        ('model = "tiny"\n[[adoption]]\nunit = "04255"\n',
         'pilots/tiny/133.toml:1:1: error: missing required key "structure"'),
        ('model = "tiny"\nstructure = "mới"\n',
         'pilots/tiny/133.toml:2:1: error: "structure": invalid value "mới"; expected one of: "old", "new"'),
        (PILOT_HEAD + '[[adoption]]\nunit = "99999"\n',
         'pilots/tiny/133.toml:4:1: error: unknown unit code "99999" (not in the old register nor in units/); declare it under units/ or fix the code'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04249"\n',
         'pilots/tiny/133.toml:3:1: error: duplicate record: "04249" with model "tiny" is already at pilots/tiny/132.toml:4'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nstages = { assess = 2022-05-01, pilot = 2022-04-01 }\n',
         'pilots/tiny/133.toml:5:33: error: stage "pilot" begins 2022-04-01, before stage "assess" (2022-05-01)'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nreadings = [{ metric = "acounts", date = 2022-01-01, value = 1 }]\n',
         'pilots/tiny/133.toml:5:15: error: model "tiny" defines no metric "acounts" (did you mean "accounts"?)'),
        (PILOT_HEAD + '[[adoption]]\nunit = "T-04249-01"\n',
         'pilots/tiny/133.toml:4:1: error: "T-04249-01" is a village; model "tiny" is adopted by: commune'),
        ('model = "tiy"\nstructure = "old"\n',
         'pilots/tiny/133.toml:1:1: error: model "tiy" has no file in models/ (did you mean "tiny"?)'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nlearned_from = "88888"\n',
         'pilots/tiny/133.toml:5:1: error: unknown unit code "88888" (not in the old register nor in units/); declare it under units/ or fix the code'),
        ('model = "tiny"\nstructure = "new"\n[[adoption]]\nunit = "T-04249-01"\n',
         'pilots/tiny/133.toml:4:1: error: unit code "T-04249-01" is not in the "new" structure (it is in "old"); fix the file\'s structure or the code'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nstages = { pilot = 2022-04-01 }\n',
         'pilots/tiny/133.toml:5:1: warning: stage(s) assess skipped without a start date'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nstages = { assess = 2022-01-01, evaluate = 2022-04-01 }\n',
         'pilots/tiny/133.toml:5:1: warning: stage(s) pilot skipped without a start date'),
        (PILOT_HEAD + '[[adoption]]\nunit = "04255"\nreadings = [\n  { metric = "people", date = 2022-01-01, value = 1 },\n  { metric = "people", date = 2022-01-01, value = 2 },\n]\n',
         'pilots/tiny/133.toml:7:3: warning: metric "people" on 2022-01-01 is recorded twice; the later value is kept'),
    ],
)
def test_pilot_problems_have_exact_messages(make_repo, text, expected):
    assert problems(make_repo({"pilots/tiny/133.toml": text})) == [expected]


def test_messages_are_vietnamese_first(make_repo):
    root = make_repo({"pilots/tiny/133.toml": PILOT_HEAD + '[[adoption]]\nunit = "04255"\nstages = { asess = 2022-01-01 }\n'})
    assert problems_vi(root) == [
        'pilots/tiny/133.toml:5:12: error: khoá không hợp lệ "adoption.stages.asess" (có phải ý bạn là "assess"?)'
    ]


def test_every_problem_is_collected_and_good_records_still_load(make_repo):
    text = PILOT_HEAD + (
        '[[adoption]]\nunit = "04255"\nstages = { asess = 2022-01-01 }\n\n'
        '[[adoption]]\nunit = "99999"\n\n'
        '[[adoption]]\nunit = "04258"\nstages = { assess = 2022-01-01 }\n'
    )
    prog = load_programme(make_repo({"pilots/tiny/133.toml": text}))
    assert [p.line for p in prog.errors] == [5, 8]
    assert "old:04258" in set(prog.adoptions["unit"])
    assert "old:04249" in set(prog.adoptions["unit"])  # the other file is untouched


def test_an_id_that_breaks_its_pattern_is_told_which_characters_that_id_takes(make_repo):
    # Metric ids take '_' but not '-' (they are TOML keys of readings); the message must say so,
    # not list '-' as allowed, or the planner's fix fails again.
    model = TINY_MODEL.replace('id = "people"', 'id = "so-nguoi"')
    got = [p for p in load_programme(make_repo({"models/tiny.toml": model})).problems if p.code == "bad-string_pattern_mismatch"]
    assert len(got) == 1
    assert "chữ thường không dấu, số và '_' (không dùng '-')" in got[0].format("vi")
    assert "digits and '_' (not '-')" in got[0].format("en")


def test_broken_file_does_not_hide_the_others(make_repo):
    prog = load_programme(make_repo({"pilots/tiny/133.toml": "this is not toml"}))
    assert len(prog.errors) == 1 and prog.errors[0].code == "toml-syntax"
    assert len(prog.adoptions) == 2


@pytest.mark.parametrize(
    "model_text, expected",
    [
        (TINY_MODEL.replace('pillars = ["society"]', 'pillars = ["society", "culture"]'),
         ['models/tiny.toml:3:23: error: "pillars": invalid value "culture"; expected one of: "government", "economy", "society"']),
        (TINY_MODEL.replace("[stages.scale]\nexpected_days = 365\n", ""),
         ['models/tiny.toml:6:1: error: missing required key "stages.scale"']),
        (TINY_MODEL.replace('gate = [{ metric = "accounts", min = 10 }]', 'gate = [{ metric = "acount", min = 10 }]'),
         ['models/tiny.toml:11:11: error: stage gate uses metric "acount" that the model does not define (did you mean "accounts"?)']),
        (TINY_MODEL.replace('metric = "coverage"', 'metric = "coverag"'),
         ['models/tiny.toml:18:1: error: target uses metric "coverag" that the model does not define (did you mean "coverage"?)']),
        (TINY_MODEL.replace('rollup = "sum"\n\n[[metrics]]\nid = "people"', 'rollup = "ratio"\n\n[[metrics]]\nid = "people"'),
         ['models/tiny.toml:31:1: error: "metrics": a metric with rollup = "ratio" needs numerator and denominator']),
    ],
)
def test_model_problems(make_repo, model_text, expected):
    got = problems(make_repo({"models/tiny.toml": model_text}))
    # a model that fails to load also invalidates the pilots that use it
    assert got[: len(expected)] == expected


def test_prerequisite_cycle_and_unknown_prerequisite(make_repo):
    a = TINY_MODEL.replace('adopted_by = ["commune"]', 'adopted_by = ["commune"]\nrequires = [{ model = "b", where = "same" }]')
    b = TINY_MODEL.replace('adopted_by = ["commune"]', 'adopted_by = ["commune"]\nrequires = [{ model = "a", where = "same" }, { model = "tinny", where = "parent" }]')
    assert problems(make_repo({"models/a.toml": a, "models/b.toml": b})) == [
        "models/a.toml:5:15: error: prerequisite cycle between models: a → b → a; remove one requirement to break it",
        'models/b.toml:5:48: error: required model "tinny" has no file in models/ (did you mean "tiny"?)',
    ]


def test_unit_declaration_problems(make_repo):
    units = (
        'structure = "old"\n'
        '[[unit]]\ncode = "T-04249-01"\nname = "dup"\nkind = "village"\nparent = "04249"\n'
        '[[unit]]\ncode = "X1"\nname = "x"\nkind = "school"\nparent = "ZZ"\n'
        '[[unit]]\ncode = "04249"\nname = "x"\nkind = "commune"\nparent = "132"\n'
        '[[unit]]\ncode = "X2"\nname = "Xã đã sáp nhập"\nkind = "commune"\nparent = "132"\n'
    )
    assert problems(make_repo({"units/more.toml": units})) == [
        'units/more.toml:11:1: error: parent unit "ZZ" is not in the register (old) nor in units/',
        'units/more.toml:13:1: error: code "04249" is already an official unit (Phường Yên Thịnh); choose another code',
        'units/more.toml:20:1: warning: "X2" is a commune missing from the official register: if it was merged, set dissolved and merged_into',
        'units/villages.toml:5:1: error: unit code "T-04249-01" is already declared at units/more.toml:2',
    ]


@pytest.mark.parametrize(
    "settings, expected",
    [
        ('models = ["tiny", "tinny"]\n',
         ['nhanrong.toml:1:19: warning: model "tinny" has no file in models/ (did you mean "tiny"?)']),
        ('[kinds.commune]\nname = "xã"\n',
         ['nhanrong.toml:1:1: error: "commune" is an administrative level of the official register and cannot be declared; remove [kinds.commune]']),
        ('[kinds.market]\nname = "chợ"\nparents = ["comune"]\n',
         ['nhanrong.toml:3:12: error: unit kind "comune" is not declared (did you mean "commune"?)']),
        ('[kinds.market]\nnam = "chợ"\n',
         ['nhanrong.toml:2:1: error: unknown key "kinds.market.nam" (did you mean "name"?)',
          'nhanrong.toml:1:1: error: missing required key "kinds.market.name"']),
        ('models = [\n', ["nhanrong.toml:2:1: error: TOML syntax error: Cannot have a comma-less array... "]),
    ],
)
def test_settings_problems_are_located_and_the_rest_still_loads(make_repo, settings, expected):
    root = make_repo({"nhanrong.toml": settings})
    prog = load_programme(root)
    got = [p.format("en") for p in prog.problems]
    if expected[0].endswith("... "):
        assert len(got) == 1 and got[0].startswith("nhanrong.toml:") and "TOML syntax error" in got[0]
    else:
        assert sorted(got) == sorted(expected)
    assert len(prog.adoptions) == 2 and "tiny" in prog.models  # nothing else is lost


def test_a_model_adopted_by_an_undeclared_kind(make_repo):
    model = TINY_MODEL.replace('adopted_by = ["commune"]', 'adopted_by = ["commune", "markets"]')
    prog = load_programme(make_repo({"models/tiny.toml": model, "nhanrong.toml": '[kinds.market]\nname = "chợ"\n'}))
    assert [p.format("en") for p in prog.problems] == [
        'models/tiny.toml:4:26: error: unit kind "markets" is not declared (did you mean "market"?); declare it under [kinds] '
        "in nhanrong.toml or fix the name"]
    assert prog.models["tiny"].adopted_by == ["commune"] and len(prog.adoptions) == 2


def test_dissolved_commune_can_be_named_by_old_records(make_repo):
    units = 'structure = "old"\n[[unit]]\ncode = "04300X"\nname = "Xã Cũ"\nkind = "commune"\nparent = "132"\ndissolved = 2023-06-01\nmerged_into = "04249"\n'
    pilots = PILOT_HEAD + '[[adoption]]\nunit = "04300X"\nstages = { assess = 2022-01-01 }\n'
    prog = load_programme(make_repo({"units/dissolved.toml": units, "pilots/tiny/133.toml": pilots}))
    assert prog.problems == []
    unit = prog.local_units["old:04300X"]
    assert (unit.merged_into, str(unit.dissolved)) == ("old:04249", "2023-06-01")


def test_not_a_data_root(tmp_path):
    with pytest.raises(DataRootError, match="models/, units/, pilots/"):
        load_programme(tmp_path)


def test_non_utf8_file(make_repo):
    root = make_repo()
    (root / "pilots" / "tiny" / "bad.toml").write_bytes(b'model = "tiny"\nstructure = "old"\nnote = "\xff"\n')
    assert problems(root) == ["pilots/tiny/bad.toml:3:9: error: file is not UTF-8 (byte 41); save it as UTF-8"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(TINY_PILOTS)), noise=st.text(max_size=30))
def test_truncated_or_noisy_toml_never_crashes(make_repo, cut, noise):
    """Any prefix of a valid file plus random text yields problems, never an exception."""
    root = make_repo({"pilots/tiny/132.toml": TINY_PILOTS[:cut] + noise})
    prog = load_programme(root)
    assert all(p.path == "pilots/tiny/132.toml" and p.line >= 0 for p in prog.problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["name", "pillars", "adopted_by", "stages", "targets", "metrics", "x"]),
                            st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                                         lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                                         max_leaves=6)))
def test_random_model_documents_never_crash(make_repo, data):
    import tomlkit

    clean = {k: v for k, v in data.items() if v is not None}
    try:
        text = tomlkit.dumps(_drop_none(clean))
    except Exception:  # tomlkit cannot write every random structure
        return
    prog = load_programme(make_repo({"models/tiny.toml": text}))
    assert all(p.line >= 0 for p in prog.problems)


def _drop_none(v):
    if isinstance(v, dict):
        return {k: _drop_none(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_drop_none(x) for x in v if x is not None]
    return v


def test_registry_is_loaded_once():
    assert load_registry() is load_registry()


# --- hostile files: every one is a located problem, nothing hangs, nothing else is lost --------------

import datetime as dt  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import stat  # noqa: E402
import threading  # noqa: E402

from nhanrong import loader  # noqa: E402
from nhanrong import schema  # noqa: E402

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")


def _load_within(root: Path, seconds: float = 20.0):
    """Load in a thread; fail (instead of hanging the suite) if it does not finish."""
    out: dict = {}
    t = threading.Thread(target=lambda: out.setdefault("prog", load_programme(root)), daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        for fifo in root.rglob("*.toml"):  # let a reader stuck on a FIFO go
            if stat.S_ISFIFO(os.lstat(fifo).st_mode):
                try:
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass
        pytest.fail(f"loading did not finish within {seconds} s")
    return out["prog"]


def _codes(prog) -> dict[str, str]:
    return {p.path: p.code for p in prog.problems}


def _units(prog) -> list[str]:
    return sorted(prog.adoptions["unit"].astype(str))


@posix_only
def test_fifo_socket_and_device_are_reported_and_never_opened(make_repo):
    root = make_repo()
    os.mkfifo(root / "pilots" / "tiny" / "pipe.toml")
    os.mkfifo(root / "models" / "pipe.toml")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(root / "units" / "sock.toml"))
    try:
        os.mknod(root / "plans" / "zero.toml", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: never ends
        device = True
    except (PermissionError, OSError):
        device = False
    prog = _load_within(root)
    got = {p.path: (p.code, p.line, p.message_en) for p in prog.problems}
    assert got["pilots/tiny/pipe.toml"][0] == "not-regular-file" and "FIFO" in got["pilots/tiny/pipe.toml"][2]
    assert got["models/pipe.toml"][0] == "not-regular-file"
    assert got["units/sock.toml"][0] == "not-regular-file" and "socket" in got["units/sock.toml"][2]
    if device:
        assert got["plans/zero.toml"][0] == "not-regular-file" and "device" in got["plans/zero.toml"][2]
    assert _units(prog) == ["old:04249", "old:04252"]  # the rest still loads


@posix_only
def test_settings_file_that_is_a_fifo_is_reported(make_repo):
    root = make_repo()
    os.mkfifo(root / "nhanrong.toml")
    prog = _load_within(root)
    assert _codes(prog) == {"nhanrong.toml": "not-regular-file"}
    assert _units(prog) == ["old:04249", "old:04252"]


def test_a_folder_named_toml_is_a_warning_and_its_files_are_read(make_repo):
    root = make_repo()
    (root / "pilots" / "tiny" / "2023.toml").mkdir()
    (root / "pilots" / "tiny" / "2023.toml" / "136.toml").write_text(
        PILOT_HEAD + '[[adoption]]\nunit = "04378"\nstages.assess = 2023-02-01\n', encoding="utf-8")
    prog = load_programme(root)
    [p] = prog.problems
    assert (p.path, p.severity, p.code) == ("pilots/tiny/2023.toml", "warning", "not-a-file")
    assert p.message.startswith("đây là một thư mục")
    assert "old:04378" in _units(prog)


@posix_only
def test_links_inside_are_read_links_outside_loops_and_broken_ones_are_refused(make_repo, tmp_path):
    root = make_repo()
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(PILOT_HEAD + '[[adoption]]\nunit = "04255"\nstages.assess = 2022-01-01\n', encoding="utf-8")
    os.symlink(outside, root / "pilots" / "tiny" / "outside.toml")
    os.symlink("/etc/hostname", root / "units" / "host.toml")
    os.symlink("b.toml", root / "pilots" / "tiny" / "a.toml")
    os.symlink("a.toml", root / "pilots" / "tiny" / "b.toml")
    os.symlink("missing.toml", root / "plans" / "gone.toml")
    os.symlink("..", root / "pilots" / "tiny" / "up")  # a folder loop: not followed
    (root / "pilots" / "other").mkdir()
    (root / "pilots" / "other" / "136.toml").write_text(PILOT_HEAD + '[[adoption]]\nunit = "04378"\nstages.assess = 2022-01-01\n',
                                                        encoding="utf-8")
    os.symlink("other/136.toml", root / "pilots" / "zz-link.toml")  # inside the root: read
    prog = _load_within(root)
    got = {p.path: p.code for p in prog.problems}
    assert got["pilots/tiny/outside.toml"] == "link-outside"
    assert got["units/host.toml"] == "link-outside"
    assert got["pilots/tiny/a.toml"] == got["pilots/tiny/b.toml"] == "link-loop"
    assert got["plans/gone.toml"] == "broken-link"
    assert got["pilots/tiny/up"] == "linked-folder"
    assert got["pilots/zz-link.toml"] == "duplicate-record"  # read: its record is the same as the file's
    assert "old:04255" not in _units(prog)  # the file outside the root was never read
    msg = next(p for p in prog.problems if p.path == "pilots/tiny/outside.toml")
    assert msg.message.startswith("liên kết (symlink) dẫn ra ngoài thư mục dữ liệu") and msg.severity == "error"


@pytest.mark.parametrize("value, code, where", [
    ("[" * 500 + "]" * 500, "too-deep", (5, 408)),
    ("{ a = " * 450 + "1" + " }" * 450, "too-deep", (5, 8 + 6 * 400)),
    ("1" + "0" * 5000, "toml-syntax", (5, 8)),
])
def test_too_deep_or_too_long_is_a_located_problem(make_repo, value, code, where):
    root = make_repo({"pilots/tiny/132.toml": PILOT_HEAD + '[[adoption]]\nunit = "04249"\nnote = ' + value + "\n"})
    [p] = load_programme(root).problems
    assert (p.path, p.code, (p.line, p.column)) == ("pilots/tiny/132.toml", code, where)
    assert p.message_en and p.message != p.message_en


def test_a_key_of_too_many_parts_is_a_located_problem(make_repo):
    root = make_repo({"models/deep.toml": "name = 'x'\n\n" + ".".join(["k"] * 1200) + " = 1\n"})
    p = next(p for p in load_programme(root).problems if p.path == "models/deep.toml")
    assert (p.code, p.line) == ("too-deep", 3) and "1000" in p.message


def test_oversized_file_is_not_read(make_repo, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1000)
    root = make_repo({"pilots/tiny/big.toml": PILOT_HEAD + "# " + "x" * 2000 + "\n"})
    prog = load_programme(root)
    p = next(p for p in prog.problems if p.path == "pilots/tiny/big.toml")
    assert p.code == "too-large" and "MB" in p.message


def test_bom_is_accepted_and_utf16_is_named(make_repo):
    root = make_repo()
    path = root / "pilots" / "tiny" / "132.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    (root / "pilots" / "tiny" / "136.toml").write_bytes((PILOT_HEAD + '[[adoption]]\nunit = "04378"\n').encode("utf-16"))
    prog = load_programme(root)
    assert [(p.path, p.code, p.message_en) for p in prog.problems] == [
        ("pilots/tiny/136.toml", "encoding", "file is saved as UTF-16; save it as UTF-8")]
    assert _units(prog) == ["old:04249", "old:04252"]


def test_leftover_temp_files_are_removed_by_the_next_load(make_repo):
    root = make_repo()
    left = [root / "pilots" / "tiny" / ".132.toml.ab12cd_9.tmp", root / "units" / ".villages.toml.0123456789abcdef.nhanrong-new"]
    for p in left:
        p.write_text("half a file", encoding="utf-8")
    keep = root / "pilots" / "tiny" / ".notes.tmp"  # not a name a save uses: never touched
    keep.write_text("mine", encoding="utf-8")
    assert load_programme(root).problems == []
    assert not any(p.exists() for p in left) and keep.exists()


def test_overrides_are_read_from_memory(make_repo):
    root = make_repo()
    new = PILOT_HEAD + '[[adoption]]\nunit = "04378"\nstages.assess = 2023-02-01\n'
    prog = load_programme(root, overrides={"pilots/tiny/136.toml": new})
    assert "old:04378" in _units(prog)
    assert not (root / "pilots" / "tiny" / "136.toml").exists()


# --- bounds: nothing valid here can overflow a later stage --------------------------------------------


@pytest.mark.parametrize("date, ok", [("1990-01-01", True), ("2100-12-31", True), ("1989-12-31", False),
                                      ("0001-01-01", False), ("9999-12-31", False), ("2101-01-01", False)])
def test_dates_are_bounded(make_repo, date, ok):
    root = make_repo({"pilots/tiny/136.toml": PILOT_HEAD + f'[[adoption]]\nunit = "04378"\nstages = {{ assess = {date} }}\n'})
    prog = load_programme(root)
    assert ("old:04378" in _units(prog)) == ok
    if not ok:
        [p] = [p for p in prog.problems if p.path == "pilots/tiny/136.toml"]
        d = dt.date.fromisoformat(date)
        assert (p.code, p.line, p.column) == ("date-out-of-range", 5, 12)  # at the key
        assert p.message == (f'"adoption.stages.assess": ngày {d.day:02d}/{d.month:02d}/{d.year:04d} nằm ngoài khoảng cho phép '
                             f'01/01/1990 – 31/12/2100; kiểm tra lại năm')
        assert p.message_en.endswith(f"date {date} is outside the allowed range 1990-01-01 to 2100-12-31; check the year")
        assert _units(prog)[:2] == ["old:04249", "old:04252"]  # the other records stay


@pytest.mark.parametrize("text, where", [
    ("expected_days = 365", "expected_days = 36501"),
    ("min_days = 30", "min_days = 99999999999"),
    ('adopted_by = ["commune"]', 'adopted_by = ["commune"]\nreporting_period_days = 1_180_591_620_717_411_303_424'),
])
def test_durations_are_bounded(make_repo, text, where):
    model = TINY_MODEL.replace(text, where)
    prog = load_programme(make_repo({"models/tiny.toml": model}))
    p = next(p for p in prog.problems if p.path == "models/tiny.toml")
    assert "phải nhỏ hơn hoặc bằng 36500" in p.message and p.line > 1


def test_horizon_and_numbers_are_bounded(make_repo):
    plan = ('name = "x"\nscope = "15"\nstructure = "old"\nstart = 2023-01-01\nhorizon = 2_000_000_000\n'
            '[resources]\ntrainer_hours = inf\n')
    pilots = PILOT_HEAD + '[[adoption]]\nunit = "04249"\nreadings = [{ metric = "accounts", date = 2022-06-30, value = nan }]\n'
    prog = load_programme(make_repo({"plans/p.toml": plan, "pilots/tiny/132.toml": pilots}))
    got = {(p.path, p.line): p.message for p in prog.problems}
    assert got[("plans/p.toml", 5)] == '"horizon" phải nhỏ hơn hoặc bằng 520 (đang là 2000000000)'
    assert got[("plans/p.toml", 7)].startswith('"resources.trainer_hours" phải là một số hữu hạn')
    assert got[("pilots/tiny/132.toml", 5)].startswith('"adoption.readings.value" phải là một số hữu hạn')
    assert prog.plans == {}


def test_the_date_window_can_be_moved_within_hard_limits(monkeypatch):
    monkeypatch.setenv("NHANRONG_TEST_DATE", "2030-06-30")
    assert schema._env_date("NHANRONG_TEST_DATE", dt.date(2100, 12, 31)) == dt.date(2030, 6, 30)
    monkeypatch.setenv("NHANRONG_TEST_DATE", "9999-12-31")
    assert schema._env_date("NHANRONG_TEST_DATE", dt.date(2100, 12, 31)) == schema.DATE_HARD_MAX
    monkeypatch.setenv("NHANRONG_TEST_DATE", "ngày mai")
    with pytest.warns(UserWarning, match="không phải ngày ISO"):
        assert schema._env_date("NHANRONG_TEST_DATE", dt.date(2100, 12, 31)) == dt.date(2100, 12, 31)


# --- decomposed Vietnamese (NFD) loads as the composed names the app and the registry use ---------


@pytest.mark.parametrize("parser", ["default", "tomli"])
def test_a_file_saved_in_decomposed_unicode_loads_composed(make_repo, monkeypatch, parser):
    import unicodedata

    from nhanrong import loader

    if parser == "tomli":
        monkeypatch.setattr(loader, "_FAST", None)
    nfd = unicodedata.normalize("NFD", TINY_UNITS_NFC)
    assert nfd != TINY_UNITS_NFC  # the file really is decomposed
    prog = load_programme(make_repo({"units/villages.toml": nfd, "models/tiny.toml": unicodedata.normalize("NFD", TINY_MODEL)}))
    assert not prog.errors, [p.format("en") for p in prog.errors]
    assert prog.local_units["old:T-04249-01"].name == "Tổ dân phố Hòa Bình"
    assert prog.models["tiny"].name == "Mô hình thử"
    assert unicodedata.is_normalized("NFC", prog.models["tiny"].method.steps[0])


def test_a_decomposed_file_keeps_its_own_line_numbers(make_repo):
    import unicodedata

    broken = unicodedata.normalize("NFD", TINY_UNITS_NFC).replace('kind = "village"', 'kind = "vilage"')
    got = [p for p in load_programme(make_repo({"units/villages.toml": broken})).problems if p.path == "units/villages.toml"]
    assert got and got[0].line == 8


TINY_UNITS_NFC = """\
structure = "old"
illustrative = true

[[unit]]
code = "T-04249-01"
name = "Tổ dân phố Hòa Bình"
parent = "04249"
kind = "village"
"""
