"""Who may see what. Every resident route uses resident_required."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def resident_required(view: F) -> F:
    """Logged in as a resident (staff never pass this guard)."""

    @login_required
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from flask import abort

        if getattr(current_user, "is_staff", True):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
