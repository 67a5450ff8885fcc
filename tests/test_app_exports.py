"""The gaps exports open correctly in Excel: UTF-8 CSV with BOM, .xlsx with real dates."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import load_workbook

from nhanrong.exports import to_csv_bytes, to_xlsx_bytes

FRAME = pd.DataFrame({
    "Mức độ": ["Cao", "Thấp"],
    "Đơn vị": ["Xã Âu Lâu", "=HYPERLINK(\"http://x\")"],
    "Từ ngày": [dt.date(2022, 2, 1), None],
    "Số đơn vị": [3, 12],
})


def test_csv_has_a_bom_and_keeps_diacritics():
    data = to_csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Mức độ,Đơn vị,Từ ngày,Số đơn vị"
    assert "Xã Âu Lâu" in text


def test_csv_neutralises_formulas():
    back = pd.read_csv(io.BytesIO(to_csv_bytes(FRAME)), encoding="utf-8-sig")
    assert back["Đơn vị"][1].startswith("'=")


def test_xlsx_has_header_dates_numbers_and_filter():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(FRAME, "Khoảng trống")))
    ws = wb["Khoảng trống"]
    assert [c.value for c in ws[1]] == list(FRAME.columns)
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert ws["B2"].value == "Xã Âu Lâu"
    assert ws["B3"].value.startswith("'=") and ws["B3"].data_type == "s" and ws["B3"].number_format == "@"
    assert ws["C2"].value.date() == dt.date(2022, 2, 1) and ws["C2"].number_format == "DD/MM/YYYY"
    assert ws["C3"].value is None
    assert ws["D3"].value == 12


def test_xlsx_of_an_empty_table_still_opens():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(FRAME.iloc[0:0], "x" * 40)))
    assert wb.active.title == "x" * 31
    assert wb.active.max_row == 1


def test_gaps_page_writes_the_sentences_of_the_rows_shown_in_the_readers_language(monkeypatch):
    """The gaps frame holds message codes; the page renders the rows left after the filters, in the
    language chosen, and the CSV carries the same words."""
    from test_app_pages import HAS_BUNDLED, goto, open_app, table

    if not HAS_BUNDLED:
        import pytest

        pytest.skip("bundled Yên Bái pilots not written yet")
    at = goto(open_app(monkeypatch), "gaps.py")
    at.multiselect(key="gaps_kinds").set_value(["stalled"]).run()
    vi = table(at, "Việc cần làm")
    assert len(vi) and vi["Vấn đề"].str.contains(' ở giai đoạn "').all()
    assert vi["Việc cần làm"].str.startswith("Kiểm tra vướng mắc ở ").all()
    at.segmented_control(key="lang").set_value("en").run()
    en = table(at, "Action")
    assert len(en) == len(vi) and en["Issue"].str.contains(" has been in the ").all()
    assert en["Action"].str.startswith("Find out what blocks ").all()
    assert not en["Issue"].str.contains("giai đoạn|ngày").any()
    csv = to_csv_bytes(en).decode("utf-8-sig")
    assert en["Issue"].iloc[0].split(" has been")[0] in csv and "Find out what blocks" in csv
