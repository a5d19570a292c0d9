"""Versioned data files (courses/, exam_bank/): YAML that remembers lines, and problems that name them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


# Errors ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# YAML that remembers lines ----------------------------------------------------------------------

class Node(dict):
    """A mapping from YAML that knows the line of itself and of each key (1-based)."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = Node()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_mapping(path: Path, problems: list[Problem], format_version: int) -> Node | None:
    """A YAML file whose top is a mapping with the expected ``format_version``; problems are appended."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
    except FileNotFoundError:
        problems.append(Problem(path, None, "file is missing"))
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.append(Problem(path, mark.line + 1 if mark else None,
                                f"not valid YAML: {getattr(error, 'problem', error)}"))
        return None
    if not isinstance(data, Node):
        problems.append(Problem(path, 1, "expected a mapping at the top of the file"))
        return None
    if data.get("format_version") != format_version:
        problems.append(Problem(path, data.line_of("format_version"),
                                f"format_version must be {format_version} (found {data.get('format_version')!r})"))
    return data
