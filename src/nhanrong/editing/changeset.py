"""Turn changes into file edits, check them with the loader, and save them (with git when present).

``prepare`` never writes: it reads each file it needs (remembering its hash), applies the
changes to the text in memory, checks each edit against the data it should produce, then
loads the whole data root with the edited files in an overlay and refuses the lot if any
error appears that was not there before. ``save`` writes the edited files as one set, all or
nothing even if the process is killed (:mod:`.journal`), and commits them.

When another save changed one of the files meanwhile, ``save`` merges three ways: base = the file
the change was prepared against, theirs = the file on disk now, ours = the edit. The change is
applied again to the file as it is now when the records it touches were not changed by the other
save (another unit's record, another reading's record); the result must hold exactly their records
plus ours and pass the same checks. The same record changed by both is refused, nothing written.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import tomli

from ..loader import load_programme, pending_saves
from ..i18n import STRINGS, Message, Worded, msg
from ..problems import Problem, did_you_mean
from ..textfold import fold
from ..programme import Programme
from ..registry import NEW, OLD, Registry, load_registry, split_key, unit_key
from ..schema import STAGES
from . import gitrepo
from .changes import Change, NewLocalUnit, PlanNumbers, ReadingChange, StageChange
from . import journal
from .errors import AmbiguousUnitError, BadChangeError, ChangeRefusedError, EditError, StaleFileError, UnsupportedLayoutError
from .errors import RightsRefusedError, StageDateExistsError
from .overlay import load_with, new_errors
from ..rights import Identity, Rights, load_rights, refusal

LOCAL = "local"
"""``user=LOCAL``: a change made where git's own identity applies (the CLI); no rights are checked."""
from .safewrite import Snapshot, current_digest, read_snapshot
from .tomlwrite import TomlText, render, render_inline, render_string

RECORD_ORDER = ("unit", "model", "stages", "learned_from", "note", "readings")
UNIT_ORDER = ("code", "name", "kind", "parent", "dissolved", "merged_into", "lat", "lon", "note")
KIND_FOLDERS = {"village": "villages", "school": "schools", "agency": "agencies", "party-cell": "party-cells"}


@dataclass(frozen=True)
class FileEdit:
    """One file before and after: what ``save`` writes and what the diff preview shows."""

    rel: str
    before: str | None  # None: a new file
    after: str
    digest: str | None

    def diff(self) -> str:
        a = (self.before or "").splitlines(keepends=True)
        b = self.after.splitlines(keepends=True)
        lines = difflib.unified_diff(a, b, "/dev/null" if self.before is None else f"a/{self.rel}", f"b/{self.rel}", n=2)
        return "".join(x if x.endswith("\n") else x + "\n" for x in lines)


@dataclass(frozen=True)
class Refusal(Worded):
    """Why a change (or an imported row, at ``line``) cannot be written: a catalogue message."""

    msg: Message
    line: int | None = None

    def full(self) -> Message:
        """The reason with its line ("dòng 3: ...") when it has one."""
        return self.msg if self.line is None else msg("edit.line", line=self.line, message=self.msg)

    def text(self, lang: str = "vi") -> str:
        """The reason with its line; ``message`` / ``message_en`` are without it."""
        return self.full().text(lang)


def problem_message(p: Problem) -> Message:
    """A validation problem the change would add, with where it is: "pilots/x.toml:12: ..."."""
    return msg("edit.refused_problem", path=p.path, line=p.line, problem=p.msg)



@dataclass(frozen=True)
class ChangeSet:
    """Changes ready to save (``ok``), or refused with every reason; nothing written yet."""

    root: Path
    changes: tuple[Change, ...]
    edits: tuple[FileEdit, ...]
    refusals: tuple[Refusal, ...]
    unchanged: tuple[Change, ...] = ()
    summaries: tuple[Message, ...] = ()
    unit_keys: tuple[str, ...] = ()
    source: str = ""
    warnings: tuple[Refusal, ...] = ()  # new warnings: shown, not blocking (e.g. a stage skipped)
    programme: Programme | None = field(default=None, repr=False, compare=False)  # what it was prepared against
    registry: Registry | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.refusals

    def diff(self) -> str:
        return "".join(e.diff() for e in self.edits)

    def commit_message(self) -> str:
        """Vietnamese title saying what changed, the list of changes, and ``Unit:`` trailers for history."""
        n = len(self.summaries)
        if n == 1:
            title = self.summaries[0].text("vi")
        else:
            title = (msg("edit.commit.many_from", n=n, source=self.source) if self.source else msg("edit.commit.many", n=n)).text("vi")
        body = [f"- {m.text('vi')}" for m in self.summaries] if n > 1 else []
        english = [f"  {m.text('en')}" for m in self.summaries[:20]]
        lines = [title[:200], ""]
        if body:
            lines += body + [""]
        lines += ["English:", *english]
        if len(self.summaries) > 20:
            lines.append(f"  {msg('edit.commit.more', n=n - 20).text('en')}")
        lines.append("")
        lines += [f"Unit: {k}" for k in self.unit_keys]
        lines.append("Recorded-with: nhanrong")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SaveResult:
    paths: tuple[str, ...]
    commit: str | None = None  # sha when committed
    branch: str | None = None
    merged: bool = False  # another save changed a file meanwhile (other records): merged with it
    recovered: tuple[Refusal, ...] = ()  # what was done first about an earlier interrupted save


