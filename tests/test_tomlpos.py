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
