"""The steering-committee summary, decisions and the print-ready HTML brief."""

from __future__ import annotations

import datetime as dt
import html
from html.parser import HTMLParser

import pandas as pd
import pytest

from nhanrong.brief import (BriefData, build_brief, decisions, fmt_delta, format_gaps, format_targets, reform_notes,
                            status_table, summarise)
from nhanrong.schema import ModelFile

AS_OF = dt.date(2022, 12, 31)


def model(name: str, adopted_by=("party-cell",), **extra) -> ModelFile:
    stage = {"expected_days": 30}
    return ModelFile(name=name, pillars=["society"], adopted_by=list(adopted_by),
                     stages={"assess": stage, "pilot": stage, "evaluate": stage, "scale": stage}, **extra)


MODELS = {"party-handbook": model("Sổ tay đảng viên điện tử tỉnh Yên Bái"),
          "evil": model('<script>alert("x")</script> & Co')}


def status_rows(**coverage) -> pd.DataFrame:
    rows = []
    for mid, (eligible, scale) in coverage.items():
        rows.append({"model": mid.replace("_", "-"), "scope": "15", "scope_key": "old:15", "scope_name": "Tỉnh Yên Bái",
                     "structure": "old", "level": "province", "as_of": AS_OF, "eligible": eligible,
                     "not_started": eligible - scale, "assess": 0, "pilot": 0, "evaluate": 0, "scale": scale,
                     "coverage": scale / eligible if eligible else float("nan")})
    return pd.DataFrame(rows)


TARGETS = pd.DataFrame([
    {"model": "party-handbook", "metric": "coverage", "scope": "15", "structure": "old", "target": 1.0,
     "target_date": dt.date(2025, 12, 31), "actual": 0.438, "gap": 0.562, "verdict": "behind", "projected": 0.8,
     "verdict_vi": "Chậm"},
    {"model": "party-handbook", "metric": "coverage", "scope": "15", "structure": "old", "target": 0.3,
     "target_date": dt.date(2022, 6, 30), "actual": 0.438, "gap": 0.0, "verdict": "met", "projected": 0.438,
     "verdict_vi": "Đạt"},
])

# Gap rows as find_gaps makes them: a message code and its parameters, rendered by the brief.
HANDBOOK = {"model_name": "Sổ tay đảng viên điện tử tỉnh Yên Bái", "model_name_en": "Party handbook"}
GAPS = pd.DataFrame([
    {"unit": "CB-1", "unit_key": "old:CB-1", "unit_name": "Chi bộ <b>1</b>", "model": "party-handbook", "kind": "stalled",
     "since": pd.Timestamp("2022-02-01"), "severity": "high", "severity_rank": 3, "code": "gap.stalled", **HANDBOOK,
     "stage": "pilot", "n": 400, "m": 30, "day": pd.Timestamp("2022-01-02")},
    {"unit": "CB-2", "unit_key": "old:CB-2", "unit_name": "Chi bộ 2", "model": "party-handbook", "kind": "stalled",
     "since": pd.Timestamp("2022-03-01"), "severity": "medium", "severity_rank": 2, "code": "gap.stalled", **HANDBOOK,
     "stage": "pilot", "n": 335, "m": 30, "day": pd.Timestamp("2022-01-30")},
    {"unit": "evil", "unit_key": "evil", "unit_name": "models/evil.toml", "model": "evil", "kind": "definition",
     "since": pd.NaT, "severity": "low", "severity_rank": 1, "code": "gap.definition.targets",
     "model_name": '<script>alert("x")</script> & Co', "model_name_en": '<script>alert("x")</script> & Co'},
])
STUCK_VI = "Chi bộ <b>1</b> ở giai đoạn \"thí điểm\" của \"Sổ tay đảng viên điện tử tỉnh Yên Bái\" đã 400 ngày (từ 02/01/2022), quá 370 ngày so với dự kiến 30 ngày"
STUCK_EN = "Chi bộ <b>1</b> has been in the \"pilot\" stage of \"Party handbook\" for 400 days (since 2022-01-02), 370 days over the expected 30"


