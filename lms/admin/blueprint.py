from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from .views import accounts, dashboard  # noqa: E402,F401  (registers the routes)
