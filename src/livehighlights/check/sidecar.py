"""Sidecar files next to clips: where a clip came from (ours) and what a remix added.

``CLIP.mp4.json`` is written by ``process`` for every clip it cuts (the LIVE, the window, the product,
the catalog); ``CLIP.remix.json`` by ``remix``. ``check`` reads them when present, so a clip judged
later still knows its provenance and its enhancements.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError, Where
from .evidence import Provenance


def provenance_path(clip: Path) -> Path:
    return clip.with_name(clip.name + ".json")


def remix_path(clip: Path) -> Path:
    return clip.with_suffix(".remix.json")


def write_provenance(clip: Path, prov: Provenance, *, product_id: str | None, catalog: str | None) -> Path:
    """Write ``CLIP.mp4.json``: the provenance, with the content fingerprint of the clip as it was cut (so ``check``
    can verify it later, against the LIVE's window while the recording is there, else against this fingerprint; a
    clip that cannot be read leaves it out).

    The LIVE window's own fingerprint is not taken at cut time: the cut is a faithful copy of the window, nothing
    reads it, and taking it cost a second of decoding per clip (seeking a long recording ten times)."""
    path = provenance_path(clip)
    if prov.clip_fingerprint is None:
        from .fingerprint import fingerprint, points

        try:
            from ..media import probe

            prov.clip_fingerprint = fingerprint(clip, 0, points(probe(clip).duration_ms)).to_json()
        except Exception:  # noqa: BLE001 - fingerprints are extra evidence; the sidecar is written without them
            pass
    path.write_text(json.dumps({"provenance": prov.__dict__, "product_id": product_id, "catalog": catalog},
                               indent=2))
    return path


def _read(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"unreadable sidecar ({err})", Where(path)) from err
    if not isinstance(data, dict):
        raise InputError("a sidecar must hold a JSON object", Where(path))
    return data


def read_sidecars(clip: Path) -> tuple[Provenance | None, str | None, str | None, dict[str, Any] | None]:
    """``(provenance, product_id, catalog path, remix enhancements)`` found next to ``clip``."""
    prov = product_id = catalog = None
    data = _read(provenance_path(clip))
    if data is not None:
        try:
            prov = Provenance(**data["provenance"])
        except (KeyError, TypeError) as err:
            raise InputError(f"malformed provenance ({err})", Where(provenance_path(clip), field="provenance")) from err
        product_id, catalog = data.get("product_id"), data.get("catalog")
    remix = _read(remix_path(clip))
    if remix is not None:
        src = remix.get("source") or {}
        if prov is None and isinstance(src.get("provenance"), dict):
            try:
                prov = Provenance(**src["provenance"])
            except TypeError:
                prov = None
        product_id = product_id or remix.get("product_id") or src.get("product_id")
        catalog = catalog or remix.get("catalog") or src.get("catalog")
    return prov, product_id, catalog, remix