def test_summary_takes_the_next_coverage_target_and_the_trend():
    now = status_rows(party_handbook=(1000, 438), evil=(0, 0))
    prev = status_rows(party_handbook=(1000, 9), evil=(0, 0))
    s = summarise(now, prev, TARGETS, MODELS, "15", AS_OF).set_index("model")
    assert s.loc["party-handbook", "coverage"] == pytest.approx(0.438)
    assert s.loc["party-handbook", "delta"] == pytest.approx(42.9)
    assert s.loc["party-handbook", "target"] == 1.0  # the 2025 target, not the one already past
    assert s.loc["party-handbook", "verdict"] == "behind"
    assert pd.isna(s.loc["evil", "coverage"])  # no eligible unit: no share, not 0%


def test_summary_of_a_model_without_records_shows_zeros():
    s = summarise(status_rows(), None, TARGETS.iloc[0:0], MODELS, "15", AS_OF)
    assert s["eligible"].tolist() == [0, 0]
    assert s["target"].isna().all()


def test_status_table_formats_in_vietnamese():
    now = status_rows(party_handbook=(1000, 438), evil=(0, 0))
    table = status_table(summarise(now, None, TARGETS, MODELS, "15", AS_OF), "vi")
    row = table.iloc[0]
    assert row["Độ bao phủ"] == "43,8%"
    assert row["Đủ điều kiện"] == "1.000"
    assert row["Chỉ tiêu"] == "100,0% · 31/12/2025"
    assert row["Đánh giá"] == "Chậm"


@pytest.mark.parametrize("points, lang, expected", [
    (42.9, "vi", "+42,9 điểm %"), (-3.25, "en", "-3.2 pts"), (0.0, "vi", "±0,0 điểm %"), (float("nan"), "vi", None)])
def test_fmt_delta(points, lang, expected):
    assert fmt_delta(points, lang) == expected


def test_decisions_group_by_model_and_kind_most_severe_first():
    out = decisions(TARGETS, GAPS, MODELS, "vi")
    assert out[0].startswith("«Sổ tay đảng viên điện tử tỉnh Yên Bái»: chỉ tiêu Độ bao phủ (100,0% đến 31/12/2025) đang chậm")
    assert "2 đơn vị dừng quá lâu" in out[1]  # two stalled cells, one line
    assert "chưa có chỉ tiêu cụ thể" in out[2]
    assert len(out) == 3
    en = decisions(TARGETS, GAPS, MODELS, "en")
    assert "2 unit(s) stuck" in en[1]


def test_decisions_empty_when_all_is_well():
    assert decisions(TARGETS[TARGETS["verdict"] == "met"], GAPS.iloc[0:0], MODELS, "vi") == []


def test_format_gaps_in_english_uses_english_messages():
    table = format_gaps(GAPS, MODELS, "en")
    assert table["Issue"].tolist()[0] == STUCK_EN
    assert table["Action"].tolist()[0].startswith("Find out what blocks Chi bộ <b>1</b>")
    assert format_gaps(GAPS, MODELS, "vi")["Vấn đề"].tolist()[0] == STUCK_VI
    assert table["Severity"].tolist() == ["High", "Medium", "Low"]
    assert table["Since"].tolist()[0] == "2022-02-01"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def brief(lang="vi") -> str:
    now = status_rows(party_handbook=(1000, 438), evil=(0, 0))
    summary = summarise(now, None, TARGETS, MODELS, "15", AS_OF)
    return build_brief(BriefData('Tỉnh Yên Bái <i>', AS_OF, summary, TARGETS, GAPS, MODELS, illustrative=True,
                                 today=dt.date(2023, 1, 5)), lang)


