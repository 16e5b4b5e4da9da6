"""Forms for registering a resident and for recording the resident's consent for another
organisation (GOV.UK pattern, like app.staff.forms)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.form_fields import checked_email, checked_mobile, email_field, mobile_field
from app.services.bsn import is_valid_bsn
from app.services.caseload import clean_bsn

# How the resident told the staff member they agree (the portal is the resident's own way).
CONSENT_CHOICES = [("phone", _l("By phone")), ("desk", _l("At the desk"))]
LANGUAGE_CHOICES = [("nl", _l("Dutch")), ("en", _l("English"))]


class IntakeForm(FlaskForm):
    bsn = StringField(
        _l("BSN (citizen service number)"),
        validators=[InputRequired(message=_l("Enter the BSN."))],
        render_kw={
            "autocomplete": "off",
            "inputmode": "numeric",
            "spellcheck": "false",
            "maxlength": 14,
        },
    )
    first_name = StringField(
        _l("First name"),
        validators=[
            InputRequired(message=_l("Enter the first name.")),
            Length(max=100, message=_l("Use at most 100 characters.")),
        ],
        render_kw={"autocomplete": "off", "maxlength": 100},
    )
    initials = StringField(
        _l("Initials (optional)"),
        validators=[Length(max=20, message=_l("Use at most 20 characters."))],
        render_kw={"autocomplete": "off", "maxlength": 20},
    )
    last_name = StringField(
        _l("Last name"),
        validators=[
            InputRequired(message=_l("Enter the last name.")),
            Length(max=150, message=_l("Use at most 150 characters.")),
        ],
        render_kw={"autocomplete": "off", "maxlength": 150},
    )
    date_of_birth = DateField(
        _l("Date of birth (optional)"),
        validators=[Optional()],
        render_kw={"autocomplete": "off"},
    )
    email = email_field(_l("E-mail address (optional)"))
    phone = mobile_field(_l("Mobile phone number (optional)"))
    language = RadioField(
        _l("Language for the resident"),
        choices=LANGUAGE_CHOICES,
        default="nl",
        validators=[InputRequired(message=_l("Choose a language."))],
    )
    channel = RadioField(
        _l("How did the resident agree to get help from your organisation?"),
        choices=CONSENT_CHOICES,
        validators=[InputRequired(message=_l("Choose how the resident agreed."))],
    )

    # Filled by validate().
    bsn_digits: str = ""
    phone_e164: str = ""

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        self.bsn_digits = clean_bsn(self.bsn.data or "")
        if self.bsn_digits and not is_valid_bsn(self.bsn_digits):
            self.bsn.errors = [
                *self.bsn.errors,
                _l("This is not a valid BSN. A BSN has 9 digits. Check the number and try again."),
            ]
            ok = False
        ok = checked_email(self.email) and ok
        phone = checked_mobile(self.phone)
        self.phone_e164 = phone or ""
        return ok and phone is not None


class ConsentForm(FlaskForm):
    """The resident agreed that another organisation helps: recorded by staff."""

    organisation = SelectField(_l("Which organisation?"), coerce=int, validate_choice=False)
    channel = RadioField(
        _l("How did the resident agree?"),
        choices=CONSENT_CHOICES,
        validators=[InputRequired(message=_l("Choose how the resident agreed."))],
    )
    agreed = BooleanField(
        _l("The resident agreed that this organisation may see and work on the dossier"),
        validators=[InputRequired(message=_l("Only with the resident's consent."))],
    )
