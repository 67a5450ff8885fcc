"""Hostile input and killed saves: ``make fuzz`` (``python -m bench.fuzz``).

**Fuzz.** A small but complete data root (settings, two models, declared units, three adoption files,
a plan) is damaged one case at a time: one file's bytes are mutated (:data:`MUTATORS`: truncation,
byte flips, BOM, CRLF and lone CR, Windows-1258/latin-1/UTF-16/invalid UTF-8, NUL, huge strings and
lines, deep nesting, long keys, duplicate keys, wrong types, extreme dates and numbers, empty and
binary files, an oversized file), or an entry is added (:data:`ENTRIES`: a folder, FIFO, socket or
device named ``*.toml``, symbolic link loops, links leaving the root, broken links, linked folders).
Each case runs in a forked process with a time limit: load, ``status`` and ``find_gaps`` in both
structures, then every plan as ``nhanrong plan`` runs it. A case fails on a traceback (crash), on
the time limit (hang), or when a record of an untouched file is missing or different from a clean
load (loss; files that depend on the damaged one, e.g. adoptions of a damaged model, are not compared).

**Kill.** A writer process saves a change to three files of a git repository (two existing, one new)
and is killed with SIGKILL at every step of the save (``NHANRONG_CRASH_AT``) and at random moments;
after each kill the next start must leave all files old or all new, with a matching commit and no
temporary file.

The test suite runs a short corpus of both (tests/test_fuzz.py, tests/test_editing_crash.py);
this runs the long one and prints ``name: value`` figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tiny model and units the tests use

from conftest import TINY_MODEL, TINY_PILOTS, TINY_UNITS  # noqa: E402

AS_OF = (dt.date(2023, 12, 31), dt.date(2100, 12, 31))

# --- the data every case starts from ------------------------------------------------------------

VILLAGE_MODEL = TINY_MODEL.replace('name = "Mô hình thử"', 'name = "Tổ công nghệ số cộng đồng"').replace(
    'adopted_by = ["commune"]', 'adopted_by = ["village"]\nrequires = [{ model = "tiny", where = "commune", stage = "pilot" }]')
"""A model of villages that waits for the commune model: prerequisites reach the planner and the gaps."""

BASE: dict[str, str] = {
    "nhanrong.toml": 'name = "Thử nghiệm"\nmodels = ["tiny", "village"]\n\n[kinds.village]\nname = "thôn, tổ dân phố"\n',
    "models/tiny.toml": TINY_MODEL,
    "models/village.toml": VILLAGE_MODEL,
    "units/villages.toml": TINY_UNITS + '\n[[unit]]\ncode = "T-04249-02"\nname = "Tổ dân phố 2"\nkind = "village"\nparent = "04249"\n'
                                        'established = 2022-03-01\n',
    "units/schools.toml": 'structure = "old"\n\n[[unit]]\ncode = "S-04384-07"\nname = "Trường Tiểu học Châu Quế"\nkind = "school"\n'
                          'parent = "04384"\nlat = 21.9\nlon = 104.5\n',
    "pilots/tiny/132.toml": TINY_PILOTS,
    "pilots/tiny/136.toml": 'model = "tiny"\nstructure = "old"\n\n[[adoption]]\nunit = "04378"\n'
                            'stages = { assess = 2022-04-01, pilot = 2022-05-02 }\nreadings = [{ metric = "people", date = 2022-06-30, value = 45.5 }]\n'
                            '\n[[adoption]]\nunit = "04384"\nstages.assess = 2022-09-09\nnote = "Đang khảo sát"\n',
    "pilots/village/132.toml": 'model = "village"\nstructure = "old"\n\n[[adoption]]\nunit = "T-04249-01"\n'
                               'stages = { assess = 2022-07-01, pilot = 2022-07-20 }\nreadings = [\n'
                               '  { metric = "accounts", date = 2022-08-31, value = 4 },\n]\n',
    "plans/p2023.toml": 'name = "Kế hoạch thử 2023"\nscope = "15"\nstructure = "old"\nstart = 2023-01-01\nperiod = "quarter"\n'
                        'horizon = 4\nmodels = ["tiny", "village"]\n\n[resources]\ntrainer_hours = 40\npeople = 12\n\n'
                        '[[targets]]\nmodel = "tiny"\ncoverage = 0.5\ndate = 2023-12-31\n',
}
DEPENDS: dict[str, set[str]] = {
    "pilots/tiny/132.toml": {"models/tiny.toml"},
    "pilots/tiny/136.toml": {"models/tiny.toml"},
    "pilots/village/132.toml": {"models/village.toml", "units/villages.toml", "nhanrong.toml"},
    "plans/p2023.toml": {"models/tiny.toml", "models/village.toml"},
    "units/villages.toml": {"nhanrong.toml"},
}
"""Files whose records may rightly go when the file they depend on is damaged (a model, a unit's declaration)."""


def write_base(root: Path) -> Path:
    for rel, text in BASE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


# --- damage --------------------------------------------------------------------------------------

Mutator = Callable[[bytes, random.Random, int], bytes]


def _pos(data: bytes, rng: random.Random) -> int:
    return rng.randrange(len(data) + 1)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _replace_values(data: bytes, rng: random.Random, find: str, choices: list[str]) -> bytes:
    import re

    spots = list(re.finditer(find.encode(), data))
    if not spots:
        return data + b"\nx = " + rng.choice(choices).encode() + b"\n"
    for m in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        data = data.replace(m.group(0), rng.choice(choices).encode(), 1)
    return data


def _into_record(data: bytes, line: bytes, rng: random.Random) -> bytes:
    """Insert ``line`` after a random table header (or at the end)."""
    lines = _lines(data)
    heads = [i for i, x in enumerate(lines) if x.lstrip().startswith(b"[")]
    i = (rng.choice(heads) + 1) if heads else len(lines)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    return b"".join(lines[:i] + [line + b"\n"] + lines[i:])


def m_truncate(d, rng, size):
    return d[: _pos(d, rng)]


def m_flip(d, rng, size):
    if not d:
        return b"\xff"
    i = rng.randrange(len(d))
    return d[:i] + bytes([d[i] ^ rng.randint(1, 255)]) + d[i + 1:]


def m_bom(d, rng, size):
    return b"\xef\xbb\xbf" + d


def m_crlf(d, rng, size):
    return d.replace(b"\n", b"\r\n")


def m_lone_cr(d, rng, size):
    lines = _lines(d)
    i = rng.randrange(len(lines))
    lines[i] = lines[i].replace(b"\n", b"\r")
    return b"".join(lines)


def m_cp1258(d, rng, size):
    return d.decode("utf-8", "replace").encode("cp1258", "replace")


def m_latin1(d, rng, size):
    return d.decode("utf-8", "replace").encode("latin-1", "replace")


def m_utf16(d, rng, size):
    return d.decode("utf-8", "replace").encode(rng.choice(["utf-16", "utf-16-be"]))


def m_bad_utf8(d, rng, size):
    i = _pos(d, rng)
    return d[:i] + rng.choice([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xe2\x82"]) + d[i:]


def m_nul(d, rng, size):
    i = _pos(d, rng)
    return d[:i] + b"\x00" * rng.randint(1, 3) + d[i:]


def m_huge_string(d, rng, size):
    return _into_record(d, b'note = "' + b"\xc6\xb0" * (size // 2) + b'"', rng)


def m_huge_inline(d, rng, size):
    n = max(size // 40, 10)
    body = b", ".join(b'{ metric = "people", date = 2022-06-30, value = %d }' % i for i in range(n))
    return _into_record(d, b"readings = [" + body + b"]", rng)


def m_huge_number(d, rng, size):
    return _into_record(d, b"note = { a = " + b"9" * max(size // 4, 10) + b" }", rng)


def m_deep_array(d, rng, size):
    n = rng.choice([50, 399, 400, 401, 1000, 100_000])
    return _into_record(d, b"note = " + b"[" * n + b"]" * n, rng)


def m_deep_table(d, rng, size):
    n = rng.choice([50, 399, 400, 401, 1000, 50_000])
    return _into_record(d, b"note = " + b"{ a = " * n + b"1" + b" }" * n, rng)


def m_long_key(d, rng, size):
    n = rng.choice([100, 999, 1000, 1001, 20_000])
    return _into_record(d, b".".join([b"k"] * n) + b" = 1", rng)


def m_deep_header(d, rng, size):
    n = rng.choice([100, 999, 1001, 5000])
    return d + b"\n[" + b".".join([b"t"] * n) + b"]\nx = 1\n"


def m_duplicate_key(d, rng, size):
    lines = _lines(d)
    keys = [i for i, x in enumerate(lines) if b"=" in x and not x.lstrip().startswith((b"#", b"["))]
    if not keys:
        return d + b"\na = 1\na = 2\n"
    i = rng.choice(keys)
    return b"".join(lines[: i + 1] + [lines[i] if lines[i].endswith(b"\n") else lines[i] + b"\n"] + lines[i + 1:])


WRONG = ['"texte"', "12", "-7", "3.5", "true", "[1, 2]", "{ a = 1 }", "2022-13-45", "2022-02-30T25:00:00", "07:30:00",
         "1979-05-27T07:32:00Z", '""', "[]", "{}", "nan", "-inf", "0x7fffffff"]


def m_wrong_type(d, rng, size):
    return _replace_values(d, rng, r'(?<== )("[^"\n]*"|\d[\d_.:-]*|true|false)', WRONG)


DATES = ["0001-01-01", "9999-12-31", "1989-12-31", "1990-01-01", "2100-12-31", "2101-01-01", "1677-09-21", "2262-04-11",
         "2024-02-29", "1900-01-01", "1970-01-01"]


def m_extreme_date(d, rng, size):
    return _replace_values(d, rng, r"\d{4}-\d{2}-\d{2}", DATES)


NUMBERS = ["0", "-1", "-0.0", "36500", "36501", "520", "521", "2_000_000_000", "9223372036854775807", "1180591620717411303424",
           "1e308", "-1e308", "1e-320", "inf", "-inf", "nan", "0.0000001", "99999999999999999999999999999.5"]


def m_extreme_number(d, rng, size):
    return _replace_values(d, rng, r"(?<=[=,{\[] )-?\d[\d_]*(\.\d+)?(?=[\s,}\]])", NUMBERS)


def m_empty(d, rng, size):
    return rng.choice([b"", b"\n", b"   \n\t\n", "# chỉ có chú thích\n".encode()])


def m_binary(d, rng, size):
    return bytes(rng.randrange(256) for _ in range(rng.randint(1, 4096)))


def m_oversized(d, rng, size):
    return d + b"\n# " + b"x" * (file_limit(size) + 10) + b"\n"


MUTATORS: dict[str, Mutator] = {
    "truncate": m_truncate, "byte-flip": m_flip, "bom": m_bom, "crlf": m_crlf, "lone-cr": m_lone_cr,
    "cp1258": m_cp1258, "latin-1": m_latin1, "utf-16": m_utf16, "invalid-utf8": m_bad_utf8, "nul": m_nul,
    "huge-string": m_huge_string, "huge-inline": m_huge_inline, "huge-number": m_huge_number,
    "deep-array": m_deep_array, "deep-table": m_deep_table, "long-key": m_long_key, "deep-header": m_deep_header,
    "duplicate-key": m_duplicate_key, "wrong-type": m_wrong_type, "extreme-date": m_extreme_date,
    "extreme-number": m_extreme_number, "empty": m_empty, "binary": m_binary, "oversized": m_oversized,
}
def file_limit(size: int) -> int:
    """The loader's file size limit during a run (set in each case's process): above every other case's
    file (huge strings of ``size`` bytes), below the oversized one, and far below the default 64 MB."""
    return 4 * size + 2**20


def e_folder(root: Path, rng: random.Random) -> None:
    (root / "pilots/tiny/folder.toml").mkdir()
    (root / "pilots/tiny/folder.toml/inside.toml").write_text('model = "tiny"\nstructure = "old"\n', encoding="utf-8")


def e_fifo(root: Path, rng: random.Random) -> None:
    os.mkfifo(root / rng.choice(["pilots/tiny/fifo.toml", "models/fifo.toml", "units/fifo.toml", "plans/fifo.toml"]))


def e_settings_fifo(root: Path, rng: random.Random) -> None:
    (root / "nhanrong.toml").unlink()
    os.mkfifo(root / "nhanrong.toml")


def e_socket(root: Path, rng: random.Random) -> None:
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(root / "units/sock.toml"))
    except OSError:
        pass  # path too long for a socket: no case
    finally:
        s.close()


def e_device(root: Path, rng: random.Random) -> None:
    try:  # /dev/zero's numbers: reading it never ends
        os.mknod(root / "pilots/tiny/zero.toml", 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 5))
    except (OSError, AttributeError):
        pass  # not root: no case


def e_link_loop(root: Path, rng: random.Random) -> None:
    os.symlink("zz-b.toml", root / "pilots/tiny/zz-a.toml")
    os.symlink("zz-a.toml", root / "pilots/tiny/zz-b.toml")
    os.symlink("zz-self.toml", root / "units/zz-self.toml")


def e_link_escape(root: Path, rng: random.Random) -> None:
    outside = root.parent / f"{root.name}-outside.toml"
    outside.write_text('model = "tiny"\nstructure = "old"\n[[adoption]]\nunit = "04255"\nstages.assess = 2022-01-01\n', encoding="utf-8")
    os.symlink(outside, root / "pilots/tiny/zz-outside.toml")
    os.symlink("/etc/passwd", root / "units/zz-passwd.toml")
    os.symlink("../../../..", root / "pilots/tiny/zz-up.toml")


def e_broken_link(root: Path, rng: random.Random) -> None:
    os.symlink("nowhere.toml", root / "plans/zz-broken.toml")


def e_linked_folder(root: Path, rng: random.Random) -> None:
    os.symlink("..", root / "pilots/tiny/loop")  # a folder loop: never followed
    os.symlink(root.parent, root / "units/outside")


def e_link_inside(root: Path, rng: random.Random) -> None:
    (root / "units/sub").mkdir()
    os.symlink("../schools.toml", root / "units/sub/zz-alias.toml")  # inside the root: read (its units are duplicates)


ENTRIES: dict[str, Callable[[Path, random.Random], None]] = {
    "folder-named-toml": e_folder, "fifo": e_fifo, "settings-fifo": e_settings_fifo, "socket": e_socket, "device": e_device,
    "link-loop": e_link_loop, "link-escape": e_link_escape, "broken-link": e_broken_link, "linked-folder": e_linked_folder,
    "link-inside": e_link_inside,
}
ENTRY_DAMAGES = {"settings-fifo": "nhanrong.toml", "link-inside": "units/schools.toml"}
"""Entries that stand for a damaged file (its dependents are not compared)."""


@dataclasses.dataclass(frozen=True)
class Case:
    n: int
    damage: str  # a MUTATORS or ENTRIES name
    target: str  # the file damaged ("" for an added entry)
    seed: int

    def __str__(self) -> str:
        return f"#{self.n} {self.damage} {self.target or '(entry)'} seed={self.seed}"


def cases(count: int, seed: int, files: list[str] | None = None) -> list[Case]:
    """Every damage at least once (each on a different file in turn), then random ones."""
    rng = random.Random(seed)
    files = sorted(files or BASE)
    names = list(MUTATORS) + list(ENTRIES)
    out = []
    for i in range(count):
        name = names[i] if i < len(names) else rng.choice(names)
        target = "" if name in ENTRIES else files[(i * 7 + rng.randrange(len(files))) % len(files)]
        out.append(Case(i, name, target, rng.randrange(2**31)))
    return out


def build(case: Case, root: Path, size: int) -> str:
    """Write the base data to ``root`` with the case's damage; returns the damaged file ("" if none)."""
    write_base(root)
    rng = random.Random(case.seed)
    if case.damage in ENTRIES:
        ENTRIES[case.damage](root, rng)
        return ENTRY_DAMAGES.get(case.damage, "")
    path = root / case.target
    path.write_bytes(MUTATORS[case.damage](path.read_bytes(), rng, size))
    return case.target


# --- one case, in its own process -----------------------------------------------------------------


def records(prog, keep: set[str]) -> dict:
    """The records of the files in ``keep``, in a form that compares and travels as JSON."""
    import pandas as pd

    def plain(v):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
            return None
        return v.isoformat() if hasattr(v, "isoformat") else v

    a = prog.adoptions
    a = a[a["path"].astype(str).isin(keep)]
    pairs = set(zip(a["unit"].astype(str), a["model"].astype(str)))
    r = prog.readings
    r = r[[(u, m) in pairs for u, m in zip(r["unit"].astype(str), r["model"].astype(str))]] if len(r) else r
    return {
        "models": {k: m.model_dump(mode="json") for k, m in prog.models.items() if prog.model_paths[k] in keep},
        "units": {k: [plain(x) for x in dataclasses.astuple(u)] for k, u in prog.local_units.items() if u.path in keep},
        "adoptions": sorted([[plain(x) for x in row] for row in a.astype(object).itertuples(index=False, name=None)], key=str),
        "readings": sorted([[plain(x) for x in row] for row in r.astype(object).itertuples(index=False, name=None)], key=str),
        "plans": {k: p.model_dump(mode="json") for k, p in prog.plans.items() if prog.plan_paths[k] in keep},
    }


def pipeline(root: Path, keep: set[str], seen: set[str] = frozenset(), as_of: tuple[dt.date, ...] = AS_OF) -> dict:
    """What a planner's session does with the data: load, then status, gaps and every plan, unless the
    same data (``digest``) already went through them in an earlier case (``seen``)."""
    import hashlib
    from nhanrong.errors import NhanRongError
    from nhanrong.graph import build_graph
    from nhanrong.gaps import find_gaps
    from nhanrong.loader import load_programme
    from nhanrong.planning.adapter import build_instance
    from nhanrong.planning.export import cost_by_pool, resource_use, schedule_frame
    from nhanrong.planning.forecast import coverage_curves, evaluate_targets, run_plan, targets_frame
    from nhanrong.status import status

    prog = load_programme(root)
    for p in prog.problems:  # every problem is located and said in both languages
        assert p.path and p.line >= 0 and p.column >= 0 and p.message and p.message_en, p
    everything = records(prog, set(prog.model_paths.values()) | {u.path for u in prog.local_units.values()}
                         | set(prog.adoptions["path"].astype(str)) | set(prog.plan_paths.values()))
    digest = hashlib.sha256(json.dumps([everything, prog.settings.model_dump(mode="json")], default=str,
                                       sort_keys=True).encode()).hexdigest()
    out = {"records": records(prog, keep), "problems": len(prog.problems), "refused": [], "digest": digest,
           "downstream": digest not in seen}
    if digest in seen:
        return out
    pg = build_graph(prog)
    for day in as_of:
        for structure in ("old", "new"):
            status(pg, day, structure=structure)
            find_gaps(pg, day, structure=structure)
    refused = out["refused"]
    for name, plan in prog.plans.items():
        try:
            inst, _notes = build_instance(pg, plan)
        except NhanRongError as exc:  # a clear refusal is an answer, not a crash
            refused.append(str(exc)[:200])
            continue
        sched = run_plan(inst)
        results = evaluate_targets(sched, search=True)
        targets_frame(results, inst, "vi")
        schedule_frame(sched, lang="vi")
        resource_use(sched, lang="vi")
        coverage_curves(sched, lang="vi")
        cost_by_pool(sched)
    return out


@dataclasses.dataclass
class Outcome:
    case: Case
    status: str  # ok, crash, hang, loss
    seconds: float
    detail: str = ""
    digest: str = ""
    downstream: bool = False  # status, gaps and plans ran on this case's data (not seen before)


def run_case(case: Case, workdir: Path, clean: Callable[[set[str]], dict], *, timeout: float, size: int,
             seen: set[str] = frozenset(), as_of: tuple[dt.date, ...] = AS_OF) -> Outcome:
    """Build the case under ``workdir``, run :func:`pipeline` in a forked process with a time limit, compare."""
    root = workdir / f"case-{case.n}"
    damaged = build(case, root, size)
    hit = {damaged} | {f for f, deps in DEPENDS.items() if damaged in deps} if damaged else set()
    keep = set(BASE) - hit
    t0 = time.monotonic()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the case's process: its result goes back through the pipe
        os.close(rfd)
        code = 0
        try:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.alarm(int(timeout) + 1)
            from nhanrong import loader

            loader.MAX_FILE_BYTES = file_limit(size)
            doc = {"ok": pipeline(root, keep, seen, as_of)}
        except BaseException:  # noqa: BLE001 - the traceback is the finding
            doc = {"crash": traceback.format_exc()[-3000:]}
        try:
            with os.fdopen(wfd, "w", encoding="utf-8") as out:
                json.dump(doc, out, default=str)
        except BaseException:  # noqa: BLE001
            code = 4
        os._exit(code)
    os.close(wfd)
    chunks, deadline = [], time.monotonic() + timeout + 5
    with os.fdopen(rfd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    _, wstatus = os.waitpid(pid, 0)
    seconds = time.monotonic() - t0
    shutil.rmtree(root, ignore_errors=True)
    if os.WIFSIGNALED(wstatus) or not chunks:
        return Outcome(case, "hang", seconds, f"no answer within {timeout:g} s (status {wstatus})")
    doc = json.loads(b"".join(chunks))
    if "crash" in doc:
        return Outcome(case, "crash", seconds, doc["crash"])
    got, want = doc["ok"]["records"], clean(keep)
    more = {"digest": doc["ok"]["digest"], "downstream": doc["ok"]["downstream"]}
    if got != want:
        return Outcome(case, "loss", seconds, _diff(want, got), **more)
    return Outcome(case, "ok", seconds, **more)


def _diff(want: dict, got: dict) -> str:
    out = []
    for k in want:
        if want[k] != got.get(k):
            w, g = want[k], got.get(k)
            if isinstance(w, dict):
                out.append(f"{k}: missing {sorted(set(w) - set(g or {}))}, differ "
                           f"{sorted(x for x in w if x in (g or {}) and w[x] != g[x])}")
            else:
                out.append(f"{k}: {len(w)} expected, {len(g or [])} loaded; first missing "
                           f"{next((x for x in w if x not in (g or [])), None)}")
    return "; ".join(out)


def clean_records(workdir: Path) -> Callable[[set[str]], dict]:
    """The clean load's records of a set of files (computed on demand, remembered)."""
    from nhanrong.loader import load_programme

    root = workdir / "clean"
    if not root.exists():
        write_base(root)
    prog = load_programme(root)
    assert not prog.errors, prog.errors
    cache: dict = {}

    def subset(keep: set[str]) -> dict:
        key = frozenset(keep)
        if key not in cache:
            cache[key] = json.loads(json.dumps(records(prog, keep), default=str))
        return cache[key]

    return subset


def fuzz(count: int, seed: int, *, timeout: float = 30.0, size: int = 256 * 1024, jobs: int = 2,
         as_of: tuple[dt.date, ...] = AS_OF, files: list[str] | None = None,
         progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run ``count`` cases (damaging ``files``, default all) in ``jobs`` worker processes; returns every
    outcome, in case order."""
    todo = cases(count, seed, files)
    base = Path(tempfile.mkdtemp(prefix="nhanrong-fuzz-base-"))
    try:  # the clean data once, here: every lazy cache is warm in the processes forked below
        first = pipeline(write_base(base / "clean"), set(BASE), set(), as_of)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    workers = []
    for j in range(max(jobs, 1)):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # a worker: its share of the cases, one forked process each; outcomes as JSON lines
            os.close(rfd)
            code = 0
            share = todo[j::max(jobs, 1)]
            try:
                signal.signal(signal.SIGALRM, signal.SIG_DFL)
                signal.alarm(int((timeout + 10) * len(share)) + 60)  # a worker never outlives its cases' limits
                with os.fdopen(wfd, "w", encoding="utf-8") as out:
                    workdir = Path(tempfile.mkdtemp(prefix="nhanrong-fuzz-"))
                    try:
                        clean, seen = clean_records(workdir), {first["digest"]}
                        for case in share:
                            res = run_case(case, workdir, clean, timeout=timeout, size=size, seen=seen, as_of=as_of)
                            seen.add(res.digest)
                            out.write(json.dumps(dataclasses.asdict(res), default=str) + "\n")
                            out.flush()
                    finally:
                        shutil.rmtree(workdir, ignore_errors=True)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
                code = 5
            os._exit(code)
        os.close(wfd)
        workers.append((pid, os.fdopen(rfd, "r", encoding="utf-8")))
    results: dict[int, Outcome] = {}
    open_pipes = [w[1] for w in workers]
    while open_pipes:
        for pipe in select.select(open_pipes, [], [])[0]:
            line = pipe.readline()
            if not line:
                open_pipes.remove(pipe)
                continue
            doc = json.loads(line)
            res = Outcome(**{**doc, "case": Case(**doc["case"])})
            results[res.case.n] = res
            if progress is not None:
                progress(res)
    for pid, pipe in workers:
        os.waitpid(pid, 0)
        pipe.close()
    missing = [c for c in todo if c.n not in results]
    return [results[c.n] for c in todo if c.n in results] + [Outcome(c, "crash", 0.0, "the worker died") for c in missing]


# --- killing saves --------------------------------------------------------------------------------

AUTHOR = "Nguyễn Thị Hoa <hoa@yenbai.gov.vn>"
WRITER_LIMIT = 120
"""Seconds a writer may take before it is stopped (a save takes a fraction of a second)."""


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


class KillBench:
    """A git data root, reset from a template before each round, and a three-file change prepared once
    (two existing files, one new). :meth:`run_writer` forks a writer that saves it and dies;
    :meth:`check` is the next start and the checks; it returns "old" or "new"."""

    def __init__(self, base: Path) -> None:
        from nhanrong.editing import NewLocalUnit, StageChange, prepare

        self.template = base / "template"
        for rel in ("models/tiny.toml", "units/villages.toml", "pilots/tiny/132.toml"):
            (self.template / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.template / rel).write_text(BASE[rel] if rel != "units/villages.toml" else TINY_UNITS, encoding="utf-8")
        (self.template / "plans").mkdir()
        git(self.template, "init", "-q", "-b", "main")
        for k, v in (("user.name", "Máy chủ"), ("user.email", "may-chu@x.vn"), ("commit.gpgsign", "false")):
            git(self.template, "config", k, v)
        git(self.template, "add", "-A")
        git(self.template, "commit", "-q", "-m", "Dữ liệu ban đầu")
        self.root = base / "data"
        self.reset()
        self.cs = prepare(self.root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1)),
                                      NewLocalUnit("T-04249-02", "Tổ dân phố 2", "village", "04249"),
                                      StageChange("04378", "tiny", "assess", dt.date(2022, 3, 1))])  # 136: a new file
        assert self.cs.ok, self.cs.refusals
        self.rels = sorted(e.rel for e in self.cs.edits)
        assert len(self.rels) == 3 and sum(e.before is None for e in self.cs.edits) == 1, self.rels
        self.old = {e.rel: (e.before.encode() if e.before is not None else None) for e in self.cs.edits}
        self.new = {e.rel: e.after.encode() for e in self.cs.edits}
        self.head = git(self.root, "rev-parse", "HEAD").strip()

    def reset(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.copytree(self.template, self.root, symlinks=True)

    def files(self) -> dict[str, bytes | None]:
        return {rel: (self.root / rel).read_bytes() if (self.root / rel).exists() else None for rel in self.rels}

    def run_writer(self, *, step: str | None = None, delay: float | None = None) -> int:
        """Fork a writer that saves the change; it dies at ``step`` (the NHANRONG_CRASH_AT hook) or is
        killed from here (SIGKILL) after ``delay`` seconds. Returns its wait status."""
        from nhanrong.editing import save
        from nhanrong.editing.safewrite import CRASH_ENV

        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                signal.signal(signal.SIGALRM, signal.SIG_DFL)
                signal.alarm(WRITER_LIMIT)  # a writer stuck (e.g. on a lock inherited through fork) dies, never hangs a run
                if step is not None:
                    os.environ[CRASH_ENV] = step
                save(self.cs, author=AUTHOR)
                code = 0
            finally:
                os._exit(code)
        if delay is not None:
            time.sleep(delay)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        status = os.waitpid(pid, 0)[1]
        assert not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM), "the writer hung"
        return status

    def check(self, how: str = "load") -> str:
        """The next start (the loader, or ``prepare``), then: all files old or all new, a commit that
        matches, no temporary file or journal left, and the planner told which way it went."""
        from nhanrong.editing import prepare
        from nhanrong.editing.journal import JOURNAL_DIR
        from nhanrong.loader import TEMP_FILE, load_programme

        if how == "load":
            told = " ".join(p.message for p in load_programme(self.root).problems if p.code == "save-recovered")
        else:
            told = " ".join(w.message for w in prepare(self.root, []).warnings)
        files = self.files()
        assert files in (self.old, self.new), "a save was applied to some files only"
        state = "new" if files == self.new else "old"
        left = [p for p in self.root.rglob("*") if TEMP_FILE.match(p.name) or p.name.endswith(".json.tmp")]
        assert left == [], f"temporary files left: {left}"
        journals = self.root / JOURNAL_DIR
        assert not journals.exists() or not any(journals.iterdir()), "a journal was left"
        commits = git(self.root, "rev-list", f"{self.head}..HEAD").split()
        if state == "new":
            assert len(commits) == 1, f"{len(commits)} commits for one save"
            assert sorted(git(self.root, "show", "--name-only", "--format=", "HEAD").split()) == self.rels
            for rel in self.rels:
                assert git(self.root, "show", f"HEAD:{rel}").encode() == self.new[rel], f"{rel}: commit and file differ"
        else:
            assert commits == [], "a commit of a save that was rolled back"
        assert git(self.root, "status", "--porcelain") == "", "files and commit disagree"
        if told:
            assert ("hoàn tất" in told) == (state == "new") and ("hoàn tác" in told) == (state == "old"), told
        return state


def kill_rounds(rounds: int, seed: int, workdir: Path | None = None) -> dict:
    """Every step once, then ``rounds`` kills at random moments; returns the figures."""
    own = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="nhanrong-kill-")) if own else workdir
    figures = {"kill_rounds": 0, "kill_old": 0, "kill_new": 0, "kill_failures": 0, "kill_steps": 0}
    try:
        bench = KillBench(workdir)
        bench.reset()
        t0 = time.monotonic()
        assert bench.run_writer() == 0
        took = time.monotonic() - t0
        rng = random.Random(seed)
        plan = [("step", str(k)) for k in range(1, 40)] + [("delay", rng.uniform(0, took * 1.2)) for _ in range(rounds)]
        for how, arg in plan:
            bench.reset()
            status = bench.run_writer(step=arg) if how == "step" else bench.run_writer(delay=arg)
            if how == "step" and os.WIFEXITED(status):
                continue  # past the last step: nothing to kill
            figures["kill_steps" if how == "step" else "kill_rounds"] += 1
            try:
                figures["kill_" + bench.check("load" if rng.random() < 0.7 else "prepare")] += 1
            except AssertionError as exc:
                figures["kill_failures"] += 1
                print(f"kill {how}={arg}: {exc}", file=sys.stderr)
        return figures
    finally:
        if own:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1500, help="fuzz cases (default 1500)")
    ap.add_argument("--kills", type=int, default=200, help="saves killed at random moments (default 200), after every step once")
    ap.add_argument("--seed", type=int, default=None, help="seed (default: random, printed)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds a case may take (default 30)")
    ap.add_argument("--size", type=int, default=2 * 2**20, help="bytes of the huge-string cases (default 2 MB)")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    print(f"seed: {seed}")
    t0 = time.monotonic()
    bad: list[Outcome] = []

    def show(res: Outcome) -> None:
        if res.status != "ok":
            bad.append(res)
            print(f"{res.status}: {res.case}: {res.detail.strip().splitlines()[-1] if res.detail else ''}", file=sys.stderr)

    outcomes = fuzz(args.cases, seed, timeout=args.timeout, size=args.size, progress=show)
    fuzz_s = time.monotonic() - t0
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ok", "crash", "hang", "loss")}
    slow = max(outcomes, key=lambda o: o.seconds)
    print(f"fuzz_cases: {len(outcomes)}")
    print(f"fuzz_classes: {len({o.case.damage for o in outcomes})}")
    for s in ("crash", "hang", "loss"):
        print(f"fuzz_{s}{'es' if s == 'crash' else 's' if s == 'hang' else 'es'}: {counts[s]}")
    print(f"fuzz_s: {fuzz_s:.1f}")
    print(f"fuzz_slowest_case_s: {slow.seconds:.2f} ({slow.case.damage})")
    t1 = time.monotonic()
    figures = kill_rounds(args.kills, seed) if shutil.which("git") else {}
    for k, v in figures.items():
        print(f"{k}: {v}")
    print(f"kill_s: {time.monotonic() - t1:.1f}")
    for res in bad[:10]:
        print(f"\n--- {res.status} {res.case}\n{res.detail}", file=sys.stderr)
    return 1 if bad or figures.get("kill_failures") else 0


if __name__ == "__main__":
    sys.exit(main())
