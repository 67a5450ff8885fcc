"""Every table the project writes for a spreadsheet goes through here: CSV (``nhanrong ...
--format csv``, ``plans/*.schedule.csv``, the app's downloads) and .xlsx (``nhanrong plan --out
x.xlsx``, the app's downloads). JSON is data, not a spreadsheet, and is written elsewhere unchanged.

Text is made safe to open in Excel, LibreOffice or Google Sheets (CSV/formula injection, CWE-1236):

* :func:`safe_text` puts a single quote ``'`` in front of text that begins with a character a
  spreadsheet may read as the start of a formula (:data:`FORMULA_PREFIXES`), the OWASP
  recommendation. Numbers are not text: a numeric -5 stays the number -5, the text "-5" typed
  as a name becomes "'-5".
* Line breaks inside text become ``\\n``: the csv module quotes a field only for the characters of
  its line terminator, so a lone ``\\r`` was written unquoted with ``lineterminator="\\n"`` and
  LibreOffice (checked with 7.4) starts a new row there, so that ``"x\\r=1+1"`` put a live
  ``=1+1`` at the start of a cell whatever the prefix. With ``\\n`` the field is quoted.
* Control characters .xlsx cannot hold (and that no name needs) are removed, before the check,
  so that ``"\\x00=1"`` cannot hide its ``=``.
* In .xlsx, text cells are always written as text (``data_type = "s"``, number format ``@``):
  openpyxl stores a string beginning with ``=`` as a formula, and the ``@`` format keeps a cell
  text when someone edits it. Numbers stay numbers, dates stay dates, booleans stay booleans.

Which leading characters (:data:`FORMULA_PREFIXES`):

* ``= + - @``, tab and carriage return: the OWASP list; Excel evaluates all of them.
* line feed and the full-width ``＝ ＋ － ＠`` (U+FF1D, U+FF0B, U+FF0D, U+FF20): the OWASP
  testing guide (WSTG-INPV-21) lists them as triggers "depending on locale/application
  behavior" (Excel with East-Asian input converts full-width operators typed into a cell).
  LibreOffice 7.4 opening our CSV evaluates none of them (checked), Excel could not be checked
  here; a Vietnamese name never begins with them, so neutralising them costs nothing: included.
* Not included: leading spaces, a no-break space, a zero-width space or a BOM before ``=``
  (LibreOffice keeps them text; no guide lists them).

Left as it is: a spreadsheet that splits a comma CSV on another separator (Excel with a ``;``
list separator) sees cells start after each ``;`` inside a field; the prefix guards only the
start of each field as written.

The CSV for Excel (:func:`to_csv_bytes`) has a byte-order mark: without it Excel on Windows reads
the file as ANSI and breaks every Vietnamese diacritic. The .xlsx has a bold, frozen, filterable
header row. pandas and openpyxl are imported only when a table is written, so that ``write_csv``
stays light for the command line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence, TextIO

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LINE_BREAK = re.compile(r"\r\n?")
_SHEET_TITLE_BAD = re.compile(r"[\x00-\x1f\[\]:*?/\\]")


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text: never the start of a formula, nor of a new row."""
    value = _LINE_BREAK.sub("\n", _ILLEGAL.sub("", value))
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def safe_cell(value: Any) -> Any:
    """A cell value made safe: text through :func:`safe_text`, numbers, booleans, dates and
    None as they are, anything else as its (safe) text."""
    if isinstance(value, str):
        return safe_text(value)
    if value is None or isinstance(value, (numbers.Number, dt.date, dt.time)):
        return value
    return safe_text(str(value))


# --- CSV ----------------------------------------------------------------------------------------


def _write_csv(out: TextIO, columns: Sequence[Any], rows: Iterable[Sequence[Any]], lineterminator: str) -> None:
    w = csv.writer(out, lineterminator=lineterminator)
    w.writerow([safe_text(str(c)) for c in columns])
    w.writerows([safe_cell(v) for v in row] for row in rows)


def write_csv(out: TextIO, rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *,
              lineterminator: str = "\n") -> None:
    """Rows (dicts; keys not in ``columns`` ignored, missing ones empty) as safe CSV to ``out``."""
    _write_csv(out, columns, ([row.get(c) for c in columns] for row in rows), lineterminator)


