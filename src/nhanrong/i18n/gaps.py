"""Gap messages and actions (codes "gap.*"), rendered only for the rows shown.

A gap row (:func:`nhanrong.gaps.find_gaps`) carries its message code and parameters as compact
columns; :func:`nhanrong.gaps.render_gaps` fills these templates for the rows on screen. The
placeholders name those columns (``unit_name``, ``model_name``, ``stage``, ``day``...) or their
readable aliases (``days``, ``count``, ``units``, ``period`` are the column ``n``; ``expected`` is
``m``; ``over`` is n - m; ``kinds`` is ``kind_words``). The action of message ``gap.x`` is ``gap.x.action``
unless :data:`nhanrong.gaps.ACTION_OF` says otherwise. Unit and model names are data: English shows
a model's ``name_en`` when it has one.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "gap.unknown_kind": ('loại khoảng trống "{kind}" không có; dùng: {kinds}', 'unknown gap kind "{kind}"; use: {kinds}'),
    # not started while neighbours have
    "gap.not_started": (
        '{unit_name} chưa triển khai "{model_name}", trong khi {count:int} đơn vị cùng {area:label:kind} ({place}) '
        'đã triển khai từ {day:date}',
        '{unit_name} has not started "{model_name}", while {count:int} unit(s) in the same {area:label:kind} ({place}) '
        'started from {day:date}'),
    "gap.not_started.action": ("Đưa {unit_name} vào đợt nhân rộng tới; học kinh nghiệm từ {who}",
                               "Put {unit_name} in the next scale-out wave; learn from {who}"),
    # stalled in a stage
    "gap.stalled": (
        '{unit_name} ở giai đoạn "{stage}" của "{model_name}" đã {days:int} ngày (từ {day:date}), '
        'quá {over:int} ngày so với dự kiến {expected:int} ngày',
        '{unit_name} has been in the "{stage}" stage of "{model_name}" for {days:int} days (since {day:date}), '
        '{over:int} days over the expected {expected:int}'),
    "gap.stalled.action": ("Kiểm tra vướng mắc ở {unit_name}; quyết định chuyển giai đoạn hoặc hỗ trợ thêm nguồn lực",
                           "Find out what blocks {unit_name}; decide to move it on or give it more resources"),
    # moved on without passing the gate; {detail} is one or more gap.gate.* joined with "; "
    "gap.gate_skipped": ('{unit_name} rời giai đoạn "{stage}" của "{model_name}" ngày {since:date} khi chưa qua cửa: {detail}',
                         '{unit_name} left the "{stage}" stage of "{model_name}" on {since:date} without passing its gate: {detail}'),
    "gap.gate_skipped.action": ('Bổ sung số liệu và đánh giá lại {unit_name} theo tiêu chí của giai đoạn "{stage}"',
                                'Record the missing readings and review {unit_name} against the "{stage}" gate'),
    "gap.gate_skipped_part": (
        '{who} (nay thuộc {unit_name}) rời giai đoạn "{stage}" của "{model_name}" ngày {since:date} khi chưa qua cửa: {detail}',
        '{who} (now part of {unit_name}) left the "{stage}" stage of "{model_name}" on {since:date} without passing its gate: '
        '{detail}'),
    "gap.gate_skipped_part.action": (
        'Bổ sung số liệu và đánh giá lại {who} (nay thuộc {unit_name}) theo tiêu chí của giai đoạn "{stage}"',
        'Record the missing readings and review {who} (now part of {unit_name}) against the "{stage}" gate'),
    "gap.gate.min_days": ("chỉ ở {days:int} ngày (tối thiểu {minimum:int})", "stayed {days:int} days (minimum {minimum:int})"),
    "gap.gate.value": ('"{metric}" = {value} ({bound})', '"{metric}" = {value} ({bound})'),
    "gap.gate.late": ('số liệu "{metric}" chỉ được ghi sau khi chuyển giai đoạn', '"{metric}" was recorded only after the move'),
    "gap.gate.none": ('chưa có số liệu "{metric}" ({bound})', 'no "{metric}" reading ({bound})'),
    "gap.gate.need_min": ("cần ≥ {low}", "needs >= {low}"),
    "gap.gate.need_max": ("cần ≤ {high}", "needs <= {high}"),
    "gap.gate.need_both": ("cần ≥ {low} và ≤ {high}", "needs >= {low} and <= {high}"),
    # a metric's value with its unit of measure (the unit is data, as the model file writes it)
    "gap.measure": ("{value:number} {unit}", "{value:number} {unit}"),
    "gap.measure_bare": ("{value:number}", "{value:number}"),
    "gap.measure_percent": ("{value:percent}", "{value:percent}"),
    # a prerequisite not met where it must be
    "gap.prerequisite": (
        '{unit_name} đã bắt đầu "{model_name}" nhưng "{ref_model}" ở {place} chưa đạt giai đoạn "{stage}" (mới: {reached})',
        '{unit_name} started "{model_name}" but "{ref_model}" at {place} has not reached "{stage}" (now: {reached})'),
    "gap.prerequisite.action": ('Triển khai "{ref_model}" ở {place} đến giai đoạn "{stage}" trước khi mở rộng "{model_name}"',
                                'Bring "{ref_model}" at {place} to "{stage}" before scaling "{model_name}"'),
    "gap.prerequisite_self": (
        '{unit_name} đã bắt đầu "{model_name}" nhưng "{ref_model}" ở đơn vị này chưa đạt giai đoạn "{stage}" (mới: {reached})',
        '{unit_name} started "{model_name}" but "{ref_model}" at this unit has not reached "{stage}" (now: {reached})'),
    "gap.prerequisite_self.action": (
        'Triển khai "{ref_model}" ở đơn vị này đến giai đoạn "{stage}" trước khi mở rộng "{model_name}"',
        'Bring "{ref_model}" at this unit to "{stage}" before scaling "{model_name}"'),
    "gap.prerequisite_below": (
        '{unit_name} đã bắt đầu "{model_name}" nhưng mới {share:percent0} trong {units:int} {kinds} của đơn vị này '
        'đạt giai đoạn "{stage}" của "{ref_model}" (cần {need:percent0})',
        '{unit_name} started "{model_name}" but only {share:percent0} of its {units:int} {kinds} have reached "{stage}" '
        'of "{ref_model}" (needs {need:percent0})'),
    "gap.prerequisite_below.action": (
        'Đưa "{ref_model}" đến giai đoạn "{stage}" ở ít nhất {need:percent0} {kinds} của {unit_name} trước khi mở rộng '
        '"{model_name}"',
        'Bring "{ref_model}" to "{stage}" in at least {need:percent0} of the {kinds} of {unit_name} before scaling '
        '"{model_name}"'),
    # readings older than the reporting period
    "gap.stale": ('{unit_name}: số liệu "{model_name}" mới nhất ngày {day:date}, quá kỳ báo cáo {period:int} ngày',
                  '{unit_name}: latest "{model_name}" reading on {day:date}, older than the {period:int}-day reporting period'),
    "gap.stale_none": ('{unit_name} chưa có số liệu "{model_name}" nào', '{unit_name} has no "{model_name}" reading at all'),
    "gap.stale.action": ("Yêu cầu {unit_name} cập nhật số liệu kỳ này", "Ask {unit_name} to report this period's readings"),
    # a model file that misses a part of "3 được", or is adopted by an abolished level
    "gap.definition.abolished": (
        'Mô hình "{model_name}" áp dụng cho cấp {kinds}, cấp này không còn từ 01/07/2025: '
        'số liệu cấp {kinds} là lịch sử (trạng thái ngày {day:date})',
        'Model "{model_name}" is adopted by the {kinds} level, abolished on 2025-07-01: '
        'its {kinds} figures are history (their state on {day:date})'),
    "gap.definition.abolished.action": (
        "Xác định lại loại đơn vị áp dụng (adopted_by) của mô hình cho cấu trúc mới, ví dụ cấp xã hoặc tỉnh",
        "Redefine which units adopt the model (adopted_by) for the new structure, e.g. communes or the province"),
    "gap.definition.targets": ('Mô hình "{model_name}" chưa đạt "Nhìn được": chưa có chỉ tiêu cụ thể (targets)',
                               'Model "{model_name}" misses a "3 được" part (Nhìn được): no concrete targets'),
    "gap.definition.targets.action": ("Thêm [[targets]] với chỉ số, giá trị và thời hạn",
                                      "Add [[targets]] with a metric, a value and a date"),
    "gap.definition.method": ('Mô hình "{model_name}" chưa đạt "Sờ thấy được": chưa nêu cách làm (method)',
                              'Model "{model_name}" misses a "3 được" part (Sờ thấy được): no method'),
    "gap.definition.resources": ('Mô hình "{model_name}" chưa đạt "Sờ thấy được": chưa nêu nguồn lực (resources)',
                                 'Model "{model_name}" misses a "3 được" part (Sờ thấy được): no resources'),
    "gap.definition.method_resources": (
        'Mô hình "{model_name}" chưa đạt "Sờ thấy được": chưa nêu cách làm (method) và nguồn lực (resources)',
        'Model "{model_name}" misses a "3 được" part (Sờ thấy được): no method or resources'),
    "gap.definition.method.action": ("Ghi các bước làm ([method]) và nguồn lực cho mỗi đơn vị ([resources])",
                                     "Write the steps ([method]) and the resources per unit ([resources])"),
    "gap.definition.metrics": ('Mô hình "{model_name}" chưa đạt "Nắm bắt được": chưa có chỉ số đo (metrics) để đánh giá bằng số liệu',
                               'Model "{model_name}" misses a "3 được" part (Nắm bắt được): no metrics to evaluate it from data'),
    "gap.definition.metrics.action": ("Thêm [[metrics]] và ghi số liệu định kỳ", "Add [[metrics]] and record readings regularly"),
}
