"""Load a data root: parse every TOML file, validate it, and collect every problem.

The order follows frictionless: syntax (tomli), then structure (pydantic), then
references across files. Nothing stops at the first problem. A file with a
syntax error or a broken header is left out; a record with a problem is left
out; everything else loads, so the app still shows the rest of the data.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import os
import re
import stat
import sys
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import networkx as nx
import numpy as np
import pandas as pd
import tomli
from pydantic import BaseModel, ValidationError

from .errors import DataRootError
from .i18n import msg as message
from .problems import Problem, closest, did_you_mean_pair as did_you_mean, sort_problems
from .textfold import nfc_tree
from .programme import ADOPTION_COLUMNS, READING_COLUMNS, LocalUnit, LocalUnits, Programme
from .kinds import kind_label, known_kinds
from .registry import NEW, OLD, REFORM_DATE, Registry, load_registry, unit_key
from .schema import (ABOLISHED_KINDS, ADMIN_KINDS, DATE_MAX, DATE_MIN, STAGES, ModelFile, PilotsFile, PlanFile,
                     SettingsFile, UnitsFile)
from .tomlpos import deepest_nesting, key_positions, locate, longest_key

DATA_DIRS = ("models", "units", "pilots", "plans", "indicators")
SETTINGS_FILE = "nhanrong.toml"
"""The repository's own settings (model order, its kinds of unit and its words), at the root."""


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


MAX_FILE_BYTES = _env_int("NHANRONG_MAX_FILE_MB", 64) * 2**20
"""Largest file read (64 MB; ``NHANRONG_MAX_FILE_MB`` changes it): a bigger one is reported, not read.
The largest file of the national benchmark is under 2 MB."""
MAX_NESTING = 400
"""Deepest nesting of inline arrays and tables, and most parts of a dotted key (1000), that tomli parses;
deeper input is reported with its position instead of ending in a RecursionError."""
MAX_KEY_PARTS = 1000

TEMP_FILE = re.compile(r"^\.(?P<target>.+\.toml)\.(?:[A-Za-z0-9_]{8}\.tmp|[0-9a-f]{16}\.nhanrong-(?:new|old))$")
"""Temporary files of an atomic write (``safewrite``: .NAME.XXXXXXXX.tmp) and of a multi-file save
(``editing.journal``: .NAME.ID.nhanrong-new / -old), left behind only by a crash."""


@dataclass
class SourceFile:
    """One TOML file: its text, parsed data, and a lazily built key -> position map."""

    path: Path
    rel: str
    text: str = ""
    data: dict[str, Any] | None = None
    _positions: dict | None = field(default=None, repr=False)
    parser: str = "tomli"
    stamp: tuple | None = None  # (size, mtime_ns, inode) of the file as read; None for a text given in memory

    def pos(self, loc: Iterable[Any]) -> tuple[int, int]:
        if self._positions is None:
            if not self.text and self.stamp is not None:  # a file loaded from the per-file cache: read it now
                self.text = _reread(self.path)
            self._positions = key_positions(self.text)
        line, col = locate(self._positions, tuple(loc))
        return (line, col) if line else (1, 1)  # a key missing at the top: point at the file's start


class Report:
    """Problems collected while loading; appended to, never raised."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, src: SourceFile | str, loc: Iterable[Any] | tuple[int, int], severity: str, code: str, vi: str, en: str) -> None:
        """``loc`` is a key path when ``src`` is a SourceFile, else a (line, column) pair."""
        if isinstance(src, SourceFile):
            rel, (line, col) = src.rel, src.pos(loc)
        else:
            rel, (line, col) = src, tuple(loc)  # type: ignore[misc]
        self.problems.append(Problem(rel, line, col, severity, code, message("literal", vi=vi, en=en or vi)))  # type: ignore[arg-type]

    def error(self, src, loc, code, vi, en) -> None:
        self.add(src, loc, "error", code, vi, en)

    def warning(self, src, loc, code, vi, en) -> None:
        self.add(src, loc, "warning", code, vi, en)


# --- syntax and structure -------------------------------------------------------


@dataclass
class Scan:
    """What discovery found under the data folders: the TOML files to read, the entries it skipped
    (each a problem to report: a FIFO, a link leaving the root, a folder named *.toml...), and
    temporary files a crashed write left behind."""

    files: dict[str, list[Path]]
    skipped: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # rel, severity, code, vi, en
    leftovers: list[Path] = field(default_factory=list)


def discover(root: Path) -> dict[str, list[Path]]:
    """TOML files under each data folder, in a stable order (regular files only; see :func:`scan`)."""
    return scan(root).files


def _inside(path: str, bases: tuple[str, ...]) -> bool:
    return any(path == b or path.startswith(b.rstrip(os.sep) + os.sep) for b in bases)


def scan(root: Path) -> Scan:
    """Walk the data folders without following links into folders and without opening anything.

    Only regular files named ``*.toml`` are kept. A link to a file is followed only when it stays
    inside the data root (an error otherwise, and for a broken link or a loop); a link to a folder is
    not followed (a warning). A FIFO, socket or device named ``*.toml`` is an error and is never
    opened: reading it would wait forever. A folder named ``*.toml`` is a warning; its files are read.
    """
    if not root.is_dir():
        raise DataRootError(f'Không có thư mục dữ liệu "{root}". / No data folder "{root}".')
    if not any((root / d).is_dir() for d in DATA_DIRS):
        raise DataRootError(
            f'"{root}" không có thư mục models/, units/, pilots/, plans/ hay indicators/: đây không phải kho dữ liệu '
            f'Nhân Rộng. / "{root}" has none of models/, units/, pilots/, plans/, indicators/: not a Nhân Rộng data folder.'
        )
    real_root = os.path.realpath(root)
    bases = (real_root, *(os.path.realpath(root / d) for d in DATA_DIRS if (root / d).is_dir()))
    out = Scan({d: [] for d in DATA_DIRS})
    for d in DATA_DIRS:
        top = root / d
        if top.is_dir():
            _walk(root, top, out.files[d], out, bases)
            out.files[d].sort()
    return out


def _walk(root: Path, top: Path, found: list[Path], out: Scan, bases: tuple[str, ...]) -> None:
    stack = [str(top)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            rel = Path(folder).relative_to(root).as_posix()
            out.skipped.append((rel, "error", "unreadable", f"không đọc được thư mục: {exc.strerror}", f"cannot read folder: {exc.strerror}"))
            continue
        for e in entries:
            name = e.name
            toml = name.endswith(".toml")
            try:
                if e.is_symlink():
                    if toml:
                        _linked(root, Path(e.path), found, out, bases)
                    elif e.is_dir():
                        rel = Path(e.path).relative_to(root).as_posix()
                        out.skipped.append((rel, "warning", "linked-folder",
                                            "thư mục là liên kết (symlink): không đọc các tệp trong đó; chép chúng vào kho dữ liệu",
                                            "folder is a symbolic link: its files are not read; copy them into the data folder"))
                    continue
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                    if toml:
                        rel = Path(e.path).relative_to(root).as_posix()
                        out.skipped.append((rel, "warning", "not-a-file",
                                            "đây là một thư mục có tên *.toml, không phải tệp: bỏ qua (các tệp bên trong vẫn được đọc)",
                                            "this is a folder named *.toml, not a file: skipped (the files inside are still read)"))
                elif e.is_file(follow_symlinks=False):
                    if toml:
                        found.append(Path(e.path))
                    elif name[0] == "." and TEMP_FILE.match(name):
                        out.leftovers.append(Path(e.path))
                elif toml:
                    _special(root, Path(e.path), e.stat(follow_symlinks=False).st_mode, out)
            except OSError as exc:
                if toml:
                    rel = Path(e.path).relative_to(root).as_posix()
                    out.skipped.append((rel, "error", "unreadable", f"không đọc được tệp: {exc.strerror}", f"cannot read file: {exc.strerror}"))


def _special(root: Path, path: Path, mode: int, out: Scan) -> None:
    kind_vi, kind_en = _file_kind(mode)
    out.skipped.append((path.relative_to(root).as_posix(), "error", "not-regular-file",
                        f"đây không phải tệp thường mà là {kind_vi}: không đọc; xoá hoặc đổi tên nó",
                        f"this is not a regular file but a {kind_en}: not read; remove or rename it"))


def _file_kind(mode: int) -> tuple[str, str]:
    if stat.S_ISFIFO(mode):
        return "một đường ống (FIFO)", "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "một socket", "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một thiết bị", "device"
    if stat.S_ISDIR(mode):
        return "một thư mục", "folder"
    return "một tệp đặc biệt", "special file"


def _linked(root: Path, path: Path, found: list[Path], out: Scan, bases: tuple[str, ...]) -> None:
    """A symbolic link named *.toml: kept when it leads to a regular file inside the data root."""
    rel = path.relative_to(root).as_posix()
    problem = link_problem(path, bases)
    if problem is not None:
        out.skipped.append((rel, "error", *problem))
        return
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        found.append(path)
    elif stat.S_ISDIR(mode):
        out.skipped.append((rel, "warning", "not-a-file", "đây là liên kết tới một thư mục, không phải tệp: bỏ qua",
                            "this is a link to a folder, not a file: skipped"))
    else:
        _special(root, path, mode, out)


def link_problem(path: Path, bases: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(code, vi, en) when the symbolic link ``path`` is broken, loops, or leads out of ``bases``."""
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return ("link-loop", "liên kết (symlink) vòng lặp, không dẫn tới tệp nào: không đọc",
                    "symbolic link loop, it leads to no file: not read")
        return ("broken-link", "liên kết (symlink) hỏng: tệp đích không tồn tại", "broken symbolic link: its target does not exist")
    except RuntimeError:  # pragma: no cover - Python < 3.13 on some platforms reports loops this way
        return ("link-loop", "liên kết (symlink) vòng lặp, không dẫn tới tệp nào: không đọc",
                "symbolic link loop, it leads to no file: not read")
    if not _inside(target, bases):
        return ("link-outside", f'liên kết (symlink) dẫn ra ngoài thư mục dữ liệu ("{target}"): không đọc; chép tệp vào kho dữ liệu',
                f'symbolic link leads outside the data folder ("{target}"): not read; copy the file into the data folder')
    return None


def parse_file(path: Path, root: Path, report: Report, text: str | None = None, *, fast: bool = False) -> SourceFile | None:
    """Read and parse one file; every failure becomes a located problem, never an exception.

    ``text``: the file's content as it would be after an edit (nothing is read from disk).
    Only a regular file is opened (non-blocking, checked again once open), and only up to
    :data:`MAX_FILE_BYTES`; a UTF-8 byte order mark is accepted. ``fast``: parse with the compiled
    parser when it is installed (see :func:`parse_toml`); the caller then checks the shape of what
    it got and calls :func:`reparse_exact` on anything unexpected.
    """
    src = SourceFile(path, path.relative_to(root).as_posix())
    if text is None:
        data = _read_regular(path, src.rel, report, src)
        if data is None:
            return None
        text = _decode(data, src.rel, report)
        if text is None:
            return None
    elif text.startswith("\ufeff"):
        text = text[1:]
    src.text = text
    if fast:
        src.data = parse_toml(text)
        if src.data is not None:
            src.parser = FAST_PARSER
            return _composed(src)
    return _parse_exact(src, report)


def _composed(src: SourceFile) -> SourceFile:
    """Strings and keys in NFC (only walked when the text has decomposed characters: a C check);
    ``src.text`` stays as written, so lines and columns in messages are the file's own."""
    if not unicodedata.is_normalized("NFC", src.text):
        src.data = nfc_tree(src.data)
    return src


