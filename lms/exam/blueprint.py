from flask import Blueprint

bp = Blueprint("exam", __name__, template_folder="templates")


@bp.context_processor
def _labels():
    from ..itembank import labels
    return {"labels": labels}


from .views import api, candidate, staff  # noqa: E402,F401  (registers the routes)
