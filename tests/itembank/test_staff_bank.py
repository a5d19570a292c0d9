"""Staff screens of the item bank: browsing, side-by-side editing, the review workflow and history."""
from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.core.roles import Role
from lms.itembank.loader import Bank
from lms.itembank.models import BankItem, ItemVersion

from .conftest import shipped

ITEM = "/staff/bank/items/{}"


def _get(app, db, item_id):
    with app.app_context():
        item = db.session.get(BankItem, item_id)
        db.session.expunge(item)
        return item


def _variant_form(item, language="en", **changes):
    variant = item.variants[language]
    data = {"version": item.version, "stem": variant.stem, "rationale": variant.rationale, "note": "test"}
    data.update({f"option_{k}": v for k, v in variant.options.items()})
    data.update(changes)
    return data


def test_loading_twice_changes_nothing_and_keeps_staff_edits(app, db, bank_items):
    from lms.itembank.store import load_files, save_variant

    bank = shipped()
    chosen = Bank(bank.blueprint, tuple(i for i in bank.items if i.id in bank_items))
    with app.app_context():
        again = load_files(chosen)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(bank_items))
        item = db.session.get(BankItem, bank_items[0])
        assert item.version == 1 and item.source == "file"
        editor = _writer(db)
        save_variant(editor, item, 1, "es", "Texto nuevo del enunciado.", dict(item.variants["es"].options),
                     item.variants["es"].rationale, "")
        db.session.commit()
        later = load_files(chosen)   # the file still has the old text: the staff edit stays
        assert later.kept == 1 and later.unchanged == len(bank_items) - 1
        assert db.session.get(BankItem, bank_items[0]).variants["es"].stem == "Texto nuevo del enunciado."


def _writer(db):
    from lms.accounts.models import RoleGrant, User

    user = User(email="writer-direct@example.org", name="Writer", locale="en", password_hash="x")
    user.grants.append(RoleGrant(role=Role.ITEM_WRITER))
    db.session.add(user)
    db.session.flush()
    return user


def test_browse_filters_by_competency_status_language_and_text(app, client, login_as, bank_items, db):
    login_as(Role.PSYCHOMETRICIAN)
    page = client.get("/staff/bank/").get_data(as_text=True)
    assert all(item_id in page for item_id in bank_items)
    assert "6 items match" in page
    only_two = client.get("/staff/bank/?competency=2").get_data(as_text=True)
    assert bank_items[4] in only_two and bank_items[0] not in only_two
    with app.app_context():
        item = db.session.get(BankItem, bank_items[1])
        item.variants["ko"].status = "review"
        db.session.commit()
    missing_ko = client.get("/staff/bank/?missing=ko").get_data(as_text=True)
    assert "1 item matches" in missing_ko and bank_items[1] in missing_ko
    assert "0 items match" in client.get("/staff/bank/?status=retired").get_data(as_text=True)
    stem_word = _get(app, db, bank_items[2]).variants["en"].stem.split()[3]
    assert bank_items[2] in client.get(f"/staff/bank/?q={stem_word}").get_data(as_text=True)