def reparse_exact(src: SourceFile, report: Report) -> SourceFile | None:
    """Parse ``src`` again with tomli, the reference (when the compiled parser's result did not have
    the expected shape: tomli's verdict, and its located message, are the ones that count)."""
    if src.parser == "tomli":
        return src
    return _parse_exact(src, report)


def _parse_exact(src: SourceFile, report: Report) -> SourceFile | None:
    text = src.text
    src.parser = "tomli"
    try:
        src.data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        line, col = getattr(exc, "lineno", 0) or 0, getattr(exc, "colno", 0) or 0
        msg = getattr(exc, "msg", str(exc))
        report.error(src.rel, (line, col), "toml-syntax", f"lỗi cú pháp TOML: {msg}", f"TOML syntax error: {msg}")
        return None
    except RecursionError as exc:
        if "key" in str(exc):
            report.error(src.rel, longest_key(text), "too-deep",
                         f"khoá có quá nhiều phần (hơn {MAX_KEY_PARTS} phần nối bằng dấu chấm): không đọc tệp này",
                         f"key has too many dotted parts (more than {MAX_KEY_PARTS}): file not read")
        else:
            report.error(src.rel, deepest_nesting(text, MAX_NESTING), "too-deep",
                         f"mảng hoặc bảng lồng nhau quá sâu (hơn {MAX_NESTING} cấp): không đọc tệp này",
                         f"arrays or tables nested too deep (more than {MAX_NESTING} levels): file not read")
        return None
    except Exception as exc:  # noqa: BLE001 - any parser failure is a problem of this file, never a crash
        huge = _HUGE_INT.search(text) if isinstance(exc, ValueError) and "digits" in str(exc) else None
        if huge is not None:  # Python refuses to convert integers of more than 4300 digits
            line = text.count("\n", 0, huge.start()) + 1
            col = huge.start() - (text.rfind("\n", 0, huge.start()) + 1) + 1
            report.error(src.rel, (line, col), "toml-syntax", f"số quá dài ({huge.end() - huge.start()} chữ số): không đọc tệp này",
                         f"number too long ({huge.end() - huge.start()} digits): file not read")
            return None
        report.error(src.rel, (1, 1), "toml-syntax", f"không đọc được tệp TOML ({type(exc).__name__}: {_short(exc)})",
                     f"cannot parse the TOML file ({type(exc).__name__}: {_short(exc)})")
        return None
    return _composed(src)


# --- the compiled parser ----------------------------------------------------------------
#
# tomli is the reference: its verdict and its located messages are the ones users see. toml-rs (the
# optional extra ``fast``; Rust, TOML 1.1 like tomli 2.x, a tomli-compatible API) parses the bulk of a
# national data set 3-5x faster. Its result is used only where it cannot differ from tomli's:
# - any error (a syntax error, or anything unusual) -> parse again with tomli, which says what is wrong;
# - the callers (units/ and pilots/ files) accept its result only when every value has the shape the
#   format expects (scalars in known keys, records a few levels deep); anything else is parsed again
#   with tomli and validated by pydantic, as without it. So nesting deeper than tomli's 400 levels, or
#   keys of more than 1000 parts, which toml-rs would accept, never get through;
# - toml-rs recurses on the machine stack, so it runs in one worker thread with a large stack, and only
#   on files with at most FAST_MAX_OPENERS brackets (a bound on the nesting): nothing can overflow it.
# ``NHANRONG_TOML=tomli`` (or a missing toml-rs) parses everything with tomli.

FAST_MAX_OPENERS = 100_000
_FAST_STACK = 512 * 2**20  # virtual: pages are only used as deep as a file nests (a 200,000-deep test file passes)


def _fast_parser():
    if os.environ.get("NHANRONG_TOML", "").strip().lower() == "tomli":
        return None
    try:
        import toml_rs
    except ImportError:
        return None
    return toml_rs


_FAST = _fast_parser()
FAST_PARSER = "toml-rs" if _FAST is not None else "tomli"
"""The parser that reads units/ and pilots/ files: "toml-rs" when installed (and not turned off), else "tomli"."""


def use_parser(name: str) -> str:
    """Switch the parser of units/ and pilots/ files ("toml-rs" or "tomli"); returns the previous one.
    For tests and the benchmark (both paths must give the same programme)."""
    global _FAST, FAST_PARSER
    before = FAST_PARSER
    if name == "tomli":
        _FAST, FAST_PARSER = None, "tomli"
    else:
        import toml_rs

        _FAST, FAST_PARSER = toml_rs, "toml-rs"
    return before


class _BigStack:
    """One daemon thread with a large stack that runs the compiled parser (calls wait for it)."""

    def __init__(self) -> None:
        import queue
        import threading

        self._lock = threading.Lock()
        self._queue: Any = None
        self._threading, self._queue_mod = threading, queue

    def call(self, fn, *args):
        with self._lock:  # one parse at a time: the worker is single and the caller waits anyway
            if self._queue is None:
                self._queue = self._queue_mod.SimpleQueue()
                old = self._threading.stack_size()
                try:
                    self._threading.stack_size(_FAST_STACK)
                    t = self._threading.Thread(target=self._loop, name="nhanrong-toml", daemon=True)
                    t.start()
                finally:
                    self._threading.stack_size(old)
            box: list = []
            done = self._threading.Event()
            self._queue.put((fn, args, box, done))
            done.wait()
        ok, value = box[0]
        if ok:
            return value
        raise value

    def _loop(self) -> None:
        while True:
            fn, args, box, done = self._queue.get()
            try:
                box.append((True, fn(*args)))
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                box.append((False, exc))
            finally:
                done.set()


_WORKER = _BigStack()


def _after_fork() -> None:
    """A forked child has no worker thread (nor a free lock): it starts its own when it needs one."""
    global _WORKER
    _WORKER = _BigStack()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def parse_toml(text: str) -> dict | None:
    """The compiled parser's view of ``text``, or None: not installed, too many brackets to be sure
    of its stack, or any error (then tomli decides and says where; see above)."""
    fast = _FAST
    if fast is None or text.count("[") + text.count("{") > FAST_MAX_OPENERS:
        return None
    try:
        data = _WORKER.call(fast.loads, text)
    except Exception:  # noqa: BLE001 - tomli parses it again and reports what is wrong
        return None
    return data if type(data) is dict else None


_HUGE_INT = re.compile(r"[0-9_]{4000,}")


def _short(x: object, limit: int = 80) -> str:
    text = str(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_regular(path: Path, rel: str, report: Report, src: SourceFile | None = None) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most MAX_FILE_BYTES; else a problem and None.
    ``src`` gets the stamp (size, mtime, inode) of the file as opened: the per-file cache's key."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            kind_vi, kind_en = _file_kind(st.st_mode)
            report.error(rel, (0, 0), "not-regular-file", f"đây không phải tệp thường mà là {kind_vi}: không đọc",
                         f"this is not a regular file but a {kind_en}: not read")
            return None
        if st.st_size > MAX_FILE_BYTES:
            return _too_large(rel, st.st_size, report)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            fst = os.fstat(fh.fileno())
            if not stat.S_ISREG(fst.st_mode):  # swapped for a FIFO since the stat
                report.error(rel, (0, 0), "not-regular-file", "đây không phải tệp thường: không đọc", "this is not a regular file: not read")
                return None
            data = fh.read()  # a regular file ends (a FIFO or a device may not); its size is checked below
    except OSError as exc:
        report.error(rel, (0, 0), "unreadable", f"không đọc được tệp: {exc.strerror}", f"cannot read file: {exc.strerror}")
        return None
    if len(data) > MAX_FILE_BYTES:
        return _too_large(rel, len(data), report)
    if src is not None:
        src.stamp = file_stamp(fst)
    return data


def file_stamp(st: os.stat_result) -> tuple:
    """What says a file is unchanged: size, modification time (ns) and inode."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _reread(path: Path) -> str:
    """The text of a file read before (for positions in messages); empty when it is gone."""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def _too_large(rel: str, size: int, report: Report) -> None:
    limit = MAX_FILE_BYTES / 2**20
    report.error(rel, (0, 0), "too-large", f"tệp quá lớn ({size / 2**20:.1f} MB, tối đa {limit:g} MB): không đọc; hãy chia nhỏ tệp",
                 f"file too large ({size / 2**20:.1f} MB, at most {limit:g} MB): not read; split it")
    return None


def _decode(data: bytes, rel: str, report: Report) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # the byte order mark some editors write: harmless
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        report.error(rel, (1, 1), "encoding", "tệp được lưu dạng UTF-16; hãy lưu lại với mã hoá UTF-8",
                     "file is saved as UTF-16; save it as UTF-8")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        report.error(rel, (line, col), "encoding", f"tệp không phải UTF-8 (byte {exc.start}); hãy lưu lại với mã hoá UTF-8",
                     f"file is not UTF-8 (byte {exc.start}); save it as UTF-8")
        return None


_TYPE_VI = {
    "missing": "thiếu khoá bắt buộc",
    "string_type": "phải là chuỗi văn bản (trong dấu ngoặc kép)",
    "float_type": "phải là một số",
    "float_parsing": "phải là một số",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "bool_type": "phải là true hoặc false",
    "list_type": "phải là một danh sách [...]",
    "dict_type": "phải là một bảng",
    "model_type": "phải là một bảng",
    "date_type": "phải là một ngày, viết như 2022-12-31",
    "date_parsing": "ngày không hợp lệ; viết như 2022-12-31",
    "date_from_datetime_parsing": "ngày không hợp lệ; viết như 2022-12-31, không có dấu ngoặc kép",
    "date_from_datetime_inexact": "chỉ ghi ngày, không ghi giờ; viết như 2022-12-31",
    "string_pattern_mismatch": "không đúng dạng mã: chỉ dùng chữ không dấu, số, '.', '-' và '_'",  # see _PATTERNS
    "string_too_short": "không được để trống",
    "too_short": "không được để trống",
    "greater_than": "phải lớn hơn",
    "greater_than_equal": "phải lớn hơn hoặc bằng",
    "less_than_equal": "phải nhỏ hơn hoặc bằng",
    "finite_number": "phải là một số hữu hạn (không dùng inf hay nan)",
}


def _day(d: dt.date, lang: str) -> str:
    """A date of any year, padded (strftime leaves years before 1000 unpadded on some platforms)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if lang == "vi" else f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    """Allowed keys at ``loc`` (for "did you mean"), by walking the model's fields."""
    import typing

    current: Any = model
    skip = False
    for part in loc:
        if isinstance(part, int) or skip:
            skip = False
            continue
        fld = getattr(current, "model_fields", {}).get(part)
        if fld is None:
            return []
        ann = fld.annotation
        for _ in range(3):  # unwrap list[X], dict[str, X] and X | None
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            if typing.get_origin(ann) is dict:
                ann = typing.get_args(ann)[1]
                skip = True  # the next part of the location is the dict's key
                continue
            args = [a for a in getattr(ann, "__args__", ()) if a is not type(None)]
            ann = args[0] if args else ann
        current = ann
    return list(getattr(current, "model_fields", {}))


_PATTERNS: dict[str, tuple[str, str]] = {
    # The id patterns of nhanrong.schema, in words: what a planner may type in each kind of id.
    r"^[a-z0-9][a-z0-9-]*$": ("chỉ dùng chữ thường không dấu, số và '-'", "use lower-case letters without diacritics, digits and '-'"),
    r"^[a-z][a-z0-9-]*$": ("chỉ dùng chữ thường không dấu, số và '-', bắt đầu bằng chữ",
                           "use lower-case letters without diacritics, digits and '-', starting with a letter"),
    r"^[a-z0-9][a-z0-9_]*$": ("chỉ dùng chữ thường không dấu, số và '_' (không dùng '-')",
                              "use lower-case letters without diacritics, digits and '_' (not '-')"),
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": ("chỉ dùng chữ không dấu, số, '.', '-' và '_'",
                                      "use letters without diacritics, digits, '.', '-' and '_'"),
}


