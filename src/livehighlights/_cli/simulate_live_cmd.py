"""``livehighlights simulate --live``: stream a simulated LIVE in real time (video and events) for ``live`` to follow.

The options are declared here and added to the ``simulate`` command in :mod:`livehighlights._cli.main`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError, Where
from .output import console, esc

__all__ = ["DropOpt", "FromOpt", "LiveOpt", "PortOpt", "PushOpt", "RtmpListenOpt", "ServeOpt", "SpeedOpt", "ToOpt",
           "TokenOpt", "simulate_live"]

LiveOpt = Annotated[bool, typer.Option("--live", help="Stream the LIVE in real time (video through FFmpeg, events "
                                                      "written as their time comes) instead of only writing it.")]
SpeedOpt = Annotated[float, typer.Option(help="With --live: times real time.")]
ServeOpt = Annotated[str, typer.Option("--serve", help="With --live: hls (a playlist, served over HTTP), rtmp (pushed "
                                                       "to --to) or file (a growing MPEG-TS file).")]
PortOpt = Annotated[int, typer.Option("--port", help="With --serve hls: the HTTP port (0: a free one).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="With --serve rtmp: the RTMP URL (default "
                                                        "rtmp://127.0.0.1:1935/live/sim).")]
RtmpListenOpt = Annotated[bool, typer.Option("--rtmp-listen", help="With --serve rtmp: FFmpeg listens on --to and "
                                                                   "the follower pulls, instead of pushing to it.")]
PushOpt = Annotated[str | None, typer.Option("--push", help="Also POST the events in batches to this URL.")]
TokenOpt = Annotated[str | None, typer.Option("--token", envvar="LIVEHIGHLIGHTS_EVENTS_TOKEN",
                                              help="Bearer token for --push.")]
DropOpt = Annotated[str | None, typer.Option("--drop", help="AT,FOR: the video stops AT seconds in and comes back "
                                                            "FOR seconds later (a flaky source).")]
FromOpt = Annotated[Path | None, typer.Option("--from", help="Stream this simulated LIVE folder (recording.mp4, "
                                                             "events.jsonl) instead of simulating a new one.")]
LINGER_S = 10.0
"""After the end, the HLS server stays up this long so a follower can fetch the last segments."""


def _drop(text: str | None) -> tuple[float | None, float]:
    if not text:
        return None, 0.0
    at, sep, dur = text.partition(",")
    try:
        if not sep:
            raise ValueError
        return float(at), float(dur)
    except ValueError:
        raise InputError(f"'{text}' is not AT,FOR (two numbers of seconds)", Where(field="--drop")) from None


def simulate_live(out: Path, make_sim: Callable[[Path], Any] | None = None, *, source: Path | None,
                  speed: float, serve: str, port: int, to: str | None, rtmp_listen: bool, push: str | None,
                  token: str | None, drop: str | None) -> None:
    """Simulate (``make_sim(out)``) or take (``source``) a LIVE and stream it until it ends or Ctrl-C."""
    from ..live.serve import DEFAULT_RTMP_URL, ServeOptions, serve_live

    at, dur = _drop(drop)
    options = ServeOptions(kind=serve, speed=speed, port=port, rtmp_url=to or DEFAULT_RTMP_URL,
                           rtmp_serve=rtmp_listen, push_url=push, token=token, drop_at_s=at, drop_for_s=dur)
    options.validate()
    if source is not None:
        folder = source
        for name in ("recording.mp4", "events.jsonl"):
            if not (folder / name).is_file():
                raise InputError(f"no {name} here (expected a folder written by livehighlights simulate)",
                                 Where(folder, field="--from"))
    else:
        assert make_sim is not None
        folder = make_sim(out).out_dir
    stream_dir = out / "stream"
    served = serve_live(folder / "recording.mp4", folder / "events.jsonl", stream_dir, options)
    catalog = folder / "catalog.json"
    console.print(f"streaming [bold]{esc(folder / 'recording.mp4')}[/bold] at {speed:g}x as {serve}:")
    console.print(f"  video   {esc(served.stream)}")
    if served.playlist is not None:
        console.print(f"          {esc(served.playlist)} (the same playlist on disk)")
    console.print(f"  events  {esc(served.events_path)}" + (f" (and POSTed to {esc(push)})" if push else ""))
    console.print(f"follow it: livehighlights live --video {esc(served.video_spec)} --events "
                  f"{esc(served.events_path)} --catalog {esc(catalog)}")
    try:
        while not served.wait(1.0):
            pass
        if served.error:
            raise InputError(served.error, Where(field="--serve"))
        if serve == "hls":
            time.sleep(LINGER_S)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        served.stop()
    console.print(f"the LIVE ended: {sum(1 for _ in served.events_path.open(encoding='utf-8'))} events written"
                  + (f", {served.pushed} pushed" if push else ""))
