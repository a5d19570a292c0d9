"""flask --app wsgi certification sweep: statuses that dates move, and the renewal reminders due."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.clock import now
from ..extensions import db
from . import service

certification = AppGroup("certification", help="Certifications: the daily sweep.")


@certification.command("sweep")
def sweep_command():
    """Move statuses as dates pass and send the reminders due; running it twice does nothing more."""
    result = service.sweep(now())
    db.session.commit()
    click.echo(f"statuses changed: {result.moved}; reminders sent: {result.reminders}")
