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
}


def setting(name: str):
    if has_app_context():
        overrides = current_app.config.get("POLICY") or {}
        if name in overrides:
            return overrides[name]
    return DEFAULTS[name]


def settings() -> dict[str, object]:
    return {name: setting(name) for name in DEFAULTS}
