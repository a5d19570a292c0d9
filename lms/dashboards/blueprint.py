from flask import Blueprint

bp = Blueprint("dashboards", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (registers the routes)
