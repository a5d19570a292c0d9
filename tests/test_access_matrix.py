"""Who may call what: one table for every route of the application, HTML and JSON alike.

A route that is not in ACCESS fails ``test_every_route_is_in_the_matrix``: adding a route
means deciding here who may use it.
"""
from __future__ import annotations

import pytest
from flask import url_for

from lms.core.roles import Role

from .conftest import sign_in

PUBLIC = "public"
SIGNED_IN = "signed-in"
STAFF = {Role.ADMIN, Role.ITEM_WRITER, Role.PSYCHOMETRICIAN}

ACCESS: dict[str, object] = {
    "static": PUBLIC,
    "core.home": PUBLIC,
    "core.choose_language": PUBLIC,
    "core.healthz": PUBLIC,
    "core.openapi": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.register": PUBLIC,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.logout": SIGNED_IN,
    "accounts.profile": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.api_me": SIGNED_IN,
    "accounts.api_preferences": SIGNED_IN,
    "dashboards.trainee": {Role.TRAINEE},
    "dashboards.provider": {Role.AUTHOR, Role.INSTRUCTOR},
    "dashboards.proctor": {Role.PROCTOR},
    "catalog.offerings": PUBLIC,
    "catalog.offering": PUBLIC,
    "catalog.enrol": {Role.TRAINEE},
    "catalog.course_home": {Role.TRAINEE},
    "catalog.lesson": {Role.TRAINEE},
    "catalog.heartbeat": {Role.TRAINEE},
    "catalog.module": {Role.TRAINEE},
    "catalog.submit_check": {Role.TRAINEE},
    "catalog.save_reflection": {Role.TRAINEE},
    "catalog.record": {Role.TRAINEE},
    "catalog.certificate_pdf": {Role.TRAINEE},
    "catalog.verify_form": PUBLIC,
    "catalog.verify": PUBLIC,
    "catalog.record_csv": {Role.TRAINEE},
    "catalog.staff_training": {Role.ADMIN},
    "catalog.staff_adjust": {Role.ADMIN},
    "catalog.staff_allow_refresher": {Role.ADMIN},
    "catalog.instructor_offerings": {Role.INSTRUCTOR},
    "catalog.instructor_sessions": {Role.INSTRUCTOR},
    "catalog.instructor_attendance": {Role.INSTRUCTOR},
    "admin.dashboard": STAFF,
    "admin.users": {Role.ADMIN},
    "admin.user_new": {Role.ADMIN},
    "admin.user_edit": {Role.ADMIN},
    "admin.user_status": {Role.ADMIN},
    "admin.providers": {Role.ADMIN},
    "admin.audit_log": {Role.ADMIN},
    "exam.home": {Role.TRAINEE},
    "exam.book": {Role.TRAINEE},
    "exam.cancel": {Role.TRAINEE},
    "exam.sitting_page": {Role.TRAINEE},
    "exam.sitting_save": {Role.TRAINEE},
    "exam.take_break": {Role.TRAINEE},
    "exam.review": {Role.TRAINEE},
    "exam.submit": {Role.TRAINEE},
    "exam.result": {Role.TRAINEE},
    "exam.result_pdf": {Role.TRAINEE},
    "exam.staff_results": {Role.ADMIN, Role.PSYCHOMETRICIAN},
    "exam.staff_results_release": {Role.ADMIN},
    "exam.api_state": {Role.TRAINEE},
    "exam.api_item": {Role.TRAINEE},
    "exam.api_save": {Role.TRAINEE},
    "exam.api_submit": {Role.TRAINEE},
    "exam.api_heartbeat": {Role.TRAINEE},
    "exam.staff_sessions": {Role.ADMIN},
    "exam.staff_session": {Role.ADMIN},
    "exam.staff_session_proctors": {Role.ADMIN},
    # Proctors: the role opens these; being assigned to the session is checked on top (tests/proctoring).
    "proctoring.session_console": {Role.PROCTOR, Role.ADMIN},
    "proctoring.api_console": {Role.PROCTOR, Role.ADMIN},
    "proctoring.seat": {Role.PROCTOR, Role.ADMIN},
    "proctoring.check_in": {Role.PROCTOR, Role.ADMIN},
    "proctoring.admit": {Role.PROCTOR, Role.ADMIN},
    "proctoring.act": {Role.PROCTOR, Role.ADMIN},
    "proctoring.api_act": {Role.PROCTOR, Role.ADMIN},
    "proctoring.session_incidents": {Role.PROCTOR, Role.ADMIN},
    "proctoring.session_report": {Role.PROCTOR, Role.ADMIN},
    "proctoring.session_report_csv": {Role.PROCTOR, Role.ADMIN},
    "proctoring.session_report_pdf": {Role.PROCTOR, Role.ADMIN},
    "proctoring.sign_off": {Role.PROCTOR, Role.ADMIN},
    "proctoring.staff_incidents": {Role.ADMIN},
    "proctoring.review_incident": {Role.ADMIN},
    "proctoring.enter_code": {Role.TRAINEE},
    "certification.registry": PUBLIC,
    "certification.registry_entry": PUBLIC,
    "certification.mine": {Role.TRAINEE},
    "certification.wallet_pdf": {Role.TRAINEE},
    "certification.staff_certifications": {Role.ADMIN},
    "certification.staff_certification": {Role.ADMIN},
    "certification.staff_issue": {Role.ADMIN},
    "certification.renew": {Role.TRAINEE},
    "certification.staff_renewals": {Role.ADMIN},
    "certification.staff_renewal": {Role.ADMIN},
    "candidates.apply": {Role.TRAINEE},
    "candidates.retake": {Role.TRAINEE},
    "candidates.upload": SIGNED_IN,
    "candidates.staff_applications": {Role.ADMIN},
    "candidates.staff_application": {Role.ADMIN},
    "candidates.staff_retakes": {Role.ADMIN},
    "candidates.accommodations": {Role.TRAINEE},
    "candidates.accommodation_withdraw": {Role.TRAINEE},
    "candidates.staff_accommodations": {Role.ADMIN},
    "candidates.staff_accommodation": {Role.ADMIN},
    "itembank.browse": STAFF,
    "itembank.export_json": STAFF,
    "itembank.new_item": {Role.ITEM_WRITER},
    "itembank.item": STAFF,
    "itembank.save_metadata": {Role.ITEM_WRITER},
    "itembank.edit_variant": {Role.ITEM_WRITER},
    "itembank.review_item": {Role.ITEM_WRITER, Role.ADMIN},
    "itembank.review_variant": {Role.ITEM_WRITER},
    "itembank.version": STAFF,
    "itembank.statistics": STAFF,
    "itembank.upload_statistics": {Role.PSYCHOMETRICIAN},
    "itembank.run": STAFF,
    "itembank.run_csv": STAFF,
    "itembank.apply": {Role.PSYCHOMETRICIAN},
}

