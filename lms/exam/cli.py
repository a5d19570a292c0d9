"""``flask --app wsgi exam sweep``: close attempts whose time ran out while their browser was away."""
from __future__ import annotations

import click
from flask.cli import AppGroup

exam = AppGroup("exam", help="The certification exam's sittings.")


@exam.command("sweep")
def exam_sweep():
    """Close every attempt past its deadline and score it (run every minute; again is harmless)."""
    from ..core.clock import now
    from ..extensions import db
    from .sitting import sweep

    closed = sweep(now())
    db.session.commit()
    click.echo(f"{closed} attempt(s) closed")
