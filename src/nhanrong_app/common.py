"""What every page shares: the data root, cached loaders, and the sidebar's shared state.

Loading is cached twice: ``st.cache_resource`` holds the ProgrammeGraph keyed on
the root's fingerprint (a cheap stat walk each rerun), so changing a widget never
re-reads TOML and editing a file shows on the next rerun; ``st.cache_data`` holds
the frames the pages draw, keyed on (fingerprint, as_of, structure, scope...).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from nhanrong.cache import fingerprint, load_programme_cached
from nhanrong.formats import natural_rank, quarter_end_on_or_before, to_date
from nhanrong.gaps import FRAME_COLUMNS, find_gaps
from nhanrong.graph import ProgrammeGraph, build_graph
from nhanrong.i18n import t
from nhanrong.indicators import INDICATOR_COLUMNS, evaluate_indicators, evaluate_target_sets
from nhanrong.registry import structure_at
from nhanrong.spread import spread
from nhanrong.status import metric_values, part_stages, status, unit_stages
from nhanrong.targets import SCOPE_TARGET_COLUMNS, evaluate_targets, scope_targets
from nhanrong.textfold import filter_options, fold, nfc
from nhanrong.views import Choices, Frames
from nhanrong.views.text import md_escape  # noqa: F401 - the pages' escape, from the views

LOADS: Counter[str] = Counter()
"""How many times each root was loaded from disk in this process (the bench and tests check it)."""

def data_root() -> Path:
    """NHANRONG_ROOT (set by `nhanrong serve ROOT`), else the folder the app was started in (the
    bundled data for `streamlit run` in a source checkout)."""
    return Path(os.environ.get("NHANRONG_ROOT") or Path.cwd()).resolve()


# --- loading ------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_graph(root: str, fp: str) -> ProgrammeGraph:
    """Load, validate and build the graph once per (root, fingerprint)."""
    LOADS[root] += 1
    return build_graph(load_programme_cached(Path(root)))


def load_graph(root: Path) -> tuple[ProgrammeGraph, str]:
    """The ProgrammeGraph for ``root``; reloads only when a TOML file changed on disk."""
    fp = fingerprint(root)
    with st.spinner(t("loading", lang())):
        # Cached frames are keyed on this string: the root is part of it so two data
        # folders with the same files never share an entry.
        return _load_graph(str(root), fp), f"{root}::{fp}"


# --- shared state -------------------------------------------------------------------


def lang() -> str:
    """The chosen language; Vietnamese unless English is selected."""
    return "en" if st.session_state.get("lang") == "en" else "vi"


_chosen_lang = lang  # for the helpers below whose ``lang`` argument hides the function


@dataclass(frozen=True)
class Context(Choices):
    """The sidebar's choices (language, as-of date, structure, scope: the view models' Choices), with the
    data folder and its fingerprint, passed to every page."""

    root: Path = field(kw_only=True)
    fp: str = field(kw_only=True)

    @property
    def choices(self) -> Choices:
        """The choices the view models are computed for (nhanrong.views): this context itself."""
        return self


def context() -> Context:
    """The context the router stored for this run."""
    return st.session_state["_ctx"]


def default_as_of(pg, today: dt.date | None = None) -> dt.date:
    """The last quarter end covered by the data: the latest stage or reading date,
    rounded down to a quarter end, capped at today.

    Provinces report by period, so a status "as of" a quarter end is one every
    report backs (31/12/2022 for the bundled data, whose few early-2023 records
    would otherwise move the default into a quarter nobody has reported yet).
    """
    today = today or dt.date.today()
    prog = pg.programme
    dates = [prog.readings["date"].max()] if len(prog.readings) else []
    if len(prog.adoptions):
        dates += [prog.adoptions[s].max() for s in ("assess", "pilot", "evaluate", "scale") if s in prog.adoptions]
    dates = [to_date(x) for x in dates if not pd.isna(x)]
    latest = min(max(dates), today) if dates else today
    return quarter_end_on_or_before(latest)


def default_structure(as_of: dt.date) -> str:
    """The structure in force on the default date (old before 1/7/2025, new from then): the same
    rule as the command line, so a date and a structure never disagree unless the planner asks."""
    return structure_at(as_of)


Scope = tuple[str, str, str, str]  # (code, key, name, kind)


@st.cache_data(show_spinner=False, max_entries=16)
def province_options(_pg, fp: str, structure: str) -> list[Scope]:
    """The provinces that hold records, in the chosen structure (old records count in the new)."""
    units = _pg.units
    prog = _pg.programme
    if not len(prog.adoptions):
        return []
    adopted = pd.Index(prog.adoptions["unit"].astype(str).unique()).intersection(units.index)
    col = "province" if structure == "old" else "new_province"
    keys = sorted(k for k in pd.unique(units.loc[adopted, col].dropna()) if isinstance(k, str) and k in units.index)
    return [(str(units.at[k, "code"]), k, str(units.at[k, "name"]), "province") for k in keys]


@st.cache_data(show_spinner=False, max_entries=64)
def scope_options(_pg, fp: str, structure: str, province_key: str) -> list[Scope]:
    """The province itself, then its districts (old structure) or its communes (new: no districts)."""
    units = _pg.units
    p = units.loc[province_key]
    rows: list[Scope] = [(str(p["code"]), province_key, str(p["name"]), "province")]
    sub_kind = "district" if structure == "old" else "commune"
    below = units[(units["province"] == province_key) & (units["kind"] == sub_kind) & (units["structure"] == structure)]
    if "dissolved" in below:
        below = below[below["dissolved"].isna()]
    below = below.sort_values("code", key=natural_rank)
    rows += [(str(c), str(k), str(n), sub_kind) for k, c, n in zip(below.index, below["code"], below["name"])]
    return rows


# --- cached frames ------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def _status_frame(_pg, fp: str, as_of: dt.date, structure: str, scope: str | None, level: str | None = None) -> pd.DataFrame:
    return status(_pg, as_of, structure=structure, scope=scope, level=level)


@st.cache_data(show_spinner=False, max_entries=64)
def _unit_stages_frame(_pg, fp: str, as_of: dt.date, structure: str, scope: str | None) -> pd.DataFrame:
    return unit_stages(_pg, as_of, structure=structure, scope=scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _metric_frame(_pg, fp: str, as_of: dt.date, structure: str, scope: str | None, level: str | None = None) -> pd.DataFrame:
    return metric_values(_pg, as_of, structure=structure, scope=scope, level=level)


@st.cache_data(show_spinner=False, max_entries=32)
def _targets_frame(_pg, fp: str, as_of: dt.date) -> pd.DataFrame:
    return evaluate_targets(_pg, as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def _scope_targets_frame(_pg, fp: str, as_of: dt.date, structure: str, scope: str | None) -> pd.DataFrame:
    return scope_targets(_pg, as_of, structure, scope or None)


@st.cache_data(show_spinner=False, max_entries=32)
def _decisions_list(_pg, fp: str, as_of: dt.date, structure: str, scope: str, lang: str) -> list:
    from nhanrong.decisions import find_decisions

    return find_decisions(_pg, as_of, structure, scope, lang) if scope else []


def decisions_list(pg, ctx: "Context") -> list:
    """The decisions at the sidebar's scope (:func:`nhanrong.decisions.find_decisions`), cached; on a
    failure the page says so and shows none."""
    return CachedFrames(ctx.fp).decisions(pg, ctx.choices)


@st.cache_data(show_spinner=False, max_entries=32)
def _indicator_frame(_pg, fp: str, as_of: dt.date, structure: str, scope: str) -> pd.DataFrame:
    return evaluate_indicators(_pg, as_of, scope=(structure, scope))


@st.cache_data(show_spinner=False, max_entries=32)
def _target_sets_frame(_pg, fp: str, as_of: dt.date, structure: str, scope: str) -> list:
    return evaluate_target_sets(_pg, as_of, scope=(structure, scope))


@st.cache_data(show_spinner=False, max_entries=32)
def _gaps_frame(_pg, fp: str, as_of: dt.date, structure: str, scope: str | None) -> pd.DataFrame:
    return find_gaps(_pg, as_of, structure=structure, scope=scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _part_frame(_pg, fp: str, as_of: dt.date, scope: str | None) -> pd.DataFrame:
    return part_stages(_pg, as_of, scope=scope, models=_pg.programme.model_order)


@st.cache_data(show_spinner=False, max_entries=16)
def _spread_frame(_pg, fp: str, model: str | None) -> pd.DataFrame:
    return spread(_pg, model)


COLUMNS = {
    "status": ["model", "scope", "scope_key", "scope_name", "structure", "level", "as_of", "eligible", "not_started",
               "assess", "pilot", "evaluate", "scale", "coverage", "history", "parts", "parts_scale"],
    "unit_stages": ["unit", "code", "name", "kind", "parent", "model", "stage", "since"],
    "metric_values": ["model", "metric", "scope", "scope_name", "value"],
    "targets": ["model", "metric", "scope", "structure", "target", "target_date", "actual", "gap", "verdict",
                "projected", "verdict_vi", "scope_name"],
    "scope_targets": SCOPE_TARGET_COLUMNS,
    "decisions": [],
    "gaps": FRAME_COLUMNS,
    "part_stages": ["model", "unit", "code", "name", "part", "part_code", "part_name", "stage", "since"],
    "spread": ["model", "pilot", "pilot_code", "pilot_name", "depth", "reach"],
    "indicators": INDICATOR_COLUMNS,
    "target_sets": [],
}


def _guard(fn, what: str):
    """Run an engine computation; if it fails, say so on the page and go on with an empty frame.

    One broken computation (say, the gaps at an unusual date) must not take the
    whole page away from a planner in a meeting.
    """

    def run(*args, **kwargs) -> pd.DataFrame:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown on the page
            st.error(t("error.compute", lang(), what=t(f"compute.{what}", lang()), error=f"{type(exc).__name__}: {exc}"))
            return pd.DataFrame(columns=COLUMNS[what])

    run.__doc__ = fn.__doc__
    return run


status_frame = _guard(_status_frame, "status")
unit_stages_frame = _guard(_unit_stages_frame, "unit_stages")
metric_frame = _guard(_metric_frame, "metric_values")
targets_frame = _guard(_targets_frame, "targets")
scope_targets_frame = _guard(_scope_targets_frame, "scope_targets")
gaps_frame = _guard(_gaps_frame, "gaps")
spread_frame = _guard(_spread_frame, "spread")
part_frame = _guard(_part_frame, "part_stages")
indicator_frame = _guard(_indicator_frame, "indicators")
target_sets_frame = _guard(_target_sets_frame, "target_sets")


class CachedFrames(Frames):
    """The view models' frames (nhanrong.views.Frames) from the cached, guarded loaders above."""

    def __init__(self, fp: str) -> None:
        self.fp = fp

    def status(self, pg, as_of, structure, scope, level=None):
        return status_frame(pg, self.fp, as_of, structure, scope, level)

    def unit_stages(self, pg, as_of, structure, scope):
        return unit_stages_frame(pg, self.fp, as_of, structure, scope)

    def metric_values(self, pg, as_of, structure, scope, level=None):
        return metric_frame(pg, self.fp, as_of, structure, scope, level)

    def targets(self, pg, as_of):
        return targets_frame(pg, self.fp, as_of)

    def scope_targets(self, pg, as_of, structure, scope):
        return scope_targets_frame(pg, self.fp, as_of, structure, scope)

    def decisions(self, pg, choices: Choices) -> list:
        c = choices
        try:
            with st.spinner(t("decisions.computing", c.lang)):
                return _decisions_list(pg, self.fp, c.as_of, c.structure, c.scope, c.lang)
        except Exception as exc:  # noqa: BLE001 - shown on the page
            st.error(t("error.compute", c.lang, what=t("compute.decisions", c.lang), error=f"{type(exc).__name__}: {exc}"))
            return []

    def indicators(self, pg, as_of, structure, scope):
        return indicator_frame(pg, self.fp, as_of, structure, scope)

    def target_sets(self, pg, as_of, structure, scope):
        return list(target_sets_frame(pg, self.fp, as_of, structure, scope))

    def gaps(self, pg, as_of, structure, scope):
        return gaps_frame(pg, self.fp, as_of, structure, scope)

    def part_stages(self, pg, as_of, scope):
        return part_frame(pg, self.fp, as_of, scope)

    def spread(self, pg, model):
        return spread_frame(pg, self.fp, model)