def report_validation(src: SourceFile, exc: ValidationError, model: type[BaseModel], report: Report, prefix: tuple = ()) -> set[int]:
    """Turn pydantic's errors into problems; return the indexes of bad records in the main list."""
    bad: set[int] = set()
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        loc = tuple(x for x in loc if not (isinstance(x, str) and x in ("function-after", "function-before")))
        if len(loc) > len(prefix) + 1 and isinstance(loc[len(prefix) + 1], int):
            bad.add(loc[len(prefix) + 1])
        where = ".".join(str(x) for x in loc if not isinstance(x, int)) or "(tệp)"
        etype = err["type"]
        value = err.get("input")
        if etype == "extra_forbidden":
            key = str(loc[-1])
            vi, en = did_you_mean(key, _field_names(model, tuple(loc[len(prefix):-1])))
            report.error(src, loc, "unknown-key", f'khoá không hợp lệ "{where}"{vi}', f'unknown key "{where}"{en}')
        elif etype == "missing":
            report.error(src, loc[:-1], "missing-key", f'thiếu khoá bắt buộc "{where}"', f'missing required key "{where}"')
        elif etype == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            options = [s.strip(" '\"") for s in expected.replace(" or ", ",").split(",") if s.strip()]
            listed = ", ".join(f'"{o}"' for o in options)
            vi, en = did_you_mean(str(value), options)
            report.error(src, loc, "bad-value", f'"{where}": giá trị "{value}" không hợp lệ{vi}; chọn một trong: {listed}',
                         f'"{where}": invalid value "{value}"{en}; expected one of: {listed}')
        elif etype in ("greater_than_equal", "less_than_equal") and isinstance(value, dt.date):
            report.error(src, loc, "date-out-of-range",
                         f'"{where}": ngày {_day(value, "vi")} nằm ngoài khoảng cho phép {_day(DATE_MIN, "vi")} – {_day(DATE_MAX, "vi")}; kiểm tra lại năm',
                         f'"{where}": date {_day(value, "en")} is outside the allowed range {_day(DATE_MIN, "en")} to {_day(DATE_MAX, "en")}; check the year')
        else:
            vi = _TYPE_VI.get(etype)
            ctx = err.get("ctx") or {}
            limit = next((ctx[k] for k in ("gt", "ge", "le", "lt") if k in ctx), None)
            suffix = f" {limit}" if limit is not None and etype.startswith(("greater", "less")) else ""
            if vi is None:
                vi = f"giá trị không hợp lệ ({err['msg']})"
            shown = f' (đang là {_short(repr(value))})' if value is not None and not isinstance(value, (dict, list)) else ""
            shown_en = f" (got {_short(repr(value))})" if shown else ""
            en = err["msg"]
            if etype == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
                words = _PATTERNS[ctx["pattern"]]
                vi, en = f"không đúng dạng mã: {words[0]}", f"not a valid id: {words[1]}"
            report.error(src, loc, f"bad-{etype}", f'"{where}" {vi}{suffix}{shown}', f'"{where}": {en}{shown_en}')
    return bad


def validate_file(src: SourceFile, model: type[BaseModel], list_key: str | None, report: Report) -> BaseModel | None:
    """Validate a whole file; None (problems reported) when it cannot be used at all."""
    return validate_records(src, model, list_key, report)[0]


def validate_records(src: SourceFile, model: type[BaseModel], list_key: str | None,
                     report: Report) -> tuple[BaseModel | None, list[int]]:
    """Validate a whole file; on failure keep the good records of its main list.

    Returns the model and, for each record it kept, the record's index in the file (so later
    messages point at the right ``[[...]]`` block even when earlier records were left out).
    """
    items = (src.data or {}).get(list_key) if list_key else None
    count = len(items) if isinstance(items, list) else 0
    try:
        return model.model_validate(src.data), list(range(count))
    except ValidationError as exc:
        bad = report_validation(src, exc, model, report)
    except Exception as exc:  # noqa: BLE001 - e.g. a RecursionError on absurd input: a problem of this file
        _unexpected(src, exc, report)
        return None, []
    if list_key is None or not isinstance(items, list):
        return None, []
    data = dict(src.data or {})
    data[list_key] = [x for i, x in enumerate(items) if i not in bad]
    try:
        obj = model.model_validate(data)
    except ValidationError:
        return None, []  # the header itself is broken: already reported
    except Exception as exc:  # noqa: BLE001
        _unexpected(src, exc, report)
        return None, []
    return obj, [i for i in range(count) if i not in bad]


def _unexpected(src: SourceFile, exc: BaseException, report: Report) -> None:
    report.error(src.rel, (1, 1), "unreadable", f"không kiểm tra được tệp ({type(exc).__name__}: {_short(exc)}): bỏ qua tệp",
                 f"cannot check the file ({type(exc).__name__}: {_short(exc)}): file left out")


# --- the whole data root --------------------------------------------------------


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects at once.

    Parsing and validating a national data set allocates millions of dicts and models that
    all stay alive; each automatic collection would walk them again for nothing (a third
    of the load time). Any cycle made meanwhile is collected as usual afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_programme(root: str | Path, *, registry: Registry | None = None, overrides: Mapping[str, str] | None = None,
                   recover: bool = True) -> Programme:
    """Load and validate everything under ``root``; problems are in ``Programme.problems``.

    ``overrides`` (relative path -> text): load as if those files held that text (read from memory,
    nothing is written: how an edit is checked before it is saved). ``recover``: first complete or roll
    back a save that a crash interrupted, and remove the temporary files a crash left (see
    :mod:`nhanrong.editing.journal`); what was done is reported as a warning.
    """
    root = Path(root).resolve()
    sc = scan(root)
    notes: list = []
    if recover and (sc.leftovers or pending_saves(root)):
        from .editing.journal import recover_root

        notes = recover_root(root, sc.leftovers)
        if any(n.changed for n in notes):
            sc = scan(root)  # a completed save may have made a new file
    with paused_gc():
        return _load_programme(root, sc, registry, overrides or {}, notes)


STATE_DIR = ".nhanrong"
"""The app's own folder in a data root (cache, save journal), hidden from git by its own ``.gitignore``."""
_IGNORE_ALL = b"*\n"


def ensure_state_dir(root: Path) -> Path:
    """``ROOT/.nhanrong``, with its ``.gitignore`` written before anything else goes in, so that git never
    sees what a killed process leaves there; a damaged ``.gitignore`` is written again."""
    top = Path(root) / STATE_DIR
    top.mkdir(exist_ok=True)
    ignore = top / ".gitignore"
    try:
        ok = ignore.read_bytes() == _IGNORE_ALL
    except OSError:
        ok = False
    if not ok:
        fd = os.open(ignore, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, _IGNORE_ALL)  # one write: at worst an empty file, written again next time
        finally:
            os.close(fd)
    return top


def pending_saves(root: Path) -> bool:
    """Whether a save's journal waits under ``ROOT/.nhanrong/journal``, or the folder's ``.gitignore`` was
    left damaged by a kill (a stat or two when there is nothing to do)."""
    try:
        if os.listdir(root / STATE_DIR / "journal"):  # == editing.journal.JOURNAL_DIR
            return True
    except OSError:
        pass
    try:
        return os.stat(root / STATE_DIR / ".gitignore").st_size != len(_IGNORE_ALL)
    except FileNotFoundError:
        return os.path.isdir(root / STATE_DIR)
    except OSError:
        return False


def _load_programme(root: Path, sc: Scan, registry: Registry | None, texts: Mapping[str, str], notes: list) -> Programme:
    files = {d: list(v) for d, v in sc.files.items()}
    for rel in texts:  # a file an edit creates
        top = rel.split("/", 1)[0]
        if top in files and root / rel not in files[top]:
            files[top] = sorted([*files[top], root / rel])
    reg = registry or load_registry()
    report = Report()
    for rel, severity, code, vi, en in sc.skipped:
        if rel not in texts:
            report.add(rel, (0, 0), severity, code, vi, en)
    for n in notes:
        report.warning(n.rel, (0, 0), "save-recovered", n.vi, n.en)
    settings, settings_src = _load_settings(root, report, texts)
    kinds = known_kinds(settings.kinds)
    models, model_paths, model_srcs = _load_models(root, files["models"], report, texts)
    models = _check_models(models, model_srcs, reg, report, kinds)
    _check_settings_models(settings_src, settings, models, report)
    local_units, illus_units = _load_units(root, files["units"], reg, report, settings, texts)
    adoptions, readings, illus_pilots = _load_pilots(root, files["pilots"], models, reg, local_units, report, texts)
    plans, plan_paths = _load_plans(root, files["plans"], models, reg, local_units, report, texts)
    from .indicators import load_indicators  # it builds on this module's parser and report

    indicators = load_indicators(root, report, models, registry=reg, paths=files["indicators"], texts=texts)
    from .rights import RIGHTS_FILE, read_rights

    read_rights(root, report, texts.get(RIGHTS_FILE))  # checked and located like the others; used by editing
    return Programme(
        root=root,
        models=models,
        model_paths=model_paths,
        local_units=local_units,
        adoptions=adoptions,
        readings=readings,
        plans=plans,
        plan_paths=plan_paths,
        problems=sort_problems(report.problems),
        illustrative_files=sorted(illus_units + illus_pilots + list(indicators.illustrative_files)),
        files=sum(len(v) for v in files.values()) + sum(int(f in texts or (root / f).is_file()) for f in (SETTINGS_FILE, RIGHTS_FILE)),
        settings=settings,
        indicators=indicators,
    )


def _parse(path: Path, root: Path, report: Report, texts: Mapping[str, str]) -> SourceFile | None:
    return parse_file(path, root, report, texts.get(path.relative_to(root).as_posix()) if texts else None)


def _load_settings(root: Path, report: Report, texts: Mapping[str, str] = {}) -> tuple[SettingsFile, SourceFile | None]:
    """``nhanrong.toml``, if the repository has one; defaults otherwise (and when it is broken)."""
    path = root / SETTINGS_FILE
    if SETTINGS_FILE not in texts:
        if not os.path.lexists(path):
            return SettingsFile(), None
        if os.path.islink(path):
            problem = link_problem(path, (os.path.realpath(root),))
            if problem is not None:
                report.error(SETTINGS_FILE, (0, 0), *problem)
                return SettingsFile(), None
    src = _parse(path, root, report, texts)
    if src is None:
        return SettingsFile(), None
    obj = validate_file(src, SettingsFile, None, report)
    if obj is None:
        return SettingsFile(), src
    kinds = dict(obj.kinds)  # type: ignore[attr-defined]
    for k in list(kinds):
        if k in ADMIN_KINDS:
            report.error(src, ("kinds", k), "admin-kind", f'"{k}" là cấp hành chính của danh mục chính thức, không khai báo lại được; xoá [kinds.{k}]',
                         f'"{k}" is an administrative level of the official register and cannot be declared; remove [kinds.{k}]')
            del kinds[k]
    known = known_kinds(kinds)
    for k, spec in kinds.items():
        for j, parent in enumerate(spec.parents):
            if parent not in known:
                vi, en = did_you_mean(parent, known)
                report.error(src, ("kinds", k, "parents", j), "unknown-kind", f'loại đơn vị "{parent}" chưa được khai báo{vi}',
                             f'unit kind "{parent}" is not declared{en}')
    return obj.model_copy(update={"kinds": kinds}), src  # type: ignore[return-value]


