"""Numbers and dates the way each language writes them.

Vietnamese uses a comma for decimals and a dot for thousands (43,8%; 50.595) and
day/month/year dates (31/12/2022); English uses 43.8%, 50,595 and ISO dates
(2022-12-31). Every figure the app or the brief shows goes through here, so a
planner never sees a mix of the two.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

LANGS: tuple[str, ...] = ("vi", "en")
MISSING = "–"


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    import pandas as pd  # here, not at the top: the workers that read files never format (see loading.workers)

    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _swap_separators(text: str) -> str:
    """'50,595.5' (English) -> '50.595,5' (Vietnamese)."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_number(x: Any, lang: str = "vi", decimals: int | None = None) -> str:
    """A number with thousands grouping; whole numbers print without decimals by default."""
    if _is_missing(x):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if decimals is None:
        decimals = 0 if float(x).is_integer() else 1
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    return _swap_separators(text) if lang == "vi" else text


def fmt_percent(share: Any, lang: str = "vi", decimals: int = 1) -> str:
    """A share in 0..1 as a percentage: 0.438 -> '43,8%' (vi) or '43.8%' (en)."""
    if _is_missing(share):
        return MISSING
    return fmt_number(float(share) * 100, lang, decimals) + "%"


def fmt_date(d: Any, lang: str = "vi") -> str:
    """'31/12/2022' in Vietnamese, '2022-12-31' in English; '–' for a missing date."""
    if _is_missing(d):
        return MISSING
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    if isinstance(d, dt.datetime):  # pandas' Timestamp too
        d = d.date()
    # not strftime: its %Y does not pad years below 1000 on every platform (01/01/0001, not 01/01/1)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if lang == "vi" else d.isoformat()


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
ROMAN_QUARTERS = ("I", "II", "III", "IV")


def fmt_date_long(d: Any, lang: str = "vi") -> str:
    """A date as an official document writes it: "ngày 05 tháng 02 năm 2023" (vi), "5 February 2023" (en).

    Vietnamese follows the rule for administrative documents (Nghị định 30/2020/NĐ-CP): a day below
    10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 02", but "ngày 15 tháng 7")."""
    d = to_date(d)
    if d is None:
        return MISSING
    if lang == "en":
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def quarter_of(d: Any) -> tuple[int, int]:
    """(year, quarter 1..4) of a date."""
    d = to_date(d)
    return d.year, (d.month - 1) // 3 + 1


def fmt_quarter(d: Any, lang: str = "vi") -> str:
    """The quarter a date falls in: "quý I/2023" (vi, Roman numeral as in official reports), "Q1 2023" (en)."""
    if to_date(d) is None:
        return MISSING
    year, q = quarter_of(d)
    return f"Q{q} {year}" if lang == "en" else f"quý {ROMAN_QUARTERS[q - 1]}/{year}"


def fmt_value(x: Any, unit: str, lang: str = "vi") -> str:
    """A metric value with its unit of measure; '%' units hold shares in 0..1."""
    if unit.strip() == "%":
        return fmt_percent(x, lang)
    if _is_missing(x):
        return MISSING
    decimals = 0 if abs(float(x)) >= 100 else None  # 14.490 người, not 14.490,2 người
    return f"{fmt_number(x, lang, decimals)} {unit}".strip()


def date_format_hint(lang: str = "vi") -> str:
    """The format string st.date_input expects for each language."""
    return "DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"


class DateParseError(ValueError):
    """A typed date that cannot be read: ``reason`` is "format" (not dd/mm/yyyy or yyyy-mm-dd) or
    "impossible" (no such day: 31/09/2022, 29/02/2023, 01/13/2022).

    Like every domain error it carries its message as data: ``code`` ("error.date_format",
    "error.date_no_day": the month has fewer days, or "error.date_no_month") and ``params``, rendered
    by :meth:`render`; the app's date fields and every command say the same. It cannot derive from
    :class:`nhanrong.errors.NhanRongError`: the catalogue imports this module (its number and date
    formats), so the message is built only when asked for."""

    def __init__(self, text: str, reason: str, ymd: tuple[int, int, int] | None = None):
        super().__init__(f"{reason}: {text!r}")
        self.text, self.reason, self.ymd = text, reason, ymd

    @property
    def code(self) -> str:
        if self.reason != "impossible":
            return "error.date_format"
        return "error.date_no_day" if self.ymd and 1 <= self.ymd[1] <= 12 else "error.date_no_month"

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"text": str(self.text).strip()}
        if self.code == "error.date_no_day":
            import calendar

            y, m, _ = self.ymd  # type: ignore[misc]
            params.update(month=m, year=y, days=calendar.monthrange(y, m)[1] if y >= 1 else 31)
        return params

    @property
    def message(self):
        """The :class:`nhanrong.i18n.Message` of this error."""
        from .i18n import msg

        return msg(self.code, **self.params)

    def render(self, lang: str = "vi") -> str:
        """The message in ``lang`` (``.text`` is the text that was typed)."""
        return self.message.text(lang)


