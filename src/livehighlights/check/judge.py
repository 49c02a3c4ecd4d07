"""Judge each seed rule from a clip's evidence: pass / fail / unknown, with the evidence quoted.

Thresholds are module constants, documented where they are defined.
"""

from __future__ import annotations

from collections.abc import Callable

from ..rules import (
    BEST_UNDER_S,
    MAX_CLIP_S,
    MIN_CLIP_S,
    MIN_SHORT_SIDE,
    PRODUCT_FULL_WITHIN_S,
    PRODUCT_VISIBLE_WITHIN_S,
)
from ..text.cues import BUYING_CUES
from .evidence import ClipEvidence
from .report import ComplianceReport, RuleResult, ordered
from .rules import RULES

MIN_SIDE = MIN_SHORT_SIDE
"""Seed: at least 720p (the short side of a portrait or landscape frame)."""
MAX_DUP_RATIO = 0.02
"""More than 2% repeated frames inside moving content is visible stutter (lag)."""
MIN_SNR_DB = 12.0
"""Speech at least 12 dB above the noise floor counts as clean."""
MAX_LRA_LU = 15.0
"""EBU R128 loudness range above 15 LU is inconsistent volume for speech."""
MAX_INNER_SILENCE_MS = 3000
"""A silent stretch this long inside a clip (not at its edges) is a volume drop-out."""
MIN_FRONTAL = 0.5
"""The product faces the camera in at least half of the frames where it is seen."""
MIN_DEMO_RATIO = 0.4
"""The product is on screen for at least 40% of the clip: held up and shown, not glimpsed."""
MIN_PLACEMENT_RATIO = 0.6
WATERMARK_CONFIDENCE = 0.5
"""A still, edge-rich region over moving footage at this confidence is a watermark or logo."""


def _declared(box: tuple[int, int, int, int], enhancements: dict | None) -> bool:
    """Whether ``box`` lies mostly on an element our remix declared (our own sticker, not a third party's)."""
    x, y, w, h = box
    for d in (enhancements or {}).get("boxes", []):
        dx, dy, dw, dh = d
        ix = max(0, min(x + w, dx + dw) - max(x, dx))
        iy = max(0, min(y + h, dy + dh) - max(y, dy))
        if ix * iy >= 0.5 * w * h:
            return True
    return False


def judge(ev: ClipEvidence, *, context: dict[str, bool] | None = None) -> ComplianceReport:
    """The compliance report of one clip."""
    ctx = {"live": ev.provenance is not None, "catalog": ev.catalog_given, **(context or {})}
    results = []
    if ev.info is None:  # unreadable: nothing can be judged, say why on every line
        reason = ev.unknown.get("media", "the file cannot be read")
        return ComplianceReport(ordered([RuleResult(r.id, "unknown", reason=reason) for r in RULES]),
                                subject=ev.subject, context=ctx)
    for check in CHECKS:
        results += check(ev)
    return ComplianceReport(ordered(results), subject=ev.subject, context=ctx)


def _unknown(rule: str, ev: ClipEvidence, *names: str, default: str = "not measured") -> RuleResult:
    reason = next((ev.unknown[n] for n in names if n in ev.unknown), default)
    return RuleResult(rule, "unknown", reason=reason)


