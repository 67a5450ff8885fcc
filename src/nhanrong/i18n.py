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
    "sidebar.scope_search": ("Tìm phạm vi (không cần dấu)", "Find a scope (diacritics optional)"),
    "sidebar.province_search": ("Tìm tỉnh, thành phố (không cần dấu)", "Find a province (diacritics optional)"),
    # --- search boxes in front of long pickers (nhanrong.textfold) -------------------
    "search.placeholder": ("ví dụ: {example}", "e.g. {example}"),
    "search.help": ("Không phân biệt dấu, hoa thường, cách bỏ dấu cũ hay mới (Hoà = Hòa = hoa); "
                    "mỗi từ gõ vào phải có trong tên hoặc mã.",
                    "Diacritics, case and old or new tone placement do not matter (Hoà = Hòa = hoa); "
                    "every word typed must occur in the name or the code."),
    "search.count": ("{n}/{total} mục khớp «{query}»", "{n} of {total} match «{query}»"),
    "search.none": ("Không có mục nào khớp «{query}»; danh sách đầy đủ ở dưới.",
                    "Nothing matches «{query}»; the full list is below."),
    "search.unit": ("Tìm đơn vị (không cần dấu)", "Find a unit (diacritics optional)"),
    "search.drill": ("Tìm {level} (không cần dấu)", "Find a {level} (diacritics optional)"),
    "sidebar.root": ("Thư mục dữ liệu: {root}", "Data folder: {root}"),
    "sidebar.loaded": ("{files} tệp · {records} bản ghi áp dụng", "{files} files · {records} adoption records"),
    "loading": ("Đang nạp dữ liệu…", "Loading data…"),
    "computing": ("Đang tính toán…", "Computing…"),
    "no_data": ("Chưa có dữ liệu áp dụng nào trong thư mục này.", "There are no adoption records in this folder yet."),
    "choose": ("Chọn (để trống = tất cả)", "Choose (empty = all)"),
    "choose_one": ("Chọn một mục", "Choose one"),
    "no_rows": ("Không có dòng nào phù hợp.", "No matching rows."),
    "illustrative.banner": (
        "Dữ liệu cấp đơn vị đi kèm chỉ mang tính minh hoạ: có tệp được đánh dấu là dữ liệu mẫu (illustrative), "
        "số liệu của từng đơn vị trong các tệp đó không phải số liệu thật. Xem danh sách ở trang Dữ liệu.",
        "The bundled unit-level data is illustrative: some files are marked as sample data (illustrative), "
        "and the figures of the units in them are not real. See the list on the Data health page.",
    ),
    "error.load": ("Không nạp được dữ liệu: {error}", "Could not load the data: {error}"),
    "error.compute": ("Không tính được phần «{what}»: {error}. Các phần khác vẫn hiển thị; hãy báo lỗi này cho nhóm kỹ thuật.",
                      "Could not compute «{what}»: {error}. The rest is still shown; please report this error."),
    "errors.banner": ("Dữ liệu có {n} lỗi: các bản ghi lỗi bị bỏ qua. Xem trang Dữ liệu để sửa.",
                      "The data has {n} error(s): records with errors are left out. See Data health to fix them."),
    # --- overview -------------------------------------------------------------------
    "overview.header": ("Tổng quan nhân rộng · {scope} · tính đến {as_of}", "Scale-out overview · {scope} · as of {as_of}"),
    "overview.models": ("{n} mô hình: giai đoạn và độ bao phủ", "{n} models: stages and coverage"),
    "overview.history": ("Gồm {n} {kind} (cấp đã bỏ), theo trạng thái ngày {date}.",
                         "Includes {n} {kind} (an abolished level), as they stood on {date}."),
    "overview.parts": ("{n} {kind} mới gồm {parts} {kind} cũ; {scale} trong số đó đã nhân rộng.",
                       "{n} new {kind} made of {parts} former ones; {scale} of those at scale."),
    "overview.parts_units": ("{n} đơn vị hiện nay ứng với {parts} đơn vị trước sắp xếp; {scale} trong số đó đã nhân rộng.",
                             "{n} units today stand for {parts} units before the reorganisation; {scale} of those at scale."),
    "overview.reform_help": ("Cấu trúc mới: một đơn vị sau sắp xếp chỉ tính là đã nhân rộng khi mọi đơn vị cũ hợp thành "
                             "đã nhân rộng; đơn vị của cấp đã bỏ (huyện) giữ trạng thái ngày {date}.",
                             "New structure: a unit formed by the reorganisation is at scale only when every former unit "
                             "in it is; units of an abolished level (districts) keep their state of {date}."),
    "overview.targets": ("Chỉ tiêu trong phạm vi", "Targets within the scope"),
    "overview.targets_caption": ("Chỉ tiêu của {scope}, của toàn bộ dữ liệu và của các đơn vị thuộc {scope}. "
                                 "Thẻ mô hình ở trên chỉ so với chỉ tiêu của chính {scope} hoặc của toàn bộ dữ liệu.",
                                 "Targets of {scope}, of all the data and of the units within {scope}. "
                                 "The model cards above compare only with targets of {scope} itself or of all the data."),
    "overview.no_targets": ("Chưa có chỉ tiêu nào trong phạm vi này.", "No target within this scope."),
    "overview.pillars": ("Số liệu chính theo trụ cột DTI", "Headline figures by DTI pillar"),
    "overview.pillars_caption": ("Mỗi mô hình xếp theo trụ cột chính; thay đổi so với kỳ trước.",
                                 "Each model under its main pillar; change since the previous period."),
    "overview.pillar_also": ("Cũng phục vụ trụ cột này: {models}.", "Also serving this pillar: {models}."),
    "overview.trend_caption": ("Mức thay đổi so với kỳ trước ({prev}).", "Change since the previous period ({prev})."),
    "overview.brief": ("Tải bản tin cho Ban chỉ đạo (HTML, in được)", "Download the steering-committee brief (printable HTML)"),
    "overview.brief_help": ("Mở tệp trong trình duyệt rồi in (Ctrl+P) hoặc lưu PDF.",
                            "Open the file in a browser, then print (Ctrl+P) or save as PDF."),
    "overview.brief_pdf": ("Tải bản tin cho Ban chỉ đạo (PDF, khổ A4)", "Download the steering-committee brief (PDF, A4)"),
    "overview.brief_pdf_help": ("Tệp PDF khổ A4 để gửi kèm giấy mời họp hoặc in; bảng dài lặp lại dòng tiêu đề ở mỗi trang.",
                                "An A4 PDF to attach to the meeting invitation or print; long tables repeat their "
                                "header row on every page."),
    "overview.brief_html": ("Bản HTML (in từ trình duyệt)", "HTML version (print from a browser)"),
    "overview.brief_no_pdf": ("Máy chủ này chưa tạo được PDF ({reason}). Hãy tải bản HTML, mở trong trình duyệt rồi in "
                              "hoặc lưu thành PDF (Ctrl+P).",
                              "This server cannot make PDFs ({reason}). Download the HTML, open it in a browser, then "
                              "print or save it as PDF (Ctrl+P)."),
    "overview.brief_template": ("Mẫu bản tin riêng của kho dữ liệu: {path}", "The data repository's own brief template: {path}"),
    "overview.table": ("Bảng tổng hợp", "Summary table"),
    "metric.eligible": ("Đơn vị đủ điều kiện", "Eligible units"),
    "delta.points": ("{sign}{value} điểm %", "{sign}{value} pts"),
    "no_target": ("chưa có chỉ tiêu độ bao phủ", "no coverage target"),
    "target_line": ("Chỉ tiêu {target} đến {date}: {verdict}", "Target {target} by {date}: {verdict}"),
    # --- columns --------------------------------------------------------------------
    "col.model": ("Mô hình", "Model"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.code": ("Mã", "Code"),
    "col.scope": ("Phạm vi", "Scope"),
    "col.commune": ("Xã", "Commune"),
    "col.new_unit": ("Đơn vị mới", "New unit"),
    "col.part": ("Đơn vị cũ hợp thành", "Former unit in it"),
    "col.part_code": ("Mã đơn vị cũ", "Former code"),
    "col.parts_scale": ("Đơn vị cũ đã nhân rộng", "Former units at scale"),
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
    "targets.all_data": ("toàn bộ dữ liệu", "all data"),
    "targets.scope_old": ("{name} (cấu trúc cũ)", "{name} (old structure)"),
    "targets.scope_new": ("{name} (cấu trúc mới)", "{name} (new structure)"),
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
    "model.history": ("Mô hình áp dụng cho {kind}, cấp đã bỏ từ {reform}. Trong cấu trúc mới, {n} {kind} của phạm vi này "
                      "được tính theo trạng thái ngày {date}.",
                      "The model is adopted by {kind}, a level abolished on {reform}. In the new structure, the {n} {kind} "
                      "of this scope count as they stood on {date}."),
    "model.coverage_table": ("Bảng số liệu theo {level}", "Figures by {level}"),
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
    "units.map_shapes": ("Ranh giới của {n}/{total} xã lấy từ units/boundaries.geojson; xã chưa có ranh giới là một điểm.",
                         "Boundaries of {n} of {total} communes from units/boundaries.geojson; a commune without one is a point."),
    "units.map_points": ("Mỗi xã là một điểm tại toạ độ trong danh mục. Thêm units/boundaries.geojson (ranh giới xã, "
                         "xem README) để tô màu theo ranh giới.",
                         "Each commune is a point at its register coordinates. Add units/boundaries.geojson (commune "
                         "boundaries, see the README) to fill the communes instead."),
    "units.list": ("Danh sách đơn vị và giai đoạn", "Units and their stages"),
    "units.parts": ("Các {kind} cũ hợp thành {name}", "The former {kind} that make up {name}"),
    "units.parts_rule": ("Một {kind} mới chỉ tính là đã nhân rộng khi mọi {kind} cũ hợp thành đã nhân rộng: giai đoạn của "
                         "{kind} mới là giai đoạn của {kind} cũ đi chậm nhất.",
                         "A new {kind} counts as at scale only when every former {kind} it is made of is at scale: its "
                         "stage is that of its least advanced former {kind}."),
    "units.parts_whole": ("{name} ({kind} mới)", "{name} (new {kind})"),
    "units.parts_list": ("Các {kind} cũ hợp thành từng {kind} mới", "The former parts of each new {kind}"),
    # --- gaps page ------------------------------------------------------------------
    "gaps.header": ("Khoảng trống cần xử lý · {scope} · tính đến {as_of}", "Gaps to act on · {scope} · as of {as_of}"),
    "gaps.filter_model": ("Mô hình", "Models"),
    "gaps.filter_kind": ("Loại khoảng trống", "Gap kinds"),
    "gaps.filter_severity": ("Mức độ", "Severity"),
    "gaps.search": ("Tìm đơn vị, xã, huyện (không cần dấu)", "Find a unit, commune, district (diacritics optional)"),
    "gaps.search_example": ("Ví dụ: {example}", "e.g. {example}"),
    "gaps.search_neutral": ("Tên hoặc mã đơn vị", "A unit's name or code"),
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
    "brief.reform": ("Đọc số liệu theo cấu trúc mới (từ {reform}):", "Reading the figures in the new structure (from {reform}):"),
    "brief.programme": ("Chương trình: {name}", "Programme: {name}"),
    "brief.page": ("Trang", "Page"),
    "brief.period": ("Kỳ báo cáo: {quarter}", "Reporting period: {quarter}"),
    "brief.illustrative": ("Lưu ý: dữ liệu cấp đơn vị mang tính minh hoạ.", "Note: unit-level data is illustrative."),
    "decision.behind": ("«{model}»: chỉ tiêu {metric} ({target} đến {date}) đang {verdict_l}, thực tế {actual}. "
                        "Quyết định bổ sung nguồn lực hoặc điều chỉnh lộ trình.",
                        "«{model}»: target {metric} ({target} by {date}) is {verdict_l}, actual {actual}. "
                        "Decide on more resources or a revised schedule."),
    "decision.metric_at": ("{metric} của {scope}", "{metric} of {scope}"),
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
    "decision.indicator": ("Chỉ số «{name}»: chỉ tiêu {target} đến {date} đang {verdict_l}, hiện {actual}. "
                           "Giao đơn vị chủ trì đề xuất giải pháp.",
                           "Indicator «{name}»: target {target} by {date} is {verdict_l}, now {actual}. "
                           "Ask the lead agency for measures."),
    # --- the province's indicators and target sets (nhanrong.indicators) -------------
    "indicators.overall": ("Chung", "Overall"),
    "indicators.of_scope": ("Chỉ số của {scope}", "Indicators of {scope}"),
    "indicators.caption": ("Chỉ số của tỉnh theo dõi từ trên xuống (indicators/): số liệu gần nhất, thay đổi so với "
                           "lần báo cáo trước, chỉ tiêu và đánh giá. Rê chuột vào dấu ? để xem nguồn.",
                           "The province's own indicators, the top-down track (indicators/): latest figure, change "
                           "since the report before, target and verdict. Hover over the ? for the source."),
    "indicators.no_value": ("chưa có số liệu", "no figure yet"),
    "indicators.no_verdict": ("chưa có số liệu để đánh giá", "no figure to judge yet"),
    "indicators.source": ("Số liệu ngày {date}. Nguồn: {source}", "Figure of {date}. Source: {source}"),
    "indicators.linked": ("Cộng dồn từ mô hình «{model}», chỉ số «{metric}», tính đến {date}: không nhập lại số này.",
                          "Rolled up from the model «{model}», metric «{metric}», as of {date}: never typed twice."),
    "indicators.change": ("{change} so với {date}", "{change} since {date}"),
    "indicators.rank_change": ("{sign}{n} bậc", "{sign}{n} places"),
    "indicators.at_most": ("≤ {value}", "≤ {value}"),
    "indicators.set_met": ("{met}/{total} chỉ tiêu đạt", "{met} of {total} targets met"),
    "indicators.set_none": ("{total} chỉ tiêu, chưa có báo cáo số chỉ tiêu đạt", "{total} targets, none reported met yet"),
    "indicators.set_caption": ("{name}, hạn {deadline}. Báo cáo ngày {date}. Nguồn: {source}",
                               "{name}, due {deadline}. Reported on {date}. Source: {source}"),
    "indicators.set_caption_none": ("{name}, hạn {deadline}.", "{name}, due {deadline}."),
    "indicators.set_unknown": ("{n} chỉ tiêu chưa có báo cáo.", "{n} targets not reported yet."),
    "indicators.set_pillar": ("Mục tiêu của trụ cột: {met}/{total} đạt (báo cáo ngày {date}).",
                              "Targets of this pillar: {met} of {total} met (reported on {date})."),
    "indicators.set_pillar_total": ("Mục tiêu của trụ cột: {total}; số đạt chưa báo cáo riêng theo trụ cột.",
                                    "Targets of this pillar: {total}; the met count is not reported by pillar."),
    "indicators.table": ("Bảng chỉ số và nguồn số liệu", "Indicators and their sources"),
    "indicators.trend": ("Diễn biến thứ hạng", "Rank over time"),
    "indicators.trend_caption": ("Trục thứ hạng đảo ngược: hạng 1 ở trên cùng; đường nét đứt: chỉ tiêu.",
                                 "The rank axis is reversed: 1 at the top; dashed line: target."),
    "indicators.rank_axis": ("Thứ hạng (1 = cao nhất)", "Rank (1 = top)"),
    "col.pillar": ("Trụ cột", "Pillar"),
    "col.date": ("Ngày", "Date"),
    "col.source": ("Nguồn", "Source"),
    "brief.indicators": ("Chỉ số và mục tiêu của tỉnh", "The province's indicators and targets"),
    "brief.model_targets": ("Chỉ tiêu của các mô hình", "The models' targets"),
    # --- decisions and cascading targets (issue 15) ---------------------------------
    "page.decisions": ("Quyết định", "Decisions"),
    "cascade.own": ("chỉ tiêu riêng của {scope}", "{scope}'s own target"),
    "cascade.inherited": ("theo chỉ tiêu của {source}", "from {source}'s target"),
    "cascade.col_origin": ("Nguồn chỉ tiêu", "Target set by"),
    "cascade.rule": ("Chỉ tiêu của tỉnh áp dụng cho từng huyện, từng xã (cùng tỷ lệ, cùng thời hạn) trừ khi đơn vị có "
                     "chỉ tiêu riêng; chỉ tiêu về số lượng (tổng) không chia xuống.",
                     "A province's target applies to each district and commune below it (same share, same date) unless "
                     "the unit has its own; targets on counts (sums) are not passed down."),
    "cascade.sub_header": ("Đánh giá theo từng {level}", "Verdicts by {level}"),
    "cascade.sub_caption": ("Mỗi dòng: độ bao phủ của {level} so với chỉ tiêu áp dụng cho nó (chỉ tiêu gần nhất còn hạn).",
                            "Each row: the {level}'s coverage against the target that applies to it (the next one due)."),
    "cascade.kinds": ("Gồm {counts}", "Made of {counts}"),
    "decisions.header": ("Quyết định cần đưa ra · {scope} · {as_of}", "Decisions needed · {scope} · {as_of}"),
    "decisions.caption": ("Chỉ những quyết định dữ liệu đòi hỏi, xếp theo hệ quả: chỉ tiêu nào có nguy cơ không đạt, thiếu "
                          "bao nhiêu, đơn vị nào, điều gì sẽ tháo gỡ. Mỗi quyết định nêu tên đơn vị liên quan.",
                          "Only the decisions the data calls for, ranked by consequence: which target is at risk, by how "
                          "much, which units, what would unblock it. Each names the units concerned."),
    "decisions.overview": ("Quyết định cần đưa ra", "Decisions needed"),
    "decisions.overview_more": ("Xem tất cả {n} quyết định ở trang Quyết định.", "See all {n} decisions on the Decisions page."),
    "decisions.none": ("Không có quyết định nào dữ liệu đòi hỏi ở phạm vi này: mọi chỉ tiêu đạt hoặc đúng tiến độ, không "
                       "có khoảng trống cần chỉ đạo.",
                       "The data calls for no decision at this scope: every target is met or on track, no gap needs a ruling."),
    "decisions.units_more": ("{units} và {n} đơn vị khác", "{units} and {n} more"),
    "decisions.and": ("{first} và {last}", "{first} and {last}"),
    "decisions.own": ("chỉ tiêu riêng", "own target"),
    "decisions.inherited": ("chỉ tiêu của {source}", "{source}'s target"),
    "decisions.title_target": ("«{model}»: {metric} {verdict} ({source}); {n} đơn vị cần chỉ đạo",
                               "«{model}»: {metric} {verdict} ({source}); {n} units to act on"),
    "decisions.why_coverage": ("Hiện {actual} ({counts} đã nhân rộng), chỉ tiêu {target} đến {date}: còn thiếu {short} "
                               "đơn vị; theo nhịp 6 tháng qua dự kiến đạt {projected}.",
                               "Now {actual} ({counts} at scale), target {target} by {date}: {short} units short; at the "
                               "pace of the last 6 months, {projected} expected."),
    "decisions.why_metric": ("{metric}: hiện {actual}, chỉ tiêu {target} đến {date}; theo nhịp 6 tháng qua dự kiến {projected}.",
                             "{metric}: now {actual}, target {target} by {date}; at the pace of the last 6 months, {projected}."),
    "decisions.units": ("Đơn vị", "Units"),
    "decisions.unblock": ("Điều sẽ tháo gỡ", "What would unblock it"),
    "decisions.evidence": ("Bằng chứng", "Evidence"),
    "decisions.plan": ("Kế hoạch «{plan}»: {message}", "Plan «{plan}»: {message}"),
    "decisions.no_plan": ("Chưa có kế hoạch nhân rộng «{model}» cho phạm vi này: giao lập kế hoạch (trang Lập kế hoạch).",
                          "No scale-out plan for «{model}» covers this scope: commission one (Planner page)."),
    "decisions.unblock_prerequisite": ("{n} đơn vị chưa có mô hình tiên quyết {requires}: triển khai trước ({units}).",
                                       "{n} units lack the prerequisite {requires}: deploy it first ({units})."),
    "decisions.unblock_stalled": ("{n} đơn vị dừng quá lâu ở một giai đoạn: đánh giá, tháo gỡ ({units}).",
                                  "{n} units stalled at a stage: review and unblock ({units})."),
    "decisions.unblock_gate_skipped": ("{n} đơn vị chuyển giai đoạn khi chưa đạt điều kiện: kiểm tra lại ({units}).",
                                       "{n} units moved past a gate without the reading: check again ({units})."),
    "decisions.unblock_stale": ("{n} đơn vị không báo cáo đúng kỳ: nhắc chế độ báo cáo ({units}).",
                                "{n} units have not reported on time: enforce reporting ({units})."),
    "decisions.title_prerequisite": ("«{model}»: {n} đơn vị chưa có mô hình tiên quyết", "«{model}»: {n} units lack a prerequisite"),
    "decisions.why_prerequisite": ("Cần có {requires} trước: chỉ đạo triển khai mô hình nền ở các đơn vị này.",
                                   "{requires} must come first: have the base model deployed in these units."),
    "decisions.title_stalled": ("«{model}»: {n} đơn vị dừng quá lâu ở một giai đoạn", "«{model}»: {n} units stalled"),
    "decisions.why_stalled": ("Ở một giai đoạn lâu hơn thời gian dự kiến của mô hình: chỉ đạo đánh giá và tháo gỡ.",
                              "At a stage longer than the model expects: have them reviewed and unblocked."),
    "decisions.title_gate_skipped": ("«{model}»: {n} đơn vị qua giai đoạn khi chưa đạt điều kiện",
                                     "«{model}»: {n} units past a gate without the reading"),
    "decisions.why_gate_skipped": ("Chuyển giai đoạn mà chưa có số liệu đạt ngưỡng: yêu cầu kiểm tra lại.",
                                   "Moved on without a reading that meets the gate: ask for a check."),
    "decisions.title_stale": ("«{model}»: {n} đơn vị không báo cáo số liệu đúng kỳ", "«{model}»: {n} units not reporting"),
    "decisions.why_stale": ("Số liệu cũ hơn kỳ báo cáo của mô hình: nhắc chế độ báo cáo.",
                            "Data older than the model's reporting period: enforce reporting."),
    "decisions.link_gaps": ("Khoảng trống", "Gaps"),
    "decisions.link_model": ("Mô hình", "Model"),
    "decisions.link_plan": ("Kế hoạch «{plan}»", "Plan «{plan}»"),
    "decisions.computing": ("Đang tổng hợp quyết định (chạy các kế hoạch)…", "Gathering decisions (running the plans)…"),
    "as_of.help": ("Mọi số liệu trong ứng dụng tính đến ngày này. Gõ ngày/tháng/năm (ví dụ 30/09/2022) rồi nhấn Enter.",
                   "Every figure in the app is as of this date. Type year-month-day (e.g. 2022-09-30) and press Enter."),
    "as_of.placeholder": ("ngày/tháng/năm", "yyyy-mm-dd"),
    "as_of.format": ("Không đọc được ngày «{text}»: gõ theo dạng ngày/tháng/năm, ví dụ 30/09/2022. Vẫn tính đến ngày {kept}.",
                     "Cannot read the date «{text}»: type year-month-day, e.g. 2022-09-30. Still as of {kept}."),
    "as_of.no_day": ("Không có ngày {text}: tháng {month}/{year} chỉ có {days} ngày. Vẫn tính đến ngày {kept}.",
                     "There is no {text}: {month}/{year} has only {days} days. Still as of {kept}."),
    "as_of.no_month": ("Không có ngày {text}: một năm chỉ có 12 tháng. Vẫn tính đến ngày {kept}.",
                       "There is no {text}: a year has only 12 months. Still as of {kept}."),
    "as_of.range": ("Ngày {text} nằm ngoài khoảng ứng dụng tính được ({low} – {high}). Vẫn tính đến ngày {kept}.",
                    "{text} is outside the range the app covers ({low} – {high}). Still as of {kept}."),
    "record.replace.warning": ("Giai đoạn «{stage}» của đơn vị này đã ghi ngày {old}. Ghi ngày {new} sẽ thay ngày cũ.",
                               "Stage \"{stage}\" of this unit is already dated {old}. Recording {new} replaces the old date."),
    "record.replace.confirm": ("Tôi xác nhận thay ngày {old} bằng ngày {new}", "I confirm: replace {old} with {new}"),
    "planner.unlimited": ("không giới hạn", "unlimited"),
    "planner.amount_help": ("Số theo cách viết Việt Nam (2.500.000.000; 12,5). Để trống hoặc ghi «không giới hạn»: không giới hạn.",
                            "A number (2,500,000,000; 12.5). Empty or \"unlimited\": no limit."),
    "planner.bad_amount": ("«{text}» không phải là số (viết 2.500.000.000 hoặc 2500000000; phần thập phân sau dấu phẩy: 12,5).",
                           "\"{text}\" is not a number (write 2,500,000,000 or 2500000000; decimals after a point: 12.5)."),
    "structure.merged": ("{new} (cấu trúc mới) gồm {parts} (cấu trúc cũ).", "{new} (new structure) is made of {parts} (old structure)."),
    "structure.no_records": ("Chưa có bản ghi nào của {units}: {n} xã mới chỉ gồm đơn vị của tỉnh này được tính là chưa triển khai, "
                             "vì vậy độ bao phủ thấp hơn ở cấu trúc cũ.",
                             "{units} has no records: {n} new communes made only of its units count as not started, "
                             "so coverage is lower than in the old structure."),
    "brief.first_page": ("Trang 1: tình hình, đánh giá chỉ tiêu và quyết định cần đưa ra. Phụ lục ở các trang sau.",
                         "Page 1: status, verdicts and the decisions needed. Annexes follow."),
    "brief.annexes": ("Phụ lục", "Annexes"),
    "brief.verdicts": ("Đánh giá chỉ tiêu", "Verdicts"),
    "brief.top_decisions": ("Quyết định cần đưa ra", "Decisions needed"),
    "brief.more_decisions": ("… và {n} quyết định khác (trang Quyết định).", "… and {n} more decisions (Decisions page)."),
    # --- login, rights and review (issue 11; nhanrong.rights, nhanrong.editing.review) ---------
    "page.review": ("Duyệt", "Review"),
    "auth.readonly": ("Chế độ chỉ xem: máy chủ chưa cấu hình đăng nhập ([auth] trong .streamlit/secrets.toml, xem README, "
                      "mục Đăng nhập, quyền và duyệt), nên không ai sửa được dữ liệu từ ứng dụng.",
                      "Read-only: the server has no login configured ([auth] in .streamlit/secrets.toml, see the README, "
                      "Login, rights and review), so nobody can change the data from the app."),
    "auth.login_needed": ("Đăng nhập để ghi nhận thay đổi.", "Log in to record changes."),
    "auth.login": ("Đăng nhập", "Log in"),
    "auth.logout": ("Đăng xuất", "Log out"),
    "auth.as": ("Đã đăng nhập: {who}", "Logged in as {who}"),
    "auth.no_email": ("Nhà cung cấp danh tính không gửi email của bạn (phạm vi email); không ghi được thay đổi.",
                      "The identity provider sent no e-mail for you (the email scope); changes cannot be recorded."),
    "auth.no_rights": ("Bạn chưa được cấp quyền sửa dữ liệu (tệp rights.toml của kho dữ liệu).",
                       "You have no right to change the data (the data repository's rights.toml)."),
    "auth.on_branch": ("Thay đổi của bạn được lưu vào nhánh riêng {branch} và chờ người duyệt.",
                       "Your changes are saved on your own branch {branch} and wait for a reviewer."),
    "auth.rejected": ("Người duyệt {who} đã từ chối thay đổi trên nhánh của bạn ngày {date}. Lý do:",
                      "Reviewer {who} rejected the changes on your branch on {date}. Reason:"),
    "review.header": ("Duyệt thay đổi", "Review changes"),
    "review.intro": ("Các nhánh nhap/… có thay đổi chưa gộp vào nhánh {base}: xem khác biệt và kết quả kiểm tra, rồi duyệt "
                     "(gộp, ghi tên người duyệt) hoặc từ chối kèm lý do.",
                     "Branches nhap/… with changes not yet in branch {base}: read the diff and the check, then approve "
                     "(merge, with your name as approver) or reject with a reason."),
    "review.not_allowed": ("Chỉ người có quyền duyệt (review = true trong rights.toml) mới dùng được trang này.",
                           "Only users with the review right (review = true in rights.toml) can use this page."),
    "review.nogit": ("Thư mục dữ liệu không phải kho git: không có gì để duyệt.", "The data folder is not a git repository: nothing to review."),
    "review.none": ("Không có nhánh nào chờ duyệt.", "No branch is waiting for review."),
    "review.branch": ("Nhánh", "Branch"),
    "review.summary": ("{commits} commit của {authors}; tệp: {files}", "{commits} commit(s) by {authors}; files: {files}"),
    "review.check_ok": ("Kiểm tra sau khi gộp: không thêm lỗi ({errors} lỗi, {warnings} cảnh báo trong toàn bộ dữ liệu).",
                        "Check after merging: no new error ({errors} errors, {warnings} warnings in all the data)."),
    "review.check_bad": ("Kiểm tra sau khi gộp: gộp nhánh này sẽ thêm lỗi; không duyệt được.",
                         "Check after merging: this branch would add errors; it cannot be approved."),
    "review.conflict": ("Nhánh này xung đột với nhánh chính ở: {files}; người sửa cần làm lại thay đổi.",
                        "This branch conflicts with the base branch in: {files}; its author must make the change again."),
    "review.comment": ("Ghi chú (bắt buộc khi từ chối)", "Comment (required to reject)"),
    "review.fast_forward": ("Tua nhanh khi được (không tạo commit gộp)", "Fast-forward when possible (no merge commit)"),
    "review.approve": ("Duyệt và gộp", "Approve and merge"),
    "review.reject": ("Từ chối", "Reject"),
    "review.approved": ("Đã duyệt {branch}; nhánh {base} nay ở commit {commit}.", "Approved {branch}; branch {base} is now at commit {commit}."),
    "review.rejected": ("Đã từ chối {branch}; người sửa sẽ thấy lý do.", "Rejected {branch}; its author will see the reason."),
    "review.failed": ("Không thực hiện được:", "Could not do it:"),
    "review.history": ("Những lần duyệt gần đây", "Recent approvals"),
    "review.col.when": ("Lúc", "When"),
    "review.col.who": ("Người duyệt", "Reviewer"),
    "review.col.what": ("Nội dung", "What"),
    # --- chart titles ---------------------------------------------------------------
    "chart.funnel": ("Số đơn vị ở từng giai đoạn, theo mô hình", "Units at each stage, by model"),
    "chart.coverage": ("Độ bao phủ (đã nhân rộng) so với chỉ tiêu", "Coverage (at scale) against target"),
    "chart.coverage_by": ("Tỷ lệ đơn vị đã nhân rộng, theo {level}", "Share of units at scale, by {level}"),
    "chart.spread": ("Số đơn vị học theo mỗi đơn vị thí điểm", "Units that learned from each pilot"),
    "chart.target_tick": ("vạch đen: chỉ tiêu", "black tick: target"),
    "chart.share": ("Tỷ lệ", "Share"),
    "chart.parts": ("Đơn vị cũ đã nhân rộng", "Former units at scale"),
    "chart.units": ("Số đơn vị", "Units"),
    # --- the "Ghi nhận / Record" page (nhanrong_app/record.py) ------------------------------
    "record.page": ("Ghi nhận", "Record"),
    "record.header": ("Ghi nhận tiến độ", "Record progress"),
    "record.intro": ("Mỗi thay đổi được kiểm tra bằng đúng các quy tắc của `nhanrong validate` trước khi ghi. "
                     "Xem trước phần thay đổi của tệp, rồi bấm Lưu.",
                     "Every change is checked with the same rules as `nhanrong validate` before it is written. "
                     "Preview the change to the file, then press Save."),
    "record.author": ("Người ghi (Họ tên <email>)", "Recorded by (Name <email>)"),
    "record.author_help": ("Tên và email này là tác giả của commit trong git.", "This name and email become the git commit's author."),
    "record.author_placeholder": ("Họ Tên <ten@donvi.gov.vn>", "Full Name <name@agency.gov.vn>"),
    "record.author_needed": ("Nhập người ghi dạng Họ Tên <email> để lưu vào git.", "Type who records the change as Name <email> to save it to git."),
    "record.branch": ("Lưu vào nhánh riêng để duyệt", "Save on my review branch"),
    "record.branch_help": ("Mỗi người một nhánh nhap/<tên>; người lập kế hoạch của tỉnh duyệt rồi gộp vào nhánh chính.",
                           "One branch per person, nhap/<name>; the provincial planner reviews and merges it."),
    "record.git_on": ("Thư mục dữ liệu là kho git: mỗi lần lưu là một commit.", "The data folder is a git repository: each save is a commit."),
    "record.git_off": ("Thư mục dữ liệu không phải kho git: tệp vẫn được lưu, không có commit.",
                       "The data folder is not a git repository: files are saved, nothing is committed."),
    "record.tab.stage": ("Giai đoạn", "Stage"),
    "record.tab.reading": ("Chỉ số", "Reading"),
    "record.tab.bulk": ("Nhập theo bảng", "Bulk readings"),
    "record.tab.upload": ("Tải tệp CSV/Excel", "Upload CSV/Excel"),
    "record.tab.unit": ("Thêm đơn vị", "Add a unit"),
    "record.tab.plan": ("Kế hoạch", "Plan"),
    "record.tab.history": ("Lịch sử", "History"),
    "record.field.plan": ("Kế hoạch", "Plan"),
    "record.field.horizon": ("Số kỳ lập kế hoạch (horizon)", "Number of periods planned (horizon)"),
    "record.field.resource": ("Nguồn lực mỗi kỳ: {pool}", "Resource per period: {pool}"),
    "record.field.coverage": ("Chỉ tiêu độ phủ (%) của {model} đến {date}", "Coverage target (%) of {model} by {date}"),
    "record.plan.none": ("Chưa có kế hoạch nào trong plans/.", "No plan under plans/ yet."),
    "record.field.model": ("Mô hình", "Model"),
    "record.field.unit": ("Đơn vị", "Unit"),
    "record.field.stage": ("Giai đoạn bắt đầu", "Stage begun"),
    "record.field.date": ("Ngày", "Date"),
    "record.field.note": ("Ghi chú", "Note"),
    "record.field.metric": ("Chỉ số", "Metric"),
    "record.field.value": ("Giá trị", "Value"),
    "record.field.parent": ("Thuộc đơn vị", "Under unit"),
    "record.field.kind": ("Loại đơn vị", "Kind of unit"),
    "record.field.code": ("Mã đơn vị mới (chữ không dấu, số, '-', '.', '_')", "New unit code (letters, digits, '-', '.', '_')"),
    "record.field.name": ("Tên đơn vị", "Unit name"),
    "record.field.file": ("Tệp CSV (UTF-8) hoặc Excel (.xlsx), cùng cột với tệp xuất", "A CSV (UTF-8) or Excel (.xlsx) file in the columns of the exports"),
    "record.upload.help": ("Cột: Mã (mã đơn vị), Mô hình (mã hoặc tên), rồi Giai đoạn + Ngày, hoặc Chỉ số + Ngày + Giá trị; "
                           "tuỳ chọn: Ghi chú. Có thể lấy tệp xuất từ trang Khoảng trống, điền thêm các cột đó; cột khác được bỏ qua. "
                           "Tên cột tiếng Anh cũng được: unit, model, stage, since, metric, date, value, note.",
                           "Columns: Code (unit code), Model (id or name), then Stage + Date, or Metric + Date + Value; optional: "
                           "Note. A sheet exported from the Gaps page works once those columns are filled in; other columns are "
                           "ignored. English headers: unit, model, stage, since, metric, date, value, note."),
    "record.current": ("Đang ghi cho đơn vị này", "Currently recorded for this unit"),
    "record.current.none": ("Chưa có bản ghi của đơn vị này với mô hình này.", "No record of this unit for this model yet."),
    "record.button.preview": ("Xem trước thay đổi", "Preview the change"),
    "record.button.save": ("Lưu", "Save"),
    "record.button.cancel": ("Huỷ", "Cancel"),
    "record.preview": ("Xem trước", "Preview"),
    "record.preview.refused": ("Thay đổi bị từ chối, không ghi gì. Lý do:", "The change is refused, nothing is written. Reasons:"),
    "record.preview.warnings": ("Lưu được, nhưng có cảnh báo mới:", "Can be saved, but with new warnings:"),
    "record.preview.nothing": ("Không có gì thay đổi: dữ liệu đã ghi như vậy.", "Nothing to change: the data already says so."),
    "record.preview.summary": ("{changes} thay đổi, {files} tệp. Kiểm tra phần thay đổi dưới đây rồi bấm Lưu.",
                               "{changes} change(s) in {files} file(s). Check the change below, then press Save."),
    "record.saved": ("Đã lưu {files}; commit {commit}.", "Saved {files}; commit {commit}."),
    "record.saved_branch": ("Đã lưu {files}; commit {commit} trên nhánh {branch}.", "Saved {files}; commit {commit} on branch {branch}."),
    "record.saved_nogit": ("Đã lưu {files} (không có git).", "Saved {files} (no git)."),
    "record.merged": ("Trong lúc đó có người khác lưu cùng tệp (bản ghi khác): đã giữ cả hai thay đổi.",
                      "Someone else saved the same file meanwhile (other records): both changes are kept."),
    "record.stale": ("Tệp đã bị thay đổi trên đĩa kể từ lúc xem trước; không ghi đè. Hãy xem trước lại.",
                     "A file changed on disk since the preview; nothing overwritten. Preview again."),
    "record.failed": ("Không lưu được:", "Could not save:"),
    "record.value.missing": ("Hãy nhập giá trị.", "Enter a value."),
    "record.bulk.help": ("Điền cột “Giá trị mới” cho những đơn vị cần ghi; để trống nếu không đổi.",
                         "Fill the “New value” column for the units to record; leave it empty otherwise."),
    "record.bulk.none": ("Chưa điền giá trị mới nào.", "No new value filled in."),
    "record.col.code": ("Mã", "Code"),
    "record.col.name": ("Tên", "Name"),
    "record.col.current": ("Giá trị gần nhất", "Latest value"),
    "record.col.current_date": ("Ngày đo", "Measured on"),
    "record.col.new": ("Giá trị mới", "New value"),
    "record.col.line": ("Dòng", "Line"),
    "record.col.reason": ("Lý do", "Reason"),
    "record.col.author": ("Người sửa", "Who"),
    "record.col.email": ("Email", "Email"),
    "record.col.when": ("Khi nào", "When"),
    "record.col.what": ("Sửa gì", "What"),
    "record.col.stage": ("Giai đoạn", "Stage"),
    "record.col.since": ("Từ ngày", "Since"),
    "record.upload.counts": ("{rows} dòng: {changes} thay đổi, {unchanged} không đổi, {skipped} bỏ qua, {rejected} bị từ chối.",
                             "{rows} rows: {changes} change(s), {unchanged} unchanged, {skipped} skipped, {rejected} rejected."),
    "record.upload.rejected": ("Các dòng bị từ chối (không ghi gì cho đến khi sửa hết):", "Rejected rows (nothing is written until all are fixed):"),
    "record.upload.skipped": ("Các dòng bỏ qua (không có gì để ghi):", "Skipped rows (nothing to record):"),
    "record.upload.changes": ("Các thay đổi sẽ ghi:", "Changes to write:"),
    "record.history.none": ("Chưa có lịch sử git cho đơn vị này.", "No git history for this unit yet."),
    "record.history.nogit": ("Thư mục dữ liệu không phải kho git: không có lịch sử.", "The data folder is not a git repository: no history."),
    "record.no_units": ("Không có đơn vị phù hợp trong phạm vi đã chọn.", "No matching unit in the selected scope."),
    "record.no_metrics": ("Mô hình này không có chỉ số ghi trực tiếp được.", "This model has no metric that can be recorded directly."),
    # --- the planner page (nhanrong_app/planner.py) ---------------------------------------
    "planner.col.model": ("Mô hình", "Model"),
    "planner.col.unit": ("Mã đơn vị", "Unit code"),
    "planner.col.unit_name": ("Đơn vị", "Unit"),
    "planner.col.kind": ("Loại đơn vị", "Kind"),
    "planner.col.commune": ("Xã", "Commune"),
    "planner.col.role": ("Vai trò", "Role"),
    "planner.col.period": ("Đợt", "Wave"),
    "planner.col.start": ("Bắt đầu", "Starts"),
    "planner.col.scale": ("Nhân rộng từ", "Scales from"),
    "planner.col.learned_from": ("Học từ (mã)", "Learns from (code)"),
    "planner.col.learned_from_name": ("Học từ", "Learns from"),
    "planner.page": ("Lập kế hoạch nhân rộng", "Scale-out planner"),
    "planner.no_plans": ("Chưa có kế hoạch nào trong plans/. Thêm một tệp TOML (xem plans/ của dữ liệu mẫu).",
                 "No plan in plans/ yet. Add a TOML file (see plans/ in the bundled data)."),
    "planner.plan": ("Kế hoạch", "Plan"),
    "planner.numbers": ("Các con số của kế hoạch", "The plan's numbers"),
    "planner.start": ("Bắt đầu", "Start"),
    "planner.period": ("Mỗi đợt là một", "Each wave is a"),
    "planner.horizon": ("Số đợt", "Number of waves"),
    "planner.rule": ("Ưu tiên", "Priority"),
    "planner.pilot_first": ("Thí điểm trước khi nhân rộng (mỗi huyện ở cấu trúc cũ; mỗi xã hoặc cả tỉnh ở cấu trúc mới)",
                            "Pilot before scaling out (each district in the old structure; each commune or the province in the new one)"),
    "planner.resources": ("Nguồn lực mỗi đợt", "Resources per wave"),
    "planner.pool": ("Nguồn lực", "Resource"),
    "planner.amount": ("Số lượng", "Amount"),
    "planner.targets": ("Chỉ tiêu", "Targets"),
    "planner.model": ("Mô hình", "Model"),
    "planner.coverage": ("Tỷ lệ (%)", "Coverage (%)"),
    "planner.date": ("Hạn", "Deadline"),
    "planner.scope": ("Phạm vi (mã, để trống = cả kế hoạch)", "Scope (code, empty = the whole plan)"),
    "planner.run": ("Chạy kế hoạch", "Run the plan"),
    "planner.running": ("Đang xếp lịch…", "Scheduling…"),
    "planner.searching": ("Đang tìm nguồn lực còn thiếu…", "Looking for what is short…"),
    "planner.met": ("Chỉ tiêu đạt", "Targets met"),
    "planner.scheduled": ("Lượt triển khai trong kỳ", "Starts within the plan"),
    "planner.cost": ("Kinh phí trong kỳ", "Budget within the plan"),
    "planner.verdict": ("Kết quả", "Verdict"),
    "planner.verdict_met": ("Đạt", "Met"),
    "planner.verdict_not": ("Không đạt", "Not met"),
    "planner.forecast": ("Dự kiến", "Forecast"),
    "planner.earliest": ("Sớm nhất", "Earliest"),
    "planner.why": ("Lý do và cách gỡ", "Why, and what would meet it"),
    "planner.calendar": ("Lịch các đợt: số đơn vị bắt đầu mỗi đợt", "Wave calendar: units starting each wave"),
    "planner.curves": ("Độ bao phủ so với chỉ tiêu", "Coverage against the targets"),
    "planner.use": ("Nguồn lực dùng mỗi đợt (% số có)", "Resources used per wave (% of available)"),
    "planner.schedule": ("Lịch chi tiết (mỗi đơn vị một dòng)", "Schedule (one row per unit)"),
    "planner.download_csv": ("Tải lịch (CSV)", "Download the schedule (CSV)"),
    "planner.download_xlsx": ("Tải bảng tính (Excel)", "Download the workbook (Excel)"),
    "planner.save": ("Lưu kế hoạch vào tệp", "Save the plan file"),
    "planner.saved": ("Đã lưu {path}.", "Saved {path}."),
    "planner.invalid": ("Các con số chưa hợp lệ: {error}", "The numbers are not valid: {error}"),
    "planner.error": ("Không lập được kế hoạch: {error}", "Could not plan: {error}"),
    "planner.notes": ("Ghi chú", "Notes"),
    "planner.units_label": ("đơn vị", "units"),
    "planner.share": ("Tỷ lệ", "Share"),
    "planner.wave": ("Đợt", "Wave"),
    "planner.used": ("Đã dùng", "Used"),
    "planner.capacity": ("Có", "Available"),
    "planner.col.scope": ("Phạm vi", "Scope"),
    "planner.no_targets": ("Kế hoạch không có chỉ tiêu.", "The plan has no targets."),
    "planner.whatif": ("So sánh phương án (nếu…)", "Compare what-ifs"),
    "planner.whatif_help": ("Mỗi dòng một phương án: trainer_hours+200 (thêm mỗi đợt), *1.5 (mọi nguồn lực x1,5), "
                    "delay=90 (lùi hạn 90 ngày), periods+2 (thêm 2 đợt), rule=every-area, pilot_first=false",
                    "One what-if a line: trainer_hours+200 (more per wave), *1.5 (every resource x1.5), "
                    "delay=90 (deadlines 90 days later), periods+2 (2 more waves), rule=every-area, pilot_first=false"),
    "planner.compare": ("So sánh", "Compare"),
    "planner.variant": ("Phương án", "What-if"),
    "planner.mean_wave": ("Đợt bắt đầu trung bình", "Mean start wave"),
    "planner.variant_curves": ("Độ bao phủ theo phương án: {model}", "Coverage by what-if: {model}"),
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
    # The built-in kinds, in neutral words: "thôn, tổ dân phố" is the legal generic name of what
    # provinces call thôn, xóm, bản, ấp, buôn, tổ dân phố, khu phố... A repository puts its own
    # words (and its own kinds) under [kinds] in nhanrong.toml: see nhanrong.kinds.
    "province": ("tỉnh", "province"),
    "district": ("huyện", "district"),
    "commune": ("xã", "commune"),
    "village": ("thôn, tổ dân phố", "village"),
    "school": ("trường học", "school"),
    "agency": ("cơ quan", "agency"),
    "party-cell": ("chi bộ", "party cell"),
}
KIND_PLURAL_EN: dict[str, str] = {
    "province": "provinces", "district": "districts", "commune": "communes", "village": "villages",
    "school": "schools", "agency": "agencies", "party-cell": "party cells",
}
WHERE_LABELS: dict[str, tuple[str, str]] = {
    "same": ("cùng đơn vị", "the same unit"),
    "parent": ("đơn vị cấp trên", "the parent unit"),
    "commune": ("xã", "the commune"),
    "district": ("huyện", "the district"),
    "province": ("tỉnh", "the province"),
    "below": ("các đơn vị cấp dưới", "the units below"),
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


def stage_names(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Stage names in running text (lower case): "thí điểm", "đánh giá, rút kinh nghiệm"."""
    return {s: _pick(pair, lang).lower() for s, pair in STAGE_LABELS.items()}


def stage_order() -> list[str]:
    """Stages from not started to scale: the order every chart and table uses."""
    return list(STAGE_LABELS)


def lang_name(lang: str) -> str:
    return {"vi": "Tiếng Việt", "en": "English"}[lang]


__all__ = ["t", "label", "STRINGS", "CATALOGUES", "LANGS", "DEFAULT_LANG", "UnknownStringError", "stage_order", "stage_names", "lang_name"]
