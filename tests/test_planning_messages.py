"""Every forecast reason and planner error speaks from the catalogue: a "plan.*" code, rendered in both
languages with every placeholder filled, never the transitional "literal" code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from nhanrong.errors import NhanRongError
from nhanrong.i18n import Message
from nhanrong.i18n import planning as plan_catalogue
from nhanrong.planning.forecast import evaluate_targets, run_plan
from nhanrong.planning.instance import MAX_PERIODS, ModelSpec, TargetSpec, check_periods, make_adopted, make_units
from nhanrong.planning.labels import NOT_REACHED, PERIOD_COUNTS, PERIODS, POOLS, ROLES, RULES, period_msg
from nhanrong.planning.optimise import Proof
from nhanrong.planning.variants import parse_variant
from planning_cases import DAYS, START, TINY_PLAN, one_model, passed, province, two_models

BUNDLED = Path(__file__).resolve().parents[1]
LEFTOVER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(:[^}]*)?\}")


def codes(m: Message) -> list[str]:
    """The message's code and the codes of every message nested in its parameters."""
    out = [m.key]
    for v in m.params.values():
        for x in (v if isinstance(v, (list, tuple)) else [v]):
            if isinstance(x, Message):
                out += codes(x)
    return out


def assert_speaks(m: Message, prefix: str = "plan.") -> None:
    assert m.key.startswith(prefix), m.key
    assert "literal" not in codes(m), codes(m)
    vi, en = m.text("vi"), m.text("en")
    assert vi and en and vi != en, (vi, en)
    for text in (vi, en):
        assert not LEFTOVER.search(text), text
    json.dumps(m.as_dict(), ensure_ascii=False)  # params are JSON-ready


def _results(inst, **kw):
    return evaluate_targets(run_plan(inst, learn=False), **kw)


