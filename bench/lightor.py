"""Convert the labelled Twitch chat of Lightor (Jiang et al., "Towards Extracting Highlights From Recorded Live
Videos: An Implicit Crowdsourcing Approach", ICDE 2020; repository ``sfu-db/Lightor_Exp``) for ``bench/detect.py
--real``.

The data are not in this repository (the source repository states no licence): point this at a local copy of
its ``dataset`` folder. Its layout, per game (``Dota2``, ``LOL``) and split (``train``, ``test``)::

    dataset/<game>/<split>/chat/<NAME> <START_MS>.csv    tab-separated, no header: message id, #channel, user,
                                                         text, viewers (0: not recorded), Unix time in ms
    dataset/<game>/<split>/labels/<NAME>.csv             space-separated, one highlight per line:
                                                         MMM-SS (the chat window it was found from, 000-00 for
                                                         none), MMM-SS start, MMM-SS end (from the video's start;
                                                         000-00 000-00: a chat window with no highlight in the
                                                         video, left out; a highlight found from two chat
                                                         windows is one highlight)

A message's time in the video is its last field minus ``START_MS`` (Unix times for the streamers' own recordings,
milliseconds into the VOD for the numbered tournament VODs, whose ``START_MS`` is where the labelled part begins).
Written per stream into ``OUT/<game>``: ``NAME.chat.csv`` (``ts`` seconds from the start, ``user``, ``text``,
``viewers``) and ``NAME.labels.json`` (a list of ``[start_s, end_s]``), what :func:`detect.load_real` reads.

    python bench/lightor.py ~/data/Lightor_Exp/dataset bench/.cache/real
    python bench/detect.py --only real --real bench/.cache/real

Streams converted so far (all from ``sfu-db/Lightor_Exp`` as stored in a public code index, re-typed by hand into this
layout: user names, texts, times, viewer counts and labels as stored; message ids renumbered; a few very long messages,
such as a bot's advertisements, shortened the same way each time): ``Dota2/test`` 319709841, 319739884, 320144088,
321411979, 327153008, attackerdota-2017-07-30-23h34m09s, moonmeander-2017-07-03-17h17m56s; ``Dota2/train`` 341205295;
``LOL/test`` nalcs_w2d2_P1_NV_g1. Added later, held out (``detect.DEV_STREAMS``), re-typed with every field as stored
(checked against the stored text's length and message ids; two out-of-order ids of the streamer recording renumbered):
``Dota2/test`` 341659869; ``Dota2/train`` sing_sing-past (its label ``041-30 041-05 040-30`` ends before it starts and
was left out); ``LOL/test`` nalcs_w2d2_DIG_FOX_g3, nalcs_w5d3_IMT_FOX_g2, nalcs_w8d2_NV_DIG_g1, nalcs_w8d2_NV_DIG_g2.
Left out for chat full of racial slurs: ``Dota2/train`` 341335673; ``Dota2/test`` 340598557,
attackerdota-2017-07-31-01h34m09s; ``LOL/test`` nalcs_w2d2_DIG_FOX_g2, nalcs_w6d2_P1_DIG_g2. ``Dota2/train`` 324215198,
342179831 and 342337646 have no labels stored. The repository has about 90 labelled streams in all (most of them Dota 2
tournament VODs and League of Legends NALCS games of 100-240 kB of chat each).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Converted:
    name: str
    messages: int
    labels: int
    skipped: int
    game: str = ""
    no_highlight: int = 0
    """Label lines left out: ``000-00 000-00`` (a chat window with no highlight in the video) or a highlight
    already listed (found again from another chat window)."""


def _mmss(text: str, where: str) -> int:
    minutes, sep, seconds = text.strip().partition("-")
    if not sep or not minutes.isdigit() or not seconds.isdigit() or int(seconds) >= 60:
        raise ValueError(f"{where}: {text!r} is not MMM-SS")
    return int(minutes) * 60 + int(seconds)


def read_labels(path: Path) -> list[tuple[int, int]]:
    """The labelled highlights of one stream as ``(start_s, end_s)``; a line that is not three MMM-SS fields or
    ends before it starts raises ``ValueError`` naming the file and line. A line whose highlight is
    ``000-00 000-00`` (a chat window the labellers found nothing in the video for) is no highlight, and a highlight
    listed again (found from a second chat window) is the same highlight: both left out."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3:
            raise ValueError(f"{path}:{n}: expected 3 fields (window, start, end), got {len(parts)}")
        start, end = _mmss(parts[1], f"{path}:{n}"), _mmss(parts[2], f"{path}:{n}")
        if end < start:
            raise ValueError(f"{path}:{n}: the highlight ends ({parts[2]}) before it starts ({parts[1]})")
        if end > 0 and (start, end) not in out:
            out.append((start, end))
    return out


