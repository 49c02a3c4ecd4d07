"""``OUT.remix.json``: what a remix holds (style, elements and their boxes, source, encoder, timings), read
by the compliance checker for its "visual enhancements" rules.

``enhancements.elements`` names what is shown (``subtitles``, ``stickers``, ``title``, ``price``,
``discount``, ``promo``, ``brand``, ``point``, ``cta``, ``live_badge``, ``arrow``, ``end_card``, ``music``) and
``enhancements.boxes`` every area our overlays cover (``[x, y, w, h]`` output pixels), so the checker
does not mistake our own stickers for a third party's marks; ``enhancements.dropped`` the elements left out
and why. ``layout`` holds what the layout kept clear (``obstacles``: the host's face, the product, the
LIVE's marks), the LIVE's entry point the arrow points at, the faces found and the LIVE's own text read.
``source.provenance`` carries the clip's provenance (the LIVE and window it was cut from): the picture and
the LIVE's own audio are kept whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .job import Composition, RemixJob

VERSION = 1


def sidecar_path(out: Path) -> Path:
    """``clip.mp4`` -> ``clip.remix.json`` (where :mod:`livehighlights.check.sidecar` looks)."""
    return out.with_suffix(".remix.json")


def build(job: RemixJob, comp: Composition) -> dict[str, Any]:
    """The sidecar document of a rendered remix."""
    source, out, style, size, duration, plan = job.source, job.out, job.style, job.size, job.duration, job.plan
    live_on, encoder, timings, warnings = job.options.live_on, job.options.encoder, job.timings, job.warnings
    framing, product_box, product_boxes, subtitles = comp.framing, comp.product_box, comp.product_boxes, comp.subtitles
    placed, card, card_kind, sound, language = comp.placed, comp.card, comp.card_kind, comp.sound, comp.language
    kinds = [e.kind for e in placed.elements]
    elements = sorted(set(kinds) | ({"stickers"} if set(kinds) - {"live_badge", "arrow"} else set())
                      | ({"subtitles"} if subtitles.get("status") == "burned" else set())
                      | ({"end_card"} if card else set()) | ({"music"} if sound.music else set()))
    boxes = [list(e.travel or e.box) for e in placed.elements]
    if subtitles.get("band"):
        boxes.append(subtitles["band"])
    if card is not None:
        boxes.append(list(card.box))
    prov = source.provenance
    return {
        "version": VERSION,
        "kind": "remix",
        "output": {"path": str(out), "width": size[0], "height": size[1], "duration_ms": duration,
                   "fps": encoder.fps},
        "style": {"name": style.name, "file": style.source},
        "product_id": source.product.id if source.product else None,
        "catalog": str(source.catalog_path) if source.catalog_path else None,
        "language": language,
        "live_on": live_on,
        "source": {**source.to_json(), "window_ms": [0, duration], "live_window_ms":
                   [prov["start_ms"], prov["end_ms"]] if prov else None,
                   "cut": "whole clip, start kept (the product's first appearance stays in place)"},
        "enhancements": {
            "elements": elements,
            "boxes": boxes,
            "stickers": [e.to_json() for e in placed.elements if e.kind not in ("live_badge", "arrow")],
            "live_badge": next((e.to_json() for e in placed.elements if e.kind == "live_badge"), None),
            "arrow": next((e.to_json() for e in placed.elements if e.kind == "arrow"), None),
            "skipped": placed.skipped,
            "dropped": [{"kind": k, "reason": why} for k, why in placed.dropped.items()],
            "subtitles": subtitles,
            "end_card": None if card is None else {"kind": card_kind, "start_ms": card.start_ms,
                                                   "duration_ms": duration - card.start_ms, "lines": card.lines,
                                                   "box": list(card.box), "darken": card.darken},
            "plan": plan.to_json() if plan else None,
            "music": {"track": sound.music, "ducking": sound.ducking} if sound.music else None,
        },
        "layout": {
            "obstacles": [{"kind": ob.kind, "box": list(ob.box)} for ob in comp.obstacles],
            "entry_point": list(placed.entry) if placed.entry else None,
            "arrow_layout": style.arrow.layout if placed.entry else None,
            "search": placed.search,
            "faces": comp.faces.to_json() if comp.faces is not None else None,
            "screen_text": None if comp.screen is None else {
                "status": comp.screen.status, "reason": comp.screen.reason,
                "lines": [{"text": i.text, "box": list(i.box)} for i in comp.screen.items],
                "cues": [{"kind": c.kind, "text": c.text, "box": list(c.box)} for c in comp.screen.cues]},
        },
        "product_box": list(product_box) if product_box else None,
        "product_boxes": [[t, list(b)] for t, b in product_boxes],
        "framing": framing.to_json(),
        "audio": {"original": "kept whole (never lowered, replaced or muted); music mixed under it",
                  **sound.to_json()},
        "encoder": encoder.to_json(),
        "timings_s": timings,
        "warnings": warnings,
    }


def write(out: Path, data: dict[str, Any]) -> Path:
    path = sidecar_path(out)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path