def _cases():
    """Instances whose targets end with each kind of reason."""
    several = one_model(trainers=2, target_date=dt.date(2023, 6, 30))
    several = dataclasses.replace(several, models={"a": dataclasses.replace(several.models["a"],
                                                                            needs={"trainers": 1.0, "budget_vnd": 1e6})},
                                  capacity={"trainers": (2.0,) * 4, "budget_vnd": (2e6,) * 4})
    units = make_units(province({"D1": 3, "D2": 3}))
    pilot = dataclasses.replace(one_model(target_date=dt.date(2023, 3, 31)), units=units, capacity={},
                                adopted=make_adopted([passed("D1C00", "a")], units, START))
    school = one_model()
    school = dataclasses.replace(school, models={**school.models, "s": ModelSpec("s", "Trường", ("school",), {}, DAYS)},
                                 targets=(TargetSpec("s", 0.5, dt.date(2023, 12, 31)),))
    return {
        "resource": (one_model(trainers=2, target_date=dt.date(2023, 6, 30)), "plan.reason.short_of_pool"),
        "several pools": (several, "plan.reason.short_of_pools"),
        "prerequisite": (dataclasses.replace(two_models(trainers=100), planned=("xa",),
                                             targets=(TargetSpec("xa", 1.0, dt.date(2023, 12, 31)),)),
                         "plan.reason.prerequisite"),
        "pilot": (pilot, "plan.reason.pilot"),
        "time": (dataclasses.replace(one_model(target_date=dt.date(2023, 1, 15)), capacity={}), "plan.reason.time"),
        "no units": (school, "plan.reason.no_units"),
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_every_forecast_reason_renders_in_both_languages(case):
    inst, code = _cases()[case]
    (r,) = _results(inst)
    assert not r.met and r.msg.key == code
    assert_speaks(r.msg)
    assert (r.message_vi, r.message_en) == (r.text("vi"), r.text("en"))  # what the planner page reads


def test_a_met_target_has_the_empty_message():
    (r,) = _results(one_model(trainers=5))
    assert r.met and r.msg == Message("") and r.message_vi == r.message_en == ""


def test_prerequisite_below_and_the_other_resource_reasons_render():
    from nhanrong.i18n import msg
    from nhanrong.planning.labels import and_list, kind_word, model_word

    when = msg("plan.reason.unlimited_met", day=dt.date(2024, 3, 31))
    below = msg("plan.reason.prerequisite_below", model=model_word("team", "Tổ công nghệ", "Tech team"), share=0.8,
                kinds=kind_word("village"), n=3, units=kind_word("commune"), not_reached=NOT_REACHED.msg("assess"),
                outside=msg("plan.reason.not_in_plan"), when=when)
    assert below.text("vi") == "Tổ công nghệ ở 80% thôn, tổ dân phố của 3 xã chưa triển khai (mô hình này không nằm trong kế hoạch); " \
                               "dù đủ nguồn lực, sớm nhất đạt vào 31/03/2024"
    assert below.text("en").startswith("Tech team: not started in 80% of the villages of 3 communes (that model")
    earliest = msg("plan.reason.beyond_search")
    for m in (below,
              msg("plan.reason.short_of_several", earliest=earliest),
              msg("plan.reason.scale_all", share=0.5, period=PERIODS.msg("month"), earliest=earliest),
              msg("plan.reason.short_of_pools", amounts=and_list([msg("plan.amount", amount=2.5, pool=POOLS.msg(p))
                                                                 for p in ("devices", "people", "budget_vnd")]),
                  period=PERIODS.msg("week"), start=period_msg(START, "week"), earliest=earliest)):
        assert_speaks(m)
    assert "2,5 thiết bị và 2,5 người và 2,5 đồng mỗi tuần từ tuần 52/2022" in m.text("vi")
    assert "2.5 devices and 2.5 people and 2.5 VND per week from W52/2022" in m.text("en")


@pytest.mark.parametrize("name", ["lao-cai-2026", "yen-bai-2023-xa-so"])
def test_the_bundled_plans_speak_from_the_catalogue(name):
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme
    from nhanrong.planning.adapter import build_instance

    if not (BUNDLED / "plans" / f"{name}.toml").exists():
        pytest.skip("example plan not bundled")
    prog = load_programme(BUNDLED)
    inst, notes = build_instance(build_graph(prog), prog.plans[name])
    for note in notes:
        assert_speaks(note)
    for r in evaluate_targets(run_plan(inst)):
        if not r.met:
            assert_speaks(r.msg)


def test_labels_of_every_planner_value_exist_in_both_languages():
    for table in (POOLS, NOT_REACHED, ROLES, RULES, PERIODS, PERIOD_COUNTS):
        for value in table:
            assert table.code(value) in plan_catalogue.STRINGS, (table.prefix, value)
            vi, en = table.text(value, "vi"), table.text(value, "en")
            assert vi and en
    assert POOLS.text("gạo", "en") == "gạo"  # a pool the plan names itself is shown as written
    # The stage not reached "assess" is the stage label of not started, in running text.
    from nhanrong.i18n import label

    assert NOT_REACHED.text("assess") == label("stage", "not_started").lower()
    assert NOT_REACHED.text("assess", "en") == label("stage", "not_started", "en").lower()


@pytest.mark.parametrize("period, day, vi, en", [
    ("quarter", dt.date(2023, 5, 1), "quý II/2023", "Q2 2023"),
    ("month", dt.date(2023, 3, 5), "tháng 3/2023", "03/2023"),
    ("week", dt.date(2023, 2, 1), "tuần 5/2023", "W05/2023"),
])
def test_period_labels(period, day, vi, en):
    from nhanrong.planning.instance import period_label

    assert (period_label(day, period, "vi"), period_label(day, period, "en")) == (vi, en)


def _plan_errors(make_repo) -> list[NhanRongError]:
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme
    from nhanrong.planning.adapter import build_instance, check_horizon

    root = make_repo({"plans/thu.toml": TINY_PLAN})
    prog = load_programme(root)
    pg = build_graph(prog)
    plan = prog.plans["thu"]
    errors = []

    def catch(fn, *a, **kw):
        with pytest.raises(NhanRongError) as exc:
            fn(*a, **kw)
        errors.append(exc.value)

    catch(build_instance, pg, plan.model_copy(update={"scope": "99999"}))
    catch(build_instance, pg, plan.model_copy(update={"models": ["tinyy"]}))
    target = plan.targets[0].model_copy(update={"scope": "99999"})
    catch(build_instance, pg, plan.model_copy(update={"targets": [target]}))
    far = plan.targets[0].model_copy(update={"date": dt.date(9999, 1, 1)})
    catch(build_instance, pg, plan.model_copy(update={"targets": [far]}))
    prio = plan.priorities.model_copy(update={"rule": "explicit", "units_first": ["99999"]})
    catch(build_instance, pg, plan.model_copy(update={"priorities": prio}))
    catch(check_horizon, plan.model_copy(update={"horizon": 0}))
    catch(check_periods, MAX_PERIODS + 1, "month")
    catch(parse_variant, "trainer_hours=200")
    return errors


def test_every_planner_error_renders_in_both_languages(make_repo):
    errors = _plan_errors(make_repo)
    assert [e.code for e in errors] == [
        "plan.scope_not_in_structure", "plan.unknown_model", "plan.target_outside_scope", "plan.target_too_far",
        "plan.priority_unit_outside", "plan.bad_horizon", "plan.too_many_periods", "plan.bad_variant"]
    for e in errors:
        assert_speaks(e.message)
        assert str(e) == e.text("vi")
        assert e.as_dict()["code"] == e.code
    assert 'có phải ý bạn là "tiny"' in errors[1].text("vi")
    assert f"cần {MAX_PERIODS + 1} tháng" in errors[6].text("vi") and f"needs {MAX_PERIODS + 1} months" in errors[6].text("en")


@pytest.mark.parametrize("status", ["not-installed", "too-big", "no-solution", "optimal", "improved", "no-better"])
def test_optimise_messages(status):
    bound = None if status in ("not-installed", "too-big", "no-solution") else 1.2345
    p = Proof("greedy", status, 1.25, 1.2375, bound, status == "optimal", 3.25, 30.0, 300_000)
    assert_speaks(p.msg)
    assert p.message("en") == p.msg.text("en")
    if status == "too-big":
        assert "300.000 biến > 250.000" in p.message("vi") and "300,000 variables > 250,000" in p.message("en")
    if bound is not None:
        assert "mục tiêu 1,2375, cận dưới 1,2345" in p.message("vi") and "(kế hoạch tham lam: 1,2500, 3,2 giây)" in p.message("vi")
        assert "objective 1.2375, best bound 1.2345" in p.message("en")


def test_cli_errors_and_json_carry_codes(make_repo, capsys):
    from nhanrong.cli import main

    root = make_repo({"plans/thu.toml": TINY_PLAN.split("[[targets]]")[0]})
    assert main(["plan", str(root / "plans" / "thu.toml"), "--format", "json", "--no-schedule"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [n["code"] for n in doc["notes"]] == ["plan.target_skipped"]
    assert doc["notes"][0]["params"]["model"] == "tiny" and doc["notes"][0]["message_en"].startswith("skipped target")
    root = make_repo({"plans/thu.toml": TINY_PLAN})
    assert main(["plan", str(root / "plans" / "thu.toml"), "--format", "json", "--no-schedule"]) == 0
    t = json.loads(capsys.readouterr().out)["targets"][0]
    assert t["message_code"] == "plan.reason.short_of_pool" and t["params"]["amount"] == 4.0
    assert t["params"]["pool"] == {"code": "plan.pool.trainer_hours", "params": {}}
    assert t["message"].startswith("thiếu 4 giờ giảng viên") and t["message_en"].startswith("short of 4 trainer-hours")
    assert main(["--lang", "en", "plan", str(root / "plans" / "thu.toml"), "--no-schedule", "--no-search"]) == 0
    out = capsys.readouterr().out
    assert "Plan: Thử (old:132), from 2023-01-01, 4 quarters" in out and "Scheduled " in out
    assert "Kế hoạch" not in out and "Không đạt" not in out and "not met" in out


def test_the_planner_chooses_no_words_by_language_itself():
    """No inline "vi / en" strings, no split on " / ", no `lang == "en"` choosing words: the catalogue does."""
    import nhanrong

    src = Path(nhanrong.__file__).resolve().parent
    files = [p for p in (src / "planning").glob("*.py") if p.name != "planfile.py"] + [src / "commands" / "plan.py"]
    allowed = {("labels.py", 'return self.words[1] if lang == "en" else self.words[0]'),  # the data's own words
               ("export.py", 'return "YYYY-MM-DD" if lang == "en" else "DD/MM/YYYY"')}  # Excel's date pattern
    bad = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#")[0].strip()
            if (path.name, code) in allowed or code.startswith(('"""', "``")):
                continue
            if re.search(r'lang [!=]= "(en|vi)"|"vi" if|split\(" / "\)|[^\w]/ [A-Z][a-z]+ ', code) or '"literal"' in code:
                bad.append(f"{path.name}: {code}")
    assert bad == []
