"""Importing a sheet: all or nothing, every bad row listed with its line and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from nhanrong.editing import save
from nhanrong.editing.errors import BadChangeError
from nhanrong.editing.imports import parse_date, parse_number, preview_import, read_sheet
from nhanrong.loader import load_programme

REL = "pilots/tiny/132.toml"


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_invalid_import_writes_nothing_and_lists_every_bad_row(make_repo, tmp_path: Path) -> None:
    root = make_repo()
    sheet = tmp_path / "tien-do.csv"
    sheet.write_text(
        "unit,unit_name,model,stage,since,metric,date,value,note\n"
        "04252,Phường Yên Ninh,tiny,evaluate,01/07/2022,,,,\n"           # 2: good
        "99999,?,tiny,pilot,2022-01-01,,,,\n"                            # 3: unknown unit
        "04249,Phường Yên Thịnh,tiny,,,accounts,31/12/2022,\"1.234,5\",\n"  # 4: good
        "04252,,tiny,,,accounts,2022-13-01,nhiều,\n"                     # 5: bad date and value
        "04252,,tiny,pilott,2022-05-01,,,,\n"                            # 6: bad stage
        ",,tiny,pilot,2022-05-01,,,,\n"                                  # 7: no unit
        "04252,,tiny,assess,2022-09-01,,,,\"dòng\nhai dòng\"\n"           # 8-9: stage order
        "04270,,tiny,scale,,,,,\n",                                       # 10: no date
        encoding="utf-8",
    )
    before = _files(root)
    preview = preview_import(root, sheet)
    assert not preview.ok
    lines = [r.line for r in preview.rejected]
    assert lines == [3, 5, 6, 7, 9, 10]
    text = {r.line: r.message for r in preview.rejected}
    assert 'không có đơn vị mã "99999"' in text[3]
    assert "ngày" in text[5] and "không phải là số" in text[5]
    assert 'có phải ý bạn là' in text[6] or "không hợp lệ" in text[6]
    assert "thiếu mã đơn vị" in text[7]
    assert "không thể bắt đầu trước" in text[9]
    assert "thiếu ngày" in text[10]
    with pytest.raises(Exception):
        save(preview.changeset, use_git=False)
    assert _files(root) == before


def test_valid_import_from_export_columns(make_repo, tmp_path: Path) -> None:
    root = make_repo()
    sheet = tmp_path / "status.csv"
    # unit_stages export columns: unit is the key, code the code; extra columns ignored
    sheet.write_text(
        "unit,code,name,kind,parent,model,stage,since\n"
        "old:04252,04252,Phường Yên Ninh,commune,old:132,tiny,evaluate,2022-07-01\n"
        "old:04249,04249,Phường Yên Thịnh,commune,old:132,tiny,scale,2022-06-01\n"     # unchanged
        "old:04270,04270,Xã Minh Bảo,commune,old:132,tiny,not_started,\n",              # skipped
        encoding="utf-8",
    )
    preview = preview_import(root, sheet)
    assert preview.ok, preview.rejected
    assert preview.rows == 3
    assert len(preview.changeset.changes) == 1 and len(preview.changeset.unchanged) == 1
    assert [line for line, _ in preview.skipped] == [4]
    assert preview.skipped[0][1].text("en") == "no stage nor metric: nothing to record"
    frame = preview.frame()
    assert frame.to_dict("records")[0] == {"line": 2, "unit": "old:04252", "model": "tiny", "stage": "evaluate",
                                          "metric": "", "date": dt.date(2022, 7, 1), "value": None, "note": ""}
    save(preview.changeset, use_git=False)
    a = load_programme(root).adoptions.set_index("unit")
    assert a.loc["old:04252", "evaluate"] == dt.datetime(2022, 7, 1)


def test_xlsx_with_vietnamese_headers(make_repo, tmp_path: Path) -> None:
    root = make_repo()
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Mô hình", "Chỉ số", "Ngày", "Giá trị", "Ghi chú"])
    ws.append(["04252", "tiny", "accounts", dt.datetime(2022, 12, 31), 412, "<script>alert(1)</script>"])
    ws.append([None, None, None, None, None, None])
    ws.append(["04252", "tiny", "people", "31/12/2022", "43,8", None])
    path = tmp_path / "chi-so.xlsx"
    wb.save(path)
    preview = preview_import(root, path.read_bytes(), name="chi-so.xlsx")
    assert preview.ok, preview.rejected
    assert [c.line for c in preview.changeset.changes] == [2, 4]
    save(preview.changeset, use_git=False)
    r = load_programme(root).readings
    got = r[(r["unit"] == "old:04252") & (r["date"] == dt.datetime(2022, 12, 31))].set_index("metric")["value"].to_dict()
    assert got == {"accounts": 412.0, "people": 43.8}
    assert 'note = "<script>alert(1)</script>"' in (root / REL).read_text(encoding="utf-8")


def test_semicolon_csv_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffunit;model;metric;date;value\n04252;tiny;accounts;2022-12-31;5\n".encode("utf-8"))
    assert read_sheet(path) == [(2, {"unit": "04252", "model": "tiny", "metric": "accounts", "date": "2022-12-31", "value": "5"})]


def test_other_file_types_refused(tmp_path: Path) -> None:
    with pytest.raises(BadChangeError, match=".csv hoặc .xlsx"):
        read_sheet(b"x", "a.ods")


@pytest.mark.parametrize("text, value", [
    ("412", 412.0), ("43,8", 43.8), ("43.8", 43.8), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("0.500", 0.5), (7, 7.0), (" 50595 ", 50595.0), ("-3", -3.0),
])
def test_parse_number(text, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["50.595", "1,234", "abc", "", "nan", True])
def test_parse_number_refuses_ambiguous_or_bad(text) -> None:
    with pytest.raises(BadChangeError):
        parse_number(text)


@pytest.mark.parametrize("text", ["2022-12-31", "31/12/2022", "31-12-2022", "31.12.2022", dt.datetime(2022, 12, 31, 0, 0), dt.date(2022, 12, 31)])
def test_parse_date(text) -> None:
    assert parse_date(text) == dt.date(2022, 12, 31)


@pytest.mark.parametrize("text, code", [("2022-13-01", "error.date_no_month"), ("12/31/2022", "error.date_no_month"),
                                        ("31/04/2022", "error.date_no_day"), ("hôm qua", "error.date_format")])
def test_parse_date_refuses(text: str, code: str) -> None:
    """In the words of the app's date fields and of every command (one date reader, one message)."""
    with pytest.raises(BadChangeError) as err:
        parse_date(text)
    assert err.value.code == code and text in err.value.text("vi")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadChangeError, match="không đọc được tệp"):
        read_sheet(tmp_path / "khong-co.csv")


