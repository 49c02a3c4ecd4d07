"""One registry style for every plugin family, and the engine's counters reported as warnings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from livehighlights.detect import DETECTORS, Detector, make_detectors
from livehighlights.engine import Engine, detect
from livehighlights.errors import InputError
from livehighlights.models import Event
from livehighlights.registry import Registry


def test_unknown_name_is_a_clear_error_listing_the_known_names() -> None:
    reg: Registry[type] = Registry("widget")
    reg.add("b", int)
    reg.add("a", str)
    with pytest.raises(InputError) as err:
        reg.get("c")
    assert str(err.value) == "unknown widget 'c' (known: a, b)"
    with pytest.raises(InputError, match=r"unknown detector 'nope' \(known: engagement, peaks, shopping\)"):
        make_detectors(["nope"])


def test_decorator_registers_by_name_attribute_or_given_name() -> None:
    reg: Registry[object] = Registry("thing")

    @reg.register
    class Named:
        name = "named"

    @reg.register("func")
    def fn() -> None: ...

    assert reg.get("named") is Named and reg.get("func") is fn
    assert reg.names() == ["func", "named"] and list(reg) == ["func", "named"] and len(reg) == 2
    assert "named" in reg and "other" not in reg
    with pytest.raises(ValueError, match="no name"):
        reg.register(object())

    @reg.register("func")  # a later registration replaces the earlier one
    def fn2() -> None: ...

    assert reg.get("func") is fn2


def test_a_plugin_detector_runs_in_the_engine_by_name() -> None:
    @DETECTORS.register
    class EveryTenSeconds(Detector):
        name = "test-every-10s"

        @property
        def delay_s(self) -> int:
            return 0

        def process_second(self, sec):
            from livehighlights.models import Moment

            if sec.t % 10 == 9:
                return [Moment(start_ms=(sec.t - 9) * 1000, end_ms=(sec.t + 1) * 1000, peak_ms=sec.t * 1000,
                               score=1.0, detector=self.name, kind="product")]
            return []

    try:
        found = detect([Event(ts_ms=500, type="like")], 30_000, detectors=["test-every-10s"]).moments
        assert [(m.start_ms, m.detector) for m in found] == [(0, "test-every-10s"), (10_000, "test-every-10s"),
                                                             (20_000, "test-every-10s")]
    finally:
        DETECTORS._entries.pop("test-every-10s")


@pytest.mark.parametrize(("package", "registry", "builtin_module", "names"), [
    ("livehighlights.detect", "DETECTORS", "livehighlights.detect.shopping", {"shopping", "peaks"}),
    ("livehighlights.render", "CUT_METHODS", "livehighlights.render.smart", {"smart", "reencode"}),
    ("livehighlights.sources", "EVENT_ADAPTERS", None, {"jsonl", "json", "csv", "tiktoklive"}),
    ("livehighlights.text", "EMBEDDERS", None, {"e5"}),
    ("livehighlights.vision", "PRODUCT_MATCHERS", None, {"orb"}),
])
def test_builtins_appear_without_explicit_import(package: str, registry: str, builtin_module: str | None,
                                                 names: set[str]) -> None:
    """In a fresh interpreter: importing the package does not import the built-in implementations
    (where they live in modules of their own); asking the registry does."""
    code = (f"import sys, json, {package} as p\n"
            f"lazy = {builtin_module!r} is None or {builtin_module!r} not in sys.modules\n"
            f"print(json.dumps([lazy, list(getattr(p, {registry!r}))]))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    lazy, found = json.loads(res.stdout)
    assert lazy, f"importing {package} imported {builtin_module}"
    assert names <= set(found), found


def _order(ts_ms: int, **kw) -> Event:
    return Event(ts_ms=ts_ms, type="order", product_id="p1", quantity=1, **kw)


def test_engine_reports_late_dropped_and_unpriced_counts_as_warnings() -> None:
    engine = Engine.from_names(["shopping"])
    engine.feed(_order(1_000, amount=10.0))
    engine.feed(_order(3_500))  # no amount, no catalog: unpriced
    engine.feed(_order(3_600))
    engine.feed(Event(ts_ms=1_200, type="like"))  # second 1 already closed: late
    engine.feed(Event(ts_ms=9_500, type="like"))  # in the open second after the end given below
    engine.finish(9_000)
    text = [str(w) for w in engine.warnings()]
    assert len(text) == 3, text
    assert "1 event(s) arrived for a second already closed" in text[0]
    assert "1 event(s) after the end of the LIVE were not counted" in text[1]
    assert "2 order(s) have no amount and no catalog price" in text[2]

    quiet = Engine.from_names()
    quiet.feed(_order(1_000, amount=10.0))
    quiet.finish(5_000)
    assert quiet.warnings() == []


def test_moments_command_prints_the_engine_warnings(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in [
        {"ts": 1.0, "type": "product_pin", "product_id": "p1"},
        {"ts": 2.0, "type": "order", "product_id": "p1", "quantity": 1},
        {"ts": 3.0, "type": "order", "product_id": "p1", "quantity": 2},
        {"ts": 4.0, "type": "like", "count": 3},
    ]) + "\n")
    res = run_cli("moments", events, "--json")
    assert res.returncode == 0, res.stderr
    assert "2 order(s) have no amount and no catalog price" in res.stderr
    assert isinstance(json.loads(res.stdout), list)  # warnings on stderr, the JSON on stdout stays clean
