"""Errors the domain raises on purpose carry a catalogue code and raw parameters (issue 13):
rendered in the reader's language, never a "vi / en" string to split."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from nhanrong.errors import NhanRongError
from nhanrong.formats import DateParseError, parse_date
from nhanrong.i18n import STRINGS
from nhanrong.schema import Metric, MetricThreshold, Requirement, SchemaRuleError


@pytest.mark.parametrize("text, code, params, vi, en", [
    ("31-2022", "error.date_format", {}, "Không đọc được ngày «31-2022»: gõ theo dạng ngày/tháng/năm",
     "Cannot read the date «31-2022»: type year-month-day"),
    ("31/09/2022", "error.date_no_day", {"month": 9, "year": 2022, "days": 30},
     "Không có ngày 31/09/2022: tháng 9/2022 chỉ có 30 ngày", "There is no 31/09/2022: 9/2022 has only 30 days"),
    ("29/02/2023", "error.date_no_day", {"month": 2, "year": 2023, "days": 28},
     "Không có ngày 29/02/2023: tháng 2/2023 chỉ có 28 ngày", "There is no 29/02/2023: 2/2023 has only 28 days"),
    ("01/13/2022", "error.date_no_month", {}, "Không có ngày 01/13/2022: một năm chỉ có 12 tháng",
     "There is no 01/13/2022: a year has only 12 months"),
])
def test_a_date_that_cannot_be_read_says_why(text, code, params, vi, en):
    with pytest.raises(DateParseError) as err:
        parse_date(text)
    assert err.value.code == code and err.value.params == {"text": text, **params}
    assert err.value.render("vi").startswith(vi) and err.value.render("en").startswith(en)
    assert err.value.message.as_dict()["code"] == code
    assert parse_date("1/9/2022") == dt.date(2022, 9, 1)


@pytest.mark.parametrize("make, code", [
    (lambda: MetricThreshold(metric="x"), "error.schema.gate_bound"),
    (lambda: Requirement(model="a", where="below"), "error.schema.below_needs_kind"),
    (lambda: Requirement(model="a", where="same", kind="village"), "error.schema.below_only"),
    (lambda: Metric(id="a", name="A", unit="%", rollup="ratio"), "error.schema.ratio_parts"),
    (lambda: Metric(id="a", name="A", unit="%", rollup="sum", numerator="b"), "error.schema.ratio_only"),
])
def test_a_file_format_rule_is_a_coded_error_inside_pydantics(make, code):
    # pydantic reports it as a value_error whose ctx holds the error: the loader renders its code
    with pytest.raises(ValidationError) as exc:
        make()
    err = exc.value.errors(include_url=False)[0]
    assert err["type"] == "value_error"
    rule = err["ctx"]["error"]
    assert isinstance(rule, SchemaRuleError) and isinstance(rule, NhanRongError) and rule.code == code
    assert rule.text("vi") != rule.text("en") and code in STRINGS


def test_a_domain_error_survives_pickling_with_its_code():
    # the app caches a broken boundaries file's error (st.cache_data pickles it)
    import pickle

    from nhanrong.maps import BoundariesError

    err = BoundariesError("error.boundaries.not_collection", name="units/boundaries.geojson")
    back = pickle.loads(pickle.dumps(err))
    assert back.code == err.code and back.text("en") == err.text("en") != err.text("vi")


MOVED = ["formats", "schema", "maps", "status", "programme", "units", "spread", "registry", "graph", "charts",
         "targets", "kinds", "cli"]
"""Modules whose errors all carry catalogue codes (issue 13); the lead adds the others as they move."""
BUILTIN = {"ValueError", "KeyError", "TypeError", "RuntimeError", "OSError", "DateParseError"}


@pytest.mark.parametrize("name", MOVED)
def test_no_error_is_raised_with_inline_words(name):
    """A domain error is raised with a code ("error.unknown_model", model=...), never with text
    written in place (an f-string, a "vi / en" pair): that text could not be shown in English."""
    import ast
    from pathlib import Path

    import nhanrong

    path = Path(nhanrong.__file__).parent / f"{name}.py"
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if not func.endswith("Error") or func in BUILTIN:
            continue
        first = node.args[0]
        if isinstance(first, ast.JoinedStr) or len(node.args) > 1 or (
                isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value not in STRINGS):
            bad.append(f"{func} at line {node.lineno}")
    assert bad == []