def test_gaps_export_from_the_app_with_a_stage_column(make_repo, tmp_path: Path) -> None:
    """The app's gaps sheet (Vietnamese headers, model and unit by name, code in "Mã") with two columns filled in."""
    root = make_repo()
    sheet = tmp_path / "khoang-trong.csv"
    sheet.write_text(
        "Mức độ,Mô hình,Đơn vị,Mã,Loại khoảng trống,Từ ngày,Vấn đề,Việc cần làm,Giai đoạn,Ngày\n"
        "Cao,Mô hình thử,Phường Yên Ninh,04252,Dừng quá lâu,01/04/2022,Thí điểm quá lâu,Đánh giá,\"Đánh giá, rút kinh nghiệm\",15/07/2022\n"
        "Thấp,Mô hình thử,Xã Minh Bảo,04270,Chưa triển khai,,Chưa triển khai,Khảo sát,Chưa triển khai,\n",
        encoding="utf-8-sig",
    )
    preview = preview_import(root, sheet)
    assert preview.ok, preview.rejected
    (change,) = preview.changeset.changes
    assert (change.unit, change.model, change.stage, change.date) == ("04252", "tiny", "evaluate", dt.date(2022, 7, 15))
    assert [line for line, _ in preview.skipped] == [3]


def test_model_and_metric_by_name(make_repo, tmp_path: Path) -> None:
    root = make_repo()
    sheet = tmp_path / "chi-so.csv"
    sheet.write_text("Mã,Mô hình,Chỉ số,Ngày,Giá trị\n04252,Mô hình thử,Số tài khoản,30/09/2022,17\n", encoding="utf-8")
    preview = preview_import(root, sheet)
    assert preview.ok, preview.rejected
    (change,) = preview.changeset.changes
    assert (change.model, change.metric, change.value) == ("tiny", "accounts", 17.0)


def test_a_sheet_in_decomposed_unicode_with_model_and_stage_names_is_understood(make_repo, tmp_path: Path) -> None:
    """A sheet saved by a tool that writes NFD, with the model's name and the stage's Vietnamese label
    instead of ids: read as the same words, and the note written back in NFC."""
    import unicodedata

    root = make_repo()
    sheet = tmp_path / "nfd.csv"
    text = ("unit,model,stage,since,note\n"
            "04252,Mô hình thử,Đánh giá rút kinh nghiệm,01/07/2022,Đã họp rút kinh nghiệm\n")
    sheet.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    preview = preview_import(root, sheet)
    assert preview.ok, [r.message for r in preview.rejected]
    save(preview.changeset, use_git=False)
    written = (root / REL).read_text(encoding="utf-8")
    assert "Đã họp rút kinh nghiệm" in written and unicodedata.is_normalized("NFC", written)
    rec = load_programme(root).adoptions.set_index("unit").loc["old:04252"]
    assert str(rec["evaluate"].date()) == "2022-07-01"
