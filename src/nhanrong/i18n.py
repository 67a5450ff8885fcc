"""The one catalogue of user-facing strings: Vietnamese first, English as the switch.

Pages and the brief never hold literal labels; they ask :func:`t` for a key.
Model and unit names are data and are always shown as written in Vietnamese.
A missing key raises (tests check every key has both forms), so a typo cannot
silently show a raw key to a planner.
"""

from __future__ import annotations

from typing import Any

from .formats import LANGS

DEFAULT_LANG = "vi"

STRINGS: dict[str, tuple[str, str]] = {
    # --- app and navigation ---------------------------------------------------------
    "app.title": ("Nhân Rộng", "Nhân Rộng"),
    "app.subtitle": ("Theo dõi mô hình thí điểm và nhân rộng chuyển đổi số",
                     "Tracking digital-transformation pilots and their scale-out"),
    "page.overview": ("Tổng quan", "Overview"),
    "page.model": ("Mô hình", "Model"),
    "page.units": ("Đơn vị", "Units"),
    "page.gaps": ("Khoảng trống", "Gaps"),
    "page.data": ("Dữ liệu", "Data health"),
    "page.planner": ("Lập kế hoạch", "Planner"),
    "page.record": ("Ghi nhận", "Record"),
    # --- sidebar --------------------------------------------------------------------
    "sidebar.lang": ("Ngôn ngữ / Language", "Ngôn ngữ / Language"),
    "sidebar.as_of": ("Tính đến ngày", "As of"),
    "sidebar.as_of_help": ("Mọi số liệu trong ứng dụng tính đến ngày này.",
                           "Every figure in the app is as of this date."),
    "sidebar.structure": ("Cấu trúc hành chính", "Administrative structure"),
    "structure.old": ("Cũ (trước 1/7/2025): tỉnh → huyện → xã", "Old (before 1/7/2025): province → district → commune"),
    "structure.new": ("Mới (từ 1/7/2025): tỉnh → xã", "New (from 1/7/2025): province → commune"),
    "sidebar.province": ("Tỉnh, thành phố", "Province"),
    "sidebar.scope": ("Phạm vi", "Scope"),
    "sidebar.root": ("Thư mục dữ liệu: {root}", "Data folder: {root}"),
    "sidebar.loaded": ("{files} tệp · {records} bản ghi áp dụng", "{files} files · {records} adoption records"),
    "loading": ("Đang nạp dữ liệu…", "Loading data…"),
    "computing": ("Đang tính toán…", "Computing…"),
    "no_data": ("Chưa có dữ liệu áp dụng nào trong thư mục này.", "There are no adoption records in this folder yet."),
    "choose": ("Chọn (để trống = tất cả)", "Choose (empty = all)"),
    "no_rows": ("Không có dòng nào phù hợp.", "No matching rows."),
    "illustrative.banner": (
        "Dữ liệu cấp đơn vị đi kèm chỉ mang tính minh hoạ: các con số tổng của tỉnh lấy từ báo cáo công khai, "
        "còn từng thôn, chi bộ, trường học là dữ liệu mẫu. Xem trang Dữ liệu.",
        "The bundled unit-level data is illustrative: province totals come from public reports, "
        "individual villages, party cells and schools are sample data. See the Data health page.",
    ),
    "error.load": ("Không nạp được dữ liệu: {error}", "Could not load the data: {error}"),
    "error.compute": ("Không tính được phần «{what}»: {error}. Các phần khác vẫn hiển thị; hãy báo lỗi này cho nhóm kỹ thuật.",
                      "Could not compute «{what}»: {error}. The rest is still shown; please report this error."),
    "errors.banner": ("Dữ liệu có {n} lỗi: các bản ghi lỗi bị bỏ qua. Xem trang Dữ liệu để sửa.",
                      "The data has {n} error(s): records with errors are left out. See Data health to fix them."),
    # --- overview -------------------------------------------------------------------
    "overview.header": ("Tổng quan nhân rộng · {scope} · tính đến {as_of}", "Scale-out overview · {scope} · as of {as_of}"),
    "overview.models": ("Bảy mô hình: giai đoạn và độ bao phủ", "The models: stages and coverage"),
    "overview.pillars": ("Số liệu chính theo trụ cột DTI", "Headline figures by DTI pillar"),
    "overview.pillars_caption": ("Mỗi mô hình xếp theo trụ cột chính; thay đổi so với kỳ trước.",
                                 "Each model under its main pillar; change since the previous period."),
    "overview.pillar_also": ("Cũng phục vụ trụ cột này: {models}.", "Also serving this pillar: {models}."),
    "overview.trend_caption": ("Mức thay đổi so với kỳ trước ({prev}).", "Change since the previous period ({prev})."),
    "overview.brief": ("Tải bản tin cho Ban chỉ đạo (HTML, in được)", "Download the steering-committee brief (printable HTML)"),
    "overview.brief_help": ("Mở tệp trong trình duyệt rồi in (Ctrl+P) hoặc lưu PDF.",
                            "Open the file in a browser, then print (Ctrl+P) or save as PDF."),
    "overview.table": ("Bảng tổng hợp", "Summary table"),
    "metric.eligible": ("Đơn vị đủ điều kiện", "Eligible units"),
    "delta.points": ("{sign}{value} điểm %", "{sign}{value} pts"),
    "no_target": ("chưa có chỉ tiêu độ bao phủ", "no coverage target"),
    "target_line": ("Chỉ tiêu {target} đến {date}: {verdict}", "Target {target} by {date}: {verdict}"),
    # --- columns --------------------------------------------------------------------
    "col.model": ("Mô hình", "Model"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.code": ("Mã", "Code"),
    "col.kind": ("Loại", "Kind"),
    "col.stage": ("Giai đoạn", "Stage"),
    "col.since": ("Từ ngày", "Since"),
    "col.eligible": ("Đủ điều kiện", "Eligible"),
    "col.coverage": ("Độ bao phủ", "Coverage"),
    "col.trend": ("Thay đổi", "Change"),
    "col.metric": ("Chỉ số", "Metric"),
    "col.value": ("Giá trị", "Value"),
    "col.target": ("Chỉ tiêu", "Target"),
    "col.target_date": ("Hạn", "Due"),
    "col.actual": ("Thực tế", "Actual"),
    "col.projected": ("Dự báo đến hạn", "Projected at due date"),
    "col.verdict": ("Đánh giá", "Verdict"),
    "col.severity": ("Mức độ", "Severity"),
    "col.gap_kind": ("Loại khoảng trống", "Gap kind"),
    "col.message": ("Vấn đề", "Issue"),
    "col.action": ("Việc cần làm", "Action"),
    "col.file": ("Tệp", "File"),
    "col.line": ("Dòng", "Line"),
    "col.column": ("Cột", "Column"),
    "col.problem_code": ("Mã lỗi", "Code"),
    "col.pilot": ("Đơn vị thí điểm", "Pilot unit"),
    "col.depth": ("Số tầng lan toả", "Spread depth"),
    "col.reach": ("Số đơn vị học theo", "Units that learned from it"),
    "col.expected_days": ("Thời gian dự kiến (ngày)", "Expected (days)"),
    "col.min_days": ("Tối thiểu (ngày)", "Minimum (days)"),
    "col.gate": ("Điều kiện chuyển giai đoạn", "Gate"),
    "col.description": ("Mô tả", "Description"),
    "col.resource": ("Nguồn lực", "Resource"),
    "col.amount": ("Mỗi đơn vị", "Per unit"),
    "col.rollup": ("Cách cộng dồn", "Roll-up"),
    "col.measure": ("Đơn vị đo", "Unit of measure"),
    # --- model page -----------------------------------------------------------------
    "model.select": ("Chọn mô hình", "Choose a model"),
    "model.file": ("Tệp: {path}", "File: {path}"),
    "model.three": ("Nguyên tắc \"3 được\"", "The \"3 được\" principle"),
    "model.seen": ("Nhìn được: chỉ tiêu", "Can be seen: targets"),
    "model.touched": ("Sờ thấy được: cách làm và nguồn lực", "Can be touched: method and resources"),
    "model.grasped": ("Nắm bắt được: chỉ số đo từ dữ liệu", "Can be grasped: metrics from data"),
    "model.missing_part": ("Chưa có: hãy bổ sung vào {path}.", "Missing: add it to {path}."),
    "model.gates": ("Các giai đoạn và điều kiện chuyển giai đoạn", "Stages and their gates"),
    "model.requires": ("Điều kiện tiên quyết", "Prerequisites"),
    "model.requires_none": ("Không cần mô hình nào khác.", "No other model is required."),
    "model.requires_line": ("Cần mô hình «{model}» đạt giai đoạn {stage} tại {where}.",
                            "Needs «{model}» at stage {stage} at {where}."),
    "model.coverage_by": ("Độ bao phủ theo {level}", "Coverage by {level}"),
    "model.spread": ("Đơn vị thí điểm và mức lan toả", "Pilots and their spread"),
    "model.no_spread": ("Chưa có đơn vị thí điểm nào.", "No pilots yet."),
    "model.resources_none": ("Chưa ghi nguồn lực.", "No resources recorded."),
    # --- units page -----------------------------------------------------------------
    "units.header": ("Đơn vị: {name}", "Unit: {name}"),
    "units.drill": ("Đi sâu: chọn {level}", "Drill down: choose a {level}"),
    "units.all": ("(tất cả)", "(all)"),
    "units.heat": ("Giai đoạn của từng mô hình tại {name} và các đơn vị trực thuộc",
                   "Each model's stage in {name} and the units below it"),
    "units.heat_caption": ("Ô cấp hành chính: tỷ lệ đơn vị đã nhân rộng; ô cấp cơ sở: giai đoạn hiện tại.",
                           "Administrative cells: share of units at scale; local cells: current stage."),
    "units.map": ("Bản đồ xã theo độ bao phủ của mô hình «{model}»", "Communes coloured by coverage of «{model}»"),
    "units.map_model": ("Mô hình trên bản đồ", "Model on the map"),
    "units.no_coords": ("Không có toạ độ cho các xã trong phạm vi này.", "No coordinates for the communes in this scope."),
    "units.list": ("Danh sách đơn vị và giai đoạn", "Units and their stages"),
    # --- gaps page ------------------------------------------------------------------
    "gaps.header": ("Khoảng trống cần xử lý · {scope} · tính đến {as_of}", "Gaps to act on · {scope} · as of {as_of}"),
    "gaps.filter_model": ("Mô hình", "Models"),
    "gaps.filter_kind": ("Loại khoảng trống", "Gap kinds"),
    "gaps.filter_severity": ("Mức độ", "Severity"),
    "gaps.search": ("Tìm theo tên hoặc mã đơn vị", "Search by unit name or code"),
    "gaps.count": ("{n} khoảng trống ({high} mức cao)", "{n} gaps ({high} high)"),
    "gaps.csv": ("Tải CSV", "Download CSV"),
    "gaps.xlsx": ("Tải Excel (.xlsx)", "Download Excel (.xlsx)"),
    "gaps.by_kind": ("Số khoảng trống theo loại và mức độ", "Gaps by kind and severity"),
    # --- data page ------------------------------------------------------------------
    "data.header": ("Tình trạng dữ liệu", "Data health"),
    "data.summary": ("{files} tệp · {errors} lỗi · {warnings} cảnh báo", "{files} files · {errors} errors · {warnings} warnings"),
    "data.ok": ("Không có lỗi hay cảnh báo nào.", "No errors or warnings."),
    "data.problems": ("Các vấn đề cần sửa trong tệp TOML", "Problems to fix in the TOML files"),
    "data.how": ("Sửa tệp theo số dòng bên dưới rồi chạy `nhanrong validate`; ứng dụng tự cập nhật ở lần tải lại sau.",
                 "Fix each file at the line shown, then run `nhanrong validate`; the app updates on the next rerun."),
    "data.illustrative": ("Tệp có dữ liệu minh hoạ", "Files with illustrative data"),
    "data.no_illustrative": ("Không có tệp nào được đánh dấu minh hoạ.", "No file is marked illustrative."),
    "data.severity_filter": ("Hiện", "Show"),
    # --- brief ----------------------------------------------------------------------
    "brief.title": ("Bản tin cho Ban chỉ đạo chuyển đổi số", "Brief for the digital-transformation steering committee"),
    "brief.scope": ("Phạm vi: {scope} · Tính đến ngày {as_of} · Lập ngày {today}",
                    "Scope: {scope} · As of {as_of} · Prepared {today}"),
    "brief.status": ("1. Tình hình triển khai các mô hình", "1. Where each model stands"),
    "brief.targets": ("2. Chỉ tiêu", "2. Targets"),
    "brief.gaps": ("3. Khoảng trống chính", "3. Main gaps"),
    "brief.gaps_more": ("… và {n} khoảng trống khác (xem ứng dụng).", "… and {n} more gaps (see the app)."),
    "brief.decisions": ("4. Đề nghị Ban chỉ đạo quyết định", "4. Decisions needed"),
    "brief.no_decisions": ("Không có vấn đề nào cần quyết định.", "Nothing needs a decision."),
    "brief.no_gaps": ("Không có khoảng trống.", "No gaps."),
    "brief.no_targets": ("Chưa có chỉ tiêu.", "No targets."),
    "brief.illustrative": ("Lưu ý: dữ liệu cấp đơn vị mang tính minh hoạ.", "Note: unit-level data is illustrative."),
    "decision.behind": ("«{model}»: chỉ tiêu {metric} ({target} đến {date}) đang {verdict_l}, thực tế {actual}. "
                        "Quyết định bổ sung nguồn lực hoặc điều chỉnh lộ trình.",
                        "«{model}»: target {metric} ({target} by {date}) is {verdict_l}, actual {actual}. "
                        "Decide on more resources or a revised schedule."),
    "decision.definition": ("«{model}»: chưa đủ \"3 được\" ({parts}). Giao đơn vị chủ trì hoàn thiện trước khi nhân rộng.",
                            "«{model}»: \"3 được\" incomplete ({parts}). Assign a lead to complete it before scaling out."),
    "decision.stalled": ("«{model}»: {n} đơn vị dừng quá lâu ở một giai đoạn. Chỉ đạo đánh giá và tháo gỡ.",
                         "«{model}»: {n} unit(s) stuck in a stage too long. Order a review and remove the blockers."),
    "decision.prerequisite": ("«{model}»: {n} đơn vị chưa có mô hình tiên quyết. Chỉ đạo triển khai mô hình nền trước.",
                              "«{model}»: {n} unit(s) lack a prerequisite model. Deploy the prerequisite first."),
    "decision.gate": ("«{model}»: {n} đơn vị chuyển giai đoạn khi chưa đạt điều kiện. Yêu cầu kiểm tra lại.",
                      "«{model}»: {n} unit(s) moved on without meeting the gate. Ask for a re-check."),
    "decision.not_started": ("«{model}»: {n} đơn vị chưa triển khai dù nơi khác đã làm. Giao chỉ tiêu cụ thể.",
                             "«{model}»: {n} unit(s) have not started while others have. Set them concrete targets."),
    "decision.stale": ("«{model}»: {n} đơn vị không báo cáo số liệu đúng kỳ. Nhắc chế độ báo cáo.",
                       "«{model}»: {n} unit(s) have not reported on time. Enforce the reporting routine."),
    # --- chart titles ---------------------------------------------------------------
    "chart.funnel": ("Số đơn vị ở từng giai đoạn, theo mô hình", "Units at each stage, by model"),
    "chart.coverage": ("Độ bao phủ (đã nhân rộng) so với chỉ tiêu", "Coverage (at scale) against target"),
    "chart.coverage_by": ("Tỷ lệ đơn vị đã nhân rộng, theo {level}", "Share of units at scale, by {level}"),
    "chart.spread": ("Số đơn vị học theo mỗi đơn vị thí điểm", "Units that learned from each pilot"),
    "chart.target_tick": ("vạch đen: chỉ tiêu", "black tick: target"),
    "chart.share": ("Tỷ lệ", "Share"),
    "chart.units": ("Số đơn vị", "Units"),
}

STAGE_LABELS: dict[str, tuple[str, str]] = {
    "not_started": ("Chưa triển khai", "Not started"),
    "assess": ("Đánh giá thực tiễn", "Assess"),
    "pilot": ("Thí điểm", "Pilot"),
    "evaluate": ("Đánh giá, rút kinh nghiệm", "Evaluate"),
    "scale": ("Nhân rộng", "Scale"),
}
PILLAR_LABELS: dict[str, tuple[str, str]] = {
    "government": ("Chính quyền số", "Digital government"),
    "economy": ("Kinh tế số", "Digital economy"),
    "society": ("Xã hội số", "Digital society"),
}
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "met": ("Đạt", "Met"),
    "on-track": ("Đúng tiến độ", "On track"),
    "behind": ("Chậm", "Behind"),
    "overdue": ("Quá hạn", "Overdue"),
}
SEVERITY_LABELS: dict[str, tuple[str, str]] = {
    "high": ("Cao", "High"),
    "medium": ("Trung bình", "Medium"),
    "low": ("Thấp", "Low"),
    "error": ("Lỗi", "Error"),
    "warning": ("Cảnh báo", "Warning"),
}
GAP_KIND_LABELS: dict[str, tuple[str, str]] = {
    "not-started": ("Chưa triển khai", "Not started"),
    "stalled": ("Dừng quá lâu", "Stalled"),
    "gate-skipped": ("Vượt điều kiện", "Gate skipped"),
    "prerequisite": ("Thiếu tiên quyết", "Missing prerequisite"),
    "stale": ("Số liệu cũ", "Stale data"),
    "definition": ("Thiếu \"3 được\"", "Incomplete \"3 được\""),
}
KIND_LABELS: dict[str, tuple[str, str]] = {
    "province": ("tỉnh", "province"),
    "district": ("huyện", "district"),
    "commune": ("xã", "commune"),
    "village": ("thôn, tổ dân phố", "village"),
    "school": ("trường học", "school"),
    "agency": ("cơ quan", "agency"),
    "party-cell": ("chi bộ", "party cell"),
}
WHERE_LABELS: dict[str, tuple[str, str]] = {
    "same": ("cùng đơn vị", "the same unit"),
    "parent": ("đơn vị cấp trên", "the parent unit"),
    "commune": ("xã", "the commune"),
    "district": ("huyện", "the district"),
    "province": ("tỉnh", "the province"),
}
ROLLUP_LABELS: dict[str, tuple[str, str]] = {
    "sum": ("cộng", "sum"),
    "mean": ("trung bình", "mean"),
    "min": ("nhỏ nhất", "minimum"),
    "max": ("lớn nhất", "maximum"),
    "ratio": ("tỷ lệ", "ratio"),
}
RESOURCE_LABELS: dict[str, tuple[str, str]] = {
    "people": ("Nhân lực (người)", "People"),
    "trainer_hours": ("Giờ giảng viên tập huấn", "Trainer hours"),
    "devices": ("Thiết bị", "Devices"),
    "budget_vnd": ("Kinh phí (đồng)", "Budget (VND)"),
}
THREE_PARTS: dict[str, tuple[str, str]] = {
    "targets": ("nhìn được: chỉ tiêu", "can be seen: targets"),
    "method": ("sờ thấy được: cách làm", "can be touched: method"),
    "resources": ("sờ thấy được: nguồn lực", "can be touched: resources"),
    "metrics": ("nắm bắt được: chỉ số", "can be grasped: metrics"),
}

