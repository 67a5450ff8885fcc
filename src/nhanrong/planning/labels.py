"""Words the planner's messages use, Vietnamese first: pools, stages, roles. Kinds of unit are named
through :func:`nhanrong.kinds.kind_label` (the repository may declare its own words)."""

from __future__ import annotations

POOLS: dict[str, tuple[str, str]] = {
    "trainers": ("giảng viên", "trainers"),
    "trainer_hours": ("giờ giảng viên", "trainer-hours"),
    "devices": ("thiết bị", "devices"),
    "budget_vnd": ("đồng", "VND"),
    "people": ("người", "people"),
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

RULES: dict[str, tuple[str, str]] = {
    "readiness": ("Sẵn sàng trước", "Readiness first"),
    "neighbours": ("Gần nơi đã làm trước", "Neighbours of adopters first"),
    "every-area": ("Mỗi xã/huyện đều có trong mỗi đợt", "Every area in each wave"),
    "explicit": ("Theo danh sách ưu tiên", "Listed units first"),
}
PERIODS: dict[str, tuple[str, str]] = {"week": ("tuần", "week"), "month": ("tháng", "month"), "quarter": ("quý", "quarter")}


def ui(key: str, lang: str = "vi", **values) -> str:
    """A planner page string from the app's one catalogue (``planner.*`` keys of nhanrong.i18n)."""
    from ..i18n import t

    return t(f"planner.{key}", lang, **values)