def test_brief_is_a_complete_printable_document():
    doc = brief()
    assert doc.startswith("<!DOCTYPE html>") and doc.endswith("</html>")
    assert "size: A4;" in doc and "thead { display: table-header-group; }" in doc
    assert "Tính đến ngày 31/12/2022" in doc and "Lập ngày 05/01/2023" in doc
    for section in ("1. Tình hình triển khai các mô hình", "2. Chỉ tiêu", "3. Khoảng trống chính",
                    "4. Đề nghị Ban chỉ đạo quyết định"):
        assert section in doc
    assert "43,8%" in doc
    assert "dữ liệu cấp đơn vị mang tính minh hoạ" in doc


def test_brief_escapes_every_piece_of_data():
    doc = brief()
    parser = _Collect()
    parser.feed(doc)
    assert "script" not in parser.tags and "b" not in parser.tags and "i" not in parser.tags
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in doc
    assert '<script>alert("x")</script> & Co' in html.unescape("".join(parser.text))
    assert "Chi bộ &lt;b&gt;1&lt;/b&gt;" in doc
    assert "<script" not in doc


def test_brief_in_english():
    doc = brief("en")
    assert "As of 2022-12-31" in doc and "43.8%" in doc and "4. Decisions needed" in doc
    assert '<html lang="en">' in doc


def test_brief_lists_the_first_gaps_and_counts_the_rest():
    many = pd.concat([GAPS.iloc[[0]]] * 30, ignore_index=True)
    now = status_rows(party_handbook=(1000, 438), evil=(0, 0))
    doc = build_brief(BriefData("Tỉnh Yên Bái", AS_OF, summarise(now, None, TARGETS, MODELS, "15", AS_OF), TARGETS,
                                many, MODELS), "vi")
    assert doc.count("quá 370 ngày so với dự kiến 30 ngày") == 25
    assert "… và 5 khoảng trống khác (xem ứng dụng)." in doc


# --- after the 2025 reform: scopes, communes, history and parts ----------------------------------------


def test_format_targets_names_the_scope():
    rows = pd.concat([TARGETS.assign(scope_name="Tỉnh Yên Bái"),
                      TARGETS.iloc[[0]].assign(scope="", scope_name="toàn bộ dữ liệu"),
                      TARGETS.iloc[[0]].assign(scope="132", scope_name="Thành phố Yên Bái")], ignore_index=True)
    vi = format_targets(rows, MODELS, "vi")
    assert list(vi.columns[:3]) == ["Mô hình", "Phạm vi", "Chỉ số"]
    assert vi["Phạm vi"].tolist() == ["Tỉnh Yên Bái", "Tỉnh Yên Bái", "toàn bộ dữ liệu", "Thành phố Yên Bái"]
    assert format_targets(rows, MODELS, "en")["Scope"].tolist()[2] == "all data"
    # Seen from the new structure, a unit of the old one says so.
    assert format_targets(rows, MODELS, "vi", "new")["Phạm vi"].tolist()[3] == "Thành phố Yên Bái (cấu trúc cũ)"
    assert format_targets(TARGETS, MODELS, "vi")["Phạm vi"].tolist() == ["15", "15"]  # no name: the code


def test_format_gaps_names_the_commune():
    gaps = GAPS.assign(commune_name=["Phường Yên Ninh", "", ""])
    table = format_gaps(gaps, MODELS, "vi")
    assert list(table.columns[:5]) == ["Mức độ", "Mô hình", "Đơn vị", "Mã", "Xã"]
    assert table["Xã"].tolist() == ["Phường Yên Ninh", "", ""]
    assert format_gaps(GAPS, MODELS, "en")["Commune"].tolist() == ["", "", ""]  # an older frame without the column


def test_decisions_name_the_unit_of_a_target_within_the_scope():
    district = TARGETS.iloc[[0]].assign(scope="132", scope_name="Thành phố Yên Bái")
    own = TARGETS.iloc[[0]].assign(scope_name="Tỉnh Yên Bái")
    out = decisions(pd.concat([own, district]), GAPS.iloc[0:0], MODELS, "vi", ("old", "15"))
    assert out[0].startswith("«Sổ tay đảng viên điện tử tỉnh Yên Bái»: chỉ tiêu Độ bao phủ (100,0%")
    assert out[1].startswith("«Sổ tay đảng viên điện tử tỉnh Yên Bái»: chỉ tiêu Độ bao phủ của Thành phố Yên Bái (100,0%")


