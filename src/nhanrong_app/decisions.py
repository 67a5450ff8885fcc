"""Quyết định / Decisions: the few decisions the data calls for at the sidebar's scope, ranked by
consequence (nhanrong.decisions), each naming its units, with what would unblock it and links to the
evidence (the gaps, the model, the plan)."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import context, decisions_list, graph, illustrative_banner, md_escape

ctx = context()
pg = graph()

st.header(ctx.t("decisions.header", scope=ctx.scope_name, as_of=ctx.d(ctx.as_of)))
illustrative_banner(ctx, pg)
st.caption(ctx.t("decisions.caption"))
st.caption(ctx.t("cascade.rule"))

found = decisions_list(pg, ctx)
if not found:
    st.success(ctx.t("decisions.none"))


def open_gaps(model: str, kinds: list[str]) -> None:
    """The Gaps page filtered to the decision's model and gap kinds."""
    st.session_state["gaps_models"] = [model]
    st.session_state["gaps_kinds"] = kinds
    st.session_state.pop("gaps_search", None)


def open_model(model: str) -> None:
    st.session_state["model_id"] = model


def open_plan(plan: str) -> None:
    st.session_state["planner_plan"] = plan


for i, d in enumerate(found, start=1):
    with st.container(border=True):
        st.markdown(f"**{i}. {md_escape(d.title)}**")
        st.markdown(md_escape(d.why))
        st.markdown(f"*{md_escape(ctx.t('decisions.units'))}:* {md_escape(d.units_line(ctx.lang, limit=12))}")
        if d.unblock:
            st.markdown(f"*{md_escape(ctx.t('decisions.unblock'))}:*")
            for line in d.unblock:
                st.markdown(f"- {md_escape(line)}")
        c1, c2, c3, _ = st.columns([1, 1, 2, 2])
        kinds = sorted({k for _, k in d.evidence.get("gaps", [])})
        if c1.button(ctx.t("decisions.link_gaps"), key=f"decision_gaps_{i}", icon=":material/report:",
                     on_click=open_gaps, args=(d.model, kinds)):
            st.switch_page("gaps.py")
        if c2.button(ctx.t("decisions.link_model"), key=f"decision_model_{i}", icon=":material/category:",
                     on_click=open_model, args=(d.model,)):
            st.switch_page("model.py")
        plan = d.evidence.get("plan")
        if plan and plan in pg.programme.plans:
            if c3.button(ctx.t("decisions.link_plan", plan=pg.programme.plans[plan].name), key=f"decision_plan_{i}",
                         icon=":material/event_note:", on_click=open_plan, args=(plan,)):
                st.switch_page("planner.py")
