"""Kinds of unit and the words for them: the built-in ones, and those a repository declares.

The administrative kinds (province, district, commune) are the register's. Below the commune,
every province has its own units and its own words: Yên Bái says "thôn, bản, tổ dân phố", a
southern province "ấp, khu phố"; a repository may track markets, cooperatives or health
stations. It declares them in ``nhanrong.toml``::

    [kinds.village]
    name = "thôn, bản, tổ dân phố"
    name_en = "village"

    [kinds.market]
    name = "chợ"
    name_en = "market"
    parents = ["commune"]

Every face (app, CLI, brief, planner) names kinds through :func:`kind_label`.
"""

from __future__ import annotations

from typing import Mapping

from .i18n import KIND_LABELS, KIND_PLURAL_EN
from .schema import ADMIN_KINDS, LOCAL_KINDS, KindSpec


def known_kinds(declared: Mapping[str, KindSpec] | None = None) -> tuple[str, ...]:
    """Every kind a file may use: the register's, the built-in local ones, then the declared ones."""
    extra = [k for k in (declared or {}) if k not in ADMIN_KINDS and k not in LOCAL_KINDS]
    return (*ADMIN_KINDS, *LOCAL_KINDS, *extra)


def kind_label(kind: str, lang: str = "vi", declared: Mapping[str, KindSpec] | None = None, *,
               plural: bool = False) -> str:
    """The word for a kind in ``lang``: the repository's own words first, then the built-in ones,
    else the kind id itself. Vietnamese has no plural; English adds one when asked."""
    spec = (declared or {}).get(kind)
    if spec is not None:
        if lang == "en":
            word = spec.name_en or kind.replace("-", " ")
            return _plural(word) if plural and not spec.name_en.endswith("s") else word
        return spec.name
    pair = KIND_LABELS.get(kind)
    if pair is None:
        word = kind.replace("-", " ")
        return _plural(word) if plural and lang == "en" else word
    if lang == "en":
        return KIND_PLURAL_EN.get(kind, pair[1]) if plural else pair[1]
    return pair[0]


def _plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


__all__ = ["known_kinds", "kind_label"]
