"""One way to register a plugin: a :class:`Registry` per family (detectors, event adapters, embedders,
product matchers, cut methods).

A family declares its registry next to its interface, naming the modules of its built-in
implementations; those modules register themselves with the :meth:`Registry.register` decorator and
are imported on first use of the registry (never when the package is imported)::

    DETECTORS: Registry[type[Detector]] = Registry("detector", builtins=("livehighlights.detect.shopping",))

    @DETECTORS.register            # the name is the object's ``name`` attribute
    class ShoppingMomentDetector(Detector):
        name = "shopping"

    @CUT_METHODS.register("smart")  # or given explicitly (functions, factories)
    def smart_cut(job): ...

A plug-in outside the package registers the same way; :meth:`Registry.get` of an unknown name raises
an :class:`~livehighlights.errors.InputError` that lists the known names.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar, overload

from .errors import InputError, Where

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Named implementations of one plugin family. ``kind`` names the family in messages
    (``unknown detector 'x' (known: peaks, shopping)``); ``builtins``: modules imported on first use."""

    def __init__(self, kind: str, builtins: Sequence[str] = ()) -> None:
        self.kind = kind
        self.builtins = tuple(builtins)
        self._entries: dict[str, T] = {}
        self._loaded = not self.builtins
        self._loading = False
        self._lock = threading.RLock()

    @overload
    def register(self, target: str) -> Callable[[T], T]: ...

    @overload
    def register(self, target: T) -> T: ...

    def register(self, target: str | T) -> Callable[[T], T] | T:
        """Decorator: ``@reg.register`` (name from the object's ``name`` attribute) or
        ``@reg.register("name")``. A later registration of a name replaces the earlier one."""
        if isinstance(target, str):
            name = target

            def deco(obj: T) -> T:
                self.add(name, obj)
                return obj

            return deco
        name = getattr(target, "name", "")
        if not isinstance(name, str) or not name:
            raise ValueError(f"{getattr(target, '__qualname__', target)!r} has no name to register a {self.kind} by")
        self.add(name, target)
        return target

    def add(self, name: str, obj: T) -> None:
        """Register ``obj`` as ``name`` (replacing a previous one of that name)."""
        if not name:
            raise ValueError(f"a {self.kind} needs a name")
        with self._lock:
            self._entries[name] = obj

    def get(self, name: str, where: Where | None = None) -> T:
        """The implementation registered as ``name``; an :class:`InputError` naming the known ones if none is."""
        self._load()
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise InputError(f"unknown {self.kind} {name!r} (known: {known})", where) from None

    def names(self) -> list[str]:
        """The registered names, sorted."""
        self._load()
        return sorted(self._entries)

    def items(self) -> list[tuple[str, T]]:
        """``(name, implementation)`` pairs, by name."""
        self._load()
        return sorted(self._entries.items())

    def values(self) -> list[T]:
        """The implementations, by name."""
        return [obj for _, obj in self.items()]

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        self._load()
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {sorted(self._entries)})"

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:  # other threads wait here until the built-ins are in
            if self._loaded or self._loading:  # _loading: a built-in module looking itself up while imported
                return
            self._loading = True
            try:
                for module in self.builtins:
                    importlib.import_module(module)
                self._loaded = True
            finally:
                self._loading = False
