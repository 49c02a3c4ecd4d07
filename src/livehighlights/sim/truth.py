"""Ground truth of a simulated LIVE (``truth.json``) and the event log writer (``events.jsonl``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .config import SimConfig
from .scene import Layout, face_box
from .script import Show
from .speech import Spoken

EVENT_FIELDS = ("count", "text", "user", "product_id", "quantity", "amount", "currency", "gross_profit", "value")
_TYPE_ORDER = {"product_unpin": 0, "product_pin": 1}


def _iso(start: datetime, ms: int) -> str:
    t = start + timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def write_events(events: list[dict[str, Any]], path: Path, live_start: datetime | None = None) -> int:
    """Sort, give ids (``e000001``...) and write JSON Lines; ``ts`` in seconds or ISO-8601 UTC."""
    ordered = sorted(enumerate(events), key=lambda ie: (ie[1]["ts_ms"], _TYPE_ORDER.get(ie[1]["type"], 2), ie[0]))
    with path.open("w", encoding="utf-8") as fh:
        for n, (_, e) in enumerate(ordered, start=1):
            ts: float | str = e["ts_ms"] / 1000 if live_start is None else _iso(live_start, e["ts_ms"])
            rec: dict[str, Any] = {"ts": ts, "id": f"e{n:06d}", "type": e["type"]}
            rec.update({k: e[k] for k in EVENT_FIELDS if e.get(k) is not None})
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(ordered)


def build_truth(config: SimConfig, show: Show, spoken: list[Spoken] | None) -> dict[str, Any]:
    """The planted moments, all pitches (with on-screen windows), distractors, spoken sentences and the
    host's face (``host.face_box`` at rest, frame pixels; the host sways by ``host.sway_px`` around it).

    With ``spoken=None`` (no media rendered) the speech entries are the planned slots.
    """
    lay = Layout(*config.size)
    ph = lay.product_h
    pw = round(ph * 600 / 760)
    cx, cy = lay.held_center
    tx, ty = lay.table_center
    tw, th = round(pw * 0.45), int(ph * 0.45)
    pitches = []
    for p in show.pitches:
        visible = []
        for a in p.appearances:
            box = [cx - pw // 2, cy - ph // 2, pw, ph] if a.where == "hands" else [tx - tw // 2, ty - th, tw, th]
            visible.append({"enter_s": a.enter_s, "full_s": a.full_s, "out_s": a.out_s, "exit_s": a.exit_s,
                            "where": a.where, "box": box, "tilted": [list(w) for w in a.tilted],
                            **({"drawn_box": a.drawn_box} if a.drawn_box else {})})
        pitches.append({"index": p.index, "product_id": p.product_id, "pinned_product_id": p.pinned_id,
                        "start_s": p.start_s, "end_s": p.end_s, "key_s": p.key_s, "success": p.success,
                        "lift": p.lift, "visible": visible, "selling_points_spoken": p.selling_points_spoken,
                        "sticker": p.sticker, "sticker_box": p.sticker_box})
    if spoken is None:
        speech = [{"start_s": ln.start_s, "end_s": round(min(show.duration_s, ln.start_s + ln.slot_s), 3),
                   "text": ln.text} for ln in show.lines]
    else:
        speech = [{"start_s": s.start_s, "end_s": s.end_s, "text": s.text} for s in spoken]
    return {
        "seed": config.seed,
        "duration_s": round(show.duration_s, 3),
        "difficulty": config.difficulty,
        "resolution": config.resolution,
        "orientation": config.orientation,
        "size": list(config.size),
        "fps": config.fps,
        "host": {"face_box": list(face_box(lay)), "sway_px": list(lay.sway)},
        "moments": [{"start_s": p.start_s, "end_s": p.end_s, "product_id": p.product_id, "kind": "pitch"}
                    for p in show.pitches if p.success],
        "pitches": pitches,
        "distractors": [{"kind": d.kind, "start_s": d.start_s, "end_s": d.end_s, "size": d.size}
                        for d in show.distractors],
        "speech": speech,
    }


def write_truth(truth: dict[str, Any], path: Path) -> None:
    """Write ``truth.json``."""
    path.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
