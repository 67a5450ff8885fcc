"""The one catalogue of every user-facing message: Vietnamese first, English as the switch.

Every face (the app, the brief, the CLI, JSON output, validation problems, exceptions) renders
its words from here. Each entry is a code with a Vietnamese and an English template using the
same named ``{placeholders}``; tests fail when a code lacks a language or the placeholders differ.

The catalogue is split by area so each module reads on its own (``ui`` for pages and the brief,
``labels`` for the words of domain values, ``problems`` for validation, ``errors`` for exceptions,
``planning``, ``gaps``...); :data:`STRINGS` merges them and refuses a code defined twice.

A message is data: :class:`Message` holds a code and its parameters and is rendered only when
shown, in the reader's language. A placeholder may carry a format (``{share:percent}``,
``{n:int}``, ``{x:number4}``, ``{x:exact}`` (every typed decimal), ``{day:date}``) so numbers and dates are written the way each language writes them
(43,8% / 43.8%; 50.595 / 50,595), and a parameter may itself be a Message (or a list of them).
Model and unit names are data and are always shown as written in Vietnamese.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..formats import LANGS
from . import cli, editing, errors, gaps, indicators, planning, problems, ui
from .labels import (GAP_KIND_LABELS, KIND_LABELS, KIND_PLURAL_EN, PILLAR_LABELS, RESOURCE_LABELS, ROLLUP_LABELS,
                     SEVERITY_LABELS, STAGE_LABELS, THREE_PARTS, VERDICT_LABELS, WHERE_LABELS)

DEFAULT_LANG = "vi"

AREAS = (ui, problems, errors, editing, planning, gaps, cli, indicators)
"""The modules whose ``STRINGS`` make up the catalogue, in the order they are merged."""


def _merge(areas) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in areas:
        for key, pair in area.STRINGS.items():
            if key in merged:
                raise RuntimeError(f"message code {key!r} is defined twice (again in {area.__name__})")
            merged[key] = pair
    return merged


STRINGS: dict[str, tuple[str, str]] = _merge(AREAS)

CATALOGUES: dict[str, dict[str, tuple[str, str]]] = {
    "stage": STAGE_LABELS,
    "pillar": PILLAR_LABELS,
    "verdict": VERDICT_LABELS,
    "severity": SEVERITY_LABELS,
    "gap_kind": GAP_KIND_LABELS,
    "kind": KIND_LABELS,
    "where": WHERE_LABELS,
    "rollup": ROLLUP_LABELS,
    "part": THREE_PARTS,
    "resource": RESOURCE_LABELS,
}



class UnknownStringError(KeyError):
    """A message code that the catalogue does not have (a typo in a page or a raise)."""


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


class _Formatter(string.Formatter):
    """``str.format`` that renders Messages, lists and the language-aware formats in ``lang``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, spec: str) -> str:
        from .. import formats

        lang = self.lang
        if isinstance(value, Message):
            return value.text(lang)
        if isinstance(value, (list, tuple)):
            return "; ".join(self.format_field(v, spec) for v in value)
        if spec == "int" or spec == "number":
            return formats.fmt_number(value, lang, 0 if spec == "int" else None)
        if spec.startswith("number") and spec[6:].isdigit():  # fixed decimals: {x:number4} 0,2734 / 0.2734
            return formats.fmt_number(value, lang, int(spec[6:]))
        if spec == "exact":
            return _exact(value, lang)
        if spec.startswith("percent"):
            return formats.fmt_percent(value, lang, int(spec[7:] or 1))
        if spec == "date":
            return formats.fmt_date(value, lang)
        if spec == "date_long":
            return formats.fmt_date_long(value, lang)
        if spec == "quarter":
            return formats.fmt_quarter(value, lang)
        if spec.startswith("label:"):
            return label(spec[6:], value, lang)
        return super().format_field(value, spec)


_FORMATTERS: dict[str, _Formatter] = {}


def _formatter(lang: str) -> _Formatter:
    if lang not in _FORMATTERS:
        _FORMATTERS[lang] = _Formatter(lang)
    return _FORMATTERS[lang]


