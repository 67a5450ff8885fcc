"""Why a change could not be written, and what editing reports (codes "edit.*")."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