# --- preparing -----------------------------------------------------------------------


def prepare(root: str | Path, changes: list[Change], *, programme: Programme | None = None,
            registry: Registry | None = None, source: str = "", user: Identity | None | str = LOCAL) -> ChangeSet:
    """Apply ``changes`` in memory and validate the result; see :class:`ChangeSet`.

    ``user``: the logged-in identity whose rights (``rights.toml``) every change must lie within; None
    (not logged in) refuses every change; :data:`LOCAL` (the CLI: git's own identity) checks none."""
    root = Path(root).resolve()
    notes = journal.recover_root(root) if pending_saves(root) else []
    if any(n.changed for n in notes):
        programme = None  # the files changed under the programme the caller holds: read them again
    reg = registry or load_registry()
    prog = programme or load_programme(root, registry=reg)
    ed = _Editor(root, prog, reg)
    rights = None if user == LOCAL else load_rights(root)
    refusals: list[Refusal] = []
    applied: list[Change] = []
    unchanged: list[Change] = []
    summaries: list[Message] = []
    keys: list[str] = []
    for ch in changes:
        try:
            ch = ed.normalize(ch)
            if rights is not None:
                _check_rights(ed, rights, user, ch)
            result = ed.apply(ch)
        except EditError as exc:
            refusals.append(Refusal(exc.message, ch.line))
            continue
        if result is None:
            unchanged.append(ch)
            continue
        key, name = result
        applied.append(ch)
        shown = replace(ch, unit=split_key(key)[1]) if isinstance(ch, (StageChange, ReadingChange)) else ch
        summaries.append(shown.describe(name))
        if key and key not in keys:
            keys.append(key)
    edits = tuple(ed.edits())
    warnings: list[Refusal] = [Refusal(n.msg) for n in notes]
    if edits:
        after = load_with(root, {e.rel: e.after for e in edits}, registry=reg)
        refusals += [Refusal(problem_message(p)) for p in new_errors(prog.problems, after.problems)]
        warnings += [Refusal(problem_message(p)) for p in new_errors(prog.problems, after.problems, "warning")]
    return ChangeSet(root, tuple(applied), edits, tuple(refusals), tuple(unchanged), tuple(summaries), tuple(keys), source,
                     tuple(warnings), prog, reg)


