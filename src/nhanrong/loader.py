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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import networkx as nx
import pandas as pd
import tomli
from pydantic import BaseModel, ValidationError

from .errors import DataRootError
from .problems import Problem, closest, did_you_mean, sort_problems
from .programme import ADOPTION_COLUMNS, READING_COLUMNS, LocalUnit, Programme
from .kinds import kind_label, known_kinds
from .registry import NEW, OLD, REFORM_DATE, Registry, load_registry, unit_key
from .schema import (ABOLISHED_KINDS, ADMIN_KINDS, DATE_MAX, DATE_MIN, STAGES, ModelFile, PilotsFile, PlanFile,
                     SettingsFile, UnitsFile)
from .tomlpos import deepest_nesting, key_positions, locate, longest_key

DATA_DIRS = ("models", "units", "pilots", "plans")
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

    def pos(self, loc: Iterable[Any]) -> tuple[int, int]:
        if self._positions is None:
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
        self.problems.append(Problem(rel, line, col, severity, code, vi, en))  # type: ignore[arg-type]

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
            f'"{root}" không có thư mục models/, units/, pilots/ hay plans/: đây không phải kho dữ liệu Nhân Rộng. '
            f'/ "{root}" has none of models/, units/, pilots/, plans/: not a Nhân Rộng data folder.'
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


def parse_file(path: Path, root: Path, report: Report, text: str | None = None) -> SourceFile | None:
    """Read and parse one file; every failure becomes a located problem, never an exception.

    ``text``: the file's content as it would be after an edit (nothing is read from disk).
    Only a regular file is opened (non-blocking, checked again once open), and only up to
    :data:`MAX_FILE_BYTES`; a UTF-8 byte order mark is accepted.
    """
    src = SourceFile(path, path.relative_to(root).as_posix())
    if text is None:
        data = _read_regular(path, src.rel, report)
        if data is None:
            return None
        text = _decode(data, src.rel, report)
        if text is None:
            return None
    elif text.startswith("\ufeff"):
        text = text[1:]
    src.text = text
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
    return src


_HUGE_INT = re.compile(r"[0-9_]{4000,}")


