"""Exceptions the domain raises on purpose (codes "error.*"), outside editing and planning,
and the small phrases several messages share (codes "hint.*").

Numbers and dates are parameters, written by the formats of :mod:`nhanrong.i18n` at display time;
ids, codes and file names are data and are shown as written."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "hint.did_you_mean": (' (có phải ý bạn là "{choice}"?)', ' (did you mean "{choice}"?)'),
    "hint.other_structure": (' (mã này thuộc cấu trúc "{other}": thêm --structure {other})',
                             ' (this code is in the "{other}" structure: add --structure {other})'),
    # --- names that do not exist (status, gaps, spread, units, registry) -------------------------
    "error.unknown_model": ('Không có mô hình "{model}" trong models/{hint} (có: {known})',
                            'no model "{model}" in models/{hint} (known: {known})'),
    "error.unknown_scope": ('Không có tỉnh, huyện hay xã mã "{scope}" trong cấu trúc {structure}{hint}; '
                            'chạy `nhanrong units` để xem mã.',
                            'No province, district or commune with code "{scope}" in the {structure} structure{hint}; '
                            'run `nhanrong units` to list codes.'),
    "error.unknown_province": ('Không có tỉnh mã "{province}" trong cấu trúc {structure}; '
                               'chạy `nhanrong units --structure {structure}` để xem danh sách.',
                               'No province with code "{province}" in the {structure} structure; '
                               'run `nhanrong units --structure {structure}` to list the provinces.'),
    "error.unknown_level": ('cấp "{level}" không hợp lệ: dùng province, district hoặc commune',
                            'level "{level}" is not valid: use province, district or commune'),
    "error.no_district_level": ('cấu trúc mới (từ 1/7/2025) không còn cấp huyện (--level {level}); '
                                'dùng --level commune hoặc --structure old',
                                'the new structure (since 1 July 2025) has no district level (--level {level}); '
                                'use --level commune or --structure old'),
    "error.bad_structure": ('cấu trúc "{structure}" không hợp lệ: dùng "old" hoặc "new"',
                            'structure "{structure}" is not valid: use "old" or "new"'),
    # --- dates typed by a planner (nhanrong.formats.parse_date) ---------------------------------
    # a typed date that cannot be read (nhanrong.formats.parse_date): the app's fields and every command
    "error.date_format": ("Không đọc được ngày «{text}»: gõ theo dạng ngày/tháng/năm, ví dụ 30/09/2022",
                          "Cannot read the date «{text}»: type year-month-day, e.g. 2022-09-30"),
    "error.date_no_day": ("Không có ngày {text}: tháng {month}/{year} chỉ có {days} ngày",
                          "There is no {text}: {month}/{year} has only {days} days"),
    "error.date_no_month": ("Không có ngày {text}: một năm chỉ có 12 tháng", "There is no {text}: a year has only 12 months"),
    # --- rules of the file formats that pydantic's constraints do not say (nhanrong.schema) -----
    "error.schema.gate_bound": ("ngưỡng của cửa giai đoạn cần min hoặc max", "a gate threshold needs min or max"),
    "error.schema.below_needs_kind": ('where = "below" cần kind (loại đơn vị cấp dưới, ví dụ "village")',
                                      'where = "below" needs kind (the kind of the units below, e.g. "village")'),
    "error.schema.below_only": ('kind và share chỉ dùng với where = "below"', 'kind and share only go with where = "below"'),
    "error.schema.ratio_parts": ('chỉ số có rollup = "ratio" cần numerator và denominator',
                                 'a metric with rollup = "ratio" needs numerator and denominator'),
    "error.schema.ratio_only": ('numerator và denominator chỉ dùng với rollup = "ratio"',
                                'numerator and denominator only go with rollup = "ratio"'),
    "error.schema.env_date": ("{name}={raw!r} không phải ngày ISO (YYYY-MM-DD), dùng {default}",
                              "{name}={raw!r} is not an ISO date, using {default}"),
    # --- the commune boundaries file (nhanrong.maps) --------------------------------------------
    "error.boundaries.unreadable": ("{name}: không đọc được tệp GeoJSON ({reason})",
                                    "{name}: cannot read the GeoJSON file ({reason})"),
    "error.boundaries.not_collection": ('{name}: cần một GeoJSON "FeatureCollection" có "features"',
                                        '{name}: expected a GeoJSON "FeatureCollection" with "features"'),
    "error.boundaries.bad_structure": ('{name}: "structure" phải là "old" hoặc "new", không phải {structure!r}',
                                       '{name}: "structure" must be "old" or "new", not {structure!r}'),
    "error.boundaries.no_feature": ("{name}: không có vùng nào dùng được (mỗi feature cần Polygon/MultiPolygon "
                                    "và thuộc tính ma_xa hoặc code)",
                                    "{name}: no usable feature (each needs a Polygon/MultiPolygon and a ma_xa or code property)"),
    # why the brief cannot be made a PDF here (nhanrong.brief.PdfUnavailable)
    "brief.pdf.not_installed": ("chưa cài WeasyPrint (pip install 'nhanrong[pdf]'): {error}",
                                "WeasyPrint is not installed (pip install 'nhanrong[pdf]'): {error}"),
    "brief.pdf.no_library": ("thiếu thư viện hệ thống của WeasyPrint (apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                             "fonts-noto-core): {error}",
                             "a system library WeasyPrint needs is missing (apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                             "fonts-noto-core): {error}"),
}
