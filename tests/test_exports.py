"""Every export is safe to open in Excel: names, notes and plan names that begin like a formula
never become one, in every CSV and .xlsx the project writes (CLI, committed schedule, app downloads).

To add an export: append an :class:`Export` to ``EXPORTS``; the checks run on it unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
from openpyxl import load_workbook

from conftest import BUNDLED, TINY_MODEL, TINY_UNITS
from nhanrong.cli import main
from nhanrong.exports import safe_text, to_csv_bytes, to_xlsx_bytes, write_csv
from planning_cases import TINY_PLAN

PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-1-1", "@SUM(A1)", "\t=1", "\r=1"]
# What a spreadsheet may read as the start of a formula (OWASP; line feed and full-width per the
# OWASP testing guide). Defined here, not imported, so that the test does not trust the module.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Each payload as it must show in a spreadsheet: behind an apostrophe, line breaks as \n.
NEUTRALISED = {"'" + p.replace("\r", "\n") for p in PAYLOADS}
AS_OF = "2022-12-31"


def _toml(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a TOML basic string


VILLAGES = "".join(
    f'\n[[unit]]\ncode = "X-{i}"\nname = {_toml(p)}\nkind = "village"\nparent = "04249"\nnote = {_toml(p)}\n'
    for i, p in enumerate(PAYLOADS))
VILLAGE_MODEL = (TINY_MODEL.replace('name = "Mô hình thử"', f"name = {_toml(PAYLOADS[0])}")
                 .replace('adopted_by = ["commune"]', 'adopted_by = ["village"]')
                 .replace('structure = "old"\n', f'structure = "old"\nnote = {_toml(PAYLOADS[1])}\n', 1))
VILLAGE_PILOTS = f"""\
model = "thon"
structure = "old"