def _video(ev: ClipEvidence) -> list[RuleResult]:
    info = ev.info
    if not getattr(info, "has_video", True):
        return [RuleResult("resolution", "fail", {"video_stream": False}, "the file has no video stream")] + [
            _unknown(r, ev, "video") for r in ("no_lag", "no_freeze", "no_black")]
    side = min(info.width, info.height)
    out = [RuleResult("resolution", "pass" if side >= MIN_SIDE else "fail",
                      {"width": info.width, "height": info.height, "min_side": side},
                      f"{info.width}x{info.height}" + ("" if side >= MIN_SIDE else f": below {MIN_SIDE}p"))]
    v = ev.video
    if v is None:
        return out + [_unknown(r, ev, "video", "decode") for r in ("no_lag", "no_freeze", "no_black")]
    lag_bad = v.duplicated_ratio > MAX_DUP_RATIO or v.dropped_frames > 0
    out.append(RuleResult("no_lag", "fail" if lag_bad else "pass",
                          {"duplicated_ratio": round(v.duplicated_ratio, 4), "dropped_frames": v.dropped_frames,
                           "lag_spans_ms": v.lag, "real_fps": round(v.real_fps, 3)},
                          f"{v.duplicated_ratio:.1%} repeated frames, {v.dropped_frames} dropped"))
    if v.frozen:
        out.append(RuleResult("no_freeze", "fail", {"frozen_ms": v.frozen}, f"{len(v.frozen)} frozen stretch(es)"))
    else:
        note = "a still picture throughout (static scene, not a freeze)" if v.static else "no frozen stretch"
        out.append(RuleResult("no_freeze", "pass", {"static": v.static}, note))
    out.append(RuleResult("no_black", "fail" if v.black else "pass", {"black_ms": v.black},
                          f"{len(v.black)} black stretch(es)" if v.black else "no black frames"))
    return out


def _length(ev: ClipEvidence) -> list[RuleResult]:
    s = ev.duration_ms / 1000
    best = s < BEST_UNDER_S
    return [RuleResult("length", "pass" if MIN_CLIP_S <= s <= MAX_CLIP_S else "fail", {"seconds": round(s, 3)},
                       f"{s:.1f} s"),
            RuleResult("length_ideal", "pass" if best else "fail", {"seconds": round(s, 3)},
                       f"{s:.1f} s" + (f" (under {BEST_UNDER_S:g} s)" if best else f" ({BEST_UNDER_S:g} s or more)"))]


def _overlays(ev: ClipEvidence) -> list[RuleResult]:
    out = []
    if ev.qr is None:
        out.append(_unknown("no_qr", ev, "qr", "decode"))
    else:
        hits = [{"t_ms": h.t_ms, "text": h.text} for h in ev.qr]
        out.append(RuleResult("no_qr", "fail" if hits else "pass", {"qr_codes": hits[:10]},
                              f"QR code at {hits[0]['t_ms'] / 1000:.1f} s" if hits else "no QR code"))
    o = ev.overlays
    if ev.provenance is not None:
        # cut from the LIVE (and, for a remix, overlaid only with the declared elements): a still
        # element left over (the seller's own sticker, the room's sign) is the LIVE's own picture,
        # not a mark added by a third party
        boxes = [] if o is None or o.status != "ok" else [
            {"box": list(x.box), "confidence": round(x.confidence, 2)} for x in o.overlays
            if not _declared(x.box, ev.enhancements)]
        out.append(RuleResult("no_watermark", "pass", {"candidates": boxes, "live": ev.provenance.live_recording},
                              "nothing added to the LIVE's picture" + (
                                  f" ({len(boxes)} still element(s) belong to the LIVE itself)" if boxes else "")))
        return out
    if o is None or o.status != "ok":
        reason = (o.reason if o is not None else None) or ev.unknown.get("overlays", "not measured")
        out.append(RuleResult("no_watermark", "unknown", reason=reason))
    else:
        boxes = [{"box": list(x.box), "confidence": round(x.confidence, 2)} for x in o.overlays
                 if not _declared(x.box, ev.enhancements)]
        strong = [b for b in boxes if b["confidence"] >= WATERMARK_CONFIDENCE]
        # the still-overlay detector also reports a studio's own graphics: a candidate is a reason for
        # a person to look, not proof of a third party's mark
        status = "unknown" if strong else "pass"
        out.append(RuleResult("no_watermark", status, {"candidates": boxes},
                              f"{len(strong)} still mark(s) over moving footage: needs review" if strong
                              else "none found" + (f" ({len(boxes)} weak candidate(s))" if boxes else "")))
    return out


