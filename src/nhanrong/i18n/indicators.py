"""The top-down track and the rights file: problems of ``indicators/*.toml`` (codes "indicator.*"),
the words of ``nhanrong indicators``, and why ``rights.toml`` lets nobody or somebody not edit
(codes "rights.*")."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # What a problem of an indicators file names (a parameter of the messages below).
    "indicator.noun.indicator": ("chỉ số", "indicator"),
    "indicator.noun.target_set": ("bộ chỉ tiêu", "target set"),
    "indicator.noun.reading": ("số liệu", "reading"),
    "indicator.noun.target": ("chỉ tiêu", "target"),
    "indicator.noun.met": ("báo cáo số chỉ tiêu đạt", "met count"),
    # A file that cannot be checked (a link to a folder, a folder named *.toml: the loader's "problem.*").
    "indicator.unreadable": ("không kiểm tra được tệp ({error}): bỏ qua tệp", "cannot check the file ({error}): file left out"),
    # A file and its records.
    "indicator.unknown_unit": ('mã đơn vị "{unit}" không có trong danh mục ({structure}); sửa mã hoặc structure',
                               'unit code "{unit}" is not in the {structure} register; fix the code or the structure'),
    "indicator.duplicate": ('{what} "{id}" đã được khai báo ở {path}:{line}; đổi mã một trong hai',
                            '{what} "{id}" is already declared at {path}:{line}; rename one of them'),
    "indicator.duplicate_date": ("{what} ngày {day:date} đã có ở dòng {line}: bỏ qua lần ghi này",
                                 "{what} of {day:date} is already given on line {line}: this one is left out"),
    "indicator.date_order": ("{what} ngày {day:date} ghi sau {what} ngày {latest:date}: hãy ghi theo thứ tự thời gian",
                             "{what} of {day:date} comes after the one of {latest:date}: keep them in date order"),
    "indicator.unknown_model": ('mô hình "{model}" không có trong models/{hint}', 'model "{model}" has no file in models/{hint}'),
    "indicator.unknown_metric": ('mô hình "{model}" không định nghĩa chỉ số "{metric}"{hint}',
                                 'model "{model}" defines no metric "{metric}"{hint}'),
    "indicator.typed_linked_reading": (
        'chỉ số "{id}" lấy giá trị từ mô hình "{model}" ({metric}): {n:int} số liệu ghi tay bị bỏ qua; '
        'xoá chúng hoặc bỏ "from"',
        'indicator "{id}" takes its value from model "{model}" ({metric}): {n:int} typed reading(s) ignored; '
        'remove them or remove "from"'),
    # Target sets.
    "indicator.linked_count": ('chỉ tiêu gắn với chỉ số "{indicator}" được đánh giá theo chỉ số đó: bỏ count và met',
                               'a target tied to indicator "{indicator}" is judged by that indicator: remove count and met'),
    "indicator.unknown_indicator": ('chỉ số "{indicator}" không có trong indicators/{hint}',
                                    'indicator "{indicator}" is not declared under indicators/{hint}'),
    "indicator.no_target": ('chỉ số "{indicator}" chưa có chỉ tiêu nào (targets): chưa đánh giá được',
                            'indicator "{indicator}" has no targets: it cannot be judged'),
    "indicator.unnamed_target": ("mỗi chỉ tiêu cần indicator (mã một chỉ số) hoặc name (tên chỉ tiêu)",
                                 "each target needs indicator (an indicator's id) or name"),
    "indicator.met_above_count": ("{met:int} chỉ tiêu đạt ngày {day:date}, nhưng chỉ có {total:int} chỉ tiêu",
                                  "{met:int} targets met on {day:date}, more than the {total:int} there are"),
    # nhanrong indicators
    "indicator.cli.other_errors": (
        "cảnh báo: dữ liệu có {n:int} lỗi khác; các bản ghi lỗi bị bỏ qua (chạy `nhanrong validate`)",
        "warning: the data has {n:int} other error(s); bad records are left out (run `nhanrong validate`)"),
    # rights.toml
    "rights.no_file": ("kho dữ liệu chưa có tệp {file}: chưa ai được sửa dữ liệu trên ứng dụng "
                       "(xem README, mục Đăng nhập và quyền)",
                       "the data repository has no {file}: nobody may edit from the app (see the README, Login and rights)"),
    "rights.broken_file": ("tệp {file} có lỗi, chưa ai được sửa dữ liệu: {where}: {severity}: {problem}",
                           "{file} has an error, nobody may edit: {where}: {severity}: {problem}"),
    "rights.no_rights": ("chưa có quyền", "no rights"),
    "rights.not_logged_in": ("chưa đăng nhập: không được sửa dữ liệu", "not logged in: you may not change the data"),
    "rights.no_plans": ("{who} không có quyền sửa kế hoạch ({plan}); xem {file}", "{who} may not change plans ({plan}); see {file}"),
    "rights.no_model": ("{who} không có quyền sửa mô hình {model} tại {unit_name} ({unit}); xem {file}",
                        "{who} may not change model {model} in {unit_name} ({unit}); see {file}"),
    "rights.no_unit": ("{who} không có quyền sửa đơn vị {unit_name} ({unit}); xem {file}",
                       "{who} may not change unit {unit_name} ({unit}); see {file}"),
}
