"""nhanrong.decisions and the cascade of targets (nhanrong.targets.scope_targets) on the bundled data,
and the brief's first page (status, verdicts, decisions) read back from the PDF."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from conftest import BUNDLED
from nhanrong.decisions import child_verdicts, counts_text, find_decisions, kind_counts, structure_notes
from nhanrong.graph import build_graph
from nhanrong.loader import load_programme
from nhanrong.status import unit_stages
from nhanrong.targets import scope_targets, target_sources

AS_OF = dt.date(2022, 12, 31)
pytestmark = pytest.mark.skipif(not (BUNDLED / "pilots" / "party-handbook").is_dir(), reason="needs the bundled data")


@pytest.fixture(scope="module")
def pg():
    return build_graph(load_programme(BUNDLED))


def test_province_targets_cascade_to_districts_and_communes_in_both_structures(pg):
    assert target_sources(pg, "old", "04375") == [[("old", "04375")], [("old", "136")], [("old", "15")], [("", "")]]
    for structure, scope in (("old", "136"), ("old", "04375"), ("new", "04381"), ("new", "15")):
        tg = scope_targets(pg, AS_OF, structure, scope)
        cov = tg[tg["metric"] == "coverage"]
        assert len(cov) >= 5, (structure, scope)
        assert set(cov["origin"]) == {"inherited"} and set(cov["source_name"]) == {"Tỉnh Yên Bái"}
        assert set(cov["verdict"]) <= {"met", "on-track", "behind", "overdue"}
        assert (cov["target_date"].astype(str) == "2025-12-31").sum() >= 4  # same date as the province's
    own = scope_targets(pg, AS_OF, "old", "15")
    assert set(own["origin"]) == {"own"}
    # counts do not cascade: 10.850 members is the province's, not each district's
    van_yen = scope_targets(pg, AS_OF, "old", "136")
    assert "members" not in set(van_yen["metric"]) and "new_accounts" not in set(van_yen["metric"])
    row = van_yen[(van_yen["model"] == "commune") & (van_yen["metric"] == "coverage")].iloc[0]
    assert row["actual"] == pytest.approx(1 / 25) and row["verdict"] == "behind"


def test_child_rows_have_verdicts(pg):
    rows = child_verdicts(pg, AS_OF, "old", "136", scope_targets(pg, AS_OF, "old", "136"))
    assert len(rows) > 25 and rows["verdict"].notna().all()
    assert set(rows["verdict"]) <= {"met", "on-track", "behind", "overdue"}


def test_decisions_at_van_yen_name_units_and_numbers(pg):
    found = find_decisions(pg, AS_OF, "old", "136", "vi")
    assert found
    assert all(d.units for d in found)  # nothing that names no unit
    top = found[0]
    assert top.kind == "target" and top.shortfall > 0 and re.search(r"còn thiếu \d+ đơn vị", top.why)
    ranks = [d.rank for d in found]
    assert ranks == sorted(ranks, reverse=True)
    commune = next(d for d in found if d.model == "commune")
    assert any("1.560.000.000 đồng" in x for x in commune.unblock)  # the plan's binding constraint
    assert commune.evidence["plan"] == "yen-bai-2023-xa-so"
    en = find_decisions(pg, AS_OF, "old", "136", "en")
    assert any("«Digital citizens»" in d.title for d in en)


def test_separate_counts_by_adopter_kind_and_the_structure_notes(pg):
    us = unit_stages(pg, AS_OF, structure="old", scope="15")
    counts = kind_counts(us, "community-team")
    assert {k for k, _, _ in counts} == {"village", "commune"}
    text = counts_text(pg, counts, "vi")
    assert re.fullmatch(r"1\.356 .+ và 173 xã", text), text
    notes = structure_notes(pg, "new", "15", "vi")
    assert any("Chưa có bản ghi nào của Tỉnh Lào Cai" in n for n in notes), notes
    assert structure_notes(pg, "old", "15", "vi") == []


def test_brief_first_page_holds_status_verdicts_and_decisions(pg, tmp_path):
    from nhanrong.brief import BriefData, brief_pdf, build_brief, pdf_support, summarise
    from nhanrong.gaps import find_gaps
    from nhanrong.status import status

    scope = "136"
    targets = scope_targets(pg, AS_OF, "old", scope)
    models = {m: pg.programme.models[m] for m in pg.programme.model_order}
    summary = summarise(status(pg, AS_OF, structure="old", scope=scope), None, targets, models, scope, AS_OF)
    gaps = find_gaps(pg, AS_OF, structure="old", scope=scope)
    ranked = tuple(find_decisions(pg, AS_OF, "old", scope, "vi", gaps=gaps, targets=targets))
    html = build_brief(BriefData("Huyện Văn Yên", AS_OF, summary, targets, gaps, models, scope=scope, structure="old",
                                 ranked=ranked), "vi")
    assert html.index("Quyết định cần đưa ra") < html.index("Phụ lục") < html.index("Khoảng trống")
    if pdf_support() is not None or shutil.which("pdftotext") is None:
        pytest.skip("no WeasyPrint/Pango or no pdftotext here")
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(brief_pdf(html))
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Tình hình" in first or "tình hình" in first.lower()
    assert "Chậm" in first  # verdicts
    assert "Quyết định cần đưa ra" in first and "còn thiếu" in first
    assert "Phụ lục" not in first  # the annexes start on page 2
