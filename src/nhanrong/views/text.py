"""Text for markdown: data shown inside markdown is text, never markup."""

from __future__ import annotations

from ..textfold import nfc

_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$"


def md_escape(text: str) -> str:
    """Data shown inside markdown is text, never markup (no links, emphasis or HTML); composed (NFC)."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in nfc(text))