def _check_settings_models(src: SourceFile | None, settings: SettingsFile, models: dict[str, ModelFile], report: Report) -> None:
    """The model order names models that exist (a typo would silently drop a model from the top)."""
    if not settings.models or src is None:
        return
    for i, mid in enumerate(settings.models):
        if mid not in models:
            vi, en = did_you_mean(mid, models)
            report.warning(src, ("models", i), "unknown-model", f'mô hình "{mid}" không có trong models/{vi}',
                           f'model "{mid}" has no file in models/{en}')


def _load_models(root: Path, paths: list[Path], report: Report, texts: Mapping[str, str] = {}):
    models: dict[str, ModelFile] = {}
    model_paths: dict[str, str] = {}
    srcs: dict[str, SourceFile] = {}
    for path in paths:
        src = _parse(path, root, report, texts)
        if src is None:
            continue
        model_id = path.stem
        if not _valid_model_id(model_id):
            report.error(src.rel, (0, 0), "bad-model-id", f'tên tệp "{path.name}" không dùng được làm mã mô hình: chỉ chữ thường không dấu, số và "-"',
                         f'file name "{path.name}" is not a valid model id: use lower-case letters, digits and "-"')
            continue
        obj = validate_file(src, ModelFile, None, report)
        if obj is not None:
            models[model_id] = obj  # type: ignore[assignment]
            model_paths[model_id] = src.rel
            srcs[model_id] = src
    return models, model_paths, srcs


def _valid_model_id(s: str) -> bool:
    import re

    return bool(re.fullmatch(r"[a-z0-9][a-z0-9-]*", s))


def _check_models(models: dict[str, ModelFile], srcs: dict[str, SourceFile], reg: Registry, report: Report,
                  kinds: tuple[str, ...]) -> dict[str, ModelFile]:
    """References between models: kinds, prerequisites, cycles, metric ids.

    Returns the models with unknown kinds left out of ``adopted_by`` (each one reported)."""
    graph = nx.DiGraph()
    out: dict[str, ModelFile] = {}
    for mid, m in models.items():
        src = srcs[mid]
        bad_kinds = [k for k in m.adopted_by if k not in kinds]
        for k in bad_kinds:
            vi, en = did_you_mean(k, kinds)
            report.error(src, ("adopted_by", m.adopted_by.index(k)), "unknown-kind",
                         f'loại đơn vị "{k}" chưa được khai báo{vi}; khai báo nó dưới [kinds] trong {SETTINGS_FILE} hoặc sửa tên',
                         f'unit kind "{k}" is not declared{en}; declare it under [kinds] in {SETTINGS_FILE} or fix the name')
        if bad_kinds:
            m = m.model_copy(update={"adopted_by": [k for k in m.adopted_by if k not in bad_kinds]})
        out[mid] = m
        metric_ids = [x.id for x in m.metrics]
        seen: set[str] = set()
        for i, x in enumerate(m.metrics):
            if x.id in seen:
                report.error(src, ("metrics", i, "id"), "duplicate-metric", f'chỉ số "{x.id}" được khai báo hai lần', f'metric "{x.id}" is declared twice')
            seen.add(x.id)
            for part in ("numerator", "denominator"):
                ref = getattr(x, part)
                if ref and ref not in metric_ids:
                    vi, en = did_you_mean(ref, metric_ids)
                    report.error(src, ("metrics", i, part), "unknown-metric", f'{part} "{ref}" không phải chỉ số của mô hình này{vi}',
                                 f'{part} "{ref}" is not a metric of this model{en}')
        for i, req in enumerate(m.requires):
            if req.kind is not None and req.kind not in kinds:
                vi, en = did_you_mean(req.kind, kinds)
                report.error(src, ("requires", i, "kind"), "unknown-kind", f'loại đơn vị "{req.kind}" chưa được khai báo{vi}',
                             f'unit kind "{req.kind}" is not declared{en}')
            if req.model not in models:
                vi, en = did_you_mean(req.model, models)
                report.error(src, ("requires", i, "model"), "unknown-model", f'mô hình điều kiện "{req.model}" không có trong models/{vi}',
                             f'required model "{req.model}" has no file in models/{en}')
            elif req.model == mid:
                # The same model elsewhere (the province's, the villages below) is a real prerequisite;
                # at the same unit it can never be met.
                if req.where == "same":
                    report.error(src, ("requires", i, "where"), "requires-itself",
                                 'mô hình không thể là điều kiện của chính nó ở cùng đơn vị; dùng where = "province", "district", "commune", "parent" hoặc "below"',
                                 'a model cannot require itself at the same unit; use where = "province", "district", "commune", "parent" or "below"')
            else:
                graph.add_edge(mid, req.model)
        for i, t in enumerate(m.targets):
            if t.metric != "coverage" and t.metric not in metric_ids:
                vi, en = did_you_mean(t.metric, ["coverage", *metric_ids])
                report.error(src, ("targets", i, "metric"), "unknown-metric", f'chỉ tiêu dùng chỉ số "{t.metric}" mà mô hình không định nghĩa{vi}',
                             f'target uses metric "{t.metric}" that the model does not define{en}')
            if t.scope and unit_key(t.structure, t.scope) not in reg.units:
                report.warning(src, ("targets", i, "scope"), "unknown-scope", f'phạm vi "{t.scope}" không phải đơn vị hành chính ({t.structure}); chỉ tiêu sẽ áp dụng cho toàn bộ dữ liệu',
                               f'scope "{t.scope}" is not an administrative unit ({t.structure}); the target applies to all data')
        for stage in STAGES:
            spec = getattr(m.stages, stage)
            for j, g in enumerate(spec.gate):
                if g.metric not in metric_ids:
                    vi, en = did_you_mean(g.metric, metric_ids)
                    report.error(src, ("stages", stage, "gate", j, "metric"), "unknown-metric", f'cửa chuyển giai đoạn dùng chỉ số "{g.metric}" mà mô hình không định nghĩa{vi}',
                                 f'stage gate uses metric "{g.metric}" that the model does not define{en}')
    for cycle in nx.simple_cycles(graph):
        first = min(cycle)
        i = cycle.index(first)
        ordered = cycle[i:] + cycle[:i] + [first]
        chain = " → ".join(ordered)
        req_index = next((k for k, r in enumerate(models[first].requires) if r.model == ordered[1]), 0)
        report.error(srcs[first], ("requires", req_index, "model"), "requires-cycle", f"vòng lặp điều kiện giữa các mô hình: {chain}; bỏ một điều kiện để phá vòng",
                     f"prerequisite cycle between models: {chain}; remove one requirement to break it")
    return out


# --- units/ and pilots/: per-file checks on columns, then the checks across files ---------------
#
# Each file of units/ and pilots/ goes through two stages. Per file: parse, check the header with
# pydantic and the records column by column (types, patterns, dates inside the window, finite numbers:
# what pydantic's models say, written as checks on whole columns); a file where any value is not of
# the plain expected shape is parsed again with tomli and validated by pydantic as a whole, record by
# record, which says exactly what is wrong (the same messages as ever). The result of a file (columns
# and its own problems) is kept in memory keyed on the file's (size, mtime, inode), so a reload reads
# only the files that changed. Across files: unknown units, kinds, duplicates, lifetimes... are
# checked on the merged columns with array operations; messages are built only for the rare rows that
# fail, by the same functions as before.

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NONE = type(None)
_intern = sys.intern
_DATE_LO = DATE_MIN.toordinal() - EPOCH_ORDINAL
_DATE_HI = DATE_MAX.toordinal() - EPOCH_ORDINAL
_CODE_RX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MODEL_RX = re.compile(r"[a-z0-9][a-z0-9-]*")
_METRIC_RX = re.compile(r"[a-z0-9][a-z0-9_]*")
_KIND_RX = re.compile(r"[a-z][a-z0-9-]*")
_ADOPTION_KEYS = frozenset(("unit", "model", "stages", "learned_from", "note", "readings"))
_READING_KEYS = frozenset(("metric", "date", "value", "note"))
_STAGE_KEYS = frozenset(STAGES)
_UNIT_KEYS = frozenset(("code", "name", "kind", "parent", "established", "dissolved", "merged_into", "lat", "lon", "note"))


class _Off(Exception):
    """A value not of the plain shape the fast checks accept: the file goes through pydantic."""


def _types(values: list, allowed: tuple) -> None:
    if not set(map(type, values)) <= set(allowed):
        raise _Off


def _pattern(values: Iterable, rx: re.Pattern, maxlen: int) -> None:
    for v in set(values):
        if v is not None and (len(v) > maxlen or rx.fullmatch(v) is None):
            raise _Off


def _days(values: list, optional: bool = True) -> np.ndarray:
    """datetime.date values (None allowed when ``optional``) inside the window, as days since 1970 (NaN = None)."""
    _types(values, (dt.date, _NONE) if optional else (dt.date,))
    out = np.array([d.toordinal() - EPOCH_ORDINAL if d is not None else np.nan for d in values], dtype=float)
    ok = np.isnan(out) | ((out >= _DATE_LO) & (out <= _DATE_HI))
    if not ok.all():
        raise _Off
    return out


def _numbers(values: list, optional: bool) -> np.ndarray:
    """Finite int/float values (None allowed when ``optional``) as floats (NaN = None)."""
    _types(values, (int, float, _NONE) if optional else (int, float))
    try:
        out = np.array([np.nan if v is None else v for v in values], dtype=float)
    except (OverflowError, ValueError, TypeError):
        raise _Off from None
    present = np.array([v is not None for v in values], dtype=bool) if optional else np.ones(len(values), dtype=bool)
    if not np.isfinite(out[present]).all():
        raise _Off
    return out


def _strings(values: list, optional: bool, rx: re.Pattern | None = None, maxlen: int = 0, min_len: int = 0) -> np.ndarray:
    _types(values, (str, _NONE) if optional else (str,))
    if rx is not None:
        _pattern(values, rx, maxlen)
    if min_len and any(len(v) < min_len for v in values if v is not None):
        raise _Off
    out = np.empty(len(values), dtype=object)
    if rx is not None:
        # Codes, kinds, models, metrics: the same few strings over and over (a metric name in every
        # reading, a unit code in every model's file). One shared object each: ~60 bytes a value less,
        # in the per-file cache and in the programme's frames (a country: over a million values).
        out[:] = [v if v is None else _intern(v) for v in values]
    else:
        out[:] = values
    return out


def _records(data: dict, list_key: str, keys: frozenset) -> list:
    recs = data.get(list_key, [])
    if type(recs) is not list:
        raise _Off
    _types(recs, (dict,))
    if not all(r.keys() <= keys for r in recs):
        raise _Off
    return recs


@dataclass
class UnitsChunk:
    """One units/ file after its own checks: the header and its usable records as columns."""

    rel: str
    path: Path
    stamp: tuple | None
    text: str
    structure: str
    illustrative: bool
    index: np.ndarray  # each record's position in the file's [[unit]] list
    code: np.ndarray
    name: np.ndarray
    kind: np.ndarray
    parent: np.ndarray
    established: np.ndarray  # days since 1970, NaN = none
    dissolved: np.ndarray
    merged_into: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    problems: list[Problem]


