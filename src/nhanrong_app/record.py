"""Ghi nhận / Record progress: stage changes, readings (one or a table), an uploaded sheet, a new
local unit; every change previewed as a diff, validated like `nhanrong validate`, saved safely and
committed to git with the logged-in user (st.login) as author, within their rights (rights.toml),
on their own review branch when the rights file asks for review; and the recent history of a unit.

User text (notes, names, uploaded cells) is data: it is shown only in tables, code blocks and
inputs, never as markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from nhanrong_app.common import context, file_uploader, graph, login_box, md_escape, ordered, searchable_select, select
from nhanrong.editing import NewLocalUnit, PlanNumbers, ReadingChange, StageChange, prepare, save
from nhanrong.editing.errors import EditError, StaleFileError
from nhanrong.editing.gitrepo import is_repo, unit_history
from nhanrong.editing.review import last_rejection, user_branch
from nhanrong.editing.imports import preview_import
from nhanrong.i18n import t as rt
from nhanrong.formats import date_format_hint, fmt_date
from nhanrong.i18n import label
from nhanrong.rights import load_rights
from nhanrong.schema import ADMIN_KINDS, STAGES
from nhanrong.views import record as view

PENDING, DONE, IMPORT = "record_pending", "record_done", "record_import"

ctx = context()
pg = graph()
prog = pg.programme
L = ctx.lang


def tr(key: str, **values) -> str:
    return rt(key, L, **values)


# --- helpers: the page's widgets and state around nhanrong.views.record ---------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def unit_options(_pg, fp: str, structure: str, scope_key: str, kinds: tuple[str, ...]) -> dict[str, str]:
    """key -> "name (code)" of the units of ``kinds`` inside the scope (views.record.unit_options), cached."""
    return view.unit_options(_pg, structure, scope_key, kinds)


def model_label(mid: str) -> str:
    return view.model_label(prog, mid)


def stage_for(key: str, model: str) -> None:
    df = view.current_record(prog, key, model, L)
    st.caption(tr("record.current") if len(df) else tr("record.current.none"))
    if len(df):
        st.dataframe(df, hide_index=True, key=f"record_current_{key}_{model}")


def set_pending(changes: list, source: str = "") -> None:
    with st.spinner(tr("record.preview")):
        st.session_state[PENDING] = prepare(ctx.root, changes, programme=prog, source=source, user=who)
    st.session_state.pop(DONE, None)


def pick_unit(prefix: str, kinds: tuple[str, ...]) -> str | None:
    options = unit_options(pg, ctx.fp, ctx.structure, ctx.scope_key, kinds)
    if not options:
        st.info(tr("record.no_units"))
        return None
    return searchable_select(tr("record.field.unit"), options, f"{prefix}_unit", f"{prefix}_search", tr("search.unit"),
                             lang=L)


def pick_model(prefix: str) -> str:
    return select(tr("record.field.model"), list(ordered(pg)), format_func=model_label, key=f"{prefix}_model",
                        filter_mode=None)


# --- layout --------------------------------------------------------------------------------------

st.header(tr("record.header"))
st.caption(tr("record.intro"))
in_git = is_repo(ctx.root)
who = login_box(L)  # the commit author; None: anonymous (or no [auth]: read-only), every change refused
rights = load_rights(ctx.root)
can_edit = who is not None and rights.can_edit(who)
if who is not None and not can_edit:
    st.warning(tr("auth.no_rights"))
    if rights.problem:
        st.text(rights.problem.text(L))
if can_edit and in_git and rights.must_branch(who):
    mine = user_branch(who)
    st.caption(md_escape(tr("auth.on_branch", branch=mine)))
    rejected = last_rejection(ctx.root, mine)
    if rejected is not None:
        st.warning(md_escape(tr("auth.rejected", who=rejected.author, date=fmt_date(rejected.date.date(), L))))
        st.text(view.rejection_text(rejected))
st.caption(tr("record.git_on") if in_git else tr("record.git_off"))

tabs = st.tabs([tr(f"record.tab.{x}") for x in ("stage", "reading", "bulk", "upload", "unit", "plan", "history")])

with tabs[0]:
    model = pick_model("record_stage")
    key = pick_unit("record_stage", tuple(prog.models[model].adopted_by))
    if key:
        stage_for(key, model)
        stage = select(tr("record.field.stage"), list(STAGES), format_func=lambda s: label("stage", s, L),
                             key="record_stage_stage", filter_mode=None)
        when = st.date_input(tr("record.field.date"), value=ctx.as_of, format=date_format_hint(L), key="record_stage_date")
        # Re-recording a stage that already has a date replaces it: say so, with both dates, and ask.
        old = view.stage_date(prog, key, model, stage)
        replace_ok = False
        if old is not None and when is not None and old != when:
            warning, confirm = view.replace_texts(stage, old, when, L)
            st.warning(warning)
            replace_ok = st.checkbox(confirm, key=f"record_stage_replace_{key}_{model}_{stage}_{when}")
        note = st.text_input(tr("record.field.note"), key="record_stage_note")
        if st.button(tr("record.button.preview"), key="record_stage_preview"):
            set_pending([StageChange(key, model, stage, when, note=note.strip() or None, replace=replace_ok)])

with tabs[1]:
    model = pick_model("record_reading")
    metrics = view.recordable_metrics(prog, model)
    key = pick_unit("record_reading", tuple(prog.models[model].adopted_by))
    if not metrics:
        st.info(tr("record.no_metrics"))
    elif key:
        metric = select(tr("record.field.metric"), list(metrics), format_func=metrics.get, key="record_reading_metric",
                              filter_mode=None)
        when = st.date_input(tr("record.field.date"), value=ctx.as_of, format=date_format_hint(L), key="record_reading_date")
        value = st.number_input(tr("record.field.value"), value=None, step=1.0, key="record_reading_value")
        note = st.text_input(tr("record.field.note"), key="record_reading_note")
        if st.button(tr("record.button.preview"), key="record_reading_preview"):
            if value is None:
                st.warning(tr("record.value.missing"))
            else:
                set_pending([ReadingChange(key, model, metric, when, float(value), note=note.strip() or None)])

with tabs[2]:
    model = pick_model("record_bulk")
    metrics = view.recordable_metrics(prog, model)
    options = unit_options(pg, ctx.fp, ctx.structure, ctx.scope_key, tuple(prog.models[model].adopted_by))
    if not metrics:
        st.info(tr("record.no_metrics"))
    elif not options:
        st.info(tr("record.no_units"))
    else:
        metric = select(tr("record.field.metric"), list(metrics), format_func=metrics.get, key="record_bulk_metric",
                              filter_mode=None)
        when = st.date_input(tr("record.field.date"), value=ctx.as_of, format=date_format_hint(L), key="record_bulk_date")
        st.caption(tr("record.bulk.help"))
        table = view.bulk_table(options, view.latest_values(prog, model, metric, when), L)
        edited = st.data_editor(
            table, key=f"record_bulk_editor_{model}_{metric}", hide_index=True, disabled=["key", "name", "current", "current_date"],
            column_order=["name", "current", "current_date", "new"],
            column_config={
                "name": st.column_config.TextColumn(tr("record.field.unit")),
                "current": st.column_config.NumberColumn(tr("record.col.current")),
                "current_date": st.column_config.TextColumn(tr("record.col.current_date")),
                "new": st.column_config.NumberColumn(tr("record.col.new")),
            },
        )
        filled = edited[edited["new"].notna()]
        if st.button(tr("record.button.preview"), key="record_bulk_preview"):
            if not len(filled):
                st.warning(tr("record.bulk.none"))
            else:
                set_pending([ReadingChange(k, model, metric, when, float(v)) for k, v in zip(filled["key"], filled["new"])])

with tabs[3]:
    st.caption(tr("record.upload.help"))
    upload = file_uploader(tr("record.field.file"), type=["csv", "xlsx"], key="record_upload", lang=L)
    if upload is not None and st.button(tr("record.button.preview"), key="record_upload_preview"):
        try:
            with st.spinner(tr("record.preview")):
                preview = preview_import(ctx.root, upload.getvalue(), name=upload.name, programme=prog, user=who)
        except EditError as exc:
            st.error(tr("record.failed"))
            st.text(exc.text(L))
        else:
            st.session_state[IMPORT] = preview
            st.session_state[PENDING] = preview.changeset
            st.session_state.pop(DONE, None)
    preview = st.session_state.get(IMPORT)
    if preview is not None and st.session_state.get(PENDING) is preview.changeset:
        cs = preview.changeset
        st.caption(view.upload_counts(preview, L))
        if len(cs.changes):
            st.caption(tr("record.upload.changes"))
            st.dataframe(preview.frame(), hide_index=True, key="record_upload_changes")
        if preview.skipped:
            st.caption(tr("record.upload.skipped"))
            st.dataframe(view.skipped_table(preview.skipped, L), hide_index=True, key="record_upload_skipped")

with tabs[4]:
    kind = select(tr("record.field.kind"), list(prog.local_kinds), format_func=lambda k: prog.kind_label(k, L),
                        key="record_unit_kind", filter_mode=None)
    parent = pick_unit("record_unit_parent", tuple(ADMIN_KINDS))
    code = st.text_input(tr("record.field.code"), key="record_unit_code").strip()
    name = st.text_input(tr("record.field.name"), key="record_unit_name").strip()
    if parent and st.button(tr("record.button.preview"), key="record_unit_preview"):
        set_pending([NewLocalUnit(code, name, kind, parent)])

with tabs[5]:
    if not prog.plans:
        st.caption(tr("record.plan.none"))
    else:
        plan_id = select(tr("record.field.plan"), sorted(prog.plans), format_func=lambda p: f"{prog.plans[p].name} ({p})",
                               key="record_plan_id", filter_mode=None)
        plan = prog.plans[plan_id]
        horizon = st.number_input(tr("record.field.horizon"), min_value=1, value=int(plan.horizon), step=1, key=f"record_plan_horizon_{plan_id}")
        amounts = {pool: st.number_input(tr("record.field.resource", pool=pool), min_value=0.0, value=float(amount),
                                         key=f"record_plan_res_{plan_id}_{pool}")
                   for pool, amount in plan.resources.items()}
        coverages = [st.number_input(tr("record.field.coverage", model=target.model, date=fmt_date(target.date, L)), min_value=0.0,
                                     max_value=100.0, value=round(target.coverage * 100, 4), step=5.0, key=f"record_plan_cov_{plan_id}_{i}")
                     for i, target in enumerate(plan.targets)]
        if st.button(tr("record.button.preview"), key="record_plan_preview"):
            set_pending([PlanNumbers(plan_id, view.plan_changes(plan, horizon, amounts, coverages))])

with tabs[6]:
    key = pick_unit("record_history", view.history_kinds(prog))
    if not in_git:
        st.caption(tr("record.history.nogit"))
    elif key:
        history = unit_history(ctx.root, key)
        if not history:
            st.caption(tr("record.history.none"))
        else:
            st.dataframe(view.history_table(history, L), hide_index=True, key="record_history_table")

# --- preview and save ----------------------------------------------------------------------------

done = st.session_state.get(DONE)
if done is not None:
    st.success(view.saved_message(done, L))
    if getattr(done, "merged", False):
        st.info(tr("record.merged"))
    for note in getattr(done, "recovered", ()):  # an earlier save was interrupted: what was done about it
        st.warning(note.text(L))

cs = st.session_state.get(PENDING)
if cs is not None:
    st.subheader(tr("record.preview"))
    if not cs.ok:
        st.error(tr("record.preview.refused"))
        st.dataframe(view.refusals_table(cs, L), hide_index=True, key="record_refusals")
    elif not cs.edits:
        st.info(tr("record.preview.nothing"))
    else:
        st.caption(view.preview_summary(cs, L))
        st.code(cs.diff(), language="diff")
        if cs.warnings:
            st.warning(tr("record.preview.warnings"))
            st.dataframe(view.warnings_table(cs, L), hide_index=True, key="record_warnings")
        b1, b2 = st.columns(2)
        if b1.button(tr("record.button.save"), key="record_save", type="primary", disabled=not can_edit):
            try:
                result = save(cs, user=who)  # rights checked again, author = who, branch per rights.toml
            except StaleFileError as exc:
                st.error(tr("record.stale"))
                st.text(exc.text(L))  # names the record someone else changed meanwhile
                st.session_state.pop(PENDING, None)
            except EditError as exc:
                st.error(tr("record.failed"))
                st.text(exc.text(L))
            else:
                st.session_state[DONE] = result
                st.session_state.pop(PENDING, None)
                st.session_state.pop(IMPORT, None)
                st.rerun()
        if b2.button(tr("record.button.cancel"), key="record_cancel"):
            st.session_state.pop(PENDING, None)
            st.session_state.pop(IMPORT, None)
            st.rerun()
