"""Tables as files a planner opens in Excel: CSV (UTF-8 with BOM) and .xlsx (openpyxl).

The BOM matters: without it Excel on Windows reads the CSV as ANSI and breaks every
Vietnamese diacritic. The .xlsx keeps dates as dates and numbers as numbers, with a
frozen, filterable header row.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@")


def _safe_text(value: str) -> str:
    """Text cells never run as formulas in a spreadsheet (CSV/formula injection)."""
    value = _ILLEGAL.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 byte-order mark so Excel shows Vietnamese correctly."""
    safe = frame.copy()
    for c in safe.columns:
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c]):
            safe[c] = safe[c].map(lambda v: _safe_text(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Sheet1", date_format: str = "DD/MM/YYYY") -> bytes:
    """One sheet with a bold frozen header, autofilter, sensible widths, real dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = _ILLEGAL.sub("", sheet)[:31] or "Sheet1"
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6E6E6")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in frame.itertuples(index=False):
        values = []
        for v in row:
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                values.append(None)
            elif isinstance(v, pd.Timestamp):
                values.append(v.date())
            elif isinstance(v, str):
                values.append(_safe_text(v))
            elif hasattr(v, "item"):
                values.append(v.item())  # numpy scalar
            else:
                values.append(v)
        ws.append(values)
    for col_idx, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(col_idx)
        texts = [str(name)] + [str(v) for v in frame.iloc[:200, col_idx - 1]]
        ws.column_dimensions[letter].width = min(60, max(8, max(len(x) for x in texts) + 2))
        for cell in ws[letter][1:]:
            if isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = date_format
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