def new_rows(**coverage) -> pd.DataFrame:
    """status rows in the new structure with history and parts: (eligible, scale, history, parts, parts_scale)."""
    rows = []
    for mid, (eligible, scale, history, parts, parts_scale) in coverage.items():
        rows.append({"model": mid, "scope": "15", "scope_key": "new:15", "scope_name": "Tỉnh Lào Cai", "structure": "new",
                     "level": "province", "as_of": AS_OF, "eligible": eligible, "not_started": eligible - scale, "assess": 0,
                     "pilot": 0, "evaluate": 0, "scale": scale, "coverage": scale / eligible, "history": history,
                     "parts": parts, "parts_scale": parts_scale})
    return pd.DataFrame(rows)


REFORM_MODELS = {"district": model("Mô hình cấp huyện", adopted_by=["district"]),
                 "commune": model("Mô hình cấp xã", adopted_by=["commune"]),
                 "team": model("Tổ cộng đồng", adopted_by=["village", "commune"])}


def reform_summary():
    now = new_rows(district=(18, 1, 18, 18, 1), commune=(99, 0, 0, 319, 14), team=(1455, 1407, 0, 1675, 1524))
    return summarise(now, None, TARGETS.iloc[0:0], REFORM_MODELS, "15", AS_OF)


def test_reform_notes_say_why_the_new_structure_differs():
    s = reform_summary().set_index("model")
    assert s.loc["commune", ["history", "parts", "parts_scale"]].tolist() == [0, 319, 14]
    assert reform_notes(s.loc["district"], REFORM_MODELS["district"], "vi") == [
        "Gồm 18 huyện (cấp đã bỏ), theo trạng thái ngày 30/06/2025."]
    assert reform_notes(s.loc["commune"], REFORM_MODELS["commune"], "vi") == [
        "99 xã mới gồm 319 xã cũ; 14 trong số đó đã nhân rộng."]
    assert reform_notes(s.loc["team"], REFORM_MODELS["team"], "vi") == [
        "1.455 đơn vị hiện nay ứng với 1.675 đơn vị trước sắp xếp; 1.524 trong số đó đã nhân rộng."]
    assert reform_notes(s.loc["commune"], REFORM_MODELS["commune"], "en") == [
        "99 new communes made of 319 former ones; 14 of those at scale."]
    assert reform_notes(s.loc["district"], REFORM_MODELS["district"], "en") == [
        "Includes 18 districts (an abolished level), as they stood on 2025-06-30."]
    # The old structure (and an older status frame without the columns) has nothing to explain.
    old = summarise(status_rows(party_handbook=(1000, 438)), None, TARGETS, MODELS, "15", AS_OF)
    assert reform_notes(old.iloc[0], MODELS["party-handbook"], "vi") == []


def test_reform_notes_use_the_repositorys_words():
    from nhanrong.schema import KindSpec

    team = model("Tổ xóm", adopted_by=["village"])
    row = pd.Series({"eligible": 10, "history": 0, "parts": 12, "parts_scale": 3})
    assert reform_notes(row, team, "vi", {"village": KindSpec(name="xóm")}) == [
        "10 xóm mới gồm 12 xóm cũ; 3 trong số đó đã nhân rộng."]


def test_brief_in_the_new_structure_explains_history_and_parts():
    doc = build_brief(BriefData("Tỉnh Lào Cai", AS_OF, reform_summary(), TARGETS.iloc[0:0], GAPS.iloc[0:0], REFORM_MODELS,
                                scope="15", structure="new", programme="Chuyển đổi số <thử>"), "vi")
    assert "Đọc số liệu theo cấu trúc mới (từ 01/07/2025):" in doc
    assert "«Mô hình cấp huyện»: Gồm 18 huyện (cấp đã bỏ), theo trạng thái ngày 30/06/2025." in doc
    assert "«Mô hình cấp xã»: 99 xã mới gồm 319 xã cũ; 14 trong số đó đã nhân rộng." in doc
    assert "Chương trình: Chuyển đổi số &lt;thử&gt;" in doc
    assert doc.index("Đọc số liệu theo cấu trúc mới") < doc.index("2. Chỉ tiêu")  # under the status table
    assert "cấu trúc mới" not in brief()  # the old structure: no note