def illustrative_banner(ctx: Context, pg) -> None:
    """A visible notice whenever any loaded file is marked illustrative."""
    if pg.programme.illustrative_files:
        st.info(ctx.t("illustrative.banner"), icon="ℹ️")


def model_name(pg, model_id: str, lang: str | None = None) -> str:
    """A model's name in the language on screen (its ``name_en`` in English when it has one)."""
    return pg.programme.model_name(model_id, lang or _chosen_lang())


def graph() -> ProgrammeGraph:
    """The ProgrammeGraph the router loaded for this run."""
    return st.session_state["_pg"]


def errors_banner(ctx: Context, pg) -> None:
    n = len(pg.programme.errors)
    if n:
        st.warning(ctx.t("errors.banner", n=n), icon="⚠️")


def ordered(pg) -> dict:
    """The models in the repository's order (``models`` in nhanrong.toml, then the rest by id)."""
    models = pg.programme.models
    return {m: models[m] for m in pg.programme.model_order}


def kind_label(pg, kind: str, lang: str, plural: bool = False) -> str:
    """The repository's word for a kind of unit ("xóm", "chợ"...), else the built-in one."""
    return pg.programme.kind_label(kind, lang, plural=plural)


# --- search in front of long pickers ------------------------------------------------------------
# Streamlit's own filter inside a selectbox matches diacritics exactly ("van yen" finds nothing) and
# answers in English ("No results"). Long unit pickers get a search box of ours in front instead
# (nhanrong.textfold: no diacritics needed, NFD and old tone placement welcome), and their own typing
# is turned off (filter_mode=None), so the Vietnamese screen shows no English.


