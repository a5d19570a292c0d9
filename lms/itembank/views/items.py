"""Staff screens for the item bank: browse and filter, an item and its history, side-by-side editing, review."""
from __future__ import annotations

import json
from types import SimpleNamespace

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.errors import DomainError
from ...core.i18n import LOCALES
from ...core.roles import STAFF_ROLES, Role
from ...extensions import db
from .. import store
from ..blueprint import bp
from ..exchange import item_to_dict
from ..loader import LANGUAGES, LEVELS, STATUSES, shipped_blueprint
from ..models import BankItem, ItemVersion
from ..plots import item_curve
from ..statistics import history_of, latest_by_item
from ..types import REGISTRY

PAGE_SIZE = 50
FLAGS = ("flagged", "too_hard", "too_easy", "low_discrimination", "dif")
STAFF = tuple(STAFF_ROLES)


def _item(item_id: str) -> BankItem:
    return db.get_or_404(BankItem, item_id)


def _matches(item: BankItem, stat, args) -> bool:
    if args.get("competency", type=int) and item.competency != args.get("competency", type=int):
        return False
    if args.get("area") and item.area != args["area"]:
        return False
    if args.get("status") and item.status != args["status"]:
        return False
    missing = args.get("missing")
    if missing and (item.variants.get(missing) is not None and item.variants[missing].status == "approved"):
        return False
    flag = args.get("flag")
    if flag:
        flags = stat.flags if stat else []
        if flag == "flagged" and not flags:
            return False
        if flag == "dif" and not any(f.startswith("dif_") for f in flags):
            return False
        if flag not in ("flagged", "dif") and flag not in flags:
            return False
    text = (args.get("q") or "").strip().casefold()
    if text and text not in item.id.casefold() and text not in item.variants["en"].stem.casefold():
        return False
    return True


@bp.route("/")
@roles_required(*STAFF)
def browse():
    blueprint = shipped_blueprint()
    stats = latest_by_item()
    items = db.session.scalars(select(BankItem).order_by(BankItem.id)).all()
    found = [i for i in items if _matches(i, stats.get(i.id), request.args)]
    number = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(found) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    shown = found[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
    page = SimpleNamespace(page=number, pages=pages, has_prev=number > 1, prev_num=number - 1,
                           has_next=number < pages, next_num=number + 1)
    approved = [i for i in items if i.status == "approved"]
    coverage = {lang: sum(1 for i in approved if i.variants.get(lang) and i.variants[lang].status == "approved")
                for lang in LANGUAGES}
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("itembank/browse.html", items=shown, total=len(found), page=page,
                           filters=filters, stats=stats, blueprint=blueprint, statuses=STATUSES, flags=FLAGS,
                           languages=LANGUAGES, locales=LOCALES, coverage=coverage, approved=len(approved),
                           all_count=len(items))


@bp.route("/export.json")
@roles_required(*STAFF)
def export_json():
    items = db.session.scalars(select(BankItem).order_by(BankItem.id)).all()
    body = json.dumps([item_to_dict(i) for i in items], ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="item-bank.json"'})


def _option_fields(form) -> dict:
    return {oid: form.get(f"option_{oid}", "") for oid in REGISTRY["single_best_answer"].option_ids}


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ITEM_WRITER)
def new_item():
    blueprint = shipped_blueprint()
    status = 200
    if request.method == "POST":
        try:
            item = store.create_item(current_user, blueprint, request.form.get("competency", 0, type=int),
                                     request.form.get("cognitive_level", ""), request.form.get("pretest") == "1",
                                     request.form.get("stem", ""), _option_fields(request.form),
                                     request.form.get("key", ""), request.form.get("rationale", ""))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            status = error.status
        else:
            db.session.commit()
            flash(_("Item %(id)s is saved as a draft.", id=item.id), "success")
            return redirect(url_for("itembank.item", item_id=item.id))
    return render_template("itembank/new.html", blueprint=blueprint, levels=LEVELS, form=request.form,
                           option_ids=REGISTRY["single_best_answer"].option_ids, options=_option_fields(request.form)), status


@bp.route("/items/<item_id>")
@roles_required(*STAFF)
def item(item_id: str):
    item = _item(item_id)
    versions = db.session.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id)
                                  .order_by(ItemVersion.number.desc())).all()
    history = [(v, store.changes(versions[n + 1].snapshot if n + 1 < len(versions) else None, v.snapshot))
               for n, v in enumerate(versions)]
    curve = None
    if item.irt:
        curve = item_curve(item.irt["a"], item.irt["b"], {"y": _("Probability of a right answer"),
                                                            "probability": _("Probability of a right answer"),
                                                            "information": _("Item information (scaled)")})
    return render_template("itembank/item.html", item=item, history=history, stats=history_of(item.id), curve=curve,
                           levels=LEVELS, languages=LANGUAGES, locales=LOCALES, blueprint=shipped_blueprint(),
                           actions=store.ITEM_ACTIONS, option_ids=REGISTRY[item.type].option_ids)