@dataclass
class PilotsChunk:
    """One pilots/ file after its own checks: the header, its usable records and their readings as columns."""

    rel: str
    path: Path
    stamp: tuple | None
    text: str
    model: str | None
    structure: str
    illustrative: bool
    index: np.ndarray
    unit: np.ndarray
    rec_model: np.ndarray  # the record's own model, or None
    days: np.ndarray  # (records, 4): the stage dates, days since 1970, NaN = not reached
    learned: np.ndarray
    note: np.ndarray
    r_rec: np.ndarray  # each reading's record (position in this chunk)
    r_metric: np.ndarray
    r_day: np.ndarray
    r_value: np.ndarray
    problems: list[Problem]


def _fast_units(data: dict) -> dict:
    recs = _records(data, "unit", _UNIT_KEYS)
    head = UnitsFile.model_validate({k: v for k, v in data.items() if k != "unit"})
    col = lambda k: [r.get(k) for r in recs]  # noqa: E731
    _types([r.get("note", "") for r in recs], (str,))
    return dict(
        structure=head.structure, illustrative=head.illustrative, index=np.arange(len(recs), dtype=np.int64),
        code=_strings(col("code"), False, _CODE_RX, 64), name=_strings(col("name"), False, min_len=1),
        kind=_strings(col("kind"), False, _KIND_RX, 40), parent=_strings(col("parent"), True, _CODE_RX, 64),
        established=_days(col("established")), dissolved=_days(col("dissolved")),
        merged_into=_strings(col("merged_into"), True, _CODE_RX, 64),
        lat=_numbers(col("lat"), True), lon=_numbers(col("lon"), True),
    )


def _slow_units(obj: UnitsFile, kept: list[int]) -> dict:
    us = obj.unit
    day = lambda d: np.nan if d is None else d.toordinal() - EPOCH_ORDINAL  # noqa: E731
    obj_arr = lambda vals: _strings(list(vals), True)  # noqa: E731
    return dict(
        structure=obj.structure, illustrative=obj.illustrative, index=np.array(kept, dtype=np.int64),
        code=obj_arr(u.code for u in us), name=obj_arr(u.name for u in us), kind=obj_arr(u.kind for u in us),
        parent=obj_arr(u.parent for u in us), established=np.array([day(u.established) for u in us], dtype=float),
        dissolved=np.array([day(u.dissolved) for u in us], dtype=float), merged_into=obj_arr(u.merged_into for u in us),
        lat=np.array([np.nan if u.lat is None else u.lat for u in us], dtype=float),
        lon=np.array([np.nan if u.lon is None else u.lon for u in us], dtype=float),
    )


def _fast_pilots(data: dict) -> dict:
    recs = _records(data, "adoption", _ADOPTION_KEYS)
    head = PilotsFile.model_validate({k: v for k, v in data.items() if k != "adoption"})
    col = lambda k: [r.get(k) for r in recs]  # noqa: E731
    _types([r.get("note", "") for r in recs], (str,))
    stages = col("stages")
    _types(stages, (dict, _NONE))
    if not all(s.keys() <= _STAGE_KEYS for s in stages if s):
        raise _Off
    days = np.empty((len(recs), len(STAGES)), dtype=float)
    for k, s in enumerate(STAGES):
        days[:, k] = _days([x.get(s) if x else None for x in stages])
    lists = col("readings")
    _types(lists, (list, _NONE))
    counts = np.array([len(x) if x else 0 for x in lists], dtype=np.int64)
    flat = [x for xs in lists if xs for x in xs]
    _types(flat, (dict,))
    if not all(x.keys() <= _READING_KEYS for x in flat):
        raise _Off
    _types([x.get("note", "") for x in flat], (str,))
    return dict(
        model=head.model, structure=head.structure, illustrative=head.illustrative, index=np.arange(len(recs), dtype=np.int64),
        unit=_strings(col("unit"), False, _CODE_RX, 64), rec_model=_strings(col("model"), True, _MODEL_RX, 64), days=days,
        learned=_strings(col("learned_from"), True, _CODE_RX, 64), note=_strings([r.get("note", "") for r in recs], False),
        r_rec=np.repeat(np.arange(len(recs), dtype=np.int64), counts),
        r_metric=_strings([x.get("metric") for x in flat], False, _METRIC_RX, 64),
        r_day=_days([x.get("date") for x in flat], optional=False), r_value=_numbers([x.get("value") for x in flat], False),
    )


def _slow_pilots(obj: PilotsFile, kept: list[int]) -> dict:
    ads = obj.adoption
    day = lambda d: np.nan if d is None else d.toordinal() - EPOCH_ORDINAL  # noqa: E731
    obj_arr = lambda vals: _strings(list(vals), True)  # noqa: E731
    counts = np.array([len(a.readings) for a in ads], dtype=np.int64)
    flat = [r for a in ads for r in a.readings]
    return dict(
        model=obj.model, structure=obj.structure, illustrative=obj.illustrative, index=np.array(kept, dtype=np.int64),
        unit=obj_arr(a.unit for a in ads), rec_model=obj_arr(a.model for a in ads),
        days=np.array([[day(getattr(a.stages, s)) for s in STAGES] for a in ads], dtype=float).reshape(len(ads), len(STAGES)),
        learned=obj_arr(a.learned_from for a in ads), note=obj_arr(a.note for a in ads),
        r_rec=np.repeat(np.arange(len(ads), dtype=np.int64), counts),
        r_metric=obj_arr(r.metric for r in flat), r_day=np.array([day(r.date) for r in flat], dtype=float),
        r_value=np.array([r.value for r in flat], dtype=float),
    )


_KINDS = {"units": (UnitsFile, "unit", _fast_units, _slow_units, UnitsChunk),
          "pilots": (PilotsFile, "adoption", _fast_pilots, _slow_pilots, PilotsChunk)}
_FILE_CACHE: dict[str, tuple[tuple, Any]] = {}
"""Absolute path -> (key, chunk) of the units/ and pilots/ files read in this process."""
FILE_CACHE_MAX = 20_000
CACHE_STATS = {"hits": 0, "misses": 0}
"""Per-file cache hits and misses since the process started (the tests and the benchmark read them)."""


def _cache_key(kind: str, rel: str, stamp: tuple) -> tuple:
    return (kind, rel, stamp, FAST_PARSER, DATE_MIN, DATE_MAX)


def _chunk(kind: str, path: Path, root: Path, texts: Mapping[str, str]):
    """The checked columns of one units/ or pilots/ file (None when it cannot be used), from the
    per-file cache when the file has not changed since it was read."""
    rel = path.relative_to(root).as_posix()
    given = texts.get(rel) if texts else None
    apath = str(path)
    if given is None:
        try:
            st = os.stat(path)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            hit = _FILE_CACHE.get(apath)
            if hit is not None and hit[0] == _cache_key(kind, rel, file_stamp(st)):
                CACHE_STATS["hits"] += 1
                return hit[1]
    CACHE_STATS["misses"] += 1
    report = Report()
    chunk = _read_chunk(kind, path, root, report, given)
    if chunk is not None:
        chunk.problems = report.problems
    out = chunk if chunk is not None else _Broken(rel, report.problems)
    if given is None and (chunk is None or chunk.stamp is not None):
        stamp = chunk.stamp if chunk is not None else _stamp_of(path)
        if stamp is not None:
            if len(_FILE_CACHE) >= FILE_CACHE_MAX:
                _FILE_CACHE.clear()
            _FILE_CACHE[apath] = (_cache_key(kind, rel, stamp), out)
    return out


@dataclass
class _Broken:
    """A file that cannot be used at all (syntax error, broken header...): only its problems."""

    rel: str
    problems: list[Problem]