# --- the template a province adapts, the official dates, the PDF -------------------------------------

import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

from nhanrong.brief import PdfUnavailable, brief_pdf, pdf_support, template_path  # noqa: E402


def yen_bai_brief(lang="vi", root=None, gaps=GAPS, models=MODELS, **coverage) -> str:
    now = status_rows(**(coverage or {"party_handbook": (1000, 438), "evil": (0, 0)}))
    summary = summarise(now, None, TARGETS, models, "15", AS_OF)
    return build_brief(BriefData("Tỉnh Yên Bái", AS_OF, summary, TARGETS, gaps, models, illustrative=True,
                                 today=dt.date(2023, 1, 5), scope="15", structure="old"), lang, root=root)


def test_brief_carries_the_official_date_and_quarter():
    doc = yen_bai_brief()
    assert "Yên Bái, ngày 05 tháng 01 năm 2023" in doc and "Kỳ báo cáo: quý IV/2022" in doc
    en = yen_bai_brief("en")
    assert "Yên Bái, 5 January 2023" in en and "Reporting period: Q4 2022" in en


def test_a_data_repository_overrides_the_template_by_extending_it(tmp_path):
    assert template_path(tmp_path) == template_path(None)  # no override: the packaged template
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "brief.html.j2").write_text(
        '{% extends "nhanrong/brief.html.j2" %}\n'
        '{% block letterhead %}<p class="org">UBND TỈNH YÊN BÁI · BAN CHỈ ĐẠO CĐS</p>{% endblock %}\n'
        '{% block signature %}<p class="signature">TM. Ban chỉ đạo · {{ today_long }} · {{ scope_name }}</p>{% endblock %}\n',
        encoding="utf-8")
    assert template_path(tmp_path) == tmp_path / "templates" / "brief.html.j2"
    doc = build_brief(BriefData("Tỉnh <Yên Bái>", AS_OF, summarise(status_rows(party_handbook=(1000, 438)), None,
                                                                     TARGETS, MODELS, "15", AS_OF), TARGETS, GAPS, MODELS,
                                today=dt.date(2023, 2, 5)), "vi", root=tmp_path)
    assert '<p class="org">UBND TỈNH YÊN BÁI · BAN CHỈ ĐẠO CĐS</p>' in doc
    assert "TM. Ban chỉ đạo · ngày 05 tháng 02 năm 2023 · Tỉnh &lt;Yên Bái&gt;" in doc  # data stays escaped
    assert "1. Tình hình triển khai các mô hình" in doc and "43,8%" in doc  # the rest is the packaged brief


def test_a_repository_template_replaces_the_brief_and_cannot_run_code(tmp_path):
    (tmp_path / "templates").mkdir()
    own = tmp_path / "templates" / "brief.html.j2"
    own.write_text("<h1>{{ t('brief.title') }}</h1>{% for x in decisions %}<li>{{ x }}</li>{% endfor %}"
                   "<p>{{ status.rows[0][7] }} · {{ quarter }} · {{ as_of_long }}</p>", encoding="utf-8")
    doc = yen_bai_brief(root=tmp_path)
    assert doc.startswith("<h1>Bản tin cho Ban chỉ đạo chuyển đổi số</h1>")
    assert "<p>43,8% · quý IV/2022 · ngày 31 tháng 12 năm 2022</p>" in doc
    own.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):  # the template comes with the data: sandboxed
        yen_bai_brief(root=tmp_path)


def test_data_inside_the_print_stylesheet_cannot_end_the_string_or_the_style():
    now = status_rows(party_handbook=(1000, 438))
    doc = build_brief(BriefData('Xã "A" </style><script>x()</script>', AS_OF,
                                summarise(now, None, TARGETS, MODELS, "15", AS_OF), TARGETS, GAPS, MODELS), "vi")
    style = doc[doc.index("<style>"):doc.index("</style>")]
    assert "<script" not in doc and '"A"' not in style and "\\22 A\\22 " in style


