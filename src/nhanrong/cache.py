"""A disk cache of the loaded programme, so an unchanged data folder reloads in a blink.

The key is cheap to compute: the path, size and modification time of every TOML file,
plus the package version (a new version may read files differently). The cache lives in
``ROOT/.nhanrong/cache/``, which carries its own ``.gitignore`` so git never sees it.
A read-only folder or a broken cache file simply means a normal load.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
from .atomic import replace_file
import time
from pathlib import Path

from . import __version__
from .framepack import pack_frame, unpack_frame
from .loader import DATA_DIRS, SETTINGS_FILE, STATE_DIR, ensure_state_dir, load_programme, paused_gc, pending_saves, scan
from .programme import LocalUnits, Programme
from .rights import RIGHTS_FILE

CACHE_DIR = Path(STATE_DIR) / "cache"
FORMAT = 8  # bump when the pickled layout changes


def _pack(prog: Programme) -> dict:
    """The programme with its frames packed (:mod:`nhanrong.framepack`): reloading a national data set
    is mostly making Python objects, and a column of strings unpickles faster as one text, a column of
    few values as codes. The local units are columns too (the loader keeps them so): a quarter of a
    million small objects would unpickle many times slower one by one."""
    bare = dataclasses.replace(prog, local_units={}, adoptions=prog.adoptions.iloc[:0], readings=prog.readings.iloc[:0])
    return {"format": FORMAT, "programme": bare, "local_units": _packed_units(prog.local_units),
            "adoptions": pack_frame(prog.adoptions), "readings": pack_frame(prog.readings)}


_PACKED_ONCE: list[int] = []  # id() of the declared units packed last, not kept
_LAST_PACKED_UNITS: list[tuple[LocalUnits, dict]] = []  # the declared units packed last, and kept


def _packed_units(local) -> dict:
    """The declared units packed. A record saved reloads the programme with the very same declared units
    (the loader keeps them while no file of units/ changes) and the cache is written again at each save:
    the units packed a second time are kept for the saves after (packing a national set's units takes
    an eighth of a second). Not the first time: a process that only reads would hold 20 MB for nothing."""
    if not isinstance(local, LocalUnits):
        return pack_frame(LocalUnits.from_units(local).frame)
    last = _LAST_PACKED_UNITS[0] if _LAST_PACKED_UNITS else None
    if last is not None and last[0] is local:
        return last[1]
    packed = pack_frame(local.frame)
    if _PACKED_ONCE == [id(local)]:  # an id may be reused by a later object: at worst, kept one save early
        _LAST_PACKED_UNITS[:] = [(local, packed)]
    else:
        _LAST_PACKED_UNITS.clear()
        _PACKED_ONCE[:] = [id(local)]
    return packed


def _unpack(payload: object) -> Programme | None:
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return None
    prog = payload["programme"]
    if not isinstance(prog, Programme):
        return None
    return dataclasses.replace(prog, local_units=LocalUnits(unpack_frame(payload["local_units"])),
                               adoptions=unpack_frame(payload["adoptions"]), readings=unpack_frame(payload["readings"]))


@functools.cache  # read once per process: importlib.metadata parses the package's METADATA file
def _registry_version() -> str:
    try:
        from importlib.metadata import version

        return version("vietnamadminunits")
    except Exception:  # pragma: no cover - not installed as a distribution
        return "?"


def fingerprint(root: str | Path) -> str:
    """A hash of (path, size, mtime_ns) of every TOML file under the data folders, and versions.

    The files are those the loader reads (:func:`nhanrong.loader.scan`: regular files, links kept
    inside the root); the entries it skips (a FIFO, a link loop...) count by name, so replacing one
    by a file is seen. Nothing is opened.
    """
    root = Path(root).resolve()
    return _fingerprint(root, scan(root))


def _fingerprint(root: Path, found) -> str:
    h = hashlib.sha256(f"{FORMAT}|{__version__}|{_registry_version()}|{root}".encode())
    for name in (SETTINGS_FILE, RIGHTS_FILE):  # the two files at the root
        path = root / name
        try:
            st = os.stat(path)
            h.update(f"{name}|{st.st_mode}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{name}|{os.path.lexists(path)}\n".encode())
    inside = str(root) + os.sep
    for d in DATA_DIRS:
        entries = []
        for p in map(str, found.files[d]):
            try:
                st = os.stat(p)
            except OSError:
                continue
            rel = p[len(inside):] if p.startswith(inside) else os.path.relpath(p, root)  # relpath: 10 µs a file
            entries.append(f"{rel}|{st.st_size}|{st.st_mtime_ns}")
        h.update(f"\n{d}\n".encode())
        h.update("\n".join(entries).encode())
    h.update("\n".join(f"{rel}|{code}" for rel, _, code, *_ in found.skipped).encode())
    return h.hexdigest()[:32]


def _ensure_dir(root: Path) -> Path:
    cache = ensure_state_dir(root) / CACHE_DIR.name
    cache.mkdir(exist_ok=True)
    return cache


def load_programme_cached(root: str | Path) -> Programme:
    """The programme under ``root``, from the cache when no TOML file changed since it was written."""
    root = Path(root).resolve()
    found = scan(root)
    key = _fingerprint(root, found)
    path = root / CACHE_DIR / f"programme-{key}.pickle"
    interrupted = bool(found.leftovers) or pending_saves(root)  # the loader finishes or rolls back a save first
    if path.is_file() and not interrupted:
        try:
            # read, not mapped: mapping is 5 ms faster, but a mapped file removed by another machine on a
            # network share would kill this process with SIGBUS, where a read fails with an error
            with open(path, "rb") as f, paused_gc():
                prog = _unpack(pickle.load(f))
            if prog is not None:
                return prog
        except Exception:  # a truncated or foreign file: load normally and rewrite it
            pass
    prog = load_programme(root)
    if interrupted:
        return prog  # the files changed meanwhile; what recovery did is in this programme's problems
    try:
        cache = _ensure_dir(root)
        # atomic (the one helper, nhanrong.atomic): readers see the old file or the new one, never half
        replace_file(path, lambda f: pickle.dump(_pack(prog), f, protocol=pickle.HIGHEST_PROTOCOL),
                     prefix=".programme-", suffix=".tmp")
        for old in cache.glob("programme-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        for tmp in cache.glob(".programme-*.tmp"):  # left by a process killed while writing the cache
            if time.time() - tmp.stat().st_mtime > 600:
                tmp.unlink(missing_ok=True)
    except OSError:
        pass  # read-only folder: no cache, same result
    return prog


__all__ = ["fingerprint", "load_programme_cached", "CACHE_DIR"]
