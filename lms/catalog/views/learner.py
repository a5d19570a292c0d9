"""A trainee's own learning: enrolling, the course page, lessons and their heartbeat."""
from __future__ import annotations

import secrets

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.access import roles_required
from ...core.errors import DomainError
from ...core.i18n import current_code
from ...core.markdown import render
from ...core.policy import setting
from ...core.roles import Role
from ...extensions import db
from .. import seattime, services
from ..blueprint import bp
from ..models import Enrollment, Lesson, Offering


def own_enrollment(enrollment_id: int) -> Enrollment:
    """The signed-in trainee's enrolment; anyone else's is as good as missing."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.user_id != current_user.id:
        abort(404)
    return enrollment


def lesson_of(enrollment: Enrollment, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.module.version_id != enrollment.offering.version_id:
        abort(404)
    return lesson


@bp.route("/courses/<int:offering_id>/enrol", methods=["POST"])
@roles_required(Role.TRAINEE)
def enrol(offering_id: int):
    offering = db.session.get(Offering, offering_id)
    if offering is None:
        abort(404)
    try:
        enrollment = services.enrol(current_user, offering)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("catalog.offering", offering_id=offering.id))
    db.session.commit()
    return redirect(url_for("catalog.course_home", enrollment_id=enrollment.id))


@bp.route("/learn/<int:enrollment_id>")
@roles_required(Role.TRAINEE)
def course_home(enrollment_id: int):
    enrollment = own_enrollment(enrollment_id)
    by_module = services.credited_seconds_by_module(enrollment)
    by_lesson = services.credited_seconds_by_lesson(enrollment)
    return render_template("catalog/course_home.html", enrollment=enrollment, version=enrollment.version,
                           by_module=by_module, by_lesson=by_lesson, passed=services.passed_modules(enrollment),
                           lang=current_code())


@bp.route("/learn/<int:enrollment_id>/lessons/<int:lesson_id>")
@roles_required(Role.TRAINEE)
def lesson(enrollment_id: int, lesson_id: int):
    enrollment = own_enrollment(enrollment_id)
    lesson = lesson_of(enrollment, lesson_id)
    lang = current_code()
    previous, following = services.neighbours(lesson)
    return render_template(
        "catalog/lesson.html", enrollment=enrollment, lesson=lesson, module=lesson.module, lang=lang,
        body=render(lesson.text("body", lang)) if lesson.is_self_paced else None,
        previous=previous, following=following,
        credited_seconds=seattime.lesson_seconds(current_user, lesson), cap_seconds=seattime.lesson_cap_seconds(lesson),
        page_id=secrets.token_urlsafe(12), interval=setting("heartbeat_interval_seconds"),
        idle_after=setting("idle_after_seconds"),
    )


@bp.route("/api/v1/enrollments/<int:enrollment_id>/lessons/<int:lesson_id>/heartbeat", methods=["POST"])
@roles_required(Role.TRAINEE)
def heartbeat(enrollment_id: int, lesson_id: int):
    enrollment = own_enrollment(enrollment_id)
    lesson = lesson_of(enrollment, lesson_id)
    body = request.get_json(silent=True)
    page = body.get("page") if isinstance(body, dict) else None
    sequence = body.get("sequence") if isinstance(body, dict) else None
    active = body.get("active", True) if isinstance(body, dict) else None
    if not (isinstance(page, str) and 0 < len(page) <= 64 and isinstance(sequence, int) and sequence > 0
            and isinstance(active, bool)):
        raise DomainError("invalid_body", _('Send a JSON object with "page" (text), "sequence" (a positive whole number) and "active" (true or false).'))
    beat = seattime.heartbeat(current_user, enrollment, lesson, page, sequence, active)
    db.session.commit()
    return jsonify(credited_seconds=beat.credited_seconds, lesson_seconds=beat.lesson_seconds,
                   cap_seconds=beat.cap_seconds, replayed=beat.replayed)


def module_of(enrollment: Enrollment, module_id: int):
    from ..models import Module

    module = db.session.get(Module, module_id)
    if module is None or module.version_id != enrollment.offering.version_id:
        abort(404)
    return module


def _module_page(enrollment, module, attempt=None, answers=None, reflection_text=None, status=200):
    from sqlalchemy import select

    from ..models import CheckAttempt, Reflection

    saved = db.session.scalar(select(Reflection).where(Reflection.enrollment_id == enrollment.id,
                                                       Reflection.module_id == module.id))
    attempts = db.session.scalars(select(CheckAttempt).where(
        CheckAttempt.enrollment_id == enrollment.id, CheckAttempt.module_id == module.id)
        .order_by(CheckAttempt.id.desc())).all()
    return render_template(
        "catalog/module.html", enrollment=enrollment, module=module, lang=current_code(),
        attempt=attempt, attempts=attempts, answers=answers or (attempt.answers if attempt else {}),
        reflection_text=reflection_text if reflection_text is not None else (saved.text if saved else ""),
        reflection_saved=saved, passed=any(a.passed for a in attempts),
    ), status


@bp.route("/learn/<int:enrollment_id>/modules/<int:module_id>")
@roles_required(Role.TRAINEE)
def module(enrollment_id: int, module_id: int):
    enrollment = own_enrollment(enrollment_id)
    return _module_page(enrollment, module_of(enrollment, module_id))


@bp.route("/learn/<int:enrollment_id>/modules/<int:module_id>/check", methods=["POST"])
@roles_required(Role.TRAINEE)
def submit_check(enrollment_id: int, module_id: int):
    enrollment = own_enrollment(enrollment_id)
    module = module_of(enrollment, module_id)
    answers = {q.key: request.form.get(f"q-{q.key}", "") for q in module.questions}
    try:
        attempt = services.grade_check(enrollment, module, answers)
    except DomainError as error:
        flash(error.message, "error")
        return _module_page(enrollment, module, answers=answers, status=400)
    db.session.commit()
    return _module_page(enrollment, module, attempt=attempt)


@bp.route("/learn/<int:enrollment_id>/modules/<int:module_id>/reflection", methods=["POST"])
@roles_required(Role.TRAINEE)
def save_reflection(enrollment_id: int, module_id: int):
    enrollment = own_enrollment(enrollment_id)
    module = module_of(enrollment, module_id)
    text = request.form.get("reflection", "")
    try:
        services.save_reflection(enrollment, module, text)
    except DomainError as error:
        flash(error.message, "error")
        return _module_page(enrollment, module, reflection_text=text, status=400)
    db.session.commit()
    flash(_("Your reflection is saved."), "success")
    return redirect(url_for("catalog.module", enrollment_id=enrollment.id, module_id=module.id) + "#reflection")
