"""Completion certificates: issuing, the PDF (WeasyPrint) and public verification."""
from __future__ import annotations

import secrets

import segno
from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import select

from flask_babel import gettext as _

from ..core import audit
from ..core.clock import now
from ..core.errors import DomainError
from ..core.i18n import text_direction
from ..extensions import db
from .models import Certificate, Enrollment

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # about 79 bits: not guessable


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def issue(enrollment: Enrollment) -> Certificate:
    """The certificate for a completed enrolment (issued once; later calls return it)."""
    existing = db.session.scalar(select(Certificate).where(Certificate.enrollment_id == enrollment.id))
    if existing is not None:
        return existing
    from .services import credited_seconds_by_module

    credited = credited_seconds_by_module(enrollment)
    by_competency: dict[str, int] = {}
    for module in enrollment.version.modules:
        by_competency[module.competency] = by_competency.get(module.competency, 0) + credited.get(module.id, 0) // 60
    certificate = Certificate(
        enrollment_id=enrollment.id, code=new_code(), issued_at=enrollment.completed_at or now(),
        holder_name=enrollment.user.name, course_title=enrollment.version.title,
        provider_name=enrollment.offering.provider.name,
        minutes_by_competency=[[key, minutes] for key, minutes in by_competency.items()],
        total_minutes=sum(by_competency.values()),
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record("certificate.issued", certificate, actor=enrollment.user, enrollment=enrollment.id)
    return certificate


def find(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == normalise_code(code)))


def verification_url(certificate: Certificate) -> str:
    return url_for("catalog.verify", code=certificate.code, _external=True)


def qr_svg(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=3, dark="#111", border=2))


def pdf(certificate: Certificate, lang: str) -> bytes:
    try:
        from weasyprint import HTML  # imported here: it needs the Pango system library
    except (OSError, ImportError) as error:  # no Pango, or no WeasyPrint
        raise DomainError("pdf_unavailable", _("The certificate cannot be made on this server right now. "
                                               "Please try again later; your record is safe."), 503) from error

    url = verification_url(certificate)
    html = render_template("catalog/certificate_pdf.html", certificate=certificate, lang=lang,
                           text_dir=text_direction(lang), version=certificate.enrollment.version,
                           verify_url=url, qr=qr_svg(url))
    return HTML(string=html).write_pdf()
