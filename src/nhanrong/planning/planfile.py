"""Rendering a plan edited in the app back to the text of its TOML file.

Only the values that changed are rewritten, with tomlkit, so the comments and layout
people wrote by hand stay; the result is validated as a PlanFile. This module never writes:
the text is saved by :func:`nhanrong.editing.plans.save_plan_text`, the one write path (rights,
validation of the whole data with the new text, conflict check, journal, git).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import tomli
import tomlkit
from pydantic import ValidationError
from tomlkit.items import Item, Table

from ..errors import NhanRongError
from ..schema import PlanFile

TOP_KEYS = ("name", "scope", "structure", "start", "period", "horizon", "models", "pilot_first", "note")


class PlanWriteError(NhanRongError):
    """The edited plan would not be a valid plan file."""


def _plain(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _set(table, key: str, value: Any) -> None:
    """Set ``table[key]``, keeping the comment that followed the old value."""
    value = _plain(value)
    old = table.get(key) if key in table else None
    if old is not None and _unwrap(old) == value:
        return
    new = tomlkit.item(value)
    if isinstance(old, Item) and isinstance(new, Item) and old.trivia.comment:
        new.trivia.comment = old.trivia.comment
        new.trivia.comment_ws = old.trivia.comment_ws or "  "
    table[key] = new


def _unwrap(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def plan_toml(text: str, plan: PlanFile) -> str:
    """``text`` (a plan file, or "") with the values of ``plan``; comments and untouched values kept."""
    doc = tomlkit.parse(text) if text.strip() else tomlkit.document()
    defaults = PlanFile.model_fields
    data = plan.model_dump()
    for key in TOP_KEYS:
        value = data[key]
        if key not in doc and value == defaults[key].get_default(call_default_factory=True):
            continue
        _set(doc, key, value)
    res = doc.get("resources")
    if not isinstance(res, Table) and plan.resources:
        res = tomlkit.table()
        doc["resources"] = res
    if isinstance(res, Table):
        for key in [k for k in res if k not in plan.resources]:
            del res[key]
        for key, value in plan.resources.items():
            _set(res, key, value)
    pri = doc.get("priorities")
    default_pri = plan.priorities.rule == "readiness" and not plan.priorities.units_first
    if not isinstance(pri, Table) and not default_pri:
        pri = tomlkit.table()
        doc["priorities"] = pri
    if isinstance(pri, Table):
        _set(pri, "rule", plan.priorities.rule)
        if plan.priorities.units_first or "units_first" in pri:
            _set(pri, "units_first", list(plan.priorities.units_first))
    old_targets = tomli.loads(tomlkit.dumps(doc)).get("targets", [])
    new_targets = [{k: v for k, v in t.model_dump().items() if v is not None} for t in plan.targets]
    if old_targets != new_targets:
        if "targets" in doc:
            del doc["targets"]
        if new_targets:
            aot = tomlkit.aot()
            for t in new_targets:
                tbl = tomlkit.table()
                for k, v in t.items():
                    tbl[k] = _plain(v)
                aot.append(tbl)
            doc["targets"] = aot
    out = tomlkit.dumps(doc)
    try:
        again = PlanFile.model_validate(tomli.loads(out))
    except Exception as exc:  # noqa: BLE001 - reported to the planner as one message
        raise PlanWriteError("edit.plan_invalid", error=str(exc)) from exc
    if again != plan:
        raise PlanWriteError("edit.plan_not_written")
    return out


def edited_plan(plan: PlanFile, **changes: Any) -> PlanFile:
    """``plan`` with some fields changed, validated (e.g. ``resources={...}``, ``horizon=8``)."""
    data = plan.model_dump()
    data.update(changes)
    if isinstance(data.get("start"), dt.datetime):
        data["start"] = data["start"].date()
    try:
        return PlanFile.model_validate(data)
    except ValidationError as exc:
        where = "; ".join(".".join(str(x) for x in e["loc"]) + ": " + e["msg"] for e in exc.errors(include_url=False))
        raise PlanWriteError("edit.plan_invalid_at", where=where) from None
