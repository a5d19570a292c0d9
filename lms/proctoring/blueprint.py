from flask import Blueprint

bp = Blueprint("proctoring", __name__, template_folder="templates")


@bp.context_processor
def _labels():
    from .actions import ACTIONS, REASONS
    from .checkin import ID_TYPES, OUTCOMES
    from .console import STATES
    from .incidents import CATEGORIES

    return {"proctor_actions": ACTIONS, "proctor_reasons": REASONS, "id_types": ID_TYPES, "seat_states": STATES,
            "incident_categories": CATEGORIES, "checkin_outcomes": OUTCOMES}


from . import models  # noqa: E402,F401
from .views import candidate, console, incidents, report  # noqa: E402,F401  (registers the routes)
