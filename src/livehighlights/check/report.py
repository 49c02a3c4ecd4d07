"""The compliance report: every rule with pass / fail / unknown, its evidence, and the tier reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .rules import RULES, RULES_BY_ID, TIERS

STATUSES = ("pass", "fail", "unknown")


@dataclass
class RuleResult:
    """The verdict on one rule and what it rests on (measured values, timestamps)."""

    id: str
    status: str
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        if self.id not in RULES_BY_ID:
            raise ValueError(f"unknown rule {self.id!r}")

    @property
    def rule(self):  # noqa: ANN201 - Rule
        return RULES_BY_ID[self.id]


@dataclass
class ComplianceReport:
    """All rules judged for one clip, in the catalogue's order, and the tier reached."""

    results: list[RuleResult]
    subject: str = ""
    """What was judged (a clip path, or a window of a recording)."""
    context: dict[str, Any] = field(default_factory=dict)

    def get(self, rule_id: str) -> RuleResult:
        return next(r for r in self.results if r.id == rule_id)

    @property
    def tier(self) -> str:
        """``none``, ``basic``, ``high`` or ``good``: the highest tier whose binding rules (and those of
        every tier below) all pass. An ``unknown`` binding rule blocks its tier, except a rule that
        only lacks context the caller did not give (the LIVE, the catalog): that one is listed as
        unverified instead, so a seller's own clip can still be judged on what can be seen."""
        reached = "none"
        for tier in TIERS:
            for r in self.results:
                rule = r.rule
                if rule.tier != tier or rule.advisory:
                    continue
                if r.status == "fail" or (r.status == "unknown" and not self._missing_context(r)):
                    return reached
            reached = tier
        return reached

    @property
    def unverified(self) -> list[str]:
        """Binding rules left unknown for want of context (the LIVE, the catalog)."""
        return [r.id for r in self.results
                if r.status == "unknown" and not r.rule.advisory and self._missing_context(r)]

    def _missing_context(self, r: RuleResult) -> bool:
        need = r.rule.needs
        return need is not None and not self.context.get(need, False)

    def meets(self, tier: str) -> bool:
        order = ("none", *TIERS)
        return order.index(self.tier) >= order.index(tier)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.status == "fail"]

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "tier": self.tier,
            "unverified": self.unverified,
            "context": self.context,
            "rules": [
                {"id": r.id, "tier": r.rule.tier, "title": r.rule.title, "status": r.status,
                 "advisory": r.rule.advisory, "reason": r.reason, "evidence": r.evidence}
                for r in self.results
            ],
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ComplianceReport:
        """The report again from :meth:`to_json` (as stored): rules unknown to this version are left out."""
        results = [RuleResult(r["id"], r["status"], dict(r.get("evidence") or {}), r.get("reason") or "")
                   for r in doc.get("rules", []) if r.get("id") in RULES_BY_ID]
        return cls(ordered(results), subject=doc.get("subject", ""), context=dict(doc.get("context") or {}))


def ordered(results: list[RuleResult]) -> list[RuleResult]:
    """Results in the catalogue's order; a rule not judged becomes ``unknown`` ("not checked")."""
    by_id = {r.id: r for r in results}
    return [by_id.get(rule.id) or RuleResult(rule.id, "unknown", reason="not checked") for rule in RULES]
