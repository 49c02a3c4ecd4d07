"""Text on screen (OCR) and the merchant action cues it shows: discount stickers, prices, "tap the cart".

A few frames of the window (a :class:`~.frames.WindowScan`'s ``hires`` ones, else one seek each) are read by
the ``tesseract`` binary (``tesseract-ocr``; sparse text, TSV; one process per core) as grey and as two
adaptive binarisations (dark on light, light on dark: white on a yellow sticker); confident words grouped
into lines (:class:`ScreenText`), stacked lines into panels, classified by regexes as data
(:data:`SCREEN_CUE_PATTERNS`, the kinds of :mod:`livehighlights.text.cues`) into :class:`ScreenCue`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ToolError, Where
from ..scratch import tied
from ..timebase import Ms

Box = tuple[int, int, int, int]
"""x, y, w, h in full-resolution pixels."""

OCR_SHORT_SIDE = 720  # short side (px) frames are read at: smaller ones are upscaled, larger decoded at it
MAX_UPSCALE = 3.0  # a small picture (a cut-out region) is enlarged at most this much
MIN_CONFIDENCE = 60.0  # tesseract word confidence (0-100) below which a word is dropped
TESSERACT_ENV = "LIVEHIGHLIGHTS_TESSERACT"  # names the tesseract binary (default: ``tesseract`` on PATH)
INSTALL_HINT = "install it with: apt-get install tesseract-ocr"

_CUR = r"(?:[$€£¥₱₫]|\bRp\.?|\bUSD|\bIDR|\bEUR|\bMXN)"
_NUM = r"\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"

COUNTDOWN = r"(?<![\d:.])(?:\d?\d:)?[0-5]?\d:[0-5]\d(?![\d:])"
"""A countdown (05:00): a clock reads the same, so it counts only beside another cue or when it goes down."""

SCREEN_CUE_PATTERNS: dict[str, list[str]] = {
    "price_offer": [
        r"(?<![\w.])-?\s?\d{1,2}\s?%\s?(?:[O0]FF|DISC(?:OUNT)?|DISKON|DESCUENTO|DTO)?(?!\w)",
        rf"{_CUR}\s?(?:{_NUM})", rf"\b(?:{_NUM})\s?(?:USD|IDR|EUR|MXN)\b",
        rf"\b(?:NOW|ONLY|JUST|SOLO|HANYA)\s+(?:[$€£]|Rp\.?\s?)?(?:{_NUM})", r"\b(?:FLASH\s+)?SALE\b",
        r"\bBUY\s*(?:1|ONE)\s*GET\s*(?:1|ONE)(?:\s+FREE)?\b", r"\bBOGO\b", r"\b2\s?[xX]\s?1\b",
        r"\bFREE\s+SHIPP?ING\b", r"\bGRATIS\s+ONGKIR\b", r"\bENV[IÍ]O\s+GRATIS\b",
        r"\b(?:DISKON|DESCUENTO|DISCOUNT|PROMO|VOUCHER|COUPON|OFERTA)\b", r"\bHALF\s+PRICE\b",
    ],
    "limited_time": [
        r"\b(?:TODAY\s+ONLY|ONLY\s+TODAY|HARI\s+INI\s+SAJA|S[OÓ]LO\s+HOY)\b",
        r"\bLIMITED(?:\s+(?:TIME|STOCK|OFFER|EDITION|DEAL))?\b", r"\bENDS?(?:\s+(?:TODAY|TONIGHT|SOON|IN|AT))?\b",
        r"\bENDING\s+SOON\b", r"\bLAST\s+CHANCE\b", r"\bFLASH(?:\s+(?:SALE|DEALS?))?\b",
        r"\bHURRY\b", r"\b(?:ONLY\s+)?\d+\s+LEFT\b", r"\bSTO[CK]K?\s+TERBATAS\b", r"\b[UÚ]LTIMAS?\b",
        COUNTDOWN,
    ],
    "tap_cart": [
        r"\b(?:TAP|CLICK|HIT|PRESS)\s+(?:ON\s+)?(?:THE\s+)?(?:YELLOW\s+|ORANGE\s+)?(?:CART|BASKET|BAG|LINK|BUTTON)\b",
        r"\bSHOP\s+NOW\b", r"\bLINKS?\s+(?:BELOW|IN\s+BIO)\b", r"\bADD\s+TO\s+(?:YOUR\s+)?(?:CART|BAG|BASKET)\b",
        r"\bBUY\s+NOW\b", r"\bORDER\s+NOW\b", r"\bCHECK\s*OUT\s+NOW\b", r"\bKERANJANG\s+KUNING\b",
        r"\bBELI\s+SEKARANG\b", r"\bC[OÓ]MPRA(?:LO)?\s+YA\b",
    ],
}
"""kind -> regexes (case-insensitive, on a line or panel of lines); extend with :func:`add_screen_patterns`."""


@dataclass(slots=True)
class ScreenText:
    """A line of text read on one frame."""

    t_ms: Ms
    text: str
    box: Box
    confidence: float  # mean word confidence, 0-100


@dataclass(slots=True)
class ScreenCue:
    """A cue on screen, first seen at ``t_ms``, read on ``frames`` frames; ``value``/``unit``: a discount
    (``"%"``), an amount (its currency sign, or None) or a countdown (``"countdown"``, seconds)."""

    kind: str
    text: str
    t_ms: Ms
    box: Box
    value: float | None = None
    unit: str | None = None
    frames: int = 1


@dataclass
class ScreenTextResult:
    """What :func:`find_screen_text` read: ``status`` ``"ok"``, or ``"unknown"`` with ``reason``."""

    status: str
    reason: str | None = None
    items: list[ScreenText] = field(default_factory=list)
    cues: list[ScreenCue] = field(default_factory=list)
    frame_times: list[Ms] = field(default_factory=list)
    ocr_s: float = 0.0

    @property
    def discounts(self) -> list[float]:
        """The discount percentages shown (sorted, unique)."""
        return sorted({c.value for c in self.cues if c.kind == "price_offer" and c.unit == "%" and c.value})

    @property
    def prices(self) -> list[tuple[str | None, float]]:
        """The (currency sign or None, amount) pairs shown: "$62.99", "NOW 99.000" (sorted, unique)."""
        return sorted({(c.unit, c.value) for c in self.cues if c.kind == "price_offer" and c.unit != "%" and c.value},
                      key=lambda p: (p[0] or "", p[1]))

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "frame_times": self.frame_times,
                "items": [asdict(i) for i in self.items], "cues": [asdict(c) for c in self.cues],
                "discounts": self.discounts, "prices": [list(p) for p in self.prices]}


def add_screen_patterns(kind: str, patterns: Sequence[str]) -> None:
    """Add regular expressions for ``kind`` (a new kind is fine)."""
    SCREEN_CUE_PATTERNS.setdefault(kind, []).extend(patterns)
    _compiled.cache_clear()


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, re.Pattern[str]]]:
    return [(k, re.compile(p, re.IGNORECASE)) for k, pats in SCREEN_CUE_PATTERNS.items() for p in pats]


def tesseract_exe(binary: str | None = None) -> str:
    """The tesseract binary: ``binary``, else ``$LIVEHIGHLIGHTS_TESSERACT``, else ``tesseract`` on ``PATH``."""
    name = binary or os.environ.get(TESSERACT_ENV) or "tesseract"
    if not (found := shutil.which(name)):
        raise ToolError(f"OCR needs the tesseract binary ({name!r} not found); {INSTALL_HINT}")
    return found


def classify_screen_text(text: str) -> list[tuple[str, int, int, float | None, str | None]]:
    """(kind, start, end, value, unit) of every cue in ``text``; overlapping matches of a kind count once."""
    found: list[tuple[str, int, int, float | None, str | None]] = []
    for kind, rx in _compiled():
        for m in rx.finditer(text):
            if not m.group(0).strip() or any(k == kind and m.start() < e and s < m.end() for k, s, e, _, _ in found):
                continue
            value, unit = _value(m.group(0)) if kind == "price_offer" else (None, None)
            if rx.pattern == COUNTDOWN:
                parts = [int(x) for x in m.group(0).split(":")]
                value, unit = float(sum(v * 60 ** i for i, v in enumerate(reversed(parts)))), "countdown"
            found.append((kind, m.start(), m.end(), value, unit))
    return sorted(found, key=lambda f: f[1])


def find_screen_text(path: str | Path, start_ms: Ms, end_ms: Ms, *, frames: int = 4, scan: Any = None,
                     languages: Sequence[str] = ("eng",), min_confidence: float = MIN_CONFIDENCE,
                     threshold: bool | str = True, workers: int = 2, tesseract: str | None = None,
                     regions: Sequence[Box] | None = None) -> ScreenTextResult:
    """Read the text on ``frames`` frames spread over ``[start_ms, end_ms)`` and the cues it shows.

    ``scan``: a :class:`~.frames.WindowScan` whose ``hires`` frames are used (else frames are decoded).
    ``regions``: read only these boxes of each frame (full-resolution pixels; each is cut out and read on
    its own, a fraction of the cost of whole frames); boxes are still reported in full-frame pixels.
    ``languages``: tesseract codes (``eng`` ships with ``tesseract-ocr``, others need ``tesseract-ocr-LANG``).
    ``threshold``: also read two binarised copies (``True``), or not (``False``), or only when the grey
    pictures show no cue (``"auto"``: the grey pages are read once, the binarised ones after them only when
    needed; the result is then the same as with ``True``). ``workers``: tesseract processes per setting.
    Raises :class:`ToolError` (no tesseract or language), :class:`~livehighlights.errors.MediaError`
    (undecodable window)."""
    import time

    if threshold not in (True, False, "auto"):
        raise ValueError(f"threshold must be True, False or 'auto', not {threshold!r}")
    exe = tesseract_exe(tesseract)
    t0 = time.perf_counter()
    picked = _pick_frames(path, start_ms, end_ms, frames, scan)
    if not picked:
        return ScreenTextResult("unknown", "no frame to read in the window")
    pages = _Pages()
    pages.add(picked, regions, grey=True, binarised=threshold is True)
    words = _ocr(exe, pages.images, languages, workers, pages.binary)
    if threshold == "auto":
        grey = _assemble(picked, pages, words, min_confidence)
        if grey.cues:
            grey.ocr_s = round(time.perf_counter() - t0, 3)
            return grey
        more = _Pages()
        more.add(picked, regions, grey=False, binarised=True)
        extra = _ocr(exe, more.images, languages, workers, more.binary)
        words.update({len(pages.images) + i: w for i, w in extra.items()})
        pages.extend(more)
    res = _assemble(picked, pages, words, min_confidence)
    res.ocr_s = round(time.perf_counter() - t0, 3)
    return res


@dataclass
class _Pages:
    """The pictures tesseract reads: per page its frame (index into the picked frames), whether it is
    binarised, and its place (full pixels per picture pixel, and the offset of its cut-out)."""

    images: list[Any] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    binary: set[int] = field(default_factory=set)
    places: list[tuple[float, float, int, int]] = field(default_factory=list)

    def add(self, picked: list[Any], regions: Sequence[Box] | None, grey: bool, binarised: bool) -> None:
        for i, fr in enumerate(picked):
            kx, ky = fr.image.shape[1] / fr.full_size[0], fr.image.shape[0] / fr.full_size[1]
            cuts = [(0, 0, fr.full_size[0], fr.full_size[1])] if regions is None else list(regions)
            for rx, ry, rw, rh in cuts:
                x0, y0 = max(0, int(rx * kx)), max(0, int(ry * ky))
                x1, y1 = min(fr.image.shape[1], int((rx + rw) * kx)), min(fr.image.shape[0], int((ry + rh) * ky))
                if x1 - x0 < 8 or y1 - y0 < 8:
                    continue
                crop = fr.image[y0:y1, x0:x1]
                for v, img in enumerate(_variants(crop, binarised)):
                    if v == 0 and not grey:
                        continue
                    self.binary.update([len(self.images)] if v else [])
                    self.images.append(img)
                    self.owners.append(i)
                    self.places.append(((x1 - x0) / kx / img.shape[1], (y1 - y0) / ky / img.shape[0],
                                        round(x0 / kx), round(y0 / ky)))

    def extend(self, more: _Pages) -> None:
        n = len(self.images)
        self.images += more.images
        self.owners += more.owners
        self.binary |= {n + p for p in more.binary}
        self.places += more.places


def _assemble(picked: list[Any], pages: _Pages, words: dict[int, list[Word]],
              min_confidence: float) -> ScreenTextResult:
    """Lines and cues from the words read on ``pages``, frame by frame in time order."""
    owners, places = pages.owners, pages.places
    items: dict[tuple[Ms, int, int], ScreenText] = {}  # one reading per line of a frame: the surest
    cues: dict[tuple[str, str], ScreenCue] = {}
    clocks: list[tuple[ScreenCue, bool]] = []  # countdown readings, and whether another cue stood beside
    seen: set[tuple[str, str, Ms]] = set()
    for page, page_words in sorted(words.items(), key=lambda pw: (owners[pw[0]], pw[0])):
        fr = picked[owners[page]]

        def full(box: Box, k: tuple[float, float, int, int] = places[page]) -> Box:
            return (round(box[0] * k[0]) + k[2], round(box[1] * k[1]) + k[3], round(box[2] * k[0]),
                    round(box[3] * k[1]))

        lines = _lines([w for w in page_words if w[5] >= min_confidence])
        for text, box, conf in lines:
            fb = full(box)
            spot = (fr.t_ms, (fb[0] + fb[2] // 2) // 24, (fb[1] + fb[3] // 2) // 24)
            if spot not in items or items[spot].confidence < conf:
                items[spot] = ScreenText(fr.t_ms, text, fb, round(conf, 1))
        for panel in _panels(lines):
            text = " ".join(t for t, _, _ in panel)
            starts = [sum(len(t) + 1 for t, _, _ in panel[:i]) for i in range(len(panel))]
            found = classify_screen_text(text)
            for kind, a, b, value, unit in found:
                box = full(_union([ln[1] for ln, s in zip(panel, starts, strict=True) if s < b and a < s + len(ln[0])]))
                cue = ScreenCue(kind, text[a:b].strip(), fr.t_ms, box, value, unit)
                if unit == "countdown":
                    clocks.append((cue, any(f[4] != "countdown" for f in found)))
                    continue
                key = (kind, _normed(cue.text))
                if key not in cues:
                    cues[key] = cue
                elif (*key, fr.t_ms) not in seen:  # pages come in time order: the first reading stays
                    cues[key].frames += 1
                seen.add((*key, fr.t_ms))
    for cue in _countdowns(clocks):
        cues[(cue.kind, _normed(cue.text))] = cue
    lines_read = sorted(items.values(), key=lambda i: (i.t_ms, i.box[1], i.box[0]))
    return ScreenTextResult("ok", None, lines_read, sorted(cues.values(), key=lambda c: (c.t_ms, c.box[1], c.box[0])),
                            [f.t_ms for f in picked])


def _countdowns(clocks: list[tuple[ScreenCue, bool]]) -> list[ScreenCue]:
    """The first countdown reading that is a cue (beside another cue, or going down frame to frame)."""
    kept = [c for c, beside in clocks if beside]
    ticking = sorted({c.t_ms: c for c, _ in clocks}.values(), key=lambda c: c.t_ms)
    if len(ticking) >= 2 and all((b.value or 0) < (a.value or 0) for a, b in zip(ticking, ticking[1:], strict=False)):
        kept.extend(ticking)
    if not kept:
        return []
    first = min(kept, key=lambda c: c.t_ms)
    first.frames = len({x.t_ms for x in kept})
    return [first]


def _pick_frames(path: str | Path, start_ms: Ms, end_ms: Ms, n: int, scan: Any) -> list[Any]:
    """``n`` frames near the centres of ``n`` equal parts of the window (fewer when frames repeat)."""
    from .frames import iter_frames

    n = max(1, n)
    targets = [start_ms + (end_ms - start_ms) * (2 * i + 1) // (2 * n) for i in range(n)]
    pool = [f for f in (getattr(scan, "hires", None) or []) if start_ms <= f.t_ms < end_ms] if scan else []
    if pool:
        return list({id(f): f for f in (min(pool, key=lambda f: abs(f.t_ms - t)) for t in targets)}.values())
    out: list[Any] = []
    for t in targets:
        for fr in iter_frames(path, t, min(end_ms, t + 2000), fps=None, short_side=OCR_SHORT_SIDE):
            if not out or out[-1].t_ms != fr.t_ms:
                out.append(fr)
            break
    return out


def _variants(img: Any, threshold: bool) -> list[Any]:
    """The images tesseract reads for one frame: grey (upscaled when small) and, optionally, two binarised."""
    import cv2

    img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    short = min(img.shape[:2])
    if short < OCR_SHORT_SIDE * 0.9:
        k = min(MAX_UPSCALE, OCR_SHORT_SIDE / short)
        img = cv2.resize(img, (round(img.shape[1] * k), round(img.shape[0] * k)), interpolation=cv2.INTER_CUBIC)
    out = [img]
    if threshold:  # dark text on a light patch, then light text on a darker one (white on a yellow sticker)
        block = max(15, (min(img.shape[:2]) // 12) | 1)
        for src in (img, 255 - img):
            out.append(cv2.adaptiveThreshold(src, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 12))
    return out


Word = tuple[tuple[int, int, int], int, int, int, int, float, str]  # (block, par, line), x, y, w, h, conf, text


def _chunks(n: int, binary: set[int], workers: int) -> list[tuple[list[int], bool]]:
    """(pages, invert) lists, ``workers`` per setting: binarised pages come in both polarities already."""
    out = []
    for invert in (True, False):
        pages = [p for p in range(n) if (p in binary) != invert]
        out.extend((pages[w::workers], invert) for w in range(max(1, workers)) if pages[w::workers])
    return out


def _ocr(exe: str, images: list[Any], languages: Sequence[str], workers: int,
         binary: set[int] | None = None) -> dict[int, list[Word]]:
    """Tesseract on every image (sparse text, TSV), ``workers`` processes per setting: page -> words."""
    import cv2

    lang = "+".join(languages) or "eng"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    words: dict[int, list[Word]] = {i: [] for i in range(len(images))}
    binary = binary or set()
    with tempfile.TemporaryDirectory(prefix="lh_ocr_") as tmp:
        names = [Path(tmp) / f"{i:03d}.png" for i in range(len(images))]
        for name, img in zip(names, images, strict=True):
            cv2.imwrite(str(name), img, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        procs = []
        for g, (pages, invert) in enumerate(_chunks(len(images), binary, workers)):
            listing = Path(tmp) / f"list{g}.txt"
            listing.write_text("".join(f"{names[p]}\n" for p in pages))
            cmd = [exe, str(listing), "stdout", "--psm", "11", "-l", lang, "-c", f"tessedit_do_invert={int(invert)}",
                   "tsv"]
            try:
                procs.append((pages, subprocess.Popen(tied(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                       env=env)))
            except OSError as err:
                raise ToolError(f"cannot run tesseract: {err}; {INSTALL_HINT}") from err
        for pages, proc in procs:
            try:
                out, err = proc.communicate(timeout=120)
            except subprocess.TimeoutExpired as exc:
                proc.kill()
                raise ToolError("tesseract took more than 120 s") from exc
            if proc.returncode != 0:
                raise ToolError(_failure(err.decode("utf-8", "replace"), lang), Where(exe))
            for page, word in _parse_tsv(out.decode("utf-8", "replace")):
                if 0 <= page < len(pages):
                    words[pages[page]].append(word)
    return words


def _failure(stderr: str, lang: str) -> str:
    if "Failed loading language" in stderr or "Error opening data file" in stderr:
        missing = [code for code in lang.split("+") if f"'{code}'" in stderr or f"/{code}." in stderr] or [lang]
        pkgs = " ".join(f"tesseract-ocr-{c.replace('_', '-').lower()}" for c in missing)
        return f"tesseract has no language data for {'+'.join(missing)}; install it with: apt-get install {pkgs}"
    tail = " | ".join(ln for ln in stderr.strip().splitlines()[-3:] if ln.strip())
    return f"tesseract failed: {tail or 'no message'}"


def _parse_tsv(tsv: str) -> list[tuple[int, Word]]:
    """(0-based page, word) for every recognised word of tesseract's TSV output."""
    out: list[tuple[int, Word]] = []
    for row in tsv.splitlines()[1:]:
        c = row.split("\t")
        if len(c) >= 12 and c[0] == "5" and c[11].strip():
            try:
                box = tuple(int(v) for v in c[6:10])
                out.append((int(c[1]) - 1, ((int(c[2]), int(c[3]), int(c[4])), *box, float(c[10]), c[11].strip())))
            except ValueError:
                continue
    return out


