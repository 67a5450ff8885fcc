"""Quyết định / Decisions: the few decisions the data calls for at the sidebar's scope, ranked by
consequence (nhanrong.decisions), each naming its units, with what would unblock it and links to the
evidence (the gaps, the model, the plan). The page draws :func:`nhanrong.views.decisions.decisions_view`."""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import CachedFrames, context, graph, illustrative_banner
from nhanrong.views.decisions import decisions_view

ctx = context()
pg = graph()
view = decisions_view(pg, ctx.choices, CachedFrames(ctx.fp))

st.header(view.header)
illustrative_banner(ctx, pg)
for line in view.captions:
    st.caption(line)
if view.none:
    st.success(view.none)


def open_gaps(model: str, kinds: list[str]) -> None:
    """The Gaps page filtered to the decision's model and gap kinds."""
    st.session_state["gaps_models"] = [model]
    st.session_state["gaps_kinds"] = kinds
    st.session_state.pop("gaps_search", None)


def open_model(model: str) -> None:
    st.session_state["model_id"] = model


def open_plan(plan: str) -> None:
    st.session_state["planner_plan"] = plan


for i, d in enumerate(view.cards, start=1):
    with st.container(border=True):
        st.markdown(d.title)
        st.markdown(d.why)
        st.markdown(d.units)
        if d.unblock_title:
            st.markdown(d.unblock_title)
            for line in d.unblock:
                st.markdown(line)
        c1, c2, c3, _ = st.columns([1, 1, 2, 2])
        if c1.button(ctx.t("decisions.link_gaps"), key=f"decision_gaps_{i}", icon=":material/report:",
                     on_click=open_gaps, args=(d.model, list(d.gap_kinds))):
            st.switch_page("gaps.py")
        if c2.button(ctx.t("decisions.link_model"), key=f"decision_model_{i}", icon=":material/category:",
                     on_click=open_model, args=(d.model,)):
            st.switch_page("model.py")
        if d.plan and c3.button(d.plan_label, key=f"decision_plan_{i}", icon=":material/event_note:",
                                on_click=open_plan, args=(d.plan,)):
            st.switch_page("planner.py")
