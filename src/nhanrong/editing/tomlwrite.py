"""Edit TOML text as a person would: only the lines that must change; comments and layout kept.

tomlkit re-renders a table as soon as it is modified (the spaces inside ``{ ... }`` go and
neighbouring lines change), which would make every saved change touch lines nobody
changed. So edits here work on lines: a small scanner finds the table headers and the extent
of each ``key = value`` (a value ends at the first line where it parses), new values are
rendered in the style the file already uses, and the caller checks the result with tomli.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Sequence

import tomli

from ..tomlpos import BARE as _BARE
from ..tomlpos import DOTTED_KEY, split_key
from .errors import UnsupportedLayoutError

# The key grammar and its splitting are tomlpos's (the scanner that maps validation errors to lines):
# one definition of what a TOML key is, for reading positions and for editing.
_KEY_RE = re.compile(rf"(\s*)({DOTTED_KEY})(\s*=\s*)")
_HEADER_RE = re.compile(rf"\s*(\[\[|\[)\s*({DOTTED_KEY})\s*(\]\]|\])\s*(?:#.*)?$")


# --- rendering values ----------------------------------------------------------------


def render_string(s: str) -> str:
    """A TOML basic string, NFC-normalised (one code point per Vietnamese letter, as every file
    and the register write them); control characters are escaped."""
    out = []
    for ch in unicodedata.normalize("NFC", s):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def render_key(k: str) -> str:
    return k if _BARE.fullmatch(k) else render_string(k)


def render(value: Any, *, spaced: bool = True) -> str:
    """One TOML value, as a person would type it (120 rather than 120.0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return render_string(value)
    if isinstance(value, dict):
        return render_inline(value, spaced=spaced)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(v, spaced=spaced) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def render_inline(d: dict, *, spaced: bool = True) -> str:
    if not d:
        return "{}"
    body = ", ".join(f"{render_key(k)} = {render(v, spaced=spaced)}" for k, v in d.items())
    return f"{{ {body} }}" if spaced else f"{{{body}}}"


split_dotted = split_key
"""``a."b c".d`` -> ("a", "b c", "d"): :func:`nhanrong.tomlpos.split_key`."""


def comment_start(line: str, start: int = 0) -> int:
    """Index of a ``#`` that starts a comment (outside strings), or -1."""
    quote, i = "", start
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            return i
        i += 1
    return -1


def _eol(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else ("\n" if line.endswith("\n") else "")


# --- scanning ---------------------------------------------------------------------------


@dataclass
class KeyEntry:
    """``key = value`` spanning lines[start:end]."""

    key: tuple[str, ...]
    start: int
    end: int


@dataclass
class Block:
    """A table header and its keys; the top of the file is the block named ()."""

    name: tuple[str, ...]
    array: bool
    header: int | None
    keys: list[KeyEntry] = field(default_factory=list)

    def get(self, key: tuple[str, ...]) -> KeyEntry | None:
        return next((e for e in self.keys if e.key == key), None)

    @property
    def body_start(self) -> int:
        return self.header + 1 if self.header is not None else (self.keys[0].start if self.keys else 0)


@lru_cache(maxsize=65536)
def _parses(chunk: str) -> bool:
    """Whether ``chunk`` is complete TOML (remembered: a rescan after an edit re-reads unchanged values)."""
    try:
        tomli.loads(chunk)
        return True
    except tomli.TOMLDecodeError:
        return False


def _value_end(lines: list[str], i: int, value_start: int) -> int:
    """Line after the end of the value that starts on line ``i``.

    In TOML only arrays and triple-quoted strings span lines (inline tables may not),
    so other values end on their own line; the others end at the first line where
    the key and value parse.
    """
    head = lines[i][value_start:].lstrip()
    if head.startswith(("'''", '"""')):
        closers: tuple[str, ...] = (head[:3],)
    elif head.startswith("["):
        closers = ("]",)
    else:
        return i + 1
    for j in range(i + 1, len(lines) + 1):
        if j > i + 1 and not any(c in lines[j - 1] for c in closers):
            continue
        if _parses("".join(lines[i:j])):
            return j
    raise UnsupportedLayoutError("edit.toml.unreadable_value", line=i + 1)


def scan(lines: list[str]) -> list[Block]:
    blocks = [Block((), False, None)]
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        if not s or s.startswith("#"):
            i += 1
            continue
        if s.startswith("["):
            m = _HEADER_RE.match(lines[i])
            if not m:
                raise UnsupportedLayoutError("edit.toml.bad_header", line=i + 1)
            blocks.append(Block(split_dotted(m.group(2)), m.group(1) == "[[", i))
            i += 1
            continue
        m = _KEY_RE.match(lines[i])
        if not m:
            raise UnsupportedLayoutError("edit.toml.not_key_value", line=i + 1)
        end = _value_end(lines, i, m.end())
        blocks[-1].keys.append(KeyEntry(split_dotted(m.group(2)), i, end))
        i = end
    return blocks


# --- the editable text ------------------------------------------------------------------


class TomlText:
    """A TOML file as lines, with edits that keep every other line byte for byte."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.eol = "\r\n" if "\r\n" in text else "\n"
        self.rescan()

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def rescan(self) -> None:
        self._blocks = scan(self.lines)

    def blocks(self, name: tuple[str, ...]) -> list[Block]:
        return [b for b in self._blocks if b.name == name]

    def block(self, name: tuple[str, ...], index: int = 0) -> Block | None:
        found = self.blocks(name)
        return found[index] if index < len(found) else None

    def value(self, entry: KeyEntry) -> Any:
        data: Any = tomli.loads("".join(self.lines[entry.start:entry.end]))
        for k in entry.key:
            data = data[k]
        return data

    # line operations
    def insert_lines(self, at: int, new: Sequence[str]) -> None:
        if at > 0 and at <= len(self.lines) and not _eol(self.lines[at - 1]):
            self.lines[at - 1] += self.eol
        self.lines[at:at] = list(new)
        self.rescan()

    def replace_lines(self, start: int, end: int, new: Sequence[str]) -> None:
        self.lines[start:end] = list(new)
        self.rescan()

    def _split_line(self, idx: int) -> tuple[str, str, str, str]:
        """(prefix up to the value, value text, whitespace + comment, end of line)."""
        line = self.lines[idx]
        eol = _eol(line)
        core = line[: len(line) - len(eol)]
        m = _KEY_RE.match(core)
        assert m is not None
        c = comment_start(core, m.end())
        before, comment = (core[:c], core[c:]) if c >= 0 else (core, "")
        value = before[m.end():].rstrip()
        ws = before[m.end() + len(value):] if comment else ""
        return core[: m.end()], value, ws + comment, eol

    def replace_value(self, entry: KeyEntry, rendered: str) -> None:
        """Replace a one-line value, keeping the key, its spacing and a trailing comment (in its column)."""
        if entry.end - entry.start != 1:
            raise UnsupportedLayoutError("edit.toml.multiline_value", line=entry.start + 1)
        prefix, old, tail, eol = self._split_line(entry.start)
        if re.fullmatch(r"[+-]?\d{1,3}(_\d{3})+", old) and re.fullmatch(r"-?\d+", rendered):
            rendered = f"{int(rendered):_}"  # 2_500_000_000 stays written with underscores
        comment = tail.lstrip()
        if comment:
            column = len(prefix) + len(old) + len(tail) - len(comment)
            pad = column - len(prefix) - len(rendered)
            tail = (" " * pad if pad >= 1 else tail[: len(tail) - len(comment)]) + comment
        self.replace_lines(entry.start, entry.end, [prefix + rendered + tail + (eol or self.eol)])


    def inline_spaced(self, entry: KeyEntry | None, default: bool = True) -> bool:
        if entry is None:
            return default
        _, value, _, _ = self._split_line(entry.start)
        if not value.startswith("{"):
            return default
        return value.startswith("{ ") or value == "{}"

    def set_key(self, block: Block, key: tuple[str, ...], rendered: str, *, order: Sequence[str] = ()) -> None:
        """Set ``key`` in ``block``: replace its line, or add a line where ``order`` puts it."""
        entry = block.get(key)
        if entry is not None:
            self.replace_value(entry, rendered)
            return
        at, indent = self._insert_point(block, key[0], order)
        self.insert_lines(at, [f"{indent}{'.'.join(render_key(k) for k in key)} = {rendered}{self.eol}"])

    def _insert_point(self, block: Block, first: str, order: Sequence[str]) -> tuple[int, str]:
        rank = {k: i for i, k in enumerate(order)}
        mine = rank.get(first, len(order))
        before = [e for e in block.keys if rank.get(e.key[0], len(order)) <= mine]
        if before:
            ref = before[-1]
            return ref.end, self._indent(ref.start)
        if block.keys:
            return block.keys[0].start, self._indent(block.keys[0].start)
        return block.body_start, ""

    def _indent(self, idx: int) -> str:
        line = self.lines[idx]
        return line[: len(line) - len(line.lstrip())]

    # arrays of inline tables, one per line (readings)
    def array_items(self, entry: KeyEntry) -> list[tuple[int, dict]]:
        """(line index, item) for a multi-line array written one inline table per line."""
        items: list[tuple[int, dict]] = []
        for idx in range(entry.start + 1, entry.end - 1):
            core = self.lines[idx].strip()
            if not core or core.startswith("#"):
                continue
            c = comment_start(core)
            elem = (core[:c] if c >= 0 else core).strip().rstrip(",").strip()
            try:
                value = tomli.loads(f"x = [{elem}]")["x"]
            except tomli.TOMLDecodeError:
                value = None
            if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)):
                raise UnsupportedLayoutError("edit.toml.list_item", line=idx + 1)
            items.append((idx, value[0]))
        return items

    def upsert_item(self, block: Block, key: tuple[str, ...], item: dict, *, same: Callable[[dict], bool],
                    sort_key: Callable[[dict], Any], order: Sequence[str] = ()) -> None:
        """Replace the item for which ``same`` holds, or insert ``item`` in the list's sorted place."""
        entry = block.get(key)
        if entry is None:
            at, indent = self._insert_point(block, key[0], order)
            name = ".".join(render_key(k) for k in key)
            self.insert_lines(at, [f"{indent}{name} = [{self.eol}", f"{indent}  {render_inline(item)},{self.eol}", f"{indent}]{self.eol}"])
            return
        if entry.end - entry.start == 1:  # one-line array: rewrite it one item per line
            prefix, value_text, tail, eol = self._split_line(entry.start)
            current = self.value(entry)
            if not isinstance(current, list) or not all(isinstance(x, dict) for x in current):
                raise UnsupportedLayoutError("edit.toml.unexpected_list", line=entry.start + 1)
            spaced = "{ " in value_text or not current
            kept = [x for x in current if not same(x)]
            merged = sorted(kept + [item], key=sort_key) if _is_sorted(current, sort_key) else kept + [item]
            indent = self._indent(entry.start)
            eol = eol or self.eol
            new = [prefix + "[" + tail + eol]
            new += [f"{indent}  {render_inline(x, spaced=spaced)},{eol}" for x in merged]
            new.append(f"{indent}]{eol}")
            self.replace_lines(entry.start, entry.end, new)
            return
        items = self.array_items(entry)
        spaced = all(self.lines[i].strip().startswith("{ ") for i, _ in items) if items else True
        rendered = render_inline(item, spaced=spaced)
        for idx, x in items:
            if same(x):
                line = self.lines[idx]
                eol = _eol(line)
                core = line[: len(line) - len(eol)]
                lead = core[: len(core) - len(core.lstrip())]
                c = comment_start(core)
                body, comment = (core[:c], core[c:]) if c >= 0 else (core, "")
                stripped = body.rstrip()
                comma = "," if stripped.endswith(",") else ""
                ws = body[len(stripped):] if comment else ""
                self.replace_lines(idx, idx + 1, [lead + rendered + comma + ws + comment + (eol or self.eol)])
                return
        if not items:
            self.insert_lines(entry.end - 1, [f"{self._indent(entry.start)}  {rendered},{self.eol}"])
            return
        keys = [sort_key(x) for _, x in items]
        new_key = sort_key(item)
        after = len(items) - 1
        if keys == sorted(keys):
            after = max((i for i, k in enumerate(keys) if k <= new_key), default=-1)
        indent = self._indent(items[0][0])
        if after < 0:
            self.insert_lines(items[0][0], [f"{indent}{rendered},{self.eol}"])
            return
        idx = items[after][0]
        last = after == len(items) - 1
        line = self.lines[idx]
        eol = _eol(line)
        core = line[: len(line) - len(eol)]
        c = comment_start(core)
        body = core[:c] if c >= 0 else core
        if last and not body.rstrip().endswith(","):
            stripped = body.rstrip()
            self.lines[idx] = stripped + "," + core[len(stripped):] + (eol or self.eol)
        self.insert_lines(idx + 1, [f"{indent}{rendered},{self.eol}"])

    # whole blocks (records)
    def insert_block(self, name: tuple[str, ...], body: Sequence[str], *, before: int | None) -> None:
        """Insert ``[[name]]`` with ``body`` lines before the before-th such block (its comments stay above it), or at the end."""
        header = f"[[{'.'.join(render_key(k) for k in name)}]]{self.eol}"
        new = [header, *body]
        blocks = self.blocks(name)
        if before is not None and before < len(blocks):
            at = blocks[before].header
            assert at is not None
            while at > 0 and self.lines[at - 1].lstrip().startswith("#"):
                at -= 1  # comments written just above a record belong to it
            self.insert_lines(at, new + [self.eol])
            return
        tail: list[str] = []
        if self.lines and self.lines[-1].strip():
            tail = [self.eol]
        if self.lines and not _eol(self.lines[-1]):
            self.lines[-1] += self.eol
        self.insert_lines(len(self.lines), tail + new)


def _is_sorted(items: list[dict], key: Callable[[dict], Any]) -> bool:
    try:
        ks = [key(x) for x in items]
        return ks == sorted(ks)
    except TypeError:
        return False
