"""The server's clock, injectable: ``app.config["CLOCK"]`` may hold a callable returning aware UTC."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def to_utc(local: datetime, zone: str) -> datetime:
    """A naive wall-clock time in the IANA ``zone``, as UTC."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def now() -> datetime:
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return datetime.now(timezone.utc)
