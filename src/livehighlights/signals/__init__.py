"""Per-second metric timeline of a LIVE (GMV, orders, profit, GPM, viewers, engagement, pinned product)."""

from .timeline import METRICS, PRODUCT_METRICS, Second, Timeline

__all__ = ["METRICS", "PRODUCT_METRICS", "Second", "Timeline"]
