from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")

from .views import api, auth, profile  # noqa: E402,F401  (registers the routes)
