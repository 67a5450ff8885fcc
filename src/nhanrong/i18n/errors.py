"""Exceptions the domain raises on purpose (codes "error.*"), outside editing and planning,
and the small phrases several messages share (codes "hint.*")."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "hint.did_you_mean": (' (có phải ý bạn là "{choice}"?)', ' (did you mean "{choice}"?)'),
    # TRANSITIONAL (issue 13): text written inline as a (vi, en) pair by code not yet moved to its
    # own code. Removed when every producer uses a catalogue code; test_i18n allows only this one.
    "literal": ("{vi}", "{en}"),
}
