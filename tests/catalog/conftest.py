from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.catalog.loader import load_course
from lms.catalog.models import Course, CourseVersion, Offering
from lms.catalog.services import load_shipped, offer_latest_versions
from lms.core.policy import DEFAULTS
from lms.providers.models import Provider

from .builders import make_course


@pytest.fixture
def offered(app, db, tmp_path, create_provider):
    """Write a small course, load it, and have a provider offer it. Returns ids, not rows."""

    def make(slug="mini", kind="ce", policy=None, **kwargs) -> SimpleNamespace:
        folder = make_course(tmp_path / "courses", slug=slug, kind=kind, **kwargs)
        provider = create_provider()
        with app.app_context():
            load_shipped([load_course(folder, policy or DEFAULTS)])
            offer_latest_versions(db.session.get(Provider, provider.id))
            db.session.commit()
            offering = db.session.scalar(select(Offering).join(CourseVersion).join(Course)
                                         .where(Course.slug == slug).order_by(Offering.id.desc()))
            lessons = [lesson.id for module in offering.version.modules for lesson in module.lessons]
            return SimpleNamespace(offering_id=offering.id, version_id=offering.version_id, folder=folder,
                                   lessons=lessons, self_paced=lessons[0], live=lessons[1])

    return make