def frame_values(frame: "pd.DataFrame") -> list[list[Any]]:
    """A frame's rows as lists of plain Python values: NaN/NaT None, numpy scalars Python,
    timestamps at midnight dates (others datetimes)."""
    import pandas as pd

    def plain(v: Any) -> Any:
        if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
            return None
        if isinstance(v, pd.Timestamp):
            v = v.to_pydatetime()
            return v.date() if v.time() == dt.time() and v.tzinfo is None else v
        if hasattr(v, "item") and not isinstance(v, str):
            return v.item()  # numpy scalar
        return v

    return [[plain(v) for v in rec] for rec in frame.itertuples(index=False, name=None)]


def frame_csv_text(frame: "pd.DataFrame", *, lineterminator: str = "\n") -> str:
    """A frame as safe CSV text (no index; empty cells for NaN)."""
    buf = io.StringIO()
    _write_csv(buf, list(frame.columns), frame_values(frame), lineterminator)
    return buf.getvalue()


def to_csv_bytes(frame: "pd.DataFrame") -> bytes:
    """A frame as safe CSV for Excel: UTF-8 with a byte-order mark, CRLF line ends."""
    return frame_csv_text(frame, lineterminator="\r\n").encode("utf-8-sig")


# --- Excel --------------------------------------------------------------------------------------


def _fill_sheet(ws, frame: "pd.DataFrame", date_format: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = [str(c) for c in frame.columns]
    rows = frame_values(frame)
    widths = [len(c) for c in columns]
    for c_idx, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=c_idx, value=safe_text(name))
        cell.data_type, cell.number_format = "s", "@"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6E6E6")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r_idx, row in enumerate(rows, start=2):
        for c_idx, v in enumerate(map(safe_cell, row), start=1):
            if v == "":
                v = None  # a blank cell, not an empty string
            if v is None or isinstance(v, (numbers.Number, dt.date, dt.time)):
                if isinstance(v, float) and not math.isfinite(v):
                    v = None  # .xlsx has no NaN or infinity
                elif isinstance(v, (dt.datetime, dt.time)) and v.tzinfo is not None:
                    v = v.replace(tzinfo=None)  # .xlsx has no time zones
                cell = ws.cell(row=r_idx, column=c_idx, value=v)
                if isinstance(v, (dt.date, dt.datetime)):
                    cell.number_format = date_format + (" hh:mm" if isinstance(v, dt.datetime) else "")
            else:
                cell = ws.cell(row=r_idx, column=c_idx)
                cell.value = v
                cell.data_type, cell.number_format = "s", "@"  # text, never a formula
            if r_idx <= 201:
                widths[c_idx - 1] = max(widths[c_idx - 1], len("" if v is None else str(v)))
    for c_idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c_idx)].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def sheet_title(name: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\ or control characters, at most 31 characters."""
    return _SHEET_TITLE_BAD.sub("", str(name))[:31] or "Sheet1"


def xlsx_bytes(sheets: Mapping[str, "pd.DataFrame"], *, date_format: str = "DD/MM/YYYY") -> bytes:
    """A workbook with one sheet per frame (in order), each with a bold frozen header, an
    autofilter, sensible widths, real dates and numbers, and text that is only ever text."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        _fill_sheet(wb.create_sheet(sheet_title(name)), frame, date_format)
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_xlsx_bytes(frame: "pd.DataFrame", sheet: str = "Sheet1", date_format: str = "DD/MM/YYYY") -> bytes:
    """One table as a one-sheet workbook (see :func:`xlsx_bytes`)."""
    return xlsx_bytes({sheet: frame}, date_format=date_format)


# --- files --------------------------------------------------------------------------------------


def write_file(path: Path, data: bytes) -> Path:
    """Write through a temporary file in the same folder, then rename: never a half-written file
    (:func:`nhanrong.atomic.replace_file`, the one atomic write)."""
    from .atomic import replace_file

    return replace_file(Path(path), data)


def write_xlsx(path: Path, sheets: Mapping[str, "pd.DataFrame"], *, date_format: str = "DD/MM/YYYY") -> Path:
    """:func:`xlsx_bytes` written to ``path`` (atomically)."""
    return write_file(path, xlsx_bytes(sheets, date_format=date_format))


__all__ = ["CSV_MIME", "XLSX_MIME", "FORMULA_PREFIXES", "safe_text", "safe_cell", "write_csv", "frame_values",
           "frame_csv_text", "to_csv_bytes", "sheet_title", "xlsx_bytes", "to_xlsx_bytes",
           "write_file", "write_xlsx"]
