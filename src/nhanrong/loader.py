"""Load a data root: parse every TOML file, validate it, and collect every problem.

The public front of :mod:`nhanrong.loading`, where the work is split by responsibility (discovery and
parsing, pydantic-error translation, the rules across files as named functions, the orchestration).
Every name imported from here keeps working.

The order follows frictionless: syntax (tomli), then structure (pydantic), then
references across files. Nothing stops at the first problem. A file with a
syntax error or a broken header is left out; a record with a problem is left
out; everything else loads, so the app still shows the rest of the data.
"""

from __future__ import annotations

import sys
import types

from .loading import parsing as _parsing
from .loading.columns import _FILE_CACHE, CACHE_STATS, FILE_CACHE_MAX, PilotsChunk, UnitsChunk  # noqa: F401
from .loading.discovery import DATA_DIRS, SETTINGS_FILE, TEMP_FILE, Scan, Skipped, discover, link_problem, scan  # noqa: F401
from .loading.parsing import (FAST_MAX_OPENERS, MAX_KEY_PARTS, MAX_NESTING, file_stamp, parse_file, parse_toml,  # noqa: F401
                              reparse_exact, use_parser)
from .loading.load import load_programme
from .loading.report import Report, SourceFile
from .loading.state import STATE_DIR, ensure_state_dir, paused_gc, pending_saves
from .loading.validation import report_validation, validate_file, validate_records  # noqa: F401
from .problems import closest, sort_problems  # noqa: F401

def _setting(name: str) -> property:
    """A setting that lives in :mod:`nhanrong.loading.parsing`, read and changed through this module too."""
    return property(lambda self: getattr(_parsing, name), lambda self, value: setattr(_parsing, name, value))


class _Front(types.ModuleType):
    """This module, with the parser's settings as properties: ``loader.MAX_FILE_BYTES = ...`` (the fuzzer) or
    ``monkeypatch.setattr(loader, "_FAST", None)`` (the tests) changes what the parser does, and
    ``loader.FAST_PARSER`` is the parser in use after :func:`use_parser`."""

    MAX_FILE_BYTES = _setting("MAX_FILE_BYTES")
    FAST_PARSER = _setting("FAST_PARSER")
    _FAST = _setting("_FAST")


sys.modules[__name__].__class__ = _Front

__all__ = ["load_programme", "paused_gc", "discover", "scan", "parse_file", "Report", "SourceFile", "closest",
           "validate_file", "use_parser", "pending_saves", "ensure_state_dir", "STATE_DIR", "TEMP_FILE", "SETTINGS_FILE", "DATA_DIRS"]
