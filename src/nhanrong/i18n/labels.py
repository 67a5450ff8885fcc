"""One label table per concept (stage, pillar, verdict, kind...): the words for a domain value, vi and en."""

from __future__ import annotations

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
