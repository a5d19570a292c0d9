from flask import Blueprint

bp = Blueprint("itembank", __name__, template_folder="templates", url_prefix="/staff/bank")


@bp.app_context_processor
def _labels():   # the exam's pages name areas too
    from . import labels
    return {"labels": labels}


from .views import items, statistics  # noqa: E402,F401  (registers the routes)
