"""Where is a key in a TOML file? Line and column for validation messages.

tomli reports line and column only for syntax errors; pydantic reports the
*path* of a bad value (``("adoption", 3, "readings", 0, "value")``). This module
scans the text once and maps such paths to positions. It is a heuristic made
for the files people write (tables, arrays of tables, inline tables, arrays of
inline tables); when a path is not found, the nearest enclosing key is used.
It runs only for files that have problems, so it costs nothing on clean data.
"""

from __future__ import annotations

import re
from typing import Iterator

import tomli

Path = tuple[str | int, ...]

# --- the TOML key grammar: shared with the editor (nhanrong.editing.tomlwrite builds on it) ---------

KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
"""One part of a key: bare, basic-quoted (with escapes) or literal-quoted."""
DOTTED_KEY = rf"{KEY_PART}(?:\s*\.\s*{KEY_PART})*"
"""A dotted key: ``a."b c".d``."""
BARE = re.compile(r"[A-Za-z0-9_-]+")

_KEY_EQ = re.compile(rf"({DOTTED_KEY})\s*=")
_KEY_LINE = re.compile(rf"({DOTTED_KEY})\s*=\s*")
_TOKEN = re.compile(r'[^,\]}\s#"\'\[{]+')
"""A bare run that is not a key (a number, a date, true): skipped whole, so a scan stays linear."""
_SCALAR = re.compile(r'[^,\]\s#]+')


def split_key(text: str) -> tuple[str, ...]:
    """``a."b c".d`` -> ("a", "b c", "d"): TOML's own quoting rules (escapes via tomli) for a valid key;
    a key tomli refuses (this scanner also reads broken files) is split by hand, its quotes stripped."""
    text = text.strip()
    if BARE.fullmatch(text):
        return (text,)
    if '"' not in text and "'" not in text:
        return tuple(p.strip() for p in text.split("."))
    try:
        data = tomli.loads(f"{text} = 0")
        parts: list[str] = []
        while isinstance(data, dict):
            (k, data), = data.items()
            parts.append(k)
        return tuple(parts)
    except (tomli.TOMLDecodeError, ValueError):
        return _split_by_hand(text)


