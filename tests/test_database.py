"""SQLite takes its write lock when a transaction begins for every request that may write.

A deferred transaction that reads and then writes fails with "database is locked" when another writer
commits in between, and no waiting helps; the bench's 1,000 candidates found every such GET view.
"""
import pytest

from lms.core.database import _reads_only

WRITING_GETS = [
    "/api/v1/attempts/abc",             # binds the device, catches up with the clock
    "/api/v1/attempts/abc/items/3",     # moves the candidate's position
    "/exam/attempts/abc",               # binds the device, moves the position
    "/exam/attempts/abc/review",
    "/exam/attempts/abc/result",        # may close an attempt whose time ran out
    "/exam/attempts/abc/result.pdf",
]


@pytest.mark.parametrize("path", WRITING_GETS)
def test_get_views_that_write_take_the_write_lock_at_begin(app, path):
    with app.test_request_context(path, method="GET"):
        assert _reads_only() is False


@pytest.mark.parametrize("path", ["/exam/", "/staff/exam/results", "/healthz"])
def test_page_views_that_only_read_stay_concurrent(app, path):
    with app.test_request_context(path, method="GET"):
        assert _reads_only() is True


def test_every_post_takes_the_write_lock(app):
    with app.test_request_context("/exam/", method="POST"):
        assert _reads_only() is False