class _Editor:
    """Applies changes one by one to in-memory texts, remembering what each file held on disk."""

    def __init__(self, root: Path, prog: Programme, reg: Registry, seed: dict[str, Snapshot] | None = None) -> None:
        self.root, self.prog, self.reg = root, prog, reg
        self.seed = seed or {}  # files as already read (a merge: the files on disk now)
        self.snapshots: dict[str, Snapshot] = {}
        self.texts: dict[str, TomlText] = {}
        self.bom: set[str] = set()  # files that start with a byte order mark: kept as they are
        self._parsed: dict[str, dict] = {}
        a = prog.adoptions
        self.where: dict[tuple[str, str], str] = dict(zip(zip(a["unit"].astype(str), a["model"].astype(str)), a["path"].astype(str)))

    # files
    def _snapshot(self, rel: str) -> Snapshot:
        snap = self.seed.get(rel)
        return snap if snap is not None else read_snapshot(self.root / rel)

    def _text(self, rel: str, header: str | None = None) -> TomlText:
        if rel not in self.texts:
            snap = self._snapshot(rel)
            self.snapshots[rel] = snap
            if snap.text is None and header is None:
                raise BadChangeError("edit.no_file", rel=rel)
            text = snap.text if snap.text is not None else header or ""
            if text.startswith("\ufeff"):
                self.bom.add(rel)
                text = text[1:]
            self.texts[rel] = TomlText(text)
        return self.texts[rel]

    def _peek(self, rel: str) -> dict:
        """tomli's view of the file ``rel`` as it is (empty when it does not exist)."""
        snap = self._snapshot(rel)
        return {} if snap.text is None else self.parsed(snap.text.removeprefix("\ufeff"), rel)

    def parsed(self, text: str, rel: str = "") -> dict:
        """tomli's view of ``text``; the last few texts are remembered (each change parses its file once)."""
        if text not in self._parsed:
            if len(self._parsed) > 8:
                self._parsed.pop(next(iter(self._parsed)))
            try:
                self._parsed[text] = tomli.loads(text)
            except (tomli.TOMLDecodeError, RecursionError) as exc:
                if rel:
                    raise UnsupportedLayoutError("edit.toml_syntax", rel=rel, error=str(exc)) from None
                raise UnsupportedLayoutError("edit.toml_syntax_text", error=str(exc)) from None
        return self._parsed[text]

    def edits(self) -> list[FileEdit]:
        out = []
        for rel, tt in self.texts.items():
            snap = self.snapshots[rel]
            after = ("\ufeff" if rel in self.bom else "") + tt.text
            if after != (snap.text or ""):
                out.append(FileEdit(rel, snap.text, after, snap.digest))
        return out

    # units
    def _exists(self, key: str) -> bool:
        return key in self.reg.units or key in self.prog.local_units

    def resolve(self, code: str, structure: str | None, model: str | None = None) -> str:
        """The unit key of a typed code; a code in both structures needs the structure, unless the data tells.

        The data tells when the model already has a record for one of the two units, or when
        every record of the model (every declared unit, for a new unit's parent) is in one structure.
        """
        code = code.strip()
        if code[:4] in ("old:", "new:"):
            structure, code = split_key(code)
        found = [unit_key(s, code) for s in ((structure,) if structure else (OLD, NEW)) if self._exists(unit_key(s, code))]
        if len(found) == 2:
            if model is not None:
                chosen = [k for k in found if (k, model) in self.where]
                used = {k.partition(":")[0] for k, mid in self.where if mid == model}
            else:
                chosen, used = [], {u.structure for u in self.prog.local_units.values()}
            if len(chosen) != 1 and len(used) == 1:
                chosen = [k for k in found if k.partition(":")[0] in used]
            found = chosen if len(chosen) == 1 else found
        if len(found) == 1:
            return found[0]
        if len(found) == 2:
            raise AmbiguousUnitError("edit.ambiguous_unit", code=code, old_name=self.prog.unit_name(found[0]),
                                     new_name=self.prog.unit_name(found[1]))
        # Suggest only units that could be meant: of a kind the model adopts (a village for a
        # village model, never a party cell with a similar code).
        fit = set(self.prog.models[model].adopted_by) if model in self.prog.models else None
        local = [u.code for u in self.prog.local_units.values()
                 if (structure is None or u.structure == structure) and (fit is None or u.kind in fit)]
        if structure:
            raise BadChangeError("edit.unknown_unit_in", code=code, structure=structure, hint=did_you_mean(code, local))
        raise BadChangeError("edit.unknown_unit", code=code, hint=did_you_mean(code, local))

    def model_id(self, model: str) -> str:
        """The id of a model given by id or by its name as written (exports show names)."""
        model = str(model).strip()
        if model in self.prog.models:
            return model
        by_name = {fold(m.name): mid for mid, m in self.prog.models.items()}
        by_name.update({fold(m.name_en): mid for mid, m in self.prog.models.items() if m.name_en})
        if fold(model) in by_name:
            return by_name[fold(model)]
        raise BadChangeError("edit.unknown_model", model=model, hint=did_you_mean(model, self.prog.models))

    def normalize(self, ch: Change) -> Change:
        """The change with its model (and metric) as ids: exports show names."""
        if isinstance(ch, ReadingChange):
            model = self.model_id(ch.model)
            by_name = {fold(x.name): x.id for x in self.prog.models[model].metrics}
            by_name.update({fold(x.name_en): x.id for x in self.prog.models[model].metrics if x.name_en})
            metric = by_name.get(fold(str(ch.metric).strip()), str(ch.metric).strip())
            return replace(ch, model=model, metric=metric)
        if isinstance(ch, StageChange):
            return replace(ch, model=self.model_id(ch.model))
        return ch

    def _model(self, model: str):
        return self.prog.models[self.model_id(model)]

    def _ancestors(self, key: str) -> list[str]:
        out, cur = [], self.prog.unit_parent(key)
        while cur is not None and len(out) < 6:
            out.append(cur)
            cur = self.prog.unit_parent(cur)
        return out

    # dispatch
    def apply(self, ch: Change) -> tuple[str, str] | None:
        """Apply one change; return (unit key, unit name) or None when it changes nothing."""
        if isinstance(ch, (StageChange, ReadingChange)):
            return self._adoption(ch)
        if isinstance(ch, NewLocalUnit):
            return self._unit(ch)
        if isinstance(ch, PlanNumbers):
            return self._plan(ch)
        raise TypeError(type(ch).__name__)

    # adoptions
    def _adoption(self, ch: StageChange | ReadingChange) -> tuple[str, str] | None:
        m = self._model(ch.model)
        key = self.resolve(ch.unit, ch.structure, ch.model)
        structure, code = split_key(key)
        kind = self.prog.unit_kind(key)
        if kind not in m.adopted_by:
            raise BadChangeError("edit.kind_not_adopted", code=code, kind=kind, model=ch.model, kinds=", ".join(m.adopted_by))
        if isinstance(ch, StageChange) and ch.stage not in STAGES:
            raise BadChangeError("edit.invalid_stage", stage=ch.stage, hint=did_you_mean(ch.stage, STAGES), choices=", ".join(STAGES))
        if isinstance(ch, ReadingChange):
            metrics = {x.id: x for x in m.metrics}
            if ch.metric not in metrics:
                raise BadChangeError("edit.unknown_metric", model=ch.model, metric=ch.metric, hint=did_you_mean(ch.metric, metrics))
            if metrics[ch.metric].rollup == "ratio":
                spec = metrics[ch.metric]
                raise BadChangeError("edit.ratio_metric", metric=ch.metric, numerator=spec.numerator, denominator=spec.denominator)
        rel = self.where.get((key, ch.model)) or self._pilot_file(key, ch.model)
        tt = self._text(rel, header=self._pilot_header(ch.model, structure))
        data = self.parsed(tt.text, rel)
        if data.get("structure", structure) != structure:
            raise UnsupportedLayoutError("edit.other_structure", rel=rel)
        records = data.get("adoption", [])
        if len(tt.blocks(("adoption",))) != len(records):
            raise UnsupportedLayoutError("edit.not_adoption_blocks", rel=rel)
        file_model = data.get("model")
        idx = next((i for i, r in enumerate(records) if r.get("unit") == code and (r.get("model") or file_model) == ch.model), None)
        before_text = tt.text
        item = self._reading_item(ch, records[idx] if idx is not None else {}) if isinstance(ch, ReadingChange) else None
        if idx is None:
            expected = {"unit": code}
            if file_model != ch.model:
                expected["model"] = ch.model
            self._apply_to_record(expected, ch, item)
            codes = [r.get("unit", "") for r in records]
            before = next((j for j, c in enumerate(codes) if c > code), None) if codes == sorted(codes) else None
            spaced = "{ " in tt.text or "{" not in tt.text
            tt.insert_block(("adoption",), self._record_lines(expected, tt.eol, spaced), before=before)
            self.where[(key, ch.model)] = rel
        else:
            expected = copy.deepcopy(records[idx])
            self._apply_to_record(expected, ch, item)
            if expected == records[idx]:
                return None
            if isinstance(ch, StageChange):
                _check_stage_order(expected.get("stages", {}), code)
                if not ch.replace:
                    _check_not_replacing(records[idx].get("stages", {}), ch, code)
            blk = tt.block(("adoption",), idx)
            assert blk is not None
            if isinstance(ch, StageChange):
                self._set_stage(tt, blk, ch)
                blk = tt.block(("adoption",), idx)
                if ch.note:
                    tt.set_key(blk, ("note",), render_string(ch.note), order=RECORD_ORDER)
            else:
                tt.upsert_item(blk, ("readings",), item, same=lambda x: x.get("metric") == ch.metric and x.get("date") == ch.date,
                               sort_key=lambda x: (str(x.get("date")), str(x.get("metric"))), order=RECORD_ORDER)
        _verify_list_edit(self.parsed(before_text, rel), self.parsed(tt.text, rel), "adoption", expected, lambda r: r.get("unit") == code and (r.get("model") or file_model) == ch.model, rel)
        return key, self.prog.unit_name(key)

    @staticmethod
    def _reading_item(ch: ReadingChange, record: dict) -> dict:
        """The reading as it will be written; a correction keeps the old reading's note unless a new one is given."""
        item: dict[str, Any] = {"metric": ch.metric, "date": ch.date, "value": float(ch.value)}
        old = next((r for r in record.get("readings", []) if r.get("metric") == ch.metric and r.get("date") == ch.date), None)
        if ch.note:
            item["note"] = ch.note
        elif old is not None and "note" in old:
            item["note"] = old["note"]
        return item

    def _apply_to_record(self, rec: dict, ch: StageChange | ReadingChange, item: dict | None) -> None:
        if isinstance(ch, StageChange):
            stages = rec.setdefault("stages", {})
            stages[ch.stage] = ch.date
            rec["stages"] = {s: stages[s] for s in STAGES if s in stages}
            if ch.note:
                rec["note"] = ch.note
        else:
            assert item is not None
            readings = rec.setdefault("readings", [])
            for i, r in enumerate(readings):
                if r.get("metric") == ch.metric and r.get("date") == ch.date:
                    readings[i] = dict(item)
                    return
            readings.append(dict(item))

    def _set_stage(self, tt: TomlText, blk, ch: StageChange) -> None:
        entry = blk.get(("stages",))
        if entry is not None:
            current = tt.value(entry)
            merged = {**current, ch.stage: ch.date}
            ordered = {s: merged[s] for s in STAGES if s in merged}
            tt.replace_value(entry, render_inline(ordered, spaced=tt.inline_spaced(entry)))
        else:
            dotted = [e for e in blk.keys if e.key[0] == "stages"]
            if dotted:
                tt.set_key(blk, ("stages", ch.stage), render(ch.date), order=RECORD_ORDER)
            else:
                tt.set_key(blk, ("stages",), render_inline({ch.stage: ch.date}, spaced=tt.inline_spaced(None, "{ " in tt.text or "{" not in tt.text)), order=RECORD_ORDER)

    def _record_lines(self, rec: dict, eol: str, spaced: bool) -> list[str]:
        lines = []
        for k in RECORD_ORDER:
            if k not in rec:
                continue
            if k == "readings":
                lines.append(f"readings = [{eol}")
                lines += [f"  {render_inline(r, spaced=spaced)},{eol}" for r in rec[k]]
                lines.append(f"]{eol}")
            else:
                lines.append(f"{k} = {render(rec[k], spaced=spaced)}{eol}")
        return lines

    def _pilot_header(self, model: str, structure: str) -> str:
        return (f"# {_both(msg('edit.header.pilots'))}\n"
                f"model = {render_string(model)}\nstructure = {render_string(structure)}\n")

    def _pilot_file(self, key: str, model: str) -> str:
        """The file a new record for ``key`` goes in: the one holding its nearest neighbours."""
        structure = split_key(key)[0]
        a = self.prog.adoptions
        rows = a[(a["model"].astype(str) == model) & a["unit"].astype(str).str.startswith(structure + ":")]
        files = {rel for (k, mid), rel in self.where.items() if mid == model and k.startswith(structure + ":")}
        if len(rows):
            units = pd.Series(rows["unit"].astype(str).to_numpy())
            paths = pd.Series(rows["path"].astype(str).to_numpy())
            chains = {u: set(self._ancestors(u)) for u in units.unique()}
            mine = self._ancestors(key)
            kinds = [self.prog.unit_kind(k) for k in mine]
            if "district" in kinds:  # one file per district: never mix districts in a file
                mine = mine[: kinds.index("district") + 1]
            for anc in mine:
                hit = units.map(lambda u: anc in chains[u])
                if hit.any():
                    counts = paths[hit.to_numpy()].value_counts()
                    best = counts[counts == counts.max()].index
                    return sorted(best)[0]
        chain = [key, *self._ancestors(key)]
        district = next((k for k in chain if self.prog.unit_kind(k) == "district"), None)
        province = next((k for k in chain if self.prog.unit_kind(k) == "province"), None)
        if district is not None:
            name = split_key(district)[1]
        elif province is None or key == province or self.prog.unit_parent(key) == province:
            name = "province"
        else:
            name = split_key(province)[1]
        rel = f"pilots/{model}/{name}.toml"
        if (self.root / rel).exists() and rel not in files:
            snap = self._peek(rel)
            if snap.get("structure") != structure:
                rel = f"pilots/{model}/{name}-{structure}.toml"
        return rel

    # local units
    def _unit(self, ch: NewLocalUnit) -> tuple[str, str]:
        kinds = self.prog.local_kinds
        if ch.kind not in kinds:
            raise BadChangeError("edit.bad_unit_kind", kind=ch.kind, hint=did_you_mean(ch.kind, kinds), choices=", ".join(kinds))
        if not ch.name.strip():
            raise BadChangeError("edit.empty_unit_name")
        parent = self.resolve(ch.parent, ch.structure)
        structure, parent_code = split_key(parent)
        key = unit_key(structure, ch.code)
        if self._exists(key):
            raise BadChangeError("edit.unit_exists", code=ch.code, name=self.prog.unit_name(key))
        rel = self._units_file(parent, ch.kind, structure)
        tt = self._text(rel, header=f"# {_both(msg('edit.header.units'))}\nstructure = {render_string(structure)}\n")
        data = self.parsed(tt.text, rel)
        if data.get("structure") != structure:
            raise UnsupportedLayoutError("edit.other_structure", rel=rel)
        units = data.get("unit", [])
        if len(tt.blocks(("unit",))) != len(units):
            raise UnsupportedLayoutError("edit.not_unit_blocks", rel=rel)
        rec: dict[str, Any] = {"code": ch.code, "name": ch.name.strip(), "kind": ch.kind, "parent": parent_code}
        if ch.lat is not None and ch.lon is not None:
            rec["lat"], rec["lon"] = float(ch.lat), float(ch.lon)
        if ch.note:
            rec["note"] = ch.note
        codes = [u.get("code", "") for u in units]
        before = next((j for j, c in enumerate(codes) if c > ch.code), None) if codes == sorted(codes) else None
        before_text = tt.text
        tt.insert_block(("unit",), [f"{k} = {render(rec[k])}{tt.eol}" for k in UNIT_ORDER if k in rec], before=before)
        _verify_list_edit(self.parsed(before_text, rel), self.parsed(tt.text, rel), "unit", rec, lambda u: u.get("code") == ch.code, rel)
        return key, f"{self.prog.unit_name(parent)} ({parent_code})"

    def _units_file(self, parent: str, kind: str, structure: str) -> str:
        same = [u for u in self.prog.local_units.values() if u.kind == kind and u.structure == structure]
        for anc in [parent, *self._ancestors(parent)]:
            paths = sorted({u.path for u in same if u.parent == anc or anc in self._ancestors(u.key)[:2]})
            if paths:
                return paths[0]
        chain = [parent, *self._ancestors(parent)]
        district = next((k for k in chain if self.prog.unit_kind(k) in ("district",)), None)
        anchor = district or parent
        folder = KIND_FOLDERS.get(kind, f"{kind}s")  # a declared kind gets its own folder: units/markets/...
        rel = f"units/{folder}/{split_key(anchor)[1]}.toml"
        if (self.root / rel).exists() and self._peek(rel).get("structure") != structure:
            rel = f"units/{folder}/{split_key(anchor)[1]}-{structure}.toml"  # the same code names another unit
        return rel

    # plans
    def _plan(self, ch: PlanNumbers) -> tuple[str, str] | None:
        rel = self.prog.plan_paths.get(ch.plan)
        if rel is None:
            raise BadChangeError("edit.unknown_plan", plan=ch.plan, hint=did_you_mean(ch.plan, self.prog.plan_paths))
        tt = self._text(rel)
        data = self.parsed(tt.text, rel)
        expected = copy.deepcopy(data)
        for path, value in ch.values:
            parts = path.split(".")
            number: Any = int(value) if float(value).is_integer() and parts[0] in ("horizon",) else float(value)
            if parts == ["horizon"]:
                expected["horizon"] = number
                tt.set_key(tt.block(()), ("horizon",), render(number))
            elif len(parts) == 2 and parts[0] == "resources":
                expected.setdefault("resources", {})[parts[1]] = number
                blk = tt.block(("resources",))
                if blk is None:
                    tt.insert_lines(len(tt.lines), [tt.eol, f"[resources]{tt.eol}", f"{parts[1]} = {render(number)}{tt.eol}"])
                else:
                    tt.set_key(blk, (parts[1],), render(number))
            elif len(parts) == 3 and parts[0] == "targets" and parts[1].isdigit() and parts[2] == "coverage":
                i = int(parts[1])
                blk = tt.block(("targets",), i)
                if blk is None or i >= len(expected.get("targets", [])):
                    raise BadChangeError("edit.no_target", plan=ch.plan, i=i)
                expected["targets"][i]["coverage"] = number
                tt.set_key(blk, ("coverage",), render(number))
            else:
                raise BadChangeError("edit.plan_key", path=path)
        if expected == data:
            return None
        if tomli.loads(tt.text) != expected:
            raise UnsupportedLayoutError("edit.unsafe_file", rel=rel)
        return "", ch.plan


