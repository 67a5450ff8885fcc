"""UI strings of the "Ghi nhận / Record" page, Vietnamese first.

Kept here, beside the editing code, because the app's catalogue (nhanrong.i18n) belongs to
another part of the project; the keys are prefixed "record." so they can be merged into
nhanrong.i18n.STRINGS as they are.
"""

from __future__ import annotations

from typing import Any

STRINGS: dict[str, tuple[str, str]] = {
    "record.page": ("Ghi nhận", "Record"),
    "record.header": ("Ghi nhận tiến độ", "Record progress"),
    "record.intro": ("Mỗi thay đổi được kiểm tra bằng đúng các quy tắc của `nhanrong validate` trước khi ghi. "
                     "Xem trước phần thay đổi của tệp, rồi bấm Lưu.",
                     "Every change is checked with the same rules as `nhanrong validate` before it is written. "
                     "Preview the change to the file, then press Save."),
    "record.author": ("Người ghi (Họ tên <email>)", "Recorded by (Name <email>)"),
    "record.author_help": ("Tên và email này là tác giả của commit trong git.", "This name and email become the git commit's author."),
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
}


def t(key: str, lang: str = "vi", **values: Any) -> str:
    """The string for ``key`` in ``lang``; a missing key raises KeyError (tests check every key)."""
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text
