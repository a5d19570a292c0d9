"""The content loader: accepts good courses, rejects bad files with their path, line and what is wrong."""
from __future__ import annotations

import pytest

from lms.catalog.loader import ContentInvalid, count_words, load_course, load_courses
from lms.core.policy import DEFAULTS

from .builders import SMALL_CORE, make_course, write

def problems_of(call) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def test_a_valid_course_loads_with_its_summary(tmp_path):
    course = load_course(make_course(tmp_path), DEFAULTS)
    summary = course.summary_dict()
    assert summary["slug"] == "mini" and summary["kind"] == "ce" and summary["planned_minutes"] == 100
    [module] = summary["modules"]
    assert module["competency"] == 1 and module["questions"] == 3
    assert [l["modality"] for l in module["lessons"]] == ["self_paced", "live_virtual"]
    assert module["lessons"][0]["words"] >= 600


def test_malformed_yaml_is_reported_with_file_and_line(tmp_path):
    folder = make_course(tmp_path)
    path = folder / "modules" / "01-one" / "module.yaml"
    path.write_text(path.read_text().replace("min_minutes: 90", "min_minutes: [90"))
    [problem] = problems_of(lambda: load_course(folder, DEFAULTS))
    assert problem.startswith(f"{path}:") and "not valid YAML" in problem


def test_wrong_format_version_names_the_line(tmp_path):
    folder = make_course(tmp_path)
    path = folder / "course.yaml"
    path.write_text(path.read_text().replace("format_version: 1", "format_version: 2"))
    [problem] = problems_of(lambda: load_course(folder, DEFAULTS))
    assert problem == f"{path}:1: format_version must be 1 (found 2)"


def test_two_correct_options_are_refused(tmp_path):
    folder = make_course(tmp_path, correct=("a", "b"))
    problems = problems_of(lambda: load_course(folder, DEFAULTS))
    assert any("question 'q1' must have exactly one correct option" in p for p in problems)
    assert all(":" in p.split("module.yaml")[1] for p in problems)  # every one has a line number


def test_missing_lesson_text_and_facilitator_plan(tmp_path):
    folder = make_course(tmp_path)
    (folder / "modules" / "01-one" / "reading.en.md").unlink()
    (folder / "modules" / "01-one" / "live.plan.en.md").unlink()
    problems = problems_of(lambda: load_course(folder, DEFAULTS))
    assert any("reading.en.md: self-paced lesson 'reading' has no English text" in p for p in problems)
    assert any("live.plan.en.md: live lesson 'live' has no facilitator plan" in p for p in problems)


def test_every_listed_language_must_be_complete(tmp_path):
    folder = make_course(tmp_path, langs=("en", "es"))
    path = folder / "modules" / "01-one" / "module.yaml"
    text = path.read_text()
    path.write_text(text.replace(', es: "Question 2 (es)"', "", 1))
    [problem] = problems_of(lambda: load_course(folder, DEFAULTS))
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if "Question 2 (en)" in l)
    assert problem == f"{path}:{line}: 'prompt' has no es text"


def test_core_rules_total_minutes_and_competencies(tmp_path):
    folder = make_course(tmp_path, slug="core", kind="core", modules=(("01-one", 1), ("02-two", 1)), required=200,
                         minutes=(60, 30))
    problems = problems_of(lambda: load_course(folder, SMALL_CORE))
    assert any("planned minutes add up to 180; they must total exactly 200" in p for p in problems)
    assert any("competencies without a module: 2" in p for p in problems)
    assert any("one module per competency; doubled: 1" in p for p in problems)


def test_core_target_is_the_policy_setting(tmp_path):
    folder = make_course(tmp_path, slug="core", kind="core", modules=(("01-one", 1), ("02-two", 2)), required=200)
    assert load_course(folder, SMALL_CORE).planned_minutes == 200
    problems = problems_of(lambda: load_course(folder, {**SMALL_CORE, "core_training_minutes": 240}))
    assert any("a core course requires 240 minutes (policy), not 200" in p for p in problems)


def test_core_lessons_need_six_hundred_words(tmp_path):
    folder = make_course(tmp_path, slug="core", kind="core", modules=(("01-one", 1), ("02-two", 2)), required=200)
    (folder / "modules" / "02-two" / "reading.en.md").write_text("## Short\n\nToo short to teach anything.")
    [problem] = problems_of(lambda: load_course(folder, SMALL_CORE))
    assert "needs a self-paced lesson of at least 600 words (longest has 6)" in problem


def test_minimum_minutes_cannot_exceed_the_plan(tmp_path):
    folder = make_course(tmp_path, min_minutes=150)
    [problem] = problems_of(lambda: load_course(folder, DEFAULTS))
    assert "min_minutes (150) is more than the planned minutes (100)" in problem


def test_loading_is_all_or_nothing(tmp_path):
    make_course(tmp_path, slug="good")
    bad = make_course(tmp_path, slug="bad")
    (bad / "modules" / "01-one" / "module.yaml").write_text("format_version: 1\n")
    problems = problems_of(lambda: load_courses(tmp_path, DEFAULTS))
    assert problems and all("/bad/" in p for p in problems)


def test_slug_must_match_folder_and_prerequisites_must_exist(tmp_path):
    make_course(tmp_path, slug="mini", extra="prerequisites: [nowhere]\n")
    problems = problems_of(lambda: load_courses(tmp_path, DEFAULTS))
    assert any("prerequisite 'nowhere' is not a course" in p for p in problems)


def test_word_count_ignores_markup():
    assert count_words("## Heading here\n\n- one *two* [three](http://x.example/a-b-c)\n\n```\ncode code\n```") == 5
