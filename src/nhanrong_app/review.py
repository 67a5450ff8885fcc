"""Duyệt / Review: the editors' branches waiting for approval, each with its commits, its diff and the
validation of the base branch merged with it; approve (merge, the reviewer recorded) or reject with a
comment. Only users with ``review = true`` in rights.toml see the actions (nhanrong.editing.review)."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import context, login_box, md_escape
from nhanrong.editing.errors import EditError
from nhanrong.editing.gitrepo import is_repo
from nhanrong.editing.review import approvals, approve, base_branch, branches, check, diff, reject
from nhanrong.i18n import t
from nhanrong.rights import load_rights
from nhanrong.views import review as view

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
        with st.expander(view.title(p), expanded=(i == 0)):
            st.caption(view.summary(p, L))
            st.dataframe(view.commits_table(p.commits, L), hide_index=True, key=f"review_commits_{p.branch}")
            st.code(diff(ctx.root, p.branch, base), language="diff")
            result = check(ctx.root, p.branch, base)
            checked = view.check_view(result, L)
            if checked.level == "success":
                st.success(checked.text)
            else:
                st.error(checked.text)
            if checked.details is not None:
                st.text(checked.details)
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
    st.dataframe(view.approvals_table(history, L), hide_index=True, key="review_history")
