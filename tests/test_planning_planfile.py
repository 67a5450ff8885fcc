import datetime as dt

import pytest
import tomli

from nhanrong.editing.safewrite import read_snapshot
from nhanrong.planning.planfile import PlanWriteError, edited_plan, plan_toml
from nhanrong.schema import PlanFile

TEXT = """\
# Kế hoạch thử: chú thích phải còn sau khi sửa.
name = "Thử"
scope = "132"
structure = "old"
start = 2023-01-01
period = "quarter"
horizon = 4                  # bốn quý
models = ["tiny"]

[resources]
trainer_hours = 8            # hai giảng viên
budget_vnd = 4_000_000

[[targets]]
model = "tiny"
coverage = 1.0
date = 2023-12-31
"""


def _plan(text=TEXT) -> PlanFile:
    return PlanFile.model_validate(tomli.loads(text))


def test_unchanged_plan_gives_the_same_text():
    assert plan_toml(TEXT, _plan()) == TEXT


def test_changed_numbers_keep_comments_and_untouched_values():
    plan = edited_plan(_plan(), horizon=6, resources={"trainer_hours": 12.0, "budget_vnd": 4e6})
    out = plan_toml(TEXT, plan)
    assert "# Kế hoạch thử: chú thích phải còn sau khi sửa." in out
    assert "horizon = 6" in out and "# bốn quý" in out
    assert "trainer_hours = 12" in out and "# hai giảng viên" in out
    assert "budget_vnd = 4_000_000" in out  # not changed: written as it was
    assert _plan(out) == plan


def test_targets_and_rule_are_rewritten():
    plan = edited_plan(_plan(), targets=[{"model": "tiny", "coverage": 0.5, "date": dt.date(2024, 6, 30)}],
                       priorities={"rule": "every-area"}, pilot_first=False)
    out = plan_toml(TEXT, plan)
    again = _plan(out)
    assert again.targets[0].coverage == 0.5 and again.priorities.rule == "every-area" and again.pilot_first is False


def test_invalid_edit_is_refused():
    with pytest.raises(PlanWriteError, match="horizon"):
        edited_plan(_plan(), horizon=0)


def test_save_goes_through_the_one_write_path_and_refuses_a_stale_file(make_repo):
    """Issue 13: a plan is written only by nhanrong.editing.plans.save_plan_text (validated, conflict-checked,
    journalled, committed in git); planfile only renders the text."""
    import nhanrong.planning.planfile as planfile
    from nhanrong.editing.errors import ChangeRefusedError, StaleFileError
    from nhanrong.editing.plans import save_plan_text

    assert not hasattr(planfile, "save_plan")  # the second route (a direct atomic write) is gone
    root = make_repo({"plans/thu.toml": TEXT})
    path = root / "plans" / "thu.toml"
    snap = read_snapshot(path)
    plan = edited_plan(_plan(), horizon=5)
    save_plan_text(root, "plans/thu.toml", plan_toml(TEXT, plan), expected=snap.digest)
    assert _plan(path.read_text(encoding="utf-8")).horizon == 5
    with pytest.raises(StaleFileError) as err:  # the digest read before the first save
        save_plan_text(root, "plans/thu.toml", plan_toml(TEXT, edited_plan(plan, horizon=7)), expected=snap.digest)
    assert err.value.code == "edit.stale_file" and "changed on disk" in err.value.text("en")
    assert _plan(path.read_text(encoding="utf-8")).horizon == 5
    now = read_snapshot(path)
    bad = path.read_text(encoding="utf-8").replace('models = ["tiny"]', 'models = ["khong-co"]')
    with pytest.raises(ChangeRefusedError) as err:  # the data validated with the new text: a new error refuses it
        save_plan_text(root, "plans/thu.toml", bad, expected=now.digest)
    assert all(r.key == "edit.refused_problem" for r in err.value.reasons)
    assert "plans/thu.toml" in err.value.text("vi") and _plan(path.read_text(encoding="utf-8")).horizon == 5
    assert PlanWriteError.__doc__


def test_plan_errors_carry_codes_in_both_languages():
    with pytest.raises(PlanWriteError) as err:
        edited_plan(_plan(), horizon=0)
    assert err.value.code == "edit.plan_invalid_at"
    assert err.value.text("vi").startswith("Kế hoạch sau khi sửa không hợp lệ (horizon")
    assert err.value.text("en").startswith("The edited plan is not valid (horizon")
    assert " / " not in err.value.text("vi")