def _check_rights(ed: _Editor, rights: Rights, user: Identity | None | str, ch: Change) -> None:
    """Raise :class:`RightsRefusedError` when ``user`` may not make the (normalised) change ``ch``."""
    who = user if isinstance(user, Identity) else None
    if isinstance(ch, (StageChange, ReadingChange)):
        ch = replace(ch, unit=ed.resolve(ch.unit, ch.structure, ch.model))
    elif isinstance(ch, NewLocalUnit):
        ch = replace(ch, parent=ed.resolve(ch.parent, ch.structure))
    why = refusal(rights, who, ed.prog, ch)
    if why is not None:
        raise RightsRefusedError(why)  # a Message (code rights.*)


def _check_not_replacing(stages: dict, ch: StageChange, code: str) -> None:
    """A stage that already has another date is not silently replaced: the change must say so (replace=True)."""
    old = stages.get(ch.stage) if isinstance(stages, dict) else None
    if old is None:
        return
    old_day = old.date() if isinstance(old, dt.datetime) else old
    if old_day == ch.date:
        return
    key = "edit.stage_date_exists" if isinstance(old_day, dt.date) else "edit.stage_value_exists"  # not a date: as written
    raise StageDateExistsError(msg(key, code=code, stage=stage_name(ch.stage), model=ch.model, old=old_day, new=ch.date),
                               old_day, ch.date)


