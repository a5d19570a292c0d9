"""The wallet card: a small PDF in the certificant's language with a QR code to their registry entry."""
from __future__ import annotations

from datetime import datetime

from flask import render_template, url_for
from flask_babel import gettext as _

from ..catalog.certificates import qr_svg
from ..core.errors import DomainError
from ..core.i18n import text_direction
from .models import Certification
from .service import public_status


def registry_url(certification: Certification) -> str:
    return url_for("certification.registry_entry", number=certification.number, _external=True)


def pdf(certification: Certification, lang: str, at: datetime) -> bytes:
    try:
        from weasyprint import HTML  # imported here: it needs the Pango system library
    except (OSError, ImportError) as error:
        raise DomainError("pdf_unavailable", _("The wallet card cannot be made on this server right now. "
                                               "Please try again later; your certification is safe."), 503) from error
    url = registry_url(certification)
    html = render_template("certification/wallet_pdf.html", certification=certification, lang=lang,
                           text_dir=text_direction(lang), registry_url=url, qr=qr_svg(url),
                           status=public_status(certification, at))
    return HTML(string=html).write_pdf()