def _stamp_of(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return file_stamp(st) if stat.S_ISREG(st.st_mode) else None


def _read_chunk(kind: str, path: Path, root: Path, report: Report, text: str | None):
    model, list_key, fast, slow, make = _KINDS[kind]
    src = parse_file(path, root, report, text, fast=True)
    if src is None:
        return None
    try:
        cols = fast(src.data)  # type: ignore[arg-type]
    except (_Off, ValidationError, RecursionError):
        cols = None
    if cols is None:  # something unusual: tomli's data and pydantic's verdict, record by record
        src = reparse_exact(src, report)
        if src is None:
            return None
        obj, kept = validate_records(src, model, list_key, report)
        if obj is None:
            return None
        cols = slow(obj, kept)
    return make(rel=src.rel, path=path, stamp=src.stamp, text=src.text if text is not None else "", problems=[], **cols)


def _chunk_src(c) -> SourceFile:
    """A SourceFile to locate messages in a chunk's file (its text is read again only if needed)."""
    return SourceFile(c.path, c.rel, text=c.text, stamp=c.stamp if not c.text else None)


def _concat(chunks: list, name: str, dtype=None) -> np.ndarray:
    parts = [getattr(c, name) for c in chunks]
    if not parts:
        return np.zeros(0, dtype=dtype or object)
    return np.concatenate(parts)


def _as_date(day: float) -> dt.date | None:
    return None if day != day else dt.date.fromordinal(int(day) + EPOCH_ORDINAL)


def _datetimes(days: np.ndarray) -> np.ndarray:
    """Days since 1970 (NaN = missing) as datetime64[s] (NaT = missing), as pandas reads dates."""
    nat = np.isnan(days)
    out = np.where(nat, 0, days).astype(np.int64).astype("datetime64[D]").astype("datetime64[s]")
    out[nat] = np.datetime64("NaT")
    return out


def _load_units(root: Path, paths: list[Path], reg: Registry, report: Report, settings: SettingsFile,
                texts: Mapping[str, str] = {}):
    """Declared units; parents may be official units or other declared units (any order)."""
    chunks = []
    for path in paths:
        c = _chunk("units", path, root, texts)
        report.problems.extend(c.problems)
        if not isinstance(c, _Broken):
            chunks.append(c)
    illustrative = [c.rel for c in chunks if c.illustrative]
    kinds = known_kinds(settings.kinds)
    counts = [len(c.code) for c in chunks]
    f = np.repeat(np.arange(len(chunks), dtype=np.int64), counts)
    idx = _concat(chunks, "index", np.int64)
    structure = np.array([c.structure for c in chunks], dtype=object)[f] if len(f) else np.zeros(0, dtype=object)
    code, kind = _concat(chunks, "code"), _concat(chunks, "kind")
    est, dis = _concat(chunks, "established", float), _concat(chunks, "dissolved", float)
    parent_code, merged_code = _concat(chunks, "parent"), _concat(chunks, "merged_into")
    key = np.array([s + ":" + c for s, c in zip(structure.tolist(), code.tolist())], dtype=object)
    srcs: dict[int, SourceFile] = {}

    def src(r: int) -> SourceFile:
        i = int(f[r])
        if i not in srcs:
            srcs[i] = _chunk_src(chunks[i])
        return srcs[i]

    # First pass, in file order: kind, lifetime, official code, duplicate declaration.
    kind_ok = np.fromiter((k in kinds for k in kind.tolist()), dtype=bool, count=len(kind))
    life_bad = ~np.isnan(est) & ~np.isnan(dis) & (dis <= est)
    official = np.array([k in reg.units for k in key.tolist()], dtype=bool)
    first = kind_ok & ~life_bad & ~official
    dup = np.zeros(len(key), dtype=bool)
    if first.any():
        sel = np.flatnonzero(first)
        dup[sel] = pd.Series(key[sel], dtype=object).duplicated(keep="first").to_numpy()
    declared_mask = first & ~dup
    first_of = dict(zip(key[declared_mask].tolist(), np.flatnonzero(declared_mask).tolist()))
    for r in np.flatnonzero(~declared_mask).tolist():
        i, c, s = int(idx[r]), code[r], src(r)
        if not kind_ok[r]:
            vi, en = did_you_mean(kind[r], kinds)
            report.error(s, ("unit", i, "kind"), "unknown-kind",
                         f'loại đơn vị "{kind[r]}" chưa được khai báo{vi}; khai báo nó dưới [kinds] trong {SETTINGS_FILE} hoặc sửa tên',
                         f'unit kind "{kind[r]}" is not declared{en}; declare it under [kinds] in {SETTINGS_FILE} or fix the name')
        elif life_bad[r]:
            d, e = _as_date(dis[r]), _as_date(est[r])
            report.error(s, ("unit", i, "dissolved"), "lifetime-order",
                         f'"{c}" giải thể ({d:%d/%m/%Y}) không thể trước hoặc cùng ngày thành lập ({e:%d/%m/%Y})',
                         f'"{c}" is dissolved ({d:%Y-%m-%d}) on or before it was established ({e:%Y-%m-%d})')
        elif official[r]:
            report.error(s, ("unit", i, "code"), "duplicate-unit", f'mã "{c}" đã là đơn vị hành chính chính thức ({reg.units[key[r]].name}); chọn mã khác',
                         f'code "{c}" is already an official unit ({reg.units[key[r]].name}); choose another code')
        else:
            o = int(first_of[key[r]])
            other = src(o)
            line = other.pos(("unit", int(idx[o])))[0]
            report.error(s, ("unit", i, "code"), "duplicate-unit", f'mã đơn vị "{c}" đã khai báo ở {other.rel}:{line}',
                         f'unit code "{c}" is already declared at {other.rel}:{line}')
    # Second pass over the declared units: parents, successors, parent kinds.
    d_rows = np.flatnonzero(declared_mask)
    d_keys = set(key[d_rows].tolist())
    pkey = np.array([None if p is None else s + ":" + p for s, p in zip(structure.tolist(), parent_code.tolist())], dtype=object)
    mkey = np.array([None if p is None else s + ":" + p for s, p in zip(structure.tolist(), merged_code.tolist())], dtype=object)
    known = lambda k: k in reg.units or k in d_keys  # noqa: E731
    good = declared_mask.copy()
    kind_of = dict(zip(key[d_rows].tolist(), kind[d_rows].tolist()))
    parent_rules = {k: _parent_kinds(k, settings) for k in set(kind[d_rows].tolist())}
    ruled = {k for k, v in parent_rules.items() if v}
    plist, mlist, klist = pkey[d_rows].tolist(), mkey[d_rows].tolist(), kind[d_rows].tolist()
    flag = np.array([(p is None and k != "province") or (p is not None and not known(p)) or (m is not None and not known(m))
                     or (k in ruled and p is not None) or k in ADMIN_KINDS for p, m, k in zip(plist, mlist, klist)], dtype=bool)
    for r in d_rows[flag].tolist():
        p, m, k = pkey[r], mkey[r], kind[r]
        bad_parent = (p is None and k != "province") or (p is not None and not known(p))
        bad_merged = m is not None and not known(m)
        allowed = parent_rules.get(k) or []
        warn_kind = bool(allowed) and p is not None and not bad_parent and not bad_merged
        warn_admin = k in ADMIN_KINDS and dis[r] != dis[r]
        if not (bad_parent or bad_merged or warn_kind or warn_admin):
            continue
        i, c, s = int(idx[r]), code[r], src(r)
        if p is None and k != "province":
            report.error(s, ("unit", i, "code"), "missing-parent", f'đơn vị "{c}" cần khoá parent (mã đơn vị cấp trên)',
                         f'unit "{c}" needs a parent (the code of the unit above it)')
            good[r] = False
            continue
        if bad_parent:
            pc = p.partition(":")[2]
            st = structure[r]
            vi, en = did_you_mean(pc, [kk.partition(":")[2] for kk in key[d_rows].tolist()
                                       if kk.startswith(st + ":") and (not allowed or kind_of[kk] in allowed)])
            report.error(s, ("unit", i, "parent"), "unknown-unit", f'đơn vị cấp trên "{pc}" không có trong danh mục ({st}) hay units/{vi}',
                         f'parent unit "{pc}" is not in the register ({st}) nor in units/{en}')
            good[r] = False
            continue
        if bad_merged:
            mc = m.partition(":")[2]
            report.error(s, ("unit", i, "merged_into"), "unknown-unit", f'merged_into "{mc}" không phải đơn vị đã biết ({structure[r]})',
                         f'merged_into "{mc}" is not a known unit ({structure[r]})')
            good[r] = False
            continue
        if warn_kind:
            pkind = reg.units[p].kind if p in reg.units else kind_of[p]
            if pkind not in allowed:
                report.warning(s, ("unit", i, "parent"), "parent-kind",
                               f'"{c}" ({k}) nằm dưới một {pkind}; {SETTINGS_FILE} cho phép cấp trên là: {", ".join(allowed)}',
                               f'"{c}" ({k}) is under a {pkind}; {SETTINGS_FILE} allows parents of kind: {", ".join(allowed)}')
        if warn_admin:
            report.warning(s, ("unit", i, "kind"), "admin-not-dissolved", f'"{c}" là {k} nhưng không có trong danh mục chính thức: nếu đã giải thể/sáp nhập, ghi dissolved và merged_into',
                           f'"{c}" is a {k} missing from the official register: if it was merged, set dissolved and merged_into')
    # Parents that were themselves rejected make their children orphans: drop them too.
    has_parent = np.array([p is not None and p not in reg.units for p in pkey.tolist()], dtype=bool)
    while True:
        alive = set(key[good].tolist())
        orphan = good & has_parent & ~np.array([p in alive for p in pkey.tolist()], dtype=bool)
        if not orphan.any():
            break
        good &= ~orphan
    rows = np.flatnonzero(good)
    obj = lambda values: pd.Series(values, dtype=object)  # noqa: E731 - plain objects: no Arrow round trip
    frame = pd.DataFrame({
        "code": obj(code[rows]), "name": obj(_concat(chunks, "name")[rows]), "kind": obj(kind[rows]),
        "structure": obj(structure[rows]), "parent": obj(pkey[rows]), "dissolved": obj(_dates_obj(dis[rows])),
        "merged_into": obj(mkey[rows]),
        "lat": obj(_floats_obj(_concat(chunks, "lat", float)[rows])), "lon": obj(_floats_obj(_concat(chunks, "lon", float)[rows])),
        "illustrative": np.array([c.illustrative for c in chunks], dtype=bool)[f[rows]] if len(rows) else np.zeros(0, dtype=bool),
        "path": obj(np.array([c.rel for c in chunks], dtype=object)[f[rows]] if len(rows) else np.zeros(0, dtype=object)),
        "established": obj(_dates_obj(est[rows])),
    })
    frame.index = pd.Index(key[rows], dtype=object, name="key")
    return LocalUnits(frame), illustrative


def _dates_obj(days: np.ndarray) -> np.ndarray:
    """Days since 1970 as datetime.date objects (None = missing), as LocalUnit holds them."""
    out = np.empty(len(days), dtype=object)
    present = ~np.isnan(days)
    if present.any():
        uniq, inv = np.unique(days[present], return_inverse=True)
        dates = np.empty(len(uniq), dtype=object)
        dates[:] = [_as_date(d) for d in uniq.tolist()]
        out[present] = dates[inv]
    return out


def _floats_obj(values: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v != v else v for v in values.tolist()]
    return out


def _parent_kinds(kind: str, settings: SettingsFile) -> list[str]:
    spec = settings.kinds.get(kind)
    return list(spec.parents) if spec is not None else []


def _resolve_unit(code: str, structure: str, reg: Registry, local: dict[str, LocalUnit]) -> str | None:
    key = unit_key(structure, code)
    return key if key in reg.units or key in local else None


def _local_codes(local: Mapping[str, LocalUnit], structure: str, kinds: set | None) -> list[str]:
    """Codes of the declared units of ``structure`` (and of ``kinds``), for "did you mean"."""
    if isinstance(local, LocalUnits):
        fr = local.frame
        sel = np.asarray(fr["structure"] == structure, dtype=bool)
        if kinds is not None:
            sel = sel & np.asarray(fr["kind"].isin(list(kinds)), dtype=bool)
        return fr["code"].to_numpy(dtype=object)[sel].tolist()
    return [u.code for u in local.values() if u.structure == structure and (kinds is None or u.kind in kinds)]


def _unknown_unit_message(code: str, structure: str, reg: Registry, local: dict[str, LocalUnit],
                          kinds: Iterable[str] | None = None) -> tuple[str, str]:
    """Why a code is unknown, and the closest declared code of the kinds that fit (``kinds``)."""
    other = NEW if structure == OLD else OLD
    if _resolve_unit(code, other, reg, local):
        return (f'mã đơn vị "{code}" không có trong cấu trúc "{structure}" (nó thuộc cấu trúc "{other}"); sửa structure của tệp hoặc mã đơn vị',
                f'unit code "{code}" is not in the "{structure}" structure (it is in "{other}"); fix the file\'s structure or the code')
    fit = None if kinds is None else set(kinds)
    vi, en = did_you_mean(code, _local_codes(local, structure, fit))
    return (f'mã đơn vị "{code}" không có trong danh mục ({structure}) hay units/{vi}; khai báo nó trong units/ hoặc sửa mã',
            f'unknown unit code "{code}" (not in the {structure} register nor in units/){en}; declare it under units/ or fix the code')


def _load_pilots(root: Path, paths: list[Path], models: dict[str, ModelFile], reg: Registry,
                 local: Mapping[str, LocalUnit], report: Report, texts: Mapping[str, str] = {}):
    """Adoption records and readings as columns.

    Every check runs on the merged columns of all files at once (set look-ups, a duplicate search,
    comparisons of date columns); messages are built only for the rows that fail, by the functions
    the record-by-record loader used, so they read the same.
    """
    chunks = []
    for path in paths:
        c = _chunk("pilots", path, root, texts)
        report.problems.extend(c.problems)
        if not isinstance(c, _Broken):
            chunks.append(c)
    illustrative = [c.rel for c in chunks if c.illustrative]
    srcs: dict[int, SourceFile] = {}

    def src_of(i: int) -> SourceFile:
        if i not in srcs:
            srcs[i] = _chunk_src(chunks[i])
        return srcs[i]

    for i, c in enumerate(chunks):
        if c.model is not None and c.model not in models:
            vi, en = did_you_mean(c.model, models)
            report.error(src_of(i), ("model",), "unknown-model", f'mô hình "{c.model}" không có trong models/{vi}', f'model "{c.model}" has no file in models/{en}')
    counts = np.array([len(c.unit) for c in chunks], dtype=np.int64)
    n = int(counts.sum())
    f = np.repeat(np.arange(len(chunks), dtype=np.int64), counts)
    idx = _concat(chunks, "index", np.int64)
    unit = _concat(chunks, "unit")
    rec_model = _concat(chunks, "rec_model")
    days = np.concatenate([c.days for c in chunks]) if chunks else np.zeros((0, len(STAGES)))
    learned_code = _concat(chunks, "learned")
    structure = np.array([c.structure for c in chunks], dtype=object)[f] if n else np.zeros(0, dtype=object)
    file_model = np.array([c.model for c in chunks], dtype=object)[f] if n else np.zeros(0, dtype=object)
    model_id = np.where(np.equal(rec_model, None), file_model, rec_model)
    ukey = np.array([s + ":" + u for s, u in zip(structure.tolist(), unit.tolist())], dtype=object)
    # Readings: each one's global record.
    r_off = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(chunks) else np.zeros(0, dtype=np.int64)
    r_rec = np.concatenate([c.r_rec + o for c, o in zip(chunks, r_off.tolist())]) if chunks else np.zeros(0, dtype=np.int64)
    r_metric = _concat(chunks, "r_metric")
    r_day = _concat(chunks, "r_day", float)
    r_value = _concat(chunks, "r_value", float)

    # The checks in the order the messages come: model, unit, kind, duplicate, learned_from, stage order.
    kind_of = _kind_lookup(reg, local)
    model_ok = np.fromiter((m in models for m in model_id.tolist()), dtype=bool, count=n)
    ucode, ucats = pd.factorize(ukey)  # each unit key once: look-ups per distinct unit
    ucats = np.asarray(ucats, dtype=object)
    kind = np.array([kind_of.get(k) for k in ucats.tolist()], dtype=object)[ucode] if n else np.zeros(0, dtype=object)
    unit_ok = ~np.equal(kind, None)
    adopted = {mid: frozenset(m.adopted_by) for mid, m in models.items()}
    kind_ok = np.array([ok and k in adopted[m] for ok, k, m in zip((model_ok & unit_ok).tolist(), kind.tolist(), model_id.tolist())],
                       dtype=bool)
    lkey = np.array([None if c is None else s + ":" + c for s, c in zip(structure.tolist(), learned_code.tolist())], dtype=object)
    learned_ok = np.array([k is None or k in kind_of for k in lkey.tolist()], dtype=bool)
    before = np.full(n, np.nan)  # the latest date of the stages before each one (NaN: none)
    order_ok = np.ones(n, dtype=bool)
    for k in range(len(STAGES)):
        d = days[:, k]
        if k:
            order_ok &= ~(d < before)  # NaN compares False: a stage not reached breaks nothing
        before = np.where(np.isnan(d), before, d)
    passed = kind_ok  # model, unit and kind
    sound = learned_ok & order_ok
    mcode, _ = pd.factorize(model_id, use_na_sentinel=False)
    pair = ucode.astype(np.int64) * (int(mcode.max()) + 1 if n else 1) + mcode
    accepted = np.zeros(n, dtype=bool)
    dup_of = np.full(n, -1, dtype=np.int64)
    cand = np.flatnonzero(passed & sound)
    if len(cand):
        first = ~pd.Series(pair[cand]).duplicated(keep="first").to_numpy()
        firsts = pd.Series(cand[first], index=pd.Index(pair[cand[first]]))
        p_rows = np.flatnonzero(passed)
        fa = firsts.reindex(pd.Index(pair[p_rows])).to_numpy()
        later = ~np.isnan(fa) & (fa < p_rows)
        dup_of[p_rows[later]] = fa[later].astype(np.int64)
        accepted[cand[first]] = True
    for r in np.flatnonzero(~accepted).tolist():
        s = src_of(int(f[r]))
        base = ("adoption", int(idx[r]))
        mid, code = model_id[r], unit[r]
        if not model_ok[r]:
            if mid is None:
                report.error(s, base + ("unit",), "missing-key", 'bản ghi cần khoá "model" (hoặc khai báo model ở đầu tệp)',
                             'record needs "model" (or set model at the top of the file)')
            elif rec_model[r] is not None:
                vi, en = did_you_mean(mid, models)
                report.error(s, base + ("model",), "unknown-model", f'mô hình "{mid}" không có trong models/{vi}', f'model "{mid}" has no file in models/{en}')
        elif not unit_ok[r]:
            vi, en = _unknown_unit_message(code, structure[r], reg, local, models[mid].adopted_by)
            report.error(s, base + ("unit",), "unknown-unit", vi, en)
        elif not kind_ok[r]:
            allowed = ", ".join(models[mid].adopted_by)
            report.error(s, base + ("unit",), "wrong-kind",
                         f'"{code}" là đơn vị loại {kind[r]}; mô hình "{mid}" chỉ áp dụng cho: {allowed}',
                         f'"{code}" is a {kind[r]}; model "{mid}" is adopted by: {allowed}')
        elif dup_of[r] >= 0:
            o = int(dup_of[r])
            other = src_of(int(f[o]))
            line = other.pos(("adoption", int(idx[o])))[0]
            report.error(s, base, "duplicate-record", f'bản ghi trùng: "{code}" với mô hình "{mid}" đã có ở {other.rel}:{line}',
                         f'duplicate record: "{code}" with model "{mid}" is already at {other.rel}:{line}')
        elif not learned_ok[r]:
            vi, en = _unknown_unit_message(learned_code[r], structure[r], reg, local, models[mid].adopted_by)
            report.error(s, base + ("learned_from",), "unknown-unit", vi, en)
        else:
            _report_stage_order(s, base, tuple(_as_date(x) for x in days[r].tolist()), report)

    # Warnings on the records kept: a stage skipped, dates outside the unit's lifetime.
    present = ~np.isnan(days)
    n_present = present.sum(axis=1)
    last = np.where(n_present > 0, len(STAGES) - 1 - np.argmax(present[:, ::-1], axis=1), -1)
    skipped = accepted & (n_present > 0) & (last != n_present - 1)
    for r in np.flatnonzero(skipped).tolist():
        dates = tuple(_as_date(x) for x in days[r].tolist())
        missing = [s_ for s_, d in zip(STAGES[: STAGES.index(_last_stage(dates))], dates) if d is None]
        report.warning(src_of(int(f[r])), ("adoption", int(idx[r]), "stages"), "stage-skipped",
                       f'bỏ qua giai đoạn {", ".join(missing)} mà không ghi ngày bắt đầu',
                       f'stage(s) {", ".join(missing)} skipped without a start date')
    lo, hi = _lifetimes(ukey, reg, local)
    with np.errstate(invalid="ignore"):
        first_day = np.fmin.reduce(np.where(present, days, np.nan), axis=1) if n else np.zeros(0)
        last_day = np.fmax.reduce(np.where(present, days, np.nan), axis=1) if n else np.zeros(0)
    if len(r_rec):
        np.fmin.at(first_day, r_rec, r_day)
        np.fmax.at(last_day, r_rec, r_day)
    outside = accepted & ((first_day < lo) | (last_day >= hi))
    r_start = np.searchsorted(r_rec, np.arange(n + 1))  # readings of record r: r_start[r]:r_start[r + 1]
    for r in np.flatnonzero(outside).tolist():
        a, b = int(r_start[r]), int(r_start[r + 1])
        rs = [_Reading(m, _as_date(d), v) for m, d, v in zip(r_metric[a:b].tolist(), r_day[a:b].tolist(), r_value[a:b].tolist())]
        _check_lifetime(src_of(int(f[r])), ("adoption", int(idx[r])), ukey[r], (_as_date(lo[r]), _as_date(hi[r])),
                        tuple(_as_date(x) for x in days[r].tolist()), rs, reg, local, report)

    # Readings of the records kept: a metric the model records, once per date.
    keep_r = accepted[r_rec] if len(r_rec) else np.zeros(0, dtype=bool)
    r_model = model_id[r_rec] if len(r_rec) else np.zeros(0, dtype=object)
    metric_code, metric_cats = pd.factorize(r_metric)
    metric_cats = np.asarray(metric_cats, dtype=object)
    fine = np.zeros(len(r_rec), dtype=bool)
    for j, mid in enumerate(pd.unique(model_id[accepted]).tolist() if n else []):
        m = models[mid]
        ok = {x.id for x in m.metrics if x.rollup != "ratio"}
        sel = keep_r & np.equal(r_model, mid)
        allowed = np.fromiter((x in ok for x in metric_cats.tolist()), dtype=bool, count=len(metric_cats))
        fine[sel] = allowed[metric_code[sel]]
    if len(r_rec):
        same = pd.DataFrame({"r": r_rec, "m": metric_code, "d": r_day})
        fine &= ~same.duplicated(keep=False).to_numpy()
    suspect = np.unique(r_rec[keep_r & ~fine]) if len(r_rec) else np.zeros(0, dtype=np.int64)
    for r in suspect.tolist():
        a, b = int(r_start[r]), int(r_start[r + 1])
        rs = [_Reading(m, _as_date(d), v) for m, d, v in zip(r_metric[a:b].tolist(), r_day[a:b].tolist(), r_value[a:b].tolist())]
        good = _check_readings(src_of(int(f[r])), ("adoption", int(idx[r])), model_id[r], models[model_id[r]], rs, report)
        kept = {id(x) for x in good}
        keep_r[a:b] &= np.array([id(x) in kept for x in rs], dtype=bool)
    if len(suspect):  # a metric recorded twice on one date: the later value is kept
        rr = np.flatnonzero(keep_r)
        again = pd.DataFrame({"r": r_rec[rr], "m": metric_code[rr], "d": r_day[rr]}).duplicated(keep="last").to_numpy()
        keep_r[rr[again]] = False

    rows = np.flatnonzero(accepted)
    # Unit and model as categories (sorted, only those used), shared by the two frames.
    u_used = np.unique(ucode[rows])
    u_names = ucats[u_used]
    u_order = np.argsort(u_names.astype(str), kind="stable")
    u_new = np.empty(len(ucats), dtype=np.int64)
    u_new[u_used[u_order]] = np.arange(len(u_used))
    unit_dtype = pd.CategoricalDtype(pd.Index(u_names[u_order], dtype=object))
    model_names = sorted(set(model_id[rows].tolist()))
    model_dtype = pd.CategoricalDtype(pd.Index(model_names, dtype=object))
    model_pos = {m: i for i, m in enumerate(model_names)}
    rec_model_code = np.fromiter((model_pos.get(m, -1) for m in model_id.tolist()), dtype=np.int64, count=n)
    cat = lambda codes, dtype: pd.Categorical.from_codes(codes, dtype=dtype)  # noqa: E731
    a_cols = {
        "unit": cat(u_new[ucode[rows]], unit_dtype) if len(rows) else ukey[rows],
        "model": cat(rec_model_code[rows], model_dtype) if len(rows) else model_id[rows],
        **{s_: _datetimes(days[rows, k]) for k, s_ in enumerate(STAGES)},
        "learned_from": pd.Series(lkey[rows], dtype=object), "note": pd.Series(_concat(chunks, "note")[rows], dtype=object),
        "path": (pd.Categorical(np.array([c.rel for c in chunks], dtype=object)[f[rows]]) if len(rows) else np.zeros(0, dtype=object)),
        "index": idx[rows],
    }
    adoptions = pd.DataFrame(a_cols, columns=ADOPTION_COLUMNS)
    if not len(rows):
        adoptions = adoptions.astype({s_: "datetime64[s]" for s_ in STAGES})
    rr = np.flatnonzero(keep_r)
    rec = r_rec[rr]
    m_used = np.unique(metric_code[rr])
    m_names = metric_cats[m_used]
    m_order = np.argsort(m_names.astype(str), kind="stable")
    m_new = np.empty(len(metric_cats), dtype=np.int64)
    m_new[m_used[m_order]] = np.arange(len(m_used))
    readings = pd.DataFrame({
        "unit": cat(u_new[ucode[rec]], unit_dtype) if len(rr) else pd.Series([], dtype=object),
        "model": cat(rec_model_code[rec], model_dtype) if len(rr) else pd.Series([], dtype=object),
        "metric": cat(m_new[metric_code[rr]], pd.CategoricalDtype(pd.Index(m_names[m_order], dtype=object))) if len(rr)
        else pd.Series([], dtype=object),
        "date": _datetimes(r_day[rr]), "value": r_value[rr].astype(float)}, columns=READING_COLUMNS)
    return adoptions, readings, illustrative


def _categories(values: np.ndarray) -> pd.Categorical:
    """Strings as a categorical column (object categories: no Arrow round trip for 600,000 values)."""
    codes, uniq = pd.factorize(values, sort=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniq, dtype=object))


