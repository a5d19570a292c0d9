from flask import Blueprint

bp = Blueprint("catalog", __name__, template_folder="templates")

from .views import instructor, learner, public, record, staff, verify  # noqa: E402,F401  (registers the routes)