def _short(x: object, limit: int = 80) -> str:
    text = str(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_regular(path: Path, rel: str, report: Report) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most MAX_FILE_BYTES; else a problem and None."""
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
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped for a FIFO since the stat
                report.error(rel, (0, 0), "not-regular-file", "đây không phải tệp thường: không đọc", "this is not a regular file: not read")
                return None
            data = fh.read()  # a regular file ends (a FIFO or a device may not); its size is checked below
    except OSError as exc:
        report.error(rel, (0, 0), "unreadable", f"không đọc được tệp: {exc.strerror}", f"cannot read file: {exc.strerror}")
        return None
    if len(data) > MAX_FILE_BYTES:
        return _too_large(rel, len(data), report)
    return data


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
    "string_pattern_mismatch": "không đúng dạng mã: chỉ dùng chữ không dấu, số, '.', '-' và '_'",
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
            report.error(src, loc, f"bad-{etype}", f'"{where}" {vi}{suffix}{shown}', f'"{where}": {err["msg"]}{shown_en}')
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
        illustrative_files=sorted(illus_units + illus_pilots),
        files=sum(len(v) for v in files.values()) + int(SETTINGS_FILE in texts or (root / SETTINGS_FILE).is_file()),
        settings=settings,
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


def _load_units(root: Path, paths: list[Path], reg: Registry, report: Report, settings: SettingsFile,
                texts: Mapping[str, str] = {}):
    """Declared units; parents may be official units or other declared units (any order)."""
    declared: dict[str, tuple[LocalUnit, SourceFile, int]] = {}
    illustrative: list[str] = []
    kinds = known_kinds(settings.kinds)
    for path in paths:
        src = _parse(path, root, report, texts)
        if src is None:
            continue
        obj, kept = validate_records(src, UnitsFile, "unit", report)
        if obj is None:
            continue
        if obj.illustrative:
            illustrative.append(src.rel)
        for i, u in zip(kept, obj.unit):
            key = unit_key(obj.structure, u.code)
            if u.kind not in kinds:
                vi, en = did_you_mean(u.kind, kinds)
                report.error(src, ("unit", i, "kind"), "unknown-kind",
                             f'loại đơn vị "{u.kind}" chưa được khai báo{vi}; khai báo nó dưới [kinds] trong {SETTINGS_FILE} hoặc sửa tên',
                             f'unit kind "{u.kind}" is not declared{en}; declare it under [kinds] in {SETTINGS_FILE} or fix the name')
                continue
            if u.established and u.dissolved and u.dissolved <= u.established:
                report.error(src, ("unit", i, "dissolved"), "lifetime-order",
                             f'"{u.code}" giải thể ({u.dissolved:%d/%m/%Y}) không thể trước hoặc cùng ngày thành lập ({u.established:%d/%m/%Y})',
                             f'"{u.code}" is dissolved ({u.dissolved:%Y-%m-%d}) on or before it was established ({u.established:%Y-%m-%d})')
                continue
            if key in reg.units:
                report.error(src, ("unit", i, "code"), "duplicate-unit", f'mã "{u.code}" đã là đơn vị hành chính chính thức ({reg.units[key].name}); chọn mã khác',
                             f'code "{u.code}" is already an official unit ({reg.units[key].name}); choose another code')
                continue
            if key in declared:
                other = declared[key][1]
                line = other.pos(("unit", declared[key][2]))[0]
                report.error(src, ("unit", i, "code"), "duplicate-unit", f'mã đơn vị "{u.code}" đã khai báo ở {other.rel}:{line}',
                             f'unit code "{u.code}" is already declared at {other.rel}:{line}')
                continue
            declared[key] = (
                LocalUnit(key, u.code, u.name, u.kind, obj.structure,
                          unit_key(obj.structure, u.parent) if u.parent else None,
                          u.dissolved, unit_key(obj.structure, u.merged_into) if u.merged_into else None,
                          u.lat, u.lon, obj.illustrative, src.rel, u.established),
                src, i,
            )
    good: dict[str, LocalUnit] = {}
    for key, (u, src, i) in declared.items():
        if u.parent is None and u.kind != "province":
            report.error(src, ("unit", i, "code"), "missing-parent", f'đơn vị "{u.code}" cần khoá parent (mã đơn vị cấp trên)',
                         f'unit "{u.code}" needs a parent (the code of the unit above it)')
            continue
        if u.parent is not None and u.parent not in reg.units and u.parent not in declared:
            code = u.parent.partition(":")[2]
            allowed = _parent_kinds(u.kind, settings)
            vi, en = did_you_mean(code, [k.partition(":")[2] for k, (d, _, _) in declared.items()
                                         if d.structure == u.structure and (not allowed or d.kind in allowed)])
            report.error(src, ("unit", i, "parent"), "unknown-unit", f'đơn vị cấp trên "{code}" không có trong danh mục ({u.structure}) hay units/{vi}',
                         f'parent unit "{code}" is not in the register ({u.structure}) nor in units/{en}')
            continue
        if u.merged_into is not None and u.merged_into not in reg.units and u.merged_into not in declared:
            code = u.merged_into.partition(":")[2]
            report.error(src, ("unit", i, "merged_into"), "unknown-unit", f'merged_into "{code}" không phải đơn vị đã biết ({u.structure})',
                         f'merged_into "{code}" is not a known unit ({u.structure})')
            continue
        allowed = _parent_kinds(u.kind, settings)
        if allowed and u.parent is not None:
            pkind = reg.units[u.parent].kind if u.parent in reg.units else declared[u.parent][0].kind
            if pkind not in allowed:
                report.warning(src, ("unit", i, "parent"), "parent-kind",
                               f'"{u.code}" ({u.kind}) nằm dưới một {pkind}; {SETTINGS_FILE} cho phép cấp trên là: {", ".join(allowed)}',
                               f'"{u.code}" ({u.kind}) is under a {pkind}; {SETTINGS_FILE} allows parents of kind: {", ".join(allowed)}')
        if u.kind in ADMIN_KINDS and u.dissolved is None:
            report.warning(src, ("unit", i, "kind"), "admin-not-dissolved", f'"{u.code}" là {u.kind} nhưng không có trong danh mục chính thức: nếu đã giải thể/sáp nhập, ghi dissolved và merged_into',
                           f'"{u.code}" is a {u.kind} missing from the official register: if it was merged, set dissolved and merged_into')
        good[key] = u
    # Parents that were themselves rejected make their children orphans: drop them too.
    changed = True
    while changed:
        changed = False
        for key, u in list(good.items()):
            if u.parent is not None and u.parent not in reg.units and u.parent not in good:
                del good[key]
                changed = True
    return good, illustrative


def _parent_kinds(kind: str, settings: SettingsFile) -> list[str]:
    spec = settings.kinds.get(kind)
    return list(spec.parents) if spec is not None else []


def _resolve_unit(code: str, structure: str, reg: Registry, local: dict[str, LocalUnit]) -> str | None:
    key = unit_key(structure, code)
    return key if key in reg.units or key in local else None


def _unknown_unit_message(code: str, structure: str, reg: Registry, local: dict[str, LocalUnit],
                          kinds: Iterable[str] | None = None) -> tuple[str, str]:
    """Why a code is unknown, and the closest declared code of the kinds that fit (``kinds``)."""
    other = NEW if structure == OLD else OLD
    if _resolve_unit(code, other, reg, local):
        return (f'mã đơn vị "{code}" không có trong cấu trúc "{structure}" (nó thuộc cấu trúc "{other}"); sửa structure của tệp hoặc mã đơn vị',
                f'unit code "{code}" is not in the "{structure}" structure (it is in "{other}"); fix the file\'s structure or the code')
    fit = None if kinds is None else set(kinds)
    vi, en = did_you_mean(code, [u.code for u in local.values() if u.structure == structure and (fit is None or u.kind in fit)])
    return (f'mã đơn vị "{code}" không có trong danh mục ({structure}) hay units/{vi}; khai báo nó trong units/ hoặc sửa mã',
            f'unknown unit code "{code}" (not in the {structure} register nor in units/){en}; declare it under units/ or fix the code')


def _load_pilots(root: Path, paths: list[Path], models: dict[str, ModelFile], reg: Registry,
                 local: dict[str, LocalUnit], report: Report, texts: Mapping[str, str] = {}):
    """Adoption records and readings as columns.

    The loop is the hot path of a national load (hundreds of thousands of records): each
    record is checked with set and dict look-ups only; messages are built on the rare slow path.
    """
    c_unit: list = []
    c_model: list = []
    c_dates: list[list] = [[] for _ in STAGES]
    c_learned: list = []
    c_note: list = []
    c_path: list = []
    c_index: list = []
    r_unit: list = []
    r_model: list = []
    r_metric: list = []
    r_date: list = []
    r_value: list = []
    seen: dict[tuple[str, str], tuple[SourceFile, int]] = {}
    illustrative: list[str] = []
    kinds = {k: u.kind for k, u in reg.units.items()}
    kinds.update((k, u.kind) for k, u in local.items())
    adopted = {mid: frozenset(m.adopted_by) for mid, m in models.items()}
    readable = {mid: frozenset(x.id for x in m.metrics if x.rollup != "ratio") for mid, m in models.items()}
    lifetimes: dict[str, tuple] = {}
    for path in paths:
        src = _parse(path, root, report, texts)
        if src is None:
            continue
        obj, kept = validate_records(src, PilotsFile, "adoption", report)
        if obj is None:
            continue
        if obj.illustrative:
            illustrative.append(src.rel)
        if obj.model is not None and obj.model not in models:
            vi, en = did_you_mean(obj.model, models)
            report.error(src, ("model",), "unknown-model", f'mô hình "{obj.model}" không có trong models/{vi}', f'model "{obj.model}" has no file in models/{en}')
        structure = obj.structure
        prefix = structure + ":"
        for i, a in zip(kept, obj.adoption):
            base = ("adoption", i)
            model_id = a.model or obj.model
            if model_id not in models:
                if model_id is None:
                    report.error(src, base + ("unit",), "missing-key", 'bản ghi cần khoá "model" (hoặc khai báo model ở đầu tệp)',
                                 'record needs "model" (or set model at the top of the file)')
                elif a.model is not None:
                    vi, en = did_you_mean(model_id, models)
                    report.error(src, base + ("model",), "unknown-model", f'mô hình "{model_id}" không có trong models/{vi}', f'model "{model_id}" has no file in models/{en}')
                continue
            ukey = prefix + a.unit
            kind = kinds.get(ukey)
            if kind is None:
                vi, en = _unknown_unit_message(a.unit, structure, reg, local, models[model_id].adopted_by)
                report.error(src, base + ("unit",), "unknown-unit", vi, en)
                continue
            if kind not in adopted[model_id]:
                allowed = ", ".join(models[model_id].adopted_by)
                report.error(src, base + ("unit",), "wrong-kind",
                             f'"{a.unit}" là đơn vị loại {kind}; mô hình "{model_id}" chỉ áp dụng cho: {allowed}',
                             f'"{a.unit}" is a {kind}; model "{model_id}" is adopted by: {allowed}')
                continue
            if (ukey, model_id) in seen:
                other, j = seen[(ukey, model_id)]
                line = other.pos(("adoption", j))[0]
                report.error(src, base, "duplicate-record", f'bản ghi trùng: "{a.unit}" với mô hình "{model_id}" đã có ở {other.rel}:{line}',
                             f'duplicate record: "{a.unit}" with model "{model_id}" is already at {other.rel}:{line}')
                continue
            learned = a.learned_from
            if learned is not None:
                learned = prefix + learned
                if learned not in kinds:
                    vi, en = _unknown_unit_message(a.learned_from, structure, reg, local, models[model_id].adopted_by)  # type: ignore[arg-type]
                    report.error(src, base + ("learned_from",), "unknown-unit", vi, en)
                    continue
            st = a.stages
            dates = (st.assess, st.pilot, st.evaluate, st.scale)
            present = [d for d in dates if d is not None]
            if present != sorted(present):
                _report_stage_order(src, base, dates, report)
                continue
            if present and dates[len(present) - 1] is None:
                missing = [s for s, d in zip(STAGES[: STAGES.index(_last_stage(dates))], dates) if d is None]
                report.warning(src, base + ("stages",), "stage-skipped", f'bỏ qua giai đoạn {", ".join(missing)} mà không ghi ngày bắt đầu',
                               f'stage(s) {", ".join(missing)} skipped without a start date')
            life = lifetimes.get(ukey)
            if life is None:
                life = lifetimes[ukey] = _lifetime(ukey, reg, local)
            lo, hi = life
            if lo is not None or hi is not None:  # dates outside the unit's lifetime: the slow path says so
                both = present + [r.date for r in a.readings]
                if both and ((lo is not None and min(both) < lo) or (hi is not None and max(both) >= hi)):
                    _check_lifetime(src, base, ukey, life, dates, a.readings, reg, local, report)
            seen[(ukey, model_id)] = (src, i)
            c_unit.append(ukey)
            c_model.append(model_id)
            for col, d in zip(c_dates, dates):
                col.append(d)
            c_learned.append(learned)
            c_note.append(a.note)
            c_path.append(src.rel)
            c_index.append(i)
            rs = a.readings
            if not rs:
                continue
            ok = readable[model_id]
            if all(r.metric in ok for r in rs) and len({(r.metric, r.date) for r in rs}) == len(rs):
                good = rs
            else:
                good = _check_readings(src, base, model_id, models[model_id], rs, report)
            r_unit.extend([ukey] * len(good))
            r_model.extend([model_id] * len(good))
            r_metric.extend([r.metric for r in good])
            r_date.extend([r.date for r in good])
            r_value.extend([r.value for r in good])
    adoptions = pd.DataFrame(
        dict(zip(ADOPTION_COLUMNS, (c_unit, c_model, *c_dates, c_learned, c_note, c_path, c_index))),
        columns=ADOPTION_COLUMNS,
    )
    for s in STAGES:
        adoptions[s] = pd.to_datetime(adoptions[s])
    for c in ("unit", "model", "path"):
        adoptions[c] = adoptions[c].astype("category") if len(adoptions) else adoptions[c].astype(object)
    readings = pd.DataFrame(dict(zip(READING_COLUMNS, (r_unit, r_model, r_metric, r_date, r_value))), columns=READING_COLUMNS)
    readings["date"] = pd.to_datetime(readings["date"])
    readings["value"] = readings["value"].astype(float)
    readings = readings.drop_duplicates(["unit", "model", "metric", "date"], keep="last").reset_index(drop=True)
    return adoptions, readings, illustrative


def _lifetime(ukey: str, reg: Registry, local: dict[str, LocalUnit]) -> tuple:
    """(first day, first day no longer) the unit existed; None where open.

    Units of the new register exist from the reform; units of the old register end with it;
    declared units carry ``established`` and ``dissolved``."""
    u = local.get(ukey)
    if u is not None:
        return u.established, u.dissolved
    if ukey in reg.units:
        return (None, REFORM_DATE) if ukey.startswith(OLD + ":") else (REFORM_DATE, None)
    return None, None


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
