"""Line-level TOML edits: values rendered as people write them, every other line kept byte for byte."""

from __future__ import annotations

import datetime as dt

import pytest
import tomli
from hypothesis import given, strategies as st

from nhanrong.editing.errors import UnsupportedLayoutError
from nhanrong.editing.tomlwrite import TomlText, comment_start, render, render_inline, render_string, scan

DOC = """\
# đầu tệp
model = "tiny"
structure = "old"  # cấu trúc

[[adoption]]
unit = "A"
stages = { assess = 2022-01-10 }
readings = [
  { metric = "m", date = 2022-01-31, value = 1 },  # tháng 1
  { metric = "m", date = 2022-03-31, value = 3 }
]
note = \"\"\"nhiều
[dòng] không phải tiêu đề\"\"\"

# chú thích của B
[[adoption]]
unit = "B"
"""


@given(st.text())
def test_render_string_round_trips_any_text(s: str) -> None:
    import unicodedata

    assert tomli.loads(f"x = {render_string(s)}")["x"] == unicodedata.normalize("NFC", s)


@pytest.mark.parametrize("value, text", [
    (120.0, "120"), (43.8, "43.8"), (7, "7"), (True, "true"), (dt.date(2022, 12, 31), "2022-12-31"),
    ("Xã Âu Lâu", '"Xã Âu Lâu"'), ({"a": 1, "b c": "x"}, '{ a = 1, "b c" = "x" }'),
])
def test_render(value, text: str) -> None:
    assert render(value) == text


def test_render_inline_unspaced() -> None:
    assert render_inline({"a": 1}, spaced=False) == "{a = 1}"
    assert render_inline({}) == "{}"


def test_render_refuses_nan() -> None:
    with pytest.raises(ValueError):
        render(float("nan"))


def test_comment_start_ignores_hash_in_strings() -> None:
    line = 'note = "số #1" # thật'
    assert comment_start(line) == line.index("# thật")
    assert comment_start('a = "x"') == -1


def test_scan_finds_blocks_and_multiline_values() -> None:
    blocks = scan(DOC.splitlines(keepends=True))
    assert [b.name for b in blocks] == [(), ("adoption",), ("adoption",)]
    a = blocks[1]
    assert [e.key for e in a.keys] == [("unit",), ("stages",), ("readings",), ("note",)]
    readings = a.get(("readings",))
    assert (readings.start, readings.end) == (7, 11)
    assert a.get(("note",)).end - a.get(("note",)).start == 2  # the "[dòng]" line is not a header


def test_replace_value_keeps_comment_and_other_lines() -> None:
    tt = TomlText(DOC)
    top = tt.block(())
    tt.replace_value(top.get(("structure",)), render("new"))
    lines_a, lines_b = DOC.splitlines(), tt.text.splitlines()
    assert [i for i, (x, y) in enumerate(zip(lines_a, lines_b)) if x != y] == [2]
    assert lines_b[2] == 'structure = "new"  # cấu trúc'


def test_upsert_item_inserts_sorted_and_adds_missing_comma() -> None:
    tt = TomlText(DOC)
    blk = tt.block(("adoption",), 0)
    same = lambda x: (x["metric"], x["date"]) == ("m", dt.date(2022, 4, 30))
    key = lambda x: (str(x["date"]), x["metric"])
    tt.upsert_item(blk, ("readings",), {"metric": "m", "date": dt.date(2022, 4, 30), "value": 4}, same=same, sort_key=key)
    assert '  { metric = "m", date = 2022-03-31, value = 3 },\n  { metric = "m", date = 2022-04-30, value = 4 },\n]' in tt.text
    blk = tt.block(("adoption",), 0)
    tt.upsert_item(blk, ("readings",), {"metric": "m", "date": dt.date(2022, 2, 28), "value": 2},
                   same=lambda x: False, sort_key=key)
    data = tomli.loads(tt.text)
    assert [r["value"] for r in data["adoption"][0]["readings"]] == [1, 2, 3, 4]
    assert "},  # tháng 1\n" in tt.text


def test_upsert_item_rewrites_one_line_array() -> None:
    tt = TomlText('[[adoption]]\nunit = "A"\nreadings = [{ metric = "m", date = 2022-01-31, value = 1 }]  # cũ\n')
    blk = tt.block(("adoption",), 0)
    tt.upsert_item(blk, ("readings",), {"metric": "m", "date": dt.date(2022, 2, 28), "value": 2},
                   same=lambda x: False, sort_key=lambda x: str(x["date"]))
    assert tt.text == ('[[adoption]]\nunit = "A"\nreadings = [  # cũ\n'
                       '  { metric = "m", date = 2022-01-31, value = 1 },\n'
                       '  { metric = "m", date = 2022-02-28, value = 2 },\n]\n')


def test_insert_block_keeps_comments_with_following_record() -> None:
    tt = TomlText(DOC)
    tt.insert_block(("adoption",), ['unit = "AB"\n'], before=1)
    text = tt.text
    assert text.index('unit = "AB"') < text.index("# chú thích của B") < text.index('unit = "B"')
    assert [a["unit"] for a in tomli.loads(text)["adoption"]] == ["A", "AB", "B"]
    tt.insert_block(("adoption",), ['unit = "C"\n'], before=None)
    assert tt.text.endswith('unit = "B"\n\n[[adoption]]\nunit = "C"\n')


def test_file_without_final_newline() -> None:
    tt = TomlText('x = 1')
    tt.set_key(tt.block(()), ("y",), "2")
    assert tomli.loads(tt.text) == {"x": 1, "y": 2}


def test_crlf_files_stay_crlf() -> None:
    tt = TomlText('a = 1\r\n[[t]]\r\nb = 2\r\n')
    tt.set_key(tt.block(("t",), 0), ("c",), "3")
    assert tt.text == 'a = 1\r\n[[t]]\r\nb = 2\r\nc = 3\r\n'


def test_unreadable_layout_is_refused() -> None:
    tt = TomlText('[[adoption]]\nunit = "A"\nreadings = [\n  { metric = "m", date = 2022-01-31,\n    value = 1 },\n]\n')
    with pytest.raises(UnsupportedLayoutError, match="sửa bằng tay"):
        tt.upsert_item(tt.block(("adoption",), 0), ("readings",), {"metric": "m"}, same=lambda x: False, sort_key=str)


def test_written_text_is_nfc_whatever_form_was_typed():
    import unicodedata

    typed = unicodedata.normalize("NFD", "Thôn Khe Bành, Đào Thịnh")
    assert typed != "Thôn Khe Bành, Đào Thịnh"
    assert render_string(typed) == '"Thôn Khe Bành, Đào Thịnh"'
