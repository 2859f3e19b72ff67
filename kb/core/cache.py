"""What is computed from the whole store (counts, the library, recurring groups), kept until
the store's generation changes."""
from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


class GenerationCache:
    def __init__(self, store):
        self.store = store
        self._values: dict[tuple, object] = {}
        self._generation = -1

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        gen = self.store.generation()
        if gen != self._generation:
            self._values, self._generation = {}, gen
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]  # type: ignore[return-value]

    def clear(self) -> None:
        """Forget every value (for a caller that changed what they are computed with)."""
        self._values = {}