def test_brief_text_is_composed_unicode():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Tỉnh Yên Bái")
    now = status_rows(party_handbook=(1000, 438))
    doc = build_brief(BriefData(nfd, AS_OF, summarise(now, None, TARGETS, MODELS, "15", AS_OF), TARGETS, GAPS, MODELS), "vi")
    assert nfd not in doc and "Tỉnh Yên Bái" in doc and unicodedata.is_normalized("NFC", doc)


def require_pdf() -> None:
    """WeasyPrint is in the test extra; only a missing system library (Pango) may skip, and not in CI."""
    problem = pdf_support()
    if problem is None:
        return
    import importlib.util

    if importlib.util.find_spec("weasyprint") is None:
        pytest.fail(f"WeasyPrint is missing although the test extra installs it: {problem.text('en')}")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must install WeasyPrint's system libraries (see .ci/run): {problem.text('en')}")
    pytest.skip(problem.text("en"))


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{tool} is missing: CI must install poppler-utils (see .ci/run)")
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")
    return path


def pdf_text(pdf: bytes, tmp_path, first: int | None = None) -> str:
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(first), "-l", str(first)] if first else []
    return subprocess.run([poppler("pdftotext"), "-layout", *pages, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_brief_as_a_pdf_an_a4_document_with_vietnamese_text(tmp_path):
    require_pdf()
    pdf = brief_pdf(yen_bai_brief())
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    for words in ("Bản tin cho Ban chỉ đạo chuyển đổi số", "43,8%", "Yên Bái, ngày 05 tháng 01 năm 2023",
                  "Kỳ báo cáo: quý IV/2022", "4. Đề nghị Ban chỉ đạo quyết định", "Chậm", "Trang 1/2"):
        assert words in text, words
    info = subprocess.run([poppler("pdfinfo"), str(tmp_path / "brief.pdf")], check=True, capture_output=True,
                          text=True).stdout
    assert "(A4)" in info and re.search(r"Page size: +595\.\d+ x 841\.89 pts", info)
    fonts = subprocess.run([poppler("pdffonts"), str(tmp_path / "brief.pdf")], check=True, capture_output=True,
                           text=True).stdout
    lines = [line.split() for line in fonts.splitlines()[2:]]
    assert lines and all("Noto" in w[0] or "DejaVu" in w[0] for w in lines)  # fonts with every Vietnamese letter
    assert all(w[-5:-2] == ["yes", "yes", "yes"] for w in lines)  # embedded, subset, with a Unicode map


def test_a_long_table_repeats_its_header_row_on_the_next_page(tmp_path):
    require_pdf()
    models = {f"m{i:02d}": model(f"Mô hình thử số {i:02d}") for i in range(70)}
    coverage = {f"m{i:02d}": (100, i) for i in range(70)}
    pdf = brief_pdf(yen_bai_brief(models=models, gaps=GAPS.iloc[0:0], **coverage))
    page1, page2 = pdf_text(pdf, tmp_path, 1), pdf_text(pdf, tmp_path, 2)
    assert "Mô hình thử số 00" in page1 and "Mô hình thử số 69" not in page1
    assert "Mô hình thử số 69" in page2 or "Mô hình thử số 69" in pdf_text(pdf, tmp_path, 3)
    assert page2.split()[:4] == ["Mô", "hình", "Đủ", "Chưa"]  # the header row again, first on the page
    assert "Trang 2/" in page2


def test_without_weasyprint_the_reason_is_given_in_both_languages(monkeypatch):
    import nhanrong.brief as brief_module

    from nhanrong.errors import NhanRongError

    monkeypatch.setattr(brief_module, "_weasyprint", lambda: PdfUnavailable("brief.pdf.no_library", error="libpango"))
    problem = pdf_support()
    assert problem.code == "brief.pdf.no_library" and isinstance(problem, NhanRongError)
    assert problem.text("vi").startswith("thiếu thư viện hệ thống của WeasyPrint (apt-get install")
    assert problem.text("vi").endswith(": libpango")
    assert problem.text("en").startswith("a system library WeasyPrint needs is missing") and "thiếu" not in problem.text("en")
    with pytest.raises(PdfUnavailable):
        brief_pdf("<p>x</p>")


# --- the province's indicators and target sets (indicators/) ------------------------------------------

from nhanrong.brief import (fmt_indicator, fmt_indicator_change, fmt_indicator_target, format_indicators,  # noqa: E402
                            set_headline)


@pytest.mark.parametrize("value, unit, lang, expected", [
    (27, "/63", "vi", "27/63"), (5277, "sản phẩm", "vi", "5.277 sản phẩm"), (5277, "sản phẩm", "en", "5,277 sản phẩm"),
    (0.3077, "%", "vi", "30,77%"), (0.727, "%", "vi", "72,7%"), (0.4, "%", "en", "40.0%"), (float("nan"), "/63", "vi", "–"),
])
def test_fmt_indicator(value, unit, lang, expected):
    assert fmt_indicator(value, unit, lang) == expected


@pytest.mark.parametrize("change, unit, lang, expected", [
    (-13, "/63", "vi", "+13 bậc"), (12, "/63", "en", "-12 places"), (0.06, "%", "vi", "+6,0 điểm %"),
    (35840, "tài khoản", "vi", "+35.840 tài khoản"), (-5, "văn bản", "vi", "-5 văn bản"), (0, "lượt", "vi", "±0 lượt"),
    (float("nan"), "/63", "vi", None),
])
def test_fmt_indicator_change(change, unit, lang, expected):
    assert fmt_indicator_change(change, unit, lang) == expected


def test_fmt_indicator_target():
    assert fmt_indicator_target(25, "/63", "lower", "vi") == "≤ 25/63"
    assert fmt_indicator_target(0.3, "%", "higher", "vi") == "30,0%"
    assert fmt_indicator_target(float("nan"), "/63", "lower", "vi") == "–"


@pytest.fixture(scope="module")
def yen_bai_indicators():
    from conftest import BUNDLED
    from nhanrong.graph import build_graph
    from nhanrong.indicators import evaluate_indicators, evaluate_target_sets
    from nhanrong.loader import load_programme

    pg = build_graph(load_programme(BUNDLED))
    return (evaluate_indicators(pg, AS_OF, scope=("old", "15")), tuple(evaluate_target_sets(pg, AS_OF, scope=("old", "15"))),
            pg.programme.models)


def test_format_indicators_names_pillar_figure_target_and_source(yen_bai_indicators):
    frame, _, models = yen_bai_indicators
    table = format_indicators(frame, models, "vi").set_index("Chỉ số")
    assert list(table.columns) == ["Trụ cột", "Giá trị", "Ngày", "Thay đổi", "Chỉ tiêu", "Đánh giá", "Nguồn"]
    dti = table.loc["Xếp hạng chỉ số chuyển đổi số cấp tỉnh (DTI)"]
    assert dti.tolist() == ["Chung", "27/63", "31/12/2022", "+13 bậc", "≤ 25/63 · 31/12/2023", "Đúng tiến độ",
                            "Báo TN&MT, 27/02/2023: «Yên Bái triển khai và nhân rộng 7 mô hình chuyển đổi số»"]
    products = table.loc["Sản phẩm nông nghiệp trên hai sàn thương mại điện tử (voso, PostMart)"]
    assert products[["Trụ cột", "Giá trị", "Thay đổi", "Chỉ tiêu", "Đánh giá"]].tolist() == [
        "Kinh tế số", "5.277 sản phẩm", "–", "–", "–"]
    assert table.loc["Tài khoản mới trên Cổng dịch vụ công quốc gia và của tỉnh trong năm", "Nguồn"] == (
        "Cộng dồn từ mô hình «Mô hình công dân số», chỉ số «Số tài khoản dịch vụ công mới từ đầu năm», tính đến "
        "31/12/2022: không nhập lại số này.")
    en = format_indicators(frame, models, "en").set_index("Metric")
    assert en.loc["Provincial digital-transformation index (DTI) rank", "Change"] == "+13 places"


def test_set_headline(yen_bai_indicators):
    _, sets, _ = yen_bai_indicators
    headline, caption = set_headline(sets[0], "vi")
    assert headline == "11/22 chỉ tiêu đạt"
    assert caption.startswith("Mục tiêu chuyển đổi số của tỉnh đến năm 2025, hạn 31/12/2025. Báo cáo ngày 31/12/2022. "
                              "Nguồn: VietNamNet, «Chuyển đổi số ở Yên Bái: những bước tiến mạnh mẽ»")
    assert set_headline(sets[0], "en")[0] == "11 of 22 targets met"


def indicator_brief(yen_bai_indicators, lang="vi", indicators=None) -> str:
    frame, sets, _ = yen_bai_indicators
    now = status_rows(party_handbook=(1000, 438))
    return build_brief(BriefData("Tỉnh Yên Bái", AS_OF, summarise(now, None, TARGETS, MODELS, "15", AS_OF), TARGETS,
                                 GAPS.iloc[0:0], MODELS, today=dt.date(2023, 1, 5), scope="15", structure="old",
                                 indicators=frame if indicators is None else indicators, target_sets=sets), lang)


def test_the_brief_prints_the_provinces_indicators_under_targets(yen_bai_indicators):
    doc = indicator_brief(yen_bai_indicators)
    assert doc.index("2. Chỉ tiêu") < doc.index("<h3>Chỉ số và mục tiêu của tỉnh</h3>") \
        < doc.index("<h3>Chỉ tiêu của các mô hình</h3>") < doc.index("3. Khoảng trống chính")
    assert "<b>11/22 chỉ tiêu đạt</b>. Mục tiêu chuyển đổi số của tỉnh đến năm 2025, hạn 31/12/2025." in doc
    for cell in ('<td class="num">5.277 sản phẩm</td>', '<td class="num">27/63</td>', '<td class="num">+13 bậc</td>',
                 "<td>≤ 25/63 · 31/12/2023</td>",
                 "<td>Đúng tiến độ</td>", '<td class="num">30,77%</td>', "<td>Kinh tế số</td>"):
        assert cell in doc, cell
    assert "Báo TN&amp;MT, 27/02/2023" in doc  # data is escaped
    assert "Provincial digital-transformation index (DTI) rank" in indicator_brief(yen_bai_indicators, "en")


def test_an_indicator_behind_its_target_is_a_decision(yen_bai_indicators):
    frame = yen_bai_indicators[0].copy()
    frame.loc[frame["indicator"] == "dti_rank", "verdict"] = "behind"
    frame.loc[frame["indicator"] == "dti_rank", "name"] = "Xếp hạng <b>DTI</b>"
    out = decisions(TARGETS.iloc[0:0], GAPS.iloc[0:0], MODELS, "vi", indicators=frame)
    assert out == ["Chỉ số «Xếp hạng <b>DTI</b>»: chỉ tiêu ≤ 25/63 đến 31/12/2023 đang chậm, hiện 27/63. "
                   "Giao đơn vị chủ trì đề xuất giải pháp."]
    doc = indicator_brief(yen_bai_indicators, indicators=frame)
    assert "Xếp hạng &lt;b&gt;DTI&lt;/b&gt;" in doc and "<b>DTI</b>" not in doc


def test_the_pdf_brief_prints_the_indicators(yen_bai_indicators, tmp_path):
    require_pdf()
    text = pdf_text(brief_pdf(indicator_brief(yen_bai_indicators)), tmp_path)
    for words in ("Chỉ số và mục tiêu của tỉnh", "11/22 chỉ tiêu đạt", "5.277 sản phẩm", "27/63", "≤ 25/63",
                  "Đúng tiến độ", "Chỉ tiêu của các mô hình"):
        assert words in text, words
