"""Benchmark the remix: speed idle and beside another job, layout overlaps, and the words' error rate.

    python bench/remix.py [--minutes 3] [--preset ultrafast] [--size 1080x1920] [--report HIGHLIGHTS.json]
                          [--skip-busy] [--beside remix,analysis] [--recognise] [--skip-all] [--skip-wer]

Simulates (and processes) a LIVE into bench/.cache/remix-<minutes>m/ once, then reuses it (``--report``:
the highlights of another LIVE, e.g. the 60-minute one of bench/engine.py). Prints:

* the remix of a 30 s highlight at 1080x1920, alone, with another remix running beside it (a LIVE makes
  several clips at once) and with an analysis (``process`` of the same LIVE) beside it: wall time, CPU-seconds
  (ours and our FFmpeg children's) and the time of each stage. The highlight's stored transcript (with its
  words' times, as its job keeps it) is reused, as a remix of a stored highlight does (``--recognise``: the
  remix recognises the speech itself, as before);
* over the remixes of all highlights: how often one of our elements overlaps the host's face, the product
  or the LIVE's marks (as the layout saw them, and, where the simulator's truth.json is there, as drawn),
  how often two of ours overlap, and which elements were left out and why;
* the word error rate of the speech recogniser on the simulator's speech (every pitch, against the
  script) and on real speech (the JFK recording in ../shared/media, if present), without and with the
  catalog's words (hot words, prompt, corrections).

Target: under 15 s for 30 s at 1080x1920 on 2 cores, also beside another job.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from livehighlights.remix import Encoder, RemixOptions, remix, resolve_source
from livehighlights.remix.batch import remix_highlights
from livehighlights.remix.layout import overlap

JFK = Path(__file__).resolve().parents[2] / "shared" / "media" / "jfk-speech.flac"
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, ask what you can do for "
            "your country.")


def _cold_cache() -> None:
    os.environ["LIVEHIGHLIGHTS_CACHE"] = tempfile.mkdtemp(prefix="lh-remix-bench-")


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f} on {len(os.sched_getaffinity(0))} cores"


def _clip30(report: Path, cache: Path) -> tuple[Path, Path]:
    """A 30 s highlight of the LIVE and its stored transcript (as the highlight's job keeps it, with its
    words' times): 30 s from the first highlight's start, cut from the recording."""
    from livehighlights.media import probe
    from livehighlights.media.speech import speech_options, transcribe
    from livehighlights.render import cut_clip

    data = json.loads(report.read_text())
    first = next(h for h in data["highlights"] if h.get("rank") == 1)
    recording = Path(data["live"]["recording"])
    start = round(first["start_s"] * 1000)
    if start + 30_000 > probe(recording).duration_ms:
        start = 10_000
    window = (start, start + 30_000)  # 30 s from the first highlight's start (10-40 s when the LIVE is shorter)
    clip, doc = cache / f"clip30-{start}.mp4", cache / f"clip30-{start}.transcript.json"
    if not clip.is_file():
        cut_clip(recording, *window, clip)
    if not doc.is_file():  # what jobs.records.transcript_json stores (the job's own recognition: no catalog words)
        t = transcribe(recording, *window, speech_options(None, "en"))
        doc.write_text(json.dumps({"window": window, "transcript": {
            "language": t.language, "model": t.model, "text": t.text, "word_times": True, "sentences": [
                {"start_s": s.start_ms / 1000, "end_s": s.end_ms / 1000, "text": s.text.strip(),
                 "words": [{"start_s": w.start_ms / 1000, "end_s": w.end_ms / 1000, "text": w.text,
                            "p": w.probability} for w in s.words]} for s in t.sentences]}}))
    return clip, doc


def _source(report: Path, clip: Path, doc: Path | None) -> object:
    """The first highlight's source, its clip ``clip``; its stored transcript reused unless ``doc`` is None."""
    from livehighlights.remix.reuse import StoredWindow, attach_stored

    src = resolve_source(f"{report}#1")
    src.clip, src.transcript = clip, None
    if doc is not None:
        d = json.loads(doc.read_text())
        attach_stored(src, StoredWindow(*d["window"], d["transcript"]))
    return src


_OTHER = ("import sys, json; from pathlib import Path; sys.path.insert(0, sys.argv[5]); import remix as b;"
          "from livehighlights.remix import RemixOptions, remix;"
          "s = b._source(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[6]) if sys.argv[6] else None);"
          "remix(s, Path(sys.argv[3]), RemixOptions(size=sys.argv[4], live_on=True, style='bold'))")


def _cpu() -> float:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def speed(report: Path, cache: Path, opts: RemixOptions, beside: list[str], recognise: bool) -> None:
    """The 30 s highlight alone, then beside another remix of it or an analysis (a separate process).
    Its stored transcript is reused (as a remix of a stored highlight does) unless ``recognise``."""
    clip, doc = _clip30(report, cache)
    use = None if recognise else doc
    print(f"encoder: {opts.encoder.to_json()}; transcript: {'recognised' if recognise else 'reused'}")
    _cold_cache()
    t, c = time.perf_counter(), _cpu()
    res = remix(_source(report, clip, use), cache / "remix30.mp4", opts)
    print(f"30 s highlight -> {opts.size}, alone ({_load()}): {time.perf_counter() - t:.1f} s, "
          f"{_cpu() - c:.1f} CPU-s  stages {res.timings}")
    for what in beside:
        _cold_cache()
        if what == "remix":
            cmd = [sys.executable, "-c", _OTHER, str(report), str(clip), str(cache / "other.mp4"), opts.size,
                   str(Path(__file__).parent), str(use or "")]
        else:  # an analysis: the after-the-LIVE path over the same LIVE, speech, vision and checks
            live = json.loads(report.read_text())["live"]
            rec = Path(live["recording"])
            cmd = [sys.executable, "-c", "from livehighlights._cli.main import run; run()", "process", str(rec),
                   "--events", str(rec.with_name("events.jsonl")), "--catalog", str(rec.with_name("catalog.json")),
                   "--out", tempfile.mkdtemp(prefix="lh-remix-bench-analysis-"), "--no-clips"]
        env = {**os.environ, "LIVEHIGHLIGHTS_DB": f"sqlite:///{tempfile.mkdtemp(prefix='lh-remix-bench-db-')}/db",
               "LIVEHIGHLIGHTS_MEDIA": tempfile.mkdtemp(prefix="lh-remix-bench-media-")}
        other = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        time.sleep(1.5)  # the other job is under way
        _cold_cache()
        t, c = time.perf_counter(), _cpu()
        res = remix(_source(report, clip, use), cache / "remix30_busy.mp4", opts)
        took, cpu = time.perf_counter() - t, _cpu() - c
        alive = other.poll() is None
        if alive and what != "remix":
            other.terminate()  # an analysis of the whole LIVE takes minutes: it was beside us all along
        other.wait()
        print(f"30 s highlight -> {opts.size}, beside another {what} ({_load()}; the other still running at the "
              f"end: {alive}): {took:.1f} s, {cpu:.1f} CPU-s  stages {res.timings}")


def overlaps(report: Path, cache: Path, opts: RemixOptions) -> None:
    """Remix every highlight; count overlaps of our boxes with the face, product and marks, and each other."""
    _cold_cache()
    t = time.perf_counter()
    results = remix_highlights(report, "classic", cache / "remix", options=opts)
    total = sum(r.data["output"]["duration_ms"] for r in results) / 1000
    print(f"all {len(results)} highlights ({total:.0f} s of video): {time.perf_counter() - t:.1f} s")
    live = json.loads(report.read_text()).get("live") or {}
    truth_file = Path(live.get("recording", "")).with_name("truth.json")
    truth = json.loads(truth_file.read_text()) if truth_file.is_file() else None
    seen: dict[str, int] = {"face": 0, "product": 0, "mark": 0, "ours": 0}
    drawn: dict[str, int] = {"face": 0, "product": 0, "mark": 0}
    dropped: dict[str, int] = {}
    faces_found = 0
    elements = 0
    for r in results:
        d = r.data
        ours = _ours(d)
        elements += len(ours)
        faces_found += bool(d["layout"]["faces"] and d["layout"]["faces"]["faces"])
        for ob in d["layout"]["obstacles"]:
            seen[ob["kind"]] += sum(overlap(b, tuple(ob["box"])) > 0 for _k, b in ours)
        seen["ours"] += sum(overlap(a, b) > 0 for i, (ka, a) in enumerate(ours) for kb, b in ours[i + 1:]
                            if not ka == kb == "point")
        for x in d["enhancements"]["dropped"]:
            why = "repeats the LIVE" if "already shows" in x["reason"] else "no room"
            dropped[f"{x['kind']} ({why})"] = dropped.get(f"{x['kind']} ({why})", 0) + 1
        if truth is not None:
            for kind, box in _truth_boxes(truth, d):
                drawn[kind] += sum(overlap(b, box) > 0 for _k, b in ours)
    print(f"  our elements: {elements}; the host's face found in {faces_found} of {len(results)} remixes")
    print(f"  overlaps with what the layout saw: face {seen['face']}, product {seen['product']}, "
          f"LIVE marks {seen['mark']}; ours with ours {seen['ours']}")
    if truth is not None:
        print(f"  overlaps with the simulator's truth: face {drawn['face']}, product {drawn['product']}, "
              f"LIVE stickers {drawn['mark']}")
    print(f"  left out: {dict(sorted(dropped.items()))}")


def _ours(d: dict) -> list[tuple[str, tuple[int, int, int, int]]]:
    e = d["enhancements"]
    out = [(s["kind"], tuple(s.get("travel") or s["box"])) for s in e["stickers"]]
    out += [(k, tuple(e[k].get("travel") or e[k]["box"])) for k in ("live_badge", "arrow") if e[k]]
    if e["subtitles"].get("band"):
        out.append(("subtitles", tuple(e["subtitles"]["band"])))
    return out


def _truth_boxes(truth: dict, d: dict) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The simulator's face, held products and stickers on screen during the remix's window, in its pixels."""
    fr = d["framing"]
    sw, sh = fr["source_size"]
    W, H = d["output"]["width"], d["output"]["height"]
    s0, s1 = (x / 1000 for x in (d["source"]["live_window_ms"] or [0, 0]))

    def out(box: list[float], sway: tuple[float, float] = (0.0, 0.0)) -> tuple[int, int, int, int]:
        x, y, w, h = box[0] - sway[0], box[1] - sway[1], box[2] + 2 * sway[0], box[3] + 2 * sway[1]
        if fr["mode"] != "follow":
            k = min(W / sw, H / sh)
            return (int(x * k + (W - sw * k) / 2), int(y * k + (H - sh * k) / 2), int(w * k) + 1, int(h * k) + 1)
        k = H / sh
        lefts = [left for _t, left in fr["path"]]
        x0, x1 = min((x - left) * k for left in lefts), max((x + w - left) * k for left in lefts)
        return (int(x0), int(y * k), int(x1 - x0) + 1, int(h * k) + 1)

    boxes = []
    sway = tuple(truth.get("host", {}).get("sway_px", (0.0, 0.0)))
    if truth.get("host"):
        boxes.append(("face", out(truth["host"]["face_box"], sway)))
    held = (sway[0] * 1.35, sway[1] + 0.006 * sh)  # the host's sway and the product's bob in the simulator
    for p in truth["pitches"]:
        for v in p["visible"]:
            if v["where"] == "hands" and v["full_s"] < s1 and v["out_s"] > s0:
                boxes.append(("product", out(v.get("drawn_box", v["box"]), held)))
        if p.get("sticker_box") and p["visible"]:
            last = p["visible"][-1]
            if last["full_s"] < s1 and last["out_s"] > s0:
                boxes.append(("mark", out(p["sticker_box"])))
    return boxes


def wer(report: Path) -> None:
    """Word error rate without and with the catalog's words, on the simulator's pitches and on real speech."""
    from livehighlights.media.speech import speech_options, transcribe
    from livehighlights.remix.render import catalog_vocabulary
    from livehighlights.sources import load_catalog
    from livehighlights.text.vocabulary import word_error_rate

    live = json.loads(report.read_text()).get("live") or {}
    recording = Path(live["recording"])
    truth = json.loads(recording.with_name("truth.json").read_text())
    cat = load_catalog(recording.with_name("catalog.json"))
    products = list(cat.products.values())
    brands = tuple({p.brand for p in products if p.brand})
    from livehighlights.remix.reuse import corrected

    refs, before, after, reused = [], [], [], []
    for p in truth["pitches"]:
        s0, s1 = p["start_s"], p["end_s"]
        said = [x["text"] for x in truth["speech"] if s0 - 0.01 <= x["start_s"] and x["end_s"] <= s1 + 0.5]
        refs.append(" ".join(said))
        window = (int(s0 * 1000), int(s1 * 1000) + 500)
        plain = speech_options(None, "en")
        plain.cache = False
        heard = transcribe(recording, *window, plain)
        before.append(heard.text)
        hinted = speech_options(None, "en")
        hinted.cache, hinted.brands = False, brands
        hinted.vocabulary = tuple(catalog_vocabulary(cat.get(p["product_id"]), products, "en"))
        after.append(transcribe(recording, *window, hinted).text)
        # what a remix of a stored highlight burns: the job's words, the catalog's near misses corrected
        reused.append(corrected(heard, hinted.vocabulary, brands).text)
    words = sum(len(r.split()) for r in refs)
    wb = sum(word_error_rate(r, b) * len(r.split()) for r, b in zip(refs, before, strict=True)) / words
    wa = sum(word_error_rate(r, a) * len(r.split()) for r, a in zip(refs, after, strict=True)) / words
    wr = sum(word_error_rate(r, a) * len(r.split()) for r, a in zip(refs, reused, strict=True)) / words
    print(f"WER on the simulator's speech ({len(refs)} pitches, {words} words): {wb:.3f} without the catalog's "
          f"words, {wa:.3f} with them (hot words, prompt, corrections), {wr:.3f} reused with corrections only "
          "(what a remix of a stored highlight shows)")
    if not JFK.is_file():
        print(f"WER on real speech: {JFK} not found, skipped")
        return
    plain = speech_options(None, "en")
    plain.cache = False
    hinted = speech_options(None, "en")
    hinted.cache, hinted.brands = False, brands
    hinted.vocabulary = tuple(catalog_vocabulary(products[0], products, "en"))
    b, a = transcribe(JFK, 0, None, plain).text, transcribe(JFK, 0, None, hinted).text
    print(f"WER on real speech (JFK, with an unrelated catalog's words as hints): {word_error_rate(JFK_TEXT, b):.3f} "
          f"without, {word_error_rate(JFK_TEXT, a):.3f} with  [{a.strip()}]")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--preset", default="ultrafast")
    ap.add_argument("--size", default="1080x1920")
    ap.add_argument("--report", type=Path, default=None,
                    help="remix every highlight of this highlights.json (e.g. the 60-minute LIVE of bench/engine.py)")
    ap.add_argument("--skip-busy", action="store_true", help="no run beside another job")
    ap.add_argument("--beside", default="remix,analysis",
                    help="the jobs to run beside the remix, one at a time (remix, analysis; comma-separated)")
    ap.add_argument("--recognise", action="store_true",
                    help="recognise the speech in the remix instead of reusing the stored transcript")
    ap.add_argument("--skip-all", action="store_true", help="no remix of every highlight (overlap counts)")
    ap.add_argument("--skip-wer", action="store_true", help="no word error rates")
    a = ap.parse_args()
    cache = Path(__file__).parent / ".cache" / f"remix-{a.minutes:g}m"
    report = a.report or cache / "out" / "highlights.json"
    if a.report is not None:
        cache = Path(__file__).parent / ".cache" / f"remix-{a.report.parent.name}"
        cache.mkdir(parents=True, exist_ok=True)
    elif not report.is_file():
        from livehighlights.pipeline import process
        from livehighlights.sim import SimConfig, simulate

        sim = simulate(SimConfig(minutes=a.minutes, seed=3, resolution="1080p"), cache / "live")
        process(sim.recording, sim.events, cache / "out", catalog_path=sim.catalog)
    opts = RemixOptions(size=a.size, live_on=True, encoder=Encoder(preset=a.preset))
    speed(report, cache, opts, [] if a.skip_busy else [x for x in a.beside.split(",") if x], a.recognise)
    if not a.skip_all:
        overlaps(report, cache, opts)
    if not a.skip_wer:
        wer(report)


if __name__ == "__main__":
    main()
