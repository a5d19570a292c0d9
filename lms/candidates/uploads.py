"""Documents people send: checked by content (not by name), stored under the instance folder, never served statically."""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ..core.errors import DomainError
from ..core.policy import setting
from ..extensions import db
from .models import Upload

# What the file's first bytes must be, and the type it is then stored and served as.
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def storage_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def store(owner, purpose: str, file: FileStorage | None) -> Upload:
    """Check and keep an uploaded file; raises DomainError with what to do when it is refused."""
    if file is None or not file.filename:
        raise DomainError("missing_file", _("Choose a file to upload (PDF, PNG or JPEG)."))
    limit = setting("upload_max_bytes")
    data = file.stream.read(limit + 1)
    if not data:
        raise DomainError("empty_file", _("The file is empty. Choose the scanned or saved document again."))
    if len(data) > limit:
        raise DomainError("file_too_large", _("The file is larger than %(mb)s MB. Save it at a lower resolution and "
                                              "upload it again.", mb=limit // (1024 * 1024)))
    content_type = _content_type(data[:16])
    if content_type is None:
        raise DomainError("file_type", _("This file is not a PDF, PNG or JPEG. Save or scan the document in one of "
                                         "these formats and upload it again."))
    key = secrets.token_hex(16)
    (storage_dir() / key).write_bytes(data)
    name = Path(file.filename).name[-200:] or "document"
    upload = Upload(owner_id=owner.id, purpose=purpose, filename=name, content_type=content_type, size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), storage_key=key)
    db.session.add(upload)
    db.session.flush()
    return upload


def path_of(upload: Upload) -> Path:
    return storage_dir() / upload.storage_key
