"""Contact fields several forms share, defined once (GOV.UK pattern: label, inline error): the
resident's e-mail address and mobile number (intake by staff, the resident's own details) and
the name and phone number of a person or an organisation (/beheer).

A field is made by a function, as WTForms copies a field class attribute into each form class;
the check that needs the other fields or gives a value (the number in E.164) is a function the
form's validate() calls.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from app.services.notifications.preferences import InvalidPhone, is_valid_email, normalise_mobile
from app.services.organisations import is_valid_phone


def name_field(label: Any = None, autocomplete: str = "off") -> Any:
    """A required name, at most 200 characters (a staff member, an organisation)."""
    return StringField(
        label or _l("Name"),
        validators=[
            InputRequired(message=_l("Enter the name.")),
            Length(max=200, message=_l("Use at most 200 characters.")),
        ],
        render_kw={"autocomplete": autocomplete, "maxlength": 200},
    )


def email_field(label: Any, autocomplete: str = "off") -> Any:
    """An e-mail address, checked by checked_email() (optional unless the form says so)."""
    return StringField(
        label,
        render_kw={
            "autocomplete": autocomplete,
            "type": "email",
            "spellcheck": "false",
            "maxlength": 254,
        },
    )


def mobile_field(label: Any, autocomplete: str = "off") -> Any:
    """A mobile number for text messages, checked by checked_mobile()."""
    return StringField(
        label, render_kw={"autocomplete": autocomplete, "type": "tel", "maxlength": 20}
    )


def _valid_phone(form: Form, field: Field) -> None:
    if (field.data or "").strip() and not is_valid_phone(field.data.strip()):
        raise ValidationError(_l("Enter a phone number like 0172 46 59 00."))


def phone_field(label: Any) -> Any:
    """A number residents can call (an organisation's): any Dutch number, also 14 0172."""
    return StringField(
        label,
        validators=[Length(max=40, message=_l("Use at most 40 characters.")), _valid_phone],
        render_kw={"type": "tel", "maxlength": 40, "autocomplete": "off"},
    )


def checked_email(field: Field) -> bool:
    """Strips the address; an address that is not one gets its error. Empty is fine here."""
    field.data = (field.data or "").strip()
    if field.data and not is_valid_email(field.data):
        field.errors = [*field.errors, _l("Enter an e-mail address like name@example.nl.")]
        return False
    return True


def checked_mobile(field: Field, *, say_not_mobile: bool = False) -> str | None:
    """The number in E.164 ('' when empty), or None with the error on the field.
    say_not_mobile: a landline number gets its own message (the resident's own form)."""
    raw = (field.data or "").strip()
    if not raw:
        return ""
    try:
        return normalise_mobile(raw)
    except InvalidPhone as exc:
        message = (
            _l(
                "This is not a mobile number. Text messages only go to a mobile "
                "number, like 06 12345678."
            )
            if say_not_mobile and exc.reason == "not-mobile"
            else _l("Enter a mobile number like 06 12345678.")
        )
        field.errors = [*field.errors, message]
        return None
