"""The item-type registry: what a type's options look like and how a response is scored.

Adding a type (say, multiple select) means adding a class here; loader, assembly and scoring
ask the registry and never name a type themselves.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SingleBestAnswer:
    name: str = "single_best_answer"
    option_ids: tuple[str, ...] = ("a", "b", "c", "d")

    def key_is_valid(self, key) -> bool:
        return key in self.option_ids

    def score(self, key, response) -> int:
        """1 when the chosen option is the key, else 0 (no answer scores 0)."""
        return int(response == key)


REGISTRY = {t.name: t for t in (SingleBestAnswer(),)}
