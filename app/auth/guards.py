"""Who may see what. Every resident route uses resident_required, every staff route
staff_required (and admin_required for /beheer, platform_admin_required for adding
organisations; the start page of /beheer lets either in)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required

from app.models import Dossier

F = TypeVar("F", bound=Callable[..., Any])


def resident_required(view: F) -> F:
    """Logged in as a resident (staff never pass this guard)."""

    @login_required
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if getattr(current_user, "is_staff", True):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def staff_required(view: F) -> F:
    """Logged in as a staff member (residents never pass); else to the staff login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
        if not getattr(current_user, "is_staff", False):
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _staff_who(may: Callable[[Any], bool], view: F) -> F:
    """staff_required, and then `may(current_user)` or 403."""

    @staff_required
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not may(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """A staff member with the role beheerder in at least one organisation."""
    return _staff_who(lambda staff: bool(staff.is_admin), view)


def platform_admin_required(view: F) -> F:
    """The platform administrator (`flask create-admin --platform`): adds organisations. A
    beheerder of an organisation is not one."""
    return _staff_who(lambda staff: bool(staff.platform_admin), view)


def admin_or_platform_admin_required(view: F) -> F:
    """A beheerder, or the platform administrator (the start page of /beheer: each sees their
    own part of it)."""
    return _staff_who(lambda staff: bool(staff.opens_administration), view)


def current_dossier() -> Dossier:
    """The logged-in resident's own dossier; every resident route reads it from here, never
    from an id in the URL."""
    dossier = current_user.dossier
    if dossier is None:
        abort(404)
    return dossier
