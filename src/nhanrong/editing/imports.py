"""Import a CSV or Excel sheet of stage changes and readings, in the columns of the exports.

A sheet exported from the status or gaps view (``unit``/``unit_key``/``code``, ``model``,
``stage`` + ``since``) or a table of readings (``metric``, ``date``, ``value``) can be filled
in and imported back. Vietnamese headers are accepted too (mã đơn vị, mô hình, giai đoạn,
ngày, chỉ số, giá trị, ghi chú). Other columns (names, severity, messages) are ignored.
The import is all or nothing: one rejected row and nothing is written, and every rejected
row is listed with its line in the sheet and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, replace

from .. import formats
from ..textfold import fold, nfc
from pathlib import Path
from typing import Any

import pandas as pd

from ..programme import Programme
from ..registry import Registry
from ..schema import STAGES
from ..i18n import STRINGS, Message, msg
from .changes import Change, ReadingChange, StageChange
from .changeset import ChangeSet, Refusal, prepare
from .errors import BadChangeError

_ALIASES: dict[str, tuple[str, ...]] = {
    "unit_key": ("unit_key",),
    "code": ("code", "unit_code", "ma", "ma don vi"),
    "unit": ("unit", "don vi"),
    "structure": ("structure", "cau truc"),
    "model": ("model", "model_id", "mo hinh", "ma mo hinh"),
    "stage": ("stage", "giai doan"),
    "since": ("since", "tu ngay", "ngay bat dau", "start"),
    "date": ("date", "ngay", "ngay do"),
    "metric": ("metric", "chi so", "ma chi so"),
    "value": ("value", "gia tri"),
    "note": ("note", "ghi chu"),
}
"""Accepted headers (folded: lower case, no diacritics) per column. The app's exports name the
code "Mã" and the unit's name "Đơn vị", so a code column wins over a unit column."""


def _fold(text: str) -> str:
    """Lower-case ASCII words: 'Mã đơn vị' -> 'ma don vi', 'Đánh giá, rút kinh nghiệm' ->
    'danh gia rut kinh nghiem' (the one folding helper; punctuation is not a difference)."""
    return re.sub(r"[\W_]+", " ", fold(text)).strip()


def _stage_names() -> dict[str, str]:
    """Every way a stage is written: its id, the app's labels (vi, en), the commit wording."""
    from ..i18n import STAGE_LABELS

    names = {s: s for s in STAGES}
    for s in STAGES:  # the commit wording, in both languages ("đánh giá thực tiễn", "assessment")
        names.update({_fold(text): s for text in STRINGS.get(f"edit.stage_name.{s}", ())})
    for k, pair in STAGE_LABELS.items():
        for text in (k, k.replace("_", "-"), *pair):
            names[_fold(text)] = k
    return names


_COLUMN_OF = {_fold(a): col for col, names in _ALIASES.items() for a in names}
_STAGE_OF = _stage_names()
SKIP_STAGES = {"not_started"}


@dataclass(frozen=True)
class ImportPreview:
    """What an import would change; ``changeset.refusals`` holds every rejected row with its line."""

    changeset: ChangeSet
    rows: int
    skipped: tuple[tuple[int, Message], ...]  # (line, why): rows with nothing to record

    @property
    def ok(self) -> bool:
        return self.changeset.ok

    @property
    def rejected(self) -> tuple[Refusal, ...]:
        return self.changeset.refusals

    def frame(self) -> pd.DataFrame:
        """The accepted changes as a table, for the preview."""
        rows = []
        for ch in self.changeset.changes:
            is_stage = isinstance(ch, StageChange)
            rows.append({
                "line": ch.line, "unit": ch.unit, "model": ch.model,
                "stage": ch.stage if is_stage else "", "metric": "" if is_stage else ch.metric,
                "date": ch.date, "value": None if is_stage else ch.value, "note": ch.note or "",
            })
        return pd.DataFrame(rows, columns=["line", "unit", "model", "stage", "metric", "date", "value", "note"])


