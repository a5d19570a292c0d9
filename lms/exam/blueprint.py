from flask import Blueprint

bp = Blueprint("exam", __name__, template_folder="templates")


from .views import api, candidate, results, staff  # noqa: E402,F401  (registers the routes)
