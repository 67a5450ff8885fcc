"""The data health page's view: every validation problem with its file, line and column, and the files
that hold illustrative data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..formats import fmt_number
from ..i18n import label
from . import Choices

SEVERITIES = ("error", "warning")


@dataclass
class DataView:
    header: str
    summary: str
    ok: bool  # no problem at all
    problems: pd.DataFrame
    lines: str  # the compiler-style lines editors and CI link to, ready to copy
    illustrative: pd.DataFrame | None


def data_view(pg, c: Choices, severities=SEVERITIES) -> DataView:
    """The problems of ``severities`` ("error", "warning") and the illustrative files."""
    prog = pg.programme
    problems = [p for p in prog.problems if p.severity in severities]
    return DataView(
        header=c.t("data.header"),
        summary=c.t("data.summary", files=fmt_number(prog.files, c.lang), errors=fmt_number(len(prog.errors), c.lang),
                    warnings=fmt_number(len(prog.warnings), c.lang)),
        ok=not prog.problems,
        problems=pd.DataFrame({
            c.t("col.file"): [p.path for p in problems],
            c.t("col.line"): [p.line for p in problems],
            c.t("col.column"): [p.column for p in problems],
            c.t("col.severity"): [label("severity", p.severity, c.lang) for p in problems],
            c.t("col.problem_code"): [p.code for p in problems],
            c.t("col.message"): [p.text(c.lang) for p in problems],
        }),
        lines="\n".join(p.format(c.lang) for p in problems) or " ",
        illustrative=pd.DataFrame({c.t("col.file"): prog.illustrative_files}) if prog.illustrative_files else None)


__all__ = ["DataView", "data_view", "SEVERITIES"]