def search_example(labels: list[str]) -> str:
    """A query from the data to show in the search box ("van yen" for "Huyện Văn Yên"): the last two
    words of the second option (the first is often the whole scope), folded."""
    if not labels:
        return ""
    name = re.sub(r"\s*\([^)]*\)", "", str(labels[min(1, len(labels) - 1)]))  # "Phường Yên Ninh (04252)"
    return fold(" ".join(name.split()[-2:]))


def searchable_select(label: str, options: dict, key: str, search_key: str, search_label: str, *, lang: str,
                      pinned: tuple = (), restore=None, container=None, min_options: int = 0,
                      select_container=None):
    """A search box, then a selectbox of the options (value -> text shown) that match it.

    The selectbox lists the matches only; when the choice on it does not match, the first match is
    chosen (typing "van yen" opens Huyện Văn Yên). ``pinned`` values (say "all units") stay listed
    and are never chosen by a search. With no match the whole list stays and a caption says so.
    ``restore(key, valid)`` is the router's way of keeping a choice across a language switch.
    Lists shorter than ``min_options`` get no search box.
    """
    where = container if container is not None else st
    values = [v for v in options if v not in pinned]
    texts = {v: nfc(options[v]) for v in options}
    example = search_example([texts[v] for v in values])
    query = ""
    if len(values) >= min_options:
        query = where.text_input(search_label, key=search_key, live=True, icon=":material/search:",
                                 placeholder=t("search.placeholder", lang, example=example) if example else None,
                                 help=t("search.help", lang)).strip()
    shown = values
    if query:
        found = filter_options(values, query, lambda v: (texts[v], str(v).rpartition(":")[2]))
        if found:
            shown = found
            note = t("search.count", lang, n=len(found), total=len(values), query=query)
        else:
            note = t("search.none", lang, query=query)
    else:
        note = None
    listed = [*[p for p in pinned if p in options], *shown]
    if restore is not None:
        restore(key, listed)
    if query and shown is not values and st.session_state.get(key) not in shown:
        st.session_state[key] = shown[0]
    there = select_container if select_container is not None else where
    value = select(label, listed, key=key, format_func=lambda v: texts.get(v, str(v)), lang=lang, where=there)
    if note:
        there.caption(md_escape(note))
    return value


