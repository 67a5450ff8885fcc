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
         'pilots/tiny/133.toml:5:12: error: "adoption.stages.pilot": Input should be a valid date or datetime, input is too short (got \'1/4/2022\')'),
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
         ['models/tiny.toml:31:1: error: "metrics": Value error, a metric with rollup = "ratio" needs numerator and denominator']),
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
    assert problems(root) == ["pilots/tiny/bad.toml:0:0: error: file is not UTF-8 (byte 41); save it as UTF-8"]


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