def _check_stage_order(stages: dict, code: str) -> None:
    dated = [(s, stages[s]) for s in STAGES if isinstance(stages.get(s), dt.date)]
    for (s1, d1), (s2, d2) in zip(dated, dated[1:]):
        if d2 < d1:
            raise BadChangeError("edit.stage_order", code=code, later=msg(f"edit.stage_ref.{s2}", day=d2),
                                 earlier=msg(f"edit.stage_ref.{s1}", day=d1))


def _verify_list_edit(b: dict, a: dict, list_key: str, expected: dict, is_target, rel: str) -> None:
    """The edit changed exactly one record of ``list_key`` (or added it), into ``expected``."""
    bl, al = b.get(list_key, []), a.get(list_key, [])
    rest_b = {k: v for k, v in b.items() if k != list_key}
    rest_a = {k: v for k, v in a.items() if k != list_key}
    others_b = [r for r in bl if not is_target(r)]
    others_a = [r for r in al if not is_target(r)]
    targets = [r for r in al if is_target(r)]
    ok = rest_a == rest_b and others_a == others_b and len(targets) == 1 and _norm(targets[0]) == _norm(expected)
    if not ok:
        raise UnsupportedLayoutError("edit.unusual_layout", rel=rel)


def _norm(rec: dict) -> dict:
    out = dict(rec)
    if "readings" in out:
        out["readings"] = sorted(out["readings"], key=lambda r: (str(r.get("date")), str(r.get("metric"))))
    return out