def read_sheet(source: str | Path | bytes, name: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """(line in the sheet, {column: value}) for every non-empty row; the header is line 1."""
    name = name or str(source)
    suffix = Path(name).suffix.lower()
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise BadChangeError("edit.import.cannot_read", name=name, error=exc.strerror) from None
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix not in (".csv", ".txt"):
        raise BadChangeError("edit.import.bad_suffix", name=Path(name).name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadChangeError("edit.import.not_utf8", byte=exc.start) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] | None = None
    out: list[tuple[int, dict[str, Any]]] = []
    for cells in reader:
        if header is None:
            header = cells
            continue
        if not any(c.strip() for c in cells):
            continue
        out.append((reader.line_num, dict(zip(header, (nfc(c) for c in cells)))))  # one form of each letter
    return out


def _read_xlsx(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise BadChangeError("edit.import.bad_excel", error=str(exc)) from None
    ws = wb.worksheets[0]
    out: list[tuple[int, dict[str, Any]]] = []
    header: list[str] | None = None
    for line, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        if header is None:
            header = ["" if c is None else str(c) for c in cells]
            continue
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        out.append((line, dict(zip(header, (nfc(c) if isinstance(c, str) else c for c in cells)))))
    wb.close()
    return out


_EXCEL_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")  # a date cell a spreadsheet wrote out as text


def parse_date(value: Any) -> dt.date:
    """A date from Excel or text, read as the app reads a typed date (:func:`nhanrong.formats.parse_date`:
    31/12/2022, 31-12-2022, 31.12.2022, 2022-12-31), and Excel's own "2022-12-31 00:00:00"; refused with the
    same words ("not a date" or "not a day of the calendar": 31/09/2022)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    day = _EXCEL_TIME.sub("", text)
    try:
        return formats.parse_date(day)
    except formats.DateParseError as exc:
        raise BadChangeError(exc.message) from None


def parse_number(value: Any) -> float:
    """A number from Excel or text; Vietnamese "43,8" works; ambiguous "50.595" is refused."""
    if isinstance(value, bool):
        raise BadChangeError("edit.import.not_number", value=str(value))
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"-?[1-9]\d{0,2}([.,]\d{3})+", text) and text.count(".") + text.count(",") >= 1 and not ("." in text and "," in text):
            raise BadChangeError("edit.import.ambiguous_number", text=text)
        if "," in text and "." in text:
            text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
        elif "," in text:
            text = text.replace(",", ".")
        try:
            x = float(text)
        except ValueError:
            raise BadChangeError("edit.import.not_number", value=str(value)) from None
    if not math.isfinite(x):
        raise BadChangeError("edit.import.not_finite", value=str(value))
    return x


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def rows_to_changes(rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[Change], list[Refusal], list[tuple[int, Message]]]:
    """Changes from sheet rows; a row that cannot be read is refused with its line and every reason."""
    changes: list[Change] = []
    refusals: list[Refusal] = []
    skipped: list[tuple[int, Message]] = []
    for line, raw in rows:
        row = {}
        for k, v in raw.items():
            col = _COLUMN_OF.get(_fold(k or ""))
            if col and col not in row:
                row[col] = v
        get = lambda c: None if _blank(row.get(c)) else (row[c].strip() if isinstance(row[c], str) else row[c])
        keyed = get("unit") if str(get("unit") or "")[:4] in ("old:", "new:") else None
        unit = get("unit_key") or keyed or get("code") or get("unit")
        model = get("model")
        stage, metric = get("stage"), get("metric")
        reasons: list[Message] = []
        if unit is None:
            reasons.append(msg("edit.import.missing_unit"))
        if model is None:
            reasons.append(msg("edit.import.missing_model"))
        if stage is not None and _STAGE_OF.get(_fold(stage)) in SKIP_STAGES:
            stage = None
        if stage is None and metric is None:
            if not reasons:
                skipped.append((line, msg("edit.import.nothing")))
                continue
        note = get("note")
        note = str(note) if note is not None else None
        structure = get("structure")
        found: list[Change] = []
        if stage is not None:
            s = _STAGE_OF.get(_fold(stage))
            when = get("date") or get("since")  # a gaps export's "since" is the gap's date: a typed date wins
            if s is None:
                reasons.append(msg("edit.import.invalid_stage", stage=str(stage), choices=", ".join(STAGES)))
            if when is None:
                reasons.append(msg("edit.import.missing_since"))
            else:
                try:
                    d = parse_date(when)
                    if s is not None and unit is not None and model is not None:
                        found.append(StageChange(str(unit), str(model), s, d, note=None if metric is not None else note,
                                                 structure=structure, line=line))
                except BadChangeError as exc:
                    reasons.append(exc.message)
        if metric is not None:
            when, value = get("date") or get("since"), get("value")
            d = x = None
            if when is None:
                reasons.append(msg("edit.import.missing_date"))
            else:
                try:
                    d = parse_date(when)
                except BadChangeError as exc:
                    reasons.append(exc.message)
            if value is None:
                reasons.append(msg("edit.import.missing_value"))
            else:
                try:
                    x = parse_number(value)
                except BadChangeError as exc:
                    reasons.append(exc.message)
            if d is not None and x is not None and unit is not None and model is not None:
                found.append(ReadingChange(str(unit), str(model), str(metric), d, x, note=note, structure=structure, line=line))
        if reasons:
            refusals.append(Refusal(reasons[0] if len(reasons) == 1 else msg("edit.reasons", reasons=reasons), line))
        else:
            changes.extend(found)
    return changes, refusals, skipped


def preview_import(root: str | Path, source: str | Path | bytes, *, name: str | None = None,
                   programme: Programme | None = None, registry: Registry | None = None,
                   user: Any = "local") -> ImportPreview:
    """Read the sheet and prepare every change it holds; nothing is written. ``user``: see :func:`prepare`
    (the app passes the logged-in identity: every row is checked against rights.toml)."""
    name = name or str(source)
    rows = read_sheet(source, name)
    changes, refusals, skipped = rows_to_changes(rows)
    cs = prepare(root, changes, programme=programme, registry=registry, source=Path(name).name, user=user)
    if refusals:
        merged = sorted([*refusals, *cs.refusals], key=lambda r: (r.line is None, r.line or 0))
        cs = replace(cs, refusals=tuple(merged))
    return ImportPreview(cs, len(rows), tuple(skipped))
