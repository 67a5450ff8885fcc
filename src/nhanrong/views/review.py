"""The review page's view: a waiting branch's title, summary and commits, what the check of the base
branch merged with it says, and the history of approvals and rejections, in the reader's language.

The page keeps the login, the buttons and ``st.session_state``; git is read by nhanrong.editing.review.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..formats import fmt_number
from ..i18n import t
from .record import when
from .text import md_escape


def title(p) -> str:
    """A waiting branch's expander title: the branch and its authors."""
    return f"{p.branch} — {', '.join(p.authors)}"


def summary(p, lang: str) -> str:
    """How many commits, by whom, touching which files (markdown)."""
    return md_escape(t("review.summary", lang, commits=fmt_number(len(p.commits), lang), authors=", ".join(p.authors),
                       files=", ".join(p.files)))


def commits_table(commits, lang: str) -> pd.DataFrame:
    """A branch's commits: when, who and what, newest first."""
    return pd.DataFrame({
        t("review.col.when", lang): [when(c, lang) for c in commits],
        t("record.col.author", lang): [c.author for c in commits],
        t("review.col.what", lang): [c.subject for c in commits],
    })


@dataclass(frozen=True)
class CheckView:
    """What the check of the base branch merged with a branch says."""

    level: str  # "error" or "success": how the page shows ``text``
    text: str  # markdown
    details: str | None  # the problems the merge adds, one a line, shown as plain text


def check_view(result, lang: str) -> CheckView:
    if result.conflict:
        return CheckView("error", md_escape(t("review.conflict", lang, files=result.conflict)), None)
    if result.ok:
        return CheckView("success", t("review.check_ok", lang, errors=fmt_number(result.errors, lang),
                                      warnings=fmt_number(result.warnings, lang)), None)
    return CheckView("error", t("review.check_bad", lang), "\n".join(m.text(lang) for m in result.added))


def approvals_table(history, lang: str) -> pd.DataFrame:
    """The approvals and rejections: when, who (name <email>) and what."""
    return pd.DataFrame({
        t("review.col.when", lang): [when(c, lang) for c in history],
        t("review.col.who", lang): [f"{c.author} <{c.email}>" for c in history],
        t("review.col.what", lang): [c.subject for c in history],
    })


__all__ = ["CheckView", "approvals_table", "check_view", "commits_table", "summary", "title"]
