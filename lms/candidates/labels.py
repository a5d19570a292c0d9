"""Words for the candidate path's codes, translated when shown."""
from flask_babel import lazy_gettext as _l

APPLICATION_STATUSES = {
    "draft": _l("Draft, not sent yet"),
    "submitted": _l("Sent, waiting for review"),
    "returned": _l("Returned to you for changes"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
}
EDUCATION = {"diploma": _l("High-school diploma"), "ged": _l("GED or equivalent (for example HiSET or a state "
                                                              "high-school equivalency certificate)")}
LIVED_EXPERIENCE = {
    "consumer": _l("I have lived experience of recovery from mental illness and/or substance use"),
    "family": _l("I have lived experience as a parent, caregiver or family member of someone in recovery"),
}
TRAINING_SOURCES = {"platform": _l("On this platform (my record shows it)"),
                    "external": _l("With another training provider (I will upload the certificate)")}
RETAKE_STATUSES = {"pending": _l("Waiting for review"), "approved": _l("Approved"), "denied": _l("Not approved"),
                   "used": _l("Used for a booking")}
