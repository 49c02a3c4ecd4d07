"""The ``smart`` cut: re-encode only what stream copy cannot give, copy the rest.

A clip ``[first, end)`` of an H.264 source becomes up to three parts, joined in one MP4 track:

1. head ``[first, K)``: re-encoded with libx264 (source size, pixel format, profile, level,
   colours), where ``K`` is the first keyframe at or after ``first`` (empty when ``first`` is one);
2. body ``[K, X)``: the source's packets, copied as they are;
3. tail ``[X, end)``: re-encoded, only when ``end`` falls inside a B-frame group: ``X`` is the last
   point at or before ``end`` where the packets read so far (decode order) are exactly the frames
   shown so far, so no copied frame needs a reference past the end.

SPS/PPS: the head's and the source's parameter sets differ, and an MP4 sample entry (``avcC``)
holds one set. Every part therefore carries its parameter sets in-band at its first keyframe (an
IDR): x264's head and tail have theirs, and the source's (from its ``avcC``) are inserted before
the body's first packet. Decoders switch sets exactly at each IDR. The ``avcC`` stays the source's.
Timestamps are rebuilt for the whole track: ``pts`` from the source frames, ``dts`` the sorted
``pts`` shifted by the largest reorder delay of any part, so DTS increase strictly across joins.
The written clip is then verified (frame count, error-free decoding across each join, first frame
equal to the source's); any failure raises :class:`SmartCutUnavailable` and the caller re-encodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import av
import numpy as np

from ..media.probe import open_media
from .encode import (
    VideoClock,
    add_aac_stream,
    decode_range,
    encode_audio,
    encoder_pix_fmt,
    seek_before,
    setup_x264,
    x264_options,
)
from .job import CUT_METHODS, CutJob, CutStats, SmartCutUnavailable, check_clip, source_ref
from .nal import NalFormat, is_idr, parameter_sets, parse_extradata, split_annexb, with_parameter_sets
from .reencode import reencode_cut
from .verify import first_frame_ref

READ_AHEAD_PACKETS = 64
"""Packets past the first keyframe examined when looking for it (keyframe hints may be slightly off)."""


@dataclass(slots=True)
class Unit:
    """One access unit of the output track, in decode order; ``pts`` in the source's time base."""

    pts: int
    data: bytes
    key: bool


@CUT_METHODS.register("smart")
def smart_cut(job: CutJob) -> CutStats:
    """Cut ``job`` with the smart method (see the module docs)."""
    if job.info.video_codec != "h264":
        raise SmartCutUnavailable(f"source video is {job.info.video_codec}, not H.264")
    with open_media(job.src) as inp:
        video = inp.streams.video[0]
        clock = VideoClock.of(video)
        fmt, src_sets = parse_extradata(video.codec_context.extradata)
        key, body = _body(inp, video, clock, job, fmt)
        cut_x = key + len(body)
        if cut_x <= key:  # the window lies inside one GOP: nothing to copy
            stats = reencode_cut(job)
            stats.fallback = "no keyframe inside the window"
            return stats
        units: list[Unit] = []
        ref = None
        if key > job.first:
            head, ref = _encode(inp, video, clock, job.first, key, fmt)
            units += head
            first = body[0]
            nals = fmt.split(first.data)
            if src_sets or not parameter_sets(nals):
                body[0] = Unit(first.pts, fmt.join(with_parameter_sets(nals, src_sets)), True)
        units += body
        if cut_x < job.end:
            tail, _ = _encode(inp, video, clock, cut_x, job.end, fmt)
            units += tail
        _write(job, inp, video, clock, units)
    if ref is None:
        ref = source_ref(job)
    joins = [k - job.first for k in (key, cut_x) if job.first < k < job.end]
    check_clip(job, ref, joins)
    return CutStats("smart", (key - job.first) + (job.end - cut_x), cut_x - key)


