from flask import Blueprint

bp = Blueprint("candidates", __name__, template_folder="templates")


@bp.context_processor
def _labels():
    from ..core.policy import setting
    from . import labels

    return {"application_statuses": labels.APPLICATION_STATUSES, "education": labels.EDUCATION,
            "lived_experience": labels.LIVED_EXPERIENCE, "training_sources": labels.TRAINING_SOURCES,
            "retake_statuses": labels.RETAKE_STATUSES, "ethics_version": setting("code_of_ethics_version"),
            "upload_mb": setting("upload_max_bytes") // (1024 * 1024)}


@bp.app_template_global("accommodation_summary")
def _accommodation_summary(plan) -> list[str]:
    """Short labels for approved accommodations ("Extra time ×1.5"), never the document or its details."""
    from .accommodations import summary_labels

    return summary_labels(plan)


from . import models  # noqa: E402,F401
from .views import accommodations, application, retakes, staff, uploads  # noqa: E402,F401  (registers the routes)