def _exact(value: Any, lang: str) -> str:
    """A value as the planner typed it: every decimal kept (50.595 and 43,25 / 50,595 and 43.25),
    a date as a date, true/false, text as it is, "–" for nothing."""
    from .. import formats

    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        f = float(value)
        r = repr(f)
        decimals = 0 if f.is_integer() else (len(r.split(".")[1]) if "e" not in r else 6)
        return formats.fmt_number(f, lang, decimals)
    if hasattr(value, "isoformat"):
        return formats.fmt_date(value, lang)
    return str(value)


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The message ``key`` in ``lang``, with its ``{name}`` placeholders filled from ``values``."""
    try:
        pair = STRINGS[key]
    except KeyError:
        raise UnknownStringError(f"no message {key!r} in the catalogue (nhanrong.i18n)") from None
    text = _pick(pair, lang)
    return _formatter(lang).format(text, **values) if values else text


@dataclass(frozen=True)
class Message:
    """A message as data: its code in the catalogue and its parameters, rendered when shown.

    ``Message("")`` is the empty message (an optional suffix that does not apply)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.key and self.key not in STRINGS:
            raise UnknownStringError(f"no message {self.key!r} in the catalogue (nhanrong.i18n)")

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return t(self.key, lang, **self.params) if self.key else ""

    def __str__(self) -> str:
        return self.text(DEFAULT_LANG)

    def as_dict(self) -> dict[str, Any]:
        """Code, parameters (JSON-ready: nested messages as their own dicts) and both texts."""
        return {"code": self.key, "params": {k: _jsonable(v) for k, v in self.params.items()},
                "message": self.text("vi"), "message_en": self.text("en")}


def format_value(value: Any, spec: str = "", lang: str = DEFAULT_LANG) -> str:
    """One value written as a template's ``{x:spec}`` writes it in ``lang`` (for code that fills many
    rows column by column, such as the gaps table)."""
    return _formatter(lang).format_field(value, spec)


def jsonable(value: Any) -> Any:
    """A message parameter for JSON: a nested Message as ``{code, params}``, lists item by item."""
    return _jsonable(value)


class Worded:
    """A mixin for data that carries its words as a :class:`Message` in ``msg`` (a problem, a refusal, a
    planner's reason): the text in a language, and the two texts by name for tables and JSON."""

    msg: Message

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return self.msg.text(lang)

    @property
    def message(self) -> str:
        """The Vietnamese text."""
        return self.msg.text("vi")

    @property
    def message_en(self) -> str:
        return self.msg.text("en")


def msg(key: str, **params: Any) -> Message:
    """Shorthand for ``Message(key, params)``."""
    return Message(key, params)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Message):
        return {"code": value.key, "params": {k: _jsonable(v) for k, v in value.params.items()}}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def label(catalogue: str, value: str, lang: str = DEFAULT_LANG) -> str:
    """A domain value's label (a stage, pillar, verdict...), or the value itself when unknown."""
    pair = CATALOGUES[catalogue].get(value)
    return _pick(pair, lang) if pair else str(value)


def stage_names(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Stage names in running text (lower case): "thí điểm", "đánh giá, rút kinh nghiệm"."""
    return {s: _pick(pair, lang).lower() for s, pair in STAGE_LABELS.items()}


def stage_order() -> list[str]:
    """Stages from not started to scale: the order every chart and table uses."""
    return list(STAGE_LABELS)


def data_name(name: str, name_en: str | None, lang: str = DEFAULT_LANG) -> str:
    """A name the data writes (a unit, a model, a metric, an indicator, the programme): as written, in
    Vietnamese; its English name in English when the data gives one. Names are data, not catalogue words."""
    return (name_en or name) if lang == "en" else name


def lang_name(lang: str) -> str:
    return {"vi": "Tiếng Việt", "en": "English"}[lang]


__all__ = ["Message", "Worded", "msg", "data_name", "format_value", "jsonable", "AREAS", "GAP_KIND_LABELS", "KIND_LABELS", "PILLAR_LABELS", "RESOURCE_LABELS", "ROLLUP_LABELS", "SEVERITY_LABELS",
           "STAGE_LABELS", "VERDICT_LABELS", "WHERE_LABELS", "KIND_PLURAL_EN", "THREE_PARTS", "t", "label", "STRINGS", "CATALOGUES", "LANGS", "DEFAULT_LANG", "UnknownStringError", "stage_order", "stage_names", "lang_name"]