def _audio(ev: ClipEvidence) -> list[RuleResult]:
    if not ev.info.has_audio:
        return [RuleResult("original_audio", "fail", {"audio_stream": False}, "the clip has no audio track"),
                RuleResult("no_overdub", "fail", {"audio_stream": False}, "no audio track"),
                RuleResult("clean_audio", "fail", reason="no audio track"),
                RuleResult("consistent_volume", "fail", reason="no audio track")]
    a = ev.audio
    if a is None:
        return [_unknown(r, ev, "audio") for r in ("original_audio", "clean_audio", "consistent_volume")] + [
            _overdub(ev)]
    out = [RuleResult("original_audio", "fail" if a.muted else "pass",
                      {"muted": a.muted, "silent_ratio": round(a.silent_ratio, 3)},
                      "the audio is silent (muted)" if a.muted else "audio present and audible"), _overdub(ev)]
    out.append(RuleResult("clean_audio", "pass" if a.snr_db >= MIN_SNR_DB else "fail",
                          {"snr_db": round(a.snr_db, 1), "noise_floor_dbfs": round(a.noise_floor_dbfs, 1),
                           "clipping_ratio": round(a.clipping_ratio, 4)},
                          f"speech {a.snr_db:.0f} dB above the noise floor"))
    inner = [s for s in a.silent_stretches if s[1] - s[0] >= MAX_INNER_SILENCE_MS
             and s[0] > ev.start_ms + 500 and s[1] < ev.end_ms - 500]
    lra = a.loudness_range_lu
    ok = (lra is None or lra <= MAX_LRA_LU) and not inner
    out.append(RuleResult("consistent_volume", "pass" if ok else "fail",
                          {"loudness_range_lu": lra, "integrated_lufs": a.integrated_lufs, "drop_outs_ms": inner},
                          (f"loudness range {lra:.1f} LU" if lra is not None else "loudness range not measurable")
                          + (f", {len(inner)} silent drop-out(s)" if inner else "")))
    return out


def _overdub(ev: ClipEvidence) -> RuleResult:
    p = ev.provenance
    if p is None:
        return RuleResult("no_overdub", "unknown", reason="no LIVE to compare the audio with")
    if p.audio != "original":
        return RuleResult("no_overdub", "fail", {"audio": p.audio, "live": p.live_recording}, p.audio)
    c = ev.provenance_check
    if c is not None:
        return RuleResult("no_overdub", c.sound, c.evidence, c.sound_reason)
    if "provenance" in ev.unknown:
        return RuleResult("no_overdub", "unknown", reason=ev.unknown["provenance"])
    return RuleResult("no_overdub", "pass" if p.audio == "original" else "fail",
                      {"audio": p.audio, "live": p.live_recording},
                      "the LIVE's own audio over the same window" if p.audio == "original" else p.audio)


def _speech(ev: ClipEvidence) -> list[RuleResult]:
    out = []
    t = ev.transcript
    screen = [c for c in (ev.screen.cues if ev.screen is not None and ev.screen.status == "ok" else [])]
    if t is None:
        out += [_unknown(r, ev, "speech", "audio") for r in ("decision_speech", "local_language")]
        out.append(_action_cues(ev, [], screen, speech_known=False))
        return out
    cues = ev.cues or []
    buying = [c for c in cues if c.kind in BUYING_CUES]
    stated = [p for p in (ev.points or []) if p.stated]
    words = len(t.words)
    decisive = bool(buying or stated)
    out.append(RuleResult("decision_speech", "pass" if decisive else "fail",
                          {"words": words, "buying_cues": [c.text for c in buying][:5],
                           "selling_points_stated": len(stated)},
                          "the host sells: " + ", ".join([c.text for c in buying][:3] + [p.point for p in stated][:2])
                          if decisive else ("no speech" if not words else "no call to buy and no selling point")))
    expected = ev.language_expected
    if expected:
        out.append(RuleResult("local_language", "pass" if t.language == expected else "fail",
                              {"language": t.language, "probability": t.language_probability,
                               "expected": expected}, f"spoken language {t.language}"))
    else:
        out.append(RuleResult("local_language", "unknown", {"language": t.language,
                                                            "probability": t.language_probability},
                              f"spoken language {t.language}; no local language given (--language)"))
    out.append(_action_cues(ev, cues, screen, speech_known=True))
    return out


