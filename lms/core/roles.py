"""Roles a person can hold; one person may hold several."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    TRAINEE = "trainee"            # takes training; becomes a candidate when applying for the exam
    AUTHOR = "author"              # provider staff: writes course versions for their organisation
    INSTRUCTOR = "instructor"      # provider staff: runs cohorts and live sessions, takes attendance
    PROCTOR = "proctor"            # runs exam sessions
    ADMIN = "admin"                # certification staff
    ITEM_WRITER = "item_writer"    # certification staff sub-role: writes and reviews items
    PSYCHOMETRICIAN = "psychometrician"  # certification staff sub-role: calibrates, sets the cut score

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def needs_provider(self) -> bool:
        return self in PROVIDER_ROLES


ROLE_LABELS = {
    Role.TRAINEE: _l("Trainee"),
    Role.AUTHOR: _l("Course author"),
    Role.INSTRUCTOR: _l("Instructor"),
    Role.PROCTOR: _l("Proctor"),
    Role.ADMIN: _l("Certification staff"),
    Role.ITEM_WRITER: _l("Item writer"),
    Role.PSYCHOMETRICIAN: _l("Psychometrician"),
}

PROVIDER_ROLES = frozenset({Role.AUTHOR, Role.INSTRUCTOR})
STAFF_ROLES = frozenset({Role.ADMIN, Role.ITEM_WRITER, Role.PSYCHOMETRICIAN})