def convert_stream(chat: Path, labels: Path, out: Path) -> Converted:
    """One stream's chat and labels into ``out`` (see the module docstring). Lines of the chat that are not six
    tab-separated fields with a numeric time are skipped and counted."""
    name, _, start = chat.stem.rpartition(" ")
    if not name or not start.isdigit():
        raise ValueError(f"{chat}: expected a file name 'NAME START_MS.csv'")
    start_ms = int(start)
    rows, skipped = [], 0
    with chat.open(encoding="utf-8", errors="replace", newline="") as fh:
        for rec in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(rec) != 6 or not rec[5].strip().isdigit():
                skipped += 1
                continue
            ts = (int(rec[5]) - start_ms) / 1000
            if ts < 0:
                skipped += 1
                continue
            viewers = rec[4].strip()
            # 0 is how the logs say "not recorded" (a message is never sent to an empty room)
            rows.append((ts, rec[2], rec[3], viewers if viewers.isdigit() and int(viewers) > 0 else ""))
    rows.sort(key=lambda r: r[0])
    highlights = read_labels(labels)
    lines = sum(1 for line in labels.read_text(encoding="utf-8").splitlines() if line.strip())
    out.mkdir(parents=True, exist_ok=True)
    with (out / f"{name}.chat.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ts", "user", "text", "viewers"])
        w.writerows((f"{ts:.3f}", user, text, viewers) for ts, user, text, viewers in rows)
    (out / f"{name}.labels.json").write_text(json.dumps(highlights))
    return Converted(name, len(rows), len(highlights), skipped, out.name, lines - len(highlights))


def convert(dataset: Path, out: Path) -> list[Converted]:
    """Every stream under ``dataset`` (``<game>/<split>/chat`` with its ``labels``) that has labels, into
    ``out/<game>``."""
    done = []
    for chat in sorted(Path(dataset).glob("*/*/chat/*.csv")):
        name = chat.stem.rpartition(" ")[0]
        labels = chat.parent.parent / "labels" / f"{name}.csv"
        if labels.exists():
            done.append(convert_stream(chat, labels, Path(out) / chat.parents[2].name))
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", type=Path, help="Lightor_Exp's dataset folder")
    ap.add_argument("out", type=Path, help="folder for NAME.chat.csv and NAME.labels.json")
    args = ap.parse_args()
    try:
        done = convert(args.dataset, args.out)
    except (OSError, ValueError) as err:
        sys.exit(f"error: {err}")
    if not done:
        sys.exit(f"error: no labelled chat under {args.dataset} (expected <game>/<split>/chat/NAME START_MS.csv "
                 "and <game>/<split>/labels/NAME.csv)")
    for c in done:
        print(f"{c.game}/{c.name}: {c.messages} messages, {c.labels} highlights"
              + (f" ({c.no_highlight} label lines with no highlight or a repeated one left out)"
                 if c.no_highlight else "")
              + (f", {c.skipped} chat lines skipped" if c.skipped else ""))


if __name__ == "__main__":
    main()
