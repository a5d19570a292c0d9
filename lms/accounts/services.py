"""Account rules: registration, sign-in, passwords, staff accounts, roles and sessions."""
from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..core import audit, mail
from ..core.clock import now
from ..core.errors import DomainError
from ..core.i18n import LOCALES
from ..core.roles import PROVIDER_ROLES, Role
from ..extensions import db
from ..providers.models import Provider
from .models import RoleGrant, User


# Passwords ---------------------------------------------------------------------------------

def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("lms.password_hasher")
    if hasher is None:
        hasher = PasswordHasher(
            time_cost=current_app.config["PASSWORD_HASH_TIME_COST"],
            memory_cost=current_app.config["PASSWORD_HASH_MEMORY_COST"],
        )  # argon2id is argon2-cffi's default type
        current_app.extensions["lms.password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    """Verify, and upgrade the stored hash when the cost settings have changed."""
    if not user.password_hash:
        _burn_time(password)
        return False
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def _burn_time(password: str) -> None:
    """Spend the time of one verification so unknown emails cannot be told apart by timing."""
    hasher = _hasher()
    dummy = current_app.extensions.get("lms.dummy_hash")
    if dummy is None:
        dummy = current_app.extensions["lms.dummy_hash"] = hasher.hash("not-a-real-password")
    try:
        hasher.verify(dummy, password)
    except VerificationError:
        pass


def validate_new_password(password: str, email: str | None = None) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise DomainError(
            "password_too_short",
            _("Use at least %(n)d characters for your password.", n=minimum),
        )
    if email and password.strip().lower() == email.strip().lower():
        raise DomainError("password_is_email", _("Your password must not be your email address."))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# Registration and sign-in ------------------------------------------------------------------

def register_trainee(name: str, email: str, password: str, locale: str) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise DomainError(
            "email_taken",
            _("An account with this email already exists. Sign in, or reset your password if you forgot it."),
        )
    validate_new_password(password, email)
    user = User(name=name.strip(), email=email, password_hash=hash_password(password),
                locale=locale if locale in LOCALES else "en")
    user.grants.append(RoleGrant(role=Role.TRAINEE))
    db.session.add(user)
    db.session.flush()
    audit.record("account.registered", user, actor=user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, if they may sign in now; every attempt is audited."""
    user = find_user(email)
    if user is None:
        _burn_time(password)
        audit.record("auth.login_failed", email=normalise_email(email)[:254], why="unknown_email")
        return None
    if not check_password(user, password):
        audit.record("auth.login_failed", user, actor=user, why="bad_password")
        return None
    if not user.active:
        audit.record("auth.login_failed", user, actor=user, why="disabled")
        return None
    if user.is_demo and not current_app.config["DEMO_MODE"]:
        audit.record("auth.login_failed", user, actor=user, why="demo_mode_off")
        return None
    user.last_login_at = now()
    audit.record("auth.login", user, actor=user)
    return user


def may_hold_session(user: User) -> bool:
    return user.active and (current_app.config["DEMO_MODE"] or not user.is_demo)


def logout(user: User) -> None:
    """Ends every session of the user, on every device."""
    user.end_all_sessions()
    audit.record("auth.logout", user, actor=user)


def change_password(user: User, current: str, new: str) -> None:
    if not check_password(user, current):
        raise DomainError("wrong_password", _("Your current password is not correct. Type it again."))
    validate_new_password(new, user.email)
    _set_password(user, new)
    audit.record("auth.password_changed", user, actor=user)


def _set_password(user: User, new: str) -> None:
    user.password_hash = hash_password(new)
    user.end_all_sessions()


# Password reset by an emailed one-time link -----------------------------------------------

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used link stops working."""
    material = f"{user.password_hash or ''}:{user.session_token}".encode()
    return hashlib.sha256(material).hexdigest()[:20]


def reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(data.get("f")), _password_fingerprint(user)):
        return None
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way to the requester."""
    user = find_user(email)
    if user is None or not user.active:
        audit.record("auth.reset_requested", email=normalise_email(email)[:254], sent=False)
        return
    link = url_for("accounts.reset_password", token=reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with force_locale(user.locale):
        subject = _("Reset your password")
        body = _(
            "Hello %(name)s,\n\nSomeone asked to reset the password of your account. "
            "To choose a new password, open this link within %(minutes)d minutes:\n\n%(link)s\n\n"
            "The link works once. If you did not ask for this, ignore this message; "
            "your password stays the same.",
            name=user.name, minutes=minutes, link=link,
        )
    mail.send(user.email, subject, body)
    audit.record("auth.reset_requested", user, actor=user, sent=True)


def complete_password_reset(user: User, new: str) -> None:
    validate_new_password(new, user.email)
    _set_password(user, new)
    audit.record("auth.password_reset", user, actor=user)


# Profile -----------------------------------------------------------------------------------

def update_profile(user: User, name: str, locale: str) -> None:
    changes = {}
    if name.strip() and name.strip() != user.name:
        changes["name"] = [user.name, name.strip()]
        user.name = name.strip()
    if locale in LOCALES and locale != user.locale:
        changes["locale"] = [user.locale, locale]
        user.locale = locale
    if changes:
        audit.record("account.profile_updated", user, actor=user, changes=changes)


def set_locale(user: User, locale: str) -> None:
    if locale not in LOCALES:
        raise DomainError("unknown_locale", _("That language is not available. Choose one from the list."))
    if locale != user.locale:
        audit.record("account.profile_updated", user, actor=user, changes={"locale": [user.locale, locale]})
        user.locale = locale


# Staff accounts (created by certification staff) --------------------------------------------

def create_account(admin: User, name: str, email: str, locale: str,
                   roles: set[Role], provider: Provider | None) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise DomainError("email_taken", _("An account with this email already exists."))
    user = User(name=name.strip(), email=email, locale=locale if locale in LOCALES else "en")
    db.session.add(user)
    _apply_roles(user, roles, provider)
    db.session.flush()
    audit.record("account.created", user, actor=admin, roles=sorted(roles),
                 provider=provider.id if provider else None)
    send_invitation(user)
    return user


def send_invitation(user: User) -> None:
    link = url_for("accounts.reset_password", token=reset_token(user), _external=True)
    with force_locale(user.locale):
        subject = _("Your account for peer support certification")
        body = _(
            "Hello %(name)s,\n\nCertification staff created an account for you. "
            "To choose your password and sign in, open this link:\n\n%(link)s",
            name=user.name, link=link,
        )
    mail.send(user.email, subject, body)


def update_roles(admin: User, user: User, roles: set[Role], provider: Provider | None, reason: str) -> None:
    before = _grant_labels(user)
    if user.id == admin.id and Role.ADMIN not in roles:
        raise DomainError("own_admin_role", _("You cannot remove your own staff role. Ask another administrator."))
    _apply_roles(user, roles, provider)
    db.session.flush()
    after = _grant_labels(user)
    if before != after:
        audit.record("account.roles_changed", user, actor=admin, reason=reason, before=before, after=after)


def _grant_labels(user: User) -> list[str]:
    return sorted(f"{g.role}@{g.provider_id}" if g.provider_id else str(g.role) for g in user.grants)


def _apply_roles(user: User, roles: set[Role], provider: Provider | None) -> None:
    """Make the user's global roles, and their roles at ``provider``, exactly ``roles``.

    Provider roles held at other organisations are left alone: the form edits one at a time.
    """
    if roles & PROVIDER_ROLES and provider is None:
        raise DomainError(
            "provider_required",
            _("Course authors and instructors act for a training provider. Choose the organisation."),
        )
    wanted = {(role, provider.id if role.needs_provider else None) for role in roles}
    for grant in list(user.grants):
        key = (grant.role, grant.provider_id)
        in_scope = not grant.role.needs_provider or (provider is not None and grant.provider_id == provider.id)
        if key in wanted:
            wanted.discard(key)
        elif in_scope:
            user.grants.remove(grant)
    for role, provider_id in sorted(wanted):
        user.grants.append(RoleGrant(role=role, provider_id=provider_id))


def set_active(admin: User, user: User, active: bool, reason: str) -> None:
    if user.id == admin.id and not active:
        raise DomainError("own_account", _("You cannot disable your own account."))
    if not reason.strip():
        raise DomainError("reason_required", _("Give a reason; it is kept in the audit log."))
    if user.active == active:
        return
    user.active = active
    if not active:
        user.end_all_sessions()
    audit.record("account.enabled" if active else "account.disabled", user, actor=admin, reason=reason.strip())


def count_by_role() -> dict[Role, int]:
    rows = db.session.execute(
        select(RoleGrant.role, func.count(func.distinct(RoleGrant.user_id))).group_by(RoleGrant.role)
    )
    return {role: count for role, count in rows}
