"""The psychometrics commands work from files alone."""
from __future__ import annotations

import csv

import numpy as np

from lms.itembank.psychometrics import irt


def _write_responses(path, x):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["candidate_id", "item_id", "score"])
        for i, row in enumerate(x):
            for j, value in enumerate(row):
                if not np.isnan(value):
                    writer.writerow([f"c{i:05d}", f"PSS-01-{j + 1:03d}", int(value)])


def _read(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_calibrate_analyze_and_dif_commands(app, tmp_path):
    rng = np.random.default_rng(5)
    a, b = rng.lognormal(0, 0.25, 20), rng.normal(0, 1, 20)
    x, _theta = irt.simulate(3000, a, b, rng)
    responses = tmp_path / "responses.csv"
    _write_responses(responses, x)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["bank", "calibrate", "--model", "2pl", "--responses", str(responses),
                                 "--out", str(tmp_path / "params.csv")])
    assert result.exit_code == 0, result.output
    params = _read(tmp_path / "params.csv")
    assert list(params[0]) == ["item_id", "a", "b", "se_a", "se_b"] and len(params) == 20
    assert np.corrcoef([float(p["b"]) for p in params], b)[0, 1] > 0.98

    rasch = runner.invoke(args=["bank", "calibrate", "--model", "rasch", "--responses", str(responses),
                                "--out", str(tmp_path / "rasch.csv")])
    assert rasch.exit_code == 0 and {p["a"] for p in _read(tmp_path / "rasch.csv")} == {"1.0000"}

    result = runner.invoke(args=["bank", "analyze", "--responses", str(responses), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 0 and list(_read(tmp_path / "r.csv")[0]) == ["item_id", "n", "p", "point_biserial", "flags"]

    groups = tmp_path / "groups.csv"
    groups.write_text("candidate_id,language\n" + "".join(f"c{i:05d},{'en' if i % 2 else 'es'}\n" for i in range(3000)))
    result = runner.invoke(args=["bank", "dif", "--responses", str(responses), "--groups", str(groups),
                                 "--out", str(tmp_path / "dif.csv")])
    assert result.exit_code == 0, result.output
    rows = _read(tmp_path / "dif.csv")
    assert len(rows) == 20 and {r["language"] for r in rows} == {"es"}


def test_a_bad_response_file_gets_a_clear_error(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate_id,item_id,score\nc1,PSS-01-001,2\n")
    result = app.test_cli_runner().invoke(args=["bank", "analyze", "--responses", str(bad), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code != 0 and "bad.csv:2: score must be 0 or 1, not '2'" in result.output