# --- Streamlit's own words, in the reader's language --------------------------------------------
# Streamlit writes some words of its own in English. Where it has a parameter they get ours
# (placeholders); a select's own typing is turned off (filter_mode=None: its empty search said "No
# results"); where it has none (the file uploader's "Drag and drop file here", "Limit 20MB per file",
# "Browse files"; a text field's "Press Enter to apply") the text is hidden with CSS and ours shown
# instead. The top bar keeps no developer menu (client.toolbarMode = "minimal" in .streamlit/config.toml).


def select(label: str, options, *, lang: str | None = None, key: str | None = None, where=None, **kwargs):
    """``st.selectbox`` with our placeholder and no typing (its empty search answers in English).
    ``lang``: the sidebar's language unless given; ``where``: a container or column (default: the page)."""
    kwargs.setdefault("placeholder", t("choose_one", lang or _chosen_lang()))
    kwargs.setdefault("filter_mode", None)
    return (where if where is not None else st).selectbox(label, options, key=key, **kwargs)


def multiselect(label: str, options, *, lang: str | None = None, key: str | None = None, where=None, **kwargs):
    """``st.multiselect`` with our placeholder ("empty = all"), no typing and no "Select all"."""
    kwargs.setdefault("placeholder", t("choose", lang or _chosen_lang()))
    kwargs.setdefault("filter_mode", None)
    kwargs.setdefault("select_all", False)
    return (where if where is not None else st).multiselect(label, options, key=key, **kwargs)