# --- saving ----------------------------------------------------------------------------


def save(cs: ChangeSet, *, author: str | None = None, use_git: bool = True, branch: str | None = None,
         user: Identity | None | str = LOCAL) -> SaveResult:
    """Write every edited file, all or nothing (see :mod:`.journal`), then commit them when the data
    root is a git repository. A file another save changed meanwhile is merged when the two changes
    touch different records, and refused (:class:`StaleFileError`, nothing written) when they touch the same.

    With a logged-in ``user`` (the app), every change is checked again against ``rights.toml`` before
    anything is written, the commit author is the user, and when the rights file asks for review the
    commit goes to the user's own branch (:func:`.review.user_branch`) while the checkout returns to
    the branch it was on: what everyone sees changes only when a reviewer approves."""
    if not cs.ok:
        raise ChangeRefusedError([r.full() for r in cs.refusals])
    if not cs.edits:
        return SaveResult(())
    in_git = use_git and gitrepo.is_repo(cs.root)
    back_to = None
    if user != LOCAL:
        who = user if isinstance(user, Identity) else None
        rights = load_rights(cs.root)
        reg = cs.registry or load_registry()
        ed = _Editor(cs.root, cs.programme or load_programme(cs.root, registry=reg), reg)
        why: list[Message] = []
        for ch in cs.changes:
            try:
                _check_rights(ed, rights, user, ch)
            except EditError as exc:
                why.append(exc.message)
        if why or who is None:
            raise ChangeRefusedError(why or [msg("edit.not_logged_in")])
        author = who.author
        branch, back_to = review_branch(cs.root, rights, who, in_git) or (branch, None)
    if author:
        gitrepo.parse_author(author)  # a mistyped author is refused before anything is written
    if in_git and branch:
        gitrepo.switch_branch(cs.root, branch)
    try:
        if back_to is not None and any(current_digest(cs.root / e.rel) != e.digest for e in cs.edits):
            # The user's branch already holds their earlier, unreviewed changes: apply this one to the
            # branch's files (checked again) rather than merge it as if someone else had made them.
            cs = prepare(cs.root, list(cs.changes), source=cs.source)
            if not cs.ok:
                raise ChangeRefusedError([r.full() for r in cs.refusals])
            if not cs.edits:
                return SaveResult((), None, branch, True)
        return _save(cs, author, in_git, branch)
    finally:
        if back_to is not None:
            gitrepo.switch_branch(cs.root, back_to)


