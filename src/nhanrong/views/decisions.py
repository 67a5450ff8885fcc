"""The decisions page's view: the few decisions the data calls for at the sidebar's scope, ranked by
consequence (nhanrong.decisions), each naming its units, with what would unblock it and the evidence
to open (the gaps, the model, the plan)."""

from __future__ import annotations

from dataclasses import dataclass

from . import Choices, Frames
from .text import md_escape


@dataclass(frozen=True)
class DecisionCard:
    title: str  # markdown
    why: str
    units: str
    unblock_title: str | None
    unblock: tuple[str, ...]
    model: str
    gap_kinds: tuple[str, ...]  # the gap kinds behind it, for the Gaps page's filter
    plan: str | None  # the plan it comes from, when the data has it
    plan_label: str | None


@dataclass
class DecisionsView:
    header: str
    captions: tuple[str, ...]
    none: str | None
    cards: list[DecisionCard]


def decisions_view(pg, c: Choices, frames: Frames | None = None, limit: int = 12) -> DecisionsView:
    """Every decision at the scope; ``limit``: units named on a card before "and n more"."""
    found = (frames or Frames()).decisions(pg, c)
    plans = pg.programme.plans
    cards = []
    for i, d in enumerate(found, start=1):
        plan = d.evidence.get("plan")
        plan = plan if plan and plan in plans else None
        cards.append(DecisionCard(
            title=f"**{i}. {md_escape(d.title)}**", why=md_escape(d.why),
            units=f"*{md_escape(c.t('decisions.units'))}:* {md_escape(d.units_line(c.lang, limit=limit))}",
            unblock_title=f"*{md_escape(c.t('decisions.unblock'))}:*" if d.unblock else None,
            unblock=tuple(f"- {md_escape(line)}" for line in d.unblock), model=d.model,
            gap_kinds=tuple(sorted({k for _, k in d.evidence.get("gaps", [])})), plan=plan,
            plan_label=c.t("decisions.link_plan", plan=plans[plan].name) if plan else None))
    return DecisionsView(header=c.t("decisions.header", scope=c.scope_name, as_of=c.d(c.as_of)),
                         captions=(c.t("decisions.caption"), c.t("cascade.rule")),
                         none=c.t("decisions.none") if not found else None, cards=cards)


__all__ = ["DecisionCard", "DecisionsView", "decisions_view"]
