"""Auto LIVE Highlights settings per seller: defaults, changes, bad values refused by field, sellers apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from livehighlights.errors import InputError
from livehighlights.store import StoreError, open_store
from livehighlights.store.settings import auto_settings, set_auto_settings


def test_settings_default_change_and_stay_per_seller(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as store:
        a, b = store.seller("a"), store.seller("b")
        d = auto_settings(store, a.id)
        assert (d.auto_post, d.destinations, d.max_per_live, d.max_per_product) == (False, ["local"], 20, 3)
        on = set_auto_settings(store, a.id, auto_post=True, destinations=["local", "webhook"], max_per_live=5)
        assert on.auto_post and on.destinations == ["local", "webhook"] and on.max_per_live == 5
        assert on.max_per_product == 3 and on.updated_at is not None
        off = set_auto_settings(store, a.id, auto_post=False)
        assert not off.auto_post and off.max_per_live == 5 and off.destinations == ["local", "webhook"]
        assert auto_settings(store, a.id) == off
        assert auto_settings(store, b.id).auto_post is False  # b untouched


@pytest.mark.parametrize(("changes", "field"), [
    ({"max_per_live": 21}, "max_per_live"), ({"max_per_product": -1}, "max_per_product"),
    ({"destinations": ["nowhere"]}, "destinations"), ({"max_per_live": True}, "max_per_live"),
])
def test_bad_settings_are_refused_by_field_and_nothing_changes(tmp_path: Path, changes: dict, field: str) -> None:
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as store:
        a = store.seller("a")
        before = set_auto_settings(store, a.id, auto_post=True)
        with pytest.raises(InputError) as e:
            set_auto_settings(store, a.id, auto_post=False, **changes)
        assert field in str(e.value)
        assert auto_settings(store, a.id) == before
        with pytest.raises(StoreError, match="no seller"):
            set_auto_settings(store, "s_missing", auto_post=True)
