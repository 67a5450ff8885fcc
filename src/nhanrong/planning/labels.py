"""Words the planner's messages use, Vietnamese first: pools, kinds of unit, stages."""

from __future__ import annotations

POOLS: dict[str, tuple[str, str]] = {
    "trainers": ("giảng viên", "trainers"),
    "trainer_hours": ("giờ giảng viên", "trainer-hours"),
    "devices": ("thiết bị", "devices"),
    "budget_vnd": ("đồng", "VND"),
    "people": ("người", "people"),
}
KINDS: dict[str, tuple[str, str]] = {
    "province": ("tỉnh", "provinces"),
    "district": ("huyện", "districts"),
    "commune": ("xã", "communes"),
    "village": ("thôn", "villages"),
    "school": ("trường", "schools"),
    "agency": ("cơ quan", "agencies"),
    "party-cell": ("chi bộ", "party cells"),
}
NOT_REACHED: dict[str, tuple[str, str]] = {
    "assess": ("chưa bắt đầu", "not started"),
    "pilot": ("chưa thí điểm", "not piloting yet"),
    "evaluate": ("chưa đánh giá", "not evaluated yet"),
    "scale": ("chưa hoàn thành", "not completed"),
}
ROLES: dict[str, tuple[str, str]] = {
    "pilot": ("thí điểm", "pilot"),
    "scale-out": ("nhân rộng", "scale-out"),
    "": ("ngoài kỳ kế hoạch", "beyond the plan"),
}


def pick(table: dict[str, tuple[str, str]], key: str, lang: str = "vi") -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]

# The planner page's strings (app_pages/planner.py), Vietnamese first.
UI: dict[str, tuple[str, str]] = {
    "page": ("Lập kế hoạch nhân rộng", "Scale-out planner"),
    "no_plans": ("Chưa có kế hoạch nào trong plans/. Thêm một tệp TOML (xem plans/ của dữ liệu mẫu).",
                 "No plan in plans/ yet. Add a TOML file (see plans/ in the bundled data)."),
    "plan": ("Kế hoạch", "Plan"),
    "numbers": ("Các con số của kế hoạch", "The plan's numbers"),
    "start": ("Bắt đầu", "Start"),
    "period": ("Mỗi đợt là một", "Each wave is a"),
    "horizon": ("Số đợt", "Number of waves"),
    "rule": ("Ưu tiên", "Priority"),
    "pilot_first": ("Thí điểm trước khi nhân rộng (mỗi huyện/xã)", "Pilot before scaling out (each district/commune)"),
    "resources": ("Nguồn lực mỗi đợt", "Resources per wave"),
    "pool": ("Nguồn lực", "Resource"),
    "amount": ("Số lượng", "Amount"),
    "targets": ("Chỉ tiêu", "Targets"),
    "model": ("Mô hình", "Model"),
    "coverage": ("Tỷ lệ (%)", "Coverage (%)"),
    "date": ("Hạn", "Deadline"),
    "scope": ("Phạm vi (mã, để trống = cả kế hoạch)", "Scope (code, empty = the whole plan)"),
    "run": ("Chạy kế hoạch", "Run the plan"),
    "running": ("Đang xếp lịch…", "Scheduling…"),
    "searching": ("Đang tìm nguồn lực còn thiếu…", "Looking for what is short…"),
    "met": ("Chỉ tiêu đạt", "Targets met"),
    "scheduled": ("Lượt triển khai trong kỳ", "Starts within the plan"),
    "cost": ("Kinh phí trong kỳ", "Budget within the plan"),
    "verdict": ("Kết quả", "Verdict"),
    "verdict_met": ("Đạt", "Met"),
    "verdict_not": ("Không đạt", "Not met"),
    "forecast": ("Dự kiến", "Forecast"),
    "earliest": ("Sớm nhất", "Earliest"),
    "why": ("Lý do và cách gỡ", "Why, and what would meet it"),
    "calendar": ("Lịch các đợt: số đơn vị bắt đầu mỗi đợt", "Wave calendar: units starting each wave"),
    "curves": ("Độ bao phủ so với chỉ tiêu", "Coverage against the targets"),
    "use": ("Nguồn lực dùng mỗi đợt (% số có)", "Resources used per wave (% of available)"),
    "schedule": ("Lịch chi tiết (mỗi đơn vị một dòng)", "Schedule (one row per unit)"),
    "download_csv": ("Tải lịch (CSV)", "Download the schedule (CSV)"),
    "download_xlsx": ("Tải bảng tính (Excel)", "Download the workbook (Excel)"),
    "save": ("Lưu kế hoạch vào tệp", "Save the plan file"),
    "saved": ("Đã lưu {path}.", "Saved {path}."),
    "invalid": ("Các con số chưa hợp lệ: {error}", "The numbers are not valid: {error}"),
    "error": ("Không lập được kế hoạch: {error}", "Could not plan: {error}"),
    "notes": ("Ghi chú", "Notes"),
    "units_label": ("đơn vị", "units"),
    "share": ("Tỷ lệ", "Share"),
    "wave": ("Đợt", "Wave"),
    "no_targets": ("Kế hoạch không có chỉ tiêu.", "The plan has no targets."),
    "whatif": ("So sánh phương án (nếu…)", "Compare what-ifs"),
    "whatif_help": ("Mỗi dòng một phương án: trainer_hours+200 (thêm mỗi đợt), *1.5 (mọi nguồn lực x1,5), "
                    "delay=90 (lùi hạn 90 ngày), periods+2 (thêm 2 đợt), rule=every-area, pilot_first=false",
                    "One what-if a line: trainer_hours+200 (more per wave), *1.5 (every resource x1.5), "
                    "delay=90 (deadlines 90 days later), periods+2 (2 more waves), rule=every-area, pilot_first=false"),
    "compare": ("So sánh", "Compare"),
    "variant": ("Phương án", "What-if"),
    "mean_wave": ("Đợt bắt đầu trung bình", "Mean start wave"),
    "variant_curves": ("Độ bao phủ theo phương án: {model}", "Coverage by what-if: {model}"),
}
RULES: dict[str, tuple[str, str]] = {
    "readiness": ("Sẵn sàng trước", "Readiness first"),
    "neighbours": ("Gần nơi đã làm trước", "Neighbours of adopters first"),
    "every-area": ("Mỗi xã/huyện đều có trong mỗi đợt", "Every area in each wave"),
    "explicit": ("Theo danh sách ưu tiên", "Listed units first"),
}
PERIODS: dict[str, tuple[str, str]] = {"week": ("tuần", "week"), "month": ("tháng", "month"), "quarter": ("quý", "quarter")}


def ui(key: str, lang: str = "vi", **values) -> str:
    """A planner page string; raises KeyError for a missing key (tests check every key)."""
    text = pick(UI, key, lang) if key in UI else UI[key][0]
    return text.format(**values) if values else text
