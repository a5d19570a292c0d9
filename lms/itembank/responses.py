"""Response files: CSV ``candidate_id,item_id,score`` (score 0 or 1; pairs not presented are absent)."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np


class ResponseFileError(ValueError):
    pass


def read_responses(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    """(candidate ids, item ids, matrix of 1/0/NaN) from a long-format CSV."""
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"candidate_id", "item_id", "score"} <= set(reader.fieldnames):
            raise ResponseFileError(f"{path}: the header must be candidate_id,item_id,score")
        for line, row in enumerate(reader, start=2):
            if row["score"] not in ("0", "1"):
                raise ResponseFileError(f"{path}:{line}: score must be 0 or 1, not {row['score']!r}")
            rows.append((row["candidate_id"], row["item_id"], float(row["score"])))
    if not rows:
        raise ResponseFileError(f"{path}: no responses")
    candidates = sorted({r[0] for r in rows})
    items = sorted({r[1] for r in rows})
    person = {c: i for i, c in enumerate(candidates)}
    column = {t: j for j, t in enumerate(items)}
    matrix = np.full((len(candidates), len(items)), np.nan)
    for candidate, item, value in rows:
        matrix[person[candidate], column[item]] = value
    return candidates, items, matrix


def read_groups(path: Path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"candidate_id", "language"} <= set(reader.fieldnames):
            raise ResponseFileError(f"{path}: the header must be candidate_id,language")
        return {row["candidate_id"]: row["language"] for row in reader}


def csv_number(value) -> str:
    """A statistic as a CSV cell: four decimals, empty when there is none."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.4f}"


def write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
