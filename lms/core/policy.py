"""Policy settings: numbers the program can change, with the defaults of the certification rules.

Read with ``setting(name)``; an installation overrides any of them in ``app.config["POLICY"]``.
The defaults come from ../shared/domain/certification-rules.md.
"""
from __future__ import annotations

from flask import current_app, has_app_context

DEFAULTS: dict[str, object] = {
    # Training hours, in minutes
    "core_training_minutes": 80 * 60,
    "refresher_minutes": 40 * 60,
    "specialization_minutes": 40 * 60,
    "core_competency_count": 17,
    # Continuing education: 20 hours every 2 years, at least 6 of them Law & Ethics
    "ce_minutes_per_cycle": 20 * 60,
    "ce_law_ethics_minutes": 6 * 60,
    "ce_cycle_years": 2,
    # Self-paced seat time: a heartbeat about every 30 s while the page is visible and in use
    "seat_time_cap_factor": 1.5,        # credited time per lesson <= planned minutes x this
    "heartbeat_interval_seconds": 30,
    "heartbeat_grace_seconds": 15,      # a beat may arrive this late and still count in full
    "idle_after_seconds": 120,          # no interaction for this long: the page stops sending beats
    "specialization_requires_core": True,
    # Exam forms
    "max_item_exposure": 0.25,          # the most often any item may appear, where the bank allows
    "form_information_band": 0.10,      # calibrated: a form's information may differ from the target by this share
    "form_difficulty_band": 0.02,       # uncalibrated: a form's mean p may differ from the target by this much
    # The candidate's path: application, accommodations, retakes, results
    "minimum_age_years": 18,
    "application_window_months": 12,    # an approved application: training and exam fall inside this
    "max_sittings_per_window": 3,
    "retake_wait_days": 0,              # after a sitting that did not pass; none is published
    "funded_retakes": 1,                # a scholarship pays one retake, only when pre-approved
    "accommodation_notice_days": 30,    # requests are due this long before the sitting
    "breaks_on_request_default": 2,     # "breaks that stop the clock", when staff do not say how many
    "upload_max_bytes": 10 * 1024 * 1024,
    "results_release": "immediate",     # immediate | after_review: staff release each result
    "code_of_ethics_version": "2024-1",
    # Proctoring
    "paused_poll_seconds": 5,           # a paused candidate's page asks this often whether the proctor resumed
    "disconnected_after_seconds": 75,   # no contact for this long: the console marks the candidate (2.5 heartbeats)
    "max_extension_minutes": 60,
    "console_refresh_seconds": 10,      # the console asks for the seats' state this often
    # Certification
    "certification_years": 2,           # one period; a renewal starts the next from the old expiry
    "certification_auto_issue": False,  # True: a released pass with training done certifies at once
    "certification_number_prefix": "PSS",
    "renewal_window_days": 90,          # a renewal may be filed this long before expiry
    "renewal_reminder_days": (90, 30, 7),
    "reinstatement_years": 4,           # after expiry: reinstatement (refresher + exam + ethics); then the initial path        # the most a proctor may add in one extension
}


def setting(name: str):
    if has_app_context():
        overrides = current_app.config.get("POLICY") or {}
        if name in overrides:
            return overrides[name]
    return DEFAULTS[name]


def settings() -> dict[str, object]:
    return {name: setting(name) for name in DEFAULTS}