@dataclass(frozen=True, slots=True)
class _Reading:
    metric: str
    date: dt.date
    value: float


def _kind_lookup(reg: Registry, local: Mapping[str, LocalUnit]) -> dict[str, str]:
    """Unit key -> kind, for every official and declared unit."""
    out = {k: u.kind for k, u in reg.units.items()}
    if isinstance(local, LocalUnits):
        out.update(zip(local.frame.index.tolist(), local.frame["kind"].tolist()))
    else:
        out.update((k, u.kind) for k, u in local.items())
    return out


def _lifetimes(ukey: np.ndarray, reg: Registry, local: Mapping[str, LocalUnit]) -> tuple[np.ndarray, np.ndarray]:
    """(first day, first day no longer) each unit existed, as days since 1970 (NaN = open).

    Units of the new register exist from the reform; units of the old register end with it;
    declared units carry ``established`` and ``dissolved``."""
    reform = float(REFORM_DATE.toordinal() - EPOCH_ORDINAL)
    keys = pd.Index(ukey.tolist(), dtype=object)
    lo = np.full(len(keys), np.nan)
    hi = np.full(len(keys), np.nan)
    in_reg = np.array([k in reg.units for k in ukey.tolist()], dtype=bool)
    old = np.array([k.startswith(OLD + ":") for k in ukey.tolist()], dtype=bool)
    hi[in_reg & old] = reform
    lo[in_reg & ~old] = reform
    if isinstance(local, LocalUnits):
        fr = local.frame
        pos = fr.index.get_indexer(keys)
        hit = pos >= 0
        if hit.any():
            to_days = lambda col: np.array([np.nan if d is None else d.toordinal() - EPOCH_ORDINAL  # noqa: E731
                                            for d in fr[col].to_numpy(dtype=object)[pos[hit]].tolist()], dtype=float)
            lo[hit], hi[hit] = to_days("established"), to_days("dissolved")
    else:
        for i, k in enumerate(ukey.tolist()):
            u = local.get(k)
            if u is not None:
                lo[i] = np.nan if u.established is None else u.established.toordinal() - EPOCH_ORDINAL
                hi[i] = np.nan if u.dissolved is None else u.dissolved.toordinal() - EPOCH_ORDINAL
    return lo, hi


