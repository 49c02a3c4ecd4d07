"""livehighlights: turn the best moments of a live-shopping LIVE into short, compliant, shoppable clips.

The public Python API, in one import (each name is loaded when first used: importing the package does no
work and pulls in nothing heavy)::

    from livehighlights import ProcessOptions, open_store, process

    with open_store("sqlite:///lh.db", media_root=Path("media")) as store:
        result = process(Path("recording.mp4"), Path("events.jsonl"), Path("out"),
                         catalog_path=Path("catalog.json"), store=store)
        for h in store.highlights(store.seller().id, result.live_id):
            print(h.id, h.rank, h.tier, store.media.path(h.clip))

The stages, in the order data flows: ``sources`` (event logs, catalogs) -> ``signals`` (per-second timeline)
-> ``detect`` (moments) -> ``plan`` (windows, online policy) -> ``jobs`` (the per-moment job: place,
understand, check, cut) -> ``store`` (records, media root) -> ``remix``. All times inside the system are integer
milliseconds from the LIVE's start (see :mod:`.timebase`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # processing
    "process": "pipeline", "ProcessOptions": "pipeline", "ProcessResult": "pipeline", "Highlight": "pipeline",
    "OnlineCost": "pipeline", "detect_moments": "pipeline", "detect": "engine", "Detection": "engine",
    "Engine": "engine", "DetectOptions": "detect", "PlanOptions": "plan", "UnderstandOptions": "understand",
    # inputs and their records
    "Event": "models", "Moment": "models", "Product": "models", "load_events": "sources",
    "load_catalog": "sources", "Catalog": "sources",
    # the store
    "open_store": "store", "Store": "store", "StoreError": "store", "MediaRoot": "store",
    "SellerRecord": "store", "LiveRecord": "store", "MomentRecord": "store", "HighlightRecord": "store",
    "RemixRecord": "store", "LivePlanRecord": "store", "EventIngest": "store",
    # checks and remixes
    "check_clip": "check", "ComplianceReport": "check", "remix": "remix", "RemixOptions": "remix",
    "RemixResult": "remix",
    # errors
    "LiveHighlightsError": "errors", "InputError": "errors", "MediaError": "errors",
}

__all__ = [
    "Catalog", "ComplianceReport", "DetectOptions", "Detection", "Engine", "Event", "EventIngest", "Highlight",
    "HighlightRecord", "InputError", "LiveHighlightsError", "LivePlanRecord", "LiveRecord", "MediaError",
    "MediaRoot", "Moment", "MomentRecord", "OnlineCost", "PlanOptions", "ProcessOptions", "ProcessResult", "Product",
    "RemixOptions", "RemixRecord", "RemixResult", "SellerRecord", "Store", "StoreError", "UnderstandOptions",
    "check_clip", "detect", "detect_moments", "load_catalog", "load_events", "open_store", "process", "remix",
    "__version__",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time each name is imported on first use
    from .check import ComplianceReport, check_clip
    from .detect import DetectOptions
    from .engine import Detection, Engine, detect
    from .errors import InputError, LiveHighlightsError, MediaError
    from .models import Event, Moment, Product
    from .pipeline import Highlight, OnlineCost, ProcessOptions, ProcessResult, detect_moments, process
    from .plan import PlanOptions
    from .remix import RemixOptions, RemixResult, remix
    from .sources import Catalog, load_catalog, load_events
    from .store import (
        EventIngest,
        HighlightRecord,
        LivePlanRecord,
        LiveRecord,
        MediaRoot,
        MomentRecord,
        RemixRecord,
        SellerRecord,
        Store,
        StoreError,
        open_store,
    )
    from .understand import UnderstandOptions


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'livehighlights' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
