"""Option order per candidate, and the opaque ids the browser sees."""
from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from lms.itembank.delivery import option_for, shuffled_options

SECRET = b"test-secret"
OPTIONS = ("a", "b", "c", "d")


@given(attempt=st.text(min_size=1, max_size=20), item=st.text(min_size=1, max_size=12))
def test_every_option_once_and_each_opaque_id_maps_back(attempt, item):
    shown = shuffled_options(SECRET, attempt, item, OPTIONS)
    assert sorted(oid for _tag, oid in shown) == list(OPTIONS)
    assert shuffled_options(SECRET, attempt, item, OPTIONS) == shown          # the same attempt, the same order
    for tag, oid in shown:
        assert option_for(SECRET, attempt, item, OPTIONS, tag) == oid
        assert len(tag) == 16 and all(c in "0123456789abcdef" for c in tag)
    assert option_for(SECRET, attempt, item, OPTIONS, "a") is None


def test_orders_differ_between_candidates_and_ids_do_not_carry_over():
    orders = Counter(tuple(oid for _t, oid in shuffled_options(SECRET, f"attempt-{n}", "PSS-01-001", OPTIONS))
                     for n in range(2400))
    assert len(orders) == 24                                   # every permutation occurs
    assert max(orders.values()) < 2 * 2400 / 24                # roughly evenly
    first = dict(shuffled_options(SECRET, "attempt-1", "PSS-01-001", OPTIONS))
    second = dict(shuffled_options(SECRET, "attempt-2", "PSS-01-001", OPTIONS))
    assert not set(first) & set(second)                        # an id learnt in one attempt means nothing in another
    assert shuffled_options(b"other-secret", "attempt-1", "PSS-01-001", OPTIONS) != list(first.items())