WHO = [None, *Role]  # None: nobody signed in


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(app, rule, user_id: int) -> str:
    samples = {"user_id": user_id, "token": "not-a-valid-token", "filename": "css/app.css",
               "offering_id": 1, "enrollment_id": 1, "lesson_id": 1, "module_id": 1,
               "session_id": 1, "code": "ABCD-EFGH-JKMN-PQRS",
               "item_id": "PSS-01-001", "language": "es", "number": 1, "run_id": 1,
               "public_id": "0123456789abcdef", "booking_id": 1, "position": 1, "request_id": 1, "upload_id": 1,
               "application_id": 1, "incident_id": 1, "certification_id": 1,
               "renewal_id": 1}
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: samples[name] for name in rule.arguments})


def _allowed(rule_access, who: Role | None) -> bool:
    if rule_access == PUBLIC:
        return True
    if who is None:
        return False
    return rule_access == SIGNED_IN or who in rule_access


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "new routes need a line in ACCESS"
    assert ACCESS.keys() - endpoints == set(), "ACCESS names routes that no longer exist"


def test_declarations_match_the_matrix(app):
    """The declaration on each view says the same as the table."""
    from lms.core.access import access_of

    for endpoint, expected in ACCESS.items():
        declared = access_of(app, endpoint)
        for who in WHO:
            user = _FakeUser(who)
            assert declared.allows(user) == _allowed(expected, who), (endpoint, who)


class _FakeUser:
    def __init__(self, role):
        self.is_authenticated = role is not None
        self.role_set = frozenset({role}) if role else frozenset()


@pytest.mark.parametrize("who", WHO, ids=lambda r: str(r) if r else "anonymous")
def test_role_endpoint_matrix(app, client, create_user, who):
    """Every route, every method, as every role: allowed means answered, denied means 401/403."""
    target = create_user(Role.TRAINEE)
    if who is not None:
        user = create_user(who)
        assert sign_in(client, user.email).status_code == 302
    failures = []
    for rule, method in _routes(app):
        if rule.endpoint == "accounts.logout":
            continue  # would end the session for the rest of the walk; covered below
        url = _url(app, rule, target.id)
        for as_json in (False, True):
            headers = {"Accept": "application/json"} if as_json else {}
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                headers["X-CSRFToken"] = client.csrf_token()
                response = client.open(url, method=method, headers=headers, data={})
            expected = _allowed(ACCESS[rule.endpoint], who)
            denied = _is_denial(response, who, as_json or url.startswith("/api/"))
            if expected == denied:
                failures.append(f"{method} {url} json={as_json}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _is_denial(response, who, as_json: bool) -> bool:
    if who is None:
        if as_json:
            return response.status_code == 401 and response.is_json
        return response.status_code == 302 and "/login" in response.headers["Location"]
    if response.status_code == 403:
        assert response.is_json == as_json
        return True
    return False


@pytest.mark.parametrize("who", WHO, ids=lambda r: str(r) if r else "anonymous")
def test_logout_matrix(client, create_user, who):
    if who is None:
        response = client.post("/logout", headers={"X-CSRFToken": client.csrf_token()})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        return
    user = create_user(who)
    sign_in(client, user.email)
    assert client.submit("/logout").status_code == 302
    assert client.get("/account").status_code == 302  # signed out


def test_unknown_route_is_404_for_everyone(client):
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/api/v1/no-such-thing").status_code == 404