def _body(inp: Any, video: Any, clock: VideoClock, job: CutJob, fmt: NalFormat) -> tuple[int, list[Unit]]:
    """The first keyframe ``K`` at or after ``job.first`` and the source packets to copy from it."""
    hint = job.first
    if job.keyframes:
        after = [k for k in (clock.index_at_ms(ms) for ms in job.keyframes) if k >= job.first]
        hint = min(after) if after else job.end
    if hint >= job.end:
        return job.end, []
    seek_before(inp, video, clock, hint)
    key: int | None = None
    units: list[Unit] = []
    top = -1
    clean = 0
    seen = 0
    for packet in inp.demux(video):
        if packet.pts is None or not packet.size:
            continue
        idx = clock.index_of_pts(packet.pts)
        if key is None:
            seen += 1
            if packet.is_keyframe and idx >= job.first:
                if idx >= job.end:
                    return job.end, []
                if not is_idr(fmt.split(bytes(packet))):
                    raise SmartCutUnavailable(f"keyframe at frame {idx} is not an IDR (open GOP)")
                key = idx
            elif seen > READ_AHEAD_PACKETS and idx > job.end:
                return job.end, []
            else:
                continue
        if idx >= job.end:
            break
        if idx < key:
            raise SmartCutUnavailable(f"frame {idx} after keyframe {key} refers back across it (open GOP)")
        units.append(Unit(packet.pts, bytes(packet), bool(packet.is_keyframe)))
        top = max(top, idx)
        if top == key + len(units) - 1:
            clean = len(units)  # the units so far are exactly the frames [key, key + clean)
    if key is None:
        return job.end, []
    return key, units[:clean]


def _encode(inp: Any, video: Any, clock: VideoClock, first: int, end: int,
            fmt: NalFormat) -> tuple[list[Unit], np.ndarray | None]:
    """Re-encode frames ``[first, end)`` as a part that starts with an IDR carrying its SPS/PPS in-band."""
    src_ctx = video.codec_context
    pix_fmt = encoder_pix_fmt(src_ctx.pix_fmt)
    enc = av.CodecContext.create("libx264", "w")
    setup_x264(enc, src_ctx, clock, pix_fmt=pix_fmt, options=x264_options(src_ctx.profile, src_ctx.level))
    packets: list[Any] = []
    ref = None
    count = 0
    for _idx, frame in decode_range(inp, video, clock, first, end):
        if ref is None:
            ref = first_frame_ref(frame)
        pts = frame.pts
        if frame.format.name != pix_fmt:
            frame = frame.reformat(format=pix_fmt)
        frame.pts = pts
        frame.time_base = clock.time_base
        frame.pict_type = av.video.frame.PictureType.NONE
        packets += enc.encode(frame)
        count += 1
    packets += enc.encode(None)
    if count != end - first:
        raise SmartCutUnavailable(f"decoded {count} frames of {end - first} to re-encode")
    units = [Unit(p.pts, fmt.join(split_annexb(bytes(p))), bool(p.is_keyframe)) for p in packets]
    if not units or not parameter_sets(split_annexb(bytes(packets[0]))):
        raise SmartCutUnavailable("the re-encoded part has no in-band SPS/PPS")
    return units, ref


def _write(job: CutJob, inp: Any, video: Any, clock: VideoClock, units: list[Unit]) -> None:
    """Mux ``units`` (decode order) and the re-encoded audio window into ``job.tmp``."""
    base = min(u.pts for u in units)
    pts = [u.pts - base for u in units]
    order = sorted(pts)
    shift = max(0, *(s - p for s, p in zip(order, pts, strict=True)))
    ticks = clock.frame_ticks()
    durations = {p: (order[i + 1] - p if i + 1 < len(order) else ticks) for i, p in enumerate(order)}
    with av.open(str(job.tmp), mode="w", format="mp4", options={"movflags": "+faststart"}) as out:
        ov = out.add_stream_from_template(video)
        ov.time_base = clock.time_base
        oa = add_aac_stream(out, inp)
        if oa is not None:
            for packet in encode_audio(inp, oa, clock.seconds(job.first), clock.seconds(job.end)):
                out.mux(packet)
        for i, (unit, p) in enumerate(zip(units, pts, strict=True)):
            packet = av.Packet(unit.data)
            packet.pts = p
            packet.dts = order[i] - shift
            packet.duration = durations[p]
            packet.time_base = clock.time_base
            packet.is_keyframe = unit.key
            packet.stream = ov
            out.mux(packet)
