"""A trainee's record: progress per competency, the transcript (HTML and CSV), continuing education."""
from __future__ import annotations

import csv
import io

from flask import Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ...core.access import roles_required
from ...core.i18n import current_code
from ...core.roles import Role
from .. import records
from ..blueprint import bp
from ..competencies import competency_name, status_label
from ..models import CreditSource


@bp.route("/trainee/record")
@roles_required(Role.TRAINEE)
def record():
    rows = records.transcript(current_user)
    courses: dict[int, list] = {}
    for row in rows:
        courses.setdefault(row.enrollment.id, []).append(row)
    return render_template("catalog/record.html", courses=courses, ce=records.ce_summary(current_user),
                           lang=current_code())


@bp.route("/trainee/record.csv")
@roles_required(Role.TRAINEE)
def record_csv():
    lang = current_code()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Course"), _("Provider"), _("Status"), _("Completed on"), _("Module"), _("Competency"),
                     _("Self-paced minutes"), _("Live minutes"), _("Correction minutes"), _("Total minutes"),
                     _("Knowledge check passed")])
    for row in records.transcript(current_user):
        enrollment, version = row.enrollment, row.enrollment.version
        writer.writerow([
            version.text("title", lang), enrollment.offering.provider.name, status_label(enrollment.status),
            enrollment.completed_at.date().isoformat() if enrollment.completed_at else "",
            row.module.text("title", lang), competency_name(version, row.module.competency, lang),
            *(row.seconds_by_source.get(source, 0) // 60 for source in
              (CreditSource.SELF_PACED, CreditSource.LIVE, CreditSource.ADJUSTMENT)),
            row.total_seconds // 60, _("Yes") if row.check_passed else _("No"),
        ])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=transcript.csv"})


@bp.route("/trainee/certificates/<int:enrollment_id>.pdf")
@roles_required(Role.TRAINEE)
def certificate_pdf(enrollment_id: int):
    from flask import abort
    from sqlalchemy import select

    from ...extensions import db
    from .. import certificates
    from ..models import Certificate

    certificate = db.session.scalar(select(Certificate).where(Certificate.enrollment_id == enrollment_id))
    if certificate is None or certificate.enrollment.user_id != current_user.id:
        abort(404)
    return Response(certificates.pdf(certificate, current_code()), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=certificate-{certificate.code}.pdf"})