def _action_cues(ev: ClipEvidence, spoken: list, shown: list, *, speech_known: bool) -> RuleResult:
    """Merchant action cues, said by the host or shown on screen (a price sticker, "tap the cart")."""
    evidence = {"cues": [{"kind": c.kind, "text": c.text, "start_ms": c.start_ms, "source": "speech"}
                         for c in spoken][:10]
                + [{"kind": c.kind, "text": c.text, "t_ms": c.t_ms, "source": "screen"} for c in shown][:10]}
    kinds = sorted({c.kind for c in spoken} | {f"{c.kind} (on screen)" for c in shown})
    if kinds:
        return RuleResult("action_cues", "pass", evidence, ", ".join(kinds))
    if not speech_known and ev.screen is None:
        return _unknown("action_cues", ev, "speech", "screen_text", "audio")
    return RuleResult("action_cues", "fail", evidence, "no merchant action cue said or shown")


def _provenance(ev: ClipEvidence) -> list[RuleResult]:
    p = ev.provenance
    if p is None:
        why = "no LIVE given: cannot tell where the clip was taken from"
        return [RuleResult("real_live", "unknown", reason=why), RuleResult("product_in_live", "unknown", reason=why)]
    c = ev.provenance_check
    if c is not None:
        out = [RuleResult("real_live", c.picture, c.evidence, c.picture_reason)]
    elif "provenance" in ev.unknown:
        out = [RuleResult("real_live", "unknown", reason=ev.unknown["provenance"])]
    else:  # the window analysed is the LIVE's recording itself
        out = [RuleResult("real_live", "pass", {"live": p.live_recording, "start_ms": p.start_ms,
                                                "end_ms": p.end_ms}, "cut from the LIVE's recording")]
    seen = ev.visibility is not None and ev.visibility.first_visible_ms is not None
    if p.product_in_live or seen:
        out.append(RuleResult("product_in_live", "pass", {"in_events": p.product_in_live, "seen_on_screen": seen},
                              "the product was " + " and ".join(
                                  x for x, ok in (("pinned/ordered in the LIVE", p.product_in_live),
                                                  ("seen in the LIVE's picture", seen)) if ok)))
    elif ev.product is None:
        out.append(RuleResult("product_in_live", "unknown", reason="no product given"))
    else:
        out.append(RuleResult("product_in_live", "fail", {"in_events": False, "seen_on_screen": False},
                              f"product {ev.product.id} was neither pinned nor seen in the LIVE"))
    return out


def _selling_points(ev: ClipEvidence) -> list[RuleResult]:
    if ev.points is None:
        return [_unknown("selling_points", ev, "selling_points", "speech", "audio")]
    stated = [p for p in ev.points if p.stated]
    return [RuleResult("selling_points", "pass" if stated else "fail",
                       {"stated": [{"point": p.point, "method": p.method, "score": round(p.score, 3),
                                    "start_ms": p.start_ms} for p in stated],
                        "not_stated": [p.point for p in ev.points if not p.stated],
                        "embedder": next((p.embedder for p in ev.points), None)},
                       f"{len(stated)} of {len(ev.points)} selling points stated")]


