from __future__ import annotations

import pytest

from ..exam.conftest import admitted, approve, full_bank, seat  # noqa: F401  (the exam fixtures, shared)


@pytest.fixture
def passed(app, db, clock, admitted):
    """A candidate (signed in on ``client``) whose sitting passed and whose result is released; returns
    (user, application id). Their training is an external certificate staff accepted at approval."""
    from sqlalchemy import select

    from lms.exam.models import Attempt

    def make(passed: bool = True, released: bool = True):
        user, public_id = admitted()
        with app.app_context():
            attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
            attempt.state, attempt.ended_at, attempt.running_since = "submitted", clock(), None
            attempt.result = {"raw": 90, "scored_items": 100, "theta": 0.9, "se": 0.2, "scaled": 430 if passed else 330,
                              "passed": passed, "scale": {"minimum": 200, "maximum": 500, "passing_score": 350},
                              "areas": []}
            attempt.released_at = clock() if released else None
            application = attempt.booking.application
            application.training_source, application.legal_name = "external", "Marisol Reyes"
            db.session.commit()
            return user, application.id

    return make
