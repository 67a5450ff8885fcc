"""Structure: pydantic's validation errors translated into located problems.

Each kind of pydantic error (its ``type``) maps to a catalogue code (:data:`TYPE_CODES`), so the words
are the catalogue's in both languages; an unknown kind keeps pydantic's own text as a parameter.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import NhanRongError
from ..i18n import Message, msg
from ..problems import did_you_mean
from ..schema import DATE_MAX, DATE_MIN
from .parsing import short
from .report import Report, SourceFile

TYPE_CODES: dict[str, str] = {
    # pydantic error type -> the catalogue's message for it
    "string_type": "problem.type.string_type",
    "float_type": "problem.type.float_type",
    "float_parsing": "problem.type.float_type",
    "int_type": "problem.type.int_type",
    "int_parsing": "problem.type.int_type",
    "int_from_float": "problem.type.int_type",
    "bool_type": "problem.type.bool_type",
    "list_type": "problem.type.list_type",
    "dict_type": "problem.type.dict_type",
    "model_type": "problem.type.dict_type",
    "date_type": "problem.type.date_type",
    "date_parsing": "problem.type.date_parsing",
    "date_from_datetime_parsing": "problem.type.date_quoted",
    "date_from_datetime_inexact": "problem.type.date_with_time",
    "string_pattern_mismatch": "problem.type.pattern",  # the rule in words: see PATTERN_RULES
    "string_too_short": "problem.type.empty",
    "too_short": "problem.type.empty",
    "greater_than": "problem.type.greater_than",
    "greater_than_equal": "problem.type.greater_than_equal",
    "less_than_equal": "problem.type.less_than_equal",
    "finite_number": "problem.type.finite_number",
}
LIMITED = frozenset(("greater_than", "greater_than_equal", "less_than_equal"))
"""Error types whose words name the limit (``{limit}``)."""

PATTERN_RULES: dict[str, str] = {
    # The id patterns of nhanrong.schema -> what a planner may type in each kind of id.
    r"^[a-z0-9][a-z0-9-]*$": "problem.id_rule.slug",
    r"^[a-z][a-z0-9-]*$": "problem.id_rule.slug_letter",
    r"^[a-z0-9][a-z0-9_]*$": "problem.id_rule.snake",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "problem.id_rule.code",
}


def _field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    """Allowed keys at ``loc`` (for "did you mean"), by walking the model's fields."""
    current: Any = model
    skip = False
    for part in loc:
        if isinstance(part, int) or skip:
            skip = False
            continue
        fld = getattr(current, "model_fields", {}).get(part)
        if fld is None:
            return []
        ann = fld.annotation
        for _ in range(3):  # unwrap list[X], dict[str, X] and X | None
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            if typing.get_origin(ann) is dict:
                ann = typing.get_args(ann)[1]
                skip = True  # the next part of the location is the dict's key
                continue
            args = [a for a in getattr(ann, "__args__", ()) if a is not type(None)]
            ann = args[0] if args else ann
        current = ann
    return list(getattr(current, "model_fields", {}))


def type_message(err: dict, where: str | Message, shown: Message) -> Message:
    """The message for one pydantic error of a value: where, what is wrong (the limit or the id rule it
    breaks) and the value found (``shown``, or the empty message)."""
    etype = err["type"]
    ctx = err.get("ctx") or {}
    key = TYPE_CODES.get(etype)
    if key is None:
        cause = ctx.get("error")
        return msg("problem.type.other", where=where, shown=shown,
                   detail=cause.message if isinstance(cause, NhanRongError) else err["msg"])
    if etype in LIMITED:
        return msg(key, where=where, shown=shown, limit=next((ctx[k] for k in ("gt", "ge", "le", "lt") if k in ctx), ""))
    if etype == "string_pattern_mismatch":
        return msg(key, where=where, shown=shown, rule=msg(PATTERN_RULES.get(ctx.get("pattern"), "problem.id_rule.code")))
    return msg(key, where=where, shown=shown)


def report_validation(src: SourceFile, exc: ValidationError, model: type[BaseModel], report: Report, prefix: tuple = ()) -> set[int]:
    """Turn pydantic's errors into problems; return the indexes of bad records in the main list."""
    bad: set[int] = set()
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        loc = tuple(x for x in loc if not (isinstance(x, str) and x in ("function-after", "function-before")))
        if len(loc) > len(prefix) + 1 and isinstance(loc[len(prefix) + 1], int):
            bad.add(loc[len(prefix) + 1])
        where: str | Message = ".".join(str(x) for x in loc if not isinstance(x, int)) or msg("problem.where_file")
        etype = err["type"]
        value = err.get("input")
        if etype == "extra_forbidden":
            hint = did_you_mean(str(loc[-1]), _field_names(model, tuple(loc[len(prefix):-1])))
            report.error(src, loc, "unknown-key", msg("problem.unknown_key", where=where, hint=hint))
        elif etype == "missing":
            report.error(src, loc[:-1], "missing-key", msg("problem.missing_key", where=where))
        elif etype == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            options = [s.strip(" '\"") for s in expected.replace(" or ", ",").split(",") if s.strip()]
            report.error(src, loc, "bad-value", msg("problem.bad_value", where=where, value=str(value), hint=did_you_mean(str(value), options),
                                                    options=", ".join(f'"{o}"' for o in options)))
        elif etype in ("greater_than_equal", "less_than_equal") and isinstance(value, dt.date):
            report.error(src, loc, "date-out-of-range", msg("problem.date_out_of_range", where=where, day=value, first=DATE_MIN, last=DATE_MAX))
        else:
            shown = (msg("problem.shown_value", value=short(repr(value))) if value is not None and not isinstance(value, (dict, list))
                     else Message(""))
            report.error(src, loc, f"bad-{etype}", type_message(err, where, shown))
    return bad


def validate_file(src: SourceFile, model: type[BaseModel], list_key: str | None, report: Report) -> BaseModel | None:
    """Validate a whole file; None (problems reported) when it cannot be used at all."""
    return validate_records(src, model, list_key, report)[0]


def validate_records(src: SourceFile, model: type[BaseModel], list_key: str | None,
                     report: Report) -> tuple[BaseModel | None, list[int]]:
    """Validate a whole file; on failure keep the good records of its main list.

    Returns the model and, for each record it kept, the record's index in the file (so later
    messages point at the right ``[[...]]`` block even when earlier records were left out).
    """
    items = (src.data or {}).get(list_key) if list_key else None
    count = len(items) if isinstance(items, list) else 0
    try:
        return model.model_validate(src.data), list(range(count))
    except ValidationError as exc:
        bad = report_validation(src, exc, model, report)
    except Exception as exc:  # noqa: BLE001 - e.g. a RecursionError on absurd input: a problem of this file
        unexpected(src, exc, report)
        return None, []
    if list_key is None or not isinstance(items, list):
        return None, []
    data = dict(src.data or {})
    data[list_key] = [x for i, x in enumerate(items) if i not in bad]
    try:
        obj = model.model_validate(data)
    except ValidationError:
        return None, []  # the header itself is broken: already reported
    except Exception as exc:  # noqa: BLE001
        unexpected(src, exc, report)
        return None, []
    return obj, [i for i in range(count) if i not in bad]


def unexpected(src: SourceFile, exc: BaseException, report: Report) -> None:
    """A file that could not be checked at all (an exception pydantic did not turn into errors)."""
    report.error(src.rel, (1, 1), "unreadable", msg("problem.uncheckable", error=type(exc).__name__, detail=short(exc)))