def _split_by_hand(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    for raw in _iter_key_parts(text):
        raw = raw.strip()
        if raw[:1] in "\"'":
            raw = raw[1:-1]
        parts.append(raw)
    return tuple(parts)


def _iter_key_parts(text: str) -> Iterator[str]:
    buf, quote = "", ""
    for ch in text:
        if quote:
            buf += ch
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            buf += ch
        elif ch == ".":
            yield buf
            buf = ""
        else:
            buf += ch
    yield buf


class _Scanner:
    def __init__(self) -> None:
        self.positions: dict[Path, tuple[int, int]] = {}
        self.array_counts: dict[Path, int] = {}

    def put(self, path: Path, line: int, col: int) -> None:
        self.positions.setdefault(path, (line, col))

    def resolve(self, parts: tuple[str, ...]) -> Path:
        """Insert the current index after every array-of-tables prefix."""
        out: list[str | int] = []
        for part in parts:
            out.append(part)
            key = tuple(out)
            if key in self.array_counts:
                out.append(self.array_counts[key])
        return tuple(out)

    def scan_value(self, text: str, line_no: int, offset: int, base: Path, state: list) -> None:
        """Walk a value (possibly continued on later lines) recording element positions.

        ``state`` is a stack of [path, next_index, kind] frames carried across lines.
        """
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch in "\"'":
                top = state[-1] if state else None
                if top is not None and top[2] == "array":
                    self.put(top[0] + (top[1],), line_no, offset + i + 1)
                    top[1] += 1
                triple = text[i : i + 3] in ('"""', "'''")
                end = text.find(text[i : i + 3] if triple else ch, i + (3 if triple else 1))
                while not triple and end > 0 and ch == '"' and text[end - 1] == "\\":
                    end = text.find(ch, end + 1)
                if end < 0:
                    return  # multi-line string: positions inside are not needed
                i = end + (3 if triple else 1)
                continue
            if ch == "#":
                return
            frame = state[-1] if state else None
            if ch in "[{":
                if frame is not None and frame[2] == "array":
                    path = frame[0] + (frame[1],)
                    frame[1] += 1
                else:
                    path = frame[3] if frame is not None and len(frame) > 3 else base
                self.put(path, line_no, offset + i + 1)
                state.append([path, 0, "array" if ch == "[" else "table"])
            elif ch in "]}":
                if state:
                    state.pop()
            elif ch == "," and frame is not None and frame[2] == "table" and len(frame) > 3:
                frame.pop()
            elif frame is not None and frame[2] == "table":
                m = _KEY_EQ.match(text, i)
                if m:
                    path = frame[0] + split_key(m.group(1))
                    self.put(path, line_no, offset + i + 1)
                    if len(frame) > 3:
                        frame[3] = path
                    else:
                        frame.append(path)
                    i = m.end()
                    continue
                m = _TOKEN.match(text, i)  # a value: skip it whole (one character at a time is quadratic)
                if m:
                    i = m.end()
                    continue
            elif frame is not None and frame[2] == "array" and not ch.isspace() and ch != ",":
                # a scalar element of an array
                self.put(frame[0] + (frame[1],), line_no, offset + i + 1)
                frame[1] += 1
                m = _SCALAR.match(text, i)
                i = m.end() if m else i + 1
                continue
            i += 1


def key_positions(text: str) -> dict[Path, tuple[int, int]]:
    """Map every key path found in ``text`` to its (line, column), both 1-based."""
    sc = _Scanner()
    table: Path = ()
    state: list = []  # open brackets of a value that spans lines
    in_string = ""
    for line_no, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        if state:
            sc.scan_value(line, line_no, 0, (), state)
            continue
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        m = re.match(r"\[\[\s*(.+?)\s*\]\]", stripped)
        if m:
            parts = split_key(m.group(1))
            prefix = sc.resolve(parts[:-1]) + (parts[-1],)
            sc.array_counts[prefix] = sc.array_counts.get(prefix, -1) + 1
            table = prefix + (sc.array_counts[prefix],)
            sc.put(prefix, line_no, indent + 1)
            sc.put(table, line_no, indent + 1)
            continue
        m = re.match(r"\[\s*(.+?)\s*\]", stripped)
        if m:
            table = sc.resolve(split_key(m.group(1)))
            sc.put(table, line_no, indent + 1)
            continue
        m = _KEY_LINE.match(stripped)
        if not m:
            continue
        path = table + split_key(m.group(1))
        sc.put(path, line_no, indent + 1)
        value = stripped[m.end():]
        for quote in ('"""', "'''"):
            if value.startswith(quote) and value.count(quote) == 1:
                in_string = quote
        if not in_string:
            sc.scan_value(value, line_no, indent + m.end(), path, state)
    return sc.positions


def locate(positions: dict[Path, tuple[int, int]], loc: Path) -> tuple[int, int]:
    """Position of ``loc`` or of its nearest enclosing key; (0, 0) if none."""
    loc = tuple(loc)
    while loc:
        if loc in positions:
            return positions[loc]
        # a table never written as a header, e.g. [stages] when only [stages.assess] exists
        below = [pos for path, pos in positions.items() if path[: len(loc)] == loc]
        if below:
            return min(below)
        loc = loc[:-1]
    return (0, 0)


def deepest_nesting(text: str, limit: int) -> tuple[int, int]:
    """(line, column) where inline arrays and tables first nest deeper than ``limit``; else of the deepest
    point. Strings and comments are skipped roughly: it only points the planner at the right place."""
    depth, best, where = 0, -1, (1, 1)
    line, start = 1, 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, start = line + 1, i + 1
        elif ch in "[{":
            depth += 1
            if depth > best:
                best, where = depth, (line, i - start + 1)
                if depth > limit:
                    return where
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch in "\"'":
            end = text.find(ch, i + 1)
            while ch == '"' and end > 0 and text[end - 1] == "\\":
                end = text.find(ch, end + 1)
            nl = text.find("\n", i + 1)
            if end < 0 or (0 <= nl < end):  # unterminated or multi-line: go on from the next line
                i = nl if nl >= 0 else n
                continue
            i = end
        elif ch == "#":
            nl = text.find("\n", i)
            i = nl if nl >= 0 else n
            continue
        i += 1
    return where


def longest_key(text: str) -> tuple[int, int]:
    """(line, 1) of the line with the most dots: where a key of too many parts is."""
    best, where = -1, (1, 1)
    for no, line in enumerate(text.splitlines(), start=1):
        dots = line.count(".")
        if dots > best:
            best, where = dots, (no, 1)
    return where