def review_branch(root: Path, rights: Rights, who: Identity, in_git: bool) -> tuple[str, str | None] | None:
    """(the user's review branch, the branch to return to afterwards or None) when ``rights.toml`` asks
    for review of ``who``'s changes; None when they are committed where the checkout is. Shared by every
    save (records, plan numbers, whole plan files)."""
    if not (in_git and rights.must_branch(who)):
        return None
    from .review import user_branch

    branch = user_branch(who)
    back_to = gitrepo.current_branch(root)
    return branch, (None if back_to == branch else back_to)


def _save(cs: ChangeSet, author: str | None, in_git: bool, branch: str | None) -> SaveResult:
    edits, merged, notes = cs.edits, False, []
    for attempt in range(3):
        if any(current_digest(cs.root / e.rel) != e.digest for e in edits):
            edits, merged = _rebase(cs), True
            if not edits:  # the files already say what the change says
                return SaveResult((), None, None, True)
        try:
            sha, found = journal.commit_files(cs.root, [(e.rel, e.digest, e.after) for e in edits],
                                              message=cs.commit_message(), author=author, use_git=in_git)
        except StaleFileError:
            if attempt == 2:
                raise
            continue  # changed again between the merge and the lock: merge once more
        notes += found
        return SaveResult(tuple(e.rel for e in edits), sha, branch if in_git else None, merged,
                          tuple(Refusal(n.msg) for n in notes))
    raise AssertionError("unreachable")  # pragma: no cover


# --- merging with a save made meanwhile -----------------------------------------------------------


