"""The planner's messages and labels (codes "plan.*", and the page's "planner.*" live in ui)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
