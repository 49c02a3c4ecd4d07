"""The compliance report: every rule of the seeds judged pass / fail / unknown with its evidence,
and the tier reached (none, basic, high, good)."""

from .evidence import CheckOptions, ClipEvidence, Provenance
from .report import ComplianceReport, RuleResult
from .rules import RULES, RULES_BY_ID, TIERS, Rule

__all__ = ["RULES", "RULES_BY_ID", "TIERS", "CheckOptions", "ClipEvidence", "ComplianceReport", "Provenance",
           "Rule", "RuleResult", "check_clip"]


def check_clip(path, start_ms=0, end_ms=None, **kwargs) -> ComplianceReport:  # noqa: ANN001
    """Analyse ``[start_ms, end_ms)`` of ``path`` and judge it (see :func:`.analyze.analyze`)."""
    from .analyze import analyze
    from .judge import judge

    return judge(analyze(path, start_ms, end_ms, **kwargs))
