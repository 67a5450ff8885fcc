"""Reading and parsing one file: only a regular file, only up to :data:`MAX_FILE_BYTES`, UTF-8, then TOML.

Every failure becomes a located problem, never an exception. tomli is the reference parser; the compiled
parser (toml-rs, optional) reads units/ and pilots/ files faster where it cannot differ (see below and
:func:`use_parser`).
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

import tomli

from ..i18n import msg
from ..textfold import nfc_tree
from ..tomlpos import deepest_nesting, longest_key
from .discovery import file_kind
from .report import Report, SourceFile


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
        report.error(src.rel, (line, col), "toml-syntax", msg("problem.toml_syntax", detail=getattr(exc, "msg", str(exc))))
        return None
    except RecursionError as exc:
        if "key" in str(exc):
            report.error(src.rel, longest_key(text), "too-deep", msg("problem.too_many_key_parts", n=MAX_KEY_PARTS))
        else:
            report.error(src.rel, deepest_nesting(text, MAX_NESTING), "too-deep", msg("problem.too_deep", n=MAX_NESTING))
        return None
    except Exception as exc:  # noqa: BLE001 - any parser failure is a problem of this file, never a crash
        huge = _HUGE_INT.search(text) if isinstance(exc, ValueError) and "digits" in str(exc) else None
        if huge is not None:  # Python refuses to convert integers of more than 4300 digits
            line = text.count("\n", 0, huge.start()) + 1
            col = huge.start() - (text.rfind("\n", 0, huge.start()) + 1) + 1
            report.error(src.rel, (line, col), "toml-syntax", msg("problem.number_too_long", digits=huge.end() - huge.start()))
            return None
        report.error(src.rel, (1, 1), "toml-syntax", msg("problem.toml_unparsable", error=type(exc).__name__, detail=short(exc)))
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
        self._thread: Any = None
        self._threading, self._queue_mod = threading, queue

    def call(self, fn, *args):
        if self._threading.current_thread() is self._thread:  # already on the big stack
            return fn(*args)
        with self._lock:  # one parse at a time: the worker is single and the caller waits anyway
            if self._queue is None:
                self._queue = self._queue_mod.SimpleQueue()
                old = self._threading.stack_size()
                try:
                    self._threading.stack_size(_FAST_STACK)
                    t = self._threading.Thread(target=self._loop, name="nhanrong-toml", daemon=True)
                    t.start()
                    self._thread = t
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


def on_big_stack(fn, *args):
    """``fn(*args)`` on the worker thread of the compiled parser (when it is used): a units/ or pilots/
    file is parsed and its columns checked there in one call, not handed back and forth per parse."""
    return _WORKER.call(fn, *args) if _FAST is not None else fn(*args)


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


def short(x: object, limit: int = 80) -> str:
    """``str(x)``, cut to ``limit`` characters."""
    text = str(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_regular(path: Path, rel: str, report: Report, src: SourceFile | None = None) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most MAX_FILE_BYTES; else a problem and None.
    ``src`` gets the stamp (size, mtime, inode) of the file as opened: the per-file cache's key."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            report.error(rel, (0, 0), "not-regular-file", msg("problem.special_file_read", kind=file_kind(st.st_mode)))
            return None
        if st.st_size > MAX_FILE_BYTES:
            return _too_large(rel, st.st_size, report)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            fst = os.fstat(fh.fileno())
            if not stat.S_ISREG(fst.st_mode):  # swapped for a FIFO since the stat
                report.error(rel, (0, 0), "not-regular-file", msg("problem.not_regular_file"))
                return None
            data = fh.read()  # a regular file ends (a FIFO or a device may not); its size is checked below
    except OSError as exc:
        report.error(rel, (0, 0), "unreadable", msg("problem.unreadable_file", reason=exc.strerror))
        return None
    if len(data) > MAX_FILE_BYTES:
        return _too_large(rel, len(data), report)
    if src is not None:
        src.stamp = file_stamp(fst)
    return data


def file_stamp(st: os.stat_result) -> tuple:
    """What says a file is unchanged: size, modification time (ns) and inode."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _too_large(rel: str, size: int, report: Report) -> None:
    report.error(rel, (0, 0), "too-large", msg("problem.too_large", size_mb=size / 2**20, limit_mb=MAX_FILE_BYTES / 2**20))
    return None


def _decode(data: bytes, rel: str, report: Report) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # the byte order mark some editors write: harmless
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        report.error(rel, (1, 1), "encoding", msg("problem.utf16"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        report.error(rel, (line, col), "encoding", msg("problem.not_utf8", byte=exc.start))
        return None
