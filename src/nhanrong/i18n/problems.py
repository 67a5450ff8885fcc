"""Validation problems the loader reports (codes "problem.*"): one file, line and what to do."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
