"""Dữ liệu / Data health: every validation problem with its file, line and column, so a
planner can fix the TOML, and which files hold illustrative data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nhanrong_app.common import context, graph, illustrative_banner
from nhanrong.formats import fmt_number
from nhanrong.i18n import label

ctx = context()
pg = graph()
prog = pg.programme

st.header(ctx.t("data.header"))
illustrative_banner(ctx, pg)
st.markdown(ctx.t("data.summary", files=fmt_number(prog.files, ctx.lang), errors=fmt_number(len(prog.errors), ctx.lang),
                  warnings=fmt_number(len(prog.warnings), ctx.lang)))

st.subheader(ctx.t("data.problems"))
if not prog.problems:
    st.success(ctx.t("data.ok"))
else:
    st.caption(ctx.t("data.how"))
    show = st.multiselect(ctx.t("data.severity_filter"), ["error", "warning"], default=["error", "warning"],
                          key="data_severity", format_func=lambda s: label("severity", s, ctx.lang),
                          placeholder=ctx.t("choose"), filter_mode=None, select_all=False)
    problems = [p for p in prog.problems if p.severity in show]
    st.dataframe(pd.DataFrame({
        ctx.t("col.file"): [p.path for p in problems],
        ctx.t("col.line"): [p.line for p in problems],
        ctx.t("col.column"): [p.column for p in problems],
        ctx.t("col.severity"): [label("severity", p.severity, ctx.lang) for p in problems],
        ctx.t("col.problem_code"): [p.code for p in problems],
        ctx.t("col.message"): [p.text(ctx.lang) for p in problems],
    }), hide_index=True, width="stretch", key="data_problems")
    # The compiler-style lines editors and CI link to, ready to copy.
    st.code("\n".join(p.format(ctx.lang) for p in problems) or " ", language=None)

st.subheader(ctx.t("data.illustrative"))
if prog.illustrative_files:
    st.dataframe(pd.DataFrame({ctx.t("col.file"): prog.illustrative_files}), hide_index=True, width="stretch",
                 key="data_illustrative")
else:
    st.caption(ctx.t("data.no_illustrative"))
