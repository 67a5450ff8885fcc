"""Key paths map to the lines people see in their editor."""

from __future__ import annotations

import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from nhanrong.tomlpos import key_positions, locate

TEXT = '''# comment
model = "x"
[[adoption]]
unit = "a"
stages = { assess = 2022-01-01, pilot = 2022-02-01 }
readings = [
  { metric = "m", date = 2022-01-01, value = 3 },
  { metric = "n", date = 2022-01-01, value = 4 },
]
[[adoption]]
unit = "b"
tags = ["p", "q"]
note = """
several
lines = not a key
"""
[adoption.extra]
k = 1
'''


def test_positions_of_tables_arrays_and_inline_tables():
    pos = key_positions(TEXT)
    assert pos[("model",)] == (2, 1)
    assert pos[("adoption", 0, "stages", "pilot")] == (5, 33)
    assert pos[("adoption", 0, "readings", 1, "value")] == (8, 38)
    assert pos[("adoption", 1, "tags", 1)] == (12, 14)
    assert pos[("adoption", 1, "extra", "k")] == (18, 1)
    assert ("adoption", 1, "lines") not in pos  # inside a multi-line string


def test_locate_falls_back_to_the_enclosing_key():
    pos = key_positions(TEXT)
    assert locate(pos, ("adoption", 0, "readings", 1, "nope")) == (8, 3)
    assert locate(pos, ("adoption", 5)) == (3, 1)
    assert locate(pos, ("missing",)) == (0, 0)


keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
scalars = st.integers(-1000, 1000) | st.text(max_size=8) | st.booleans()


@settings(max_examples=80, deadline=None)
@given(doc=st.dictionaries(keys, scalars | st.dictionaries(keys, scalars, max_size=4), min_size=1, max_size=6))
def test_every_key_written_by_tomlkit_is_found_on_its_line(doc):
    text = tomlkit.dumps(doc)
    lines = text.splitlines()
    pos = key_positions(text)
    for key, value in doc.items():
        if isinstance(value, dict):
            for sub in value:
                line, col = pos[(key, sub)]
                assert lines[line - 1][col - 1 :].startswith(sub)
        else:
            line, col = pos[(key,)]
            assert lines[line - 1][col - 1 :].startswith(key)


# --- hostile text: positions are found in linear time, deep input is located -----------------------

import time  # noqa: E402

from nhanrong.tomlpos import deepest_nesting, longest_key  # noqa: E402


def _timed(text: str) -> tuple[dict, float]:
    t0 = time.perf_counter()
    pos = key_positions(text)
    return pos, time.perf_counter() - t0


def test_long_lines_are_scanned_in_linear_time():
    """A 400 kB number in an inline table, or 40,000 array elements on one line: scanned once.
    The old scan re-matched from every character (quadratic: minutes at this size)."""
    small_num, t_small = _timed("a = { b = " + "9" * 4_000 + " }\n")
    big_num, t_big = _timed("a = { b = " + "9" * 400_000 + " }\n")
    assert big_num[("a", "b")] == (1, 7)
    many, t_many = _timed("a = [" + ", ".join(str(i) for i in range(40_000)) + "]\nz = 1\n")
    assert many[("a", 39_999)][0] == 1 and many[("z",)] == (2, 1)
    assert t_big < 2.0 and t_many < 2.0
    assert t_big < max(t_small, 1e-3) * 1000  # 100 times the text: far from 10,000 times the time


def test_deepest_nesting_and_longest_key_point_at_the_line():
    text = 'a = 1\nb = "[[[[ in a string"  # [[[[ in a comment\nc = [[[[[1]]]]]\n'
    assert deepest_nesting(text, 3) == (3, 8)  # the 4th "[" of line 3
    assert deepest_nesting(text, 99) == (3, 9)  # not exceeded: the deepest point
    assert longest_key("x = 1\na.b.c.d = 2\ny.z = 3\n") == (2, 1)


def test_one_key_grammar_for_positions_and_editing():
    """Issue 13: tomlpos and the editor (tomlwrite) split keys the same way, escapes included; a key
    tomli refuses (a broken file) is still split for a position."""
    from nhanrong.editing import tomlwrite
    from nhanrong.tomlpos import split_key

    assert tomlwrite.split_dotted is split_key
    assert split_key('a."b c".d') == ("a", "b c", "d")
    assert split_key(' stages . assess ') == ("stages", "assess")
    assert split_key('"x\\u00e9y".\'lit.eral\'') == ("xéy", "lit.eral")
    assert split_key('"unterminated.b')  # no exception: split by hand
    pos = key_positions('[ "tên đơn vị" ]\n"mã \\"x\\"" = 1\n')
    assert pos[("tên đơn vị", 'mã "x"')] == (2, 1)
