"""The ``reencode`` cut: decode the window and encode it whole (libx264 + AAC, one pass)."""

from __future__ import annotations

import av

from ..errors import MediaError, Where
from ..media.probe import open_media
from .encode import VideoClock, add_aac_stream, decode_range, encode_audio, encoder_pix_fmt, setup_x264, x264_options
from .job import CUT_METHODS, CutJob, CutStats

__all__ = ["reencode_cut"]


@CUT_METHODS.register("reencode")
def reencode_cut(job: CutJob) -> CutStats:
    """Decode ``[first, end)`` and encode it whole: libx264 (veryfast, crf 18) + AAC, in one pass."""
    with open_media(job.src) as inp, av.open(str(job.tmp), mode="w", format="mp4",
                                              options={"movflags": "+faststart"}) as out:
        video = inp.streams.video[0]
        clock = VideoClock.of(video)
        pix_fmt = encoder_pix_fmt(video.codec_context.pix_fmt)
        ov = out.add_stream("libx264", rate=clock.fps)
        setup_x264(ov.codec_context, video.codec_context, clock, pix_fmt=pix_fmt, options=x264_options())
        ov.time_base = clock.time_base
        oa = add_aac_stream(out, inp)
        if oa is not None:
            for packet in encode_audio(inp, oa, clock.seconds(job.first), clock.seconds(job.end)):
                out.mux(packet)
        base: int | None = None
        count = 0
        for _idx, frame in decode_range(inp, video, clock, job.first, job.end):
            base = frame.pts if base is None else base
            pts = frame.pts - base
            if frame.format.name != pix_fmt:
                frame = frame.reformat(format=pix_fmt)
            frame.pts = pts
            frame.time_base = clock.time_base
            frame.pict_type = av.video.frame.PictureType.NONE
            out.mux(ov.encode(frame))
            count += 1
        out.mux(ov.encode(None))
    if count == 0:
        raise MediaError(f"no video frames could be decoded between frame {job.first} and {job.end}", Where(job.src))
    if count < job.end - job.first - 1:
        raise MediaError(f"only {count} of {job.end - job.first} frames could be decoded between "
                         f"{job.first} and {job.end} (damaged or variable-frame-rate recording?)", Where(job.src))
    return CutStats("reencode", count, 0)