Line = tuple[str, Box, float]


def _lines(words: list[Word]) -> list[Line]:
    """Words grouped by tesseract's line, left to right: (text, box, mean confidence); noise dropped."""
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w)
    out: list[Line] = []
    for ws in groups.values():
        ws.sort(key=lambda w: w[1])
        text = " ".join(w[6] for w in ws)
        if sum(ch.isalnum() for ch in text) < 2:
            continue
        box = _union([(w[1], w[2], w[3], w[4]) for w in ws])
        out.append((text, box, sum(w[5] for w in ws) / len(ws)))
    return sorted(out, key=lambda ln: (ln[1][1], ln[1][0]))


def _panels(lines: list[Line]) -> list[list[Line]]:
    """Lines stacked into panels (a sticker): a line within a line height below, overlapping horizontally."""
    panels: list[list[Line]] = []
    for ln in lines:
        x, y, w, h = ln[1]
        for panel in panels:
            px, py, pw, ph = _union([p[1] for p in panel])
            last = panel[-1][1]
            if 0 <= y - (last[1] + last[3]) <= max(h, last[3]) and x < px + pw and px < x + w:
                panel.append(ln)
                break
        else:
            panels.append([ln])
    return panels


def _normed(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _union(boxes: Sequence[Box]) -> Box:
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    return (x0, y0, max(b[0] + b[2] for b in boxes) - x0, max(b[1] + b[3] for b in boxes) - y0)


def _value(match: str) -> tuple[float | None, str | None]:
    """The percentage or amount a price-offer match states: (value, ``"%"`` or the currency) or (None, None)."""
    pct = re.search(r"(\d{1,2})\s?%", match)
    if pct:
        return float(pct.group(1)), "%"
    cur = re.search(r"[$€£¥₱₫]|Rp|USD|IDR|EUR|MXN", match, re.IGNORECASE)
    num = re.search(r"\d[\d.,\s]*\d|\d", match)
    if not num or not (cur or re.match(r"\s*(?:NOW|ONLY|JUST|SOLO|HANYA)\b", match, re.IGNORECASE)):
        return None, None
    return _amount(num.group(0)), (cur.group(0) if cur else None)


def _amount(digits: str) -> float | None:
    """``"62.99"`` -> 62.99, ``"99.000"`` -> 99000, ``"1,299.00"`` -> 1299 (3 digits after: thousands)."""
    s = re.sub(r"\s", "", digits)
    last = max(s.rfind("."), s.rfind(","))
    whole, frac = re.sub(r"[.,]", "", s[:last]) if last >= 0 else s, s[last + 1:] if last >= 0 else ""
    try:
        return float(whole + frac) if len(frac) in (0, 3) else float(f"{whole}.{frac}")
    except ValueError:
        return None
