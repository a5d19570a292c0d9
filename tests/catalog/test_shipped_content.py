"""The curriculum we ship in courses/ is valid and has the shape the program requires."""
from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def summary(app):
    result = app.test_cli_runner().invoke(args=["content", "summary", "--json"])
    assert result.exit_code == 0, result.output
    return {course["slug"]: course for course in json.loads(result.output)}


def test_content_check_passes(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("content is valid")


def test_core_has_one_module_per_competency_summing_to_eighty_hours(summary):
    core = summary["core"]
    assert core["kind"] == "core" and core["required_minutes"] == 4800
    assert [m["competency"] for m in core["modules"]] == list(range(1, 18))
    assert sum(m["planned_minutes"] for m in core["modules"]) == 4800
    assert core["languages"] == ["en", "es"]
    for module in core["modules"]:
        assert module["questions"] >= 3 and module["min_minutes"] <= module["planned_minutes"]
        assert any(l["modality"] == "self_paced" and l["words"] >= 600 for l in module["lessons"])
        assert any(l["modality"] in ("live_virtual", "in_person") for l in module["lessons"])


def test_refresher_covers_all_seventeen_in_forty_hours(summary):
    refresher = summary["refresher"]
    assert refresher["kind"] == "refresher"
    assert sum(m["planned_minutes"] for m in refresher["modules"]) == 2400
    assert {m["competency"] for m in refresher["modules"]} == set(range(1, 18))


def test_four_specializations_of_forty_hours(summary):
    specializations = [c for c in summary.values() if c["kind"] == "specialization"]
    assert len(specializations) == 4
    for course in specializations:
        assert sum(m["planned_minutes"] for m in course["modules"]) == 2400
        assert course["prerequisites"] == ["core"]


def test_supervisor_training_and_law_and_ethics_ce(summary):
    assert any(c["kind"] == "supervisor" for c in summary.values())
    law = [c for c in summary.values() if c["kind"] == "ce" and c["ce_category"] == "law_ethics"]
    assert law and sum(m["planned_minutes"] for m in law[0]["modules"]) >= 360


def test_shipped_content_loads_once(app, db):
    from sqlalchemy import func, select

    from lms.catalog.models import CourseVersion

    runner = app.test_cli_runner()
    first = runner.invoke(args=["content", "load"])
    second = runner.invoke(args=["content", "load"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "version 1" in first.output and set(second.output.split()) >= {"unchanged"}
    with app.app_context():
        assert db.session.scalar(select(func.count(CourseVersion.id))) == len(first.output.strip().splitlines())
