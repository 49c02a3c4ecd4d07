"""A follower taken over after a crash may confirm an already-posted moment again with slightly other bounds
(it replays the stored events in time order): :func:`posted_twin` finds the posted twin so that it is not posted
twice, and only a real twin (most of the shorter window shared, an auto post that still stands)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from publish_helpers import add_highlights, make_clip

from livehighlights.live.autopost import posted_twin
from livehighlights.publish import Outbox, PostChoices, PostRequest, PublishConfig
from livehighlights.store import highlight_id, moment_id, open_store


@pytest.fixture
def store(tmp_path: Path):
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as st:
        yield st


def test_a_posted_moment_confirmed_again_with_other_bounds_is_its_twin(store, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=2.0)
    first, second = add_highlights(store, clip, 2, status="live")  # windows 0-20 s and 60-80 s
    sid = store.seller("default").id
    outbox = Outbox(store, PublishConfig())
    outbox.give_consent(sid, "local", PostChoices("PUBLIC_TO_EVERYONE"))
    posted = outbox.create(sid, PostRequest(first.id, "local", auto=True)).post

    def again(start_ms: int, end_ms: int):
        m = dataclasses.replace(first.moment, start_ms=start_ms, end_ms=end_ms)
        mid = moment_id(first.live_id, m.detector, start_ms, m.product_id)
        return store.save_highlight(dataclasses.replace(first, id=highlight_id(mid), moment_id=mid, rank=None,
                                                        start_ms=start_ms, end_ms=end_ms, moment=m))

    assert posted_twin(store, outbox, sid, again(3_000, 24_000)) == first.id  # 17 of 20-21 s shared
    assert posted_twin(store, outbox, sid, again(12_000, 40_000)) is None  # 8 s shared: another moment
    assert posted_twin(store, outbox, sid, second) is None  # never posted
    assert posted_twin(store, outbox, sid, first) is None  # itself
    assert posted_twin(store, outbox, store.seller("other").id, again(3_000, 24_000)) is None  # scoped to the seller
    outbox.cancel(sid, posted.id)
    assert posted_twin(store, outbox, sid, again(2_000, 21_000)) is None  # a cancelled post does not stand
