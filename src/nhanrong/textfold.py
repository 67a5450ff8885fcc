"""One way to compare Vietnamese text: what every search box and picker of the app uses.

A planner types "van yen" for "Huyện Văn Yên", pastes a name copied from a PDF in decomposed
Unicode (NFD: "e" + U+0302 + U+0301 instead of "ế"), or writes the old tone placement ("Hoà",
"thuỷ") where the register writes the new one ("Hòa", "thủy"). All of them must find the unit.

:func:`fold` maps a text to its search form: NFC first (so decomposed and composed input agree),
then every diacritic removed (tone marks, and the hat, breve and horn of â ă ê ô ơ ư), đ → d
(and the look-alike Ð/ð some old files carry), case folded, runs of spaces made one. Removing the
tone mark also removes the question of where it sits, so "Hoà" and "Hòa" fold alike ("hoa").

:func:`nfc` is for text shown on screen: the composed form, which every font renders well and
every comparison of equal strings expects.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

# Letters that carry their stroke in the base character: NFD does not decompose them.
_STROKES = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_SPACES = re.compile(r"\s+")


def nfc(text: object) -> str:
    """The composed (NFC) form of ``text`` ("" for None): what the app shows."""
    return "" if text is None else unicodedata.normalize("NFC", str(text))


def nfc_tree(data: object) -> object:
    """``data`` (parsed TOML: dicts, lists, scalars) with every string and key in NFC.

    A file saved by an editor that writes decomposed Vietnamese (macOS, some IMEs) must load as the
    same names and ids as a composed one: "Hòa" typed either way is one commune, one model name.
    """
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    if isinstance(data, dict):
        return {unicodedata.normalize("NFC", k) if isinstance(k, str) else k: nfc_tree(v) for k, v in data.items()}
    if isinstance(data, list):
        return [nfc_tree(v) for v in data]
    return data


def fold(text: object) -> str:
    """The search form of ``text``: no diacritics, đ → d, case folded, single spaces.

    >>> fold("Huyện  Văn Yên")
    'huyen van yen'
    >>> fold("Hoà") == fold("Hòa") == fold("HOA") == "hoa"
    True
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFD", str(text).casefold().translate(_STROKES))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return _SPACES.sub(" ", s).strip()


def compact(text: object) -> str:
    """The folded text with letters and digits only: "Xã Minh Quân" -> "xaminhquan" (for keys)."""
    return "".join(c for c in fold(text) if c.isalnum())


def slug(text: object, sep: str = "-") -> str:
    """The folded text as ASCII words joined by ``sep``: "Nguyễn Văn Đức" -> "nguyen-van-duc"."""
    return re.sub(r"[^a-z0-9]+", sep, fold(text)).strip(sep)


def terms(query: object) -> list[str]:
    """The folded words of a query, in order ("Văn  yên" -> ["van", "yen"])."""
    return fold(query).split()


@lru_cache(maxsize=256)
def _start(word: str) -> re.Pattern:
    """A folded query word at the start of a word of the text: "yen" finds "yen bai", not "huyen"."""
    return re.compile(r"(?<!\w)" + re.escape(word))


def _hit(words: list[str], fields) -> bool:
    for f in fields:
        if f is None:
            continue
        text = fold(f)
        if all(_start(w).search(text) for w in words):
            return True
    return False


def matches(query: object, *fields: object) -> bool:
    """True when one of the ``fields`` holds every word of ``query``, each at the start of one of its
    words (an empty query matches everything): "van yen", "yên văn", "VĂN YÊN" and "van y" all find
    "Huyện Văn Yên"; "yen" does not find "Huyện Văn Chấn" through "huyện". The words must meet in one
    field: "phuong yen bai" finds the units of Phường Yên Bái, not a school named "Yên Bái" in another
    ward. A code is a word too: "0437" finds "04375" and "S-04375-04"."""
    words = terms(query)
    return not words or _hit(words, fields)


def filter_options(options: Iterable, query: object, text) -> list:
    """The options whose text (``text(option)``: a string, or a tuple of strings searched as separate
    fields, such as a name and a code) matches ``query``, in their order."""
    words = terms(query)
    if not words:
        return list(options)
    out = []
    for o in options:
        shown = text(o)
        if _hit(words, shown if isinstance(shown, tuple) else (shown,)):
            out.append(o)
    return out


def fold_series(values):
    """:func:`fold` over a pandas Series of text (missing values fold to ""), keeping its index."""
    import pandas as pd

    return pd.Series(["" if v is None or (not isinstance(v, str) and pd.isna(v)) else fold(v) for v in values],
                     index=values.index, dtype=object)


def contains_all(hay, query: object):
    """A boolean mask over a Series of folded text, or a DataFrame of folded fields: rows where one
    field holds every word of ``query``."""
    import pandas as pd

    words = terms(query)
    frame = hay.to_frame() if isinstance(hay, pd.Series) else hay
    found = pd.Series(not words, index=frame.index)
    if not words:
        return found
    for col in frame.columns:
        mask = pd.Series(True, index=frame.index)
        for w in words:
            mask &= frame[col].astype(str).str.contains(_start(w), regex=True)
        found |= mask
    return found


__all__ = ["nfc", "fold", "compact", "slug", "terms", "matches", "filter_options", "fold_series", "contains_all"]