def _product(ev: ClipEvidence) -> list[RuleResult]:
    ids = ("product_match", "product_front", "product_within_1s", "product_full_5s", "demonstration",
           "clear_placement")
    v = ev.visibility
    if v is None or v.status != "ok":
        return [_unknown(r, ev, "visibility", "decode") for r in ids]
    seen = v.first_visible_ms is not None
    out = []
    if v.matches_catalog is False:
        out.append(RuleResult("product_match", "fail", {"best_other": v.best_other, "scores": v.scores},
                              f"the frames match product {v.best_other} better"))
    elif not seen:
        out.append(RuleResult("product_match", "fail", {"visible_ratio": 0.0}, "the product is never seen"))
    else:
        out.append(RuleResult("product_match", "pass" if v.matches_catalog else "unknown",
                              {"scores": v.scores}, "the catalog's product is the one seen"
                              if v.matches_catalog else "no other product to compare with"))
    out.append(RuleResult("product_front", "pass" if seen and v.frontal_ratio >= MIN_FRONTAL else "fail",
                          {"frontal_ratio": round(v.frontal_ratio, 3)}, f"seen from the front in {v.frontal_ratio:.0%}"
                          " of its sightings" if seen else "the product is never seen"))
    first = None if not seen else (v.first_visible_ms - ev.start_ms) / 1000
    soon = first is not None and first <= PRODUCT_VISIBLE_WITHIN_S
    out.append(RuleResult("product_within_1s", "pass" if soon else "fail",
                          {"first_visible_s": first}, f"first visible at {first:.2f} s" if first is not None
                          else "never visible"))
    full = None if v.first_full_ms is None else (v.first_full_ms - ev.start_ms) / 1000
    out.append(RuleResult("product_full_5s", "pass" if full is not None and full <= PRODUCT_FULL_WITHIN_S else "fail",
                          {"first_full_s": full}, f"fully visible at {full:.2f} s" if full is not None
                          else "never fully visible"))
    out.append(RuleResult("demonstration", "pass" if v.visible_ratio >= MIN_DEMO_RATIO else "fail",
                          {"visible_ratio": round(v.visible_ratio, 3)},
                          f"the product is shown for {v.visible_ratio:.0%} of the clip"))
    placed = v.visible_ratio >= MIN_PLACEMENT_RATIO and v.frontal_ratio >= MIN_FRONTAL
    out.append(RuleResult("clear_placement", "pass" if placed else "fail",
                          {"visible_ratio": round(v.visible_ratio, 3), "frontal_ratio": round(v.frontal_ratio, 3)},
                          f"on screen {v.visible_ratio:.0%}, front {v.frontal_ratio:.0%}"))
    return out


def _enhancements(ev: ClipEvidence) -> list[RuleResult]:
    e = ev.enhancements
    if e is None:
        promo = _screen_promotion(ev)
        if ev.provenance is not None:
            why = "a raw LIVE cut: no stickers or text overlays (remix it to add them)"
            return [RuleResult("visual_enhancements", "fail", {"remix": False}, why), promo or
                    RuleResult("promotion_visuals", "fail", {"remix": False}, why)]
        return [RuleResult("visual_enhancements", "unknown", reason="no remix sidecar: overlays cannot be read"),
                promo or RuleResult("promotion_visuals", "unknown",
                                    reason="no remix sidecar and no price or discount read on screen")]
    elements = set(e.get("elements", []))
    visual = elements & {"subtitles", "stickers", "title", "price", "discount", "promo", "brand", "arrow",
                         "end_card", "live_badge"}
    promo = {"promo", "discount", "brand"} <= elements
    return [RuleResult("visual_enhancements", "pass" if visual else "fail", {"elements": sorted(elements)},
                       ", ".join(sorted(visual)) if visual else "the remix added no visual element"),
            RuleResult("promotion_visuals", "pass" if promo else "fail", {"elements": sorted(elements)},
                       "promotion sticker, discount and brand shown" if promo
                       else "missing: " + ", ".join(sorted({"promo", "discount", "brand"} - elements)))]


def _screen_promotion(ev: ClipEvidence) -> RuleResult | None:
    """The LIVE's own promotion sticker, read on screen: a discount or a price with the product's brand."""
    sc = ev.screen
    if sc is None or sc.status != "ok" or not (sc.discounts or sc.prices):
        return None
    brand = (ev.product.brand or "").lower() if ev.product is not None else ""
    brand_shown = bool(brand) and any(brand in i.text.lower() for i in sc.items)
    evidence = {"discounts": sc.discounts, "prices": [list(p) for p in sc.prices], "brand_shown": brand_shown}
    if brand and not brand_shown:
        return RuleResult("promotion_visuals", "fail", evidence,
                          f"discount/price on screen, but the brand ({ev.product.brand}) is not shown")
    return RuleResult("promotion_visuals", "pass", evidence, "discount or price on screen"
                      + (" with the brand" if brand_shown else ""))


CHECKS: tuple[Callable[[ClipEvidence], list[RuleResult]], ...] = (
    _video, _length, _overlays, _audio, _speech, _provenance, _selling_points, _product, _enhancements)
