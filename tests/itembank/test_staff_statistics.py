"""Item statistics on the staff screens: analysing a response file, applying a calibration, the curves."""
from __future__ import annotations

import io

import numpy as np
from sqlalchemy import func, select

from lms.core.roles import Role
from lms.itembank.models import BankItem, ItemVersion, StatisticsRun
from lms.itembank.psychometrics import irt

from .conftest import shipped


def _csv(item_ids, x, languages=None):
    lines = ["candidate_id,item_id,score"]
    for i, row in enumerate(x):
        lines += [f"c{i},{item_ids[j]},{int(v)}" for j, v in enumerate(row) if not np.isnan(v)]
    groups = ["candidate_id,language"] + [f"c{i},{lang}" for i, lang in enumerate(languages or [])]
    return "\n".join(lines).encode(), "\n".join(groups).encode()


def _simulated(item_ids, n=1500, seed=3):
    rng = np.random.default_rng(seed)
    a = np.array([0.8, 1.0, 1.2, 1.4, 0.9, 1.1][: len(item_ids)])
    b = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 3.2][: len(item_ids)])   # the last one is far too hard
    x, _ = irt.simulate(n, a, b, rng)
    return x


def test_analysing_a_response_file_and_applying_its_calibration(app, db, client, login_as, bank_items):
    login_as(Role.PSYCHOMETRICIAN)
    x = _simulated(bank_items)
    responses, groups = _csv(bank_items, x, ["en", "es"] * (len(x) // 2))
    response = client.submit("/staff/bank/statistics", {
        "label": "Pilot, spring", "model": "2pl",
        "responses": (io.BytesIO(responses), "responses.csv"), "groups": (io.BytesIO(groups), "groups.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    run_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pilot, spring" in run_page and "Too hard (p below 0.30)" in run_page
    with app.app_context():
        run = db.session.scalars(select(StatisticsRun)).one()
        rows = {r.item_id: r for r in run.rows}
        assert rows[bank_items[5]].flags[:1] == ["too_hard"]
        assert rows[bank_items[0]].exposure == 1.0 and set(rows[bank_items[0]].dif) == {"es"}
        run_id = run.id
    flagged = client.get("/staff/bank/?flag=too_hard").get_data(as_text=True)
    assert bank_items[5] in flagged and bank_items[0] not in flagged
    csv_text = client.get(f"/staff/bank/statistics/{run_id}.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("item_id,n,exposure,p,point_biserial,a,b")

    client.submit(f"/staff/bank/statistics/{run_id}/apply")
    with app.app_context():
        item = db.session.get(BankItem, bank_items[3])
        assert abs(item.irt["b"] - 0.5) < 0.25 and item.version == 2
        assert db.session.scalar(select(func.count()).select_from(ItemVersion)
                                 .where(ItemVersion.source == "calibration")) == len(bank_items)
    again = client.submit(f"/staff/bank/statistics/{run_id}/apply", follow_redirects=True)
    assert "already in the bank" in again.get_data(as_text=True)
    page = client.get(f"/staff/bank/items/{bank_items[3]}").get_data(as_text=True)
    assert "<svg" in page and "Item characteristic curve" in page and "Pilot, spring" in page


def test_a_bad_response_file_is_refused_and_nothing_is_saved(app, db, client, login_as, bank_items):
    login_as(Role.PSYCHOMETRICIAN)
    response = client.submit("/staff/bank/statistics", {
        "label": "Broken", "model": "2pl", "responses": (io.BytesIO(b"who,what\n1,2\n"), "r.csv"),
    }, content_type="multipart/form-data", follow_redirects=True)
    assert "The file could not be read: /responses.csv: the header must be candidate_id,item_id,score" in \
        response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatisticsRun)) == 0


def test_test_information_of_assembled_forms_is_drawn_once_the_bank_is_calibrated(app, db, client, login_as):
    from lms.itembank.store import load_files, write_version

    login_as(Role.ADMIN)
    with app.app_context():
        load_files(shipped())
        db.session.commit()
    assert "needs IRT parameters for every approved item" in client.get("/staff/bank/statistics").get_data(as_text=True)
    rng = np.random.default_rng(1)
    with app.app_context():
        for item in db.session.scalars(select(BankItem)):
            item.irt = {"a": float(rng.lognormal(0, 0.25)), "b": float(rng.normal())}
            write_version(item, None, "calibration")   # as every change to an item does
        db.session.commit()
    page = client.get("/staff/bank/statistics").get_data(as_text=True)
    assert "Test information function" in page and page.count('class="chart__marker"') == 3
    assert page.count('class="chart__line chart__line--faint"') == 12


def test_item_curve_geometry():
    from lms.itembank.plots import HEIGHT, THETA, item_curve

    chart = item_curve(1.0, 0.0, {"y": "P", "probability": "P", "information": "I"})
    points = [tuple(map(float, p.split(","))) for p in chart.series[0].path[1:].split(" L")]
    assert len(points) == len(THETA)
    ys = [y for _x, y in points]
    assert ys == sorted(ys, reverse=True)            # rises left to right (y grows downwards in SVG)
    middle = points[len(points) // 2][1]
    assert abs(middle - (chart.plot_bottom + chart.plot_top) / 2) < 1   # P = 0.5 at theta = b
    assert chart.markers[0].y1 < chart.markers[0].y0 <= HEIGHT
