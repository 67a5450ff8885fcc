"""Dữ liệu / Data health: every validation problem with its file, line and column, so a
planner can fix the TOML, and which files hold illustrative data. The page draws
:func:`nhanrong.views.data.data_view`."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import context, graph, illustrative_banner, multiselect
from nhanrong.i18n import label
from nhanrong.views.data import SEVERITIES, data_view

ctx = context()
pg = graph()

if pg.programme.problems:
    st.session_state.setdefault("data_severity", list(SEVERITIES))
view = data_view(pg, ctx.choices, st.session_state.get("data_severity", SEVERITIES))

st.header(view.header)
illustrative_banner(ctx, pg)
st.markdown(view.summary)

st.subheader(ctx.t("data.problems"))
if view.ok:
    st.success(ctx.t("data.ok"))
else:
    st.caption(ctx.t("data.how"))
    multiselect(ctx.t("data.severity_filter"), list(SEVERITIES), key="data_severity",
                format_func=lambda s: label("severity", s, ctx.lang), lang=ctx.lang)
    st.dataframe(view.problems, hide_index=True, width="stretch", key="data_problems")
    # The compiler-style lines editors and CI link to, ready to copy.
    st.code(view.lines, language=None)

st.subheader(ctx.t("data.illustrative"))
if view.illustrative is not None:
    st.dataframe(view.illustrative, hide_index=True, width="stretch", key="data_illustrative")
else:
    st.caption(ctx.t("data.no_illustrative"))