[[adoption]]
unit = "X-0"
stages = {{ assess = 2022-01-10, pilot = 2022-02-15, evaluate = 2022-05-01, scale = 2022-06-01 }}
note = {_toml(PAYLOADS[2])}
"""
PLAN = TINY_PLAN.replace('name = "Thử"', f"name = {_toml(PAYLOADS[0])}\nnote = {_toml(PAYLOADS[3])}").replace('"tiny"', '"thon"')


@pytest.fixture
def root(make_repo) -> Path:
    """Villages named (and noted) with each payload, a model adopted by villages, a plan for it."""
    return make_repo({"units/villages.toml": TINY_UNITS + VILLAGES, "models/thon.toml": VILLAGE_MODEL,
                      "pilots/thon/132.toml": VILLAGE_PILOTS, "plans/p.toml": PLAN})


@dataclass
class Run:
    root: Path
    tmp: Path
    capsys: pytest.CaptureFixture

    @property
    def plan(self) -> Path:
        return self.root / "plans" / "p.toml"

    def cli(self, *argv: str) -> str:
        self.capsys.readouterr()
        assert main(list(argv)) == 0
        return self.capsys.readouterr().out

    def out(self, name: str, *argv: str) -> bytes:
        path = self.tmp / name
        self.cli(*argv, "--out", str(path))
        return path.read_bytes()

    def schedule(self):
        from nhanrong.graph import build_graph
        from nhanrong.loader import load_programme
        from nhanrong.planning.adapter import build_instance
        from nhanrong.planning.forecast import evaluate_targets, run_plan

        prog = load_programme(self.root)
        sched = run_plan(build_instance(build_graph(prog), prog.plans[next(iter(prog.plans))])[0])
        return sched, evaluate_targets(sched, search=False)

    def app_gaps(self) -> pd.DataFrame:
        """The gaps table the app's gaps page exports (its download buttons call to_csv_bytes /
        to_xlsx_bytes on it)."""
        from nhanrong.brief import format_gaps
        from nhanrong.gaps import find_gaps
        from nhanrong.graph import build_graph
        from nhanrong.loader import load_programme

        pg = build_graph(load_programme(self.root))
        gaps = find_gaps(pg, dt.date.fromisoformat(AS_OF), structure="old")
        table = format_gaps(gaps, pg.programme.models, "vi")
        return table.assign(**{table.columns[6]: [None if pd.isna(d) else pd.Timestamp(d).date() for d in gaps["since"]]})


@dataclass
class Export:
    id: str
    kind: str  # "csv" or "xlsx"
    make: Callable[[Run], str | bytes]
    names: bool = True  # the payloads appear in it (else only the no-formula checks apply)
    numeric: dict[str, list[str]] = field(default_factory=dict)  # xlsx: sheet -> columns that stay numbers


def _plan_cli(r: Run, *extra: str) -> str:
    return r.cli("plan", str(r.plan), "--no-search", "--no-schedule", *extra)


def _schedule_file(r: Run) -> str:
    r.cli("plan", str(r.plan), "--no-search")
    return (r.root / "plans" / "p.schedule.csv").read_text(encoding="utf-8")


def _planner_csv(r: Run) -> bytes:
    from nhanrong.planning.export import schedule_csv_bytes

    return schedule_csv_bytes(r.schedule()[0])


def _planner_xlsx(r: Run) -> bytes:
    from nhanrong.planning.export import excel_bytes

    return excel_bytes(*r.schedule(), lang="vi")


PLAN_NUMBERS = {"coverage": ["covered", "eligible", "coverage"], "targets": ["eligible", "covered", "coverage"],
                "resources": ["used", "capacity"]}
EXPORTS = [
    Export("cli gaps --format csv", "csv", lambda r: r.cli("gaps", str(r.root), "--as-of", AS_OF, "--format", "csv")),
    Export("cli units --format csv", "csv",
           lambda r: r.cli("units", str(r.root), "--province", "15", "--structure", "old", "--format", "csv")),
    Export("cli status --format csv", "csv", names=False,
           make=lambda r: r.cli("status", str(r.root), "--as-of", AS_OF, "--level", "commune", "--format", "csv")),
    Export("cli plan --format csv", "csv", lambda r: _plan_cli(r, "--format", "csv")),
    Export("cli plan --out x.csv", "csv", lambda r: r.out("x.csv", "plan", str(r.plan), "--no-search", "--no-schedule")),
    Export("plans/*.schedule.csv", "csv", _schedule_file),
    Export("cli plan --out x.xlsx", "xlsx", numeric=PLAN_NUMBERS,
           make=lambda r: r.out("x.xlsx", "plan", str(r.plan), "--no-search", "--no-schedule")),
    Export("app planner csv (schedule_csv_bytes)", "csv", _planner_csv),
    Export("app planner xlsx (excel_bytes)", "xlsx", _planner_xlsx, numeric=PLAN_NUMBERS),
    Export("app gaps csv (to_csv_bytes)", "csv", lambda r: to_csv_bytes(r.app_gaps())),
    Export("app gaps xlsx (to_xlsx_bytes)", "xlsx", lambda r: to_xlsx_bytes(r.app_gaps(), "Khoảng trống")),
]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cells(data: str | bytes) -> list[str]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) > 1
    return [c for row in rows for c in row]


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.id)
def test_no_cell_would_run_as_a_formula(export: Export, root, tmp_path, capsys):
    data = export.make(Run(root, tmp_path, capsys))
    if export.kind == "csv":
        cells = csv_cells(data)
        # A number a spreadsheet reads (say -5) is a number, not a formula.
        bad = [c for c in cells if c.startswith(DANGEROUS) and not _is_number(c)]
        assert not bad
        texts = set(cells)
    else:
        wb = load_workbook(io.BytesIO(data))
        texts = set()
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(DANGEROUS), (ws.title, cell.coordinate, cell.value)
                        texts.add(cell.value)
        for sheet, columns in export.numeric.items():
            ws = wb[sheet]
            header = [c.value for c in ws[1]]
            for name in columns:
                values = [row[header.index(name)].value for row in ws.iter_rows(min_row=2)]
                assert values and all(isinstance(v, (int, float)) for v in values if v is not None), (sheet, name)
                assert any(v is not None for v in values), (sheet, name)
    if export.names:
        assert NEUTRALISED <= texts  # the names are there, neutralised, not left out


def test_the_plan_workbook_keeps_dates_as_dates_and_names_the_plan(root, tmp_path, capsys):
    wb = load_workbook(io.BytesIO(_planner_xlsx(Run(root, tmp_path, capsys))))
    ws = wb["coverage"]
    header = [c.value for c in ws[1]]
    dates = [row[header.index("date")] for row in ws.iter_rows(min_row=2)]
    assert all(isinstance(c.value, dt.datetime) and c.number_format == "DD/MM/YYYY" for c in dates)
    # The plan's name is the scope of the whole-plan curves, neutralised.
    assert "'" + PAYLOADS[0] in {row[header.index("scope")].value for row in ws.iter_rows(min_row=2)}
    assert all(c.number_format == "@" for c in ws["B"])  # text cells are text, also when edited


def test_json_is_data_and_left_as_it_is(root, capsys):
    run = Run(root, Path(), capsys)
    doc = json.loads(_plan_cli(run, "--format", "json"))
    assert doc["plan"] == PAYLOADS[0]
    assert set(PAYLOADS) <= {r[c] for r in doc["schedule"] for c in ("unit_name", "learned_from_name")}
    gaps = json.loads(run.cli("gaps", str(root), "--as-of", AS_OF, "--format", "json"))
    assert set(PAYLOADS) <= {r["unit_name"] for r in gaps}


def test_the_table_for_a_terminal_is_unchanged(root, capsys):
    out = Run(root, Path(), capsys).cli("units", str(root), "--province", "15", "--structure", "old")
    assert "\n" + "X-1  " in out and " =cmd|' /C calc'!A0 " in out


# --- the neutraliser itself -----------------------------------------------------------------------


@pytest.mark.parametrize("text", [*PAYLOADS, "\n=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "-5", "=", "\x00=1", "\x01@x"])
def test_text_that_starts_like_a_formula_gets_an_apostrophe(text):
    safe = safe_text(text)
    assert safe.startswith("'") and not safe[1:].startswith("'")
    assert "\r" not in safe and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", safe)


@pytest.mark.parametrize("text", ["Thôn Khe Bành", "Xã Âu Lâu", "", "'=already", " =1", "5", "Q1/2023", "2023-01-01",
                                  "a=b", "x - y"])
def test_ordinary_text_is_left_as_it_is(text):
    assert safe_text(text) == text


def test_numbers_stay_numbers_and_the_text_minus_five_does_not():
    frame = pd.DataFrame({"name": ["-5", "Thôn A"], "n": [-5, 3], "share": [-0.5, float("nan")], "ok": [True, False]})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert rows[1:] == [["'-5", "-5", "-0.5", "True"], ["Thôn A", "3", "", "False"]]
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert [c.value for c in ws[2]] == ["'-5", -5, -0.5, True]
    assert (ws["A2"].data_type, ws["B2"].data_type, ws["C2"].data_type, ws["D2"].data_type) == ("s", "n", "n", "b")
    assert ws["C3"].value is None


def test_a_carriage_return_inside_a_name_cannot_start_a_new_row():
    # The csv module quotes only for the characters of its line terminator: a lone \r went out
    # unquoted and a spreadsheet started a new row (and a new cell, "=1+1") there.
    buf = io.StringIO()
    write_csv(buf, [{"name": "Thôn A\r=1+1", "n": 1}], ["name", "n"])
    assert "\r" not in buf.getvalue()
    assert list(csv.reader(io.StringIO(buf.getvalue(), newline=""))) == [["name", "n"], ["Thôn A\n=1+1", "1"]]


def test_a_sheet_title_excel_would_refuse_is_cleaned():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]}), "Kế hoạch [2026]: A/B?")))
    assert wb.active.title == "Kế hoạch 2026 AB"


# --- the committed schedules and the writers ------------------------------------------------------


@pytest.mark.parametrize("plan", sorted((BUNDLED / "plans").glob("*.toml")), ids=lambda p: p.name)
def test_committed_schedules_are_what_the_cli_writes(plan, capsys):
    assert main(["plan", str(plan), str(BUNDLED), "--no-search", "--no-schedule", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out == plan.with_name(plan.stem + ".schedule.csv").read_text(encoding="utf-8"), \
        f"regenerate with: nhanrong plan plans/{plan.name} ."


WRITER = re.compile(r"\.to_csv\(|\bcsv\.(writer|DictWriter)\(|\bopenpyxl\b|\.to_excel\(|\bExcelWriter\b|"
                    r"\bxlsxwriter\b|\.to_clipboard\(")
# Files that may name a writer without bypassing nhanrong.exports, and why.
ALLOWED = {
    "src/nhanrong/exports.py": "the one export module",
    "src/nhanrong/editing/imports.py": "reads uploaded sheets (openpyxl.load_workbook); writes none",
}


def test_no_writer_bypasses_the_export_module():
    sources = [*(BUNDLED / "src").rglob("*.py")]
    found = []
    for path in sources:
        rel = path.relative_to(BUNDLED).as_posix()
        if rel in ALLOWED or not path.is_file():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITER.search(line.split("#", 1)[0]):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "write CSV/Excel through nhanrong.exports (or allow-list a reader):\n" + "\n".join(found)


def test_one_atomic_write_helper(tmp_path, monkeypatch):
    """Issue 13: exports, the programme cache, the editor and its journal replace files through
    nhanrong.atomic.replace_file only (fsync'ed; the temporary file removed when anything fails)."""
    import os
    from pathlib import Path

    import nhanrong
    from nhanrong import atomic
    from nhanrong.exports import write_file

    src = Path(nhanrong.__file__).parent
    for rel in ("exports.py", "cache.py", "editing/safewrite.py", "editing/journal.py"):
        text = (src / rel).read_text(encoding="utf-8")
        assert "mkstemp" not in text and "replace_file" in text, rel
    path = tmp_path / "out.csv"
    write_file(path, b"a\n")
    os.chmod(path, 0o640)
    write_file(path, b"b\n")
    assert path.read_bytes() == b"b\n" and (path.stat().st_mode & 0o777) == 0o640  # the mode is kept

    def broken(fh):
        fh.write(b"half")
        raise OSError("disk full")

    try:
        atomic.replace_file(path, broken)
    except OSError:
        pass
    assert path.read_bytes() == b"b\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
