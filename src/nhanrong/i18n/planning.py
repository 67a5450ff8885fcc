"""The planner's messages and labels (codes "plan.*", and the page's "planner.*" live in ui).

Labels, one code per value: ``plan.pool.<pool>``, ``plan.not_reached.<stage>``, ``plan.role.<role>``,
``plan.rule.<rule>``, ``plan.period.<period>`` (one period: "mỗi quý", "per quarter") and
``plan.periods.<period>`` (a count of them: "4 quý", "4 quarters"); ``plan.period_label.<period>`` is
the calendar period containing a day ("quý I/2023", "Q1 2023"). Read them through
:mod:`nhanrong.planning.labels`.

Forecast reasons (``plan.reason.*``) take numbers and dates raw; the unit kinds, model names and
pools they name are nested messages, so JSON output has the codes and values, not the words.
"""

from __future__ import annotations

_WITH_NOW_VI = "với nguồn lực hiện có, đạt vào {earliest}"
_WITH_NOW_EN = "with the current resources, met on {earliest}"
_VARIANT_EXAMPLE = "trainer_hours+200, *1.5, delay=90, periods+2, rule=every-area, pilot_first=false"

STRINGS: dict[str, tuple[str, str]] = {
    # --- labels ------------------------------------------------------------------------------------
    "plan.pool.trainers": ("giảng viên", "trainers"),
    "plan.pool.trainer_hours": ("giờ giảng viên", "trainer-hours"),
    "plan.pool.devices": ("thiết bị", "devices"),
    "plan.pool.budget_vnd": ("đồng", "VND"),
    "plan.pool.people": ("người", "people"),
    # A unit where a required model has not reached the stage. "assess" not reached = not started:
    # the words of the stage label "Chưa triển khai" (i18n.labels.STAGE_LABELS["not_started"]).
    "plan.not_reached.assess": ("chưa triển khai", "not started"),
    "plan.not_reached.pilot": ("chưa thí điểm", "not piloting yet"),
    "plan.not_reached.evaluate": ("chưa đánh giá", "not evaluated yet"),
    "plan.not_reached.scale": ("chưa hoàn thành", "not completed"),
    "plan.role.pilot": ("thí điểm", "pilot"),
    "plan.role.scale-out": ("nhân rộng", "scale-out"),
    "plan.role.none": ("ngoài kỳ kế hoạch", "beyond the plan"),
    "plan.rule.readiness": ("Sẵn sàng trước", "Readiness first"),
    "plan.rule.neighbours": ("Gần nơi đã làm trước", "Neighbours of adopters first"),
    "plan.rule.every-area": ("Mỗi xã/huyện đều có trong mỗi đợt", "Every area in each wave"),
    "plan.rule.explicit": ("Theo danh sách ưu tiên", "Listed units first"),
    "plan.period.week": ("tuần", "week"),
    "plan.period.month": ("tháng", "month"),
    "plan.period.quarter": ("quý", "quarter"),
    "plan.period.none": ("kỳ", "period"),
    "plan.periods.week": ("tuần", "weeks"),
    "plan.periods.month": ("tháng", "months"),
    "plan.periods.quarter": ("quý", "quarters"),
    "plan.periods.none": ("kỳ", "periods"),
    "plan.period_label.quarter": ("{day:quarter}", "{day:quarter}"),
    "plan.period_label.month": ("tháng {month}/{year}", "{month:02d}/{year}"),
    "plan.period_label.week": ("tuần {week}/{year}", "W{week:02d}/{year}"),
    "plan.variant.base": ("cơ sở", "base"),
    # Words that come from the data (a pool, model or kind the catalogue does not name; a number
    # with fixed decimals): rendered by nhanrong.planning.labels, the template is the fallback.
    "plan.word": ("{word}", "{word}"),
    "plan.model": ("{model}", "{model}"),
    "plan.kind": ("{kind:label:kind}", "{kind:label:kind}"),
    "plan.date": ("{day:date}", "{day:date}"),
    "plan.amount": ("{amount:number} {pool}", "{amount:number} {pool}"),
    "plan.and": ("{first} và {rest}", "{first} and {rest}"),
    # --- forecast: why a target is not met ----------------------------------------------------------
    "plan.reason.no_units": ("không có đơn vị nào đủ điều kiện trong phạm vi này", "no eligible unit in this scope"),
    "plan.reason.unlimited_met": ("dù đủ nguồn lực, sớm nhất đạt vào {day:date}",
                                  "even with unlimited resources, met at the earliest on {day:date}"),
    "plan.reason.unlimited_never": ("dù đủ nguồn lực cũng không đạt nếu không gỡ điều kiện này",
                                    "not met even with unlimited resources unless this is resolved"),
    "plan.reason.not_in_plan": (" (mô hình này không nằm trong kế hoạch)", " (that model is not in the plan)"),
    "plan.reason.prerequisite_below": (
        "{model} ở {share:percent0} {kinds} của {n:int} {units} {not_reached}{outside}; {when}",
        "{model}: {not_reached} in {share:percent0} of the {kinds} of {n:int} {units}{outside}; {when}"),
    "plan.reason.prerequisite": ("{model} ở {n:int} {units} {not_reached}{outside}; {when}",
                                 "{model}: {not_reached} in {n:int} {units}{outside}; {when}"),
    "plan.reason.pilot": (
        "chưa có thí điểm đạt đánh giá ở {n:int} {units} kịp hạn (thí điểm cần {days:int} ngày trước khi nhân rộng); {when}",
        "no pilot passed evaluation in time in {n:int} {units} (a pilot takes {days:int} days before scale-out); {when}"),
    "plan.reason.time": ("không đủ thời gian: {n:int} đơn vị cần {days:int} ngày triển khai; {when}",
                         "not enough time: {n:int} units need {days:int} days to onboard; {when}"),
    "plan.reason.short_of_pool": ("thiếu {amount:number} {pool} mỗi {period} từ {start}{others}; " + _WITH_NOW_VI,
                                  "short of {amount:number} {pool} per {period} from {start}{others}; " + _WITH_NOW_EN),
    "plan.reason.or_more": ("hoặc thêm {amount:number} {pool}", "or {amount:number} more {pool}"),
    "plan.reason.others": ("; {items}", "; {items}"),
    "plan.reason.short_of_pools": ("thiếu {amounts} mỗi {period} từ {start}; " + _WITH_NOW_VI,
                                   "short of {amounts} per {period} from {start}; " + _WITH_NOW_EN),
    "plan.reason.short_of_several": ("thiếu nhiều nguồn lực cùng lúc; " + _WITH_NOW_VI,
                                     "short of several resources at once; " + _WITH_NOW_EN),
    "plan.reason.scale_all": ("cần tăng mọi nguồn lực thêm {share:percent} mỗi {period}; " + _WITH_NOW_VI,
                              "every resource needs {share:percent} more per {period}; " + _WITH_NOW_EN),
    "plan.reason.beyond_search": ("sau kỳ tìm kiếm", "beyond the periods searched"),
    # --- notes and errors ---------------------------------------------------------------------------
    "plan.target_skipped": (
        "bỏ qua chỉ tiêu {model} {value:percent} ({structure}:{scope}, {day:date}): "
        "khác cấu trúc, ngoài phạm vi hoặc trước ngày bắt đầu kế hoạch",
        "skipped target {model} {value:percent} ({structure}:{scope}, {day:date}): "
        "other structure, outside the scope or before the plan starts"),
    "plan.scope_not_in_structure": (
        'Phạm vi "{scope}" của kế hoạch "{plan}" không phải đơn vị của cấu trúc {structure}; '
        "chạy `nhanrong units --structure {structure}` để xem mã.",
        'Scope "{scope}" of plan "{plan}" is not a unit of the {structure} structure; '
        "run `nhanrong units --structure {structure}` to see the codes."),
    "plan.target_outside_scope": (
        'Chỉ tiêu của "{model}" có phạm vi "{scope}" nằm ngoài phạm vi kế hoạch "{plan_scope}".',
        'The target of "{model}" has scope "{scope}" outside the plan\'s scope "{plan_scope}".'),
    "plan.unknown_model": ('Mô hình "{model}" không có trong models/.{hint}', 'Model "{model}" has no file in models/.{hint}'),
    "plan.priority_unit_outside": (
        'Đơn vị ưu tiên "{unit}" không nằm trong phạm vi kế hoạch "{plan_scope}".',
        'Priority unit "{unit}" is not inside the plan\'s scope "{plan_scope}".'),
    "plan.bad_horizon": (
        'Kế hoạch "{plan}": horizon = {horizon} không dùng được; cần từ 1 đến {max:int} {periods}.',
        'Plan "{plan}": horizon = {horizon} is not usable; it must be 1 to {max:int} {periods}.'),
    "plan.target_too_far": (
        'Chỉ tiêu của "{model}" ngày {day:date} quá xa ngày bắt đầu kế hoạch ({start:date}): cần dự báo {need:int} '
        "{periods}, tối đa {max:int}; chọn kỳ dài hơn hoặc chỉ tiêu gần hơn.",
        'The target of "{model}" on {day:date} is too far past the plan\'s start ({start:date}): {need:int} {periods} '
        "to forecast, at most {max:int}; choose a longer period or a nearer target."),
    "plan.too_many_periods": (
        "Kế hoạch cần {n} {periods}: quá dài (tối đa {max_horizon:int} {periods} trong kế hoạch, {max_periods:int} "
        "kể cả phần dự báo sau đó); hãy giảm horizon, chọn kỳ dài hơn hoặc đặt chỉ tiêu gần hơn.",
        "The plan needs {n} {periods}: too long (at most {max_horizon:int} in the plan, {max_periods:int} with the "
        "forecast past it); lower the horizon, choose a longer period or nearer targets."),
    "plan.bad_variant": (f'Không hiểu phương án "{{part}}". Viết ví dụ: {_VARIANT_EXAMPLE}.',
                         f'Cannot read the what-if "{{part}}"; e.g. {_VARIANT_EXAMPLE}.'),
    "plan.no_plan_file": ('Không có tệp kế hoạch "{path}".', 'No plan file "{path}".'),
    "plan.plan_file_errors": ('Tệp kế hoạch "{path}" có lỗi: {problems}. Sửa rồi chạy lại (`nhanrong validate`).',
                              'Plan file "{path}" has errors: {problems}. Fix them and run again (`nhanrong validate`).'),
    "plan.problem_at": ("{line}:{column} {problem}", "{line}:{column} {problem}"),
    "plan.unreadable": ("không đọc được", "unreadable"),
    "plan.solver_bug": ("CP-SAT không tìm được lịch nào (lịch rỗng luôn hợp lệ: lỗi của mô hình chính xác)",
                        "CP-SAT found no schedule (the empty schedule is always feasible: a modelling bug)"),
    # --- optimise mode ------------------------------------------------------------------------------
    "plan.optimise.greedy_kept": ("Giữ kế hoạch tham lam (mục tiêu {objective:number4}): {why}",
                                  "Greedy plan kept (objective {objective:number4}): {why}"),
    "plan.optimise.why.not-installed": ("chưa cài OR-Tools (pip install nhanrong[optimise])",
                                        "OR-Tools is not installed (pip install nhanrong[optimise])"),
    "plan.optimise.why.too-big": ("mô hình chính xác quá lớn ({n:int} biến > {max:int})",
                                  "the exact model is too big ({n:int} variables > {max:int})"),
    "plan.optimise.why.no-solution": ("CP-SAT không tìm được lời giải trong thời gian cho phép",
                                      "CP-SAT found no solution in time"),
    "plan.optimise.result": (
        "Tối ưu hoá ({kept}): mục tiêu {objective:number4}, cận dưới {bound:number4}, khoảng cách tối đa {gap:percent2} "
        "(kế hoạch tham lam: {greedy:number4}, {seconds:number1} giây)",
        "Optimised ({kept}): objective {objective:number4}, best bound {bound:number4}, gap at most {gap:percent2} "
        "(greedy plan: {greedy:number4}, {seconds:number1} s)"),
    "plan.optimise.kept.optimal": ("tối ưu (đã chứng minh)", "optimal (proven)"),
    "plan.optimise.kept.improved": ("CP-SAT cải thiện", "improved by CP-SAT"),
    "plan.optimise.kept.no-better": ("giữ kế hoạch tham lam: CP-SAT không tìm được kế hoạch tốt hơn",
                                     "greedy plan kept: CP-SAT found none better"),
    # --- the CLI (nhanrong plan) ------------------------------------------------------------------------
    "plan.cli.header": ("Kế hoạch: {plan} ({structure}:{scope}), từ {start:date}, {horizon} {periods}",
                        "Plan: {plan} ({structure}:{scope}), from {start:date}, {horizon} {periods}"),
    "plan.cli.scheduled": ("Xếp lịch {within:int} / {total:int} lượt đơn vị – mô hình chưa áp dụng",
                           "Scheduled {within:int} of {total:int} unit-model pairs not yet adopted"),
    "plan.cli.col.model": ("mô hình", "model"),
    "plan.cli.col.scope": ("phạm vi", "scope"),
    "plan.cli.col.target": ("chỉ tiêu", "target"),
    "plan.cli.col.forecast": ("dự kiến", "forecast"),
    "plan.cli.col.verdict": ("kết quả", "verdict"),
    "plan.cli.col.earliest": ("sớm nhất", "earliest"),
    "plan.cli.col.why": ("lý do", "why"),
    "plan.cli.target": ("{share:percent0} {day:date}", "{share:percent0} {day:date}"),
    "plan.cli.met": ("Đạt", "met"),
    "plan.cli.not_met": ("Không đạt", "not met"),
    "plan.cli.resources": ("Nguồn lực (tổng trong kỳ kế hoạch):", "Resources (total over the plan):"),
    "plan.cli.col.pool": ("nguồn lực", "pool"),
    "plan.cli.col.used": ("dùng", "used"),
    "plan.cli.col.available": ("sẵn có", "available"),
    "plan.cli.pool": ("{pool} ({word})", "{pool} ({word})"),
    "plan.cli.note": ("Ghi chú: {note}", "Note: {note}"),
    "plan.cli.written": ("Lịch đã ghi: {path}", "Schedule written: {path}"),
    "plan.cli.variants": ("Phương án (cùng kế hoạch, thay một vài con số):", "What-if (the same plan, some numbers changed):"),
    "plan.cli.col.variant": ("phương án", "variant"),
    "plan.cli.col.targets_met": ("chỉ tiêu đạt", "targets met"),
    "plan.cli.col.starts": ("lượt triển khai", "starts"),
    "plan.cli.col.mean_wave": ("đợt bắt đầu TB", "mean start wave"),
}
