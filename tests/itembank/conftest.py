from __future__ import annotations

from functools import lru_cache

import pytest

from lms.itembank.loader import EXAM_BANK, Bank, load_bank


@lru_cache(maxsize=1)
def shipped():
    return load_bank(EXAM_BANK)


@pytest.fixture
def bank_items(app, db):
    """The first items of competencies 1 and 2 of the shipped bank, loaded into the database."""
    from lms.itembank.store import load_files

    bank = shipped()
    chosen = [i for i in bank.items if i.competency == 1][:4] + [i for i in bank.items if i.competency == 2][:2]
    with app.app_context():
        load_files(Bank(bank.blueprint, tuple(chosen)))
        db.session.commit()
    return [i.id for i in chosen]
