"""Memory the engine gives back: Arrow's allocator.

pandas 3 keeps strings in Arrow arrays, and the engine reads such columns often (a country: 255,000
units). Arrow's default pool (mimalloc) keeps the pages it freed for its own later use; measured on the
national benchmark, a process that loads the country and computes status and gaps peaked about 50 MB
lower with the system allocator, which Arrow then shares with numpy and Python. The environment
variable ``ARROW_DEFAULT_MEMORY_POOL``, when set, is left to decide.
"""

from __future__ import annotations

import os


def use_system_pool_for_arrow() -> bool:
    """Make the system allocator Arrow's default pool (once per process); False when not done."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    try:
        import pyarrow
    except ImportError:  # pandas without pyarrow keeps strings as Python objects: nothing to do
        return False
    pool = pyarrow.system_memory_pool()
    if pyarrow.default_memory_pool().backend_name != pool.backend_name:
        pyarrow.set_memory_pool(pool)
    return True