def _unit_name(ukey: str, reg: Registry, local: dict[str, LocalUnit]) -> str:
    u = local.get(ukey) or reg.units.get(ukey)
    return u.name if u is not None else ukey.partition(":")[2]


def _successor(ukey: str, reg: Registry, local: dict[str, LocalUnit]) -> str | None:
    u = local.get(ukey)
    if u is not None:
        return u.merged_into
    return reg.old_to_new.get(ukey) or reg.old_province_to_new.get(ukey)


def _check_lifetime(src: SourceFile, base: tuple, ukey: str, life: tuple, dates: tuple, readings: list,
                    reg: Registry, local: dict[str, LocalUnit], report: Report) -> None:
    """Warn (once for the stages, once for the readings) about dates outside the unit's lifetime.

    Such records stay loaded: the date is likely right and the unit code wrong (recorded under
    the old commune after the merger), which the planner fixes by moving the record."""
    start, end = life
    name = _unit_name(ukey, reg, local)
    succ = _successor(ukey, reg, local)
    succ_name = _unit_name(succ, reg, local) if succ else ""
    reform = end == REFORM_DATE and ukey.startswith(OLD + ":") and ukey in reg.units

    def outside(d: dt.date) -> bool:
        return (start is not None and d < start) or (end is not None and d >= end)

    def say(where: tuple, what_vi: str, what_en: str, d: dt.date, more: int) -> None:
        extra_vi = f" (và {more} số liệu khác)" if more else ""
        extra_en = f" (and {more} more)" if more else ""
        if start is not None and d < start:
            if start == REFORM_DATE and ukey.startswith(NEW + ":"):
                fix_vi = 'ghi bản ghi trước ngày này cho đơn vị cũ (structure = "old")'
                fix_en = 'record dates before it under the old unit (structure = "old")'
            else:
                fix_vi, fix_en = "kiểm tra lại ngày hoặc mã đơn vị", "check the date or the unit code"
            report.warning(src, where, "before-established",
                           f'{what_vi} ngày {d:%d/%m/%Y}{extra_vi} trước khi "{name}" được thành lập ({start:%d/%m/%Y}); {fix_vi}',
                           f'{what_en} dated {d:%Y-%m-%d}{extra_en} is before "{name}" was established ({start:%Y-%m-%d}); {fix_en}')
            return
        if reform and reg.units[ukey].kind in ABOLISHED_KINDS:
            report.warning(src, where, "after-dissolved",
                           f'{what_vi} ngày {d:%d/%m/%Y}{extra_vi} sau khi cấp {kind_label(reg.units[ukey].kind, "vi")} '
                           f'không còn (từ {end:%d/%m/%Y}): "{name}" chỉ còn là số liệu lịch sử; ghi bản ghi này cho tỉnh hoặc xã mới (structure = "new")',
                           f'{what_en} dated {d:%Y-%m-%d}{extra_en} is after the {kind_label(reg.units[ukey].kind, "en")} level was abolished ({end:%Y-%m-%d}): '
                           f'"{name}" is history; record it for the new province or commune (structure = "new")')
            return
        if reform:
            into_vi = f" thuộc {succ_name}" if succ_name else ""
            into_en = f" is part of {succ_name}" if succ_name else " is part of a new commune"
            report.warning(src, where, "after-dissolved",
                           f'{what_vi} ngày {d:%d/%m/%Y}{extra_vi} sau khi cấu trúc cũ kết thúc: từ {end:%d/%m/%Y} "{name}"{into_vi} (cấu trúc mới); '
                           f'ghi bản ghi này với structure = "new" và mã đơn vị mới',
                           f'{what_en} dated {d:%Y-%m-%d}{extra_en} is after the old structure ended: since {end:%Y-%m-%d} "{name}"{into_en} '
                           f'(new structure); record it with structure = "new" and the new unit code')
            return
        into_vi = f", nhập vào {succ_name}" if succ_name else ""
        into_en = f", merged into {succ_name}" if succ_name else ""
        report.warning(src, where, "after-dissolved",
                       f'{what_vi} ngày {d:%d/%m/%Y}{extra_vi} sau khi "{name}" giải thể ({end:%d/%m/%Y}{into_vi}); '
                       f'ghi cho đơn vị còn tồn tại, hoặc sửa ngày',
                       f'{what_en} dated {d:%Y-%m-%d}{extra_en} is after "{name}" was dissolved ({end:%Y-%m-%d}{into_en}); '
                       f'record it under the unit that exists, or fix the date')

    bad = [(s, d) for s, d in zip(STAGES, dates) if d is not None and outside(d)]
    if bad:
        s, d = bad[0]
        say(base + ("stages", s), f'giai đoạn "{s}"', f'stage "{s}"', d, 0)
    late = [(k, r) for k, r in enumerate(readings) if outside(r.date)]
    if late:
        k, r = late[0]
        say(base + ("readings", k), f'số liệu "{r.metric}"', f'reading "{r.metric}"', r.date, len(late) - 1)


def _last_stage(dates: tuple) -> str:
    return [s for s, d in zip(STAGES, dates) if d is not None][-1]


def _report_stage_order(src: SourceFile, base: tuple, dates: tuple, report: Report) -> None:
    prev: tuple[str, dt.date] | None = None
    for s, d in zip(STAGES, dates):
        if d is None:
            continue
        if prev is not None and d < prev[1]:
            report.error(src, base + ("stages", s), "stage-order",
                         f'giai đoạn "{s}" bắt đầu {d:%d/%m/%Y}, trước giai đoạn "{prev[0]}" ({prev[1]:%d/%m/%Y})',
                         f'stage "{s}" begins {d:%Y-%m-%d}, before stage "{prev[0]}" ({prev[1]:%Y-%m-%d})')
        prev = (s, d)


def _check_readings(src: SourceFile, base: tuple, model_id: str, model: ModelFile, readings: list, report: Report) -> list:
    """The slow path: say what is wrong with each reading; return the ones to keep."""
    defined = {x.id: x for x in model.metrics}
    seen: set[tuple[str, dt.date]] = set()
    good = []
    for k, r in enumerate(readings):
        spec = defined.get(r.metric)
        if spec is None:
            vi, en = did_you_mean(r.metric, defined)
            report.error(src, base + ("readings", k, "metric"), "unknown-metric",
                         f'mô hình "{model_id}" không định nghĩa chỉ số "{r.metric}"{vi}',
                         f'model "{model_id}" defines no metric "{r.metric}"{en}')
            continue
        if spec.rollup == "ratio":
            report.error(src, base + ("readings", k, "metric"), "computed-metric",
                         f'chỉ số "{r.metric}" được tính từ {spec.numerator}/{spec.denominator}; hãy ghi hai chỉ số đó',
                         f'metric "{r.metric}" is computed from {spec.numerator}/{spec.denominator}; record those two instead')
            continue
        if (r.metric, r.date) in seen:
            report.warning(src, base + ("readings", k), "duplicate-reading",
                           f'chỉ số "{r.metric}" ngày {r.date:%d/%m/%Y} được ghi hai lần; giữ giá trị sau',
                           f'metric "{r.metric}" on {r.date:%Y-%m-%d} is recorded twice; the later value is kept')
        seen.add((r.metric, r.date))
        good.append(r)
    return good


def _load_plans(root: Path, paths: list[Path], models: dict[str, ModelFile], reg: Registry,
                local: dict[str, LocalUnit], report: Report, texts: Mapping[str, str] = {}):
    plans: dict[str, PlanFile] = {}
    plan_paths: dict[str, str] = {}
    for path in paths:
        src = _parse(path, root, report, texts)
        if src is None:
            continue
        obj = validate_file(src, PlanFile, None, report)
        if obj is None:
            continue
        ok = True
        if _resolve_unit(obj.scope, obj.structure, reg, local) is None:
            vi, en = _unknown_unit_message(obj.scope, obj.structure, reg, local)
            report.error(src, ("scope",), "unknown-unit", vi, en)
            ok = False
        for i, mid in enumerate(obj.models):
            if mid not in models:
                vi, en = did_you_mean(mid, models)
                report.error(src, ("models", i), "unknown-model", f'mô hình "{mid}" không có trong models/{vi}', f'model "{mid}" has no file in models/{en}')
                ok = False
        for i, t in enumerate(obj.targets):
            if t.model not in models:
                vi, en = did_you_mean(t.model, models)
                report.error(src, ("targets", i, "model"), "unknown-model", f'mô hình "{t.model}" không có trong models/{vi}', f'model "{t.model}" has no file in models/{en}')
                ok = False
        if ok:
            plans[path.stem] = obj  # type: ignore[assignment]
            plan_paths[path.stem] = src.rel
    return plans, plan_paths


__all__ = ["load_programme", "paused_gc", "discover", "scan", "parse_file", "Report", "SourceFile", "closest", "MAX_FILE_BYTES"]