@bp.route("/items/<item_id>/metadata", methods=["POST"])
@roles_required(Role.ITEM_WRITER)
def save_metadata(item_id: str):
    item = _item(item_id)
    try:
        store.save_metadata(current_user, item, request.form.get("version", type=int),
                            request.form.get("cognitive_level", ""), request.form.get("pretest") == "1",
                            request.form.get("key", ""), request.form.get("enemies", "").replace(";", ",").split(","),
                            request.form.get("note", "").strip())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Saved as version %(version)s.", version=item.version), "success")
    return redirect(url_for("itembank.item", item_id=item_id))


@bp.route("/items/<item_id>/variants/<language>", methods=["GET", "POST"])
@roles_required(Role.ITEM_WRITER)
def edit_variant(item_id: str, language: str):
    item = _item(item_id)
    if language not in LANGUAGES:
        abort(404)
    status = 200
    form = request.form if request.method == "POST" else None
    if request.method == "POST":
        try:
            store.save_variant(current_user, item, request.form.get("version", type=int), language,
                               request.form.get("stem", ""), _option_fields(request.form),
                               request.form.get("rationale", ""), request.form.get("note", "").strip())
        except DomainError as error:
            db.session.rollback()
            item = _item(item_id)
            flash(error.message, "error")
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved as version %(version)s; the text is now in review.", version=item.version), "success")
            return redirect(url_for("itembank.item", item_id=item_id))
    option_ids = REGISTRY[item.type].option_ids
    variant = item.variants.get(language)
    if form is not None:   # a refused save shows what the person wrote, never the stored text
        shown = {"stem": form.get("stem", ""), "rationale": form.get("rationale", ""), "options": _option_fields(form)}
    elif variant is not None:
        shown = {"stem": variant.stem, "rationale": variant.rationale, "options": variant.options}
    else:
        shown = {"stem": "", "rationale": "", "options": {oid: "" for oid in option_ids}}
    return render_template("itembank/edit_variant.html", item=item, language=language, locales=LOCALES, form=form,
                           english=item.variants.get("en"), shown=shown, option_ids=option_ids), status


@bp.route("/items/<item_id>/review", methods=["POST"])
@roles_required(Role.ITEM_WRITER, Role.ADMIN)
def review_item(item_id: str):
    item = _item(item_id)
    try:
        store.review_item(current_user, item, request.form.get("action", ""), request.form.get("note", ""))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The item's status is now recorded."), "success")
    return redirect(url_for("itembank.item", item_id=item_id))


@bp.route("/items/<item_id>/variants/<language>/review", methods=["POST"])
@roles_required(Role.ITEM_WRITER)
def review_variant(item_id: str, language: str):
    item = _item(item_id)
    try:
        store.review_variant(current_user, item, language, request.form.get("action", ""), request.form.get("note", ""))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The review of the %(language)s text is recorded.", language=LOCALES.get(language, language)), "success")
    return redirect(url_for("itembank.item", item_id=item_id))


@bp.route("/items/<item_id>/versions/<int:number>")
@roles_required(*STAFF)
def version(item_id: str, number: int):
    item = _item(item_id)
    found = db.session.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id,
                                                         ItemVersion.number.in_([number, number - 1]))).all()
    by_number = {v.number: v for v in found}
    if number not in by_number:
        abort(404)
    shown = by_number[number]
    previous = by_number.get(number - 1)
    return render_template("itembank/version.html", item=item, shown=shown, locales=LOCALES, languages=LANGUAGES,
                           changed=store.changes(previous.snapshot if previous else None, shown.snapshot))