def test_side_by_side_editor_shows_english_and_writes_right_to_left(client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    page = client.get(f"{ITEM.format(bank_items[0])}/variants/ar").get_data(as_text=True)
    assert 'lang="en" dir="ltr"' in page
    assert 'name="stem" rows="6" required lang="ar" dir="rtl"' in page


def test_saving_a_translation_puts_it_in_review_and_keeps_a_version(app, db, client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    item = _get(app, db, bank_items[0])
    response = client.submit(f"{ITEM.format(item.id)}/variants/es",
                             _variant_form(item, "es", stem="Un enunciado revisado por el equipo."))
    assert response.status_code == 302
    saved = _get(app, db, item.id)
    assert saved.version == 2 and saved.variants["es"].status == "review" and saved.status == "approved"
    page = client.get(ITEM.format(item.id)).get_data(as_text=True)
    assert "es stem, es status" in page
    old = client.get(f"{ITEM.format(item.id)}/versions/1").get_data(as_text=True)
    assert str(escape(item.variants["es"].stem)) in old
    assert "Un enunciado revisado" in client.get(f"{ITEM.format(item.id)}/versions/2").get_data(as_text=True)


def test_editing_the_english_of_an_approved_item_sends_it_back_to_review(app, db, client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    item = _get(app, db, bank_items[0])
    client.submit(f"{ITEM.format(item.id)}/variants/en", _variant_form(item, stem="A clearer stem for the item?"))
    assert _get(app, db, item.id).status == "review"


def test_a_stale_save_is_refused_and_the_text_written_is_kept(app, db, client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    item = _get(app, db, bank_items[0])
    client.submit(f"{ITEM.format(item.id)}/variants/es", _variant_form(item, "es", stem="Primera versión."))
    stale = client.submit(f"{ITEM.format(item.id)}/variants/es", _variant_form(item, "es", stem="Mi texto."))
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "Someone saved this item after you opened it" in body and "Mi texto." in body
    assert _get(app, db, item.id).variants["es"].stem == "Primera versión."


def test_an_empty_option_is_refused_with_a_message_and_nothing_changes(app, db, client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    item = _get(app, db, bank_items[0])
    response = client.submit(f"{ITEM.format(item.id)}/variants/vi", _variant_form(item, "vi", option_c="  "))
    assert response.status_code == 400
    assert "missing: C" in response.get_data(as_text=True)
    assert _get(app, db, item.id).version == 1


def test_review_needs_a_second_person(app, db, client, new_client, login_as, create_user, bank_items):
    from .. conftest import sign_in

    writer = login_as(Role.ITEM_WRITER)
    item = _get(app, db, bank_items[0])
    client.submit(f"{ITEM.format(item.id)}/variants/en", _variant_form(item, stem="A better stem?"))
    # the writer cannot approve their own text or the item
    client.submit(f"{ITEM.format(item.id)}/variants/en/review", {"action": "approve"})
    assert _get(app, db, item.id).variants["en"].status == "review"
    reviewer = create_user(Role.ITEM_WRITER)
    other = new_client()
    sign_in(other, reviewer.email)
    refused = other.submit(f"{ITEM.format(item.id)}/review", {"action": "approve"}, follow_redirects=True)
    assert "Approve the English text first." in refused.get_data(as_text=True)
    other.submit(f"{ITEM.format(item.id)}/variants/en/review", {"action": "approve"})
    assert client.submit(f"{ITEM.format(item.id)}/review", {"action": "approve"}, follow_redirects=True) \
        .get_data(as_text=True).count("Someone other than the last person who edited the item") == 1
    other.submit(f"{ITEM.format(item.id)}/review", {"action": "approve"})
    assert _get(app, db, item.id).status == "approved"
    no_note = other.submit(f"{ITEM.format(item.id)}/review", {"action": "retire"}, follow_redirects=True)
    assert "Say why in the note." in no_note.get_data(as_text=True)
    other.submit(f"{ITEM.format(item.id)}/review", {"action": "retire", "note": "Outdated law."})
    assert _get(app, db, item.id).status == "retired"
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == item.id)).all()
        versions = db.session.scalars(select(ItemVersion.source).where(ItemVersion.item_id == item.id)
                                      .order_by(ItemVersion.number)).all()
    assert {"bank.variant_saved", "bank.variant_approve", "bank.item_approve", "bank.item_retire"} <= set(actions)
    assert versions == ["file", "staff", "review", "review", "review"]
    assert writer.id != reviewer.id


def test_enemies_are_kept_mutual_and_must_exist(app, db, client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    first, second = bank_items[0], bank_items[1]
    item = _get(app, db, first)
    form = {"version": item.version, "cognitive_level": item.cognitive_level, "key": item.key,
            "pretest": "1" if item.pretest else "", "note": "cue each other"}
    unknown = client.submit(f"{ITEM.format(first)}/metadata", {**form, "enemies": "PSS-09-999"}, follow_redirects=True)
    assert "These enemy items do not exist: PSS-09-999." in unknown.get_data(as_text=True)
    client.submit(f"{ITEM.format(first)}/metadata", {**form, "enemies": second.lower()})
    assert _get(app, db, first).enemies == [second] and first in _get(app, db, second).enemies


def test_changing_the_key_of_an_approved_item_needs_review(app, db, client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    item = _get(app, db, bank_items[0])
    other_key = next(k for k in "abcd" if k != item.key)
    client.submit(f"{ITEM.format(item.id)}/metadata", {"version": item.version, "cognitive_level": item.cognitive_level,
                                                       "key": other_key, "enemies": "", "note": "key was wrong"})
    saved = _get(app, db, item.id)
    assert (saved.key, saved.status) == (other_key, "review")


def test_writing_a_new_item(app, db, client, login_as, bank_items):
    login_as(Role.ITEM_WRITER)
    data = {"competency": "1", "cognitive_level": "application", "stem": "A peer notices a change. What first?",
            "option_a": "Ask", "option_b": "Wait", "option_c": "Tell", "option_d": "Leave", "key": "a",
            "rationale": "Asking first respects self-direction."}
    response = client.submit("/staff/bank/new", data)
    assert response.status_code == 302
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert new_id.startswith("PSS-01-")
    created = _get(app, db, new_id)
    assert created.status == "draft" and created.variants["en"].options["a"] == "Ask"
    refused = client.submit("/staff/bank/new", {**data, "rationale": ""})
    assert refused.status_code == 400 and "Write the rationale" in refused.get_data(as_text=True)
    assert "A peer notices a change." in refused.get_data(as_text=True)


def test_export_from_the_database_is_in_the_exchange_format(client, login_as, bank_items):
    from lms.itembank.exchange import items_from_export

    login_as(Role.ADMIN)
    response = client.get("/staff/bank/export.json")
    items = items_from_export(response.get_json())
    assert [i.id for i in items] == sorted(bank_items)
    assert all(len(i.variants) == 10 for i in items)