def file_uploader(label: str, *, lang: str | None = None, type=None, key: str | None = None, where=None, **kwargs):
    """``st.file_uploader`` with Streamlit's English hidden (see :func:`streamlit_words`) and, under it,
    what it accepts in our words: the file types and the size limit."""
    from streamlit import config

    lang = lang or _chosen_lang()
    there = where if where is not None else st
    found = there.file_uploader(label, type=type, key=key, **kwargs)
    types = ", ".join(f".{x.lstrip('.')}" for x in ([type] if isinstance(type, str) else (type or [])))
    limit = kwargs.get("max_upload_size") or config.get_option("server.maxUploadSize")
    there.caption(t("upload.accepts", lang, types=types or t("upload.any", lang), limit=limit))
    return found


STREAMLIT_WORDS_CSS = """<style>
/* A text field's "Press Enter to apply" (the field applies on Enter or on leaving it all the same). */
[data-testid="InputInstructions"] { display: none !important; }
/* The file uploader: its "20MB per file • CSV, XLSX" is hidden (our caption under it says what it
   accepts), its "Upload" button and its "Drag and drop a file here" (while a file is dragged over
   it) say ours. */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileUploaderDropzone"] button * { display: none !important; }
[data-testid="stFileUploaderDropzone"] button::after { content: "%(browse)s"; }
[data-testid="stFileUploaderDropzone"] > div:not(:has(button)) { font-size: 0 !important; }
[data-testid="stFileUploaderDropzone"] > div:not(:has(button))::after { content: "%(drop)s"; font-size: 0.875rem; }
/* The status widget's "Stop" while a page is computing. */
[data-testid="stStatusWidget"] button { font-size: 0 !important; }
[data-testid="stStatusWidget"] button::after { content: "%(stop)s"; font-size: 0.875rem; }
/* The skip link a keyboard reaches first. */
[data-testid="stSkipToContent"] { font-size: 0 !important; }
[data-testid="stSkipToContent"]::after { content: "%(skip)s"; font-size: 1rem; }
</style>"""


def streamlit_words(lang: str) -> None:
    """Replace or hide Streamlit's own English words on every page (CSS: it has no parameter for them)."""
    css = STREAMLIT_WORDS_CSS % {key: t(f"streamlit.{key}", lang) for key in ("drop", "browse", "stop", "skip")}
    st.html(css)


# --- login (st.login, OIDC) and rights: issue 11 ------------------------------------


def auth_configured() -> bool:
    """Whether the server has an [auth] section in its secrets (st.login needs it); without it the app is read-only."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def current_user():
    """The logged-in user as a :class:`nhanrong.rights.Identity`, or None (anonymous, or no e-mail claim)."""
    from nhanrong.rights import Identity

    if not auth_configured():
        return None
    try:
        claims = dict(st.user.to_dict())
        if not claims.get("is_logged_in"):
            return None
        return Identity.from_claims(claims)
    except Exception:  # noqa: BLE001 - no identity at all
        return None


def login_box(lang: str, where=None) -> object:
    """Who is logged in, with the log-in or log-out button; returns the Identity or None.

    Without [auth] it says the app is read-only and how to enable editing."""
    where = where or st
    if not auth_configured():
        where.info(t("auth.readonly", lang))
        return None
    who = current_user()
    logged_in = bool(dict(st.user.to_dict()).get("is_logged_in"))
    if not logged_in:
        where.info(t("auth.login_needed", lang))
        if where.button(t("auth.login", lang), key="auth_login", type="primary"):
            st.login()
        return None
    if who is None:
        where.warning(t("auth.no_email", lang))
    else:
        c1, c2 = where.columns([4, 1])
        c1.caption(md_escape(t("auth.as", lang, who=who.author)))
        if c2.button(t("auth.logout", lang), key="auth_logout"):
            st.logout()
    return who


def may_edit_plans(root) -> bool:
    """Whether the logged-in user may change plans/ (``plans = true`` in rights.toml)."""
    from nhanrong.rights import load_rights

    who = current_user()
    return who is not None and any(g.plans for g in load_rights(root).grants(who))
