"""The overview's brief buttons: PDF and HTML when WeasyPrint works here, the HTML and the reason
when it does not, and a note when the data repository brings its own template."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import nhanrong.brief as brief_module
from nhanrong.brief import PdfUnavailable
from test_app_pages import open_app


@pytest.fixture(autouse=True)
def _full_errors():
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


def captions(at: AppTest) -> str:
    return "\n".join(c.value.replace("\\", "") for c in at.caption)


def test_without_weasyprint_the_overview_offers_the_html_and_says_why(monkeypatch, make_repo):
    monkeypatch.setattr(brief_module, "_weasyprint", lambda: PdfUnavailable("brief.pdf.no_library", error="libpango"))
    at = open_app(monkeypatch, make_repo())
    keys = {b.key for b in at.download_button}
    assert "brief_pdf" not in keys
    assert at.download_button(key="brief_download").label == "Tải bản tin cho Ban chỉ đạo (HTML, in được)"
    assert "Máy chủ này chưa tạo được PDF (thiếu thư viện hệ thống của WeasyPrint" in captions(at)
    assert ": libpango)" in captions(at)


def test_with_weasyprint_the_overview_offers_the_pdf_first(monkeypatch, make_repo):
    monkeypatch.setattr(brief_module, "_weasyprint", lambda: object)  # any renderer: the buttons only
    at = open_app(monkeypatch, make_repo())
    assert at.download_button(key="brief_pdf").label == "Tải bản tin cho Ban chỉ đạo (PDF, khổ A4)"
    assert at.download_button(key="brief_download").label == "Bản HTML (in từ trình duyệt)"
    assert "chưa tạo được PDF" not in captions(at)


def test_a_repositorys_own_template_is_named_on_the_overview(monkeypatch, make_repo):
    root = make_repo({"templates/brief.html.j2": '{% extends "nhanrong/brief.html.j2" %}'})
    at = open_app(monkeypatch, root)
    assert "Mẫu bản tin riêng của kho dữ liệu: templates/brief.html.j2" in captions(at)
