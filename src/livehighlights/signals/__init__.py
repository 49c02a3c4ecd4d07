"""Per-second metric timeline of a LIVE (GMV, orders, profit, GPM, viewers, engagement, pinned product)."""

from .builder import TimelineBuilder, build_timeline
from .timeline import METRICS, PRODUCT_METRICS, Second, Timeline

__all__ = ["METRICS", "PRODUCT_METRICS", "Second", "Timeline", "TimelineBuilder", "build_timeline"]
