from flask import Blueprint

bp = Blueprint("certification", __name__, template_folder="templates")


@bp.context_processor
def _labels():
    from ..core.i18n import current_code
    from ..core.policy import setting
    from .labels import STATUSES, specialization_titles

    return {"certification_statuses": STATUSES,
            "specialization_titles": lambda slugs: specialization_titles(slugs, current_code()),
            "renewal_window_days": setting("renewal_window_days"), "reinstatement_years": setting("reinstatement_years"),
            "ce_cycle_years": setting("ce_cycle_years"), "ethics_version": setting("code_of_ethics_version")}


from . import models  # noqa: E402,F401
from .views import certificant, registry, renewal, staff  # noqa: E402,F401  (registers the routes)
