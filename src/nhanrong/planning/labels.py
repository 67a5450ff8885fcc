"""The words of the planner's values (pools, stages not reached, roles, rules, periods), read from the
one catalogue (:mod:`nhanrong.i18n`, codes ``plan.pool.<pool>``, ``plan.rule.<rule>``...).

Each concept here is a :class:`LabelSet`: the values in order (``list(RULES)``, ``"devices" in POOLS``)
and their catalogue codes. Kinds of unit are named through :func:`nhanrong.kinds.kind_label` (the
repository may declare its own words): :func:`kind_word` wraps them in a Message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from ..i18n import STRINGS, Message, data_name, msg


class LabelSet(tuple):
    """The values of one planner concept, in order; the words of ``value`` are the code ``<prefix>.<value>``
    ("" is ``<prefix>.none``). A value with no code is shown as written (a pool the plan names itself)."""

    prefix: str

    def __new__(cls, prefix: str, values) -> "LabelSet":
        obj = super().__new__(cls, values)
        obj.prefix = prefix
        return obj

    def __getnewargs__(self):  # pickle / copy
        return (self.prefix, tuple(self))

    def code(self, value: str) -> str:
        return f"{self.prefix}.{value or 'none'}"

    def msg(self, value: str) -> Message:
        code = self.code(value)
        return msg(code) if code in STRINGS else msg("plan.word", word=value)

    def text(self, value: str, lang: str = "vi") -> str:
        return self.msg(value).text(lang)


POOLS = LabelSet("plan.pool", ("trainers", "trainer_hours", "devices", "budget_vnd", "people"))
NOT_REACHED = LabelSet("plan.not_reached", ("assess", "pilot", "evaluate", "scale"))
ROLES = LabelSet("plan.role", ("pilot", "scale-out", ""))
RULES = LabelSet("plan.rule", ("readiness", "neighbours", "every-area", "explicit"))
PERIODS = LabelSet("plan.period", ("week", "month", "quarter"))
PERIOD_COUNTS = LabelSet("plan.periods", ("week", "month", "quarter"))
"""A count of periods ("4 quý", "4 quarters"); :data:`PERIODS` is one ("mỗi quý", "per quarter")."""


def pick(table: LabelSet, key: str, lang: str = "vi") -> str:
    """The words of ``key`` in ``table``, or ``key`` itself when the catalogue has none."""
    return table.text(key, lang)


def period_msg(day: dt.date, period: str) -> Message:
    """The calendar period that contains ``day``: "quý II/2023", "tháng 3/2023", "tuần 5/2023" (vi);
    "Q2 2023", "03/2023", "W05/2023" (en)."""
    if period == "quarter":
        return msg("plan.period_label.quarter", day=day)
    if period == "month":
        return msg("plan.period_label.month", month=day.month, year=day.year)
    iso = day.isocalendar()
    return msg("plan.period_label.week", week=iso.week, year=iso.year)


@dataclass(frozen=True)
class DataWord(Message):
    """Words that come from the data, not the catalogue: a model's name (``name`` / ``name_en`` of its
    file), a kind's word (the repository's ``[kinds]``). The code and params say what is named (JSON);
    ``words`` are the data's own words (Vietnamese, English)."""

    words: tuple[str, str] = ("", "")

    def text(self, lang: str = "vi") -> str:
        return data_name(*self.words, lang)


def model_word(model: str, name: str, name_en: str = "") -> DataWord:
    return DataWord("plan.model", {"model": model}, (name, name_en or name))


def kind_word(kind: str, declared: Mapping[str, Any] | None = None, *, plural: bool = True) -> DataWord:
    """The word for units of ``kind`` (plural in English): the repository's words first."""
    from ..kinds import kind_label

    return DataWord("plan.kind", {"kind": kind},
                    (kind_label(kind, "vi", declared, plural=plural), kind_label(kind, "en", declared, plural=plural)))


def and_list(items: list[Message]) -> Message:
    """``a và b và c`` / ``a and b and c``."""
    if len(items) == 1:
        return items[0]
    return msg("plan.and", first=items[0], rest=and_list(items[1:]))


def ui(key: str, lang: str = "vi", **values) -> str:
    """A planner page string from the app's one catalogue (``planner.*`` keys of nhanrong.i18n)."""
    from ..i18n import t

    return t(f"planner.{key}", lang, **values)


__all__ = ["LabelSet", "POOLS", "NOT_REACHED", "ROLES", "RULES", "PERIODS", "PERIOD_COUNTS", "pick", "period_msg",
           "DataWord", "model_word", "kind_word", "and_list", "ui"]
