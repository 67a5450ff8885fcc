"""The words of the ``nhanrong`` command itself (codes "cli.*"): its description, the summary
line of ``validate``, the line a domain error is printed on; and the few words of the ``status`` and
``gaps`` commands (codes "engine.*"). Each command's problems and
errors carry their own codes (``problem.*``, ``error.*``...)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "cli.description": ("Nhân Rộng: theo dõi mô hình thí điểm và lập kế hoạch nhân rộng chuyển đổi số.",
                        "Nhân Rộng: track digital-transformation pilot models and plan their scale-out."),
    "cli.validate.summary": ("{files:int} tệp, {records:int} bản ghi áp dụng: {errors:int} lỗi, {warnings:int} cảnh báo",
                             "{files:int} files, {records:int} adoption records: {errors:int} error(s), "
                             "{warnings:int} warning(s)"),
    "cli.serve.needs_app": ('ứng dụng cần gói bổ sung [app]: pip install "nhanrong[app]"',
                            'the app needs the [app] extra: pip install "nhanrong[app]"'),
    "cli.error": ("lỗi: {message}", "error: {message}"),
    # the `nhanrong status` / `nhanrong gaps` commands (nhanrong.commands.engine)
    "engine.data_errors": ("cảnh báo: dữ liệu có {n:int} lỗi; các bản ghi lỗi bị bỏ qua (chạy `nhanrong validate`)",
                           "warning: the data has {n:int} error(s); bad records are left out (run `nhanrong validate`)"),
}