CATALOGUES: dict[str, dict[str, tuple[str, str]]] = {
    "stage": STAGE_LABELS,
    "pillar": PILLAR_LABELS,
    "verdict": VERDICT_LABELS,
    "severity": SEVERITY_LABELS,
    "gap_kind": GAP_KIND_LABELS,
    "kind": KIND_LABELS,
    "where": WHERE_LABELS,
    "rollup": ROLLUP_LABELS,
    "part": THREE_PARTS,
    "resource": RESOURCE_LABELS,
}


class UnknownStringError(KeyError):
    """A UI string key that the catalogue does not have (a typo in a page)."""


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The string for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    try:
        pair = STRINGS[key]
    except KeyError:
        raise UnknownStringError(f"no UI string {key!r} in nhanrong.i18n.STRINGS") from None
    text = _pick(pair, lang)
    return text.format(**values) if values else text


def label(catalogue: str, value: str, lang: str = DEFAULT_LANG) -> str:
    """A domain value's label (a stage, pillar, verdict...), or the value itself when unknown."""
    pair = CATALOGUES[catalogue].get(value)
    return _pick(pair, lang) if pair else str(value)


def stage_order() -> list[str]:
    """Stages from not started to scale: the order every chart and table uses."""
    return list(STAGE_LABELS)


def lang_name(lang: str) -> str:
    return {"vi": "Tiếng Việt", "en": "English"}[lang]


__all__ = ["t", "label", "STRINGS", "CATALOGUES", "LANGS", "DEFAULT_LANG", "UnknownStringError", "stage_order", "lang_name"]
