"""Gap messages and actions (codes "gap.*"), rendered only for the rows shown."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
