"""Fetching an uploaded document: its owner and certification staff only (anyone else gets 404)."""
from __future__ import annotations

from flask import abort, send_file
from flask_login import current_user

from ...core.access import authenticated
from ...core.roles import Role
from ...extensions import db
from ..blueprint import bp
from ..models import Upload
from ..uploads import path_of


@bp.route("/uploads/<int:upload_id>")
@authenticated
def upload(upload_id: int):
    upload = db.session.get(Upload, upload_id)
    if upload is None or (upload.owner_id != current_user.id and Role.ADMIN not in current_user.role_set):
        abort(404)
    path = path_of(upload)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=upload.content_type, as_attachment=True, download_name=upload.filename,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
