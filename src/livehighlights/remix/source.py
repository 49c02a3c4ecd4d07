"""What to remix: a highlight of a ``highlights.json`` (``REPORT#RANK``) or a clip file with its product.

The clip's provenance (which LIVE, which window) comes from the sidecar ``process`` wrote next to it, so
the remix's own sidecar still says where its picture and sound come from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Where, need_file
from ..models import Product
from .reuse import StoredWindow, attach_stored

if TYPE_CHECKING:
    from ..media.speech import Transcript


@dataclass
class RemixSource:
    """A clip to remix and what is known about it."""

    clip: Path
    product: Product | None = None
    catalog_path: Path | None = None
    provenance: dict[str, Any] | None = None
    report: Path | None = None
    rank: int | None = None
    language: str | None = None
    """The transcript language the report gives, if any."""
    logo: Path | None = None
    """The brand's logo picture when the catalog entry gives one (``logo`` or ``brand_logo``)."""
    catalog_products: list[Product] = field(default_factory=list)
    """Every product of the catalog (their brands and titles help the speech recogniser)."""
    transcript: Transcript | None = None
    """The clip's speech as the highlight's job recognised it (clip ms, with word times): the remix reuses it
    rather than recognising the speech again (:mod:`.reuse`); ``None``: the remix recognises it."""

    def to_json(self) -> dict[str, Any]:
        return {"clip": str(self.clip), "report": str(self.report) if self.report else None, "rank": self.rank,
                "product_id": self.product.id if self.product else None,
                "catalog": str(self.catalog_path) if self.catalog_path else None, "provenance": self.provenance}


def split_spec(spec: str, rank: int | None) -> tuple[Path, int | None]:
    """``REPORT.json#3`` -> (REPORT.json, 3); a ``--rank`` given too must agree."""
    path, sep, frag = spec.rpartition("#") if "#" in spec else (spec, "", "")
    if not sep:
        return Path(spec), rank
    try:
        r = int(frag)
    except ValueError:
        raise InputError(f"'#{frag}' is not a highlight rank (a number)", Where(path)) from None
    if rank is not None and rank != r:
        raise InputError(f"rank #{r} and --rank {rank} disagree", Where(path, field="--rank"))
    return Path(path), r


def resolve(spec: str, *, rank: int | None = None, catalog: Path | None = None,
            product_id: str | None = None) -> RemixSource:
    """The :class:`RemixSource` of a CLI argument. Raises :class:`InputError` naming what is missing."""
    path, rank = split_spec(spec, rank)
    need_file(path, "a clip or a highlights report")
    if path.suffix.lower() == ".json":
        return _from_report(path, 1 if rank is None else rank, catalog, product_id)
    if rank is not None:
        raise InputError("a rank picks a highlight of a highlights.json, not of a clip", Where(path, field="--rank"))
    return _from_clip(path, catalog, product_id)


def _from_clip(clip: Path, catalog: Path | None, product_id: str | None) -> RemixSource:
    from ..check.sidecar import provenance_path

    prov = None
    side = provenance_path(clip)
    if side.is_file():
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
            prov = data.get("provenance")
            product_id = product_id or data.get("product_id")
            catalog = catalog or (Path(data["catalog"]) if data.get("catalog") else None)
        except (OSError, ValueError, AttributeError):
            prov = None
    src = RemixSource(clip, provenance=prov if isinstance(prov, dict) else None)
    _attach_product(src, catalog, product_id)
    return src


def _from_report(report: Path, rank: int, catalog: Path | None, product_id: str | None) -> RemixSource:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        entries = data["highlights"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not a readable highlights.json ({err})", Where(report)) from err
    except (KeyError, TypeError):
        raise InputError("not a highlights.json (no 'highlights' list)", Where(report, field="highlights")) from None
    entry = next((h for h in entries if isinstance(h, dict) and h.get("rank") == rank), None)
    if entry is None:
        ranks = ", ".join(str(h.get("rank")) for h in entries if isinstance(h, dict)) or "none"
        raise InputError(f"no highlight of rank {rank} (ranks: {ranks})", Where(report, field="rank"))
    if not entry.get("clip"):
        raise InputError(f"highlight {rank} has no clip file (processed with --no-clips?)",
                         Where(report, field=f"highlights[rank={rank}].clip"))
    clip = report.parent / entry["clip"]
    if not clip.is_file():
        raise InputError("clip file of the highlight not found", Where(clip))
    live = data.get("live") or {}
    if catalog is None and live.get("catalog"):
        catalog = _find(live["catalog"], report) or _sidecar_catalog(clip)
        if catalog is None:
            raise InputError(f"catalog '{live['catalog']}' of the report not found (give --catalog)",
                             Where(report, field="live.catalog"))
    src = _from_clip(clip, catalog, product_id or entry.get("product_id"))
    src.report, src.rank = report, rank
    src.language = (entry.get("transcript") or {}).get("language")
    try:
        window = (round(float(entry["start_s"]) * 1000), round(float(entry["end_s"]) * 1000))
    except (KeyError, TypeError, ValueError):
        return src  # no window given: the remix recognises the speech itself
    return attach_stored(src, StoredWindow(*window, entry.get("transcript")))


def _find(name: str, report: Path) -> Path | None:
    """A path written in a report: absolute, from where ``process`` ran, or next to the report."""
    p = Path(name)
    return next((c for c in (p, report.parent / p, report.parent.parent / p) if c.is_file()), None)


def _sidecar_catalog(clip: Path) -> Path | None:
    """The catalog named (absolute) by the clip's provenance sidecar, when it is still there."""
    from ..check.sidecar import provenance_path

    try:
        name = json.loads(provenance_path(clip).read_text(encoding="utf-8")).get("catalog")
    except (OSError, ValueError, AttributeError):
        return None
    return Path(name) if isinstance(name, str) and Path(name).is_file() else None


def _attach_product(src: RemixSource, catalog: Path | None, product_id: str | None) -> None:
    from ..sources import load_catalog

    if product_id is not None and catalog is None:
        raise InputError("--product needs --catalog", Where(field="--product"))
    if catalog is None:
        return
    cat = load_catalog(catalog)
    src.catalog_path = catalog.resolve()
    src.catalog_products = list(cat.products.values())
    if product_id is None:
        return
    src.product = cat.get(product_id)
    if src.product is None:
        raise InputError(f"product '{product_id}' is not in the catalog", Where(catalog, field="--product"))
    src.logo = _logo(catalog, product_id)


def _logo(catalog: Path, product_id: str) -> Path | None:
    try:
        raw = json.loads(catalog.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    items = raw.get("products", []) if isinstance(raw, dict) else raw
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("id") == product_id:
            name = item.get("logo") or item.get("brand_logo")
            if isinstance(name, str) and (catalog.parent / name).is_file():
                return catalog.parent / name
    return None