_DMY = __import__("re").compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_YMD = __import__("re").compile(r"^\s*(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*$")


def parse_date(text: str) -> dt.date:
    """A date typed by a planner: dd/mm/yyyy (also with '.' or '-', one-digit day or month) as
    written in Vietnamese, or ISO yyyy-mm-dd as shown in English. Raises :class:`DateParseError`
    with reason "format" or "impossible" (31/09/2022 is not a day)."""
    text = str(text or "")
    m = _YMD.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY.match(text)
        if not m:
            raise DateParseError(text, "format")
        d, mo, y = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise DateParseError(text, "impossible", (y, mo, d)) from None


def parse_number_text(text: Any, lang: str = "vi") -> float:
    """A number typed the way ``lang`` writes it: "2.500.000.000" or "12,5" in Vietnamese,
    "2,500,000,000" or "12.5" in English; spaces as thousands separators and plain "2500000000"
    work in both. Raises ValueError for anything else."""
    if isinstance(text, bool):
        raise ValueError(f"not a number: {text!r}")
    if isinstance(text, (int, float)):
        x = float(text)
    else:
        s = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        group, point = (".", ",") if lang == "vi" else (",", ".")
        m = __import__("re").fullmatch(rf"(-?)(\d{{1,3}}(?:{__import__('re').escape(group)}\d{{3}})+|\d+)"
                                       rf"(?:{__import__('re').escape(point)}(\d+))?", s)
        if not m:
            raise ValueError(f"not a number: {text!r}")
        x = float(f"{m.group(1)}{m.group(2).replace(group, '')}.{m.group(3) or '0'}")
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {text!r}")
    return x


def to_date(x: Any) -> dt.date | None:
    """Coerce a Timestamp, datetime, ISO string or date to a date (None when missing)."""
    if _is_missing(x):
        return None
    if isinstance(x, str):
        return dt.date.fromisoformat(x[:10])
    if isinstance(x, dt.datetime):  # pandas' Timestamp too
        return x.date()
    return x


def months_before(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, clamped to the month's end (31/12 -> 30/6)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def quarter_end_on_or_before(d: dt.date) -> dt.date:
    """The last quarter end (31/3, 30/6, 30/9, 31/12) on or before ``d``."""
    q_month = (d.month - 1) // 3 * 3 + 3  # the end month of d's quarter
    end = (dt.date(d.year + (q_month == 12), q_month % 12 + 1, 1) - dt.timedelta(days=1))
    if end <= d:
        return end
    return dt.date(d.year, q_month - 2, 1) - dt.timedelta(days=1)


_DIGITS = __import__("re").compile(r"(\d+)")


def natural_key(text: Any) -> tuple:
    """Sort key that reads numbers as numbers: "Thôn 2" before "Thôn 10", "Tổ 9" before "Tổ 10".

    Letters compare case-insensitively after Unicode normalisation, so names sort the way
    a planner reads them in a list."""
    import unicodedata

    s = unicodedata.normalize("NFC", "" if _is_missing(text) else str(text)).casefold()
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _DIGITS.split(s) if p != "")


def natural_rank(values: "pd.Series") -> "pd.Series":
    """Each value's rank in natural order (ties share a rank), vectorised for long columns:
    digit runs are zero-padded so that plain string order is natural order."""
    text = values.astype(str).str.normalize("NFC").str.casefold()
    padded = text.str.replace(_DIGITS, lambda m: m.group(0).zfill(20), regex=True)
    return padded.rank(method="dense").astype("int64")
