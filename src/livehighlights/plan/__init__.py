"""Clip planning: windows around moments, ranking, de-duplication and quotas."""

from .options import PlanOptions
from .policy import Decision, OnlinePolicy
from .refine import refine_window
from .select import Rejected, select, select_items
from .windows import ClipWindow, PauseFinder, place_window

__all__ = ["ClipWindow", "Decision", "OnlinePolicy",
           "PauseFinder", "PlanOptions", "Rejected", "place_window", "refine_window", "select", "select_items"]
