"""What a candidate's browser may know about an item's options: their order and opaque ids, never the key.

Each attempt sees the options in its own order under ids that mean nothing outside that attempt;
the server maps a chosen id back to the language-independent option id for scoring.
"""
from __future__ import annotations

import hashlib
import hmac


def _tag(secret: bytes, attempt: str, item_id: str, option_id: str) -> str:
    message = f"{attempt}\x1f{item_id}\x1f{option_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def shuffled_options(secret: bytes, attempt: str, item_id: str, option_ids) -> list[tuple[str, str]]:
    """(opaque id, option id) in the order this attempt shows them; the same inputs give the same order."""
    tagged = [(_tag(secret, attempt, item_id, oid), oid) for oid in option_ids]
    tagged.sort()
    return [(tag[:16], oid) for tag, oid in tagged]


def option_for(secret: bytes, attempt: str, item_id: str, option_ids, opaque: str) -> str | None:
    """The option id behind an opaque id of this attempt and item, or None if it is not one of them."""
    for tag, oid in shuffled_options(secret, attempt, item_id, option_ids):
        if hmac.compare_digest(tag, opaque):
            return oid
    return None
