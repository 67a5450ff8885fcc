"""Duyệt / Review: the editors' branches waiting for approval, each with its commits, its diff and the
validation of the base branch merged with it; approve (merge, the reviewer recorded) or reject with a
comment. Only users with ``review = true`` in rights.toml see the actions (nhanrong.editing.review)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nhanrong_app.common import context, login_box, md_escape
from nhanrong.editing.errors import EditError
from nhanrong.editing.gitrepo import is_repo
from nhanrong.editing.review import approvals, approve, base_branch, branches, check, diff, reject
from nhanrong.formats import fmt_date, fmt_number
from nhanrong.i18n import t
from nhanrong.rights import load_rights

ctx = context()
L = ctx.lang
DONE = "review_done"

st.header(t("review.header", L))
who = login_box(L)
rights = load_rights(ctx.root)
if not is_repo(ctx.root):
    st.info(t("review.nogit", L))
    st.stop()
base = base_branch(ctx.root, rights)
st.caption(md_escape(t("review.intro", L, base=base)))

done = st.session_state.pop(DONE, None)
if done is not None:
    st.success(md_escape(done))

if not rights.can_review(who):
    if who is not None:
        st.warning(t("review.not_allowed", L))
else:
    pending = branches(ctx.root, base)
    if not pending:
        st.info(t("review.none", L))
    for i, p in enumerate(pending):
        with st.expander(f"{p.branch} — {', '.join(p.authors)}", expanded=(i == 0)):
            st.caption(md_escape(t("review.summary", L, commits=fmt_number(len(p.commits), L), authors=", ".join(p.authors),
                                   files=", ".join(p.files))))
            st.dataframe(pd.DataFrame({
                t("review.col.when", L): [f"{fmt_date(c.date, L)} {c.date:%H:%M}" for c in p.commits],
                t("record.col.author", L): [c.author for c in p.commits],
                t("review.col.what", L): [c.subject for c in p.commits],
            }), hide_index=True, key=f"review_commits_{p.branch}")
            st.code(diff(ctx.root, p.branch, base), language="diff")
            result = check(ctx.root, p.branch, base)
            if result.conflict:
                st.error(md_escape(t("review.conflict", L, files=result.conflict)))
            elif result.ok:
                st.success(t("review.check_ok", L, errors=fmt_number(result.errors, L), warnings=fmt_number(result.warnings, L)))
            else:
                st.error(t("review.check_bad", L))
                st.text("\n".join(m.text(L) for m in result.added))
            comment = st.text_area(t("review.comment", L), key=f"review_comment_{p.branch}")
            ff = st.checkbox(t("review.fast_forward", L), key=f"review_ff_{p.branch}")
            b1, b2 = st.columns(2)
            if b1.button(t("review.approve", L), key=f"review_approve_{p.branch}", type="primary", disabled=not result.ok):
                try:
                    sha = approve(ctx.root, p.branch, who, comment, fast_forward=ff)
                except EditError as exc:
                    st.error(t("review.failed", L))
                    st.text(exc.text(L))
                else:
                    st.session_state[DONE] = t("review.approved", L, branch=p.branch, base=base, commit=sha[:10])
                    st.rerun()
            if b2.button(t("review.reject", L), key=f"review_reject_{p.branch}"):
                try:
                    reject(ctx.root, p.branch, who, comment)
                except EditError as exc:
                    st.error(t("review.failed", L))
                    st.text(exc.text(L))
                else:
                    st.session_state[DONE] = t("review.rejected", L, branch=p.branch)
                    st.rerun()

history = approvals(ctx.root)
if history:
    st.subheader(t("review.history", L))
    st.dataframe(pd.DataFrame({
        t("review.col.when", L): [f"{fmt_date(c.date, L)} {c.date:%H:%M}" for c in history],
        t("review.col.who", L): [f"{c.author} <{c.email}>" for c in history],
        t("review.col.what", L): [c.subject for c in history],
    }), hide_index=True, key="review_history")
