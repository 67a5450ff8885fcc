"""Writing back: record progress into the TOML files, validated first, saved safely, committed to git.

This is the one path that runs against the flow (faces -> files); it goes through the same
loader as ``nhanrong validate``. Typical use::

    cs = prepare(root, [StageChange("04252", "community-team", "pilot", date(2023, 3, 3))])
    print(cs.diff())            # preview
    save(cs, author="Nguyễn Văn A <a@example.vn>")
"""

from .changes import Change, NewLocalUnit, PlanNumbers, ReadingChange, StageChange
from .changeset import ChangeSet, FileEdit, Refusal, SaveResult, prepare, save
from .errors import ChangeRefusedError, EditError, StaleFileError

__all__ = [
    "Change", "StageChange", "ReadingChange", "NewLocalUnit", "PlanNumbers",
    "ChangeSet", "FileEdit", "Refusal", "SaveResult", "prepare", "save",
    "EditError", "ChangeRefusedError", "StaleFileError",
]
