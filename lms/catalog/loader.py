"""The one loader for course content in courses/ (format in courses/FORMAT.md).

``load_courses(root, policy)`` reads every course folder, validates all of it and returns
``Course`` objects, or raises ``ContentInvalid`` listing every problem with its file and line.
The CLI, the authoring screens and the tests all call it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.datafiles import ContentInvalid, Node, Problem, read_mapping

FORMAT_VERSION = 1
KINDS = ("core", "refresher", "specialization", "supervisor", "ce")
MODALITIES = ("self_paced", "live_virtual", "in_person")
LIVE = ("live_virtual", "in_person")
CE_CATEGORIES = ("general", "law_ethics")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_CORE_LESSON_WORDS = 600
MIN_QUESTIONS = 3
MIN_OBJECTIVES = 2


# What a course is -------------------------------------------------------------------------------

Text = dict  # {language: text}


def localised(text: Text | None, lang: str, fallback: str = "en") -> str:
    if not text:
        return ""
    return text.get(lang) or text.get(fallback) or ""


@dataclass(frozen=True)
class Option:
    key: str
    correct: bool
    text: Text
    feedback: Text


@dataclass(frozen=True)
class Question:
    key: str
    prompt: Text
    options: tuple[Option, ...]

    @property
    def answer(self) -> str:
        return next(o.key for o in self.options if o.correct)


@dataclass(frozen=True)
class Lesson:
    key: str
    title: Text
    modality: str
    planned_minutes: int
    body: Text = field(default_factory=dict)       # Markdown per language (self-paced)
    plan: Text = field(default_factory=dict)       # facilitator plan per language (live)

    @property
    def is_live(self) -> bool:
        return self.modality in LIVE

    @property
    def words(self) -> int:
        return count_words(self.body.get("en", ""))


@dataclass(frozen=True)
class Module:
    folder: str
    key: str
    competency: int | str
    title: Text
    objectives: dict
    min_minutes: int
    lessons: tuple[Lesson, ...]
    reflection: Text
    questions: tuple[Question, ...]
    pass_percent: int

    @property
    def planned_minutes(self) -> int:
        return sum(lesson.planned_minutes for lesson in self.lessons)


@dataclass(frozen=True)
class Course:
    slug: str
    kind: str
    title: Text
    summary: Text
    required_minutes: int
    languages: tuple[str, ...]
    modules: tuple[Module, ...]
    prerequisites: tuple[str, ...] = ()
    ce_category: str | None = None
    competencies: dict = field(default_factory=dict)  # specialization: key -> title

    @property
    def planned_minutes(self) -> int:
        return sum(module.planned_minutes for module in self.modules)

    def summary_dict(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title.get("en"),
            "kind": self.kind,
            "required_minutes": self.required_minutes,
            "planned_minutes": self.planned_minutes,
            "languages": list(self.languages),
            "ce_category": self.ce_category,
            "prerequisites": list(self.prerequisites),
            "modules": [
                {
                    "key": m.key,
                    "competency": m.competency,
                    "title": m.title.get("en"),
                    "planned_minutes": m.planned_minutes,
                    "min_minutes": m.min_minutes,
                    "lessons": [
                        {"key": l.key, "modality": l.modality, "planned_minutes": l.planned_minutes, "words": l.words}
                        for l in m.lessons
                    ],
                    "questions": len(m.questions),
                }
                for m in self.modules
            ],
        }


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_MARKUP = re.compile(r"`{3}.*?`{3}|!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[#>*_`|~-]", re.S)


def count_words(markdown: str) -> int:
    """Words of running text in Markdown (markup, link targets and code fences left out)."""
    return len(_WORD.findall(_MARKUP.sub(" ", markdown)))


# Validation -------------------------------------------------------------------------------------

class _Reader:
    """Collects problems while reading one course; nothing is returned if any were found."""

    def __init__(self, policy: dict):
        self.policy = policy
        self.problems: list[Problem] = []

    def problem(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def yaml(self, path: Path) -> Node | None:
        return read_mapping(path, self.problems, FORMAT_VERSION)

    def text(self, path: Path, node: Node, key: str, languages, required: bool = True) -> Text:
        value = node.get(key)
        line = node.line_of(key)
        if value is None:
            if required:
                self.problem(path, node.line, f"'{key}' is missing")
            return {}
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.problem(path, line, f"'{key}' must be a text or a mapping of language to text")
            return {}
        for lang in languages:
            if not (value.get(lang) or "").strip():
                self.problem(path, line, f"'{key}' has no {lang} text")
        return {lang: text.strip() for lang, text in value.items()}

    def integer(self, path: Path, node: Node, key: str, minimum: int = 1) -> int:
        value = node.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.problem(path, node.line_of(key), f"'{key}' must be a whole number of at least {minimum}")
            return 0
        return value

    def markdown(self, folder: Path, stem: str, languages) -> Text:
        found = {}
        for file in sorted(folder.glob(f"{stem}.*.md")):
            lang = file.name[len(stem) + 1:-3]
            if "." not in lang:
                found[lang] = file.read_text(encoding="utf-8").strip()
        return found


def load_course(folder: Path, policy: dict) -> Course:
    reader = _Reader(policy)
    course = _read_course(reader, folder)
    if reader.problems:
        raise ContentInvalid(reader.problems)
    return course


def load_courses(root: Path, policy: dict) -> list[Course]:
    """Every course under ``root``, all valid, or ContentInvalid with every problem found."""
    problems: list[Problem] = []
    courses: list[Course] = []
    folders = sorted(p for p in Path(root).iterdir() if p.is_dir() and (p / "course.yaml").exists())
    if not folders:
        raise ContentInvalid([Problem(Path(root), None, "no course folders (each needs a course.yaml)")])
    for folder in folders:
        try:
            courses.append(load_course(folder, policy))
        except ContentInvalid as invalid:
            problems += invalid.problems
    slugs = [c.slug for c in courses]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.append(Problem(Path(root), None, f"two courses use the slug {slug!r}"))
    known = set(slugs)
    for course in courses:
        for needed in course.prerequisites:
            if needed not in known:
                problems.append(Problem(Path(root) / course.slug / "course.yaml", None,
                                        f"prerequisite {needed!r} is not a course"))
    if problems:
        raise ContentInvalid(problems)
    return courses


def _read_course(r: _Reader, folder: Path) -> Course | None:
    path = folder / "course.yaml"
    data = r.yaml(path)
    if data is None:
        return None
    slug = data.get("slug")
    if slug != folder.name or not isinstance(slug, str) or not SLUG.match(slug):
        r.problem(path, data.line_of("slug"), f"'slug' must match the folder name {folder.name!r} "
                                              "(lower-case letters, digits, hyphens)")
    kind = data.get("kind")
    if kind not in KINDS:
        r.problem(path, data.line_of("kind"), f"'kind' must be one of {', '.join(KINDS)}")
    languages = data.get("languages") or ["en"]
    if not isinstance(languages, list) or "en" not in languages:
        r.problem(path, data.line_of("languages"), "'languages' must be a list that includes en")
        languages = ["en"]
    title = r.text(path, data, "title", languages)
    summary = r.text(path, data, "summary", languages)
    required = r.integer(path, data, "required_minutes")
    ce_category = data.get("ce_category")
    if kind == "ce" and ce_category not in CE_CATEGORIES:
        r.problem(path, data.line_of("ce_category"), f"a ce course needs 'ce_category': {' or '.join(CE_CATEGORIES)}")
    if kind != "ce" and ce_category is not None:
        r.problem(path, data.line_of("ce_category"), "'ce_category' is only for ce courses")
    prerequisites = data.get("prerequisites") or []
    if not isinstance(prerequisites, list):
        r.problem(path, data.line_of("prerequisites"), "'prerequisites' must be a list of course slugs")
        prerequisites = []

    competencies: dict = {}
    for item in data.get("competencies") or []:
        if not isinstance(item, Node) or not isinstance(item.get("key"), str) or not SLUG.match(item["key"]):
            r.problem(path, getattr(item, "line", data.line_of("competencies")),
                      "each competency needs a 'key' (lower-case, hyphens) and a 'title'")
            continue
        competencies[item["key"]] = r.text(path, item, "title", languages)
    if kind == "specialization" and not competencies:
        r.problem(path, data.line, "a specialization lists its own 'competencies'")

    module_names = data.get("modules")
    modules: list[Module] = []
    if not isinstance(module_names, list) or not module_names:
        r.problem(path, data.line_of("modules"), "'modules' must list the module folders in order")
        module_names = []
    for name in module_names:
        module = _read_module(r, folder / "modules" / str(name), languages, kind, competencies)
        if module is not None:
            modules.append(module)
    keys = [m.key for m in modules]
    for key in {k for k in keys if keys.count(k) > 1}:
        r.problem(path, data.line_of("modules"), f"two modules use the key {key!r}")

    course = Course(slug=slug, kind=kind, title=title, summary=summary, required_minutes=required,
                    languages=tuple(languages), modules=tuple(modules), prerequisites=tuple(prerequisites),
                    ce_category=ce_category, competencies=competencies)
    if not r.problems:
        _check_course_rules(r, path, data, course)
    return course


def _check_course_rules(r: _Reader, path: Path, data: Node, course: Course) -> None:
    targets = {
        "core": r.policy["core_training_minutes"],
        "refresher": r.policy["refresher_minutes"],
        "specialization": r.policy["specialization_minutes"],
    }
    target = targets.get(course.kind)
    if target is not None and course.required_minutes != target:
        r.problem(path, data.line_of("required_minutes"),
                  f"a {course.kind} course requires {target} minutes (policy), not {course.required_minutes}")
    if target is not None and course.planned_minutes != course.required_minutes:
        r.problem(path, data.line_of("modules"),
                  f"planned minutes add up to {course.planned_minutes}; they must total exactly "
                  f"{course.required_minutes}")
    if course.kind in ("supervisor", "ce") and course.planned_minutes < course.required_minutes:
        r.problem(path, data.line_of("required_minutes"),
                  f"planned minutes ({course.planned_minutes}) are fewer than required_minutes")
    all_competencies = set(range(1, r.policy["core_competency_count"] + 1))
    covered = [m.competency for m in course.modules]
    if course.kind in ("core", "refresher"):
        missing = sorted(all_competencies - set(covered))
        if missing:
            r.problem(path, data.line_of("modules"),
                      f"competencies without a module: {', '.join(map(str, missing))}")
    if course.kind == "core":
        doubled = sorted({c for c in covered if covered.count(c) > 1})
        if doubled:
            r.problem(path, data.line_of("modules"),
                      f"core training has one module per competency; doubled: {', '.join(map(str, doubled))}")
    if course.kind == "specialization":
        missing = sorted(set(course.competencies) - set(covered))
        if missing:
            r.problem(path, data.line_of("modules"), f"competencies without a module: {', '.join(missing)}")


def _read_module(r: _Reader, folder: Path, languages, kind: str, competencies: dict) -> Module | None:
    path = folder / "module.yaml"
    data = r.yaml(path)
    if data is None:
        return None
    key = data.get("key")
    if not isinstance(key, str) or not SLUG.match(key):
        r.problem(path, data.line_of("key"), "'key' must be lower-case letters, digits and hyphens")
    competency = data.get("competency")
    valid = set(range(1, r.policy["core_competency_count"] + 1)) | set(competencies)
    if competency not in valid or isinstance(competency, bool):
        allowed = "1-17" + (f" or one of {', '.join(competencies)}" if competencies else "")
        r.problem(path, data.line_of("competency"), f"'competency' must be {allowed}")
    title = r.text(path, data, "title", languages)
    objectives = _objectives(r, path, data, languages)
    min_minutes = r.integer(path, data, "min_minutes")

    lessons = []
    raw_lessons = data.get("lessons")
    if not isinstance(raw_lessons, list) or not raw_lessons:
        r.problem(path, data.line_of("lessons"), "'lessons' must list at least one lesson")
        raw_lessons = []
    for item in raw_lessons:
        lesson = _read_lesson(r, path, folder, item, languages)
        if lesson is not None:
            lessons.append(lesson)
    keys = [lesson.key for lesson in lessons]
    for dup in {k for k in keys if keys.count(k) > 1}:
        r.problem(path, data.line_of("lessons"), f"two lessons use the key {dup!r}")
    planned = sum(lesson.planned_minutes for lesson in lessons)
    if min_minutes and planned and min_minutes > planned:
        r.problem(path, data.line_of("min_minutes"),
                  f"min_minutes ({min_minutes}) is more than the planned minutes ({planned})")
    if kind == "core" and lessons and not any(
            l.modality == "self_paced" and l.words >= MIN_CORE_LESSON_WORDS for l in lessons):
        longest = max((l.words for l in lessons if l.modality == "self_paced"), default=0)
        r.problem(path, data.line_of("lessons"),
                  f"a core module needs a self-paced lesson of at least {MIN_CORE_LESSON_WORDS} words "
                  f"(longest has {longest})")

    reflection_node = data.get("reflection")
    reflection: Text = {}
    if isinstance(reflection_node, Node):
        reflection = r.text(path, reflection_node, "prompt", languages)
    else:
        r.problem(path, data.line_of("reflection"), "'reflection' with a 'prompt' is missing")

    questions, pass_percent = _read_check(r, path, data, languages)
    return Module(folder=folder.name, key=key, competency=competency, title=title, objectives=objectives,
                  min_minutes=min_minutes, lessons=tuple(lessons), reflection=reflection,
                  questions=tuple(questions), pass_percent=pass_percent)


def _objectives(r: _Reader, path: Path, data: Node, languages) -> dict:
    value = data.get("objectives")
    line = data.line_of("objectives")
    if not isinstance(value, dict) or not isinstance(value.get("en"), list):
        r.problem(path, line, "'objectives' must map each language to a list")
        return {}
    count = len(value["en"])
    if count < MIN_OBJECTIVES:
        r.problem(path, line, f"at least {MIN_OBJECTIVES} learning objectives are needed")
    for lang in languages:
        items = value.get(lang)
        if not isinstance(items, list) or len(items) != count or not all(isinstance(i, str) and i.strip() for i in items):
            r.problem(path, line, f"'objectives' in {lang} must list the same {count} objectives as English")
    return {lang: [str(i).strip() for i in items] for lang, items in value.items() if isinstance(items, list)}


def _read_lesson(r: _Reader, path: Path, folder: Path, item, languages) -> Lesson | None:
    if not isinstance(item, Node):
        r.problem(path, None, "each lesson must be a mapping")
        return None
    key = item.get("key")
    if not isinstance(key, str) or not SLUG.match(key):
        r.problem(path, item.line_of("key"), "a lesson 'key' must be lower-case letters, digits and hyphens")
        return None
    modality = item.get("modality")
    if modality not in MODALITIES:
        r.problem(path, item.line_of("modality"), f"lesson {key!r}: 'modality' must be one of {', '.join(MODALITIES)}")
    title = r.text(path, item, "title", languages)
    minutes = r.integer(path, item, "planned_minutes")
    body = r.markdown(folder, key, languages)
    plan = r.markdown(folder, f"{key}.plan", languages)
    if modality == "self_paced" and not body.get("en"):
        r.problem(folder / f"{key}.en.md", None, f"self-paced lesson {key!r} has no English text")
    if modality in LIVE and not plan.get("en"):
        r.problem(folder / f"{key}.plan.en.md", None, f"live lesson {key!r} has no facilitator plan")
    return Lesson(key=key, title=title, modality=modality, planned_minutes=minutes, body=body, plan=plan)


def _read_check(r: _Reader, path: Path, data: Node, languages) -> tuple[list[Question], int]:
    check = data.get("knowledge_check")
    if not isinstance(check, Node):
        r.problem(path, data.line_of("knowledge_check"), "'knowledge_check' is missing")
        return [], 0
    pass_percent = check.get("pass_percent", 80)
    if not isinstance(pass_percent, int) or not 1 <= pass_percent <= 100:
        r.problem(path, check.line_of("pass_percent"), "'pass_percent' must be between 1 and 100")
    raw = check.get("questions")
    if not isinstance(raw, list) or len(raw) < MIN_QUESTIONS:
        r.problem(path, check.line_of("questions"), f"a knowledge check needs at least {MIN_QUESTIONS} questions")
        raw = raw if isinstance(raw, list) else []
    questions = []
    for q in raw:
        if not isinstance(q, Node) or not isinstance(q.get("key"), str):
            r.problem(path, getattr(q, "line", check.line), "each question needs a 'key'")
            continue
        prompt = r.text(path, q, "prompt", languages)
        options = []
        raw_options = q.get("options")
        if not isinstance(raw_options, list) or not 2 <= len(raw_options) <= 6:
            r.problem(path, q.line_of("options"), f"question {q['key']!r} needs 2 to 6 options")
            raw_options = raw_options if isinstance(raw_options, list) else []
        for o in raw_options:
            if not isinstance(o, Node) or not isinstance(o.get("key"), str):
                r.problem(path, getattr(o, "line", q.line), "each option needs a 'key'")
                continue
            options.append(Option(key=o["key"], correct=o.get("correct") is True,
                                  text=r.text(path, o, "text", languages),
                                  feedback=r.text(path, o, "feedback", languages)))
        if raw_options and sum(o.correct for o in options) != 1:
            r.problem(path, q.line_of("options"), f"question {q['key']!r} must have exactly one correct option")
        option_keys = [o.key for o in options]
        if len(set(option_keys)) != len(option_keys):
            r.problem(path, q.line_of("options"), f"question {q['key']!r} repeats an option key")
        questions.append(Question(key=q["key"], prompt=prompt, options=tuple(options)))
    keys = [q.key for q in questions]
    for dup in {k for k in keys if keys.count(k) > 1}:
        r.problem(path, check.line_of("questions"), f"two questions use the key {dup!r}")
    return questions, pass_percent if isinstance(pass_percent, int) else 80