def _rebase(cs: ChangeSet) -> tuple[FileEdit, ...]:
    """The change applied again to the files as they are on disk now (see the module's docstring)."""
    current = {e.rel: read_snapshot(cs.root / e.rel) for e in cs.edits}
    stale = [e.rel for e in cs.edits if current[e.rel].digest != e.digest]
    if cs.programme is None:
        raise _stale(stale)
    reg = cs.registry or load_registry()
    ed = _Editor(cs.root, cs.programme, reg, seed=current)
    try:
        for ch in cs.changes:
            # A stage date someone else set meanwhile is not "replaced" here: the three-way merge below
            # refuses a record both saves changed, naming it.
            ed.apply(replace(ch, replace=True) if isinstance(ch, StageChange) else ch)
    except EditError as exc:
        raise _stale(stale, msg("edit.why.reapply", error=exc.message)) from None
    merged = {e.rel: e for e in ed.edits()}
    if set(merged) - set(current):
        raise _stale(stale)
    for e in cs.edits:
        theirs = current[e.rel].text
        _three_way(e.rel, e.before, e.after, theirs, merged[e.rel].after if e.rel in merged else theirs)
    if not merged:
        return ()
    now = load_programme(cs.root, registry=reg, recover=False)
    after = load_with(cs.root, {rel: e.after for rel, e in merged.items()}, registry=reg)
    errors = new_errors(now.problems, after.problems)
    if errors:
        raise _stale(stale, msg("edit.why.merge_errors", errors=[problem_message(p) for p in errors[:5]]))
    return tuple(merged.values())


def _stale(rels: list[str], why: Message | None = None) -> StaleFileError:
    names = ", ".join(f'"{r}"' for r in rels)
    if why is None:
        return StaleFileError("edit.stale_file", files=names)
    return StaleFileError("edit.stale_file_why", files=names, why=why)


def _three_way(rel: str, base: str | None, ours: str, theirs: str | None, merged: str | None) -> None:
    """Check the merge record by record: ours and theirs touch different records, and ``merged`` holds
    exactly their file with our records; raise :class:`StaleFileError` otherwise."""
    b, o, t, m = (_parts(rel, x) for x in (base, ours, theirs, merged))
    keys = set(b) | set(o) | set(t)
    mine = {k for k in keys if b.get(k) != o.get(k)}
    others = {k for k in keys if b.get(k) != t.get(k)}
    clash = sorted((k for k in mine & others if o.get(k) != t.get(k)), key=str)
    if clash:
        raise StaleFileError("edit.clash", parts=comma_list([_part_name(k) for k in clash[:5]]), rel=rel)
    expected = dict(t)
    for k in mine:
        if k in o:
            expected[k] = o[k]
        else:
            expected.pop(k, None)
    if m != expected:
        raise _stale([rel], msg("edit.why.cannot_merge"))


def _parts(rel: str, text: str | None) -> dict[tuple, list]:
    """A file as its records (by unit and model, or by unit code) and its other top-level keys."""
    if text is None:
        return {}
    try:
        data = tomli.loads(text.removeprefix("\ufeff"))
    except (tomli.TOMLDecodeError, RecursionError):
        return {("text",): [text]}  # a broken file is one part: any change to it clashes
    list_key = "adoption" if rel.startswith("pilots/") else "unit" if rel.startswith("units/") else None
    out: dict[tuple, list] = defaultdict(list)
    for k, v in data.items():
        if k == list_key and isinstance(v, list):
            for r in v:
                out[_record_key(list_key, r, data)].append(r)
        else:
            out[("key", k)].append(v)
    return dict(out)


def _record_key(list_key: str, rec: Any, data: dict) -> tuple:
    if isinstance(rec, dict):
        if list_key == "adoption" and isinstance(rec.get("unit"), str):
            return ("adoption", rec["unit"], str(rec.get("model") or data.get("model")))
        if list_key == "unit" and isinstance(rec.get("code"), str):
            return ("unit", rec["code"])
    return (list_key, "?", json.dumps(rec, default=str, sort_keys=True))


def _part_name(key: tuple) -> Message:
    if key[0] == "adoption" and key[1] != "?":
        return msg("edit.part.record", unit=key[1], model=key[2])
    if key[0] == "unit" and key[1] != "?":
        return msg("edit.part.unit", unit=key[1])
    if key[0] == "key":
        return msg("edit.part.key", name=key[1])
    return msg("edit.part.content")


def _both(m: Message) -> str:
    """A comment written into a new data file, read by people of both languages: "vi / en"."""
    return f"{m.text('vi')} / {m.text('en')}"


def comma_list(items: list[Message]) -> Message:
    """Messages joined with ", " (the formatter joins a list with "; ")."""
    out = items[-1]
    for m in reversed(items[:-1]):
        out = msg("edit.comma", first=m, rest=out)
    return out


def stage_name(stage: str) -> Message | str:
    """A stage in running text: "thí điểm" / "pilot" (the id itself when unknown)."""
    return msg(f"edit.stage_name.{stage}") if f"edit.stage_name.{stage}" in STRINGS else stage


__all__ = ["prepare", "save", "ChangeSet", "FileEdit", "Refusal", "SaveResult", "problem_message", "review_branch"]
