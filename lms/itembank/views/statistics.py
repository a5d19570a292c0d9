"""Staff screens for item statistics: response-file runs, their results, applying a calibration, test information."""
from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.errors import DomainError
from ...extensions import db
from ...core.roles import Role
from ..assembly import AssemblyError, assemble_many, target_information
from ..blueprint import bp
from ..loader import shipped_blueprint
from ..models import StatisticsRun
from ..plots import THETA, forms_information, information_chart
from ..responses import ResponseFileError, csv_number, read_groups, read_responses
from ..statistics import apply_run, form_spec, record_run, working_pool
from .items import STAFF

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
PREVIEW_FORMS = 12


def _information():
    """Test information of a batch of forms assembled from the working bank, or None while it is uncalibrated."""
    blueprint = shipped_blueprint()
    pool = working_pool(blueprint)
    if not len(pool.ids) or not pool.calibrated:
        return None, None
    spec = form_spec(blueprint)
    try:
        summary = assemble_many(pool, spec, PREVIEW_FORMS, seed=0)
    except AssemblyError as error:
        return None, str(error)
    scored = [form[~pool.pretest[form]] for form in summary.forms]
    chart = information_chart(forms_information(pool.a, pool.b, scored),
                              {"y": _("Test information"), "form": lambda n: _("Form %(n)s", n=n),
                               "mean": _("Mean of the forms")},
                              target=target_information(pool, spec).target, target_thetas=spec.thetas, band=spec.band)
    return chart, summary


@bp.route("/statistics")
@roles_required(*STAFF)
def statistics():
    runs = db.session.scalars(select(StatisticsRun).order_by(StatisticsRun.id.desc())).all()
    chart, summary = _information()
    return render_template("itembank/statistics.html", runs=runs, chart=chart, summary=summary, theta=THETA)


def _saved_upload(storage, folder: Path, name: str) -> Path | None:
    if storage is None or not storage.filename:
        return None
    path = folder / name
    storage.save(path)
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise DomainError("too_large", _("The file is larger than %(mb)s MB.", mb=MAX_UPLOAD_BYTES // 2**20))
    return path


@bp.route("/statistics", methods=["POST"])
@roles_required(Role.PSYCHOMETRICIAN)
def upload_statistics():
    model = request.form.get("model", "2pl")
    try:
        if model not in ("rasch", "2pl"):
            raise DomainError("bad_input", _("Choose the Rasch or the 2PL model."))
        with tempfile.TemporaryDirectory() as scratch:
            responses = _saved_upload(request.files.get("responses"), Path(scratch), "responses.csv")
            if responses is None:
                raise DomainError("bad_input", _("Choose a response file (CSV: candidate_id,item_id,score)."))
            groups_path = _saved_upload(request.files.get("groups"), Path(scratch), "groups.csv")
            try:
                candidates, item_ids, matrix = read_responses(responses)
                groups = read_groups(groups_path) if groups_path else None
            except (ResponseFileError, UnicodeDecodeError, KeyError) as error:
                raise DomainError("bad_file", _("The file could not be read: %(problem)s. Nothing was saved.",
                                                problem=str(error).replace(str(scratch), ""))) from error
        run = record_run(current_user, request.form.get("label", ""), candidates, item_ids, matrix, groups, model)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("itembank.statistics"))
    db.session.commit()
    flash(_("%(items)s items analysed from %(candidates)s candidates.", items=len(item_ids),
            candidates=len(candidates)), "success")
    return redirect(url_for("itembank.run", run_id=run.id))


def _ordered_rows(run: StatisticsRun):
    return sorted(run.rows, key=lambda r: (not r.flags, r.item_id))


@bp.route("/statistics/<int:run_id>")
@roles_required(*STAFF)
def run(run_id: int):
    run = db.get_or_404(StatisticsRun, run_id)
    return render_template("itembank/run.html", run=run, rows=_ordered_rows(run),
                           flagged=sum(1 for r in run.rows if r.flags))


@bp.route("/statistics/<int:run_id>.csv")
@roles_required(*STAFF)
def run_csv(run_id: int):
    run = db.get_or_404(StatisticsRun, run_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["item_id", "n", "exposure", "p", "point_biserial", "a", "b", "se_a", "se_b", "flags", "dif"])
    for r in _ordered_rows(run):
        writer.writerow([r.item_id, r.n, csv_number(r.exposure), csv_number(r.p), csv_number(r.point_biserial), csv_number(r.a), csv_number(r.b),
                         csv_number(r.se_a), csv_number(r.se_b), " ".join(r.flags),
                         " ".join(f"{lang}:{d['category']}" for lang, d in sorted(r.dif.items()))])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="item-statistics-{run.id}.csv"'})


@bp.route("/statistics/<int:run_id>/apply", methods=["POST"])
@roles_required(Role.PSYCHOMETRICIAN)
def apply(run_id: int):
    run = db.get_or_404(StatisticsRun, run_id)
    try:
        applied = apply_run(current_user, run)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Parameters applied to %(count)s items.", count=applied), "success")
    return redirect(url_for("itembank.run", run_id=run.id))
