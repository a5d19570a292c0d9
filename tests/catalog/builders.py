"""Small courses written to disk in the courses/ format, for tests."""
from __future__ import annotations

import textwrap
from pathlib import Path

from lms.core.policy import DEFAULTS

SMALL_CORE = {**DEFAULTS, "core_training_minutes": 200, "core_competency_count": 2}
LONG_TEXT = " ".join(["Peers listen first and share their story with purpose."] * 70)  # 630 words


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def module_yaml(key: str, competency, *, minutes=(60, 40), min_minutes=90, langs=("en",), correct=("b",)) -> str:
    def t(text):
        return "{" + ", ".join(f'{lang}: "{text} ({lang})"' for lang in langs) + "}"

    questions = "\n".join(
        f"""
        - key: q{n}
          prompt: {t(f"Question {n}")}
          options:
            - {{key: a, correct: {str('a' in correct).lower()}, text: {t("A")}, feedback: {t("Why A")}}}
            - {{key: b, correct: {str('b' in correct).lower()}, text: {t("B")}, feedback: {t("Why B")}}}"""
        for n in (1, 2, 3))
    objectives = "{" + ", ".join(f'{lang}: ["Explain one thing", "Practise another"]' for lang in langs) + "}"
    return textwrap.dedent(f"""
        format_version: 1
        key: {key}
        competency: {competency}
        title: {t("Module")}
        objectives: {objectives}
        min_minutes: {min_minutes}
        lessons:
          - key: reading
            title: {t("Reading")}
            modality: self_paced
            planned_minutes: {minutes[0]}
          - key: live
            title: {t("Live")}
            modality: live_virtual
            planned_minutes: {minutes[1]}
        reflection:
          prompt: {t("Reflect")}
        knowledge_check:
          pass_percent: 66
          questions:""") + textwrap.indent(textwrap.dedent(questions), "    ") + "\n"


def make_course(root: Path, slug="mini", kind="ce", modules=(("01-one", 1),), langs=("en",), extra="",
                required=100, **module_kwargs) -> Path:
    folder = root / slug
    names = ", ".join(name for name, _ in modules)
    lang_list = ", ".join(langs)
    titles = "{" + ", ".join(f'{lang}: "Course {lang}"' for lang in langs) + "}"
    write(folder / "course.yaml", textwrap.dedent(f"""
        format_version: 1
        slug: {slug}
        kind: {kind}
        title: {titles}
        summary: {titles}
        required_minutes: {required}
        languages: [{lang_list}]
        {"ce_category: general" if kind == "ce" else ""}
        modules: [{names}]
        """) + extra)
    for name, competency in modules:
        write(folder / "modules" / name / "module.yaml", module_yaml(name[3:], competency, langs=langs, **module_kwargs))
        write(folder / "modules" / name / "reading.en.md", "## Reading\n\n" + LONG_TEXT)
        write(folder / "modules" / name / "live.plan.en.md", "## Agenda\n\n| Time | Activity | Minutes |\n")
    return folder


